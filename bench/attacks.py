"""Hostile visitors against the server's memory (issue 23, points 4 and 5), bounded and local.

    python bench/attacks.py messages     # 40 concurrent reruns each carrying a 24 MB query string
    python bench/attacks.py uploads      # 120 anonymous 5 MB uploads (PUT /_stcore/upload_file)

Each starts ``streamlit run app.py`` on 127.0.0.1 (this repository's configuration), waits for
it to settle, runs the attack as an outsider would (Streamlit's websocket protocol, the XSRF
cookie of ``/_stcore/health``), and prints the server's RSS: before, peak during the attack and
retained 20 s after the attacker left. Everything is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RssSampler, Server

MB = 1024 * 1024


def _rss(pid: int) -> int:
    import psutil

    return psutil.Process(pid).memory_info().rss


async def _rerun(url: str, query: str) -> str:
    """One websocket session asking for a page with ``query``: how it ended."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg

    back = BackMsg()
    back.rerun_script.query_string = query
    back.rerun_script.page_name = ""
    try:
        async with websockets.connect(
            f"ws://{url.removeprefix('http://')}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=20,
            additional_headers={"Origin": url},
        ) as ws:
            await ws.send(back.SerializeToString())
            try:
                while True:
                    await asyncio.wait_for(ws.recv(), 30)
            except websockets.ConnectionClosed as exc:
                return f"fermé {exc.rcvd.code if exc.rcvd else '?'}"
            except TimeoutError:
                return "sans fin"
    except Exception as exc:  # noqa: BLE001 - reported
        return type(exc).__name__


async def messages(url: str, *, n: int, size: int) -> list[str]:
    query = "q=" + "A" * size
    return await asyncio.wait_for(asyncio.gather(*[_rerun(url, query) for _ in range(n)]), 180)


async def _session_id(url: str) -> tuple[object, str]:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ws = await websockets.connect(
        f"ws://{url.removeprefix('http://')}/_stcore/stream",
        subprotocols=["streamlit"],
        max_size=None,
        additional_headers={"Origin": url},
    )
    back = BackMsg()
    back.rerun_script.page_name = ""
    await ws.send(back.SerializeToString())
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
        if msg.WhichOneof("type") == "new_session":
            return ws, msg.new_session.initialize.session_id


def _put(url: str, session: str, index: int, xsrf: str, body: bytes) -> int:
    boundary = "----territorial"
    payload = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f{index}.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + body
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{url}/_stcore/upload_file/{session}/fichier-{index}",
        data=payload,
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


def xsrf_cookie(url: str) -> str:
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("_streamlit_xsrf="):
                return header.split(";")[0].split("=", 1)[1]
    raise RuntimeError("pas de cookie XSRF")


async def uploads(url: str, *, n: int) -> list[int]:
    ws, session = await _session_id(url)
    xsrf = xsrf_cookie(url)
    body = b"a;b\n" * ((5 * MB - 4096) // 4)  # under the 5 MB limit, envelope included
    loop = asyncio.get_running_loop()
    statuses = [await loop.run_in_executor(None, _put, url, session, i, xsrf, body) for i in range(n)]
    await ws.close()  # the visitor leaves
    return statuses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Attaques bornées contre la mémoire du serveur (localhost).")
    parser.add_argument("attack", choices=["messages", "uploads"])
    parser.add_argument("-n", type=int, default=None)
    parser.add_argument("--size-mb", type=float, default=24.0)
    parser.add_argument("--after", type=float, default=20.0, help="secondes avant la mesure « retenue »")
    args = parser.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory() as data_dir, Server(env={"TERRITORIAL_DATA_DIR": data_dir}) as server:
        urllib.request.urlopen(f"{server.url}/", timeout=30).read()
        asyncio.run(_rerun(server.url, ""))  # one ordinary visit: the app is loaded
        time.sleep(3)
        before = _rss(server.process.pid)
        started = time.perf_counter()
        with RssSampler(server.process.pid, interval=0.05) as sampler:
            if args.attack == "messages":
                outcome = asyncio.run(messages(server.url, n=args.n or 40, size=int(args.size_mb * MB)))
            else:
                outcome = asyncio.run(uploads(server.url, n=args.n or 120))
            wall = time.perf_counter() - started
            time.sleep(args.after)
        retained = _rss(server.process.pid)
        counts: dict[str, int] = {}
        for item in outcome:
            counts[str(item)] = counts.get(str(item), 0) + 1
        print(
            json.dumps(
                {
                    "attaque": args.attack,
                    "issues": counts,
                    "secondes": round(wall, 1),
                    "rss_avant_mo": round(before / MB),
                    "rss_pic_mo": round(max(sampler.peak, before) / MB),
                    "rss_retenue_mo": round(retained / MB),
                },
                ensure_ascii=False,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
