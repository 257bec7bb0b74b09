"""The text summary of the segment × lever matrix, on a hand-made programme and on the demo."""

from __future__ import annotations

import pandas as pd
import pytest

from territorial.content.summary import contrasts
from territorial.core.fmt import fr_pct
from territorial.model.programme import resolve

# Three small communes (S1) and two very large territories (S4), with chosen levels:
#   S1: L1 3/3 = 100 %, L2 0/3 = 0 %, L3 2/3 = 67 %, L4 2/3 = 67 %
#   S4: L1 1/2 = 50 %, L2 2/2 = 100 %, L3 1/2 = 50 %, L4 2/2 = 100 %
# The lever varying most between the two segments is L2 (0 % → 100 %).
TINY = """code,type,nom,membres,L1,L2,L3,L4
04113,commune,,,2,0,1,1
14097,commune,,,1,0,1,0
25119,commune,,,1,0,0,1
200046977,epci,,,0,3,3,1
13,departement,,,1,2,0,1
"""


@pytest.fixture(scope="module")
def tiny(reference, definition):
    from territorial.model.programme_file import load_programme_file

    table = load_programme_file(TINY.encode(), filename="tiny.csv", definition=definition, reference=reference)
    programme = resolve(table, reference=reference, definition=definition)
    assert list(programme.territories["segment"]) == ["S1", "S1", "S1", "S4", "S4"]
    return programme


def test_sentences_name_the_right_levers_and_shares(tiny) -> None:
    small, large, spread, means = contrasts(tiny)
    assert small == (
        "Segment « Petits territoires » (moins de 50\u202f000 hab., 3 territoires) : le levier le plus activé "
        "est « Compétences & ingénierie » (100\u00a0% des territoires), "
        "le moins activé « Données & méthodes partagées » (0\u00a0%)."
    )
    assert large == (
        "Segment « Métropoles et très grands territoires » (700\u202f000 hab. et plus, 2 territoires) : "
        "les leviers les plus activés sont « Données & méthodes partagées » et "
        "« Coopérations & gouvernance territoriale » (100\u00a0% des territoires chacun), "
        "les moins activés « Compétences & ingénierie » et « Financement & investissement en commun » "
        "(50\u00a0% chacun)."
    )
    assert spread.startswith("C'est le levier « Données & méthodes partagées » dont l'usage varie le plus")
    assert "0\u00a0% des territoires du segment « Petits territoires » l'activent" in spread
    assert "contre 100\u00a0% dans le segment « Métropoles et très grands territoires »" in spread
    assert "(écart de 100 points)" in spread
    # 3 + 2 + 2 levers over 3 small territories; 3 + 3 over 2 large ones.
    assert means == (
        "En moyenne, un territoire du segment « Petits territoires » active 2,3 leviers sur 4, "
        "contre 3,0 dans le segment « Métropoles et très grands territoires »."
    )


def test_one_segment_gives_one_sentence_and_none_gives_none(tiny) -> None:
    data = tiny.territories
    (only,) = contrasts(tiny, data[data["segment"] == "S1"])
    assert only.startswith("Segment « Petits territoires »")
    assert contrasts(tiny, data.iloc[:0]) == []


def test_equal_shares_are_said_plainly(tiny) -> None:
    data = tiny.territories.copy()
    data.loc[data["segment"] == "S1", ["L1", "L2", "L3", "L4"]] = 2
    (only,) = contrasts(tiny, data[data["segment"] == "S1"])
    assert only.endswith("tous les leviers sont activés par 100\u00a0% des territoires.")


def test_demo_summary_matches_pandas(demo) -> None:
    """The sentences follow the data: compare with shares computed independently."""
    data = pd.DataFrame(demo.territories.drop(columns="geometry"))
    levers = {lv.id: lv.label for lv in demo.definition.levers}
    shares = data[list(levers)].ge(1).groupby(data["segment"]).mean()
    small = shares.loc["S1"]
    sentences = contrasts(demo)
    assert len(sentences) == 4
    top = small[small == small.max()].index
    assert all(f"« {levers[lv]} »" in sentences[0].split(" : ", 1)[1].split(", le")[0] for lv in top)
    assert f"({fr_pct(small.max())} des territoires" in sentences[0]
    assert f"« {levers[small.idxmin()]} » ({fr_pct(small.min())})" in sentences[0]
    gap = shares.max() - shares.min()
    assert f"levier « {levers[gap.idxmax()]} » dont l'usage varie le plus" in sentences[2]
    # No number is hard-coded: changing the data changes the text.
    changed = demo.territories.copy()
    changed.loc[changed["segment"] == "S1", "L2"] = 3
    assert contrasts(demo, changed)[0] != sentences[0]
