"""The programme's own segments (a ``segment`` column) and the file's columns that bear the
name of a computed one (``population``, ``departement``, ``geometry``…).

Real territories: Métropole de Lyon (200046977, about 1.4 million inhabitants, S4 by
population), Marcoux (04113, a few hundred, S1), Gironde (33, S4), the Communauté de
communes Vallée de l'Hérault (243400694).
"""

from __future__ import annotations

import pandas as pd
import pytest

from territorial.content.fiche import fiche_data as build_fiche
from territorial.content.fiche_text import facts_markdown
from territorial.content.tables import territory_card, territory_table
from territorial.content.territory_map import map_frame
from territorial.model.problems import ProgrammeFileError
from territorial.model.programme import COMPUTED_COLUMNS, FILE_PREFIX, file_name, kept_name, resolve
from territorial.model.programme_file import _COLUMN_ALIASES
from territorial.model.vocabulary import NAMED_COLUMNS
from territorial.storage.store import Store
from territorial.takeaways import exports
from territorial.takeaways.fiche_pdf import fiche_pdf

LYON, MARCOUX, GIRONDE, VALLEE_HERAULT = "200046977", "04113", "33", "243400694"


def _csv(header: str, *rows: str) -> str:
    return "\n".join([header, *rows]) + "\n"


@pytest.fixture
def placed(load_csv, reference, definition):
    """Lyon placed in S1 by the programme (its population gives S4), Marcoux by its population,
    the Gironde in S4 by the programme and by its population alike (label in lower case)."""
    table = load_csv(
        _csv(
            "code,type,segment,L1,L2,L3,L4",
            f"{LYON},epci,S1,1,2,0,3",
            f"{MARCOUX},commune,,0,1,0,0",
            f"{GIRONDE},departement,métropoles ET très grands territoires,2,2,2,2",
        )
    )
    return resolve(table, reference=reference, definition=definition)


def test_the_programme_sets_a_segment_whatever_the_population(placed):
    data = placed.territories
    assert data.loc[LYON, ["segment", "segment_population", "segment_attribue"]].tolist() == ["S1", "S4", True]
    assert data.loc[MARCOUX, ["segment", "segment_population", "segment_attribue"]].tolist() == ["S1", "S1", False]
    assert data.loc[GIRONDE, ["segment", "segment_population", "segment_attribue"]].tolist() == ["S4", "S4", True]
    assert data.loc[LYON, "population"] > 1_000_000  # the official population, untouched


def test_a_placed_territory_says_so_wherever_its_segment_is_shown(placed, reference):
    fiche = build_fiche(placed, LYON, reference=reference)
    expected = (
        "segment attribué par le programme ; sa population le placerait dans « Métropoles et très grands territoires »"
    )
    assert fiche.segment.id == "S1"
    assert fiche.segment_note == expected
    assert fiche.threshold_txt == ""  # a population threshold means nothing here
    assert expected in facts_markdown(fiche).replace("\\", "")
    assert "segment attribué par le programme" in territory_card(placed, LYON)
    table = territory_table(placed, placed.territories).set_index("Code")
    assert table.at[LYON, "Segment"] == "Petits territoires (attribué par le programme)"
    assert table.at[MARCOUX, "Segment"] == "Petits territoires"
    tooltips = map_frame(placed, placed.territories, mode="segment").shapes.set_index("code")["segment_txt"]
    assert tooltips[LYON] == "Petits territoires (attribué par le programme)"
    same = build_fiche(placed, GIRONDE, reference=reference)
    assert same.segment_note == "segment attribué par le programme (sa population le place aussi dans ce segment)"
    assert build_fiche(placed, MARCOUX, reference=reference).segment_note == ""


def test_the_pdf_says_the_programme_placed_the_territory(placed, reference):
    import io

    from pypdf import PdfReader

    pdf = fiche_pdf(placed, LYON, reference=reference)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "segment attribué par le programme" in text
    assert "Métropoles et très grands territoires" in text


def test_the_exports_carry_the_programme_segment_and_import_back(placed, load_csv, reference, definition):
    frame = exports.file_frame(placed).set_index("code")
    assert frame.at[LYON, "segment"] == "S1"
    assert frame.at[MARCOUX, "segment"] == ""  # placed by its population: nothing to carry
    table = exports.table_frame(placed).set_index("Code")
    assert table.loc[
        LYON, ["Segment", "Segment attribué par le programme", "Segment selon sa population"]
    ].tolist() == [
        "S1",
        "oui",
        "Métropoles et très grands territoires",
    ]
    again = resolve(
        load_csv(exports.to_csv(exports.file_frame(placed), meta=placed.meta)),
        reference=reference,
        definition=definition,
    )
    pd.testing.assert_frame_equal(
        again.territories.drop(columns="geometry"), placed.territories.drop(columns="geometry")
    )


def test_an_unknown_segment_is_refused_with_its_row_and_column(load_csv):
    with pytest.raises(ProgrammeFileError) as info:
        load_csv(_csv("code,type,Segment,L1,L2,L3,L4", f"{LYON},epci,S9,1,2,0,3", f"{MARCOUX},commune,Moyens,0,1,0,0"))
    problems = [(p.row, p.column, p.value) for p in info.value.problems]
    assert problems == [(2, "Segment", "S9"), (3, "Segment", "Moyens")]
    message = info.value.problems[0].message
    assert message.startswith("segment inconnu : indiquez S1 (Petits territoires), S2 (Territoires intermédiaires)")


def test_a_territory_has_one_segment_across_its_dialogues(load_csv):
    header = "code,type,segment,L1,L2,L3,L4,date_dialogue"
    table = load_csv(_csv(header, f"{LYON},epci,S2,1,2,0,3,2024-03-01", f"{LYON},epci,,1,2,1,3,2025-03-01"))
    assert table.territories["segment"].tolist() == ["S2", "S2"]  # the undated… the unsaid row takes it
    with pytest.raises(ProgrammeFileError) as info:
        load_csv(_csv(header, f"{LYON},epci,S2,1,2,0,3,2024-03-01", f"{LYON},epci,S3,1,2,1,3,2025-03-01"))
    (problem,) = info.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "segment", "S3")
    assert "segment différent de celui de la ligne 2" in problem.message


def test_the_store_keeps_the_programme_segment(load_csv, tmp_path):
    table = load_csv(_csv("code,type,segment,L1,L2,L3,L4", f"{LYON},epci,S1,1,2,0,3", f"{MARCOUX},commune,,0,1,0,0"))
    store = Store.open(f"sqlite:///{tmp_path / 'p.sqlite'}")
    try:
        saved = store.save(table, author="test", comment="", kind="import", expected_parent=None)
        assert store.get(saved.id).table.territories["segment"].tolist() == ["S1", ""]
    finally:
        store.close()


# --------------------------------------------------------------------------- columns of computed names


#: Every column the programme computes that a file may also have as a column of its own (aside
#: from the file's named columns and their aliases: « nature » is another name for « type »).
COLLIDING = sorted(c for c in COMPUTED_COLUMNS - set(NAMED_COLUMNS) if c not in _COLUMN_ALIASES)


def test_every_computed_column_is_listed():
    """The list the test walks through is the real one: a column added to the programme is in it."""
    assert {"population", "annee_population", "departement", "departement_nom", "region", "region_nom"} <= set(
        COLLIDING
    )
    assert {"geometry", "type_label", "segment_population", "segment_attribue", "n_actives"} <= set(COLLIDING)
    assert {"evalue", "n_dialogues", "premier_dialogue", "progression"} <= set(COLLIDING)


@pytest.mark.parametrize("column", COLLIDING)
def test_a_file_column_named_like_a_computed_one_is_kept_apart(column, load_csv, reference, definition):
    table = load_csv(
        _csv(f"code,type,L1,L2,L3,L4,{column}", f"{LYON},epci,1,2,0,3,x1", f"{MARCOUX},commune,0,1,0,0,x2")
    )
    assert table.extra_columns == [column]
    programme = resolve(table, reference=reference, definition=definition)
    data = programme.territories
    assert data.loc[[LYON, MARCOUX], FILE_PREFIX + column].tolist() == ["x1", "x2"]
    assert data.at[MARCOUX, "nom"] == "Marcoux" and data.at[MARCOUX, "departement"] == "04"
    assert data.at[LYON, "segment"] == "S4" and data["evalue"].all()
    # the programme file gives it back under its own name, and imports back the same
    frame = exports.file_frame(programme)
    assert list(frame.columns)[-1] == column and frame[column].tolist() == ["x1", "x2"]
    again = load_csv(exports.to_csv(frame, meta=programme.meta))
    pd.testing.assert_frame_equal(again.territories, table.territories)
    # the table of territories shows both, the file's one marked as such
    wide = exports.table_frame(programme)
    shown = f"{column} (fichier)" if column in wide.columns[:-1] else column
    assert wide[shown].tolist() == ["x1", "x2"]
    assert exports.to_xlsx(programme)  # and the workbook is written


def test_kept_names_give_the_file_names_back():
    for name in ["population", "Population", FILE_PREFIX + "population", "Référent", "L1"]:
        assert file_name(kept_name(name, ["L1"])) == name


def test_a_population_column_is_noted_where_it_differs(load_csv, reference):
    official = int(reference.layer("communes").at[MARCOUX, "population"])
    table = load_csv(
        _csv(
            "code,type,L1,L2,L3,L4,Population",
            f"{LYON},epci,1,2,0,3,1 000",
            f"{MARCOUX},commune,0,1,0,0,{official}",
            f"{VALLEE_HERAULT},epci,0,1,0,0,pas connue",
        )
    )
    notes = [(w.row, w.column, w.value, w.message) for w in table.warnings if w.column == "Population"]
    header = [message for row, _, _, message in notes if row == 1]
    assert any("population du fichier conservée mais non utilisée" in m for m in header)
    rows = [note for note in notes if note[0] != 1]
    assert len(rows) == 1  # Lyon only: Marcoux agrees, « pas connue » is no figure
    row, column, value, message = rows[0]
    assert (row, column, value) == (2, "Population", "1 000")
    assert message.startswith("population du fichier (1\u202f000) différente de la population officielle utilisée : ")
    assert "population municipale 2023, INSEE" in message
