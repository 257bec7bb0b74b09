"""Where a warm rerun of a page spends its time (cProfile on CPU time, and pyinstrument).

Usage::

    python bench/profile_page.py                      # pages/accueil.py, 5 profiled reruns
    python bench/profile_page.py --page pages/carte.py --runs 10 --top 30
    python bench/profile_page.py --html bench/results/accueil.html   # pyinstrument's HTML view
    python bench/profile_page.py --national --runs 3                 # every EPCI of France

The page runs in AppTest (through app.py, so the router's work counts) with the real
the app's own map code (only the component call is replaced, see bench/apptest.py).
The profilers run in the script thread: Streamlit's script-runner entry point is wrapped.
cProfile uses the thread's CPU time, so a busy machine does not inflate the figures.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.apptest import MapRecorder, server_like
from bench.common import APP, ROOT, prepare_data_dir


class _Profilers:
    def __init__(self, *, with_pyinstrument: bool) -> None:
        self.enabled: bool | str = False
        self.cprofile = cProfile.Profile(time.thread_time)
        self.pyinstrument = None
        if with_pyinstrument:
            from pyinstrument import Profiler

            self.pyinstrument = Profiler(interval=0.0005)
        self.cpu: list[float] = []
        self.wall: list[float] = []

    def wrap(self, real):
        def exec_func_with_error_handling(func, ctx):
            if not self.enabled:
                return real(func, ctx)
            # One profiler at a time: both hook sys.setprofile.
            use_pyinstrument = self.pyinstrument is not None and self.enabled == "pyinstrument"
            cpu, wall = time.thread_time(), time.perf_counter()
            if use_pyinstrument:
                self.pyinstrument.start()
            else:
                self.cprofile.enable()
            try:
                return real(func, ctx)
            finally:
                if use_pyinstrument:
                    self.pyinstrument.stop()
                else:
                    self.cprofile.disable()
                    self.cpu.append(time.thread_time() - cpu)
                    self.wall.append(time.perf_counter() - wall)

        return exec_func_with_error_handling


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", default="pages/accueil.py")
    parser.add_argument("--query", action="append", default=[], help="key=value query parameter")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--national", action="store_true", help="the national programme (every EPCI)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--html", type=Path, help="write pyinstrument's HTML report here")
    parser.add_argument("--no-pyinstrument", action="store_true")
    return parser.parse_args(argv)


def set_environment(env: dict[str, str | None]) -> None:
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def profile_reruns(args: argparse.Namespace, profilers: _Profilers) -> list[float]:
    """Open the page, warm it, then rerun it plainly, under cProfile, under pyinstrument."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=300)
    for item in args.query:
        key, _, value = item.partition("=")
        at.query_params[key] = value
    at.run()
    at.switch_page(args.page)
    at.run()
    at.run()  # warm
    if at.exception:
        raise SystemExit(f"exception in {args.page}: {at.exception[0].value}")
    plain = []
    for _ in range(args.runs):
        started = time.perf_counter()
        at.run()
        plain.append(time.perf_counter() - started)
    modes = ["cprofile", "pyinstrument"] if profilers.pyinstrument else ["cprofile"]
    for mode in modes:
        profilers.enabled = mode
        for _ in range(args.runs):
            at.run()
    profilers.enabled = False
    return sorted(plain)


def print_stats(profilers: _Profilers, sort: str, top: int, title: str) -> None:
    out = io.StringIO()
    pstats.Stats(profilers.cprofile, stream=out).sort_stats(sort).print_stats(top)
    text = out.getvalue().replace(str(ROOT) + "/", "")
    print(title)
    print(text[text.index("   ncalls") :] if "   ncalls" in text else text)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from streamlit.runtime.scriptrunner import script_runner

    profilers = _Profilers(with_pyinstrument=not args.no_pyinstrument)
    patches = [
        *MapRecorder().patches(),
        *server_like(),
        mock.patch.object(
            script_runner, "exec_func_with_error_handling", profilers.wrap(script_runner.exec_func_with_error_handling)
        ),
    ]
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        env, _ = prepare_data_dir(Path(tmp), national=args.national)  # a fresh store
        set_environment(env)
        for p in patches:
            p.start()
        try:
            plain = profile_reruns(args, profilers)
        finally:
            for p in patches:
                p.stop()

    n = len(profilers.cpu)
    print(
        f"{args.page}: réexécution sans profileur, médiane {1000 * plain[len(plain) // 2]:.0f} ms "
        f"(AppTest, temps mur) ; sous cProfile : CPU {1000 * sum(profilers.cpu) / n:.0f} ms, "
        f"mur {1000 * sum(profilers.wall) / n:.0f} ms par réexécution\n"
    )
    print_stats(profilers, "cumulative", args.top, "== cProfile, temps CPU cumulé (toutes réexécutions) ==")
    print_stats(profilers, "tottime", 15, "== cProfile, temps CPU propre ==")
    if profilers.pyinstrument:
        print("== pyinstrument (temps mur) ==")
        print(profilers.pyinstrument.output_text(unicode=True, color=False, show_all=False))
        if args.html:
            args.html.parent.mkdir(parents=True, exist_ok=True)
            args.html.write_text(profilers.pyinstrument.output_html(), encoding="utf-8")


if __name__ == "__main__":
    main()
