"""« ZIP de toutes les fiches » is built once per programme version and shared (issue 23.6).

Three visitors asking at once cost three builds of ~2 minutes of server CPU each; now the
first builds it, the others wait for it, and later visitors download it at once.
"""

from __future__ import annotations

import threading

import pytest

from territorial.ui import downloads
from tests.conftest import open_page


@pytest.fixture
def builds(monkeypatch):
    calls: list[str] = []
    started = threading.Event()
    release = threading.Event()

    def fake(programme, *, reference, progress=None):
        calls.append(programme.fingerprint)
        started.set()
        release.wait(30)
        return b"PK-zip-" + str(programme.fingerprint).encode()

    monkeypatch.setattr(downloads, "all_fiches_zip", fake)
    downloads._fiches_zip.clear()
    yield calls, started, release
    downloads._fiches_zip.clear()


def test_simultaneous_requests_share_one_build(builds, demo, reference) -> None:
    calls, started, release = builds
    results: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: results.append(downloads._fiches_zip(demo, reference, None))) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    assert started.wait(30)
    release.set()
    for thread in threads:
        thread.join(30)
    assert calls == [demo.fingerprint]  # one build for three visitors
    assert results == [b"PK-zip-" + str(demo.fingerprint).encode()] * 3


def test_a_second_visitor_downloads_the_zip_already_built(builds, fresh_view_caches) -> None:
    calls, _, release = builds
    release.set()
    first = open_page("pages/donnees.py")
    prepare = next(b for b in first.button if b.label.startswith("Préparer les fiches"))
    prepare.click().run()
    second = open_page("pages/donnees.py")  # another session
    assert not [b for b in second.button if b.label.startswith("Préparer les fiches")]
    (button,) = [b for b in second.get("download_button") if "fiches (ZIP" in b.proto.label]
    assert len(calls) == 1
