"""Live workshop room, without Streamlit: results, comparison by segment, proposals, address, export."""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from openpyxl import load_workbook

from territorial.content import live_room
from territorial.content.live_room import participation_address, participation_url
from territorial.storage.rooms import LEVELS, OTHER, PRIORITY, RoomError, RoomStore, Territory, new_token
from territorial.takeaways import room_exports

LYON, PARIS_CODE = "200046977", "04116"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=3)  # every call moves on: no answer is « too fast »
        return self.now


@pytest.fixture
def store(tmp_path) -> RoomStore:
    return RoomStore.open(f"sqlite:///{tmp_path / 'p.sqlite'}", clock=Clock())


def _territory(demo, code: str | None, segment: str = "S1", name: str = "") -> Territory:
    if code is None:
        return live_room.participant_territory(demo, OTHER, segment=segment, name=name)
    return live_room.participant_territory(demo, code, segment=None, name="")


def test_participant_choices_are_checked(demo) -> None:
    options = live_room.territory_options(demo)
    assert len(options) == len(demo.territories)
    assert options[LYON].endswith(f"– {LYON}") and "Métropole de Lyon" in options[LYON]
    assert all("nan" not in label for label in options.values())
    lyon = _territory(demo, LYON)
    assert (lyon.code, lyon.segment, lyon.name) == (LYON, demo.territories.at[LYON, "segment"], "Métropole de Lyon")
    with pytest.raises(RoomError, match="Choisissez d'abord votre territoire"):
        live_room.participant_territory(demo, None, segment=None, name="")
    with pytest.raises(RoomError, match="ne fait pas partie du programme"):
        live_room.participant_territory(demo, "99999", segment=None, name="")
    with pytest.raises(RoomError, match="choisissez sa taille"):
        live_room.participant_territory(demo, OTHER, segment="S9", name="x")
    with pytest.raises(RoomError, match="« Données & méthodes partagées », « Coopérations"):
        live_room.checked_levels(demo, {"L1": 1, "L2": None, "L3": 2, "L4": 7})
    assert live_room.checked_levels(demo, {"L1": 1, "L2": 0, "L3": 2, "L4": 3}) == {"L1": 1, "L2": 0, "L3": 2, "L4": 3}
    with pytest.raises(RoomError, match="levier que vous voulez renforcer"):
        live_room.checked_priority(demo, "L9")


def test_results_and_comparison_with_the_same_segments(demo, store) -> None:
    room = store.open_room()
    data = demo.territories
    lyon_segment = data.at[LYON, "segment"]
    answers = [
        (_territory(demo, LYON), {"L1": 3, "L2": 2, "L3": 1, "L4": 0}),
        (_territory(demo, LYON), {"L1": 1, "L2": 2, "L3": 1, "L4": 0}),
        (_territory(demo, None, segment="S1", name="Hors programme"), {"L1": 0, "L2": 0, "L3": 0, "L4": 0}),
    ]
    for territory, levels in answers:
        store.answer(room.code, new_token(), territory, question=LEVELS, levels=levels)
    _, current = store.snapshot(room.code)
    results = live_room.room_results(demo, current, LEVELS)
    assert results.n_answers == 3 and results.others == 1
    assert dict(results.answered) == {LYON: 2}
    assert list(results.distribution.loc["L1"]) == [1, 1, 0, 1]  # levels 0, 1, 2, 3
    assert int(results.distribution.loc["L2", 2]) == 2
    assert results.comparison.loc["L1", "room"] == pytest.approx(4 / 3)
    # The programme's mean level of L1 over the same segments, weighted like the room (2/3, 1/3).
    means = data.groupby("segment")["L1"].mean()
    expected = (2 * means[lyon_segment] + means["S1"]) / 3
    assert results.comparison.loc["L1", "programme"] == pytest.approx(expected)
    sentence = live_room.comparison_sentence(demo, results, "L1")
    assert sentence.startswith("Salle : 1,3 — programme, mêmes segments : ")
    assert (
        live_room.results_sentence(demo, results)
        == "3 réponses, 1 territoire du programme, 1 réponse pour un autre territoire."
    )
    assert "1 réponse pour un territoire hors programme" in live_room.map_caption(demo, results)


def test_priority_results(demo, store) -> None:
    room = store.open_room()
    store.next_question(room.code)
    for lever in ("L2", "L2", "L4"):
        store.answer(room.code, new_token(), _territory(demo, PARIS_CODE), question=PRIORITY, priority=lever)
    results = live_room.room_results(demo, store.snapshot(room.code)[1], PRIORITY)
    assert dict(results.priorities) == {"L1": 0, "L2": 2, "L3": 0, "L4": 1}
    assert math.isnan(results.comparison.loc["L1", "room"])


def test_empty_room_results(demo, store) -> None:
    room = store.open_room()
    results = live_room.room_results(demo, store.snapshot(room.code)[1], LEVELS)
    assert results.n_answers == 0 and int(results.distribution.to_numpy().sum()) == 0
    assert live_room.comparison_sentence(demo, results, "L1") == "Pas encore de réponse."


def test_room_map_colours_the_territories_that_answered(demo, reference) -> None:
    from territorial.cartography.geometry import national_outlines

    outlines = national_outlines(None, reference.regions, insets=True)
    m = live_room.room_map(demo, pd.Series([2], index=[LYON]), outlines=outlines, height=500)
    html = m.get_root().render()
    assert "Ont r\\u00e9pondu : 1 (couleur de leur segment)" in html  # the legend (JSON-escaped in the page)
    assert f"Sans r\\u00e9ponse : {len(demo.territories) - 1}" in html


def test_proposed_assessments_for_a_closed_room(demo, store) -> None:
    room = store.open_room()
    for levels in (
        {"L1": 1, "L2": 2, "L3": 0, "L4": 3},
        {"L1": 2, "L2": 2, "L3": 1, "L4": 3},
        {"L1": 2, "L2": 0, "L3": 3, "L4": 3},
    ):
        store.answer(room.code, new_token(), _territory(demo, LYON), question=LEVELS, levels=levels)
    store.answer(
        room.code,
        new_token(),
        _territory(demo, PARIS_CODE),
        question=LEVELS,
        levels={"L1": 0, "L2": 1, "L3": 2, "L4": 3},
    )
    store.answer(
        room.code,
        new_token(),
        _territory(demo, PARIS_CODE),
        question=LEVELS,
        levels={"L1": 1, "L2": 2, "L3": 3, "L4": 3},
    )
    store.answer(
        room.code,
        new_token(),
        _territory(demo, None, name="x"),
        question=LEVELS,
        levels={"L1": 3, "L2": 3, "L3": 3, "L4": 3},
    )
    with pytest.raises(RoomError, match="pas encore fermée"):
        live_room.proposed_assessments(demo, room, store.answers(room, current_round=False))
    room = store.close_room(room.code)
    proposed = live_room.proposed_assessments(demo, room, store.answers(room, current_round=False))
    assert list(proposed.columns) == ["code", "type", "L1", "L2", "L3", "L4", "n_answers", "room_date"]
    rows = proposed.set_index("code").to_dict("index")
    assert set(rows) == {LYON, PARIS_CODE}  # not the « autre territoire »
    assert rows[LYON] == {"type": "epci", "L1": 2, "L2": 2, "L3": 1, "L4": 3, "n_answers": 3, "room_date": "2026-12-01"}
    # Two answers: the median 0.5 → 1, 1.5 → 2, 2.5 → 3 (half up).
    assert (rows[PARIS_CODE]["L1"], rows[PARIS_CODE]["L2"], rows[PARIS_CODE]["L3"]) == (1, 2, 3)


def test_participation_address() -> None:
    configured = participation_address(
        configured="https://atelier.example.org/", host="127.0.0.1:8501", lan_ip="10.0.0.2", port=8501
    )
    assert configured.base == "https://atelier.example.org" and "TERRITORIAL_PUBLIC_URL" in configured.source
    by_host = participation_address(configured=None, host="192.168.43.10:8501", lan_ip=None, port=8501)
    assert by_host.base == "http://192.168.43.10:8501" and by_host.reachable
    detected = participation_address(
        configured="pas une adresse", host="localhost:8501", lan_ip="192.168.1.5", port=8502
    )
    assert detected.base == "http://192.168.1.5:8502" and "réseau local" in detected.source
    alone = participation_address(configured=None, host="127.0.0.1:8501", lan_ip=None, port=8501)
    assert not alone.reachable and "seule cette machine" in alone.source
    assert participation_url(by_host, "K7M4QX") == "http://192.168.43.10:8501/participer?salle=K7M4QX"


def test_export_one_row_per_answer_formulas_neutralised(demo, definition, store) -> None:
    room = store.open_room()
    me = new_token()
    store.answer(room.code, me, _territory(demo, LYON), question=LEVELS, levels={"L1": 1, "L2": 2, "L3": 0, "L4": 3})
    store.answer(room.code, me, _territory(demo, LYON), question=LEVELS, levels={"L1": 3, "L2": 2, "L3": 0, "L4": 3})
    hostile = _territory(demo, None, name='=HYPERLINK("http://x";"y")')
    store.answer(room.code, new_token(), hostile, question=LEVELS, levels={"L1": 0, "L2": 0, "L3": 0, "L4": 0})
    store.next_question(room.code)
    store.answer(room.code, me, _territory(demo, LYON), question=PRIORITY, priority="L2")
    answers = store.answers(room, current_round=False)

    text = room_exports.to_csv(definition, room, answers).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == f"# salle: {room.code}"
    rows = list(
        csv.DictReader(io.StringIO("\n".join(line for line in lines if not line.startswith("#"))), delimiter=";")
    )
    assert len(rows) == 3  # one row per answer (the change replaced the first)
    assert [r["Participant"] for r in rows] == ["P1", "P2", "P1"]
    assert rows[0]["L1 – Compétences & ingénierie"] == "3" and rows[0]["Modifications"] == "1"
    assert rows[1]["Territoire"].startswith("'=HYPERLINK")  # neutralised
    assert rows[2]["Levier prioritaire"] == "Données & méthodes partagées"
    assert (
        # Paris time with its offset (the store's clock says 2026-12-01 09:00 UTC), sortable as text
        re.fullmatch(r"2026-12-01 10:00:\d\d\+01:00", rows[0]["Première réponse"])
        and rows[0]["Dernière modification"] > rows[0]["Première réponse"]
    )
    assert me not in text  # the tokens are not exported

    book = load_workbook(io.BytesIO(room_exports.to_xlsx(definition, room, answers)))
    sheet = book["Réponses"]
    cell = next(c for c in sheet["H"] if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"  # a text cell, never a formula
    assert sheet.max_row == 4
    assert room_exports.filename(room, "csv") == f"salle-{room.code}-2026-12-01.csv"
