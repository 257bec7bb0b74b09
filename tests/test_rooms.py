"""Live workshop rooms in the database (SQLite and PostgreSQL): lifecycle, answers, limits, expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from territorial.storage import rooms as rooms_module
from territorial.storage import store as store_module
from territorial.storage.rooms import (
    LEVELS,
    PRIORITY,
    Limits,
    RoomClosedError,
    RoomError,
    RoomNotFoundError,
    RoomStore,
    Territory,
    new_token,
    normalise_code,
)
from territorial.storage.store import Store

LYON = Territory("200046977", "epci", "Métropole de Lyon", "S4")
OTHER = Territory(None, "autre", "Communauté de test", "S1")
LEVELS_A = {"L1": 1, "L2": 2, "L3": 0, "L4": 3}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'programme.sqlite'}"
    found = request.getfixturevalue("postgres_database")
    engine = sa.create_engine(found)
    rooms_module.rooms_metadata.drop_all(engine)
    engine.dispose()
    return found


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(url, clock):
    opened = RoomStore.open(url, clock=clock, limits=Limits(participants=3, changes=3))
    yield opened
    opened.engine.dispose()


def test_only_the_rooms_tables_are_created(url, clock) -> None:
    """The programme's own tables are neither created nor changed here (the lead migrates them)."""
    opened = RoomStore.open(url, clock=clock)
    names = set(sa.inspect(opened.engine).get_table_names())
    assert {"rooms", "room_answers"} <= names
    assert not {t.name for t in store_module.metadata.sorted_tables} & names
    programme = Store.open(url)  # and the programme's store opens beside them
    assert {t.name for t in store_module.metadata.sorted_tables} <= set(sa.inspect(programme.engine).get_table_names())
    programme.close()
    opened.engine.dispose()


def test_lifecycle(store, clock) -> None:
    room = store.open_room(programme_version=3)
    assert normalise_code(room.code) == room.code and len(room.code) == 6
    assert (room.question, room.question_open, room.results_visible, room.round) == (LEVELS, True, True, 1)
    assert room.programme_version == 3 and room.status(clock()) == "ouverte"
    assert store.get(room.code.lower()) == room  # typed in lower case, with spaces: the same room
    assert store.get(" " + room.code[:3] + " " + room.code[3:]) == room

    store.answer(room.code, new_token(), LYON, question=LEVELS, levels=LEVELS_A)
    assert store.set_question_open(room.code, False).question_open is False
    with pytest.raises(RoomClosedError, match="close"):
        store.answer(room.code, new_token(), LYON, question=LEVELS, levels=LEVELS_A)
    room = store.next_question(room.code)
    assert (room.question, room.question_open) == (PRIORITY, True)
    with pytest.raises(RoomError, match="dernière question"):
        store.next_question(room.code)
    assert store.set_results_visible(room.code, False).results_visible is False
    store.answer(room.code, new_token(), LYON, question=PRIORITY, priority="L3")
    _, current = store.snapshot(room.code)
    assert list(current["priority"]) == ["L3"]

    room = store.reset(room.code)  # a new round: counts from zero, earlier answers kept
    assert (room.round, room.question) == (2, LEVELS)
    assert store.snapshot(room.code)[1].empty
    assert len(store.answers(room, current_round=False)) == 2

    clock.tick(60)
    closed = store.close_room(room.code)
    assert closed.closed_at == clock() and closed.status(clock()) == "fermée"
    with pytest.raises(RoomClosedError, match="fermée"):
        store.joinable(room.code)
    with pytest.raises(RoomClosedError):
        store.next_question(room.code)
    assert [r.code for r in store.rooms()] == [room.code]  # kept as a dated record
    assert store.counts()[room.id] == (2, 2)


def test_unknown_and_malformed_codes(store) -> None:
    with pytest.raises(RoomNotFoundError, match="Aucune salle ne porte le code « ZZZZZZ »"):
        store.get("ZZZZZZ")
    for bad in ("", "abc", "<script>", "A" * 500, "0O1IL0"):
        with pytest.raises(RoomNotFoundError, match="Aucune salle"):
            store.get(bad)


def test_an_answer_changes_instead_of_adding_one(store, clock) -> None:
    room = store.open_room()
    me = new_token()
    first = store.answer(room.code, me, LYON, question=LEVELS, levels=LEVELS_A)
    clock.tick(1)
    with pytest.raises(RoomError, match="attendez 2 secondes"):  # answer rate
        store.answer(room.code, me, LYON, question=LEVELS, levels={**LEVELS_A, "L1": 3})
    clock.tick(2)
    second = store.answer(room.code, me, OTHER, question=LEVELS, levels={**LEVELS_A, "L1": 3})
    assert (second.changes, second.first_at, second.updated_at) == (2, first.first_at, clock())
    answers = store.answers(room, question=LEVELS)
    assert len(answers) == 1  # one current answer per participant and question
    assert answers.iloc[0]["levels"]["L1"] == 3 and answers.iloc[0]["territory_name"] == "Communauté de test"
    clock.tick(3)
    store.answer(room.code, me, OTHER, question=LEVELS, levels=LEVELS_A)
    clock.tick(3)
    with pytest.raises(RoomError, match="modifié cette réponse 3 fois"):
        store.answer(room.code, me, OTHER, question=LEVELS, levels=LEVELS_A)
    assert store.participant_answer(room, me).changes == 3
    assert store.last_territory(room, me) == OTHER


def test_a_second_process_sees_the_same_room(url, store, clock) -> None:
    """Two server processes (two engines on one database): same room, same answers, no double count."""
    other = RoomStore.open(url, clock=clock)
    room = store.open_room()
    me = new_token()
    store.answer(room.code, me, LYON, question=LEVELS, levels=LEVELS_A)
    clock.tick(5)
    other.answer(room.code, me, LYON, question=LEVELS, levels={**LEVELS_A, "L2": 0})
    store.set_question_open(room.code, False)
    seen, answers = other.snapshot(room.code)
    assert seen.question_open is False
    assert len(answers) == 1 and answers.iloc[0]["levels"]["L2"] == 0 and answers.iloc[0]["changes"] == 2
    other.engine.dispose()


def test_bad_answers_are_refused_in_french(store) -> None:
    room = store.open_room()
    with pytest.raises(RoomError, match="Identifiant de participant invalide"):
        store.answer(room.code, "pas-un-jeton", LYON, question=LEVELS, levels=LEVELS_A)
    with pytest.raises(RoomError, match="choisissez un niveau"):
        store.answer(room.code, new_token(), LYON, question=LEVELS, levels={})
    with pytest.raises(RoomError, match="levier à renforcer"):
        store.answer(room.code, new_token(), LYON, question=PRIORITY)
    with pytest.raises(RoomError, match="trop long .81 caractères. : 80 au plus"):
        store.answer(room.code, new_token(), Territory(None, "autre", "x" * 81, "S1"), question=LEVELS, levels=LEVELS_A)
    with pytest.raises(RoomError, match="caractères de contrôle"):
        store.answer(room.code, new_token(), Territory(None, "autre", "a\x1bb", "S1"), question=LEVELS, levels=LEVELS_A)
    with pytest.raises(RoomError, match="taille de votre territoire"):
        store.answer(room.code, new_token(), Territory(None, "autre", "", ""), question=LEVELS, levels=LEVELS_A)
    with pytest.raises(RoomClosedError, match="autre question"):  # the facilitator moved on meanwhile
        store.answer(room.code, new_token(), LYON, question=PRIORITY, priority="L1")
    assert store.answers(room).empty


def test_room_size_is_limited(store) -> None:
    room = store.open_room()
    people = [new_token() for _ in range(3)]
    for token in people:
        store.answer(room.code, token, LYON, question=LEVELS, levels=LEVELS_A)
    with pytest.raises(RoomError, match="La salle est complète : 3 participants au plus"):
        store.answer(room.code, new_token(), LYON, question=LEVELS, levels=LEVELS_A)
    store.next_question(room.code)  # those already in the room still answer
    store.answer(room.code, people[0], LYON, question=PRIORITY, priority="L2")


def test_a_room_expires(store, clock) -> None:
    room = store.open_room()
    clock.tick(store.limits.lifetime.total_seconds() - 1)
    store.answer(room.code, new_token(), LYON, question=LEVELS, levels=LEVELS_A)
    clock.tick(1)
    assert store.get(room.code).status(clock()) == "expirée"
    with pytest.raises(RoomClosedError, match="a expiré .* 4 heures au plus"):
        store.answer(room.code, new_token(), LYON, question=LEVELS, levels=LEVELS_A)
    with pytest.raises(RoomClosedError, match="expirée"):
        store.set_question_open(room.code, False)
    assert len(store.answers(room)) == 1  # its answers stay


def test_two_rooms_stay_separate(store, clock) -> None:
    first, second = store.open_room(), store.open_room()
    assert first.code != second.code
    me = new_token()
    store.answer(first.code, me, LYON, question=LEVELS, levels=LEVELS_A)
    store.answer(second.code, me, OTHER, question=LEVELS, levels={**LEVELS_A, "L4": 0})  # same token, other room
    store.next_question(second.code)
    assert store.get(first.code).question == LEVELS
    assert list(store.snapshot(first.code)[1]["territory_code"]) == ["200046977"]
    assert store.snapshot(second.code)[1].empty
    assert store.answers(store.get(second.code), question=LEVELS).iloc[0]["levels"]["L4"] == 0
    store.close_room(first.code)
    assert store.joinable(second.code).code == second.code


def test_open_rooms_are_limited(url, clock) -> None:
    opened = RoomStore.open(url, clock=clock, limits=Limits(open_rooms=2))
    a = opened.open_room()
    opened.open_room()
    with pytest.raises(RoomError, match="Déjà 2 salles ouvertes"):
        opened.open_room()
    opened.close_room(a.code)
    opened.open_room()
    opened.engine.dispose()


def test_an_unreachable_database_is_a_french_error(tmp_path) -> None:
    opened = RoomStore.open(f"sqlite:///{tmp_path / 'x.sqlite'}")
    opened.engine.dispose()
    (tmp_path / "x.sqlite").write_bytes(b"not a database" * 100)
    with pytest.raises(rooms_module.RoomUnavailableError, match="momentanément inaccessibles"):
        opened.rooms()
