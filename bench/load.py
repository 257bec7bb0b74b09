"""A room full of viewers: N real browsers open the dashboard at the same time.

One headless Chromium, N browser contexts (each a separate viewer: own cookies, own
cache, own Streamlit session), all started at once with asyncio. Each viewer opens a
page (by default the overview map, ``/``) and waits until the map's shapes are
drawn inside the map iframe. Reports how many viewers got their map, the errors, and
the time each took (p50 / p95 / max), plus the server's peak memory when this script
started the server.

Usage::

    python bench/load.py -n 20                       # starts its own server on 86xx
    python bench/load.py -n 20 --path / --path "/fiche?territoire=200046977"
    python bench/load.py -n 20 --protocol            # no browser: the server alone
    python bench/load.py -n 20 --national            # the national programme (1,253 EPCI)
    python bench/load.py -n 20 --edit 3              # a coordinator saves 3 versions meanwhile
    python bench/load.py -n 20 --floor               # the floor: a minimal Streamlit map page
    python bench/load.py --url http://127.0.0.1:8501 # an already running server (localhost only)

Browsers are expensive: each viewer costs a few CPU-seconds of Chromium, on the machine
that also runs the server. They run at low priority (nice 19, as if they were other
devices), and ``--protocol`` replaces them with Streamlit's websocket protocol (see
bench/protocol.py) to measure what the server alone can serve.

Bounded: a hard timeout per viewer (``--timeout``, 60 s) and for the whole run
(``--total-timeout``); only localhost is ever contacted (every other request is aborted).
Editing while others view (``--edit N``): while the crowd loads, an editor saves N new
versions to the server's store (bench/editing.py), each one territory shorter. Every
viewer must still get a whole map of one of those versions (no error, a shape count
between the first and the last version's), and a viewer arriving afterwards must see
the last version.

Exit status 0 when the target is met: every viewer served, none errored, p95 < ``--target-p95``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    APP,
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    FLOOR_APP,
    LOCAL_HOSTS,
    MAP_IFRAME,
    SHAPE,
    RssSampler,
    Server,
    Stats,
    ViewerResult,
    prepare_data_dir,
)
from bench.editing import Editor
from territorial.harness.chromium import is_local

DEFAULT_VIEWERS = 20
VIEWER_TIMEOUT = 60.0
TARGET_P95 = 8.0


_STAGE_JS = """() => ({
    app: !!document.querySelector('[data-testid="stApp"]'),
    main: document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]').length,
    iframes: document.querySelectorAll('iframe').length,
    running: !!document.querySelector('[data-testid="stStatusWidget"]'),
    skeleton: !!document.querySelector('[data-testid="stAppSkeleton"], [data-testid="stSkeleton"]'),
})"""


async def _stage(context) -> str:
    """Where a viewer that timed out got to (for the report)."""
    try:
        page = context.pages[0]
        state = await asyncio.wait_for(page.evaluate(_STAGE_JS), 5)
    except Exception as exc:  # noqa: BLE001
        return f"état inconnu : {type(exc).__name__}"
    return (
        f"app {'chargée' if state['app'] else 'non chargée'}, {state['main']} éléments, "
        f"{state['iframes']} iframe(s){', script en cours' if state['running'] else ''}"
    )


def local_only(blocked: list[str]):
    """A route handler that lets only this machine's requests through, noting the others."""

    async def guard(route):
        if is_local(route.request.url):
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort()

    return guard


def _problems(exceptions: int, page_errors: list[str], external: list[str]) -> str:
    """What went wrong in a page that did draw its map (empty when nothing)."""
    problems = []
    if exceptions:
        problems.append(f"{exceptions} exception(s) Streamlit affichée(s)")
    if page_errors:
        problems.append("erreur JS : " + page_errors[0][:200])
    if external:
        problems.append(f"{len(external)} requête(s) hors localhost : {external[0][:100]}")
    return "; ".join(problems)


async def _viewer(
    browser, base_url: str, path: str, index: int, timeout: float, came_before: str | None = None
) -> ViewerResult:
    """One viewer in a fresh browser context; with ``came_before``, the context opens that
    page first (untimed), so ``path`` is timed with a warm HTTP cache: a returning visitor."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page_errors: list[str] = []
    external: list[str] = []
    started = time.perf_counter()
    try:
        # Noted, not intercepted: a route (even one that lets everything through) turns the
        # browser's HTTP cache off, and the returning visitor would be timed as a first visit.
        context.on("request", lambda request: None if is_local(request.url) else external.append(request.url))
        page = await context.new_page()
        page.on("pageerror", lambda error: page_errors.append(str(error)))

        async def run(target: str) -> int:
            await page.goto(base_url + target, wait_until="commit")
            shapes = page.frame_locator(MAP_IFRAME).locator(SHAPE)
            await shapes.first.wait_for(state="attached", timeout=timeout * 1000)
            return await shapes.count()

        if came_before is not None:
            await asyncio.wait_for(run(came_before), timeout)
            started = time.perf_counter()
        shapes = await asyncio.wait_for(run(path), timeout)
        seconds = time.perf_counter() - started
        exceptions = await page.locator('[data-testid="stException"]').count()
        return ViewerResult(index, path, True, seconds, shapes, _problems(exceptions, page_errors, external))
    except TimeoutError:
        return ViewerResult(
            index,
            path,
            False,
            time.perf_counter() - started,
            error=f"carte non dessinée après {timeout:.0f} s ({await _stage(context)})",
        )
    except Exception as exc:  # noqa: BLE001 - every failure is reported, not raised
        return ViewerResult(
            index,
            path,
            False,
            time.perf_counter() - started,
            error=f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
        )
    finally:
        try:
            await asyncio.wait_for(context.close(), 10)
        except Exception:  # noqa: BLE001
            pass


async def run_viewers(
    base_url: str,
    *,
    n: int = DEFAULT_VIEWERS,
    paths: list[str] | None = None,
    timeout: float = VIEWER_TIMEOUT,
    total_timeout: float | None = None,
) -> list[ViewerResult]:
    """Open ``n`` viewers at once against ``base_url``; one result per viewer."""
    from playwright.async_api import async_playwright

    host = urlsplit(base_url).hostname
    if host not in LOCAL_HOSTS:
        raise ValueError(f"refusé : {base_url} n'est pas sur cette machine (localhost uniquement)")
    paths = paths or ["/"]
    total_timeout = total_timeout or timeout * 2 + 30
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        try:
            tasks = [
                asyncio.create_task(_viewer(browser, base_url, paths[i % len(paths)], i, timeout)) for i in range(n)
            ]
            done, pending = await asyncio.wait(tasks, timeout=total_timeout)
            for task in pending:
                task.cancel()
            results = [t.result() for t in done if not t.cancelled() and t.exception() is None]
            seen = {r.viewer for r in results}
            results += [
                ViewerResult(i, paths[i % len(paths)], False, total_timeout, error="arrêté : délai total dépassé")
                for i in range(n)
                if i not in seen
            ]
        finally:
            await browser.close()
    return sorted(results, key=lambda r: r.viewer)


async def sequential_viewers(
    base_url: str, paths: list[str], *, timeout: float = VIEWER_TIMEOUT, came_before: str | None = None
) -> list[ViewerResult]:
    """One viewer after the other (fresh browser context each), one per item of ``paths``;
    with ``came_before``, each one has opened that page first (see ``_viewer``)."""
    from playwright.async_api import async_playwright

    if urlsplit(base_url).hostname not in LOCAL_HOSTS:
        raise ValueError(f"refusé : {base_url} n'est pas sur cette machine (localhost uniquement)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        try:
            return [await _viewer(browser, base_url, path, i, timeout, came_before) for i, path in enumerate(paths)]
        finally:
            await browser.close()


def summary(results: list[ViewerResult]) -> dict:
    """Counts and timings (seconds) of a run; served = map drawn, errors = not ok."""
    served = Stats([r.seconds for r in results if r.drawn])
    return {
        "viewers": len(results),
        "served": served.n,
        "errors": sum(not r.ok for r in results),
        "p50": served.percentile(50),
        "p95": served.percentile(95),
        "max": served.max,
        "shapes": sorted({r.shapes for r in results if r.drawn}),
    }


def meets_target(s: dict, target_p95: float = TARGET_P95) -> bool:
    return s["served"] == s["viewers"] and s["errors"] == 0 and s["p95"] < target_p95


def report(
    results: list[ViewerResult], s: dict, *, target_p95: float, peak_rss: int | None, count_label: str = "formes"
) -> str:
    lines = [f"{'viewer':>6}  {'page':<40} {'résultat':<8} {'s':>7}  {count_label:>7}  détail"]
    for r in results:
        state = "OK" if r.ok else ("ERREUR" if r.drawn else "ÉCHEC")
        lines.append(f"{r.viewer:>6}  {r.path[:40]:<40} {state:<8} {r.seconds:>7.2f}  {r.shapes:>7}  {r.error}")
    lines.append("")
    got = "reçue" if count_label == "octets" else "dessinée"
    lines.append(f"viewers servis (carte {got}) : {s['served']}/{s['viewers']}   erreurs : {s['errors']}")
    lines.append(
        f"temps jusqu'à la carte {got} : p50 {s['p50']:.2f} s   p95 {s['p95']:.2f} s   "
        f"max {s['max']:.2f} s   (objectif p95 < {target_p95:g} s)"
    )
    if peak_rss is not None:
        lines.append(f"mémoire résidente max du serveur : {peak_rss / 2**20:.0f} Mo")
    verdict = "OK" if meets_target(s, target_p95) else "DEPASSE"
    lines.append(f"objectif (tous servis, aucune erreur, p95 < {target_p95:g} s) : {verdict}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="N viewers at once against the dashboard (localhost only).")
    parser.add_argument("-n", "--viewers", type=int, default=DEFAULT_VIEWERS)
    parser.add_argument("--url", help="an already running server on localhost (default: start one on 86xx)")
    parser.add_argument(
        "--path",
        action="append",
        dest="paths",
        help="page to open, e.g. / (the overview) or '/fiche?territoire=CODE' (repeatable; "
        "viewers cycle through them). Default: /",
    )
    parser.add_argument(
        "--national", action="store_true", help="the server started here shows the national programme (every EPCI)"
    )
    parser.add_argument("--timeout", type=float, default=VIEWER_TIMEOUT, help="per viewer, seconds")
    parser.add_argument("--total-timeout", type=float, default=None, help="whole run, seconds")
    parser.add_argument("--target-p95", type=float, default=TARGET_P95)
    parser.add_argument(
        "--cold",
        action="store_true",
        help="no warm-up: the crowd hits a server nobody visited yet (by default one "
        "viewer opens each page first, as the facilitator does before a workshop)",
    )
    parser.add_argument(
        "--protocol",
        action="store_true",
        help="viewers speak Streamlit's websocket protocol instead of running a browser "
        "(measures the server alone; 'shapes' is then the bytes received)",
    )
    parser.add_argument(
        "--same-priority", action="store_true", help="do not lower the browsers' CPU priority below the server's"
    )
    parser.add_argument(
        "--edit",
        type=int,
        default=0,
        metavar="N",
        help="while the viewers load, an editor saves N new versions (one territory "
        "fewer each) to the server's store; needs the server started here",
    )
    parser.add_argument("--edit-interval", type=float, default=2.0, help="seconds between two versions")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="the same crowd on the floor page (a title and a 3-shape folium map, "
        "bench/common.py FLOOR_APP): what Streamlit alone costs on this machine",
    )
    parser.add_argument("--json", type=Path, help="write the results as JSON")
    args = parser.parse_args(argv)
    if not 1 <= args.viewers <= 100:
        parser.error("--viewers must be between 1 and 100")
    if not 0 <= args.edit <= 20:
        parser.error("--edit must be between 0 and 20")
    if args.floor and (args.edit or args.national or args.url):
        parser.error("--floor starts its own server with the floor page: no --edit, --national or --url")
    if args.edit and args.url:
        parser.error("--edit needs the server started by this script (its store is in a temp dir)")

    return args


@contextmanager
def target_server(args: argparse.Namespace) -> Iterator[tuple[str, Server | None, Path | None]]:
    """The base URL to load, with the server started here and its data folder (None, None
    for a server given by ``--url``)."""
    if args.url:
        yield args.url.rstrip("/"), None, None
        return
    with tempfile.TemporaryDirectory(prefix="bench-load-") as data_dir:
        env, _ = prepare_data_dir(Path(data_dir), national=args.national)
        server = Server(env=env, app=FLOOR_APP if args.floor else APP)
        try:
            server.wait_healthy()
            print(f"serveur streamlit lancé sur {server.url} (pid {server.process.pid})", flush=True)
            yield server.url, server, Path(data_dir)
        finally:
            server.stop()


def visit_each_page(base_url: str, args: argparse.Namespace) -> list[ViewerResult]:
    """One viewer after the other on each page (a warm-up, or a check after the edits)."""
    return asyncio.run(sequential_viewers(base_url, list(dict.fromkeys(args.paths or ["/"])), timeout=args.timeout))


def run_crowd(base_url: str, args: argparse.Namespace) -> list[ViewerResult]:
    """``args.viewers`` viewers at once, as browsers or over Streamlit's protocol."""
    if args.protocol:
        from bench.protocol import run_protocol_viewers

        return asyncio.run(
            run_protocol_viewers(
                base_url,
                n=args.viewers,
                paths=args.paths or ["/"],
                timeout=args.timeout,
                total_timeout=args.total_timeout,
            )
        )
    return asyncio.run(
        run_viewers(base_url, n=args.viewers, paths=args.paths, timeout=args.timeout, total_timeout=args.total_timeout)
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    editor: Editor | None = None
    after: list[ViewerResult] = []
    edit_problems: list[str] = []
    with target_server(args) as (base_url, server, data_dir):
        if not args.cold:
            for r in visit_each_page(base_url, args):
                print(
                    f"échauffement {r.path} (serveur à froid) : {r.seconds:.1f} s "
                    f"{'carte dessinée' if r.drawn else 'ÉCHEC'} {r.error}",
                    flush=True,
                )
        if args.edit:
            editor = Editor(data_dir, count=args.edit, interval=args.edit_interval)
        sampler = RssSampler(server.process.pid) if server else None
        # The viewers' browsers run at low priority: in a real room they are 20 other devices,
        # here they share the server's CPU (see bench/README.md).
        browsers = RssSampler(
            os.getpid(), exclude=server.process.pid if server else None, nice=None if args.same_priority else 19
        )
        with browsers, sampler or nullcontext():
            started = time.perf_counter()
            if editor:
                editor.start()
            results = run_crowd(base_url, args)
            wall = time.perf_counter() - started
        peak = sampler.peak if sampler else None
        if editor:  # all its versions saved (a quick crowd may be served before the last ones)
            editor.join(timeout=editor.first_delay + editor.count * editor.interval + 60)
            editor.stop()
            after = visit_each_page(base_url, args)
            edit_problems = check_edits(results, after, editor, protocol=args.protocol)
    s = summary(results)
    print(
        report(
            results, s, target_p95=args.target_p95, peak_rss=peak, count_label="octets" if args.protocol else "formes"
        )
    )
    if editor:
        print(editor.report())
        for r in after:
            print(
                f"après les modifications, {r.path} : {r.shapes} formes "
                f"{'dessinées' if r.drawn else 'NON DESSINÉES'} {r.error}"
            )
        print(
            "modification pendant la visite : "
            + ("OK" if not edit_problems else "ÉCHEC — " + " ; ".join(edit_problems))
        )
    print(
        f"durée totale : {wall:.1f} s ; temps CPU consommé : navigateurs {browsers.cpu_seconds:.0f} s"
        + (f", serveur {sampler.cpu_seconds:.0f} s" if sampler else "")
        + f" ({os.cpu_count()} cœurs, charge moyenne {os.getloadavg()[0]:.1f})"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        out = {
            "summary": s,
            "peak_rss": peak,
            "wall_seconds": wall,
            "results": [{**asdict(r), "ok": r.ok} for r in results],
        }
        if editor:
            out["edit"] = {
                "saved": [asdict(v) for v in editor.saved],
                "problems": edit_problems,
                "initial_territories": editor.initial_territories,
                "after": [{**asdict(r), "ok": r.ok} for r in after],
            }
        args.json.write_text(json.dumps(out, indent=2))
    return 0 if meets_target(s, args.target_p95) and not (editor and edit_problems) else 1


def check_edits(results: list[ViewerResult], after: list[ViewerResult], editor: Editor, *, protocol: bool) -> list[str]:
    """What went wrong with the viewers while the editor saved versions (empty: nothing).

    Marks the viewers shown an impossible map (not one of the versions) as errors.
    """
    problems = list(editor.errors)
    if len(editor.saved) < editor.count:
        problems.append(f"{len(editor.saved)}/{editor.count} versions enregistrées")
    if protocol or editor.initial_territories is None:
        return problems  # protocol viewers count bytes, not shapes
    first, last = editor.initial_territories, editor.initial_territories - len(editor.saved)
    for r in results:
        if r.drawn and not last <= r.shapes <= first:
            r.error = (r.error + "; " if r.error else "") + (
                f"{r.shapes} formes : aucune version n'en a autant (de {last} à {first})"
            )
    if any(r.error for r in results):
        problems.append("des viewers ont eu une erreur pendant les modifications")
    for r in after:
        if not r.ok or r.shapes != last:
            problems.append(
                f"après les modifications, {r.path} montre {r.shapes} formes au lieu de {last} "
                f"(dernière version) {r.error}"
            )
    return problems


if __name__ == "__main__":
    sys.exit(main())
