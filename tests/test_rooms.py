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
from tests.postgres import BACKENDS

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


@pytest.fixture(params=BACKENDS)
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


# --------------------------------------------------------------------------- hostile participants


def join(store, code: str, *, client: str = "198.51.100.1", session: str | None = None, token: str | None = None):
    """One forged participant, as a script opening a fresh websocket per participant would be."""
    token = token or new_token()
    store.answer(code, token, LYON, question=LEVELS, levels=LEVELS_A, client=client, session=session or new_token())
    return token


def test_one_network_cannot_fill_the_room_but_sixty_people_behind_one_nat_join(url, clock) -> None:
    """Issue 23.1: 299 forged participants from one address in 24 s; now 60 a minute, 150 at most."""
    opened = RoomStore.open(url, clock=clock)
    room = opened.open_room()
    admitted = refused = 0
    for _ in range(100):  # a burst of fresh sessions from one address, within a few seconds
        try:
            join(opened, room.code, client="203.0.113.7")
            admitted += 1
        except RoomError as exc:
            assert "nouveaux participants depuis ce réseau dans la dernière minute" in str(exc)
            refused += 1
        clock.tick(0.2)
    assert (admitted, refused) == (60, 40)  # a room of 60 on one Wi-Fi: everyone is in
    join(opened, room.code, client="192.0.2.44")  # another network is not held back
    for _ in range(5):
        clock.tick(61)
        for _ in range(60):
            try:
                join(opened, room.code, client="203.0.113.7")
            except RoomError as exc:
                assert "Trop de participants depuis cet appareil ou ce réseau" in str(exc)
    assert opened.participants(room) == 150 + 1  # one address: half the room at most
    for i in range(149):
        join(opened, room.code, client=f"10.1.{i}.9")
    with pytest.raises(RoomError, match="La salle est complète : 300 participants au plus"):
        join(opened, room.code, client="10.2.0.1")
    opened.engine.dispose()


def test_one_browser_session_brings_few_participants(store) -> None:
    room = store.open_room()
    session = new_token()
    for _ in range(2):
        join(store, room.code, session=session)
    bigger = RoomStore(store.engine, clock=store.clock, create=False)
    for _ in range(1):
        join(bigger, room.code, session=session)
    with pytest.raises(RoomError, match="complète|Trop de participants"):
        join(bigger, room.code, session=session)


def test_a_reset_frees_the_room(store) -> None:
    room = store.open_room()
    for i in range(3):
        join(store, room.code, client=f"10.0.0.{i}")
    with pytest.raises(RoomError, match="complète"):
        join(store, room.code, client="10.0.0.9")
    room = store.reset(room.code)
    assert store.participants(room) == 0
    for i in range(3):
        join(store, room.code, client=f"10.0.1.{i}")
    assert len(store.answers(room, current_round=False)) == 6  # the first round stays in the export


def test_the_facilitator_sees_and_removes_a_burst(url, clock) -> None:
    opened = RoomStore.open(url, clock=clock)
    room = opened.open_room()
    honest = [join(opened, room.code, client=f"10.0.0.{i}") for i in range(5)]
    clock.tick(60)
    forged = [join(opened, room.code, client="203.0.113.7") for _ in range(30)]
    (burst,) = opened.bursts(room)
    assert set(burst.participants) == set(forged) and burst.network == 6
    assert opened.remove_participants(room.code, burst.participants) == 30
    assert opened.participants(room) == 5 and len(opened.snapshot(room.code)[1]) == 5
    assert set(opened.snapshot(room.code)[1]["participant"]) == set(honest)
    clock.tick(5)
    with pytest.raises(RoomError, match="retiré cette participation"):
        join(opened, room.code, client="203.0.113.7", token=forged[0])
    assert opened.bursts(room) == []
    opened.engine.dispose()


def test_wrong_codes_are_limited_per_network_and_session_across_processes(url, store, clock) -> None:
    """Issue 23.2: 76 guesses a second; now 10 unknown codes per session, 30 per network, in 10 min."""
    room = store.open_room()
    other = RoomStore.open(url, clock=clock)  # a second server process
    session = new_token()
    for i in range(10):
        with pytest.raises(RoomNotFoundError):
            (store if i % 2 else other).lookup(f"ZZZZ{CODE_PAIRS[i]}", client="203.0.113.7", session=session)
    with pytest.raises(rooms_module.TooManyGuessesError, match="Trop de codes de salle inconnus"):
        store.lookup(room.code, client="203.0.113.7", session=session)  # even the right one
    for i in range(20):  # new sessions from the same network
        with pytest.raises(RoomNotFoundError):
            other.lookup(f"YYYY{CODE_PAIRS[i]}", client="203.0.113.7", session=new_token())
    with pytest.raises(rooms_module.TooManyGuessesError):
        other.lookup(room.code, client="203.0.113.7", session=new_token())
    assert other.lookup(room.code, client="192.0.2.1", session=new_token()) == room  # another network
    clock.tick(store.limits.guess_window.total_seconds() + 1)
    assert store.joinable(room.code, client="203.0.113.7", session=session) == room
    other.engine.dispose()


CODE_PAIRS = [a + b for a in "ABCDE" for b in "23456"]


def test_limits_hold_under_concurrent_joins_and_openings(url, clock) -> None:
    """Issue 23.3: 302 participants for 300 and 21 rooms for 20 on PostgreSQL; checked in the transaction."""
    import threading

    opened = RoomStore.open(url, clock=clock)
    room = opened.open_room()
    for i in range(270):
        join(opened, room.code, client=f"10.3.{i}.1")
    outcomes: list[str] = []
    start = threading.Barrier(60)

    def one(i: int) -> None:
        start.wait()
        try:
            join(opened, room.code, client=f"10.4.{i}.1")
            outcomes.append("in")
        except RoomError as exc:
            outcomes.append(str(exc)[:25])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert outcomes.count("in") == 30 and opened.participants(room) == 300
    assert len(opened.snapshot(room.code)[1]) == 300

    rooms_at_once = RoomStore(opened.engine, clock=clock, limits=Limits(open_rooms=5), create=False)
    gate = threading.Barrier(12)
    made: list[str] = []

    def open_one() -> None:
        gate.wait()
        try:
            made.append(rooms_at_once.open_room().code)
        except RoomError:
            pass

    threads = [threading.Thread(target=open_one) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(made) == 4  # 1 already open + 4 = 5
    opened.engine.dispose()


def test_a_participant_name_loses_its_bidi_controls(store) -> None:
    room = store.open_room()
    token = new_token()
    store.answer(
        room.code, token, Territory(None, "autre", "Ville\u202e enidroc\u2066", "S1"), question=LEVELS, levels=LEVELS_A
    )
    assert store.last_territory(store.get(room.code), token).name == "Ville enidroc"


def test_no_answer_is_lost_when_two_processes_take_many_at_once(url, clock) -> None:
    """Issue 25: 60 phones from 3 networks answer at once through two server processes (two
    stores, two pools), some change their answer; each one is counted once, none lost."""
    import threading

    first = RoomStore.open(url, clock=clock)
    second = RoomStore.open(url, clock=clock, create=False)
    room = first.open_room()
    tokens = [new_token() for _ in range(60)]
    start, failures = threading.Barrier(60), []

    def phone(i: int) -> None:
        store = (first, second)[i % 2]
        start.wait()
        try:
            levels = {**LEVELS_A, "L1": i % 4}
            store.answer(room.code, tokens[i], LYON, question=LEVELS, levels=levels, client=f"10.5.{i % 3}.1")
        except RoomError as exc:
            failures.append(f"{i}: {exc}")

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == []
    clock.tick(3)  # past the 2 s between two answers of one participant
    for i in range(0, 60, 10):  # six change their mind, through the other process
        (second, first)[i % 2].answer(room.code, tokens[i], LYON, question=LEVELS, levels={**LEVELS_A, "L1": 3})
    answers = first.snapshot(room.code)[1]
    assert sorted(answers["participant"]) == sorted(tokens)  # each once: none lost, none doubled
    assert first.participants(room) == 60
    assert [lv["L1"] for lv in answers.set_index("participant").loc[tokens, "levels"]] == [
        3 if i % 10 == 0 else i % 4 for i in range(60)
    ]
    assert answers.set_index("participant").loc[tokens[10], "changes"] == 2
    for store in (first, second):
        store.engine.dispose()
