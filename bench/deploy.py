"""The deployment of ``deploy/`` measured: first visits on a slow link, and 100 sessions.

Used by ``bench/run.py --deploy`` (rows next to the rest of the table) and on its own::

    python bench/deploy.py [--visits 3] [--sessions 100]

* **First visit on an emulated link** (Chromium, DevTools ``Network.emulateNetworkConditions``:
  10 Mbit/s down and up, 40 ms latency; a fresh browser context each time, so an empty HTTP
  cache): from ``goto`` to the first territory drawn in the map, and the bytes transferred
  (HTTP bodies as sent on the wire, plus websocket frames as received, after decompression).
  Direct: ``streamlit run app.py`` (no proxy, no compression). Through the proxy:
  ``territorial/harness/stack.py`` — the repository's nginx site in front of 2 instances with
  the options of the systemd unit (``/territoires/``, websocket compression). The floor page
  (bench/common.py FLOOR_APP: a title and a 3-shape map) is measured the same two ways.
* **100 sessions at once** over Streamlit's websocket protocol (bench/protocol.py, no browser)
  on the overview, through the proxy in front of 1 then 2 instances: p95 until the map is
  received, peak resident memory of each instance.

The programme is the demonstration one, stored in a throwaway PostgreSQL (territorial/harness/postgres.py)
shared by the instances, as deployed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import FLOOR_APP, ROOT, SHAPE, RssSampler, Server, Stats, settle
from bench.load import local_only, summary
from bench.protocol import run_protocol_viewers
from territorial.harness.chromium import CHROMIUM_ARGS, CHROMIUM_PATH, MAP_IFRAME
from territorial.harness.stack import Stack

#: DevTools' network conditions: 10 Mbit/s each way, 40 ms of latency.
LINK = {"offline": False, "latency": 40, "downloadThroughput": 10e6 / 8, "uploadThroughput": 10e6 / 8}
LINK_LABEL = "lien 10 Mbit/s, 40 ms"
SESSIONS = 100
SESSION_TIMEOUT = 120.0
VISIT_TIMEOUT = 90.0
LOGS = ROOT / "bench" / "results"


@dataclass
class Visit:
    seconds: float
    http_bytes: int
    ws_bytes: int
    shapes: int
    error: str = ""


async def emulated_visits(url: str, count: int, *, timeout: float = VISIT_TIMEOUT) -> list[Visit]:
    """``count`` first visits of ``url`` (fresh context each) on the emulated link."""

    from playwright.async_api import async_playwright

    visits: list[Visit] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        try:
            for _ in range(count):
                context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
                blocked: list[str] = []
                await context.route("**/*", local_only(blocked))
                page = await context.new_page()
                cdp = await context.new_cdp_session(page)
                counted = {"http": 0, "ws": 0}

                def on_loaded(e: dict, counted: dict = counted) -> None:
                    counted["http"] += e["encodedDataLength"]

                def on_frame(e: dict, counted: dict = counted) -> None:
                    counted["ws"] += len(e["response"]["payloadData"])

                cdp.on("Network.loadingFinished", on_loaded)
                cdp.on("Network.webSocketFrameReceived", on_frame)
                await cdp.send("Network.enable")
                await cdp.send("Network.emulateNetworkConditions", LINK)
                started = time.perf_counter()
                try:
                    await page.goto(url, wait_until="commit")
                    shapes = page.frame_locator(MAP_IFRAME).first.locator(SHAPE)
                    await shapes.first.wait_for(state="attached", timeout=timeout * 1000)
                    seconds = time.perf_counter() - started
                    n = await shapes.count()
                    visits.append(
                        Visit(
                            seconds,
                            counted["http"],
                            counted["ws"],
                            n,
                            f"{len(blocked)} requête(s) externe(s)" if blocked else "",
                        )
                    )
                except Exception as exc:  # noqa: BLE001 - reported in the row
                    visits.append(Visit(float("nan"), counted["http"], counted["ws"], 0, f"{type(exc).__name__}"))
                finally:
                    await context.close()
        finally:
            await browser.close()
    return visits


def _visit_rows(row, label: str, where: str, visits: list[Visit], floor: float | None = None) -> list:
    ok = [v for v in visits if not v.error and v.seconds == v.seconds]
    median = Stats([v.seconds for v in ok]).median if ok else float("nan")
    ratio = f", {median / floor:.2f} × le plancher mesuré de même" if floor and ok else ""
    kb = Stats([(v.http_bytes + v.ws_bytes) / 1000 for v in ok])
    http = Stats([v.http_bytes / 1000 for v in ok])
    errors = sorted({v.error for v in visits if v.error})
    return [
        row(
            f"Première visite → carte dessinée, {LINK_LABEL}, {where}",
            label,
            "s",
            Stats([v.seconds for v in ok]),
            note=f"{len(ok)}/{len(visits)} ok, {'/'.join(map(str, sorted({v.shapes for v in ok})))} formes{ratio}"
            + (f" ; {errors}" if errors else ""),
        ),
        row(
            f"Octets transférés, première visite, {where}",
            label,
            "Ko",
            kb,
            note=f"HTTP {http.median:.0f} Ko tels que transmis + websocket (décompressé)",
        ),
    ]


def _warm(stack: Stack) -> None:
    """One session on each instance directly (reference, caches): a visit then measures the
    link, wherever nginx sends it."""
    for server in stack.instances:
        asyncio.run(run_protocol_viewers(server.url, n=2, paths=["/"], timeout=SESSION_TIMEOUT))


def _database() -> tuple[ExitStack, str]:
    """A throwaway PostgreSQL (as deployed), or ``""`` when it is not installed (then SQLite)."""
    stack = ExitStack()
    try:
        from territorial.harness.postgres import create_database, postgres_cluster

        server = stack.enter_context(postgres_cluster())
        return stack, create_database(server, "bench")
    except Exception as exc:  # noqa: BLE001 - the bench still runs, and says so
        print(f"PostgreSQL indisponible ({exc}) : base SQLite partagée", file=sys.stderr)
        return stack, ""


def deploy_rows(row, *, visits: int = 3, sessions: int = SESSIONS, log=print) -> tuple[list, list[str]]:
    """Rows of bench/run.py (``row`` is its Row class) and problems."""
    rows, problems = [], []
    db, url = _database()
    with db, tempfile.TemporaryDirectory(prefix="bench-deploy-") as tmp:
        env = {"TERRITORIAL_DATA_DIR": tmp, "TERRITORIAL_DATABASE_URL": url or None}
        floor_direct = floor_proxy = None
        if visits:  # 0: only the sessions
            # The floor page, direct then through the proxy.
            server = Server(app=FLOOR_APP, log=LOGS / "deploy-plancher-direct.log")
            try:
                server.wait_healthy()
                asyncio.run(emulated_visits(server.url + "/", 1))  # server caches
                log(f"déploiement : plancher direct, {visits} visites sur le {LINK_LABEL}…")
                got = asyncio.run(emulated_visits(server.url + "/", visits))
                floor_direct = Stats([v.seconds for v in got if not v.error]).median
                rows += _visit_rows(row, "3 formes", "page minimale (plancher), directe", got)
            finally:
                server.stop()
            with Stack(instances=2, env=env, app=FLOOR_APP, log_dir=LOGS) as stack:
                _warm(stack)
                asyncio.run(emulated_visits(stack.url + "/", 1))
                log(f"déploiement : plancher via nginx, {visits} visites…")
                got = asyncio.run(emulated_visits(stack.url + "/", visits))
                floor_proxy = Stats([v.seconds for v in got if not v.error]).median
                rows += _visit_rows(row, "3 formes", "page minimale (plancher), via nginx + 2 instances", got)
            # The dashboard, direct then through the proxy.
            server = Server(env=env, log=LOGS / "deploy-direct.log")
            try:
                server.wait_healthy()
                asyncio.run(emulated_visits(server.url + "/", 1))
                log(f"déploiement : tableau de bord direct, {visits} visites…")
                got = asyncio.run(emulated_visits(server.url + "/", visits))
                rows += _visit_rows(row, "81", "directe (streamlit run, sans compression)", got, floor_direct)
            finally:
                server.stop()
        for n in (1, 2):
            with Stack(instances=n, env=env, log_dir=LOGS) as stack:
                _warm(stack)
                if n == 2 and visits:
                    asyncio.run(emulated_visits(stack.url + "/", 1))
                    log(f"déploiement : tableau de bord via nginx, {visits} visites…")
                    got = asyncio.run(emulated_visits(stack.url + "/", visits))
                    rows += _visit_rows(row, "81", "via nginx + 2 instances (/territoires/)", got, floor_proxy)
                    problems += [f"visite via nginx : {v.error}" for v in got if v.error]
                load = settle()
                log(f"déploiement : {sessions} sessions (protocole) via nginx + {n} instance(s), charge {load:.1f}…")
                samplers = [RssSampler(s.process.pid) for s in stack.instances]
                for sampler in samplers:
                    sampler.__enter__()
                started, client_cpu = time.perf_counter(), time.process_time()
                try:
                    results = asyncio.run(
                        run_protocol_viewers(stack.url, n=sessions, paths=["/"], timeout=SESSION_TIMEOUT)
                    )
                finally:
                    for sampler in samplers:
                        sampler.__exit__(None, None, None)
                wall, client_cpu = time.perf_counter() - started, time.process_time() - client_cpu
                s = summary(results)
                rows.append(
                    row(
                        f"{sessions} sessions simultanées (protocole) via nginx + {n} instance(s) : carte reçue, p95",
                        "81",
                        "s",
                        Stats([s["p95"]] if s["served"] else []),
                        2.0,
                        note=f"servies {s['served']}/{s['viewers']}, erreurs {s['errors']}, p50 {s['p50']:.1f} s, "
                        f"total {wall:.1f} s, CPU des instances {sum(x.cpu_seconds for x in samplers):.1f} s, "
                        f"du client (sessions, même machine) {client_cpu:.1f} s, "
                        f"charge {os.getloadavg()[0]:.1f}",
                        extra={"summary": s},
                    )
                )
                rows.append(
                    row(
                        f"Mémoire par instance, {sessions} sessions, {n} instance(s) (pic RSS)",
                        "81",
                        "Mo",
                        Stats([x.peak / 1e6 for x in samplers]),
                        note=" ; ".join(f"instance {i + 1} : {x.peak / 1e6:.0f} Mo" for i, x in enumerate(samplers)),
                    )
                )
                for error in sorted({r.error for r in results if r.error})[:3]:
                    problems.append(f"{sessions} sessions, {n} instance(s) : {error}")
    return rows, problems


def main() -> int:
    from bench.common import Row, table

    parser = argparse.ArgumentParser(description="Le déploiement (nginx + instances) mesuré.")
    parser.add_argument("--visits", type=int, default=3, help="premières visites (0 : les sessions seules)")
    parser.add_argument("--sessions", type=int, default=SESSIONS)
    args = parser.parse_args()
    rows, problems = deploy_rows(Row, visits=args.visits, sessions=args.sessions)
    print(table(rows))
    for problem in problems:
        print(f"PROBLÈME : {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
