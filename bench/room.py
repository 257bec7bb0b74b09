"""A live workshop room under load: N participants over Streamlit's websocket protocol, one real projector.

Usage::

    python bench/room.py -n 60            # 60 phones answer within ~20 s; p95 answer → projector
    python bench/room.py -n 1 --repeat 5  # one phone at a time (the floor of the same measure)

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
each participant answers once.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, RssSampler, Server, Stats, prepare_data_dir

TERRITORY_LABEL = "Votre territoire (tapez son nom ou son code)"
SUBMIT_LABEL = "Envoyer ma réponse"
PROJECTOR_TIMEOUT = 90.0


@dataclass
class Participant:
    index: int
    token: str
    saved: bool = False
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

    @property
    def saved(self) -> int:
        return sum(p.saved for p in self.participants)

    @property
    def errors(self) -> list[str]:
        found = [p.error for p in self.participants if p.error]
        return found + ([self.projector_error] if self.projector_error else [])


class Session:
    """One participant's websocket session: reruns with widget states, as the frontend sends them."""

    def __init__(self, ws, query: str) -> None:
        self.ws, self.query = ws, query
        self.widgets: dict[str, object] = {}  # label -> element proto (the last run's)
        self.texts: list[str] = []
        self.received = 0

    async def run(self, states: list) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        back = BackMsg()
        back.rerun_script.query_string = self.query
        back.rerun_script.page_name = "participer"
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


async def participant(base: str, code: str, who: Participant, *, delay: float, rng: random.Random) -> None:
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
            additional_headers={"Origin": base},
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
            await session.run(states)
            while not any("Réponse enregistrée" in t for t in session.texts):  # st.rerun() after saving
                if any("exception" in t or "Réponse" in t and "enregistrée" not in t for t in session.texts):
                    raise RuntimeError(" | ".join(session.texts)[:200])
                await session.run([chosen])
                if session.received > 50_000_000:
                    raise RuntimeError("pas de confirmation")
            who.saved, who.received = True, session.received
    except Exception as exc:  # noqa: BLE001 - every failure is reported, not raised
        who.error = f"{type(exc).__name__}: {str(exc)[:200]}"


async def projector(base: str, code: str, n: int, seen: dict[int, float], stop: asyncio.Event) -> str:
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
        shown = 0
        deadline = time.time() + PROJECTOR_TIMEOUT * 4
        while shown < n and time.time() < deadline:
            text = await page.evaluate(COUNT_JS)
            digits = "".join(c for c in (text or "") if c.isdigit())
            count = int(digits) if digits else 0
            now = time.time()
            for k in range(shown + 1, count + 1):
                seen[k] = now
            shown = max(shown, count)
            await asyncio.sleep(0.05)
        reloaded = await page.evaluate("() => window.__sans_rechargement") != 1
        await browser.close()
    problems = []
    if shown < n:
        problems.append(f"projecteur : {shown}/{n} réponses affichées")
    if reloaded:
        problems.append("projecteur : la page a été rechargée")
    return "; ".join(problems)


async def run_room(
    base: str, code: str, n: int, *, spread: float, seed: int = 1
) -> tuple[list[Participant], dict, str]:
    from territorial.storage.rooms import new_token

    rng = random.Random(seed)
    people = [Participant(i, new_token()) for i in range(n)]
    seen: dict[int, float] = {}
    ready = asyncio.Event()
    watcher = asyncio.create_task(projector(base, code, n, seen, ready))
    await asyncio.wait_for(ready.wait(), PROJECTOR_TIMEOUT)
    await asyncio.gather(
        *(
            participant(base, code, p, delay=rng.uniform(0, spread), rng=random.Random(seed * 1000 + p.index))
            for p in people
        )
    )
    problem = await watcher
    return people, seen, problem


def measure(server: Server, data_dir: Path, n: int, *, spread: float, seed: int = 1) -> RoomResult:
    """One room of ``n`` participants on a running server whose data directory is ``data_dir``."""
    from territorial.storage.rooms import RoomStore
    from territorial.storage.store import sqlite_url

    store = RoomStore.open(sqlite_url(data_dir))
    room = store.open_room(opened_by="bench")
    result = RoomResult(n)
    started = time.perf_counter()
    with RssSampler(server.process.pid) as sampler:
        people, seen, problem = asyncio.run(run_room(server.url, room.code, n, spread=spread, seed=seed))
    result.wall = time.perf_counter() - started
    result.server_cpu = sampler.cpu_seconds
    result.participants, result.projector_error = people, problem
    saved = sorted(a.timestamp() for a in store.answers(room)["updated_at"])
    result.delays = [seen[k] - t for k, t in enumerate(saved, 1) if k in seen]
    store.close_room(room.code)
    store.engine.dispose()
    return result


def summary(result: RoomResult) -> dict:
    stats = Stats(result.delays)
    return {
        "participants": result.n,
        "saved": result.saved,
        "shown": len(result.delays),
        "p50": stats.percentile(50),
        "p95": stats.percentile(95),
        "max": stats.max,
        "wall": result.wall,
        "server_cpu": result.server_cpu,
        "errors": result.errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A live workshop room: answers → projector delay.")
    parser.add_argument("-n", "--participants", type=int, default=60)
    parser.add_argument("--spread", type=float, default=20.0, help="participants arrive over this many seconds")
    parser.add_argument("--repeat", type=int, default=1, help="rooms one after the other")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-salle-") as tmp:
        env, _ = prepare_data_dir(Path(tmp), national=False)
        server = Server(env=env, log=ROOT / "bench" / "results" / "streamlit-salle.log")
        try:
            server.wait_healthy()
            delays: list[float] = []
            for run in range(args.repeat):
                result = measure(server, Path(tmp), args.participants, spread=args.spread, seed=run + 1)
                s = summary(result)
                delays += result.delays
                print(
                    f"salle de {s['participants']} : {s['saved']} réponses enregistrées, {s['shown']} vues au "
                    f"projecteur ; réponse → projecteur p50 {s['p50']:.2f} s, p95 {s['p95']:.2f} s, "
                    f"max {s['max']:.2f} s "
                    f"(durée {s['wall']:.0f} s, CPU serveur {s['server_cpu']:.1f} s)"
                )
                for error in s["errors"][:10]:
                    print(f"  erreur : {error}")
            if args.repeat > 1:
                stats = Stats(delays)
                print(f"ensemble : p95 {stats.percentile(95):.2f} s sur {stats.n} réponses")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
