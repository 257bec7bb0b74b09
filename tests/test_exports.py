"""Exports: CSV for a French Excel, XLSX without formulas, GeoJSON with resolved data."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from territorial.core.spreadsheet_text import restore
from territorial.model.programme import resolve
from territorial.model.programme_file import load_programme_file
from territorial.model.xlsx_reader import escape, unescape
from territorial.takeaways import exports
from tests.programmes import with_values

DANGEROUS = {
    "75056": '=HYPERLINK("http://example.org";"clic")',
    "13055": "+33 1 23 45 67 89",
    "69123": "-2+3",
    "31555": "@SUM(A1:A2)",
}


@pytest.fixture
def risky(load_csv, reference, definition):
    rows = "\n".join(
        f'{code},commune,1,2,0,3,"{note.replace(chr(34), 2 * chr(34))}",=1+1' for code, note in DANGEROUS.items()
    )
    table = load_csv(f"code,type,L1,L2,L3,L4,notes,Formule\n{rows}\n")
    return resolve(table, reference=reference, definition=definition)


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://example.org";"clic")', '\'=HYPERLINK("http://example.org";"clic")'),
        ("+33 1 23 45 67 89", "'+33 1 23 45 67 89"),  # Excel reads =+33 1 23… (an error): protected
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcaché", "'\tcaché"),
        ("\rretour", "'\rretour"),
        ("  =1+1", "'  =1+1"),  # after spaces too
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width ＝ ＋ － ＠
        ("\uff0b33", "'\uff0b33"),
        ("\uff0dx", "'\uff0dx"),
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
        ("'=déjà", "''=déjà"),  # already quoted: one more quote, undone by the import
        ("'", "'"),
        ("'abc", "'abc"),
        ("-", "-"),  # a lone sign runs nothing
        ("+", "+"),
        ("-12", "-12"),  # plain numbers stay numbers
        ("+3,5", "+3,5"),
        ("Paris", "Paris"),
        ("", ""),
        (-3, -3),
        (None, None),
    ],
)
def test_neutralise(value, written):
    assert exports.neutralise(value) == written
    if isinstance(value, str):
        assert restore(written) == value


def test_restore_is_the_inverse_of_neutralise_on_every_short_text():
    alphabet = ["'", "=", "-", "+", "@", "\uff1d", " ", "\t", "1", "a", ","]
    texts = [""] + alphabet
    for _ in range(3):
        texts = [t + c for t in texts for c in alphabet if len(t) < 4] + texts
    for text in set(texts):
        assert restore(exports.neutralise(text)) == text, repr(text)


def test_csv_neutralises_tab_and_carriage_return():
    frame = pd.DataFrame({"notes": ["\tcaché", "\rretour", "ok"], "niveau": [1, -2, 3]})
    rows = list(csv.reader(io.StringIO(exports.to_csv(frame).decode("utf-8-sig")), delimiter=";"))
    assert rows == [["notes", "niveau"], ["'\tcaché", "1"], ["'\rretour", "-2"], ["ok", "3"]]


def test_csv_opens_in_french_excel(demo):
    data = exports.to_csv(exports.file_frame(demo), meta=demo.meta)
    assert data.startswith(b"\xef\xbb\xbf# statut: demonstration\r\n")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    header = next(line for line in lines if not line.startswith("#"))
    assert header == "code;type;nom;membres;segment;L1;L2;L3;L4;date_dialogue;etape;notes;contact"
    rows = list(csv.reader(io.StringIO("\r\n".join(lines[lines.index(header) :])), delimiter=";"))
    corte = [r for r in rows if r[0] == "2B096"]
    assert [r[9:11] for r in corte] == [["2024-07-05", "T0"], ["2025-06-19", "T+12"], ["2026-08-12", "T+24"]]
    assert corte[-1][:9] == ["2B096", "commune", "Corte", "", "", "0", "0", "1", "3"]  # its latest dialogue
    assert len(rows) == 1 + len(demo.assessments) == 1 + 255


def test_csv_round_trip_through_the_import(demo, reference, definition):
    data = exports.to_csv(exports.file_frame(demo), meta=demo.meta)
    table = load_programme_file(data, filename="export.csv", definition=definition, reference=reference)
    assert table.is_demo
    again = resolve(table, reference=reference, definition=definition)
    assert again.territories.index.tolist() == demo.territories.index.tolist()
    pd.testing.assert_frame_equal(again.assessments, demo.assessments)
    assert [w.message for w in table.warnings] == []


def test_csv_neutralises_formulas(risky):
    text = exports.to_csv(exports.file_frame(risky)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows[0]
    notes = {row[0]: row[header.index("notes")] for row in rows[1:]}
    assert notes == {code: "'" + note for code, note in DANGEROUS.items()}
    assert {row[header.index("Formule")] for row in rows[1:]} == {"'=1+1"}
    assert all(row[header.index("L4")] == "3" for row in rows[1:])  # numbers untouched
    table = exports.to_csv(exports.table_frame(risky)).decode("utf-8-sig")
    assert "'=HYPERLINK" in table and ";=" not in table


def test_xlsx_has_no_formula_cell_and_keeps_the_text_as_typed(risky):
    data = exports.to_xlsx(risky, info={"auteur": "=cmd|' /C calc'!A0"})
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Programme", "Territoires", "Informations", "Définition"]
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml and b"<f " not in xml  # no formula anywhere in the file
    formulas = [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
    assert formulas and all(c.data_type == "s" for c in formulas)  # text cells: a spreadsheet never runs them
    sheet = book["Programme"]
    header = [c.value for c in sheet[1]]
    values = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {code: values[code][header.index("notes")] for code in DANGEROUS} == DANGEROUS  # no quote added
    assert values["75056"][header.index("L4")] == 3  # a number stays a number
    info = {row[0]: row[1] for row in book["Informations"].iter_rows(min_row=2, values_only=True)}
    assert info["auteur"] == "=cmd|' /C calc'!A0"


def test_xlsx_programme_sheet_is_importable(demo, reference, definition):
    data = exports.to_xlsx(demo)
    table = load_programme_file(data, filename="export.xlsx", definition=definition, reference=reference)
    again = resolve(table, reference=reference, definition=definition)
    assert again.territories.index.tolist() == demo.territories.index.tolist()
    pd.testing.assert_frame_equal(again.assessments, demo.assessments)
    territoires = load_workbook(io.BytesIO(data))["Territoires"]
    header = [c.value for c in territoires[1]]
    assert header[:8] == [
        "Code",
        "Type",
        "Territoire",
        "Nature",
        "Population municipale (INSEE)",
        "Année de la population",
        "Segment",
        "Libellé du segment",
    ]
    rows = {r[0]: r for r in territoires.iter_rows(min_row=2, values_only=True)}
    # The legal population in force on 1 January 2026 (millésime 2023), with its year.
    assert rows["200046977"][2:7] == ("Métropole de Lyon", "Métropole", 1_436_354, "2023", "S4")
    # Mayotte's latest legal populations are those of the 2017 census.
    assert rows["200060457"][4:6] == (87_285, "2017")


def test_table_frame_has_the_resolved_columns(demo):
    frame = exports.table_frame(demo)
    row = frame.set_index("Code").loc["2B096"]
    assert (row["Territoire"], row["Nom du département"], row["Nom de la région"]) == ("Corte", "Haute-Corse", "Corse")
    assert row["Segment"] == "S1" and row["Libellé du segment"] == "Petits territoires"
    assert row["L4 – Coopérations & gouvernance territoriale"] == 3


def test_geojson_has_resolved_names_segments_and_geometry(demo):
    data = exports.to_geojson(demo)
    collection = json.loads(data)
    assert collection["type"] == "FeatureCollection"
    features = {f["id"]: f for f in collection["features"]}
    assert len(features) == 81
    corte = features["2B096"]
    assert corte["properties"]["nom"] == "Corte"
    assert corte["properties"]["segment"] == "S1"
    assert corte["properties"]["segment_libelle"] == "Petits territoires"
    assert corte["properties"]["population"] == demo.territories.loc["2B096", "population"]
    assert corte["properties"]["L4"] == 3
    assert corte["geometry"]["type"] in ("Polygon", "MultiPolygon")
    lyon = features["200046977"]["properties"]
    assert (lyon["nom"], lyon["segment"], lyon["nature"]) == ("Métropole de Lyon", "S4", "Métropole")
    assert collection["metadata"]["demonstration"] is True
    assert len(data) < 1_500_000, f"GeoJSON trop lourd : {len(data)} octets"
    # coordinates are rounded to 1e-4 degree (about 10 m)
    ring = corte["geometry"]["coordinates"][0]
    ring = ring[0] if corte["geometry"]["type"] == "MultiPolygon" else ring
    assert all(len(str(x).split(".")[-1]) <= 4 for point in ring for x in point)


# --------------------------------------------------------------------------- export -> import is an identity

HOSTILE_NOTES = [
    '=HYPERLINK("http://example.org";"clic")',
    "+33 1 23 45 67 89",
    "-",
    "-2+3",
    "@SUM(A1:A2)",
    "'=déjà entre guillemets",
    "''+x",
    "'",
    "'abc",
    "\uff1d1+1",
    "\uff0b33 1",
    "\uff0d",
    "\uff20x",
    "Ligne 1\nLigne 2",
    "tab\tdedans",
    "a;b;=1+1",
    '"cité"',
    "-12",
    "+",
    "=",
    "@",
    "=cmd|' /C calc'!A0",
    "ligne\u2028séparée",
    "<script>alert(1)</script>",
    "Réunion « côté Œuvre »",
    "_x0041_ reste écrit ainsi",
    "_x005F_x0041_",
]
EXTRA_HEADERS = ["-budget", "=x", "Référent"]


@pytest.fixture(scope="module")
def hostile_table(reference, definition):
    """A valid programme whose notes, contacts and extra columns are what a spreadsheet would run.

    Typed in a workbook (text cells), so that what is stored is exactly what was typed.
    """
    codes = list(reference.communes.index[: len(HOSTILE_NOTES)])
    book = Workbook()
    sheet = book.active
    sheet.title = "Programme"
    sheet.append(["code", "type", "L1", "L2", "L3", "L4", "notes", "contact", *EXTRA_HEADERS])
    for i, (code, note) in enumerate(zip(codes, HOSTILE_NOTES, strict=True)):
        sheet.append([code, "commune", 1, 0, 2, 3, note, note[::-1], "-5", f"={i}", note])
    info = book.create_sheet("Informations")
    info.append(["Clé", "Valeur"])
    info.append(["meta.statut", "essai"])
    info.append(["meta.source", "a;=1+1 « ; »"])
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = escape(cell.value)  # as a spreadsheet writes « _x0041_ » typed as such
                    cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    table = load_programme_file(buffer.getvalue(), filename="hostile.xlsx", definition=definition, reference=reference)
    assert table.territories["notes"].tolist() == HOSTILE_NOTES  # stored as typed
    assert table.territories["=x"].tolist() == [f"={i}" for i in range(len(HOSTILE_NOTES))]
    assert table.extra_columns == EXTRA_HEADERS
    assert table.meta == {"statut": "essai", "source": "a;=1+1 « ; »"}
    return table


def _demo_table(reference, definition):
    from tests.conftest import DEMO_FILE

    return load_programme_file(
        DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, definition=definition, reference=reference
    )


def _export_then_import(table, fmt, reference, definition):
    programme = resolve(table, reference=reference, definition=definition)
    if fmt == "csv":
        data = exports.to_csv(exports.file_frame(programme), meta=programme.meta)
    else:
        data = exports.to_xlsx(programme, info={"auteur": "=1+1"})
    return load_programme_file(data, filename=f"export.{fmt}", definition=definition, reference=reference)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("which", ["demo", "hostile"])
def test_export_then_import_gives_back_the_same_table(fmt, which, hostile_table, reference, definition):
    table = hostile_table if which == "hostile" else _demo_table(reference, definition)
    again = _export_then_import(table, fmt, reference, definition)
    pd.testing.assert_frame_equal(again.territories, table.territories)
    assert again.extra_columns == table.extra_columns
    assert again.meta == table.meta
    assert again.is_demo is (which == "demo")
    twice = _export_then_import(again, fmt, reference, definition)  # and again: nothing accumulates
    pd.testing.assert_frame_equal(twice.territories, table.territories)


def test_csv_quotes_only_what_a_spreadsheet_would_run(hostile_table, reference, definition):
    programme = resolve(hostile_table, reference=reference, definition=definition)
    text = exports.to_csv(exports.file_frame(programme), meta=programme.meta).decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[:2] == ["# statut: essai", '"# source: a;=1+1 « ; »"']  # one cell, never split at « ; »
    rows = list(csv.DictReader(io.StringIO("\r\n".join(lines[2:])), delimiter=";"))
    notes = [row["notes"] for row in rows]
    assert dict(zip(HOSTILE_NOTES, notes, strict=True)) == {
        **{n: n for n in HOSTILE_NOTES},
        **{
            n: "'" + n
            for n in HOSTILE_NOTES
            if n[0] in "=+-@\uff1d\uff0b\uff0d\uff20'" and len(n) > 1 and n not in ("-12", "'", "'abc")
        },
    }
    assert notes[HOSTILE_NOTES.index("-")] == "-" and notes[HOSTILE_NOTES.index("-12")] == "-12"
    assert list(rows[0])[-3:] == ["'-budget", "'=x", "Référent"]
    assert {row["'=x"] for row in rows} == {f"'={i}" for i in range(len(rows))}
    assert {row["'-budget"] for row in rows} == {"-5"}  # a number


# --------------------------------------------------------------------------- any stored text can be exported


def test_exports_survive_control_characters_stored_before_they_were_refused(demo):
    """Text stored by an earlier version (NUL, escape, U+FFFE) never breaks an export."""
    programme = with_values(demo, "2B096", notes="avant\x00\x1b[31maprès\ufffe", contact="x\x0by")
    book = load_workbook(io.BytesIO(exports.to_xlsx(programme, info={"commentaire": "v\x07"})))
    header = [c.value for c in book["Programme"][1]]
    row = [r for r in book["Programme"].iter_rows(min_row=2, values_only=True) if r[0] == "2B096"][-1]
    assert (row[header.index("notes")], row[header.index("contact")]) == ("avant[31maprès", "xy")
    text = exports.to_csv(exports.file_frame(programme)).decode("utf-8-sig")
    assert "avant[31maprès" in text and "\x00" not in text
    assert json.loads(exports.to_geojson(programme))["features"]


@pytest.mark.parametrize("text", ["_x0041_", "_x005F_x0041_", "__x0041__", "_x00", "a_x0041_b_x0042_", "_x_", ""])
def test_xlsx_text_escapes_are_undone_exactly(text):
    assert unescape(escape(text)) == text
    assert unescape("_x0007_") == "\x07"  # how a spreadsheet writes a control character (then refused)


def test_every_spreadsheet_file_is_written_here():
    """A CSV or XLSX written anywhere else would skip the neutralisation of formulas."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    writer = re.compile(r"(?<!exports)\.to_csv\(|csv\.writer\(|\.to_excel\(|ExcelWriter|from openpyxl import")
    sources = [*root.glob("pages/*.py"), *root.glob("territorial/**/*.py"), root / "app.py"]
    found = {str(path.relative_to(root)) for path in sources if writer.search(path.read_text(encoding="utf-8"))}
    # national.py writes the reference's own EPCI list for the benchmarks, never data typed by someone
    assert found == {"territorial/takeaways/exports.py", "territorial/model/national.py"}


def test_the_wide_table_as_of_a_date_leaves_levels_empty_where_not_yet_assessed(demo):
    import datetime as dt

    early = demo.at(dt.date(2024, 6, 30))
    text = exports.to_csv(exports.table_frame(early)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert len(body) == 81
    assessed = header.index("Évalué à cette date")
    level = header.index("L1 – Compétences & ingénierie")
    missing = [r for r in body if r[assessed] == "non"]
    assert len(missing) == int((~early.territories["evalue"]).sum()) > 0
    assert all(r[level] == "" for r in missing)
    lyon = next(r for r in body if r[0] == "200046977")  # met on 8 April 2024 (T0)
    assert (lyon[assessed], lyon[level], lyon[header.index("Étape")]) == ("oui", "0", "T0")
    assert lyon[header.index("Dialogues à cette date")] == "1"


def test_xlsx_carries_the_definition_and_it_comes_back_identical(demo, definition, reference):
    from territorial.model.definition import parse_definition
    from territorial.model.definition_file import definition_data, definition_from_text
    from territorial.model.file_reading import definition_sheet_text

    raw = definition_data(definition)
    raw["leviers"][0]["libelle"] = 'Ingénierie « partagée » = 1 ; # "citée"'
    raw["segments"][1]["min"], raw["segments"][0]["max"] = 47_000, 47_000
    raw["segments"][2]["description"] = "Deux lignes\nde description"
    changed = parse_definition(raw)
    programme = dataclasses.replace(demo, definition=changed)
    data = exports.to_xlsx(programme)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Programme", "Territoires", "Informations", "Définition"]
    sheet = book["Définition"]
    assert sheet["A1"].value == exports.DEFINITION_HEADER
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value is not None)
    text = definition_sheet_text(data, filename="export.xlsx")
    assert definition_from_text(text) == changed
    assert definition_sheet_text(exports.to_csv(exports.file_frame(demo)), filename="export.csv") is None
    # the whole programme comes back: its table, read with the definition it carries
    table = load_programme_file(data, filename="export.xlsx", definition=changed, reference=reference)
    again = resolve(table, reference=reference, definition=definition_from_text(text))
    assert again.definition == changed
    pd.testing.assert_frame_equal(again.assessments, demo.assessments)
    assert again.territories.loc["200067023", "segment"] == "S2"  # 47 611 inhabitants, above the moved threshold
