"""The process-wide memo shared by every session (territorial/core/memo.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time

import pytest

from territorial.core.memo import shared


def test_underscore_parameters_are_not_part_of_the_key():
    calls = []

    @shared(max_entries=8)
    def view(_programme, token, mode="segment"):
        calls.append((_programme, token, mode))
        return f"{_programme}-{token}-{mode}"

    assert view("a", 1) == "a-1-segment"
    assert view("b", 1) == "a-1-segment"  # same token: the programme object is not looked at
    assert view("a", 1, mode="segment") == "a-1-segment"  # a default given by name is the same key
    assert view("a", 2, "L1") == "a-2-L1"
    assert calls == [("a", 1, "segment"), ("a", 2, "L1")]
    assert view.has("z", 2, "L1") and not view.has("z", 3)


def test_a_value_is_computed_once_when_many_threads_ask_at_once():
    calls = []
    start = threading.Barrier(8)

    @shared(max_entries=4)
    def slow(key):
        calls.append(key)
        time.sleep(0.05)  # what is tested: a slow computation, so that the eight threads ask while it runs
        return object()

    got = []

    def ask():
        start.wait()
        got.append(slow("carte"))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["carte"]
    assert len(got) == 8 and all(value is got[0] for value in got)


def test_least_recently_used_entries_go_first():
    calls = []

    @shared(max_entries=2)
    def square(n):
        calls.append(n)
        return n * n

    square(1), square(2), square(1), square(3)  # 2 is the least recently used when 3 comes
    assert (square.has(1), square.has(2), square.has(3)) == (True, False, True)
    assert square(2) == 4 and calls == [1, 2, 3, 2]


def test_a_failure_is_not_kept_and_clear_forgets():
    attempts = []

    @shared()
    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("base indisponible")
        return len(attempts)

    with pytest.raises(OSError):
        flaky()
    assert flaky() == 2 and flaky() == 2
    flaky.clear()
    assert flaky() == 3


def test_a_programme_is_keyed_by_its_fingerprint(demo):
    same = (demo, dataclasses.replace(demo))  # two objects, one content
    other = demo.at(dt.date(2024, 6, 30))  # another content (its date and its situation)
    assert same[0] is not same[1] and same[0].fingerprint == same[1].fingerprint != other.fingerprint
    calls = []

    @shared(max_entries=8)
    def regions(programme, *, limit=2):
        calls.append(programme)
        return sorted(programme.territories["region"].unique())[:limit]

    first = regions(same[0])
    assert regions(same[1]) is first  # another object, the same content: the same entry
    assert calls == [same[0]]
    assert regions(other) == sorted(other.territories["region"].unique())[:2]
    assert calls == [same[0], other]  # another content: its own entry
    assert regions(same[1], limit=1) == first[:1] and len(calls) == 3  # keyword-only arguments are keyed
    assert regions.has(same[1]) and regions.has(other, limit=1) is False
