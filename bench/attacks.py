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


def _rss(pid: int) -> int:
    import psutil

    return psutil.Process(pid).memory_info().rss


async def _rerun(url: str, query: str) -> str:
    """One websocket session asking for a page with ``query``: how it ended."""
    try:
        ws, _, outcome = await open_session(url, query, timeout=30)
    except Exception as exc:  # noqa: BLE001 - reported
        return type(exc).__name__
    await ws.close()
    return outcome


async def messages(url: str, *, n: int, size: int) -> list[str]:
    query = "q=" + "A" * size
    return await asyncio.wait_for(asyncio.gather(*[_rerun(url, query) for _ in range(n)]), 180)


async def uploads(url: str, *, n: int) -> list[int]:
    ws, session, _ = await open_session(url, until_finished=False)
    xsrf = xsrf_cookie(url)
    body = b"a;b\n" * ((5 * MB - 4096) // 4)  # under the 5 MB limit, envelope included
    loop = asyncio.get_running_loop()
    statuses = [await loop.run_in_executor(None, put_file, url, session, xsrf, f"fichier-{i}", body) for i in range(n)]
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
