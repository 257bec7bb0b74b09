"""A live workshop room under load: N participants over Streamlit's websocket protocol, one real projector.

Usage::

    python bench/room.py -n 60            # 60 phones answer within ~20 s; p95 answer → projector
    python bench/room.py -n 1 --repeat 5  # one phone at a time (the floor of the same measure)
    python bench/room.py --deploy -n 300 --spread 60   # through deploy/: nginx + 2 instances + PostgreSQL

Each participant does on the wire what the participant page's frontend does (see
bench/protocol.py): opens ``/_stcore/stream``, asks for ``/participer?salle=CODE&jeton=…``,
chooses a territory (a rerun with the selector's state), then sends the form — the four
levels and the submit trigger — in one rerun, as the browser does. Participants start at
random moments over ``--spread`` seconds and « think » 1–3 s before sending.

The projector is one headless Chromium on ``/salle?salle=CODE``; the bench reads its
« Réponses » count every 50 ms (the page is never reloaded: its fragment refreshes itself
every 1.5 s). The delay of the k-th answer is the moment the projector first shows k or more
answers minus the moment the k-th answer was saved (``updated_at`` in the database, same
machine clock). The room's rate limit (one answer per participant every 2 s) does not apply:
each participant answers once. Every participant's answer is then looked up in the database
(its token, once): a saved answer missing there, or a count the projector never reaches, is a
lost answer.

Participants come from « networks » of ``--per-network`` phones (50: a venue's Wi-Fi, a mobile
operator's address): each network connects from its own loopback address (127.1.k.1), so that
the room's per-network limits and nginx's per-address websocket limit see what they would see
in a real room. With ``--stay`` (the default with ``--deploy``), a phone keeps its page open
after answering and sends the participant page's « new question? » fragment rerun every 5 s,
as the frontend's timer does, until the projector shows every answer.

``--deploy``: the stack of ``deploy/`` (territorial/harness/stack.py: the repository's nginx
site in front of 2 instances with the systemd unit's options) and one throwaway PostgreSQL.
Also printed: the peak resident memory and CPU of each instance, the CPU of PostgreSQL (all its
processes) and its load from ``pg_stat_database`` (transactions, rows read and written, during
the room) and the most connections seen.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, RssSampler, Server, Stats, prepare_data_dir

TERRITORY_LABEL = "Votre territoire (tapez son nom ou son code)"
SUBMIT_LABEL = "Envoyer ma réponse"
PROJECTOR_TIMEOUT = 90.0
#: Phones per network (one source address each); the participant page's refresh period.
PER_NETWORK = 50
WATCH_EVERY = 5.0
LOGS = ROOT / "bench" / "results"


@dataclass
class Participant:
    index: int
    token: str
    network: int = 0
    saved: bool = False
    in_database: bool = False
    watches: int = 0
    submit: float = float("nan")  # seconds from the form sent to « Réponse enregistrée » received
    error: str = ""
    runs: int = 0
    received: int = 0


@dataclass
class RoomResult:
    n: int
    delays: list[float] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    projector_error: str = ""
    wall: float = 0.0
    server_cpu: float = 0.0
    #: Per instance (deploy): label -> (peak RSS in bytes, CPU seconds).
    instances: dict[str, tuple[int, float]] = field(default_factory=dict)
    database: dict[str, float] = field(default_factory=dict)
    #: Seconds between two changes of the projector's count.
    projector_gaps: list[float] = field(default_factory=list)

    @property
    def saved(self) -> int:
        return sum(p.saved for p in self.participants)

    @property
    def lost(self) -> int:
        """Answers confirmed to a participant but absent from the database."""
        return sum(p.saved and not p.in_database for p in self.participants)

    @property
    def errors(self) -> list[str]:
        found = [p.error for p in self.participants if p.error]
        if self.lost:
            found.append(f"{self.lost} réponse(s) confirmée(s) absente(s) de la base")
        return found + ([self.projector_error] if self.projector_error else [])


class Session:
    """One participant's websocket session: reruns with widget states, as the frontend sends them."""

    def __init__(self, ws, query: str) -> None:
        self.ws, self.query = ws, query
        self.widgets: dict[str, object] = {}  # label -> element proto (the last run's)
        self.texts: list[str] = []
        self.received = 0
        self.fragment = ""  # the « new question? » fragment (its auto_rerun message)

    async def run(self, states: list, *, fragment: str = "") -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        back = BackMsg()
        back.rerun_script.query_string = self.query
        back.rerun_script.page_name = "participer"
        if fragment:
            back.rerun_script.fragment_id = fragment
            back.rerun_script.is_auto_rerun = True
        for state in states:
            back.rerun_script.widget_states.widgets.append(state)
        await self.ws.send(back.SerializeToString())
        self.texts = []
        while True:
            raw = await self.ws.recv()
            self.received += len(raw)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(msg.delta.new_element)
            elif kind == "auto_rerun":
                self.fragment = msg.auto_rerun.fragment_id
            elif kind == "script_finished" and msg.script_finished != 2:  # not FINISHED_EARLY_FOR_RERUN
                return

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind in ("selectbox", "radio", "button"):
            proto = getattr(element, kind)
            self.widgets[proto.label] = proto
        elif kind == "alert":
            self.texts.append(element.alert.body)
        elif kind == "exception":
            self.texts.append("exception : " + element.exception.message[:150])


def _state(widget_id: str, **value):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState(id=widget_id)
    for key, val in value.items():
        setattr(state, key, val)
    return state


def network_address(network: int) -> str:
    """The loopback address a network's phones connect from (not 127.0.0.1, a trusted proxy)."""
    return f"127.1.{network // 250}.{network % 250 + 1}"


async def participant(
    base: str,
    code: str,
    who: Participant,
    *,
    delay: float,
    rng: random.Random,
    done: asyncio.Event | None = None,
) -> None:
    """One phone: joins, chooses a territory, answers; with ``done``, keeps the page open (its
    « new question? » fragment every 5 s) until ``done`` is set."""
    import websockets

    await asyncio.sleep(delay)
    host = base.split("://", 1)[1]
    query = urlencode({"salle": code, "jeton": who.token})
    try:
        async with websockets.connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=60,
            ping_interval=None,  # the phone's page stays open as long as the room lasts
            additional_headers={"Origin": base},
            local_addr=(network_address(who.network), 0),
        ) as ws:
            session = Session(ws, query)
            await session.run([])
            territory = session.widgets.get(TERRITORY_LABEL)
            if territory is None:
                raise RuntimeError("pas de sélecteur de territoire : " + " | ".join(session.texts)[:200])
            choice = rng.choice(list(territory.options)[:-1])  # a programme territory
            chosen = _state(territory.id, string_value=choice)
            await session.run([chosen])
            await asyncio.sleep(rng.uniform(1.0, 3.0))  # reading the question
            radios = [w for label, w in session.widgets.items() if label[:1] == "L" and label[2:5] == " – "]
            submit = session.widgets.get(SUBMIT_LABEL)
            if len(radios) != 4 or submit is None:
                raise RuntimeError("formulaire incomplet : " + " | ".join(session.texts)[:200])
            states = [chosen] + [_state(r.id, string_value=rng.choice(list(r.options))) for r in radios]
            states.append(_state(submit.id, trigger_value=True))
            sent = time.perf_counter()
            await session.run(states)
            while not any("Réponse enregistrée" in t for t in session.texts):  # st.rerun() after saving
                if any("exception" in t or "Réponse" in t and "enregistrée" not in t for t in session.texts):
                    raise RuntimeError(" | ".join(session.texts)[:200])
                await session.run([chosen])
                if session.received > 50_000_000:
                    raise RuntimeError("pas de confirmation")
            who.saved, who.received, who.submit = True, session.received, time.perf_counter() - sent
            while done is not None and not done.is_set():
                try:
                    await asyncio.wait_for(done.wait(), WATCH_EVERY)
                except TimeoutError:
                    if not session.fragment:
                        raise RuntimeError("pas de fragment « nouvelle question ? »") from None
                    await session.run([chosen], fragment=session.fragment)
                    who.watches += 1
    except Exception as exc:  # noqa: BLE001 - every failure is reported, not raised
        who.error = f"{type(exc).__name__}: {str(exc)[:200]}"


async def projector(
    base: str,
    code: str,
    n: int,
    seen: dict[int, float],
    stop: asyncio.Event,
    done: asyncio.Event,
    updates: list[float] | None = None,
) -> str:
    """One Chromium on the projector view; records when each count first appears."""
    from playwright.async_api import async_playwright

    from territorial.harness.chromium import CHROMIUM_ARGS, CHROMIUM_PATH
    from territorial.harness.room import COUNT_JS

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        page = await (await browser.new_context(viewport={"width": 1920, "height": 1080})).new_page()
        await page.goto(f"{base}/salle?salle={code}")
        await page.wait_for_function(COUNT_JS, timeout=PROJECTOR_TIMEOUT * 1000)
        await page.evaluate("() => { window.__sans_rechargement = 1; }")
        stop.set()  # the projector is up: the participants may start
        updates = updates if updates is not None else []
        shown = 0
        deadline = time.time() + PROJECTOR_TIMEOUT * 4
        while shown < n and time.time() < deadline:
            text = await page.evaluate(COUNT_JS)
            digits = "".join(c for c in (text or "") if c.isdigit())
            count = int(digits) if digits else 0
            now = time.time()
            if count > shown:
                updates.append(now)
            for k in range(shown + 1, count + 1):
                seen[k] = now
            shown = max(shown, count)
            await asyncio.sleep(0.05)
        done.set()
        reloaded = await page.evaluate("() => window.__sans_rechargement") != 1
        await browser.close()
    problems = []
    if shown < n:
        problems.append(f"projecteur : {shown}/{n} réponses affichées")
    if reloaded:
        problems.append("projecteur : la page a été rechargée")
    return "; ".join(problems)


async def run_room(
    base: str,
    code: str,
    n: int,
    *,
    spread: float,
    seed: int = 1,
    stay: bool = False,
    per_network: int = PER_NETWORK,
    updates: list[float] | None = None,
) -> tuple[list[Participant], dict, str]:
    from territorial.storage.rooms import new_token

    rng = random.Random(seed)
    people = [Participant(i, new_token(), network=i // per_network) for i in range(n)]
    seen: dict[int, float] = {}
    ready, done = asyncio.Event(), asyncio.Event()
    watcher = asyncio.create_task(projector(base, code, n, seen, ready, done, updates))
    await asyncio.wait_for(ready.wait(), PROJECTOR_TIMEOUT)

    async def phone(p: Participant) -> None:
        await participant(
            base,
            code,
            p,
            delay=rng.uniform(0, spread),
            rng=random.Random(seed * 1000 + p.index),
            done=done if stay else None,
        )

    phones = asyncio.gather(*(phone(p) for p in people))
    problem = await watcher  # sets ``done``: the phones that stayed close their page
    await phones
    return people, seen, problem


PG_COUNTERS = ("xact_commit", "xact_rollback", "tup_returned", "tup_fetched", "tup_inserted", "tup_updated", "blks_hit")


class Database:
    """PostgreSQL's load during a room: ``pg_stat_database`` deltas, connections, CPU of its processes."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        self.peak_connections = self.peak_lock_waits = self.peak_active = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        with self.engine.connect() as conn:
            folder = Path(conn.exec_driver_sql("SHOW data_directory").scalar_one())
        self.pid = int((folder / "postmaster.pid").read_text().split()[0])

    def counters(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT pg_stat_clear_snapshot()")
            row = conn.exec_driver_sql(
                f"SELECT {', '.join(PG_COUNTERS)}, numbackends FROM pg_stat_database WHERE datname = current_database()"
            ).one()
        values = dict(zip((*PG_COUNTERS, "numbackends"), row, strict=True))
        self.peak_connections = max(self.peak_connections, int(values.pop("numbackends")))
        return {k: int(v) for k, v in values.items()}

    def _sample(self) -> None:
        with self.engine.connect() as conn:
            while not self._stop.wait(0.2):
                conn.exec_driver_sql("SELECT pg_stat_clear_snapshot()")
                total, active, locks, idle, oldest = conn.exec_driver_sql(
                    "SELECT count(*), count(*) FILTER (WHERE state = 'active'), "
                    "count(*) FILTER (WHERE wait_event_type = 'Lock'), "
                    "count(*) FILTER (WHERE state = 'idle in transaction'), "
                    "coalesce(extract(epoch FROM max(now() - xact_start)), 0) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).one()
                conn.rollback()
                self.peak_idle_in_transaction = max(self.peak_idle_in_transaction, idle)
                self.longest_transaction = max(self.longest_transaction, float(oldest))
                self.peak_connections = max(self.peak_connections, total)
                self.peak_active = max(self.peak_active, active)
                self.peak_lock_waits = max(self.peak_lock_waits, locks)

    def start(self) -> None:
        self.peak_connections = self.peak_lock_waits = self.peak_active = 0
        self.peak_idle_in_transaction, self.longest_transaction = 0, 0.0
        self._stop.clear()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def measure_at(
    url: str,
    store_url: str,
    pids: dict[str, int],
    n: int,
    *,
    spread: float,
    seed: int = 1,
    stay: bool = False,
    per_network: int = PER_NETWORK,
    database: Database | None = None,
    hide_results: bool = False,
) -> RoomResult:
    """One room of ``n`` participants on a running dashboard at ``url`` whose rooms are stored at
    ``store_url``; ``pids``: the server processes to sample (label -> pid)."""
    from territorial.storage.rooms import RoomStore

    store = RoomStore.open(store_url)
    room = store.open_room(opened_by="bench")
    if hide_results:  # the projector shows the count alone (no tables, no map)
        store.set_results_visible(room.code, False)
    result = RoomResult(n)
    samplers = {label: RssSampler(pid) for label, pid in pids.items()}
    pg = RssSampler(database.pid) if database else None
    before = database.counters() if database else {}
    if database:
        database.start()
    updates: list[float] = []
    started = time.perf_counter()
    for sampler in [*samplers.values(), *([pg] if pg else [])]:
        sampler.__enter__()
    try:
        people, seen, problem = asyncio.run(
            run_room(url, room.code, n, spread=spread, seed=seed, stay=stay, per_network=per_network, updates=updates)
        )
    finally:
        if database:
            database.stop()
        for sampler in [*samplers.values(), *([pg] if pg else [])]:
            sampler.__exit__(None, None, None)
    result.wall = time.perf_counter() - started
    if database and pg:
        after = database.counters()
        result.database = {k: after[k] - before[k] for k in PG_COUNTERS}
        result.database |= {
            "cpu": pg.cpu_seconds,
            "connections": database.peak_connections,
            "active": database.peak_active,
            "lock_waits": database.peak_lock_waits,
            "idle_in_transaction": database.peak_idle_in_transaction,
            "longest_transaction": database.longest_transaction,
        }
    result.server_cpu = sum(s.cpu_seconds for s in samplers.values())
    result.instances = {label: (s.peak, s.cpu_seconds) for label, s in samplers.items()}
    result.participants, result.projector_error = people, problem
    result.projector_gaps = [b - a for a, b in zip(updates, updates[1:], strict=False)]
    answers = store.answers(room)
    stored = answers["participant"].value_counts()
    for p in people:
        p.in_database = stored.get(p.token, 0) == 1
    saved = sorted(a.timestamp() for a in answers["updated_at"])
    result.delays = [seen[k] - t for k, t in enumerate(saved, 1) if k in seen]
    store.close_room(room.code)
    store.engine.dispose()
    return result


def measure(server: Server, data_dir: Path, n: int, *, spread: float, seed: int = 1, stay: bool = False) -> RoomResult:
    """One room of ``n`` participants on a running server whose data directory is ``data_dir``."""
    from territorial.storage.store import sqlite_url

    return measure_at(
        server.url, sqlite_url(data_dir), {"serveur": server.process.pid}, n, spread=spread, seed=seed, stay=stay
    )


def summary(result: RoomResult) -> dict:
    stats = Stats(result.delays)
    return {
        "participants": result.n,
        "saved": result.saved,
        "in_database": sum(p.in_database for p in result.participants),
        "lost": result.lost,
        "shown": len(result.delays),
        "watches": sum(p.watches for p in result.participants),
        "submit_p95": Stats([p.submit for p in result.participants if p.saved]).percentile(95),
        "submit_max": Stats([p.submit for p in result.participants if p.saved]).max,
        "projector_updates": len(result.projector_gaps) + 1 if result.projector_gaps else 0,
        "projector_gap_max": max(result.projector_gaps, default=float("nan")),
        "p50": stats.percentile(50),
        "p95": stats.percentile(95),
        "max": stats.max,
        "wall": result.wall,
        "server_cpu": result.server_cpu,
        "instances": {k: {"peak_mb": v[0] / 1e6, "cpu": v[1]} for k, v in result.instances.items()},
        "database": result.database,
        "errors": result.errors,
    }


def describe(s: dict) -> list[str]:
    """The lines printed for one room."""
    lines = [
        f"salle de {s['participants']} : {s['saved']} réponses confirmées, {s['in_database']} dans la base "
        f"({s['lost']} perdue(s)), {s['shown']} vues au projecteur ; réponse → projecteur p50 {s['p50']:.2f} s, "
        f"p95 {s['p95']:.2f} s, max {s['max']:.2f} s (durée {s['wall']:.0f} s, CPU serveur {s['server_cpu']:.1f} s"
        + (f", {s['watches']} rafraîchissements « nouvelle question ? »)" if s["watches"] else ")")
    ]
    lines.append(
        f"  formulaire envoyé → « Réponse enregistrée » reçue : p95 {s['submit_p95']:.2f} s, "
        f"max {s['submit_max']:.2f} s ; projecteur : {s['projector_updates']} changements du compte, "
        f"plus long intervalle {s['projector_gap_max']:.1f} s"
    )
    for label, figures in s["instances"].items():
        lines.append(f"  {label} : pic RSS {figures['peak_mb']:.0f} Mo, CPU {figures['cpu']:.1f} s")
    if s["database"]:
        d = s["database"]
        lines.append(
            f"  PostgreSQL : CPU {d['cpu']:.1f} s, {d['xact_commit']:,} transactions "
            f"({d['xact_commit'] / max(s['wall'], 1):.0f}/s), lignes lues {d['tup_returned'] + d['tup_fetched']:,}, "
            f"insérées {d['tup_inserted']:,}, modifiées {d['tup_updated']:,}, connexions au plus {d['connections']} "
            f"(actives {d['active']}, en attente d'un verrou {d['lock_waits']}, en transaction mais inactives "
            f"{d['idle_in_transaction']}) ; plus longue transaction {d['longest_transaction']:.1f} s"
        )
    return lines + [f"  erreur : {error}" for error in s["errors"][:10]]


def deploy_rooms(
    sizes: list[int],
    *,
    spread: float,
    stay: bool = True,
    per_network: int = PER_NETWORK,
    hide_results: bool = False,
    log=print,
) -> list[dict]:
    """Rooms of each size through nginx + 2 instances + PostgreSQL (deploy/); their summaries."""
    from bench.deploy import _database
    from territorial.harness.stack import Stack

    db, url = _database()
    summaries = []
    with db, tempfile.TemporaryDirectory(prefix="bench-salle-deploy-") as tmp:
        if not url:
            raise RuntimeError("PostgreSQL est nécessaire pour la salle via deploy/")
        env = {"TERRITORIAL_DATA_DIR": tmp, "TERRITORIAL_DATABASE_URL": url}
        with Stack(instances=2, env=env, log_dir=LOGS) as stack:
            database = Database(url)
            pids = {f"instance {i + 1}": s.process.pid for i, s in enumerate(stack.instances)}
            for seed, n in enumerate(sizes, 1):
                log(f"salle via nginx + 2 instances + PostgreSQL : {n} participants sur {spread:.0f} s…")
                database.peak_connections = 0
                result = measure_at(
                    stack.url,
                    url,
                    pids,
                    n,
                    spread=spread,
                    seed=seed,
                    stay=stay,
                    per_network=per_network,
                    database=database,
                    hide_results=hide_results,
                )
                summaries.append(summary(result))
                log("\n".join(describe(summaries[-1])))
            database.engine.dispose()
    return summaries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A live workshop room: answers → projector delay.")
    parser.add_argument("-n", "--participants", type=int, nargs="+", default=[60], help="room sizes, in turn")
    parser.add_argument("--spread", type=float, default=20.0, help="participants arrive over this many seconds")
    parser.add_argument("--repeat", type=int, default=1, help="rooms one after the other")
    parser.add_argument("--deploy", action="store_true", help="through deploy/: nginx + 2 instances + PostgreSQL")
    parser.add_argument(
        "--stay",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="phones keep the page open after answering (default: with --deploy)",
    )
    parser.add_argument("--per-network", type=int, default=PER_NETWORK, help="phones per network (source address)")
    parser.add_argument("--hide-results", action="store_true", help="the projector shows the count alone (no map)")
    args = parser.parse_args(argv)
    stay = args.deploy if args.stay is None else args.stay
    if args.deploy:
        deploy_rooms(
            [n for n in args.participants for _ in range(args.repeat)],
            spread=args.spread,
            stay=stay,
            per_network=args.per_network,
            hide_results=args.hide_results,
            log=lambda text: print(text, flush=True),
        )
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-salle-") as tmp:
        env, _ = prepare_data_dir(Path(tmp), national=False)
        server = Server(env=env, log=ROOT / "bench" / "results" / "streamlit-salle.log")
        try:
            server.wait_healthy()
            delays: list[float] = []
            for run in range(args.repeat):
                for n in args.participants:
                    result = measure(server, Path(tmp), n, spread=args.spread, seed=run + 1, stay=stay)
                    delays += result.delays
                    print("\n".join(describe(summary(result))), flush=True)
            if args.repeat > 1:
                stats = Stats(delays)
                print(f"ensemble : p95 {stats.percentile(95):.2f} s sur {stats.n} réponses")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
