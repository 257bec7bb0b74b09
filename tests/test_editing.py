"""Editing: carrying an editor's changes onto a version saved meanwhile (three-way merge)."""

from __future__ import annotations

import pandas as pd
import pytest

from territorial.editing.merge import ABSENT, CONFLICT_COLUMNS, rebase
from territorial.model.programme_file import ProgrammeTable
from tests.conftest import DEMO_FILE

HEADER = "code,type,nom,membres,L1,L2,L3,L4,notes,Référent"


@pytest.fixture
def three(load_csv) -> tuple[ProgrammeTable, ProgrammeTable, ProgrammeTable]:
    """The version both editors started from, the second editor's table, the version saved meanwhile."""
    base = load_csv(
        "\n".join(
            [
                HEADER,
                "75056,commune,,,1,0,2,3,Premier atelier,Mme A",
                "13055,commune,,,0,0,0,0,,",
                "69123,commune,,,2,2,2,2,Lyon,",
                "31555,commune,,,1,1,1,1,,",
            ]
        )
    )
    mine = load_csv(
        "\n".join(
            [
                HEADER,
                "75056,commune,,,3,0,2,3,Notes B,Mme A",  # L1 (mine only), notes (both: conflict)
                "69123,commune,,,2,0,2,2,Lyon,",  # L2, but removed meanwhile
                "06088,commune,,,1,2,3,0,Nice,",  # added by me
                "44109,commune,,,1,0,0,0,,",  # added on both sides, differently
            ]
        )
    )  # 13055 removed (changed meanwhile), 31555 removed
    current = load_csv(
        "\n".join(
            [
                HEADER,
                "75056,commune,,,1,0,2,0,Notes A,Mme A",  # L4 and notes changed meanwhile
                "13055,commune,,,0,0,1,0,,",
                "31555,commune,,,1,1,1,1,,",
                "44109,commune,,,3,0,0,0,,",
            ]
        )
    )
    return base, mine, current


def test_rebase_carries_the_changes_and_lists_the_conflicts(three):
    base, mine, current = three
    rebased = rebase(base, mine, current)
    rows = rebased.table.territories
    assert rows["code"].tolist() == ["75056", "13055", "44109", "06088"]
    paris = rows.iloc[0]
    assert (paris["L1"], paris["L4"], paris["notes"], paris["Référent"]) == (3, 0, "Notes A", "Mme A")
    assert rows.iloc[1]["L3"] == 1  # changed meanwhile: not removed
    assert rows.iloc[2]["L1"] == 3  # added on both sides: the current one is kept
    assert rows.iloc[3][["L1", "L2", "L3", "L4", "notes"]].tolist() == [1, 2, 3, 0, "Nice"]
    assert rows["L1"].dtype == "int64" and rebased.table.extra_columns == ["Référent"]
    assert list(rebased.conflicts.columns) == CONFLICT_COLUMNS
    assert rebased.conflicts.values.tolist() == [
        ["13055", "commune", "L3", "0", ABSENT, "1"],
        ["44109", "commune", "L1", ABSENT, "1", "3"],
        ["69123", "commune", "L2", "2", "0", ABSENT],
        ["75056", "commune", "notes", "Premier atelier", "Notes B", "Notes A"],
    ]


def test_rebase_on_the_demo_keeps_both_editors_work(load_csv):
    demo = load_csv(DEMO_FILE.read_bytes())
    first, second = (ProgrammeTable(demo.territories.copy(), meta=dict(demo.meta)) for _ in range(2))
    first.territories.loc[0, "notes"] = "Atelier du premier éditeur"
    first.territories = first.territories.drop(index=80)
    second.territories.loc[5, "L2"] = 3 - second.territories.loc[5, "L2"]
    second.territories.loc[6, "notes"] = '=HYPERLINK("http://exemple.org")'  # text, kept as typed
    rebased = rebase(demo, second, first)
    assert rebased.conflicts.empty and rebased.table.is_demo
    rows = rebased.table.territories
    assert len(rows) == len(demo.territories) - 1 and rows.loc[0, "notes"] == "Atelier du premier éditeur"
    assert rows.loc[5, "L2"] == second.territories.loc[5, "L2"]
    assert rows.loc[6, "notes"] == '=HYPERLINK("http://exemple.org")'


def test_rebase_identities(three):
    base, mine, current = three
    nothing = rebase(base, base, current)  # no change of mine: the current version
    pd.testing.assert_frame_equal(nothing.table.territories, current.territories)
    assert nothing.conflicts.empty
    alone = rebase(base, mine, base)  # nobody saved meanwhile: my table
    pd.testing.assert_frame_equal(alone.table.territories, mine.territories)
    assert alone.conflicts.empty
    same = rebase(base, current, current)  # both made the same changes: no conflict
    pd.testing.assert_frame_equal(same.table.territories, current.territories)
    assert same.conflicts.empty
