"""The editor role: password hash, refusal, throttling of repeated failures, CLI."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest

from territorial import access
from territorial.access import (
    BadHashError,
    EditingDisabledError,
    PasswordHash,
    Throttle,
    TooManyAttemptsError,
    WrongPasswordError,
    check_password,
    configured_hash,
    hash_password,
    verify_password,
)

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct cheval batterie agrafe"


@pytest.fixture(scope="module")
def encoded() -> str:
    return hash_password(PASSWORD)


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
    assert verify_password(PASSWORD, encoded)
    assert not verify_password(PASSWORD + " ", encoded)
    assert not verify_password("", encoded)
    fixed = hash_password("abc", salt=b"0123456789abcdef", n=2**4)
    assert fixed == hash_password("abc", salt=b"0123456789abcdef", n=2**4)


@pytest.mark.parametrize("bad", ["", "motdepasse", "bcrypt$1$2$3$4$5", "scrypt$16384$8$1$!!!$AAAA",
                                 "scrypt$1000$8$1$MDEyMzQ1Njc4OWFiY2RlZg==$" + "A" * 44,
                                 "scrypt$16384$8$1$AAAA$" + "A" * 44])
def test_malformed_hash_is_refused_in_french(bad):
    with pytest.raises(BadHashError, match="L'empreinte du mot de passe d'éditeur configurée est invalide"):
        PasswordHash.parse(bad)


def test_no_configuration_disables_editing():
    with pytest.raises(EditingDisabledError) as info:
        check_password(PASSWORD, None, throttles=())
    assert isinstance(info.value, PermissionError)
    assert str(info.value) == access.EDITING_DISABLED_TEXT
    assert "python -m territorial.access hash" in access.EDITING_DISABLED_TEXT
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


def test_configured_hash_prefers_the_secret(monkeypatch):
    monkeypatch.setenv(access.ENV_HASH, "depuis-env")
    assert configured_hash({"editor_password_hash": "depuis-secret"}) == "depuis-secret"
    assert configured_hash({}) == "depuis-env"
    assert configured_hash(None) == "depuis-env"
    monkeypatch.delenv(access.ENV_HASH)
    assert configured_hash({"editor_password_hash": "  "}) is None
    assert configured_hash(None) is None


def _cli(*args: str, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "territorial.access", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, timeout=60)


def test_cli_prints_a_hash_that_verifies():
    done = _cli("hash", "--stdin", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip()
    assert line.startswith("scrypt$16384$8$1$")
    assert verify_password(PASSWORD, line)
    assert not verify_password("autre chose", line)


def test_cli_refuses_a_short_password():
    done = _cli("hash", "--stdin", stdin="court\n")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Mot de passe trop court : au moins 10 caractères." in done.stderr
