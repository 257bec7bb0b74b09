"""Exports: CSV for a French Excel, XLSX without formulas, GeoJSON with resolved data."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from territorial.model.programme import resolve
from territorial.model.programme_file import load_programme_file
from territorial.takeaways import exports

DANGEROUS = {
    "75056": "=HYPERLINK(\"http://example.org\";\"clic\")",
    "13055": "+33 1 23 45 67 89",
    "69123": "-2+3",
    "31555": "@SUM(A1:A2)",
}


@pytest.fixture
def risky(load_csv, reference, definition):
    rows = "\n".join(f'{code},commune,1,2,0,3,"{note.replace(chr(34), 2 * chr(34))}",=1+1'
                     for code, note in DANGEROUS.items())
    table = load_csv(f"code,type,L1,L2,L3,L4,notes,Formule\n{rows}\n")
    return resolve(table, reference=reference, definition=definition)


def test_neutralise():
    assert exports.neutralise("=1+1") == "'=1+1"
    assert exports.neutralise("-") == "'-"
    assert exports.neutralise("Paris") == "Paris"
    assert exports.neutralise("") == ""
    assert exports.neutralise(-3) == -3
    assert exports.neutralise(None) is None
    assert exports.neutralise("\tcaché") == "'\tcaché"
    assert exports.neutralise("\rretour") == "'\rretour"


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
    assert header == "code;type;nom;membres;L1;L2;L3;L4;date_dialogue;notes;contact"
    rows = list(csv.reader(io.StringIO("\r\n".join(lines[lines.index(header):])), delimiter=";"))
    corte = next(r for r in rows if r[0] == "2B096")
    assert corte[:8] == ["2B096", "commune", "Corte", "", "0", "0", "1", "3"]
    assert len(rows) == 1 + 81


def test_csv_round_trip_through_the_import(demo, reference, definition):
    data = exports.to_csv(exports.file_frame(demo), meta=demo.meta)
    table = load_programme_file(data, filename="export.csv", definition=definition, reference=reference)
    assert table.is_demo
    assert table.territories["code"].tolist() == demo.territories.index.tolist()
    assert (table.territories[demo.lever_ids].to_numpy() == demo.territories[demo.lever_ids].to_numpy()).all()
    assert table.territories["notes"].tolist() == demo.territories["notes"].tolist()
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


def test_xlsx_has_no_formula_cell(risky):
    book = load_workbook(io.BytesIO(exports.to_xlsx(risky, info={"auteur": "=cmd|' /C calc'!A0"})))
    assert book.sheetnames == ["Programme", "Territoires", "Informations"]
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
    sheet = book["Programme"]
    header = [c.value for c in sheet[1]]
    values = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["75056"][header.index("notes")] == "'" + DANGEROUS["75056"]
    assert values["75056"][header.index("L4")] == 3  # a number stays a number
    info = {row[0]: row[1] for row in book["Informations"].iter_rows(min_row=2, values_only=True)}
    assert info["auteur"] == "'=cmd|' /C calc'!A0"


def test_xlsx_programme_sheet_is_importable(demo, reference, definition):
    data = exports.to_xlsx(demo)
    table = load_programme_file(data, filename="export.xlsx", definition=definition, reference=reference)
    assert table.territories["code"].tolist() == demo.territories.index.tolist()
    assert table.territories["L2"].tolist() == demo.territories["L2"].tolist()
    territoires = load_workbook(io.BytesIO(data))["Territoires"]
    header = [c.value for c in territoires[1]]
    assert header[:8] == ["Code", "Type", "Territoire", "Nature", "Population municipale (INSEE)",
                          "Année de la population", "Segment", "Libellé du segment"]
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
