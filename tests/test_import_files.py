"""Bad (and tricky) programme files: each gives its French message, with row and column.

The files are built here, byte for byte, from real codes of the reference
(Paris 75056, Marseille 13055, Marcoux 04113, Ajaccio 2A004, Saint-Denis de La
Réunion 97411, Métropole du Grand Paris 200054781…).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from territorial.core.fmt import escape_html, escape_markdown
from territorial.model.file_reading import MAX_BYTES
from territorial.model.problems import ProgrammeFileError
from territorial.model.programme import resolve
from territorial.model.programme_file import ProgrammeTable, load_programme_file
from territorial.storage.store import Store

HEADER = "code,type,L1,L2,L3,L4"


@pytest.fixture
def load(reference, definition):
    def _load(data: bytes, *, filename: str = "programme.csv", sheet: str | None = None) -> ProgrammeTable:
        return load_programme_file(data, filename=filename, sheet=sheet, definition=definition, reference=reference)

    return _load


def refused(load, data: bytes, **kwargs) -> list[tuple[int | None, str | None, str, str]]:
    """Load a file that must be refused; return its problems as (row, column, value, message)."""
    with pytest.raises(ProgrammeFileError) as info:
        load(data, **kwargs)
    assert "refusé" in str(info.value)
    return [(p.row, p.column, p.value, p.message) for p in info.value.problems]


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def xlsx(*sheets: tuple[str, list[list]], merge: str | None = None) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    if merge:
        book.worksheets[0].merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- the file itself


def test_empty_file(load):
    assert refused(load, b"") == [(None, None, "", "le fichier est vide (0 octet).")]


def test_blank_text_file(load):
    problems = refused(load, b"  \n\n")
    assert problems[0][3] == "le fichier ne contient aucune ligne (ni en-tête, ni territoire)."


@pytest.mark.parametrize(
    "filename, data",
    [
        ("programme.csv", (HEADER + "\n").encode()),
        ("programme.csv", (HEADER + "\n,,,,,\n\n").encode()),
        ("programme.xlsx", xlsx(("Programme", [HEADER.split(",")]))),
    ],
)
def test_header_only(load, filename, data):
    assert refused(load, data, filename=filename) == [
        (None, None, "", "aucun territoire : le fichier ne contient que l'en-tête.")
    ]


def test_binary_garbage_renamed_csv(load):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)
    [(row, column, _, message)] = refused(load, png, filename="programme.csv")
    assert (row, column) == (None, None)
    assert message.startswith("ce fichier n'est pas un fichier texte (CSV) : il contient des données binaires")


def test_undecodable_text_renamed_csv(load):
    [(_, _, _, message)] = refused(load, bytes(range(128, 256)) * 20, filename="programme.csv")
    assert "ni UTF-8 ni Windows-1252" in message


def test_corrupt_xlsx(load):
    [(_, _, _, message)] = refused(load, b"PK\x03\x04 not really a zip", filename="programme.xlsx")
    assert message == "ce fichier XLSX est illisible ou corrompu (BadZipFile)."


def test_xlsx_renamed_csv_is_read_as_xlsx(load):
    data = xlsx(("Programme", [HEADER.split(","), ["75056", "commune", 1, 2, 3, 0]]))
    table = load(data, filename="programme.csv")
    assert table.territories[["code", "L1", "L3"]].values.tolist() == [["75056", 1, 3]]


def test_file_over_the_size_limit(load):
    data = csv("75056,commune,0,0,0,0") + b"#" * MAX_BYTES
    [(row, _, value, message)] = refused(load, data)
    assert row is None
    assert message == "le fichier dépasse la taille maximale de 5 Mo."
    assert value == "5,2 Mo"


def test_old_xls_format(load):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    [(_, _, _, message)] = refused(load, data, filename="programme.xls")
    assert ".xls n'est pas pris en charge" in message


# --------------------------------------------------------------------------- workbooks


MULTI = xlsx(
    ("Notes", [["Ce classeur contient le programme dans la feuille suivante."]]),
    ("Feuil2", [HEADER.split(","), ["75056", "commune", 0, 1, 2, 3]]),
)


def test_several_sheets_without_a_programme_sheet_reads_the_first(load):
    problems = refused(load, MULTI, filename="programme.xlsx")
    assert (
        1,
        "code",
        "",
        "colonne obligatoire manquante. Colonnes attendues : code, type, L1, L2, L3, L4.",
    ) in problems


def test_several_sheets_choice(load):
    table = load(MULTI, filename="programme.xlsx", sheet="Feuil2")
    assert table.territories[["code", "L4"]].values.tolist() == [["75056", 3]]


def test_several_sheets_unknown_choice(load):
    assert refused(load, MULTI, filename="programme.xlsx", sheet="Territoires") == [
        (None, None, "Territoires", "feuille introuvable ; feuilles du classeur : Notes, Feuil2.")
    ]


def test_programme_sheet_is_preferred_and_reported(load):
    data = xlsx(("Lisez-moi", [["notes"]]), ("Programme", [HEADER.split(","), ["13055", "commune", 1, 1, 1, 1]]))
    table = load(data, filename="programme.xlsx")
    assert table.territories["code"].tolist() == ["13055"]
    assert any("la feuille « Programme » a été lue" in w.message for w in table.warnings)


def test_merged_cells_leave_the_row_below_without_value(load):
    rows = [
        HEADER.split(","),
        ["75056", "commune", 0, 0, 0, 0],
        ["69123", None, 1, 1, 1, 1],
        ["13055", "commune", 2, 2, 2, 2],
    ]
    problems = refused(load, xlsx(("Programme", rows), merge="B2:B3"), filename="programme.xlsx")
    assert problems == [(3, "type", "", "type manquant : indiquez commune, epci, departement, region, groupement.")]


def test_xlsx_numbers_and_dates(load):
    rows = [
        [*HEADER.split(","), "date_dialogue"],
        [4113, "commune", 1.0, 0, 0, 2, dt.datetime(2025, 3, 1)],
        [200054781, "epci", 0, 0, 0, 0, None],
    ]
    table = load(xlsx(("Programme", rows)), filename="programme.xlsx")
    assert table.territories[["code", "L1", "L4", "date_dialogue"]].values.tolist() == [
        ["04113", 1, 2, "2025-03-01"],
        ["200054781", 0, 0, ""],
    ]


@pytest.mark.parametrize(
    "filename, data",
    [
        ("programme.csv", csv("", "75056,commune,0,0,0,0", ",,,,,", "13055,commune,1,1,1,1")),
        (
            "programme.xlsx",
            xlsx(
                (
                    "Programme",
                    [
                        HEADER.split(","),
                        [],
                        ["75056", "commune", 0, 0, 0, 0],
                        [None] * 6,
                        ["13055", "commune", 1, 1, 1, 1],
                    ],
                )
            ),
        ),
    ],
)
def test_blank_rows_are_ignored_and_reported(load, filename, data):
    table = load(data, filename=filename)
    assert table.territories["code"].tolist() == ["75056", "13055"]
    assert [w.message for w in table.warnings] == ["2 ligne(s) vide(s) ignorée(s)."]


@pytest.mark.parametrize(
    "filename, data",
    [
        ("programme.csv", csv("", "75056,commune,0,0,0,0", "", "13055,commune,9,0,0,0")),
        (
            "programme.xlsx",
            xlsx(
                (
                    "Programme",
                    [
                        HEADER.split(","),
                        [],
                        ["75056", "commune", 0, 0, 0, 0],
                        [None] * 6,
                        ["13055", "commune", 9, 0, 0, 0],
                    ],
                )
            ),
        ),
    ],
)
def test_blank_rows_keep_the_spreadsheet_row_numbers(load, filename, data):
    problems = refused(load, data, filename=filename)
    assert [(row, column, value) for row, column, value, _ in problems] == [(5, "L1", "9")]


# --------------------------------------------------------------------------- separators and encodings


NOTE = "Réunion à Orléans, « côté Œuvre »"


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_separators(load, separator):
    text = separator.join([*HEADER.split(","), "notes"]) + "\n"
    text += separator.join(["75056", "commune", "0", "1", "2", "3", f'"{NOTE}"']) + "\n"
    table = load(text.encode())
    assert table.territories[["code", "L2", "L4", "notes"]].values.tolist() == [["75056", 1, 3, NOTE]]


def test_wrong_separator_count_is_located(load):
    problems = refused(load, csv("75056,commune,0,0,0,0", "13055,commune,0,0,0,0,de trop"))
    assert problems == [
        (
            3,
            None,
            "",
            "cette ligne a 7 cellules pour 6 colonnes d'en-tête : vérifiez le séparateur « , » et les guillemets.",
        )
    ]


@pytest.mark.parametrize("encoding, warned", [("utf-8", False), ("utf-8-sig", False), ("cp1252", True)])
def test_encodings(load, encoding, warned):
    text = f"{HEADER.replace(',', ';')};notes\n75056;commune;0;0;0;0;{NOTE}\n"
    table = load(text.encode(encoding))
    assert table.territories["notes"].tolist() == [NOTE]
    assert list(table.territories.columns[:2]) == ["code", "type"]  # no BOM glued to « code »
    messages = [w.message for w in table.warnings]
    assert (messages == ["encodage Windows-1252 détecté : le fichier a été lu comme tel (accents vérifiés)."]) is warned


# --------------------------------------------------------------------------- codes


def test_dropped_leading_zero_is_restored_and_reported(load):
    table = load(csv("4113,commune,0,0,0,0", "1,departement,0,0,0,0"))
    assert table.territories["code"].tolist() == ["04113", "01"]
    assert [(w.row, w.column, w.value, w.message) for w in table.warnings] == [
        (2, "code", "4113", "zéro initial rétabli : « 04113 » (Marcoux)."),
        (3, "code", "1", "zéro initial rétabli : « 01 » (Ain)."),
    ]


def test_corsica(load, reference):
    table = load(csv("2a004,commune,0,0,0,0", "2B,departement,0,0,0,0", "2B096,commune,0,0,0,0"))
    assert table.territories["code"].tolist() == ["2A004", "2B", "2B096"]
    assert reference.communes.at["2A004", "nom"] == "Ajaccio"


def test_corsica_pre_1976_code_is_refused(load):
    [(row, column, value, message)] = refused(load, csv("20004,commune,0,0,0,0"))
    assert (row, column, value) == (2, "code", "20004")
    assert message.startswith("code inconnu du référentiel 2026 pour une commune")


@pytest.mark.parametrize("code", ["971", "972", "973", "974", "976"])
def test_overseas_departements(load, code):
    assert load(csv(f"{code},departement,0,0,0,0")).territories["code"].tolist() == [code]


def test_overseas_communes_and_975(load, reference, definition):
    table = load(csv("97411,commune,0,0,0,0", "97101,commune,0,0,0,0", "97611,commune,0,0,0,0"))
    programme = resolve(table, reference=reference, definition=definition)
    assert programme.territories.loc["97411", "nom"] == "Saint-Denis"
    assert programme.territories.loc["97611", "region_nom"] == "Mayotte"
    [(row, _, value, message)] = refused(load, csv("975,departement,0,0,0,0"))
    assert (row, value) == (2, "975")
    assert "code inconnu du référentiel 2026 pour un département" in message


def test_siren_with_spaces(load):
    table = load(csv('"200 054 781",epci,0,0,0,0', "200\u00a0046\u00a0977,epci,0,0,0,0"))
    assert table.territories["code"].tolist() == ["200054781", "200046977"]


def test_duplicate_territories(load):
    problems = refused(load, csv("04113,commune,0,0,0,0", "75056,commune,0,0,0,0", "4113,commune,1,1,1,1"))
    assert problems == [
        (
            4,
            "code",
            "04113",
            "territoire en double : déjà présent ligne 2 (pour suivre plusieurs dialogues d'un territoire, "
            "datez chaque ligne dans date_dialogue).",
        )
    ]


def test_unknown_code(load):
    [(row, column, value, message)] = refused(load, csv("99999,commune,0,0,0,0"))
    assert (row, column, value) == (2, "code", "99999")
    assert message == (
        "code inconnu du référentiel 2026 pour une commune (code INSEE à 5 caractères, ex. "
        "01001, 2A004, 97411). Code ancien ou erroné ?"
    )


def test_retired_code_points_to_the_current_commune(load):
    [(row, column, value, message)] = refused(load, csv("01039,commune,0,0,0,0"))
    assert (row, column, value) == (2, "code", "01039")
    assert message == (
        "ce code est celui d'une commune déléguée (Béon), pas d'une commune actuelle : "
        "utilisez le code 01138 (Culoz-Béon)."
    )


def test_arrondissement_points_to_the_city(load):
    [(_, _, _, message)] = refused(load, csv("75101,commune,0,0,0,0"))
    assert "arrondissement municipal (Paris 1er Arrondissement)" in message
    assert "utilisez le code 75056 (Paris)" in message


def test_code_of_the_wrong_kind(load):
    problems = refused(load, csv("69,commune,0,0,0,0", "200054781,commune,0,0,0,0", "75056,epci,0,0,0,0"))
    assert problems == [
        (
            2,
            "code",
            "69",
            "ce code désigne un département (Rhône), pas une commune : corrigez la colonne « type » ou le code.",
        ),
        (
            3,
            "code",
            "200054781",
            "ce code désigne une intercommunalité (EPCI) (Métropole du Grand Paris), "
            "pas une commune : corrigez la colonne « type » ou le code.",
        ),
        (
            4,
            "code",
            "75056",
            "ce code désigne une commune (Paris), pas une intercommunalité (EPCI) : "
            "corrigez la colonne « type » ou le code.",
        ),
    ]


def test_unknown_type(load):
    assert refused(load, csv("75056,quartier,0,0,0,0")) == [
        (2, "type", "quartier", "type inconnu : utilisez commune, epci, departement, region, groupement.")
    ]


# --------------------------------------------------------------------------- levels


ALLOWED = "valeurs admises 0 (non activé), 1 (émergent), 2 (engagé), 3 (structurant)."


def test_levels_out_of_range_or_not_numbers(load):
    problems = refused(load, csv("75056,commune,5,abc,-1,2.5", "13055,commune,,0,0,0"))
    assert problems == [
        (2, "L1", "5", f"niveau hors de l'échelle : {ALLOWED}"),
        (2, "L2", "abc", f"niveau n'est pas un nombre entier : {ALLOWED}"),
        (2, "L3", "-1", f"niveau hors de l'échelle : {ALLOWED}"),
        (2, "L4", "2.5", f"niveau n'est pas un nombre entier : {ALLOWED}"),
        (3, "L1", "", "niveau manquant pour le levier L1 : indiquez un entier de 0 à 3 (0 = non activé)."),
    ]


def test_levels_written_as_labels_or_decimals(load):
    table = load(csv('75056,commune,engagé,Structurant,"1,0",0'))
    assert table.territories[["L1", "L2", "L3", "L4"]].values.tolist() == [[2, 3, 1, 0]]


def test_missing_lever_column(load):
    problems = refused(load, csv("75056,commune,0,0,0", header="code,type,L1,L2,L3"))
    assert problems == [
        (
            1,
            "L4",
            "",
            "colonne obligatoire manquante (Coopérations & gouvernance "
            "territoriale). Colonnes attendues : code, type, L1, L2, L3, L4.",
        )
    ]


def test_every_problem_is_reported_at_once(load):
    problems = refused(
        load, csv("99999,commune,0,0,0,0", "75056,region,0,0,0,0", "13055,commune,0,7,0,0", "13055,commune,0,0,0,0")
    )
    assert [(row, column) for row, column, _, _ in problems] == [(2, "code"), (3, "code"), (4, "L2"), (5, "code")]


# --------------------------------------------------------------------------- other columns and text


def test_extra_columns_are_kept_and_reported(load):
    table = load(csv("75056,commune,0,0,0,0,Île-de-France,12", header=HEADER + ",Référent,Budget k€"))
    assert table.extra_columns == ["Référent", "Budget k€"]
    assert table.territories[["Référent", "Budget k€"]].values.tolist() == [["Île-de-France", "12"]]
    assert [(w.row, w.column, w.message) for w in table.warnings] == [
        (1, "Référent, Budget k€", "colonne(s) non reconnue(s) conservée(s) telles quelles, sans être utilisées.")
    ]


SCRIPT = "<script>alert('x')</script>"
IMG = "<img src=x onerror=alert(1)>"


def test_html_and_script_are_stored_as_text_and_displayed_escaped(load, reference, definition, tmp_path):
    data = csv(
        f'PETR-TEST,groupement,"{IMG}",200068658 200069664,0,1,0,0,"{SCRIPT}",[lien](javascript:x)',
        header="code,type,nom,membres,L1,L2,L3,L4,notes,contact",
    )
    table = load(data)
    assert table.territories.loc[0, "nom"] == IMG
    assert table.territories.loc[0, "notes"] == SCRIPT
    store = Store.open(f"sqlite:///{tmp_path / 'p.sqlite'}")
    saved = store.save(table, author=SCRIPT, comment=IMG, kind="import", expected_parent=None)
    again = store.get(saved.id)
    assert again.table.territories.loc[0, "nom"] == IMG
    assert again.table.territories.loc[0, "notes"] == SCRIPT
    assert (again.author, again.comment) == (SCRIPT, IMG)
    programme = resolve(again.table, reference=reference, definition=definition)
    name = programme.territories.loc["PETR-TEST", "nom"]
    assert escape_html(name) == "&lt;img src=x onerror=alert(1)&gt;"
    assert "<" not in escape_markdown(SCRIPT).replace("\\<", "")
    store.close()


@pytest.mark.parametrize("code", ["PETR/LANGRES", "[x](y)", "PAYS-DÉVAL", "-PAYS", "P" * 41, "PETR.SUD"])
def test_groupement_code_outside_the_one_rule_is_refused(load, code):
    data = csv(f'"{code}",groupement,Pays,200068658,0,1,0,0', header="code,type,nom,membres,L1,L2,L3,L4")
    [(row, column, value, message)] = refused(load, data)
    assert (row, column, value) == (2, "code", code.upper())
    assert message.startswith(
        "code de groupement invalide : un code de 40 caractères au plus, fait de lettres "
        "sans accent, de chiffres, de tirets (-) et de soulignés (_), ex. PETR-LANGRES"
    )


def test_groupement_codes_are_normalised_like_every_code(load):
    data = csv("petr_sud ,groupement,Pays,200068658,0,1,0,0", header="code,type,nom,membres,L1,L2,L3,L4")
    assert load(data).territories["code"].tolist() == ["PETR_SUD"]
