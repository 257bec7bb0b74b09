"""The editor role: who may import, edit and restore the programme.

Viewing is open to anyone. Changing the data needs the editor password, which
is configured **hashed** (never in clear), in the Streamlit secret
``editor_password_hash`` or the environment variable
``TERRITORIAL_EDITOR_PASSWORD_HASH``. With neither, editing is disabled.

Hash format (one line of ASCII, produced by ``python -m territorial.access hash``)::

    scrypt$<n>$<r>$<p>$<salt, base64>$<key, base64>

i.e. :func:`hashlib.scrypt` with cost ``n`` (a power of two), block size ``r``,
parallelism ``p``, a random 16-byte salt and a 32-byte derived key. A password
is checked by deriving the key again with the same salt and parameters and
comparing with :func:`hmac.compare_digest`.

Repeated failures are slowed down: after :attr:`Throttle.free` failures, each
new failure locks the form for an exponentially growing delay (2, 4, 8 … s,
capped at :attr:`Throttle.cap`), per session and for the whole process.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import getpass
import hashlib
import hmac
import os
import secrets
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

SECRET_KEY = "editor_password_hash"
ENV_HASH = "TERRITORIAL_EDITOR_PASSWORD_HASH"
SCHEME = "scrypt"
#: scrypt cost parameters of new hashes (about 16 MiB of memory, ~50 ms).
N, R, P = 2**14, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
MIN_PASSWORD = 10

#: Shown (and copied in the README) when no editor password is configured.
EDITING_DISABLED_TEXT = """\
La modification des données est désactivée : aucun mot de passe d'éditeur n'est configuré.

Pour l'activer :

1. Choisissez un mot de passe (au moins 10 caractères) et calculez son empreinte :
   `python -m territorial.access hash` (le mot de passe est demandé deux fois ; il n'est
   jamais enregistré en clair).
2. Copiez la ligne obtenue (elle commence par `scrypt$`) dans le fichier
   `.streamlit/secrets.toml` de l'application :
   `editor_password_hash = "scrypt$…"`
   ou dans la variable d'environnement `TERRITORIAL_EDITOR_PASSWORD_HASH`.
3. Redémarrez l'application : la page « Données » propose alors de se connecter en éditeur.

La consultation du tableau de bord reste ouverte à tous."""


class AccessError(PermissionError):
    """Editing is refused (base class)."""


class EditingDisabledError(AccessError):
    """No editor password is configured."""

    def __init__(self) -> None:
        super().__init__(EDITING_DISABLED_TEXT)


class BadHashError(ValueError):
    """The configured hash is not in the expected format."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"L'empreinte du mot de passe d'éditeur configurée est invalide ({reason}) : "
                         "recalculez-la avec « python -m territorial.access hash ».")


class WrongPasswordError(AccessError):
    """The password does not match."""

    def __init__(self) -> None:
        super().__init__("Mot de passe incorrect.")


class TooManyAttemptsError(AccessError):
    """Too many failures: wait ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1, int(retry_after + 0.999))
        super().__init__(f"Trop de tentatives, réessayez dans {self.retry_after} s.")


# --------------------------------------------------------------------------- hashing


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None, n: int = N, r: int = R, p: int = P) -> str:
    """The storable hash of ``password`` (format in the module docstring)."""
    if not password:
        raise ValueError("Le mot de passe est vide.")
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES,
                         maxmem=256 * n * r * p)
    return f"{SCHEME}${n}${r}${p}${_b64(salt)}${_b64(key)}"


@dataclass(frozen=True)
class PasswordHash:
    """A parsed hash."""

    n: int
    r: int
    p: int
    salt: bytes
    key: bytes

    @classmethod
    def parse(cls, encoded: str) -> PasswordHash:
        """Parse ``scrypt$n$r$p$salt$key``; :class:`BadHashError` if malformed."""
        parts = encoded.strip().split("$")
        if len(parts) != 6 or parts[0] != SCHEME:
            raise BadHashError("format attendu scrypt$n$r$p$sel$clé")
        try:
            n, r, p = (int(x) for x in parts[1:4])
            salt = base64.b64decode(parts[4], validate=True)
            key = base64.b64decode(parts[5], validate=True)
        except (ValueError, binascii.Error) as exc:
            raise BadHashError("paramètres ou base64 illisibles") from exc
        if n < 2 or n & (n - 1) or not 1 <= r <= 64 or not 1 <= p <= 16 or n * r > 2**24:
            raise BadHashError("paramètres scrypt hors limites")
        if len(salt) < 8 or len(key) < 16:
            raise BadHashError("sel ou clé trop courts")
        return cls(n, r, p, salt, key)

    def matches(self, password: str) -> bool:
        """Whether ``password`` gives this key (constant-time comparison)."""
        candidate = hashlib.scrypt(password.encode("utf-8"), salt=self.salt, n=self.n, r=self.r, p=self.p,
                                   dklen=len(self.key), maxmem=256 * self.n * self.r * self.p)
        return hmac.compare_digest(candidate, self.key)


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches the stored hash ``encoded``."""
    return PasswordHash.parse(encoded).matches(password)


def configured_hash(secrets_: Mapping[str, object] | None = None) -> str | None:
    """The configured hash: the secret ``editor_password_hash``, else the environment variable."""
    value = (secrets_ or {}).get(SECRET_KEY) or os.environ.get(ENV_HASH, "")
    value = str(value).strip()
    return value or None


# --------------------------------------------------------------------------- throttling


@dataclass
class Throttle:
    """Failure counter with an exponential lockout (thread-safe)."""

    free: int = 3
    cap: float = 300.0
    failures: int = 0
    locked_until: float = 0.0
    clock: Callable[[], float] = time.monotonic
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def wait(self) -> float:
        """Seconds to wait before the next attempt (0 if allowed now)."""
        return max(0.0, self.locked_until - self.clock())

    def check(self) -> None:
        """Raise :class:`TooManyAttemptsError` while locked."""
        remaining = self.wait()
        if remaining > 0:
            raise TooManyAttemptsError(remaining)

    def failure(self) -> None:
        """Count a failure; beyond ``free`` failures, lock for 2, 4, 8 … seconds."""
        with self._lock:
            self.failures += 1
            extra = self.failures - self.free
            if extra > 0:
                self.locked_until = self.clock() + min(self.cap, 2.0**extra)

    def success(self) -> None:
        """Reset after a successful login."""
        with self._lock:
            self.failures = 0
            self.locked_until = 0.0


def check_password(password: str, encoded: str | None, *, throttles: tuple[Throttle, ...]) -> None:
    """Grant the editor role or raise an :class:`AccessError` (French message).

    Raises :class:`EditingDisabledError` when nothing is configured,
    :class:`TooManyAttemptsError` while a throttle is locked (the password is not
    even checked), :class:`WrongPasswordError` on a wrong password (counted).
    """
    if not encoded:
        raise EditingDisabledError()
    parsed = PasswordHash.parse(encoded)
    for throttle in throttles:
        throttle.check()
    if not parsed.matches(password or ""):
        for throttle in throttles:
            throttle.failure()
        raise WrongPasswordError()
    for throttle in throttles:
        throttle.success()


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    """``python -m territorial.access hash [--stdin]``: print the hash of a new password."""
    parser = argparse.ArgumentParser(prog="python -m territorial.access",
                                     description="Outils du rôle d'éditeur.")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("hash", help="calculer l'empreinte d'un mot de passe d'éditeur")
    cmd.add_argument("--stdin", action="store_true", help="lire le mot de passe sur l'entrée standard")
    args = parser.parse_args(argv)
    if args.command == "hash":
        if args.stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass("Mot de passe d'éditeur : ")
            if getpass.getpass("Confirmez : ") != password:
                print("Les deux saisies diffèrent.", file=sys.stderr)
                return 1
        if len(password) < MIN_PASSWORD:
            print(f"Mot de passe trop court : au moins {MIN_PASSWORD} caractères.", file=sys.stderr)
            return 1
        print(hash_password(password))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
