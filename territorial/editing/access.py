"""The editor role: who may import, edit and restore the programme.

Viewing is open to anyone. Changing the data needs the editor password, which
is configured **hashed** (never in clear), in the Streamlit secret
``editor_password_hash`` or the environment variable
``TERRITORIAL_EDITOR_PASSWORD_HASH``. With neither, editing is disabled.

Hash format (one line of ASCII, produced by ``python -m territorial.editing.access hash``)::

    scrypt$<n>$<r>$<p>$<salt, base64>$<key, base64>

i.e. :func:`hashlib.scrypt` with cost ``n`` (a power of two), block size ``r``,
parallelism ``p``, a random 16-byte salt and a 32-byte derived key. A password
is checked by deriving the key again with the same salt and parameters and
comparing with :func:`hmac.compare_digest`.

Repeated failures are slowed down (:class:`LoginGuard`), per session and per
client address: after :attr:`Throttle.free` failures in the last 15 minutes, each
new failure locks that session or that address for an exponentially growing delay
(2, 4, 8 … s, capped at :attr:`Throttle.cap`); older failures are forgotten. The
failures of every address together only *delay* each check by a few seconds
(:class:`Brake`): a crowd of addresses cannot lock the editor out. The address is
the connection's, or, behind a proxy listed in ``TERRITORIAL_TRUSTED_PROXIES``
(or the secret ``trusted_proxies``), the one it forwards (``X-Forwarded-For``).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import getpass
import hashlib
import hmac
import ipaddress
import logging
import math
import os
import secrets
import sys
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

SECRET_KEY = "editor_password_hash"
ENV_HASH = "TERRITORIAL_EDITOR_PASSWORD_HASH"
SCHEME = "scrypt"
#: scrypt cost parameters of new hashes (about 16 MiB of memory, ~50 ms).
N, R, P = 2**14, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
MIN_PASSWORD = 10

#: Shown (and copied in docs/droits-d-edition.md) when no editor password is configured.
EDITING_DISABLED_TEXT = """\
La modification des données est désactivée : aucun mot de passe d'éditeur n'est configuré.

Pour l'activer :

1. Choisissez un mot de passe (au moins 10 caractères) et calculez son empreinte :
   `python -m territorial.editing.access hash` (le mot de passe est demandé deux fois ; il n'est
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
        super().__init__(
            f"L'empreinte du mot de passe d'éditeur configurée est invalide ({reason}) : "
            "recalculez-la avec « python -m territorial.editing.access hash »."
        )


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
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=256 * n * r * p)
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
        candidate = hashlib.scrypt(
            password.encode("utf-8"),
            salt=self.salt,
            n=self.n,
            r=self.r,
            p=self.p,
            dklen=len(self.key),
            maxmem=256 * self.n * self.r * self.p,
        )
        return hmac.compare_digest(candidate, self.key)


def configured_hash(secrets_: Mapping[str, object] | None = None) -> str | None:
    """The configured hash: the secret ``editor_password_hash``, else the environment variable."""
    value = (secrets_ or {}).get(SECRET_KEY) or os.environ.get(ENV_HASH, "")
    value = str(value).strip()
    return value or None


# --------------------------------------------------------------------------- throttling


@dataclass
class Throttle:
    """Failures of one session or one client, with an exponential lockout (thread-safe).

    Only the failures of the last ``window`` seconds count: older ones are
    forgotten. Beyond ``free`` of them, each failure locks for 2, 4, 8 … seconds
    (at most ``cap``). An attempt is counted when it starts (:meth:`begin`), so
    that parallel attempts cannot all slip through before the first one fails.
    """

    free: int = 3
    cap: float = 300.0
    window: float = 900.0
    clock: Callable[[], float] = time.monotonic
    locked_until: float = 0.0
    _times: deque[float] = field(default_factory=deque, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Enough failures to reach the cap; older ones change nothing.
        self._times = deque(self._times, maxlen=self.free + max(1, math.ceil(math.log2(max(self.cap, 2)))) + 1)

    def _forget(self, now: float) -> None:
        while self._times and self._times[0] <= now - self.window:
            self._times.popleft()

    @property
    def failures(self) -> int:
        """Failures counted in the window."""
        with self._lock:
            self._forget(self.clock())
            return len(self._times)

    def expired(self) -> bool:
        """No failure left in the window and not locked: the entry can be dropped."""
        with self._lock:
            now = self.clock()
            self._forget(now)
            return not self._times and self.locked_until <= now

    def wait(self) -> float:
        """Seconds to wait before the next attempt (0 if allowed now)."""
        return max(0.0, self.locked_until - self.clock())

    def check(self) -> None:
        """Raise :class:`TooManyAttemptsError` while locked."""
        remaining = self.wait()
        if remaining > 0:
            raise TooManyAttemptsError(remaining)

    def _count(self, now: float) -> None:
        self._forget(now)
        self._times.append(now)
        extra = len(self._times) - self.free
        if extra > 0:
            self.locked_until = max(self.locked_until, now + min(self.cap, 2.0**extra))

    def begin(self) -> None:
        """Start an attempt: refused while locked, else counted as a failure until :meth:`success`."""
        with self._lock:
            now = self.clock()
            if self.locked_until > now:
                raise TooManyAttemptsError(self.locked_until - now)
            self._count(now)

    def failure(self) -> None:
        """Count a failure; beyond ``free`` failures in the window, lock for 2, 4, 8 … seconds."""
        with self._lock:
            self._count(self.clock())

    def success(self) -> None:
        """Forget every failure after a successful login."""
        with self._lock:
            self._times.clear()
            self.locked_until = 0.0


class ClientThrottles:
    """One :class:`Throttle` per client address, in a bounded table (thread-safe).

    A client's failures lock that client only. The table keeps at most
    ``max_clients`` addresses: when it is full, addresses whose failures have all
    expired are dropped first, then the ones whose last failure is the oldest —
    many addresses cannot make the table, hence the server's memory, grow.
    """

    def __init__(
        self,
        *,
        free: int = 5,
        cap: float = 300.0,
        window: float = 900.0,
        max_clients: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free, self.cap, self.window, self.max_clients, self.clock = free, cap, window, max_clients, clock
        self._clients: OrderedDict[str, Throttle] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._clients)

    def __contains__(self, client: str) -> bool:
        return client in self._clients

    def get(self, client: str) -> Throttle:
        """The throttle of ``client`` (created if needed; most recently used last)."""
        with self._lock:
            throttle = self._clients.get(client)
            if throttle is None:
                while len(self._clients) >= self.max_clients:
                    self._drop_one()
                throttle = Throttle(free=self.free, cap=self.cap, window=self.window, clock=self.clock)
                self._clients[client] = throttle
            else:
                self._clients.move_to_end(client)
            return throttle

    def _drop_one(self) -> None:
        for client, throttle in self._clients.items():
            if throttle.expired():
                del self._clients[client]
                return
        self._clients.popitem(last=False)  # the least recently used


@dataclass
class Brake:
    """Failures of every client together: a short delay before each check, never a refusal.

    Beyond ``free`` failures in the last ``window`` seconds (from any address), each
    password check waits ``step`` seconds per extra failure, at most ``max_delay``:
    a crowd of addresses is slowed down, and the editor's right password is still
    accepted after at most ``max_delay`` seconds.
    """

    free: int = 20
    step: float = 0.1
    max_delay: float = 2.0
    window: float = 900.0
    clock: Callable[[], float] = time.monotonic
    _times: deque[float] = field(default_factory=deque, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._times = deque(self._times, maxlen=self.free + math.ceil(self.max_delay / self.step) + 1)

    def delay(self) -> float:
        """Seconds to wait before checking a password (0 to ``max_delay``)."""
        with self._lock:
            now = self.clock()
            while self._times and self._times[0] <= now - self.window:
                self._times.popleft()
            return min(self.max_delay, max(0, len(self._times) - self.free) * self.step)

    def failure(self) -> None:
        with self._lock:
            self._times.append(self.clock())


def check_password(
    password: str,
    encoded: str | None,
    *,
    throttles: tuple[Throttle, ...],
    brake: Brake | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Grant the editor role or raise an :class:`AccessError` (French message).

    Raises :class:`EditingDisabledError` when nothing is configured,
    :class:`TooManyAttemptsError` while a throttle is locked (the password is not
    even checked), :class:`WrongPasswordError` on a wrong password (counted by every
    throttle and the brake). The brake only delays the check (``sleep``), by at most
    its ``max_delay``.
    """
    if not encoded:
        raise EditingDisabledError()
    parsed = PasswordHash.parse(encoded)
    for throttle in throttles:
        throttle.check()
    for throttle in throttles:
        throttle.begin()
    if brake is not None:
        pause = brake.delay()
        if pause > 0:
            sleep(pause)
    if not parsed.matches(password or ""):
        if brake is not None:
            brake.failure()
        raise WrongPasswordError()
    for throttle in throttles:
        throttle.success()


#: Failures of the editor account from every address together: beyond 100 in 15 minutes,
#: each failure locks every attempt for 2, 4 … seconds, 30 s at most. Addresses can be
#: forged where the proxy cannot be told from a local client (issue 23.8): this bounds a
#: brute force to about two guesses a minute; the editor may have to wait 30 s at a time.
ACCOUNT_FREE, ACCOUNT_CAP = 100, 30.0
ACCOUNT_KEY = "compte:editeur"


class LoginGuard:
    """The login throttling of a server: per client address, for the account, and the brake.

    ``shared(key, free=…, cap=…, fallback=…)``, when given, makes the throttle of a key kept
    in the shared database (:mod:`territorial.storage.throttles`), so that N server processes
    give an address, and the account, one budget; the process's own throttles are its fallback.
    """

    def __init__(
        self,
        *,
        clients: ClientThrottles | None = None,
        brake: Brake | None = None,
        account: Throttle | None = None,
        shared: Callable[..., object] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.clients = clients if clients is not None else ClientThrottles()
        self.brake = brake if brake is not None else Brake()
        self.account = account if account is not None else Throttle(free=ACCOUNT_FREE, cap=ACCOUNT_CAP)
        self.shared = shared
        self.sleep = sleep

    def throttles(self, client: str) -> tuple:
        """The address's throttle and the account's (shared between processes when possible)."""
        local = self.clients.get(client)
        if self.shared is None:
            return (local, self.account)
        return (
            self.shared(f"adresse:{client}", free=local.free, cap=local.cap, fallback=local),
            self.shared(ACCOUNT_KEY, free=self.account.free, cap=self.account.cap, fallback=self.account),
        )

    def check(self, password: str, encoded: str | None, *, client: str, session: Throttle) -> None:
        """:func:`check_password` with this session's throttle, the client's and the account's."""
        check_password(
            password, encoded, throttles=(session, *self.throttles(client)), brake=self.brake, sleep=self.sleep
        )


# --------------------------------------------------------------------------- client address

ENV_TRUSTED_PROXIES = "TERRITORIAL_TRUSTED_PROXIES"
TRUSTED_PROXIES_SECRET = "trusted_proxies"
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_Address = ipaddress.IPv4Address | ipaddress.IPv6Address
LOOPBACK = "127.0.0.1"
UNKNOWN_CLIENT = "inconnu"


#: Without a setting: a proxy on this machine (deploy/: nginx in front of instances that
#: listen on 127.0.0.1), whether the connection is seen as 127.0.0.1, ::1 or ::ffff:127.0.0.1.
DEFAULT_PROXIES = "127.0.0.1 ::1"


def trusted_proxies(value: object = None) -> tuple[_Network, ...]:
    """Parse the trusted proxies setting (addresses or networks, separated by commas or spaces).

    ``value`` is the secret ``trusted_proxies`` (a string or a list); when empty, the
    environment variable ``TERRITORIAL_TRUSTED_PROXIES``; when both are empty,
    :data:`DEFAULT_PROXIES` (``none`` trusts no proxy at all). Invalid entries are ignored
    (and logged). IPv4-mapped IPv6 entries (``::ffff:10.0.0.5``) count as IPv4.
    """
    if not value:
        value = os.environ.get(ENV_TRUSTED_PROXIES, "").strip() or DEFAULT_PROXIES
    if isinstance(value, str) and value.strip().lower() in ("none", "aucun"):
        return ()
    items = value if isinstance(value, list | tuple) else str(value).replace(",", " ").split()
    networks = []
    for item in items:
        try:
            network = ipaddress.ip_network(str(item).strip(), strict=False)
            if isinstance(network, ipaddress.IPv6Network) and network.network_address.ipv4_mapped is not None:
                mapped = network.network_address.ipv4_mapped
                network = ipaddress.ip_network(f"{mapped}/{max(0, network.prefixlen - 96)}", strict=False)
            networks.append(network)
        except ValueError:
            log.warning("Mandataire de confiance ignoré (adresse ou réseau invalide) : %r", item)
    return tuple(networks)


def _address(text: str | None) -> _Address | None:
    if text is None:
        return None
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":")[0]
    try:
        address = ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _key(address: _Address) -> str:
    # One IPv6 subscriber usually has a whole /64: count it as one client.
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def client_key(
    peer: str | None, headers: Mapping[str, str] | None = None, *, trusted: tuple[_Network, ...] = ()
) -> str:
    """The address a login attempt is counted against.

    ``peer`` is the address of the connection (Streamlit gives None for a local
    one). When the peer is one of the ``trusted`` proxies, the client is the
    rightmost address of ``X-Forwarded-For`` that is not itself a trusted proxy;
    otherwise the header is ignored (anyone can write it). IPv6 addresses count
    per /64 network.
    """
    address = _address(peer if peer is not None else LOOPBACK)
    if address is None:
        return UNKNOWN_CLIENT

    def is_trusted(candidate: _Address) -> bool:
        return any(candidate.version == net.version and candidate in net for net in trusted)

    values: list[str] = []
    if headers:
        if hasattr(headers, "get_all"):  # st.context.headers: the header may be repeated
            values = headers.get_all("X-Forwarded-For")
        else:
            values = [v for k, v in headers.items() if k.lower() == "x-forwarded-for"]
    if values and not is_trusted(address):
        _untrusted_header(_key(address))
    if is_trusted(address) and values:
        for hop in reversed([h for h in ",".join(values).split(",") if h.strip()]):
            hop_address = _address(hop)
            if hop_address is None:
                break  # garbage from the client side: keep the last trusted hop
            address = hop_address
            if not is_trusted(hop_address):
                break
    return _key(address)


_warned: OrderedDict[str, None] = OrderedDict()
_warned_lock = threading.Lock()


def _untrusted_header(peer: str) -> None:
    """Log, once per address (4 096 at most), a proxy header from a peer that is not trusted."""
    with _warned_lock:
        if peer in _warned:
            return
        _warned[peer] = None
        while len(_warned) > 4096:
            _warned.popitem(last=False)
    log.warning(
        "En-tête X-Forwarded-For reçu de %s, qui n'est pas un mandataire de confiance : il est ignoré. "
        "Si c'est votre mandataire (nginx…), déclarez-le dans %s (ou le secret %s).",
        peer,
        ENV_TRUSTED_PROXIES,
        TRUSTED_PROXIES_SECRET,
    )


def describe_proxies(networks: tuple[_Network, ...]) -> str:
    """The setting in effect, in French, for the log at start."""
    if not networks:
        return "Aucun mandataire de confiance : l'en-tête X-Forwarded-For est toujours ignoré."
    listed = ", ".join(str(n) for n in networks)
    return f"Mandataires de confiance : {listed} (l'adresse du visiteur est lue dans X-Forwarded-For derrière eux)."


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    """``python -m territorial.editing.access hash [--stdin]``: print the hash of a new password."""
    parser = argparse.ArgumentParser(
        prog="python -m territorial.editing.access", description="Outils du rôle d'éditeur."
    )
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
