"""What a first visit does before the map is drawn, page by page (issue 25).

A server of the demo programme and one of the floor page (bench/common.py ``FLOOR_APP``); for
each page, several first visits (fresh browser context, empty HTTP cache), each timed from
``goto`` to the first ``path.territoire`` in the map iframe, with the browser's own timeline:
the scripts fetched before the map (Streamlit lazy-loads each element's code), when the map
iframe was created, when its Leaflet loaded. Prints, per page, the median and its ratio to the
floor page measured in the same run, then the timeline of the median visit.

Usage::

    python bench/first_visit.py                     # /, /carte, /segments, /fiche, /atelier
    python bench/first_visit.py --visits 5 --path /segments
    python bench/first_visit.py --returning         # after / (warm HTTP cache), as bench/run.py
    python bench/first_visit.py --stack             # through deploy/ (nginx + 2 instances)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    APP,
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    FLOOR_APP,
    MAP_IFRAME,
    ROOT,
    SHAPE,
    Server,
    prepare_data_dir,
)

PATHS = ["/", "/carte", "/segments", "/fiche?territoire=200046977", "/atelier"]
FLOOR = "/#plancher"

#: In every frame: the epoch (ms) of the first map iframe and of the first territory drawn.
_MARKS = """
(() => {
  const now = () => performance.timeOrigin + performance.now();
  const seen = (sel, key) => {
    const check = () => {
      if (!window.top.__marks) window.top.__marks = {};
      if (window.top.__marks[key] === undefined && document.querySelector(sel)) window.top.__marks[key] = now();
    };
    new MutationObserver(check).observe(document, {childList: true, subtree: true});
  };
  try {
    if (window === window.top) {
      seen('iframe', 'iframe'); seen('[data-testid="stElementContainer"]', 'element');
      // A projected page (Atelier, Salle): when its content block takes its height (the style is there).
      const shown = () => {
        const frame = document.querySelector('.st-key-projection');
        if (frame && frame.getBoundingClientRect().height > 1) { window.top.__marks = window.top.__marks || {};
          window.top.__marks.visible = now(); return; }
        if (performance.now() < 20000) requestAnimationFrame(shown);
      };
      requestAnimationFrame(shown);
    }
    else { seen('path.territoire', 'shape'); }
  } catch (e) {}
})();
"""

_TIMELINE = """() => {
  const t0 = performance.timeOrigin;
  const res = performance.getEntriesByType('resource').map(r => ({
    name: r.name.split('/').slice(-1)[0].split('?')[0], start: r.startTime, end: r.responseEnd,
    size: r.encodedBodySize, type: r.initiatorType}));
  const frames = [...document.querySelectorAll('iframe')].map(f => f.title || f.src.slice(-40));
  for (const f of document.querySelectorAll('iframe')) {  // the map's own requests (Leaflet…)
    try {
      const shift = f.contentWindow.performance.timeOrigin - t0;
      for (const r of f.contentWindow.performance.getEntriesByType('resource')) res.push({
        name: '[iframe] ' + r.name.split('/').slice(-1)[0].split('?')[0], start: r.startTime + shift,
        end: r.responseEnd + shift, size: r.encodedBodySize, type: r.initiatorType});
    } catch (e) {}
  }
  const marks = Object.fromEntries(Object.entries(window.__marks || {}).map(([k, v]) => [k, v - t0]));
  const elements = document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]').length;
  return {res, frames, marks, elements};
}"""


async def visit(browser, url: str, before: str | None = None) -> tuple[float, dict]:
    """One first visit (or, after ``before`` in the same context, a returning visitor's, warm HTTP
    cache): seconds from goto to the first shape, and the page's timeline."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    try:
        await context.add_init_script(_MARKS)
        page = await context.new_page()
        if before:
            await page.goto(before, wait_until="commit")
            await page.frame_locator(MAP_IFRAME).locator(SHAPE).first.wait_for(state="attached", timeout=90_000)
        started = time.perf_counter()
        await page.goto(url, wait_until="commit")
        await page.frame_locator(MAP_IFRAME).locator(SHAPE).first.wait_for(state="attached", timeout=90_000)
        seconds = time.perf_counter() - started
        return seconds, await page.evaluate(_TIMELINE)
    finally:
        await context.close()


async def visits(
    base: dict[str, str], paths: list[str], n: int, *, returning: bool = False
) -> dict[str, list[tuple[float, dict]]]:
    """``n`` rounds over ``paths`` (interleaved, so that the machine's load hits them alike);
    ``returning``: each page but the floor after its server's overview (bench/run.py's
    « visiteur déjà venu »)."""
    from playwright.async_api import async_playwright

    out: dict[str, list[tuple[float, dict]]] = {p: [] for p in paths}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        try:
            for p in paths:  # warms the server's caches, not counted
                await visit(browser, base[p] + p.split("#")[0])
            for _ in range(n):
                for p in paths:
                    before = base[p] + "/" if returning and p != FLOOR else None
                    out[p].append(await visit(browser, base[p] + p.split("#")[0], before))
        finally:
            await browser.close()
    return out


def show(path: str, runs: list[tuple[float, dict]], floor: float) -> None:
    times = sorted(s for s, _ in runs)
    median = statistics.median(times)
    print(
        f"\n{path}: médiane {median:.2f} s (×{median / floor:.2f} du plancher), "
        f"visites {', '.join(f'{t:.2f}' for t in times)}"
    )
    _, timeline = min(runs, key=lambda r: abs(r[0] - median))
    marks = timeline["marks"]
    print(f"  iframes {timeline['frames']}, {timeline['elements']} éléments")
    print("  " + ", ".join(f"{k} {v / 1000:.2f} s" for k, v in sorted(marks.items(), key=lambda kv: kv[1])))
    shape = marks.get("shape", 1e12)
    for r in sorted(timeline["res"], key=lambda r: r["start"]):
        if r["start"] <= shape and r["type"] in ("script", "link", "iframe", "other", "fetch", "css"):
            print(
                f"    {r['start'] / 1000:6.2f} → {r['end'] / 1000:6.2f} s "
                f"{r['size'] / 1000:7.1f} KB {r['type']:7} {r['name'][:60]}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=5)
    parser.add_argument("--path", action="append", help="a page (repeat); default: " + " ".join(PATHS))
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (e.g. `git archive` of the commit before, with its .cache link): "
        "its pages are visited in the same rounds, marked « avant »",
    )
    parser.add_argument("--baseline-last", action="store_true", help="each page before its baseline (order effects)")
    parser.add_argument(
        "--returning", action="store_true", help="a returning visitor: each page opened after / (warm HTTP cache)"
    )
    parser.add_argument(
        "--stack", action="store_true", help="through deploy/ (nginx + 2 instances), the floor page too"
    )
    args = parser.parse_args(argv)
    paths = args.path or PATHS
    with tempfile.TemporaryDirectory(prefix="bench-premiere-") as tmp:
        env, _ = prepare_data_dir(Path(tmp), national=False)
        logs = ROOT / "bench" / "results"

        def start(app: Path, env: dict[str, str | None] | None, name: str):
            if args.stack:
                from territorial.harness.stack import Stack

                return Stack(instances=2, env=env, app=app, log_dir=logs)
            return Server(app=app, env=env, log=logs / f"streamlit-premiere{name}.log")

        servers = []
        try:
            server = start(APP, env, "")
            servers.append(server)
            floor = start(FLOOR_APP, None, "-plancher")
            servers.append(floor)
            # The baseline's own app.py: Streamlit puts its folder first on sys.path (its code, its pages).
            before = None
            if args.baseline:
                (Path(tmp) / "avant").mkdir()
                env_before, _ = prepare_data_dir(Path(tmp) / "avant", national=False)
                before = start(args.baseline.resolve() / "app.py", env_before, "-avant")
                servers.append(before)
            for s in servers:
                if isinstance(s, Server):
                    s.wait_healthy()
            load = os.getloadavg()[0]
            base = {FLOOR: floor.url}
            for p in paths:  # each page next to its baseline: the same load for both
                pair = ({p + "#avant": before.url} if before else {}) | {p: server.url}
                base |= dict(reversed(pair.items())) if args.baseline_last else pair
            results = asyncio.run(visits(base, list(base), args.visits, returning=args.returning))
        finally:
            for s in servers:
                s.stop()
    floor_median = statistics.median(s for s, _ in results[FLOOR])
    what = "visiteur déjà venu (après /)" if args.returning else "première visite"
    print(f"{what}{', via nginx + 2 instances' if args.stack else ''} ; plancher : première visite")
    print(f"charge moyenne {load:.1f} → {os.getloadavg()[0]:.1f}")
    for p, runs in results.items():
        show(p, runs, floor_median)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
