"""A hostile visitor against a running server, over Streamlit's own protocol (issue 23, points 4 and 5).

No browser: a websocket client speaking the frontend's protocol and plain HTTP, as an outsider
would (the XSRF cookie from ``/_stcore/health``, the session id from the websocket).
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request

import pytest

MB = 1024 * 1024


@pytest.fixture(scope="module")
def base_url(streamlit_server) -> str:
    return streamlit_server("app.py")


async def _session(base_url: str, query: str = ""):
    """A websocket session that asked for the home page: (socket, session id, how the run ended)."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ws = await websockets.connect(
        f"ws://{base_url.removeprefix('http://')}/_stcore/stream",
        subprotocols=["streamlit"],
        max_size=None,
        additional_headers={"Origin": base_url},
    )
    back = BackMsg()
    back.rerun_script.query_string = query
    session = ""
    try:
        await ws.send(back.SerializeToString())
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
            if msg.WhichOneof("type") == "new_session":
                session = msg.new_session.initialize.session_id
            if msg.WhichOneof("type") == "script_finished":
                return ws, session, "fini"
    except websockets.ConnectionClosed as exc:
        return ws, session, f"fermé {exc.rcvd.code if exc.rcvd else exc}"
    except OSError as exc:  # reset while the message was still being sent
        return ws, session, f"fermé ({exc.__class__.__name__})"


def test_big_websocket_messages_are_refused_small_ones_served(base_url) -> None:
    """Streamlit's defaults let one rerun carry 25 MB (200 MB a message): 40 of them held 1.6 GB."""

    async def attack() -> list[str]:
        outcomes = []
        for query in ("territoire=200046977", "q=" + "A" * 3 * MB, "q=" + "A" * 7 * MB):
            ws, _, ended = await _session(base_url, query)
            await ws.close()
            outcomes.append(ended)
        return outcomes

    ordinary, rerun_3mb, frame_7mb = asyncio.run(attack())
    assert ordinary == "fini"
    assert rerun_3mb == "fermé 1009"  # server.maxWidgetStateSize = 2 MB
    assert frame_7mb.startswith("fermé")  # server.maxMessageSize = 6 MB: the frame is not read whole


def _put(base_url: str, session: str, xsrf: str, name: str, size: int) -> int:
    boundary = "----visiteur"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + b"x" * size
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{base_url}/_stcore/upload_file/{session}/{name}",
        data=body,
        method="PUT",
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Xsrftoken": xsrf,
            "Cookie": f"_streamlit_xsrf={xsrf}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_an_anonymous_session_cannot_upload(base_url) -> None:
    """120 anonymous 5 MB uploads were accepted (HTTP 204) and 628 MB kept: now refused (403)."""
    with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=10) as response:
        cookies = response.headers.get_all("Set-Cookie") or []
    xsrf = next(c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("_streamlit_xsrf="))

    async def attack() -> list[int]:
        ws, session, _ = await _session(base_url)
        assert session
        loop = asyncio.get_running_loop()
        statuses = [await loop.run_in_executor(None, _put, base_url, session, xsrf, f"f{i}", 4 * MB) for i in range(3)]
        await ws.close()
        return statuses

    assert asyncio.run(attack()) == [403, 403, 403]
