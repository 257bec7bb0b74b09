"""Hostile files: each is accepted or refused quickly, with a French message that locates it.

Class 6 (what a small file may cost): zip bombs, millions of cells, 10,000 columns,
200,000 rows, a 1 MB cell, thousands of problems. Class 7 (odd bytes): cells over the csv
module's 128 KB, control characters, unnamed or duplicated columns, other encodings.
The files come from territorial/harness/hostile_files.py (also measured by
bench/hostile_files.py).
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from territorial.core.fmt import fr_int
from territorial.editing import changes
from territorial.harness import hostile_files as hostile
from territorial.model import xlsx_reader
from territorial.model.file_reading import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, sheet_names
from territorial.model.problems import MAX_REPORTED, ProgrammeFileError
from territorial.model.programme import resolve
from territorial.model.programme_file import ProgrammeTable, load_programme_file
from territorial.model.vocabulary import NAMED_COLUMNS
from territorial.takeaways import exports

# Speed is not asserted here (a shared machine may be slow): bench/hostile_files.py reads each of
# these files against its budget (accepted or refused within 10 s, 300 MB at most).


@pytest.fixture
def load(reference, definition):
    def _load(data: bytes, *, filename: str = "programme.csv", sheet: str | None = None) -> ProgrammeTable:
        return load_programme_file(data, filename=filename, sheet=sheet, definition=definition, reference=reference)

    return _load


def refused(load, data: bytes, **kwargs) -> ProgrammeFileError:
    with pytest.raises(ProgrammeFileError) as info:
        load(data, **kwargs)
    return info.value


def only(error: ProgrammeFileError) -> tuple:
    [problem] = error.problems
    return problem.row, problem.column, problem.value, problem.message


# --------------------------------------------------------------------------- XLSX archives (class 6)


def test_zip_bomb_is_refused_from_its_declared_size(load):
    data = hostile.zip_bomb_xlsx(60 * 1024 * 1024)
    assert len(data) < 200_000
    row, _, _, message = only(refused(load, data, filename="programme.xlsx"))
    assert row is None
    assert message.startswith("une fois décompressé, le classeur ferait 60,0 Mo (50,0 Mo au plus)")


def test_a_part_compressed_a_thousand_times_is_refused(load):
    _, _, _, message = only(refused(load, hostile.ratio_bomb_xlsx(5 * 1024 * 1024), filename="programme.xlsx"))
    assert message.startswith("la partie « xl/styles.xml » du classeur est compressée ")
    assert "fois (100 fois au plus)" in message


def test_millions_of_tiny_cells_are_refused_before_parsing(load):
    data = hostile.many_cells_xlsx(3_000_000)
    assert len(data) < 300_000
    _, _, _, message = only(refused(load, data, filename="programme.xlsx"))
    assert "compressée" in message  # 48 MB of XML in a few hundred kilobytes


def test_too_many_cells_in_the_sheet(load, monkeypatch):
    monkeypatch.setattr(xlsx_reader, "MAX_SHEET_CELLS", 1_000)
    data = hostile.xlsx(hostile.rows_xml([hostile.HEADER, *[hostile.VALID_ROWS[0]] * 200]))
    _, _, _, message = only(refused(load, data, filename="programme.xlsx"))
    assert message.startswith(f"la feuille « Programme » contient plus de {fr_int(1_000)} cellules")


def test_a_filled_cell_beyond_the_last_column(load):
    data = hostile.one_wide_row_xlsx(10_000)
    _, _, _, message = only(refused(load, data, filename="programme.xlsx"))
    assert message == (
        f"la feuille « Programme » a une cellule remplie en colonne AY (ligne 2) : {MAX_COLUMNS} colonnes au plus."
    )


def test_a_row_beyond_the_last_spreadsheet_row(load):
    _, _, _, message = only(refused(load, hostile.far_row_xlsx(), filename="programme.xlsx"))
    assert message.startswith("la feuille « Programme » a une ligne numérotée « 999999999999 », hors des")


def test_xml_entities_are_refused(load):
    _, _, _, message = only(refused(load, hostile.billion_laughs_xlsx(), filename="programme.xlsx"))
    assert message.startswith("le classeur contient une déclaration de type de document (DOCTYPE)")


def test_sheet_names_of_a_refused_workbook_is_empty_and_the_import_says_why(load):
    data = hostile.zip_bomb_xlsx(60 * 1024 * 1024)
    assert sheet_names(data, filename="programme.xlsx") == changes.sheet_names(data, filename="p.xlsx") == []
    assert sheet_names(hostile.xlsx(hostile.rows_xml([hostile.HEADER])), filename="p.xlsx") == ["Programme"]


def test_an_opendocument_spreadsheet_says_what_to_do(load):
    buffer = io.BytesIO()
    with __import__("zipfile").ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    _, _, _, message = only(refused(load, buffer.getvalue(), filename="programme.ods"))
    assert message.startswith("ce fichier est un classeur OpenDocument (.ods)")


def test_a_password_protected_workbook_says_what_to_do(load):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)  # encrypted OOXML is an OLE container
    _, _, _, message = only(refused(load, data, filename="programme.xlsx"))
    assert message.startswith("ce classeur est protégé par un mot de passe")


def test_xlsx_rows_over_the_limit(load, reference):
    rows = hostile.rows_xml(hostile.max_valid_rows(MAX_ROWS + 1, 8, list(reference.communes.index)))
    _, _, _, message = only(refused(load, hostile.xlsx(rows), filename="programme.xlsx"))
    assert message.startswith(f"le fichier a plus de {fr_int(MAX_ROWS)} lignes de territoires et de dialogues")


# --------------------------------------------------------------------------- CSV sizes (class 6)


def test_ten_thousand_columns_are_refused_at_the_header(load):
    assert only(refused(load, hostile.wide_csv(10_000))) == (
        1,
        None,
        "",
        f"le fichier a {fr_int(10_000)} colonnes ({MAX_COLUMNS} au plus) : retirez les colonnes inutiles.",
    )


def test_two_hundred_thousand_rows_are_refused(load):
    data = hostile.long_csv(200_000)
    assert len(data) < 5 * 1024 * 1024
    _, _, _, message = only(refused(load, data))
    assert message == (
        f"le fichier a plus de {fr_int(MAX_ROWS)} lignes de territoires et de dialogues ({fr_int(MAX_ROWS)} "
        "au plus) : découpez-le ou retirez les lignes inutiles."
    )


def test_blank_lines_do_not_count_as_territories(load):
    data = hostile.csv_text([hostile.HEADER, hostile.VALID_ROWS[0]]) + b"\n" * 20_000
    table = load(data)
    assert table.territories["code"].tolist() == ["75056"]
    assert [w.message for w in table.warnings] == [f"{fr_int(20_000)} ligne(s) vide(s) ignorée(s)."]


def test_millions_of_blank_lines_are_refused(load):
    _, _, _, message = only(refused(load, hostile.blank_lines_csv()))
    assert message == f"le fichier a plus de {fr_int(1_048_576)} lignes, plus qu'un tableur n'en peut contenir."


#: Extra columns of the largest valid programme: 50 columns once stored (code, type, nom, membres,
#: 4 levers, date_dialogue, notes, contact, extras), as its exports have.
MOST_EXTRAS = MAX_COLUMNS - len(NAMED_COLUMNS) - 4  # the named columns and 4 levers


@pytest.mark.parametrize(
    ("n_rows", "n_extras"),
    [(MAX_ROWS, 4), (5_000, MOST_EXTRAS)],
    ids=["most-rows", "most-columns"],  # both at once would pass 5 MB
)
def test_the_largest_valid_file_is_accepted_and_its_exports_too(load, reference, definition, n_rows, n_extras):
    codes = list(reference.communes.index)
    rows = hostile.max_valid_rows(n_rows, n_extras, codes)
    table = load(hostile.csv_text(rows))
    assert table.territories.shape == (n_rows, MAX_COLUMNS - MOST_EXTRAS + n_extras)
    programme = resolve(table, reference=reference, definition=definition)
    for data, name in [
        (exports.to_xlsx(programme), "export.xlsx"),
        (exports.to_csv(exports.file_frame(programme), meta=programme.meta), "export.csv"),
    ]:
        again = load(data, filename=name)
        pd.testing.assert_frame_equal(again.territories, table.territories)
    too_many = hostile.max_valid_rows(MAX_ROWS + 1, 4, codes)
    assert only(refused(load, hostile.csv_text(too_many)))[3].startswith("le fichier a plus de")
    too_wide = hostile.max_valid_rows(3, MOST_EXTRAS + 1, codes)
    assert only(refused(load, hostile.csv_text(too_wide))) == (
        1,
        f"extra{MOST_EXTRAS}",
        "",
        f"trop de colonnes non reconnues ({MOST_EXTRAS + 1} ; {MOST_EXTRAS} au plus, "
        "avec les 13 colonnes du programme).",
    )


def test_thousands_of_problems_are_counted_and_the_first_ones_listed(load):
    error = refused(load, hostile.many_problems_csv(3_000))
    assert error.total == 3_000 * 5  # type and four levels (the code of an unknown type is not looked up)
    assert len(error.problems) == MAX_REPORTED
    assert error.more == f"… et {fr_int(error.total - MAX_REPORTED)} autres problèmes"
    assert str(error).splitlines()[0] == f"Le fichier « programme.csv » a été refusé : {fr_int(error.total)} problèmes."
    assert str(error).splitlines()[-1] == f"… et {fr_int(error.total - 50)} autres problèmes"
    assert len(str(error).splitlines()) == 52


# --------------------------------------------------------------------------- odd bytes (class 7)


def test_a_cell_over_128_kb_is_refused_with_its_row_and_column(load):
    row, column, value, message = only(refused(load, hostile.big_cell_csv(1024 * 1024)))
    assert (row, column) == (2, "notes")
    assert message == (
        f"texte trop long ({fr_int(1024 * 1024)} caractères ; {fr_int(MAX_CELL_CHARS)} au plus, "
        "comme dans une cellule de tableur)."
    )
    assert value == "x" * 120 + "…"  # the value is quoted, not copied whole


def test_a_cell_of_a_spreadsheet_maximum_is_accepted(load):
    table = load(hostile.big_cell_csv(MAX_CELL_CHARS))
    assert len(table.territories.loc[0, "notes"]) == MAX_CELL_CHARS


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85"])
def test_control_characters_are_refused_with_row_and_column(load, character):
    row, column, value, message = only(refused(load, hostile.control_after_4kb_csv(character)))
    assert (row, column) == (3, "notes")
    assert value == f"avant[U+{ord(character):04X}]après"
    assert message == (
        f"caractère de contrôle interdit (U+{ord(character):04X}, position 6) : supprimez-le ; "
        "seuls la tabulation et le retour à la ligne sont admis."
    )


def test_tab_and_line_breaks_are_kept_in_notes(load):
    data = b'code;type;L1;L2;L3;L4;notes\n75056;commune;0;0;0;0;"a\tb\r\nc\nd"\n'
    assert load(data).territories.loc[0, "notes"] == "a\tb\r\nc\nd"


def test_control_characters_in_a_workbook_and_in_a_header(load):
    # XML 1.0 forbids most C0 characters, not DEL nor the C1 controls (U+0080-U+009F)
    data = hostile.xlsx(
        hostile.rows_xml([[*hostile.HEADER, "notes"]])
        + "<row>"
        + "".join(hostile.cell(v) for v in hostile.VALID_ROWS[0])
        + '<c t="inlineStr"><is><t>o&#x7f;k&#x9b;</t></is></c></row>'
    )
    row, column, value, _ = only(refused(load, data, filename="programme.xlsx"))
    assert (row, column, value) == (2, "notes", "o[U+007F]k[U+009B]")
    header = hostile.csv_text([[*hostile.HEADER, "no\x1btes"], [*hostile.VALID_ROWS[0], "x"]])
    row, column, _, message = only(refused(load, header))
    assert (row, column) == (1, "no[U+001B]tes")
    assert message.startswith("en-tête de colonne : caractère de contrôle interdit (U+001B")


def test_the_editor_refuses_control_characters_too(demo, reference, definition):
    base = load_programme_file(
        hostile.csv_text([[*hostile.HEADER, "notes"], [*hostile.VALID_ROWS[0], "ok"]]),
        filename="p.csv",
        definition=definition,
        reference=reference,
    )
    frame = changes.editor_frame(base, definition=definition)
    frame.loc[0, "notes"] = "collé\x00depuis un autre logiciel"
    with pytest.raises(ProgrammeFileError) as info:
        changes.table_from_editor(frame, base=base, definition=definition, reference=reference)
    [problem] = info.value.problems
    assert (problem.row, problem.column, problem.value) == (1, "notes", "collé[U+0000]depuis un autre logiciel")


def test_csv_reading_errors_are_french_with_their_row(load, monkeypatch):
    import csv

    real = csv.reader

    def failing(*args, **kwargs):
        rows = real(*args, **kwargs)

        def gen():
            yield next(rows)
            yield next(rows)
            raise csv.Error("field larger than field limit (131072)")

        return gen()

    monkeypatch.setattr("territorial.model.file_reading.csv.reader", failing)
    data = hostile.csv_text([hostile.HEADER, *hostile.VALID_ROWS])
    assert only(refused(load, data)) == (
        3,
        None,
        "",
        "ligne illisible (field larger than field limit (131072)) : vérifiez les guillemets et le séparateur.",
    )


def test_two_unnamed_columns_with_values_are_reported_not_a_crash(load):
    data = hostile.csv_text([[*hostile.HEADER, "", ""], [*hostile.VALID_ROWS[0], "x", "y"]])
    problems = refused(load, data).problems
    assert [(p.row, p.column, p.message) for p in problems] == [
        (1, "", "colonne sans en-tête mais avec des valeurs : donnez-lui un nom ou supprimez-la.")
    ] * 2


def test_a_duplicated_extra_column_is_reported_not_lost(load):
    data = hostile.csv_text([[*hostile.HEADER, "Référent", "Référent"], [*hostile.VALID_ROWS[0], "x", "y"]])
    assert only(refused(load, data)) == (
        1,
        "Référent",
        "",
        "colonne en double : « Référent » apparaît deux fois dans l'en-tête.",
    )


def test_utf16_text_of_excel_is_read(load):
    text = "code\ttype\tL1\tL2\tL3\tL4\tnotes\r\n75056\tcommune\t0\t1\t2\t3\tRéunion « Œuvre »\r\n"
    table = load(text.encode("utf-16"), filename="programme.txt")
    assert table.territories[["code", "L4", "notes"]].values.tolist() == [["75056", 3, "Réunion « Œuvre »"]]


def test_meta_lines_are_bounded(load):
    data = b"# a: 1\n" * 101 + hostile.csv_text([hostile.HEADER, hostile.VALID_ROWS[0]])
    assert only(refused(load, data))[3].startswith("le fichier commence par plus de 100 lignes de commentaires")


def test_a_spreadsheet_padded_meta_line_is_read_back(load):
    data = b"# statut: demonstration;;;;;\n" + hostile.csv_text([hostile.HEADER, hostile.VALID_ROWS[0]])
    assert load(data).is_demo


def test_problems_frame_never_holds_a_megabyte(load):
    frame = refused(load, hostile.big_cell_csv(1024 * 1024)).as_frame()
    assert isinstance(frame, pd.DataFrame) and frame["Valeur"].str.len().max() <= 121


def test_groupements_of_thousands_of_members_are_checked(load, reference):
    codes = list(reference.communes.index)
    table = load(hostile.many_members_csv(codes, size=1_000_000))  # 33 groupements of 5,000 communes
    assert len(table.territories) == 33
    assert table.territories.loc[0, "membres"].split()[:2] == codes[:2]
    data = hostile.many_members_csv(codes, size=1_000_000, known=False)
    error = refused(load, data)
    unknown = [c for c in data.decode().splitlines()[1].split(";")[3].split() if c not in reference.communes.index]
    assert error.total == 33 * len(unknown) > 100_000  # each one counted
    assert len(error.problems) == MAX_REPORTED


def test_an_escaped_lone_surrogate_is_kept_as_written(load):
    data = hostile.xlsx(hostile.rows_xml([[*hostile.HEADER, "notes"], [*hostile.VALID_ROWS[0], "a_xD800_b_x00E9_"]]))
    assert load(data, filename="programme.xlsx").territories.loc[0, "notes"] == "a_xD800_bé"
