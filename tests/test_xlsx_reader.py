"""The streaming XLSX reader gives the cells a person typed, as openpyxl (with pandas) gave them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from territorial.harness import hostile_files as hostile
from territorial.model import xlsx_reader


def _rows(data: bytes, sheet: str = "Programme") -> list[tuple[int, list[str]]]:
    return list(xlsx_reader.read_sheet(xlsx_reader.open_workbook(data), sheet, max_columns=50))


def _openpyxl_text(value: object) -> str:
    """What pandas.read_excel(dtype=str) made of an openpyxl value (the previous reader)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_cells_written_by_openpyxl_read_as_before():
    book = Workbook()
    sheet = book.active
    sheet.title = "Programme"
    values = [
        ["code", "nombre", "décimal", "date", "heure", "booléen", "texte", "vide", "négatif"],
        ["04113", 4113, 2.5, dt.datetime(2025, 3, 1), dt.time(14, 30), True, "Ligne 1\nLigne 2", None, -12],
        ["2A004", 1.0, 1e-7, dt.date(2026, 1, 31), dt.datetime(2025, 3, 1, 8, 5), False, "  espaces  ", None, 0],
    ]
    for row in values:
        sheet.append(row)
    sheet["H3"] = "=1+1"  # a formula without a cached value: nothing, as before (data_only)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    expected = [
        [_openpyxl_text(c.value) if c.data_type != "f" else "" for c in row]
        for row in load_workbook(io.BytesIO(data), data_only=True)["Programme"].iter_rows()
    ]
    got = [cells + [""] * (len(expected[0]) - len(cells)) for _, cells in _rows(data)]
    assert got == expected
    assert got[1][:4] == ["04113", "4113", "2.5", "2025-03-01 00:00:00"]


def test_types_that_openpyxl_does_not_write():
    cells = (
        '<c t="b"><v>1</v></c><c><f>1+1</f><v>2</v></c><c t="str"><f>A1</f><v>texte</v></c>'
        '<c t="e"><v>#N/A</v></c><c t="d"><v>2025-03-01T00:00:00</v></c>'
        '<c t="inlineStr"><is><r><t>riche </t></r><r><t>texte</t></r><rPh><t>phonétique</t></rPh></is></c>'
    )
    data = hostile.xlsx(f"<row>{cells}</row>")
    assert _rows(data) == [(1, ["True", "2", "texte", "", "2025-03-01T00:00:00", "riche texte"])]


def test_prefixed_elements_and_gaps():
    sheet = (
        '<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>b</x:t></x:is></x:c></x:row>'
        '<x:row r="5"><x:c r="D5"><x:v>4</x:v></x:c></x:row>'
    )
    data = hostile.xlsx(
        lambda archive: archive.writestr(
            "xl/worksheets/sheet1.xml",
            '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<x:sheetData>{sheet}</x:sheetData></x:worksheet>",
        )
    )
    assert _rows(data) == [(2, ["", "b"]), (5, ["", "", "", "4"])]


def test_rows_out_of_order_are_refused():
    data = hostile.xlsx('<row r="3"><c><v>1</v></c></row><row r="2"><c><v>1</v></c></row>')
    with pytest.raises(xlsx_reader.WorkbookRefused, match="dans le désordre"):
        _rows(data)


def test_the_1904_date_system():
    book = Workbook()
    book.epoch = xlsx_reader.CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "Programme"
    sheet.append(["texte", dt.datetime(2025, 3, 1)])
    buffer = io.BytesIO()
    book.save(buffer)
    assert _rows(buffer.getvalue()) == [(1, ["texte", "2025-03-01 00:00:00"])]


def test_shared_strings_as_excel_writes_them():
    """Excel keeps texts in xl/sharedStrings.xml (rich text runs, phonetic runs, _xHHHH_ escapes)."""
    strings = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>code</t></si><si><r><t>Réunion </t></r><r><rPr/><t>« Œuvre »</t></r></si>"
        "<si><t>a_x000D__x000A_b</t><rPh><t>x</t></rPh></si></sst>"
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>'
    )
    data = hostile.xlsx(
        '<row><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>',
        extra={"xl/sharedStrings.xml": strings.encode()},
    )
    data = _replace_member(data, "xl/_rels/workbook.xml.rels", rels.encode())
    assert _rows(data) == [(1, ["code", "Réunion « Œuvre »", "a\r\nb"])]
    with pytest.raises(xlsx_reader.WorkbookRefused, match="renvoie au texte n° « 7 »"):
        _rows(hostile.xlsx('<row><c t="s"><v>7</v></c></row>'))


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info.filename))
    return out.getvalue()
