"""Run a command as a process to which file permissions apply.

The tests of read-only storage need the kernel to refuse writes. Root ignores
file permissions, so when the tests run as root (CI) the command runs in a new
user namespace (``unshare --user --map-user``): the same files, but without
root's capabilities, like any service account. As another user, it runs as is.
A missing ``unshare`` is an error, not a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence

MISSING = (
    "« unshare » (paquet util-linux) est introuvable ou les espaces de noms utilisateur sont "
    "désactivés : les tests du stockage en lecture seule ne peuvent pas tourner en root sans lui."
)


def command(argv: Sequence[str]) -> list[str]:
    """``argv``, prefixed so that it runs without root's privileges."""
    if os.geteuid() != 0:
        return list(argv)
    unshare = shutil.which("unshare")
    if unshare is None:
        raise RuntimeError(MISSING)
    return [unshare, "--user", "--map-user=12345", "--map-group=12345", *argv]


def run(argv: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``argv`` without root's privileges; stdout and stderr captured as text."""
    done = subprocess.run(command(argv), capture_output=True, text=True, env=env, timeout=timeout)
    if os.geteuid() == 0 and done.returncode != 0 and "unshare" in done.stderr:
        raise RuntimeError(f"{MISSING}\n{done.stderr}")
    return done
