"""The editor role: password hash, refusal, throttling of repeated failures, CLI."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest

from territorial.editing import access
from territorial.editing.access import (
    BadHashError,
    Brake,
    ClientThrottles,
    EditingDisabledError,
    LoginGuard,
    PasswordHash,
    Throttle,
    TooManyAttemptsError,
    WrongPasswordError,
    check_password,
    client_key,
    configured_hash,
    hash_password,
    trusted_proxies,
)
from tests.postgres import BACKENDS

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct cheval batterie agrafe"


@pytest.fixture(scope="module")
def encoded() -> str:
    return hash_password(PASSWORD)


@pytest.fixture(scope="module")
def cheap() -> str:
    """A hash of PASSWORD that is fast to check (thousands of attempts)."""
    return hash_password(PASSWORD, n=2**4)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_hash_format(encoded):
    scheme, n, r, p, salt, key = encoded.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(key)) == 32
    assert PASSWORD not in encoded
    assert hash_password(PASSWORD) != encoded  # a new salt every time


def test_verify(encoded):
    assert PasswordHash.parse(encoded).matches(PASSWORD)
    assert not PasswordHash.parse(encoded).matches(PASSWORD + " ")
    assert not PasswordHash.parse(encoded).matches("")
    fixed = hash_password("abc", salt=b"0123456789abcdef", n=2**4)
    assert fixed == hash_password("abc", salt=b"0123456789abcdef", n=2**4)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "motdepasse",
        "bcrypt$1$2$3$4$5",
        "scrypt$16384$8$1$!!!$AAAA",
        "scrypt$1000$8$1$MDEyMzQ1Njc4OWFiY2RlZg==$" + "A" * 44,
        "scrypt$16384$8$1$AAAA$" + "A" * 44,
    ],
)
def test_malformed_hash_is_refused_in_french(bad):
    with pytest.raises(BadHashError, match="L'empreinte du mot de passe d'éditeur configurée est invalide"):
        PasswordHash.parse(bad)


def test_no_configuration_disables_editing():
    with pytest.raises(EditingDisabledError) as info:
        check_password(PASSWORD, None, throttles=())
    assert isinstance(info.value, PermissionError)
    assert str(info.value) == access.EDITING_DISABLED_TEXT
    assert "python -m territorial.editing.access hash" in access.EDITING_DISABLED_TEXT
    assert "editor_password_hash" in access.EDITING_DISABLED_TEXT
    assert "TERRITORIAL_EDITOR_PASSWORD_HASH" in access.EDITING_DISABLED_TEXT


def test_wrong_password_is_refused(encoded):
    throttle = Throttle()
    with pytest.raises(WrongPasswordError, match="^Mot de passe incorrect.$"):
        check_password("mauvais", encoded, throttles=(throttle,))
    assert throttle.failures == 1
    check_password(PASSWORD, encoded, throttles=(throttle,))
    assert throttle.failures == 0


def test_repeated_failures_are_slowed_down_exponentially(encoded):
    clock = Clock()
    throttle = Throttle(free=3, cap=300, clock=clock)
    for _ in range(3):
        with pytest.raises(WrongPasswordError):
            check_password("x", encoded, throttles=(throttle,))
    assert throttle.wait() == 0  # three free attempts
    with pytest.raises(WrongPasswordError):
        check_password("x", encoded, throttles=(throttle,))
    assert throttle.wait() == 2
    # while locked, even the right password is refused, without being checked
    with pytest.raises(TooManyAttemptsError) as info:
        check_password(PASSWORD, encoded, throttles=(throttle,))
    assert str(info.value) == "Trop de tentatives, réessayez dans 2 s."
    assert throttle.failures == 4
    delays = []
    for _ in range(8):
        clock.now += throttle.wait()
        with pytest.raises(WrongPasswordError):
            check_password("x", encoded, throttles=(throttle,))
        delays.append(throttle.wait())
    assert delays == [4, 8, 16, 32, 64, 128, 256, 300]
    clock.now += 299.5
    with pytest.raises(TooManyAttemptsError, match="réessayez dans 1 s"):
        check_password(PASSWORD, encoded, throttles=(throttle,))
    clock.now += 1
    check_password(PASSWORD, encoded, throttles=(throttle,))
    assert (throttle.failures, throttle.wait()) == (0, 0)


def test_every_throttle_counts(encoded):
    clock = Clock()
    session, process = Throttle(free=3, clock=clock), Throttle(free=1, clock=clock)
    with pytest.raises(WrongPasswordError):
        check_password("x", encoded, throttles=(session, process))
    with pytest.raises(WrongPasswordError):
        check_password("x", encoded, throttles=(session, process))
    assert (session.wait(), process.wait()) == (0, 2)
    with pytest.raises(TooManyAttemptsError):
        check_password(PASSWORD, encoded, throttles=(Throttle(clock=clock), process))


def test_failures_are_forgotten_after_the_window(encoded):
    clock = Clock()
    throttle = Throttle(free=3, cap=300, window=900, clock=clock)
    for _ in range(4):
        with pytest.raises(WrongPasswordError):
            check_password("x", encoded, throttles=(throttle,))
    assert (throttle.failures, throttle.wait()) == (4, 2)
    clock.now += 600
    with pytest.raises(WrongPasswordError):
        check_password("x", encoded, throttles=(throttle,))
    assert (throttle.failures, throttle.wait()) == (5, 4)  # still in the window: the delay grows
    clock.now += 301  # the first four are older than 15 minutes
    assert throttle.failures == 1
    for _ in range(2):
        with pytest.raises(WrongPasswordError):
            check_password("x", encoded, throttles=(throttle,))
    assert (throttle.failures, throttle.wait()) == (3, 0)  # free again
    clock.now += 901
    assert throttle.expired()


def test_an_attempt_is_counted_when_it_starts():
    """Parallel attempts cannot all pass the check before the first one fails."""
    clock = Clock()
    throttle = Throttle(free=3, clock=clock)
    for _ in range(4):
        throttle.begin()  # four attempts in flight, none finished
    with pytest.raises(TooManyAttemptsError, match="réessayez dans 2 s"):
        throttle.begin()
    throttle.success()
    assert (throttle.failures, throttle.wait()) == (0, 0)


def _guard(clock: Clock, sleeps: list[float], **clients) -> LoginGuard:
    return LoginGuard(
        clients=ClientThrottles(clock=clock, **clients),
        brake=Brake(clock=clock),
        account=Throttle(free=access.ACCOUNT_FREE, cap=access.ACCOUNT_CAP, clock=clock),
        sleep=sleeps.append,
    )


def test_a_client_locked_out_does_not_lock_out_another(cheap):
    clock, sleeps = Clock(), []
    guard = _guard(clock, sleeps)
    attacker = client_key("203.0.113.7")
    for _ in range(40):  # new session each time, as a script would do
        try:
            guard.check("x", cheap, client=attacker, session=Throttle(clock=clock))
        except (WrongPasswordError, TooManyAttemptsError):
            pass
        clock.now += 1
    assert guard.clients.get(attacker).wait() > 0
    with pytest.raises(TooManyAttemptsError):
        guard.check(PASSWORD, cheap, client=attacker, session=Throttle(clock=clock))
    # the editor, elsewhere, logs in at once
    sleeps.clear()
    guard.check(PASSWORD, cheap, client=client_key("198.51.100.20"), session=Throttle(clock=clock))
    assert sleeps == []  # the attacker's few counted failures do not even slow the editor


def test_a_crowd_of_addresses_only_delays_the_right_password_briefly(cheap):
    clock, sleeps = Clock(), []
    guard = _guard(clock, sleeps, max_clients=100)
    for i in range(90):  # one wrong password from each of 90 addresses (the account's budget is 100)
        with pytest.raises(WrongPasswordError):
            guard.check("x", cheap, client=client_key(f"10.{i // 250}.{i % 250}.1"), session=Throttle(clock=clock))
        clock.now += 0.2
    sleeps.clear()
    guard.check(PASSWORD, cheap, client=client_key("198.51.100.20"), session=Throttle(clock=clock))
    assert sleeps == [guard.brake.max_delay] == [2.0]  # accepted after a short, bounded delay
    assert len(guard.clients) <= 100
    clock.now += 901  # and the crowd is forgotten
    sleeps.clear()
    guard.check(PASSWORD, cheap, client=client_key("198.51.100.20"), session=Throttle(clock=clock))
    assert sleeps == []


def test_the_client_table_is_bounded_and_drops_expired_clients_first():
    clock = Clock()
    table = ClientThrottles(max_clients=3, window=60, clock=clock)
    table.get("a").failure()
    clock.now += 100  # a's failure expires
    table.get("b").failure()
    table.get("c").failure()
    table.get("b")  # b used again: c is now the least recently used
    table.get("d").failure()
    assert ("a" in table, "b" in table, "c" in table, "d" in table) == (False, True, True, True)
    table.get("e")  # nothing expired: the least recently used goes
    assert [k for k in "abcde" if k in table] == ["b", "d", "e"]


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        (None, None, "", "127.0.0.1"),  # Streamlit gives None for a local connection
        ("203.0.113.7", None, "", "203.0.113.7"),
        ("203.0.113.7:51234", None, "", "203.0.113.7"),
        # a header written by the client itself is ignored without a trusted proxy
        ("203.0.113.7", "198.51.100.1", "", "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", "10.0.0.5", "203.0.113.7"),
        # behind a trusted proxy: the rightmost address that is not a trusted proxy
        ("10.0.0.5", "198.51.100.1", "10.0.0.5", "198.51.100.1"),
        ("10.0.0.5", "1.2.3.4, 198.51.100.1, 10.0.0.9", "10.0.0.0/24", "198.51.100.1"),
        (None, "198.51.100.1", "127.0.0.1", "198.51.100.1"),
        ("10.0.0.5", "<script>, 198.51.100.1", "10.0.0.5", "198.51.100.1"),
        ("10.0.0.5", "198.51.100.1, n'importe quoi", "10.0.0.5", "10.0.0.5"),
        ("10.0.0.5", "", "10.0.0.5", "10.0.0.5"),
        # IPv6: one subscriber has a /64
        ("2001:db8:1:2:aaaa::1", None, "", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", None, "", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", None, "", "203.0.113.7"),
        ("pas une adresse", None, "", "inconnu"),
    ],
)
def test_client_key(peer, forwarded, trusted, expected):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    networks = trusted_proxies(trusted.split()) if trusted else ()
    assert client_key(peer, headers, trusted=networks) == expected


def test_client_key_reads_every_forwarded_header():
    from streamlit.runtime.context import StreamlitHeaders

    headers = StreamlitHeaders([("x-forwarded-for", "1.2.3.4"), ("X-Forwarded-For", "198.51.100.1, 10.0.0.9")])
    assert client_key("10.0.0.5", headers, trusted=trusted_proxies("10.0.0.0/24")) == "198.51.100.1"


def test_trusted_proxies_setting(monkeypatch):
    monkeypatch.delenv(access.ENV_TRUSTED_PROXIES, raising=False)
    assert [str(n) for n in trusted_proxies(None)] == ["127.0.0.1/32", "::1/128"]  # nginx on this machine
    assert trusted_proxies("none") == ()
    assert [str(n) for n in trusted_proxies("::ffff:10.0.0.5")] == ["10.0.0.5/32"]
    monkeypatch.setenv(access.ENV_TRUSTED_PROXIES, "10.0.0.5, 192.168.0.0/16 pas-une-adresse ::1")
    assert [str(n) for n in trusted_proxies(None)] == ["10.0.0.5/32", "192.168.0.0/16", "::1/128"]
    assert [str(n) for n in trusted_proxies(["172.16.0.1"])] == ["172.16.0.1/32"]  # the secret wins


def test_configured_hash_prefers_the_secret(monkeypatch):
    monkeypatch.setenv(access.ENV_HASH, "depuis-env")
    assert configured_hash({"editor_password_hash": "depuis-secret"}) == "depuis-secret"
    assert configured_hash({}) == "depuis-env"
    assert configured_hash(None) == "depuis-env"
    monkeypatch.delenv(access.ENV_HASH)
    assert configured_hash({"editor_password_hash": "  "}) is None
    assert configured_hash(None) is None


def _cli(*args: str, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "territorial.editing.access", *args],
        input=stdin,
        text=True,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )


def test_cli_prints_a_hash_that_verifies():
    done = _cli("hash", "--stdin", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip()
    assert line.startswith("scrypt$16384$8$1$")
    assert PasswordHash.parse(line).matches(PASSWORD)
    assert not PasswordHash.parse(line).matches("autre chose")


def test_cli_refuses_a_short_password():
    done = _cli("hash", "--stdin", stdin="court\n")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Mot de passe trop court : au moins 10 caractères." in done.stderr


# --------------------------------------------------------------------------- issue 23, points 7 to 9


def test_behind_nginx_on_an_ipv6_socket_visitors_keep_their_own_address(cheap):
    """Issue 23.7: an instance listening on « :: » sees nginx as ::ffff:127.0.0.1; every visitor
    shared that key, and six failures locked the editor out."""
    trusted = trusted_proxies(None)
    attacker = client_key("::ffff:127.0.0.1", {"X-Forwarded-For": "203.0.113.7"}, trusted=trusted)
    editor = client_key("::ffff:127.0.0.1", {"X-Forwarded-For": "198.51.100.20"}, trusted=trusted)
    assert (attacker, editor) == ("203.0.113.7", "198.51.100.20")
    clock, sleeps = Clock(), []
    guard = _guard(clock, sleeps)
    for _ in range(12):
        try:
            guard.check("x", cheap, client=attacker, session=Throttle(clock=clock))
        except (WrongPasswordError, TooManyAttemptsError):
            pass
    guard.check(PASSWORD, cheap, client=editor, session=Throttle(clock=clock))  # not locked out


def test_a_proxy_header_from_an_untrusted_address_is_ignored_and_logged(caplog):
    with caplog.at_level("WARNING", logger="territorial.editing.access"):
        assert client_key("203.0.113.50", {"X-Forwarded-For": "10.9.9.9"}, trusted=trusted_proxies(None)) == (
            "203.0.113.50"
        )
    assert any("n'est pas un mandataire de confiance" in r.getMessage() for r in caplog.records)


def test_forged_addresses_are_bounded_by_the_account(cheap):
    """Issue 23.8: an instance reached directly from the machine believes X-Forwarded-For; twelve
    failures, each with another forged address, were never throttled. The account bounds them."""
    clock, sleeps = Clock(), []
    guard = _guard(clock, sleeps)
    refused = 0
    for i in range(130):  # a new forged address each time
        forged = client_key(None, {"X-Forwarded-For": f"10.{i // 250}.{i % 250}.7"}, trusted=trusted_proxies(None))
        try:
            guard.check("x", cheap, client=forged, session=Throttle(clock=clock))
        except TooManyAttemptsError:
            refused += 1
        except WrongPasswordError:
            pass
        clock.now += 0.5
    assert refused > 0 and guard.account.failures > access.ACCOUNT_FREE
    clock.now += access.ACCOUNT_CAP  # the editor waits 30 s at most
    guard.check(PASSWORD, cheap, client=client_key("198.51.100.20"), session=Throttle(clock=clock))


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    import sqlalchemy as sa

    from territorial.storage import throttles
    from territorial.storage.store import make_engine

    url = (
        f"sqlite:///{tmp_path / 'programme.sqlite'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_database")
    )
    engine = make_engine(url)
    throttles.throttles_metadata.drop_all(engine)
    assert throttles.create_tables(engine)
    yield engine
    engine.dispose()
    del sa


def test_two_processes_share_one_budget(cheap, database):
    """Issue 23.9: through nginx with two instances, an address had the budget of each."""
    import functools

    from territorial.storage.throttles import SharedThrottle

    clock = Clock()
    shared = functools.partial(SharedThrottle, database, clock=clock)
    first, second = (LoginGuard(shared=shared, brake=Brake(clock=clock), sleep=lambda _s: None) for _ in range(2))
    attacker = client_key("203.0.113.7")
    outcomes = []
    for i in range(8):  # alternating between the two instances, a new session each time
        guard = (first, second)[i % 2]
        try:
            guard.check("x", cheap, client=attacker, session=Throttle(clock=clock))
            outcomes.append("ok")
        except WrongPasswordError:
            outcomes.append("faux")
        except TooManyAttemptsError:
            outcomes.append("attendre")
        clock.now += 1
    assert outcomes == ["faux"] * 5 + ["faux", "attendre", "faux"]  # 2 s after the 6th, one budget
    with pytest.raises(TooManyAttemptsError):
        second.check(PASSWORD, cheap, client=attacker, session=Throttle(clock=clock))
    first.check(PASSWORD, cheap, client=client_key("198.51.100.20"), session=Throttle(clock=clock))
    clock.now += 901
    second.check(PASSWORD, cheap, client=attacker, session=Throttle(clock=clock))  # forgotten after 15 min
