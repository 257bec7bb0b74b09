"""The deployment of ``deploy/`` on localhost: nginx in front of N Streamlit instances sharing
one store, started and stopped by the calling process (tests/test_deploy.py, bench/run.py,
``deploy/run_local.sh``).

What runs is what is documented: nginx reads ``deploy/nginx/territoires.conf`` with only its
ports and log path changed, and each instance gets the ``--server.*`` options of the
``ExecStart`` line of ``deploy/systemd/territorial@.service``.

    python -m territorial.harness.stack --instances 2 [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from territorial.core.paths import ROOT
from territorial.harness.server import LOGS, Server, free_port

DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "territoires.conf"
UNIT = DEPLOY / "systemd" / "territorial@.service"

MISSING_NGINX = (
    "nginx est introuvable : installez le paquet Debian « nginx » (apt-get install -y nginx "
    "libnginx-mod-http-brotli-filter) — le déploiement derrière un mandataire doit être testé."
)

#: Options that the harness sets itself (a free port on 127.0.0.1).
_OWN_OPTIONS = {"--server.port", "--server.address"}
_UPSTREAM_SERVER = re.compile(r"^(\s*)server 127\.0\.0\.1:\d+ (max_fails=\S+ fail_timeout=\S+);\n", re.M)


def unit_options(unit: Path = UNIT) -> list[str]:
    """The ``streamlit run`` options of the systemd unit's ``ExecStart`` (without port and address)."""
    (line,) = [x for x in unit.read_text(encoding="utf-8").splitlines() if x.startswith("ExecStart=")]
    words = shlex.split(line.removeprefix("ExecStart="))
    after = words[words.index("app.py") + 1 :]
    options: list[str] = []
    for name, value in zip(after[::2], after[1::2], strict=True):
        if not name.startswith("--server."):
            raise ValueError(f"option inattendue dans {unit.name} : {name}")
        if name not in _OWN_OPTIONS:
            options += [name, value]
    return options


def base_path(options: list[str]) -> str:
    """``territoires`` from ``--server.baseUrlPath territoires`` (``""`` without)."""
    pairs = dict(zip(options[::2], options[1::2], strict=True))
    return pairs.get("--server.baseUrlPath", "").strip("/")


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise RuntimeError(MISSING_NGINX)
    return found


BROTLI_SNIPPET = "/etc/nginx/snippets/territoires-brotli"


def brotli_installed(modules: Path = Path("/etc/nginx/modules-enabled")) -> bool:
    """Whether Debian's brotli module is enabled on this machine."""
    return any(modules.glob("*brotli*"))


#: Where the site reads Streamlit's static files once deployed (deploy/nginx/territoires.conf).
DEPLOYED_STATIC = "/opt/territorial/.venv/lib/python3.11/site-packages/streamlit/static/static"


def streamlit_static() -> Path:
    """The static files of the Streamlit installed here (what nginx serves from disk)."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or spec.origin is None:
        raise RuntimeError("Streamlit n'est pas installé")
    return Path(spec.origin).parent / "static" / "static"


def site_config(listen: int, ports: list[int], log_dir: Path, site: Path = SITE) -> str:
    """``deploy/nginx/territoires.conf`` listening on 127.0.0.1:``listen``, in front of ``ports``."""
    text = site.read_text(encoding="utf-8")
    servers = _UPSTREAM_SERVER.findall(text)
    if not servers:
        raise ValueError(f"{site.name} : pas de ligne « server 127.0.0.1:… » dans l'amont")
    indent, limits = servers[0]
    lines = "".join(f"{indent}server 127.0.0.1:{port} {limits};\n" for port in ports)
    text = _UPSTREAM_SERVER.sub("", text, count=len(servers) - 1)
    text = _UPSTREAM_SERVER.sub(lambda _m: lines, text, count=1)
    # brotli as documented: its snippet is included when the module is installed here.
    snippet = SITE.parent / "territoires-brotli" if brotli_installed() else log_dir / "sans-brotli"
    for old, new in (
        (f"    include {BROTLI_SNIPPET}*.conf;\n", f"    include {snippet}*.conf;\n"),
        (f"        alias {DEPLOYED_STATIC}/;\n", f"        alias {streamlit_static()}/;\n"),
        ("    listen 80;\n", f"    listen 127.0.0.1:{listen};\n"),
        (
            "    access_log /var/log/nginx/territoires.access.log;\n",
            f"    access_log {log_dir / 'access.log'} territoires_test;\n",
        ),
    ):
        if old not in text:
            raise ValueError(f"{site.name} : ligne attendue absente : {old.strip()}")
        text = text.replace(old, new)
    return text


def _main_config(work: Path, site: Path) -> str:
    """A main nginx.conf like Debian's (modules, mime types), everything else in ``work``."""
    temp = "\n".join(
        f"    {kind}_temp_path {work / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
pid {work / "nginx.pid"};
error_log {work / "error.log"} warn;
worker_processes 1;
include /etc/nginx/modules-enabled/*.conf;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    log_format territoires_test '$request_uri $status $upstream_addr $body_bytes_sent';
{temp}
    include {site};
}}
"""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Nginx:
    """nginx in the foreground with ``deploy/nginx/territoires.conf``, files in a temporary folder."""

    def __init__(self, ports: list[int], *, listen: int | None = None) -> None:
        self.listen = listen or free_port()
        self.work = Path(tempfile.mkdtemp(prefix="territorial-nginx-"))
        self.work.chmod(0o755)  # nginx's workers (nobody) read and write their temporary files
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.work / kind).mkdir(mode=0o777)
            (self.work / kind).chmod(0o777)
        self.site = self.work / "territoires.conf"
        self.site.write_text(site_config(self.listen, ports, self.work), encoding="utf-8")
        self.conf = self.work / "nginx.conf"
        self.conf.write_text(_main_config(self.work, self.site), encoding="utf-8")
        binary = nginx_binary()
        command = [binary, "-e", str(self.work / "error.log"), "-c", str(self.conf)]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"configuration nginx refusée :\n{check.stderr}")
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @property
    def access_log(self) -> Path:
        return self.work / "access.log"

    def wait_ready(self, url: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx s'est arrêté :\n{(self.work / 'error.log').read_text(errors='replace')}")
            if _answers(url):
                return
            time.sleep(0.2)
        raise RuntimeError(f"nginx ne répond pas sur {url} après {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finishes the requests under way
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.work, ignore_errors=True)


class Stack:
    """nginx + ``instances`` Streamlit servers (the unit's options), one store, on 127.0.0.1.

    ``database_url``: the shared store (PostgreSQL in the tests); None keeps the environment's.
    ``env``: more variables for every instance; ``app``: another script than app.py (the
    benchmark's floor page). ``url`` is the dashboard through the proxy
    (``http://127.0.0.1:PORT/territoires``); ``instances[i].url`` each instance directly.
    """

    def __init__(
        self,
        *,
        instances: int = 2,
        database_url: str | None = None,
        env: dict[str, str | None] | None = None,
        log_dir: Path = LOGS,
        app: Path | None = None,
    ) -> None:
        self.options = unit_options()
        self.base = base_path(self.options)
        self.database_url = database_url
        shared = {
            # One cookie key for every instance (as in deploy/territorial.env.example).
            "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32),
            **({"TERRITORIAL_DATABASE_URL": database_url} if database_url else {}),
            **(env or {}),
        }
        self.instances: list[Server] = []
        self.nginx: Nginx | None = None
        try:
            for _ in range(instances):
                port = free_port()
                self.instances.append(
                    Server(
                        **({"app": app} if app is not None else {}),
                        env=shared,
                        port=port,
                        args=[o.replace("%i", str(port)) for o in self.options],
                        base_path=self.base,
                        log=log_dir / f"stack-streamlit-{port}.log",
                    )
                )
            for server in self.instances:
                server.wait_healthy(180)
            self.nginx = Nginx([s.port for s in self.instances])
            self.url = f"http://127.0.0.1:{self.nginx.listen}/{self.base}".rstrip("/")
            self.nginx.wait_ready(f"{self.url}/_stcore/health")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        for server in self.instances:
            server.stop()

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="nginx + N instances du tableau de bord sur 127.0.0.1")
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--database-url", default=os.environ.get("TERRITORIAL_DATABASE_URL"))
    args = parser.parse_args()
    # Ctrl-C, or a SIGTERM/SIGINT from a script (a shell starts background jobs with SIGINT
    # ignored): stop nginx and the instances.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with Stack(instances=args.instances, database_url=args.database_url) as stack:
        print(f"Tableau de bord : {stack.url}/", flush=True)
        for server in stack.instances:
            print(f"  instance {server.url}/ (journal {server.log})", flush=True)
        print("Ctrl-C pour tout arrêter.", flush=True)
        try:
            nginx = stack.nginx
            assert nginx is not None  # started by Stack.__enter__
            while all(s.alive() for s in stack.instances) and nginx.process.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
