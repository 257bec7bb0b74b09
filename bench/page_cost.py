"""Server CPU per page view: protocol sessions on every page of app.py, next to an empty page.

A page view is what a visitor costs the server: a new websocket session, the page's first run
and what it sends (bench/protocol.py speaks the protocol as the frontend does). Each page is
opened once first (the process's caches are then warm, as on a server that has been up for a
while), then ``n`` sessions ask for it at once; the server process's CPU time over those
sessions, divided by ``n``, is the page's cost. The same is measured on a server of an empty
Streamlit page (``st.write("ok")``, bench/apptest.py) for the ratio (issue 25: ≤ ×3).

Usage: python bench/page_cost.py [-n 100] [--national]   (also in bench/run.py's table)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.apptest import EMPTY_PAGE
from bench.common import ROOT, RssSampler, Server, discover_pages, prepare_data_dir
from bench.protocol import run_protocol_viewers

FICHE_CODE = "200046977"  # Métropole de Lyon: in the demo and in the national programme
NO_MAP = "aucune carte dans la page"  # pages without a map are still counted
TIMEOUT = 120.0


@dataclass
class PageCost:
    path: str
    cpu_per_view: float  # seconds
    views: int
    errors: list[str]


def page_paths(queries: dict[str, dict[str, str]]) -> list[str]:
    """The URL of every page of app.py (the default page at /), with its query if any."""
    paths = []
    for spec in discover_pages():
        query = "&".join(f"{k}={v}" for k, v in queries.get(spec.url_path, {}).items())
        base = "/" if spec.default else f"/{spec.url_path}"
        paths.append(base + (f"?{query}" if query else ""))
    return paths


def measure(server: Server, path: str, n: int) -> PageCost:
    """``n`` sessions at once on ``path`` after one that warms it; the server's CPU per session."""
    asyncio.run(run_protocol_viewers(server.url, n=1, paths=[path], timeout=TIMEOUT))
    with RssSampler(server.process.pid, interval=0.2) as sampler:
        results = asyncio.run(run_protocol_viewers(server.url, n=n, paths=[path], timeout=TIMEOUT))
    errors = []
    for result in results:
        errors += [e for e in result.error.split("; ") if e and e != NO_MAP]
    return PageCost(path, sampler.cpu_seconds / n, n, sorted(set(errors)))


def empty_page_cost(n: int) -> PageCost:
    """The same measure on a server of an empty Streamlit page."""
    with tempfile.TemporaryDirectory(prefix="bench-vide-") as tmp:
        app = Path(tmp) / "empty_page.py"
        app.write_text(EMPTY_PAGE, encoding="utf-8")
        server = Server(app=app, log=ROOT / "bench" / "results" / "streamlit-vide.log")
        try:
            server.wait_healthy()
            return measure(server, "/", n)
        finally:
            server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="sessions per page")
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--page", action="append", default=[], help="only these URL paths (e.g. /segments)")
    args = parser.parse_args(argv)
    empty = empty_page_cost(args.n)
    print(f"page vide : {1000 * empty.cpu_per_view:.1f} ms de CPU serveur par vue")
    with tempfile.TemporaryDirectory(prefix="bench-vues-") as tmp:
        env, _ = prepare_data_dir(Path(tmp), national=args.national)
        server = Server(env=env, log=ROOT / "bench" / "results" / "streamlit-vues.log")
        try:
            server.wait_healthy()
            for path in page_paths({"fiche": {"territoire": FICHE_CODE}}):
                if args.page and path.split("?")[0] not in args.page:
                    continue
                cost = measure(server, path, args.n)
                print(
                    f"{path:32s} {1000 * cost.cpu_per_view:6.1f} ms  ×{cost.cpu_per_view / empty.cpu_per_view:4.1f}"
                    + (f"  erreurs : {cost.errors[:2]}" if cost.errors else "")
                )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
