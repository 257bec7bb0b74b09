"""Programme files with several dialogues per territory (long form): what is accepted, what is refused."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from territorial.core.fmt import fr_date
from territorial.editing.changes import with_dialogue
from territorial.model.dialogue_dates import parse_dialogue_date, today_in_paris
from territorial.model.problems import ProgrammeFileError
from territorial.model.programme import resolve
from territorial.model.programme_file import load_programme_file

HEADER = "code,type,nom,membres,L1,L2,L3,L4,date_dialogue,etape,notes"
TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def load(reference, definition):
    def _load(*rows: str):
        data = "\n".join([HEADER, *rows]).encode()
        return load_programme_file(data, filename="suivi.csv", definition=definition, reference=reference)

    return _load


def refused(load, *rows: str) -> list[tuple]:
    with pytest.raises(ProgrammeFileError) as caught:
        load(*rows)
    return [(p.row, p.column, p.value, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("text", "expected", "month_only"),
    [
        ("2025-03-15", dt.date(2025, 3, 15), False),
        ("15/03/2025", dt.date(2025, 3, 15), False),
        ("15.03.2025", dt.date(2025, 3, 15), False),
        ("15 mars 2025", dt.date(2025, 3, 15), False),
        ("1er Mars 2025", dt.date(2025, 3, 1), False),
        ("mars 2025", dt.date(2025, 3, 1), True),
        ("Février 2026", dt.date(2026, 2, 1), True),
        ("03/2025", dt.date(2025, 3, 1), True),
        ("2025-03-15 00:00:00", dt.date(2025, 3, 15), False),
    ],
)
def test_french_date_forms(text, expected, month_only):
    parsed = parse_dialogue_date(text)
    assert parsed is not None and (parsed.day, parsed.month_only) == (expected, month_only)


@pytest.mark.parametrize("text", ["31/02/2025", "mars", "2025", "15 brumaire 2025", "demain", "2025-13-01"])
def test_dates_that_are_not_dates(text):
    assert parse_dialogue_date(text) is None


def test_long_form_gives_each_territory_its_dialogues(load, reference, definition):
    table = load(
        "75056,commune,,,0,1,0,1,15/03/2024,T0,Premier",
        "75056,commune,,,2,1,0,1,mars 2025,T+12,Deuxième",
        "75056,commune,,,1,3,0,1,2026-03-10,T+24,Un levier recule",  # L1 decreases: allowed
        "13055,commune,,,1,1,1,1,,,Une seule ligne sans date",
    )
    assert [(w.row, w.column, w.message) for w in table.warnings] == [
        (3, "date_dialogue", "mois seul : dialogue enregistré au 1er mars 2025.")
    ]
    programme = resolve(table, reference=reference, definition=definition)
    paris = programme.territories.loc["75056"]
    assert (paris["L1"], paris["L2"], paris["etape"], paris["n_dialogues"]) == (1, 3, "T+24", 3)
    assert paris["premier_dialogue"] == "2024-03-15" and paris["progression"] == 1
    assert programme.history_of("75056")["L1"].tolist() == [0, 2, 1]
    # an undated single dialogue counts at every day
    early = programme.at(dt.date(2024, 1, 31))
    assert early.territories.loc["13055", "evalue"] and not early.territories.loc["75056", "evalue"]


def test_every_bad_dialogue_is_reported_with_its_row_and_column(load):
    problems = refused(
        load,
        "75056,commune,,,0,1,0,1,2025-03-15,T0,",
        "75056,commune,,,1,1,0,1,15/03/2025,T+12,",  # row 3: same date as row 2
        "13055,commune,,,1,1,1,1,2031-01-01,,",  # row 4: future
        "69123,commune,,,1,1,1,1,2023-12-31,,",  # row 5: before the programme
        "31555,commune,,,1,1,1,1,le 3 du mois,,",  # row 6: not a date
        "06088,commune,,,1,1,1,1,2025-01-01,,",
        "06088,commune,,,1,1,1,1,,,",  # row 8: several dialogues, one undated
    )
    assert problems == [
        (
            3,
            "date_dialogue",
            "15/03/2025",
            "deux dialogues de ce territoire à la même date (15 mars 2025) : déjà ligne 2.",
        ),
        (
            4,
            "date_dialogue",
            "2031-01-01",
            "date dans le futur (1er janvier 2031) : un dialogue s'enregistre une fois "
            f"tenu (aujourd'hui : {fr_date(today_in_paris())}).",
        ),
        (5, "date_dialogue", "2023-12-31", "date antérieure au début du programme (2024) : vérifiez l'année."),
        (
            6,
            "date_dialogue",
            "le 3 du mois",
            "date illisible : écrivez AAAA-MM-JJ, JJ/MM/AAAA, « 15 mars 2025 » ou « mars 2025 ».",
        ),
        (
            8,
            "date_dialogue",
            "",
            "date manquante : ce territoire a plusieurs dialogues (lignes 7, 8), chacun doit être daté.",
        ),
    ]


def test_a_groupement_keeps_its_name_and_members_across_dialogues(load):
    problems = refused(
        load,
        "PETR-X,groupement,Pays X,200068658 200069664,0,0,0,0,2024-05-01,T0,",
        "PETR-X,groupement,Pays Y,200068658,1,0,0,0,2025-05-01,T+12,",
    )
    assert [(r, c) for r, c, _, _ in problems] == [(3, "nom"), (3, "membres")]
    assert problems[0][3].startswith("nom différent de celui de la ligne 2")


def test_a_new_dialogue_in_the_future_is_refused_by_field(load, reference, definition):
    table = load("75056,commune,,,0,1,0,1,2025-03-15,T0,")
    with pytest.raises(ProgrammeFileError) as caught:
        with_dialogue(
            table,
            code="75056",
            kind="commune",
            day=dt.date(2027, 1, 5),
            levels={"L1": 1, "L2": 1, "L3": 0, "L4": 1},
            definition=definition,
            reference=reference,
            today=TODAY,
        )
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (None, "date du dialogue")
    assert problem.message.startswith("date dans le futur (5 janvier 2027)")
    added = with_dialogue(
        table,
        code="75056",
        kind="commune",
        day=dt.date(2026, 1, 5),
        levels={"L1": 1, "L2": 1, "L3": 0, "L4": 1},
        definition=definition,
        reference=reference,
        stage="T+12",
        today=TODAY,
    )
    assert added.territories[["date_dialogue", "etape", "L1"]].values.tolist() == [
        ["2025-03-15", "T0", 0],
        ["2026-01-05", "T+12", 1],
    ]


def test_several_new_dialogues_are_checked_at_once_and_named(load, reference, definition):
    from territorial.editing.changes import with_dialogues

    table = load("75056,commune,,,0,1,0,1,2025-03-15,T0,", "13055,commune,,,1,1,1,1,2025-04-01,T0,")
    levels = {"L1": 2, "L2": 1, "L3": 0, "L4": 1}
    new = pd.DataFrame(
        [
            {"code": "13055", "type": "commune", "date": "2026-02-01", **levels},
            {"code": "75056", "type": "commune", "date": "2026-02-01", **levels},
        ]
    )
    added = with_dialogues(table, new, definition=definition, reference=reference, stage="Atelier", today=TODAY)
    assert added.territories[["code", "date_dialogue", "etape"]].values.tolist() == [
        ["75056", "2025-03-15", "T0"],
        ["75056", "2026-02-01", "Atelier"],
        ["13055", "2025-04-01", "T0"],
        ["13055", "2026-02-01", "Atelier"],
    ]
    new.loc[1, "date"] = "2025-03-15"  # Paris already had a dialogue that day
    with pytest.raises(ProgrammeFileError) as caught:
        with_dialogues(table, new, definition=definition, reference=reference, today=TODAY)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (None, "date du dialogue")
    assert problem.message == "75056 : deux dialogues de ce territoire à la même date (15 mars 2025)."
