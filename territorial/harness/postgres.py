"""A throwaway PostgreSQL cluster for the tests and the benchmarks (real server, temporary directory).

The Debian ``postgresql`` package provides ``initdb`` and ``pg_ctl`` in
``/usr/lib/postgresql/<version>/bin``. PostgreSQL refuses to run as root, so when
the tests run as root (CI) the cluster is created and started as the
``postgres`` system user with ``runuser``. Missing binaries are an error, not a
skip: the storage must be tested on PostgreSQL.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from territorial.harness.server import free_port

MISSING = (
    "PostgreSQL est introuvable : installez le paquet Debian « postgresql » "
    "(apt-get install -y postgresql) — les tests du stockage doivent tourner sur un vrai PostgreSQL."
)


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0,
    )
    if not candidates:
        raise RuntimeError(MISSING)
    return candidates[-1]


def _runner() -> tuple[list[str], int | None, int | None]:
    """The command prefix, uid and gid to run the server as (``postgres`` when we are root)."""
    if os.geteuid() != 0:
        return [], None, None
    try:
        user = pwd.getpwnam("postgres")
    except KeyError as exc:
        raise RuntimeError(
            "Les tests tournent en root mais l'utilisateur système « postgres » "
            "n'existe pas : installez le paquet « postgresql »."
        ) from exc
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    return [runuser, "-u", "postgres", "--"], user.pw_uid, user.pw_gid


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Start a cluster on a free port; yield a SQLAlchemy URL of its ``postgres`` database."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    prefix, uid, gid = _runner()
    root = Path(tempfile.mkdtemp(prefix="territorial-pg-"))
    data, log = root / "data", root / "server.log"
    if uid is not None and gid is not None:
        os.chown(root, uid, gid)
    port = free_port()
    try:
        subprocess.run(
            [
                *prefix,
                initdb,
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start"],
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as exc:
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL n'a pas démarré : {exc.stderr or exc.stdout}\n{detail}") from exc
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], capture_output=True, text=True
        )
        shutil.rmtree(root, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    """Create an empty database on the cluster; return its URL."""
    import psycopg
    import sqlalchemy as sa
    from psycopg import sql

    url = sa.make_url(server_url)
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url.set(database=name).render_as_string(hide_password=False)
