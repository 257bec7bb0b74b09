"""Speed and scale of the dashboard, in one table.

Usage::

    python bench/run.py              # 81-territory demo programme
    python bench/run.py --quick      # fewer runs (about 3 minutes)
    python bench/run.py --national   # also every EPCI of France (1,253 territories)
    python bench/run.py --dialogues  # also each programme with 4 dialogues per territory
    python bench/run.py --json bench/results/bench.json
    python bench/run.py --deploy     # also nginx + instances (bench/deploy.py); --deploy-only: just those

Each figure is the median of several runs, with min and max, next to its budget
(OK / DEPASSE). Measured:

* reference geography: first build on an empty cache (a temp dir), then a warm load;
* every page of app.py: warm rerun with AppTest, against an empty Streamlit page
  measured in the same process (ratio); the map is rendered as streamlit-folium does;
* every page with a map, in headless Chromium against ``streamlit run`` (port 86xx):
  navigation → the map's shapes drawn; a fresh browser context per run (first visit,
  empty cache), then a returning visitor (the context opened / first: warm HTTP cache);
* map payload per page: bytes streamlit-folium sends (script + header + html);
* peak resident memory of the server process tree with 1 viewer, then 20 viewers at once;
* a live workshop room (bench/room.py): 1 then 60 participants answering over the protocol
  while a real Chromium shows the projector, p95 from an answer saved to its count shown;
  then 60 and 300 (the room's limit) answering within 60 s through deploy/ (nginx + 2
  instances + PostgreSQL), every answer looked up in the database and on the projector;
* the floor: navigation and 20 viewers on a minimal Streamlit page with a 3-shape folium
  map (bench/common.py FLOOR_APP), what the framework alone costs on this machine.

Each programme is served from a fresh data directory (``TERRITORIAL_DATA_DIR`` in a temp
dir; the national programme is imported there through the store's API), so the bench
neither reads nor changes ``var/``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import FLOOR_APP, RATIO, ROOT, Row, RssSampler, Server, Stats, prepare_data_dir, settle, table, timed
from bench.load import run_viewers, sequential_viewers, summary
from bench.page_cost import FICHE_CODE, PageCost, empty_page_cost, page_paths
from bench.page_cost import measure as measure_page_cost
from bench.protocol import run_protocol_viewers
from bench.room import deploy_rooms
from bench.room import measure as measure_room
from bench.room import summary as room_summary

VIEWERS = 20
#: Per-viewer timeout of the crowd (s): 20 browsers on a 2-core machine need more than 60 s
#: of CPU between them; a longer bound gives figures instead of timeouts.
CROWD_TIMEOUT = 120.0
LOAD_TARGET_P95 = 8.0

#: Budgets per programme: (demo 81, national).
BUDGETS = {
    "reference_warm": (2.0, 2.0),  # s
    "rerun": (0.150, 0.600),  # s
    "navigation": (2.0, 4.0),  # s
    "payload": (250_000, 2_000_000),  # bytes
    "memory_20": (1.5e9, 2.0e9),  # bytes
    "load_p95": (LOAD_TARGET_P95, LOAD_TARGET_P95),  # s
}
#: Goals of issue 25, as ratios (value ≤ goal): the same run, the same machine.
RATIO_GOALS = {
    "rerun": (4.0, 6.0),  # warm rerun / empty page (AppTest)
    "first_visit": (1.2, 1.2),  # first visit → map drawn / the floor page's first visit
    "returning": (1.0, 1.0),  # returning visitor → map drawn / the floor page's first visit
    "cpu_per_view": (3.0, 3.0),  # server CPU per page view / the empty page's
}
#: Protocol sessions per page for the server's CPU per page view (bench/page_cost.py).
VIEWS = 100
#: A live workshop room: participants over the protocol, the projector in Chromium (issue 14).
ROOM_PARTICIPANTS = 60
ROOM_TARGET_P95 = 3.0  # s, from an answer saved to its appearance on the projector
#: Through deploy/ (issue 25): rooms answering within ROOM_SPREAD s, the last one at the room's limit.
ROOM_DEPLOY_SIZES = (60, 300)
ROOM_SPREAD = 60.0


@dataclass
class Config:
    build_runs: int
    warm_runs: int
    reruns: int
    browser_runs: int


QUICK = Config(build_runs=1, warm_runs=3, reruns=3, browser_runs=2)
FULL = Config(build_runs=2, warm_runs=5, reruns=7, browser_runs=5)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- reference


def bench_reference(config: Config) -> list[Row]:
    from territorial.model.reference import load_reference

    build, warm = Stats(), Stats()
    for i in range(config.build_runs):
        with tempfile.TemporaryDirectory(prefix="bench-ref-") as tmp:
            log(f"référentiel : construction {i + 1}/{config.build_runs} (cache vide)…")
            seconds, _ = timed(load_reference, cache_dir=Path(tmp))
            build.values.append(seconds)
            if i == config.build_runs - 1:
                for _ in range(config.warm_runs):
                    warm.values.append(timed(load_reference, cache_dir=Path(tmp))[0])
    return [
        Row("Référentiel : première construction (cache vide)", "-", "s", build),
        Row("Référentiel : chargement à chaud", "-", "s", warm, BUDGETS["reference_warm"][0]),
    ]


# --------------------------------------------------------------------------- import


def bench_import(config: Config) -> list[Row]:
    """Import = read + validate + resolve + save as a new version (SQLite in a temp dir)."""
    from territorial.model.definition import load_definition
    from territorial.model.national import national_programme_csv
    from territorial.model.programme import resolve
    from territorial.model.programme_file import load_programme_file
    from territorial.model.reference import load_reference
    from territorial.storage.store import Store

    reference, definition = load_reference(), load_definition()
    demo = (ROOT / "data" / "demo_programme.csv").read_bytes()
    # Every EPCI plus two départements: 1,255 territories.
    national = national_programme_csv(reference, definition=definition).rstrip(b"\n")
    national += b"\n48,departement,1,0,2,3\n23,departement,0,1,1,2\n"
    rows = []
    national_4 = national_programme_csv(reference, definition=definition, dialogues=4)
    for label, data in (("81", demo), ("1 255", national), ("1 253 × 4", national_4)):
        stats, size = Stats(), 0
        log(f"import : fichier {label} ({config.warm_runs} fois)…")
        for _ in range(config.warm_runs):
            with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
                store = Store.open(f"sqlite:///{Path(tmp) / 'programme.sqlite'}")

                def run(data: bytes = data, store: Store = store) -> int:
                    table = load_programme_file(
                        data, filename="programme.csv", definition=definition, reference=reference
                    )
                    resolve(table, reference=reference, definition=definition)
                    store.save(table, author="bench", comment="", kind="import", expected_parent=None)
                    return f"{table.territories['code'].nunique()} territoires, {len(table.territories)} dialogues"

                seconds, size = timed(run)
                store.close()
                stats.values.append(seconds)
        rows.append(Row(f"Import d'un fichier programme ({size})", label, "s", stats))
    return rows


# --------------------------------------------------------------------------- programme set-up


def child_env(env: dict[str, str | None]) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if env.get(k, "") is not None}
    out.update({k: v for k, v in env.items() if v is not None})
    out["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return out


# --------------------------------------------------------------------------- AppTest


def bench_apptest(env: dict[str, str | None], config: Config, label: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-apptest-") as tmp:
        out = Path(tmp) / "apptest.json"
        cmd = [
            sys.executable,
            str(ROOT / "bench" / "apptest.py"),
            "--runs",
            str(config.reruns),
            "--query",
            f"fiche:territoire={FICHE_CODE}",
            "--out",
            str(out),
        ]
        log(f"{label} : réexécutions AppTest ({config.reruns} par page)…")
        proc = subprocess.run(cmd, cwd=ROOT, env=child_env(env), capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            raise RuntimeError(f"bench/apptest.py a échoué :\n{proc.stderr[-3000:]}")
        return json.loads(out.read_text(encoding="utf-8"))


def apptest_rows(
    result: dict, label: str, budget_rerun: float, budget_payload: float, expected_shapes: int, *, ratio_goal: float
) -> tuple[list[Row], list[str]]:
    rows, problems, ratios = [], [], []
    empty = Stats(result["empty"]["values"])
    rows.append(Row("Page Streamlit vide (AppTest, réexécution)", label, "ms", Stats([v * 1000 for v in empty.values])))
    for url_path, page in result["pages"].items():
        if page["errors"]:
            problems.append(f"{label} /{url_path} : exception — {page['errors'][0]}")
            rows.append(
                Row(
                    f"Réexécution à chaud (AppTest) /{url_path}",
                    label,
                    "ms",
                    Stats(),
                    budget_rerun * 1000,
                    note="exception",
                )
            )
            continue
        rerun = Stats(page["rerun"]["values"])
        ratio = rerun.median / empty.median if empty.median else float("nan")
        rows.append(
            Row(
                f"Réexécution à chaud (AppTest) /{url_path}",
                label,
                "ms",
                Stats([v * 1000 for v in rerun.values]),
                budget_rerun * 1000,
                note=f"×{ratio:.1f} la page vide",
            )
        )
        ratios.append(
            Row(
                f"Réexécution à chaud / page vide /{url_path}",
                label,
                RATIO,
                Stats([ratio]),
                ratio_goal,
                note=f"médianes : {1000 * rerun.median:.1f} ms / {1000 * empty.median:.1f} ms (même processus)",
            )
        )
    rows += ratios
    for url_path, page in result["pages"].items():
        if page.get("maps"):
            wire = sum(m["wire_bytes"] for m in page["maps"])
            shapes = sum(m["shapes"] or 0 for m in page["maps"])
            rows.append(
                Row(
                    f"Carte envoyée au navigateur /{url_path}",
                    label,
                    "Ko",
                    Stats([wire / 1000]),
                    budget_payload / 1000,
                    note=f"{shapes} formes",
                    extra={"payload_bytes": [m["payload_bytes"] for m in page["maps"]]},
                )
            )
    accueil = result["pages"].get("accueil", {}).get("maps") or []
    shown = sum(m["shapes"] or 0 for m in accueil)
    if shown != expected_shapes:
        problems.append(
            f"{label} : la carte de /accueil montre {shown} territoires, {expected_shapes} attendus "
            "(le programme voulu n'est pas celui affiché)"
        )
    return rows, problems


# --------------------------------------------------------------------------- browser


def map_paths(result: dict) -> list[str]:
    """The URL of each page that drew a map in the AppTest run (the default page lives at
    "/": its url_path is not routed, /accueil shows "Page not found")."""
    paths = []
    for url_path, page in result["pages"].items():
        if page.get("maps") and not page["errors"]:
            query = "&".join(f"{k}={v}" for k, v in page["query"].items())
            base = "/" if page.get("default") else f"/{url_path}"
            paths.append(base + (f"?{query}" if query else ""))
    return paths


def navigation_rows(
    server: Server, path: str, config: Config, label: str, budgets: dict[str, float]
) -> tuple[list[Row], list[str]]:
    """One browser opening ``path`` again and again: a first visit (empty cache) and a
    visitor who opened / before (warm HTTP cache)."""
    log(f"{label} : navigateur {path} ({config.browser_runs} visites)…")
    results = asyncio.run(sequential_viewers(server.url, [path] * (config.browser_runs + 1)))
    first = results[1:]  # the first one warms this page's caches
    back = asyncio.run(sequential_viewers(server.url, [path] * config.browser_runs, came_before="/"))
    problems = [f"{label} {path} : {e}" for e in dict.fromkeys(r.error for r in results if r.error)]
    problems += [f"{label} {path} (visiteur déjà venu) : {e}" for e in dict.fromkeys(r.error for r in back if r.error)]
    ok, ok_back = [r for r in first if r.drawn], [r for r in back if r.drawn]
    shapes = "/".join(map(str, sorted({r.shapes for r in ok})))
    rows = [
        Row(
            f"Navigation → carte dessinée {path}",
            label,
            "s",
            Stats([r.seconds for r in ok]),
            budgets["navigation"],
            note=f"{len(ok)}/{len(first)} ok, {shapes} formes, "
            f"première visite (cache vide), charge {os.getloadavg()[0]:.1f}",
        ),
        Row(
            f"Navigation → carte dessinée {path}, visiteur déjà venu",
            label,
            "s",
            Stats([r.seconds for r in ok_back]),
            budgets["navigation"],
            note=f"{len(ok_back)}/{len(back)} ok, a ouvert / avant (cache HTTP chaud)",
        ),
    ]
    return rows, problems


def crowd_rows(server: Server, label: str, budgets: dict[str, float]) -> tuple[list[Row], list[str]]:
    """``VIEWERS`` viewers at once on /, as browsers then over the protocol: p95 and memory."""
    rows, problems = [], []
    for mode in ("navigateurs", "protocole"):
        if not server.alive():
            problems.append(
                f"{label} : le serveur s'est arrêté avant la mesure « {mode} » (code "
                f"{server.process.returncode} ; arrêté de l'extérieur ?), voir {server.log}"
            )
            break
        log(f"{label} : {VIEWERS} viewers simultanés sur / ({mode})…")
        row, results, crowd = crowd_row(server, mode, label=label, budget=budgets["load_p95"])
        rows.append(row)
        rows.append(
            Row(
                f"Mémoire du serveur, {VIEWERS} viewers ({mode}, pic RSS)",
                label,
                "Mo",
                Stats([crowd.peak / 1e6]),
                budgets["memory_20"] / 1e6,
            )
        )
        for error, count in Counter(r.error for r in results if r.error).items():
            problems.append(f"{label} {VIEWERS} viewers ({mode}) : {count} × {error}")
    return rows, problems


def cpu_rows(server: Server, empty: PageCost, label: str, goal: float) -> tuple[list[Row], list[str]]:
    """The server's CPU per page view of every page (``VIEWS`` protocol sessions), next to the empty page's."""
    rows, problems = [], []
    for path in page_paths({"fiche": {"territoire": FICHE_CODE}}):
        log(f"{label} : CPU serveur par vue {path} ({VIEWS} sessions)…")
        cost = measure_page_cost(server, path, VIEWS)
        problems += [f"{label} {path} ({VIEWS} sessions) : {e}" for e in cost.errors]
        rows.append(
            Row(
                f"CPU serveur par page vue / page vide {path}",
                label,
                RATIO,
                Stats([cost.cpu_per_view / empty.cpu_per_view]),
                goal,
                note=f"{1000 * cost.cpu_per_view:.1f} ms par vue, page vide {1000 * empty.cpu_per_view:.1f} ms "
                f"({VIEWS} sessions du protocole à la fois, charge {os.getloadavg()[0]:.1f})",
            )
        )
    return rows, problems


def floor_ratio_rows(rows: list[Row]) -> list[Row]:
    """Each page's first visit and returning visit → map drawn, over the floor page's first visit."""
    floor = next((r for r in rows if r.measure.startswith("Navigation → carte dessinée, page minimale")), None)
    if floor is None or not floor.stats.n:
        return []
    out, prefix = [], "Navigation → carte dessinée "
    for r in rows:
        if not r.measure.startswith(prefix + "/") or not r.stats.n:
            continue
        returning = r.measure.endswith(", visiteur déjà venu")
        path = r.measure.removeprefix(prefix).removesuffix(", visiteur déjà venu")
        idx = 1 if r.programme.startswith("national") else 0
        goal = RATIO_GOALS["returning" if returning else "first_visit"][idx]
        what = "visiteur déjà venu" if returning else "première visite"
        out.append(
            Row(
                f"{what.capitalize()} / première visite du plancher {path}",
                r.programme,
                RATIO,
                Stats([r.stats.median / floor.stats.median]),
                goal,
                note=f"médianes : {r.stats.median:.2f} s / {floor.stats.median:.2f} s (plancher, même exécution)",
            )
        )
    return out


def browser_rows(
    env: dict[str, str | None],
    result: dict,
    config: Config,
    label: str,
    budgets: dict[str, float],
    *,
    empty: PageCost | None = None,
    cpu_goal: float = RATIO_GOALS["cpu_per_view"][0],
) -> tuple[list[Row], list[str]]:
    """Real Chromium against a server of the dashboard: a cold first display, each map page's
    navigation, one viewer's memory, the server's CPU per page view (with ``empty``), then a crowd."""
    rows, problems = [], []
    server = Server(env=child_env(env), log=ROOT / "bench" / "results" / f"streamlit-{label}.log")
    try:
        server.wait_healthy()
        log(f"{label} : serveur sur {server.url} (pid {server.process.pid})")
        log(f"{label} : charge moyenne {settle():.1f} avant les mesures de navigation")
        with RssSampler(server.process.pid) as one:
            cold = asyncio.run(sequential_viewers(server.url, ["/"]))[0]
            rows.append(
                Row(
                    "Premier affichage / (serveur à froid)",
                    label,
                    "s",
                    Stats([cold.seconds] if cold.drawn else []),
                    note=cold.error,
                )
            )
            for path in map_paths(result):
                more_rows, more_problems = navigation_rows(server, path, config, label, budgets)
                rows += more_rows
                problems += more_problems
        rows.append(Row("Mémoire du serveur, 1 viewer (pic RSS)", label, "Mo", Stats([one.peak / 1e6])))
        if empty is not None:
            more_rows, more_problems = cpu_rows(server, empty, label, cpu_goal)
            rows += more_rows
            problems += more_problems
        more_rows, more_problems = crowd_rows(server, label, budgets)
        return rows + more_rows, problems + more_problems
    finally:
        server.stop()


def crowd_row(
    server: Server, mode: str, *, label: str, budget: float | None, name: str = ""
) -> tuple[Row, list, RssSampler]:
    """``VIEWERS`` viewers at once on / (``mode``: "navigateurs" or "protocole"): the p95 row,
    each viewer's result and the server's sampler (peak memory, CPU)."""
    with (
        RssSampler(server.process.pid) as crowd,
        RssSampler(os.getpid(), exclude=server.process.pid, nice=19) as clients,
    ):
        started = time.perf_counter()
        if mode == "navigateurs":
            results = asyncio.run(run_viewers(server.url, n=VIEWERS, paths=["/"], timeout=CROWD_TIMEOUT))
        else:
            results = asyncio.run(run_protocol_viewers(server.url, n=VIEWERS, paths=["/"], timeout=CROWD_TIMEOUT))
        wall = time.perf_counter() - started
    s = summary(results)
    times = Stats([r.seconds for r in results if r.drawn])
    what = "carte dessinée" if mode == "navigateurs" else "carte reçue"
    row = Row(
        f"{VIEWERS} viewers simultanés ({mode}){', ' + name if name else ''} : {what}, p95",
        label,
        "s",
        Stats([s["p95"]] if s["served"] else []),
        budget,
        note=f"servis {s['served']}/{s['viewers']}, erreurs {s['errors']}, "
        f"p50 {s['p50']:.1f} s, min {times.min:.1f}, max {times.max:.1f}, "
        f"total {wall:.0f} s, CPU serveur {crowd.cpu_seconds:.0f} s"
        + (f", navigateurs {clients.cpu_seconds:.0f} s" if mode == "navigateurs" else ""),
        extra={"summary": s, "results": [{**asdict(r), "ok": r.ok} for r in results]},
    )
    return row, results, crowd


def floor_rows(config: Config) -> list[Row]:
    """The same browser measures on the floor page (FLOOR_APP): what Streamlit itself costs here."""
    rows = []
    server = Server(app=FLOOR_APP, log=ROOT / "bench" / "results" / "streamlit-plancher.log")
    try:
        server.wait_healthy()
        load = settle()
        log(
            f"plancher : page minimale sur {server.url} ({config.browser_runs} visites, puis {VIEWERS} viewers), "
            f"charge moyenne {load:.1f}…"
        )
        visits = asyncio.run(sequential_viewers(server.url, ["/"] * (config.browser_runs + 1)))[1:]
        rows.append(
            Row(
                "Navigation → carte dessinée, page minimale (plancher)",
                "3 formes",
                "s",
                Stats([r.seconds for r in visits if r.drawn]),
                note=f"titre + carte folium de 3 formes, rien d'autre, charge {os.getloadavg()[0]:.1f}",
            )
        )
        rows.append(crowd_row(server, "navigateurs", label="3 formes", budget=None, name="page minimale (plancher)")[0])
    finally:
        server.stop()
    return rows


def room_rows(config: Config) -> tuple[list[Row], list[str]]:
    """A live workshop room (bench/room.py): 1 participant, then 60, answering while a real
    Chromium shows the projector; p95 delay from an answer saved to its count on the projector."""
    rows, problems = [], []
    with tempfile.TemporaryDirectory(prefix="bench-salle-") as tmp:
        env, _ = prepare_data_dir(Path(tmp), national=False)
        server = Server(env=child_env(env), log=ROOT / "bench" / "results" / "streamlit-salle.log")
        try:
            server.wait_healthy()
            log(f"salle : {config.browser_runs} salles d'un participant, charge moyenne {settle():.1f}…")
            single = []
            for run in range(config.browser_runs):
                single += measure_room(server, Path(tmp), 1, spread=0.0, seed=run + 1).delays
            one = Stats(single)
            rows.append(
                Row(
                    "Salle d'atelier, 1 participant : réponse → projecteur, p95",
                    "81",
                    "s",
                    Stats([one.percentile(95)] if one.n else []),
                    ROOM_TARGET_P95,
                    note=f"{one.n} salles l'une après l'autre, médiane {one.median:.2f} s "
                    f"(le projecteur se rafraîchit toutes les 1,5 s)",
                )
            )
            log(f"salle : {ROOM_PARTICIPANTS} participants (protocole) + projecteur Chromium, charge {settle():.1f}…")
            crowd = measure_room(server, Path(tmp), ROOM_PARTICIPANTS, spread=20.0)
            s = room_summary(crowd)
            ratio = s["p95"] / one.percentile(95) if one.n else float("nan")
            rows.append(
                room_p95_row(
                    f"{ROOM_PARTICIPANTS} participants (protocole)",
                    s,
                    f"{ratio:.1f} × la salle d'un participant ; enregistrées {s['saved']}/{s['participants']}, "
                    f"vues {s['shown']}, p50 {s['p50']:.2f} s, max {s['max']:.2f} s, arrivées sur 20 s, "
                    f"durée {s['wall']:.0f} s, CPU serveur {s['server_cpu']:.0f} s",
                )
            )
            problems += [f"salle de {ROOM_PARTICIPANTS} : {e}" for e in s["errors"]]
        finally:
            server.stop()
    new_rows, new_problems = room_deploy_rows()
    return rows + new_rows, problems + new_problems


def room_p95_row(room: str, s: dict, note: str) -> Row:
    """The p95 answer → projector of a room (``s``: bench/room.py's summary), against its goal."""
    return Row(
        f"Salle d'atelier, {room} : réponse → projecteur, p95",
        "81",
        "s",
        Stats([s["p95"]] if s["shown"] else []),
        ROOM_TARGET_P95,
        note=note,
        extra={"summary": s},
    )


def room_deploy_rows() -> tuple[list[Row], list[str]]:
    """Rooms of 60 then 300 phones answering within 60 s through nginx + 2 instances +
    PostgreSQL (bench/room.py --deploy): p95 answer → projector, answers not counted, memory
    per instance, the database's load."""
    log(f"salle via deploy/ : {' puis '.join(map(str, ROOM_DEPLOY_SIZES))} participants, charge {settle():.1f}…")
    try:
        summaries = deploy_rooms(list(ROOM_DEPLOY_SIZES), spread=ROOM_SPREAD, log=log)
    except Exception as exc:  # noqa: BLE001 - an absent row, and the reason
        return [
            Row(
                f"Salle d'atelier, {n} participants via nginx + 2 instances + PostgreSQL",
                "81",
                "s",
                Stats([]),
                ROOM_TARGET_P95,
            )
            for n in ROOM_DEPLOY_SIZES
        ], [f"salle via deploy/ : {type(exc).__name__}: {str(exc)[:200]}"]
    rows, problems = [], []
    for s in summaries:
        n, db = s["participants"], s["database"]
        counted = min(s["in_database"], s["shown"])
        instances = " ; ".join(f"{k} {v['peak_mb']:.0f} Mo, CPU {v['cpu']:.0f} s" for k, v in s["instances"].items())
        where = f"{n} participants en {ROOM_SPREAD:.0f} s via nginx + 2 instances + PostgreSQL (protocole)"
        rows.append(
            room_p95_row(
                where,
                s,
                f"p50 {s['p50']:.2f} s, max {s['max']:.2f} s ; envoi → confirmation p95 {s['submit_p95']:.1f} s ; "
                f"plus long intervalle entre deux changements du projecteur {s['projector_gap_max']:.1f} s ; "
                f"téléphones restés sur la page ({s['watches']} rafraîchissements) ; charge {os.getloadavg()[0]:.1f}",
            )
        )
        rows.append(
            Row(
                f"Réponses non comptées (base ou projecteur), salle de {n} via deploy/",
                "81",
                "réponses",
                Stats([float(n - counted)]),
                1.0,
                note=f"confirmées {s['saved']}/{n}, dans la base {s['in_database']}, au projecteur {s['shown']}",
            )
        )
        rows.append(
            Row(
                f"Mémoire par instance, salle de {n} via deploy/ (pic RSS)",
                "81",
                "Mo",
                Stats([v["peak_mb"] for v in s["instances"].values()]),
                note=instances,
            )
        )
        if db:
            rows.append(
                Row(
                    f"PostgreSQL, salle de {n} via deploy/ : transactions par seconde",
                    "81",
                    "/s",
                    Stats([db["xact_commit"] / max(s["wall"], 1.0)]),
                    note=f"CPU {db['cpu']:.1f} s en {s['wall']:.0f} s ; "
                    f"lignes lues {db['tup_returned'] + db['tup_fetched']:,}, "
                    f"insérées {db['tup_inserted']:,} ; connexions au plus {db['connections']}, "
                    f"en attente d'un verrou au plus {db['lock_waits']}",
                )
            )
        problems += [f"salle de {n} via deploy/ : {e}" for e in s["errors"]]
    return rows, problems


# --------------------------------------------------------------------------- table


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Speed and scale of the dashboard, in one table.")
    parser.add_argument("--quick", action="store_true", help="fewer runs (1 build, 3 reruns, 2 visits)")
    parser.add_argument(
        "--national", action="store_true", help="also the national programme (every EPCI, 1,253 territories)"
    )
    parser.add_argument(
        "--dialogues",
        action="store_true",
        help="also each programme with 4 dialogues per territory (81 × 4, national × 4 with --national)",
    )
    parser.add_argument("--json", type=Path, help="write every figure as JSON")
    parser.add_argument("--skip-build", action="store_true", help="skip the reference build (~16 s a run)")
    parser.add_argument("--skip-browser", action="store_true", help="AppTest figures only")
    parser.add_argument(
        "--deploy",
        action="store_true",
        help="also the deployment of deploy/ (nginx + instances): first visits on a 10 Mbit/s link, 100 sessions",
    )
    parser.add_argument("--deploy-only", action="store_true", help="only the deployment rows (bench/deploy.py)")
    parser.add_argument(
        "--only-room", action="store_true", help="only the live workshop room rows (direct, then via deploy/; ~8 min)"
    )
    parser.add_argument(
        "--only-room-deploy", action="store_true", help="only the rooms of 60 and 300 via deploy/ (~5 min)"
    )
    parser.add_argument(
        "--only-views",
        action="store_true",
        help=f"only the server's CPU per page view of every page ({VIEWS} protocol sessions each), ~2 min",
    )
    args = parser.parse_args(argv)
    config = QUICK if args.quick else FULL
    started = time.perf_counter()

    rows: list[Row] = []
    problems: list[str] = []
    if args.deploy_only:
        from bench.deploy import deploy_rows

        rows, problems = deploy_rows(Row, visits=config.browser_runs, log=log)
        print(table(rows))
        for problem in problems:
            print(f"PROBLÈME : {problem}")
        return 0 if not problems and all(r.verdict in ("", "OK") for r in rows) else 1
    if args.only_room or args.only_room_deploy:
        rows, problems = room_deploy_rows() if args.only_room_deploy else room_rows(config)
        print(table(rows))
        for problem in problems:
            print(f"PROBLÈME : {problem}")
        return 0 if not problems and all(r.verdict == "OK" for r in rows) else 1
    programmes = [("81", False, 1)] + ([("national", True, 1)] if args.national else [])
    if args.only_views:
        empty = empty_page_cost(VIEWS)
        for label, national, _ in programmes:
            with tempfile.TemporaryDirectory(prefix=f"bench-vues-{label}-") as tmp:
                env, _ = prepare_data_dir(Path(tmp), national=national)
                server = Server(env=child_env(env), log=ROOT / "bench" / "results" / f"streamlit-vues-{label}.log")
                try:
                    server.wait_healthy()
                    more_rows, more_problems = cpu_rows(
                        server, empty, label, RATIO_GOALS["cpu_per_view"][1 if national else 0]
                    )
                finally:
                    server.stop()
            rows += more_rows
            problems += more_problems
        print(table(rows))
        for problem in problems:
            print(f"PROBLÈME : {problem}")
        return 0 if not problems and all(r.verdict == "OK" for r in rows) else 1
    if not args.skip_build:
        rows += bench_reference(config)
    rows += bench_import(config)
    empty = None if args.skip_browser else empty_page_cost(VIEWS)
    if args.dialogues:
        programmes += [(f"{label} × 4", national, 4) for label, national, _ in programmes]
    for label, national, dialogues in programmes:
        idx = 1 if national else 0
        budgets = {k: v[idx] for k, v in BUDGETS.items()}
        with tempfile.TemporaryDirectory(prefix=f"bench-data-{label.replace(' × ', 'x')}-") as tmp:
            log(f"{label} : préparation des données ({tmp})…")
            env, expected = prepare_data_dir(Path(tmp), national=national, dialogues=dialogues)
            result = bench_apptest(env, config, label)
            new_rows, new_problems = apptest_rows(
                result, label, budgets["rerun"], budgets["payload"], expected, ratio_goal=RATIO_GOALS["rerun"][idx]
            )
            rows += new_rows
            problems += new_problems
            if not args.skip_browser:
                new_rows, new_problems = browser_rows(
                    env, result, config, label, budgets, empty=empty, cpu_goal=RATIO_GOALS["cpu_per_view"][idx]
                )
                rows += new_rows
                problems += new_problems

    if not args.skip_browser:
        new_rows, new_problems = room_rows(config)
        rows += new_rows
        problems += new_problems
        rows += floor_rows(config)
        rows += floor_ratio_rows(rows)
    if args.deploy:
        from bench.deploy import deploy_rows

        more_rows, more_problems = deploy_rows(Row, visits=config.browser_runs, log=log)
        rows += more_rows
        problems += more_problems

    print(table(rows))
    over = [r for r in rows if r.verdict in ("DEPASSE", "ABSENT")]
    print()
    print(
        f"Budgets : {sum(r.verdict == 'OK' for r in rows)} OK, {len(over)} DEPASSE/ABSENT"
        f" — durée {time.perf_counter() - started:.0f} s, {os.cpu_count()} cœurs,"
        f" charge moyenne {os.getloadavg()[0]:.1f}"
    )
    for problem in problems:
        print(f"PROBLÈME : {problem}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "config": asdict(config),
                    "rows": [{**asdict(r), "stats": r.stats.as_dict(), "verdict": r.verdict} for r in rows],
                    "problems": problems,
                },
                indent=2,
                default=str,
            ),
            encoding="utf-8",
        )
    return 0 if not over and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
