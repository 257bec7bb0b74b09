"""Programme files: validation messages with row and column, resolution, statistics."""

import pandas as pd
import pytest

from territorial.content.levers import key_figures, peer_share, segment_lever_matrix, similar_territories
from territorial.model.problems import ProgrammeFileError
from territorial.model.programme import resolve

HEADER = "code;type;nom;membres;L1;L2;L3;L4;date_dialogue;notes\n"


def _messages(load_csv, text: str, **kw) -> list[str]:
    with pytest.raises(ProgrammeFileError) as err:
        load_csv(text, **kw)
    return [str(p) for p in err.value.problems]


def test_every_problem_is_reported_at_once_with_row_and_column(load_csv) -> None:
    text = HEADER + (
        "01001;commune;;;0;1;2;7;;\n"  # row 2: level out of range
        "99999;commune;;;0;1;2;3;;\n"  # row 3: unknown code
        "200054781;commune;;;1;1;1;1;;\n"  # row 4: wrong kind
        "01039;commune;;;1;deux;1;1;;\n"  # row 5: retired code + not a number
        "200046977;epci;;;1;1;1;1;;\n"
        "200046977;epci;;;1;1;1;1;31/02/2025;\n"  # row 7: duplicate + bad date
    )
    messages = _messages(load_csv, text)
    assert len(messages) == 7
    assert messages[0].startswith("Ligne 2, colonne « L4 » : niveau hors de l'échelle")
    assert "Ligne 3, colonne « code » : code inconnu du référentiel" in messages[1]
    assert "ce code désigne une intercommunalité (EPCI) (Métropole du Grand Paris)" in messages[2]
    assert "commune déléguée (Béon)" in messages[3] and "01138 (Culoz-Béon)" in messages[3]
    assert messages[4].startswith("Ligne 5, colonne « L2 » : niveau n'est pas un nombre entier")
    assert "Ligne 7, colonne « date_dialogue »" in messages[5]
    assert messages[6].startswith("Ligne 6, colonne « date_dialogue » : date manquante : ce territoire a plusieurs")


def test_french_excel_csv_is_accepted(load_csv) -> None:
    # cp1252, ';', leading zero dropped by Excel, SIREN with spaces, Corsica in lower case,
    # a level written as its label, a French date.
    text = (
        "code;type;L1;L2;L3;L4;date_dialogue;notes\n"
        "1001;Commune;0;1;2;3;05/03/2025;Réunion à l'hôtel de ville\n"
        "200 046 977;EPCI;engagé;1;1;1;;\n"
        "2a;Département;1;0;0;0;;\n"
    )
    table = load_csv(text, encoding="cp1252")
    rows = table.territories.set_index("code")
    assert list(rows.index) == ["01001", "200046977", "2A"]
    assert rows.at["200046977", "L1"] == 2
    assert rows.at["01001", "date_dialogue"] == "2025-03-05"
    assert rows.at["01001", "notes"] == "Réunion à l'hôtel de ville"
    warnings = [str(w) for w in table.warnings]
    assert any("zéro initial rétabli : « 01001 »" in w and "Ligne 2" in w for w in warnings)


def test_missing_columns_and_empty_file(load_csv) -> None:
    assert _messages(load_csv, "code;type;L1;L2\n01001;commune;1;1\n") == [
        "Ligne 1, colonne « L3 » : colonne obligatoire manquante (Financement & investissement en "
        "commun). Colonnes attendues : code, type, L1, L2, L3, L4.",
        "Ligne 1, colonne « L4 » : colonne obligatoire manquante (Coopérations & gouvernance "
        "territoriale). Colonnes attendues : code, type, L1, L2, L3, L4.",
    ]
    assert _messages(load_csv, b"") == ["Le fichier est vide (0 octet)."]
    assert _messages(load_csv, HEADER) == ["Aucun territoire : le fichier ne contient que l'en-tête."]


def test_groupement_is_resolved_from_its_members(load_csv, reference, definition) -> None:
    members = ["200027308", "200072999", "200070332"]
    text = HEADER + f"PETR-LANGRES;groupement;Pays de Langres;{' '.join(members)};1;1;1;1;;\n"
    programme = resolve(load_csv(text), reference=reference, definition=definition)
    row = programme.territories.loc["PETR-LANGRES"]
    assert row["population"] == sum(reference.epci.at[m, "population"] for m in members)
    assert row["departement"] == "52" and row["region"] == "44"
    assert row["geometry"].area == pytest.approx(sum(reference.epci.at[m, "geometry"].area for m in members), rel=1e-3)


def test_matrix_and_figures_on_a_small_programme(load_csv, reference, definition) -> None:
    text = HEADER + (
        "01001;commune;;;0;1;0;3;;\n"  # S1
        "01004;commune;;;1;0;0;2;;\n"  # S1 (Ambérieu-en-Bugey, ~15 000 hab.)
        "200054781;epci;;;3;3;2;0;;\n"  # S4
    )
    programme = resolve(load_csv(text), reference=reference, definition=definition)
    assert list(programme.territories["segment"]) == ["S1", "S1", "S4"]
    matrix = segment_lever_matrix(programme).set_index(["segment", "lever"])
    assert matrix.at[("S1", "L1"), "share"] == 0.5
    assert matrix.at[("S1", "L4"), "share"] == 1.0
    assert matrix.at[("S1", "L4"), "mean_level"] == 2.5
    assert matrix.at[("S4", "L4"), "share"] == 0.0
    assert pd.isna(matrix.at[("S2", "L1"), "share"]) and matrix.at[("S2", "L1"), "n"] == 0
    figures = key_figures(programme)
    assert figures.per_segment == {"S1": 2, "S2": 0, "S3": 0, "S4": 1}
    assert figures.per_lever == {"L1": 2, "L2": 2, "L3": 1, "L4": 2}
    assert (figures.n, figures.all_levers) == (3, 0)
    assert peer_share(programme, "01001").to_dict() == {"L1": 1.0, "L2": 0.0, "L3": 0.0, "L4": 1.0}
    assert list(similar_territories(programme, "01001").index) == ["01004"]


def test_key_figures_of_the_demo(demo) -> None:
    figures = key_figures(demo)
    levels = demo.territories[demo.lever_ids]
    assert figures.n == 81 and sum(figures.per_segment.values()) == 81
    assert figures.population == demo.territories["population"].sum()
    assert figures.all_levers == int((levels >= demo.definition.active_from).all(axis=1).sum()) > 0
    assert figures.per_lever == {
        lever: int((levels[lever] >= demo.definition.active_from).sum()) for lever in demo.lever_ids
    }
