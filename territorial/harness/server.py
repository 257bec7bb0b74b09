"""A Streamlit server of this repository on 127.0.0.1, started and stopped by the calling
process: the browser tests' fixture and the benchmarks' servers (and free ports for the
throwaway PostgreSQL clusters of the tests)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from territorial.core.paths import ROOT

APP = ROOT / "app.py"
LOGS = ROOT / "bench" / "results"


def free_port(ports: range | None = None) -> int:
    """A free TCP port on 127.0.0.1: the first free one of ``ports``, else one the system picks."""
    if ports is None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {min(ports)}-{max(ports)}")


def healthy(url: str) -> bool:
    """Whether the Streamlit server at ``url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Server:
    """``streamlit run app.py`` on 127.0.0.1, started and stopped by this process only.

    ``env`` adds variables to this process's environment (a value None removes one);
    ``port`` defaults to a free one; the server's output goes to ``log``; ``args`` are more
    ``streamlit run`` options (``base_path`` must then repeat ``--server.baseUrlPath``).
    """

    def __init__(
        self,
        *,
        env: dict[str, str | None] | None = None,
        log: Path | None = None,
        port: int | None = None,
        app: Path = APP,
        args: list[str] | None = None,
        base_path: str = "",
    ) -> None:
        self.port = port or free_port()
        # With ``--server.baseUrlPath territoires`` (in ``args``), everything is under that path.
        self.url = f"http://127.0.0.1:{self.port}" + (f"/{base_path.strip('/')}" if base_path.strip("/") else "")
        self.log = log or (LOGS / f"streamlit-{self.port}.log")
        self.log.parent.mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app),
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            *(args or []),
        ]  # the rest from .streamlit/config.toml
        full_env = dict(os.environ)
        for key, value in (env or {}).items():  # None removes a variable
            if value is None:
                full_env.pop(key, None)
            else:
                full_env[key] = value
        full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited ({self.process.returncode}):\n{self.log.read_text(errors='replace')[-3000:]}"
                )
            if healthy(self.url):
                return
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def __enter__(self) -> Server:
        self.wait_healthy()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
