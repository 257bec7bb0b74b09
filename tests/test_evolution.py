"""The dialogues over time: a territory's timeline and sentence, each segment's evolution.

Small programmes written by hand (CSV text), every expected value worked out in the comments.
"""

from __future__ import annotations

import json
import math
from datetime import date

import pytest

from territorial.content import evolution as ev
from territorial.core.fmt import fr_pct
from territorial.model.programme import resolve

PCT = "\u00a0%"

# One territory followed three times, one met once, one whose two dialogues differ on one lever.
#   04113: 15 mars 2024 (T0) 1,0,2,1 → 20 mars 2025 (T+12) 2,0,3,1 → mars 2026 (no stage) 1,1,3,1
#          last two: L1 falls engagé → émergent, L2 rises non activé → émergent, L3 and L4 unchanged
#   14097: one dialogue, 2 mai 2024 (T0)
#   25119: 2024-06-01 0,0,0,0 → 2025-06-01 0,1,1,1: only L1 unchanged
FICHES = """code,type,nom,membres,L1,L2,L3,L4,date_dialogue,etape,notes,contact
04113,commune,,,1,0,2,1,15/03/2024,T0,,
04113,commune,,,2,0,3,1,2025-03-20,T+12,,
04113,commune,,,1,1,3,1,mars 2026,,,
14097,commune,,,1,1,1,1,2024-05-02,T0,,
25119,commune,,,0,0,0,0,2024-06-01,,,
25119,commune,,,0,1,1,1,2025-06-01,,,
"""

# Four small communes (S1) and three large départements (S4), lever L1 and L2 chosen:
#   S1 L1: T0 A0 B0 C1 D0 → 1/4 = 25 %; T+12 A1 B1 C1 → 3/3 = 100 %; T+24 A1 B0 → 2 territories, no point
#     B's second dialogue has no stage: 353 days after its first, 11.6 months → T+12
#     C's « T+6 » is an intermediate point, left out of the stages
#   S4 L1: T0 1,0,0 → 33 %; T+12 1,1,0 → 67 %; T+24 1,1,1 → 100 %
#   S4 L2: T0 1,1,1 → 100 %; T+12 1,1,0 → 67 %; T+24 1,1,0 → 67 %
#     13 has a dialogue a month after its T0, without stage: T0 stays the dialogue labelled T0
#   Compared stages: T0 and T+12 (at T+24, S1 has too few territories). L3 and L4 never move.
SEGMENTS = """code,type,nom,membres,L1,L2,L3,L4,date_dialogue,etape,notes,contact
04113,commune,,,0,0,0,0,2024-03-01,T0,,
04113,commune,,,1,0,0,0,2025-03-01,T+12,,
04113,commune,,,1,0,0,0,2026-03-01,T+24,,
14097,commune,,,0,0,0,0,2024-06-01,T0,,
14097,commune,,,1,0,0,0,2025-05-20,,,
14097,commune,,,0,0,0,0,2026-06-10,T+24,,
25119,commune,,,1,0,0,0,2024-09-01,T0,,
25119,commune,,,1,0,0,0,2025-03-01,T+6,,
25119,commune,,,1,0,0,0,2025-09-01,T+12,,
04116,commune,,,0,0,0,0,2024-10-01,T0,,
13,departement,,,1,1,0,0,2024-02-01,T0,,
13,departement,,,0,1,0,0,2024-03-01,,,
13,departement,,,1,1,0,0,2025-02-01,T+12,,
13,departement,,,1,1,0,0,2026-02-01,T+24,,
59,departement,,,0,1,0,0,2024-02-15,T0,,
59,departement,,,1,1,0,0,2025-02-15,T+12,,
59,departement,,,1,1,0,0,2026-02-15,T+24,,
33,departement,,,0,1,0,0,2024-03-01,T0,,
33,departement,,,0,0,0,0,2025-03-01,T+12,,
33,departement,,,1,0,0,0,2026-03-01,T+24,,
"""


@pytest.fixture
def fiches(load_csv, reference, definition):
    return resolve(load_csv(FICHES), reference=reference, definition=definition)


@pytest.fixture
def segments(load_csv, reference, definition):
    programme = resolve(load_csv(SEGMENTS), reference=reference, definition=definition)
    seg = programme.territories["segment"]
    assert list(seg[["04113", "14097", "25119", "04116"]]) == ["S1"] * 4
    assert list(seg[["13", "59", "33"]]) == ["S4"] * 3
    return programme


# --------------------------------------------------------------------------- the fiche


def test_sentence_says_what_rose_and_what_fell(fiches) -> None:
    assert _spaced(ev.change_sentence(fiches, "04113")) == (
        "Entre le 20 mars 2025 (T+12) et le 1er mars 2026 : "
        "L1 – Compétences & ingénierie recule de « engagé » à « émergent » ; "
        "L2 – Données & méthodes partagées progresse de « non activé » à « émergent » ; "
        "les autres leviers sont inchangés."
    )
    assert _spaced(ev.change_sentence(fiches, "25119")) == (
        "Entre le 1er juin 2024 et le 1er juin 2025 : "
        "L2 – Données & méthodes partagées progresse de « non activé » à « émergent » ; "
        "L3 – Financement & investissement en commun progresse de « non activé » à « émergent » ; "
        "L4 – Coopérations & gouvernance territoriale progresse de « non activé » à « émergent » ; "
        "le levier L1 est inchangé."
    )


def test_quotes_hold_no_break_spaces(fiches) -> None:
    assert "de «\u00a0engagé\u00a0» à «\u00a0émergent\u00a0»" in ev.change_sentence(fiches, "04113")


def test_sentence_with_one_dialogue_none_or_no_change(fiches) -> None:
    assert _spaced(ev.change_sentence(fiches, "14097")) == "Un seul dialogue à ce jour, le 2 mai 2024 (T0)."
    # As of a date: only the dialogues up to that day count.
    early = fiches.at(date(2024, 4, 1))
    assert _spaced(ev.change_sentence(early, "04113")) == "Un seul dialogue au 1er avril 2024, le 15 mars 2024 (T0)."
    assert _spaced(ev.change_sentence(early, "14097")) == (
        "Aucun dialogue de gouvernance au 1er avril 2024 : ce territoire n'est pas encore évalué."
    )
    assert _spaced(ev.change_sentence(fiches.at(date(2025, 12, 31)), "04113")).startswith(
        "Entre le 15 mars 2024 (T0) et le 20 mars 2025 (T+12) : L1 – Compétences & ingénierie progresse"
    )


def test_sentence_when_nothing_changed(load_csv, reference, definition) -> None:
    text = FICHES.replace("25119,commune,,,0,1,1,1,2025-06-01", "25119,commune,,,0,0,0,0,2025-06-01")
    programme = resolve(load_csv(text), reference=reference, definition=definition)
    assert _spaced(ev.change_sentence(programme, "25119")) == (
        "Entre le 1er juin 2024 et le 1er juin 2025 : aucun levier n'a changé de niveau."
    )


def test_timeline_data_one_row_per_dialogue_and_lever(fiches) -> None:
    data = ev.timeline_data(fiches, "04113")
    assert len(data) == 12
    days = [date(2024, 3, 15), date(2025, 3, 20), date(2026, 3, 1)]
    assert sorted(set(data["when"])) == [float(d.toordinal()) for d in days]
    l1 = data[data["lever"] == "L1"]
    assert list(l1["level"]) == [1, 2, 1]
    assert list(l1["level_txt"]) == ["1 – émergent", "2 – engagé", "1 – émergent"]
    assert list(l1["date_txt"]) == ["15 mars 2024", "20 mars 2025", "1er mars 2026"]
    assert list(l1["etape"]) == ["T0", "T+12", "–"]
    # Nudged so that equal levels do not hide each other, never by half a level.
    assert (data["y"] - data["level"]).abs().max() < 0.15
    assert data.groupby("when")["y"].nunique().eq(4).all()


def test_timeline_chart_axes_colours_tooltip_and_description(fiches, definition) -> None:
    spec = ev.timeline_chart(fiches, "04113").to_dict()
    lines, points = spec["layer"]
    assert (lines["mark"]["type"], points["mark"]["type"]) == ("line", "point")
    colour = points["encoding"]["color"]["scale"]
    assert colour["range"] == [lever.colour for lever in definition.levers]
    assert colour["domain"][0] == "L1 – Compétences & ingénierie"
    assert [t["title"] for t in points["encoding"]["tooltip"]] == ["Date du dialogue", "Étape", "Levier", "Niveau"]
    # y: the levels, named by the definition; x: the three dialogues, French dates and their stage.
    y_axis = points["encoding"]["y"]["axis"]
    assert y_axis["values"] == [0, 1, 2, 3]
    assert json.dumps(["non activé", "émergent", "engagé", "structurant"], ensure_ascii=False) in y_axis["labelExpr"]
    x_axis = points["encoding"]["x"]["axis"]
    assert len(x_axis["values"]) == 3
    assert '["15 mars 2024", "T0"], ["20 mars 2025", "T+12"], ["1er mars 2026", ""]' in x_axis["labelExpr"]
    assert spec["description"].startswith("Niveau de chaque levier de ")
    assert (
        "L1 – Compétences & ingénierie : émergent le 15 mars 2024 (T0), engagé le 20 mars 2025 (T+12)"
        in (spec["description"])
    )
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}


def test_no_chart_with_a_single_dialogue_and_a_table_of_dialogues(fiches) -> None:
    assert ev.timeline_chart(fiches, "14097") is None
    table = ev.timeline_table(fiches, "04113")
    assert list(table.columns) == [
        "Dialogue",
        "Étape",
        "L1 – Compétences & ingénierie",
        "L2 – Données & méthodes partagées",
        "L3 – Financement & investissement en commun",
        "L4 – Coopérations & gouvernance territoriale",
        "Leviers activés",
    ]
    assert table.iloc[0].tolist() == ["15 mars 2024", "T0", "émergent", "non activé", "engagé", "émergent", 3]
    assert table["Leviers activés"].tolist() == [3, 3, 4]


# --------------------------------------------------------------------------- the segments


@pytest.mark.parametrize(
    ("raw", "months"),
    [("T0", 0), ("T+12", 12), ("t + 24 mois", 24), (" T+36 ", 36), ("T+6", 6), ("Bilan", None), ("", None)],
)
def test_stage_labels(raw, months) -> None:
    assert ev.stage_month(raw) == months


def _spaced(text: str | list[str]) -> str | list[str]:
    """The sentences with the no-break spaces inside « » as plain spaces (easier to write)."""
    if isinstance(text, list):
        return [_spaced(t) for t in text]
    assert "« " not in text and " »" not in text  # every quote holds no-break spaces
    return text.replace("«\u00a0", "« ").replace("\u00a0»", " »")


def _cell(data, segment: str, lever: str, stage: str) -> tuple[int, int, float]:
    row = data[(data["segment"] == segment) & (data["lever"] == lever) & (data["stage_label"] == stage)].iloc[0]
    return int(row["n"]), int(row["n_active"]), row["share"]


def test_segment_evolution_by_stage(segments) -> None:
    data, left_out = ev.segment_evolution(segments)
    assert left_out == 1  # C's « T+6 »
    assert list(data.drop_duplicates("order")["stage_label"]) == ["T0", "T+12", "T+24"]
    assert _cell(data, "S1", "L1", "T0") == (4, 1, 0.25)
    assert _cell(data, "S1", "L1", "T+12") == (3, 3, 1.0)
    n, active, share = _cell(data, "S1", "L1", "T+24")
    assert (n, active) == (2, 1) and math.isnan(share)  # fewer than 3 territories: no point
    assert _cell(data, "S4", "L1", "T0")[:2] == (3, 1)  # 13's T0, not its later unlabelled dialogue
    assert _cell(data, "S4", "L2", "T+12")[:2] == (3, 2)
    assert _cell(data, "S4", "L1", "T+24") == (3, 3, 1.0)
    # Segments without territories are there, with no point.
    empty = data[data["segment"] == "S2"]
    assert empty["n"].eq(0).all() and empty["share"].isna().all()
    assert data.loc[(data["segment"] == "S1") & (data["lever"] == "L1"), "share_txt"].tolist() == [
        f"25{PCT}",
        f"100{PCT}",
        "–",
    ]


def test_sentences_name_the_segment_that_progressed_most_and_the_largest_fall(segments, definition) -> None:
    data, _ = ev.segment_evolution(segments)
    assert _spaced(ev.evolution_sentences(data, definition)) == [
        "Entre T0 et T+12, c'est le segment « Petits territoires » qui a le plus progressé, sur le levier "
        f"« L1 – Compétences & ingénierie » : 25{PCT} de ses territoires l'activaient à T0 (1 sur 4), "
        f"100{PCT} à T+12 (3 sur 3), soit +75 points.",
        "Plus fort recul : le levier « L2 – Données & méthodes partagées » dans le segment « Métropoles et très "
        f"grands territoires » : 100{PCT} de ses territoires l'activaient à T0 (3 sur 3), 67{PCT} à T+12 "
        "(2 sur 3), soit −33 points.",
    ]


def test_segment_evolution_by_half_year(segments, definition) -> None:
    data, left_out = ev.segment_evolution(segments, by=ev.BY_HALF_YEAR)
    assert left_out == 0
    assert list(data.drop_duplicates("order")["stage_label"]) == [
        "1er sem. 2024",
        "2e sem. 2024",
        "1er sem. 2025",
        "2e sem. 2025",
        "1er sem. 2026",
    ]
    # Each territory at its latest dialogue up to the end of the half-year (T+6 included).
    s1 = data[(data["segment"] == "S1") & (data["lever"] == "L1")]
    assert s1["n"].tolist() == [2, 4, 4, 4, 4]
    assert s1["share_txt"].tolist() == ["–", f"25{PCT}", f"75{PCT}", f"75{PCT}", f"50{PCT}"]
    s4 = data[(data["segment"] == "S4") & (data["lever"] == "L1")]
    assert s4["n_active"].tolist() == [0, 0, 2, 2, 3]  # 13 is at its unlabelled dialogue in 2024
    assert _spaced(ev.evolution_sentences(data, definition)) == [
        "Entre la fin du 1er semestre 2024 et la fin du 1er semestre 2026, c'est le segment « Métropoles et "
        "très grands territoires » qui a le plus progressé, sur le levier « L1 – Compétences & ingénierie » : "
        f"0{PCT} de ses territoires l'activaient à la fin du 1er semestre 2024 (0 sur 3), 100{PCT} à la fin "
        "du 1er semestre 2026 (3 sur 3), soit +100 points.",
        "Plus fort recul : le levier « L2 – Données & méthodes partagées » dans le segment « Métropoles et très "
        f"grands territoires » : 100{PCT} de ses territoires l'activaient à la fin du 1er semestre 2024 (3 sur 3), "
        f"67{PCT} à la fin du 1er semestre 2026 (2 sur 3), soit −33 points.",
        "Non comparé faute de territoires (moins de 3 à la fin du 1er semestre 2024) : « Petits territoires ».",
    ]


def test_evolution_as_of_a_date_and_too_few_stages(segments, definition) -> None:
    data, _ = ev.segment_evolution(segments.at(date(2024, 12, 31)))
    assert list(data.drop_duplicates("order")["stage_label"]) == ["T0"]
    assert _spaced(ev.evolution_sentences(data, definition)) == [
        "Pas encore assez de territoires revus après T0 (au moins 3 par segment) pour mesurer une évolution."
    ]


def test_evolution_chart_and_table(segments, definition) -> None:
    data, _ = ev.segment_evolution(segments)
    spec = ev.evolution_chart(data, definition, "L1").to_dict()
    (rows,) = spec["datasets"].values()
    # No point below the minimum: S1 at T+24 is missing; S4 has its three.
    assert sorted((r["segment"], r["stage_label"]) for r in rows) == [
        ("S1", "T+12"),
        ("S1", "T0"),
        ("S4", "T+12"),
        ("S4", "T+24"),
        ("S4", "T0"),
    ]
    s1_t0 = next(r for r in rows if (r["segment"], r["stage_label"]) == ("S1", "T0"))
    assert s1_t0["count_txt"] == "1 sur 4 territoires"
    points = spec["layer"][1]
    assert points["encoding"]["x"]["sort"] == ["T0", "T+12", "T+24"]
    half = ev.evolution_chart(ev.segment_evolution(segments, by=ev.BY_HALF_YEAR)[0], definition, "L1").to_dict()
    assert half["layer"][0]["encoding"]["x"]["sort"][:2] == ["1er sem.|2024", "2e sem.|2024"]  # two lines each
    assert points["encoding"]["color"]["scale"]["range"] == [s.colour for s in definition.segments]
    assert spec["title"]["text"] == "L1 – Compétences & ingénierie"
    assert f"Petits territoires : T0 25{PCT} (1 sur 4 territoires), T+12 100{PCT}" in spec["description"]
    table = ev.evolution_table(data, definition)
    assert table.columns.tolist() == ["Segment", "Étape", "Territoires", "L1", "L2", "L3", "L4"]
    assert table[["Segment", "Étape", "Territoires", "L1"]].values.tolist() == [
        ["Petits territoires", "T0", 4, f"25{PCT}"],
        ["Petits territoires", "T+12", 3, f"100{PCT}"],
        ["Petits territoires", "T+24", 2, "–"],
        ["Métropoles et très grands territoires", "T0", 3, f"33{PCT}"],
        ["Métropoles et très grands territoires", "T+12", 3, f"67{PCT}"],
        ["Métropoles et très grands territoires", "T+24", 3, f"100{PCT}"],
    ]


def test_demo_progresses_by_stage(demo, definition) -> None:
    data, left_out = ev.segment_evolution(demo)
    assert left_out == 10  # the demo's « T+6 » points (three territories ran their cycle early, to T+36)
    assert list(data.drop_duplicates("order")["stage_label"]) == ["T0", "T+12", "T+24", "T+36"]
    t0 = data[data["stage_label"] == "T0"].groupby("segment")["n"].first()
    assert t0.to_dict() == {"S1": 29, "S2": 26, "S3": 16, "S4": 10}
    # The same comparison computed with pandas alone from the file's stages.
    rows = demo.assessments.assign(segment=demo.assessments["code"].map(demo.territories["segment"]))
    shares = {
        stage: (rows[rows["etape"] == stage][definition.lever_ids] >= 1).groupby(rows["segment"]).mean().stack()
        for stage in ("T0", "T+24")
    }
    gain = shares["T+24"] - shares["T0"]
    segment, lever = gain.idxmax()
    (sentence,) = _spaced(ev.evolution_sentences(data, definition))
    assert sentence.startswith(
        f"Entre T0 et T+24, c'est le segment « {definition.segment(segment).label} » qui a le plus progressé, "
        f"sur le levier « {lever} – {definition.lever(lever).label} » : {fr_pct(shares['T0'][segment, lever])} "
    )
    assert sentence.endswith(f"soit +{round(100 * gain.max())} points.")


def test_a_file_without_dates(load_csv, reference, definition) -> None:
    """One undated dialogue each (the wide form): a sentence, no chart, no evolution."""
    text = "code,type,nom,membres,L1,L2,L3,L4\n04113,commune,,,2,0,1,1\n14097,commune,,,1,0,1,0\n"
    programme = resolve(load_csv(text), reference=reference, definition=definition)
    assert ev.change_sentence(programme, "04113") == "Un seul dialogue à ce jour (date non renseignée)."
    assert ev.timeline_chart(programme, "04113") is None
    assert ev.timeline_table(programme, "04113")["Dialogue"].tolist() == ["non daté"]
    for mode in ev.MODES:
        data, _ = ev.segment_evolution(programme, by=mode)
        assert data.empty
        assert ev.evolution_sentences(data, definition) == [
            "Aucun dialogue daté : l'évolution ne peut pas encore être calculée."
        ]
