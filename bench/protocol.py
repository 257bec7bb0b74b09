"""Viewers without a browser: Streamlit's own websocket protocol, to measure the server alone.

A real browser costs several CPU-seconds per viewer (Streamlit's frontend, Leaflet);
20 of them on the machine that also runs the server measure the test rig more than
the server. A protocol viewer does what the frontend does on the wire — opens
``/_stcore/stream``, asks for a page (``rerun_script`` with the page name and query
string) — and times the arrival of the map (the streamlit-folium component element)
and the end of the script run. Used by ``bench/load.py --protocol``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.common import ViewerResult

MAP_COMPONENT = "streamlit_folium"  # the clickable map (Carte)
MAP_CLASS = '"territoire'  # a map that only shows: st.iframe of the map's document
EARLY_FOR_RERUN = 2  # ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


@dataclass
class RunWatch:
    """What one script run sent a viewer: when the map arrived, errors, bytes received."""

    path: str
    map_at: float | None = None
    errors: list[str] = field(default_factory=list)
    received: int = 0

    def observe(self, msg) -> bool:
        """Take one ForwardMsg; True once the run is over."""
        kind = msg.WhichOneof("type")
        if kind == "new_session":  # a (re)run starts: what an interrupted run saw is void
            self.map_at = None
            self.errors.clear()
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element)
        elif kind == "page_not_found":
            self.errors.append(f"page introuvable : {self.path}")
        return kind == "script_finished" and msg.script_finished != EARLY_FOR_RERUN

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        is_map = (
            kind == "component_instance"
            and MAP_COMPONENT in element.component_instance.component_name
            or kind == "iframe"
            and MAP_CLASS in element.iframe.srcdoc
        )
        if is_map:
            self.map_at = self.map_at or time.perf_counter()
        elif kind == "exception":
            self.errors.append(f"exception : {element.exception.message[:150]}")


async def protocol_viewer(base_url: str, path: str, index: int, timeout: float) -> ViewerResult:
    """One session: connect, request ``path``, wait for the map and the end of the run."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    base = urlsplit(base_url)  # may end with a path: http://127.0.0.1:PORT/territoires
    parts = urlsplit(path)
    back = BackMsg()
    back.rerun_script.query_string = parts.query
    back.rerun_script.page_name = parts.path.strip("/")
    started = time.perf_counter()
    watch = RunWatch(path)

    async def run() -> None:
        async with websockets.connect(
            f"ws://{base.netloc}{base.path.rstrip('/')}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=timeout,
            additional_headers={"Origin": f"{base.scheme}://{base.netloc}"},
        ) as ws:
            await ws.send(back.SerializeToString())
            finished = False
            while not finished:
                raw = await ws.recv()
                watch.received += len(raw)
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                finished = watch.observe(msg)

    try:
        await asyncio.wait_for(run(), timeout)
    except TimeoutError:
        watch.errors.append(f"exécution non terminée après {timeout:.0f} s")
    except Exception as exc:  # noqa: BLE001 - every failure is reported, not raised
        watch.errors.append(f"{type(exc).__name__}: {str(exc)[:150]}")
    seconds = (watch.map_at or time.perf_counter()) - started
    if watch.map_at is None and not watch.errors:
        watch.errors.append("aucune carte dans la page")
    return ViewerResult(index, path, watch.map_at is not None, seconds, watch.received, "; ".join(watch.errors))


async def run_protocol_viewers(
    base_url: str, *, n: int, paths: list[str], timeout: float, total_timeout: float | None = None
) -> list[ViewerResult]:
    """``n`` protocol viewers at once; ``shapes`` holds the bytes received."""
    from bench.common import LOCAL_HOSTS

    if urlsplit(base_url).hostname not in LOCAL_HOSTS:
        raise ValueError(f"refusé : {base_url} n'est pas sur cette machine (localhost uniquement)")
    tasks = [asyncio.create_task(protocol_viewer(base_url, paths[i % len(paths)], i, timeout)) for i in range(n)]
    done, pending = await asyncio.wait(tasks, timeout=total_timeout or timeout * 2 + 30)
    for task in pending:
        task.cancel()
    results = [t.result() for t in done if not t.cancelled() and t.exception() is None]
    seen = {r.viewer for r in results}
    results += [
        ViewerResult(i, paths[i % len(paths)], False, float(total_timeout or 0), error="arrêté : délai total dépassé")
        for i in range(n)
        if i not in seen
    ]
    return sorted(results, key=lambda r: r.viewer)
