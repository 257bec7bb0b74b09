"""The first start's build belongs to the process: leaving does not stop it, failures retry."""

import threading

from territorial.model.build import BackgroundBuild, OneBuild


def _gated_job(gate: threading.Event, runs: list[int], *, fail: bool = False):
    def job(progress):
        runs.append(1)
        progress(0.4, "Contours des intercommunalités…")
        assert gate.wait(10)
        if fail:
            raise OSError("disque plein")
        progress(1.0, "Prêt")

    return job


def test_the_build_goes_on_when_nobody_waits_for_it() -> None:
    gate, runs = threading.Event(), []
    build = BackgroundBuild(_gated_job(gate, runs)).start()
    assert not build.wait(0.05)  # the visitor gives up (closes the tab)…
    for _ in range(100):
        if build.fraction:
            break
        threading.Event().wait(0.01)
    assert (build.fraction, build.message) == (0.4, "Contours des intercommunalités…")
    gate.set()  # …and the build carries on without them
    assert build.wait(10) and build.done and not build.failed
    assert build.fraction == 1.0 and runs == [1]


def test_one_build_at_a_time_for_every_visitor() -> None:
    gate, runs = threading.Event(), []
    builds = OneBuild(_gated_job(gate, runs))
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(builds.start())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(b) for b in seen}) == 1
    gate.set()
    assert seen[0].wait(10)
    assert builds.start() is seen[0]  # finished, not needed again: no new build
    assert runs == [1]


def test_a_failed_build_is_kept_for_the_visitors_and_retried_by_the_next() -> None:
    gate, runs = threading.Event(), []
    gate.set()
    builds = OneBuild(_gated_job(gate, runs, fail=True))
    first = builds.start()
    assert first.wait(10) and first.failed
    assert isinstance(first.error, OSError) and str(first.error) == "disque plein"
    second = builds.start()
    assert second is not first
    assert second.wait(10) and runs == [1, 1]


def test_a_finished_build_runs_again_when_its_result_is_needed_again() -> None:
    gate, runs, needed = threading.Event(), [], [False]
    gate.set()
    builds = OneBuild(_gated_job(gate, runs), needed=lambda: needed[0])
    assert builds.start().wait(10)
    assert builds.start().wait(10) and runs == [1]
    needed[0] = True  # e.g. the cache directory was deleted
    assert builds.start().wait(10) and runs == [1, 1]
