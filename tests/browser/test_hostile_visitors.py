"""A hostile visitor against a running server, over Streamlit's own protocol (issue 23, points 4 and 5).

No browser: a websocket client speaking the frontend's protocol and plain HTTP, as an outsider
would (territorial/harness/outsider.py: the XSRF cookie from ``/_stcore/health``, the session
id from the websocket).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from territorial.harness.outsider import put_file, xsrf_cookie

MB = 1024 * 1024


async def open_session(base_url: str, query: str = "", *, until_finished: bool = True, timeout: float = 60.0):
    """A websocket session asking for the home page with ``query``: (socket, session id, outcome).

    The outcome is « fini » (the run ended), « fermé <code> » (the server closed the
    connection) or « sans fin » (nothing more for ``timeout`` seconds). With
    ``until_finished=False``, it returns as soon as the session id is known.
    """
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ws = await websockets.connect(
        f"ws://{base_url.removeprefix('http://')}/_stcore/stream",
        subprotocols=["streamlit"],
        max_size=None,
        open_timeout=timeout,
        additional_headers={"Origin": base_url},
    )
    back = BackMsg()
    back.rerun_script.query_string = query
    session = ""
    try:
        await ws.send(back.SerializeToString())
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(ws.recv(), timeout))
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                session = msg.new_session.initialize.session_id
                if not until_finished:
                    return ws, session, "ouvert"
            if kind == "script_finished":
                return ws, session, "fini"
    except websockets.ConnectionClosed as exc:
        return ws, session, f"fermé {exc.rcvd.code if exc.rcvd else exc}"
    except TimeoutError:
        return ws, session, "sans fin"
    except OSError as exc:  # reset while the message was still being sent
        return ws, session, f"fermé ({exc.__class__.__name__})"


def run(coroutine):
    """Run ``coroutine`` to its end in a thread of its own: the browser tests' Playwright (sync API)
    keeps an event loop running in this thread for the whole session."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def base_url(streamlit_server) -> str:
    return streamlit_server("app.py")


def test_big_websocket_messages_are_refused_small_ones_served(base_url) -> None:
    """Streamlit's defaults let one rerun carry 25 MB (200 MB a message): 40 of them held 1.6 GB."""

    async def attack() -> list[str]:
        outcomes = []
        for query in ("territoire=200046977", "q=" + "A" * 3 * MB, "q=" + "A" * 7 * MB):
            ws, _, ended = await open_session(base_url, query)
            await ws.close()
            outcomes.append(ended)
        return outcomes

    ordinary, rerun_3mb, frame_7mb = run(attack())
    assert ordinary == "fini"
    assert rerun_3mb == "fermé 1009"  # server.maxWidgetStateSize = 2 MB
    assert frame_7mb.startswith("fermé")  # server.maxMessageSize = 6 MB: the frame is not read whole


def test_an_anonymous_session_cannot_upload(base_url) -> None:
    """120 anonymous 5 MB uploads were accepted (HTTP 204) and 628 MB kept: now refused (403)."""
    xsrf = xsrf_cookie(base_url)

    async def attack() -> list[int]:
        ws, session, _ = await open_session(base_url)
        assert session
        loop = asyncio.get_running_loop()
        body = b"x" * 4 * MB
        statuses = [
            await loop.run_in_executor(None, put_file, base_url, session, xsrf, f"f{i}", body) for i in range(3)
        ]
        await ws.close()
        return statuses

    assert run(attack()) == [403, 403, 403]
