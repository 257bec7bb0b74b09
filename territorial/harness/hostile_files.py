"""Hostile programme files, built byte for byte: what a small upload can try to cost.

Shared by the tests (tests/test_hostile_files.py: each is refused, with its message) and the
benchmark (bench/hostile_files.py: time and memory of reading and validating each one).
Every file is at most :data:`territorial.model.file_reading.MAX_BYTES`, the upload limit.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable, Iterable

#: Real codes of the reference (Paris, Marseille, Lyon) for rows that must be valid.
VALID_ROWS = [
    ["75056", "commune", "1", "2", "3", "0"],
    ["13055", "commune", "0", "1", "1", "2"],
    ["69123", "commune", "3", "3", "0", "1"],
]
HEADER = ["code", "type", "L1", "L2", "L3", "L4"]

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Programme" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
CHUNK = 1 << 20


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(value: str | int, reference: str = "") -> str:
    """One cell: a number, or an inline string."""
    r = f' r="{reference}"' if reference else ""
    if isinstance(value, int):
        return f"<c{r}><v>{value}</v></c>"
    return f'<c{r} t="inlineStr"><is><t xml:space="preserve">{_escape(value)}</t></is></c>'


def rows_xml(rows: Iterable[Iterable[str | int]]) -> str:
    return "".join("<row>" + "".join(cell(v) for v in row) + "</row>" for row in rows)


def xlsx(
    sheet_data: str | Callable[[zipfile.ZipFile], None],
    *,
    doctype: str = "",
    extra: dict[str, bytes | Callable[[zipfile.ZipFile], None]] | None = None,
) -> bytes:
    """A minimal workbook, one sheet « Programme » holding ``sheet_data`` (rows XML, or a writer).

    ``extra``: more members, as bytes or as a function that writes them (large members are
    streamed, never held in memory decompressed).
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        if callable(sheet_data):
            sheet_data(archive)
        else:
            archive.writestr(
                "xl/worksheets/sheet1.xml",
                f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
                f"<worksheet {_NS}><sheetData>{sheet_data}</sheetData></worksheet>",
            )
        for name, content in (extra or {}).items():
            if callable(content):
                content(archive)
            else:
                archive.writestr(name, content)
    return buffer.getvalue()


def _padding(name: str, size: int) -> Callable[[zipfile.ZipFile], None]:
    """A member of ``size`` bytes of spaces in a comment (compresses about 1,000 times)."""

    def write(archive: zipfile.ZipFile) -> None:
        with archive.open(name, "w", force_zip64=True) as stream:
            stream.write(b'<?xml version="1.0"?><!-- ')
            block = b" " * CHUNK
            for _ in range(size // CHUNK):
                stream.write(block)
            stream.write(b" --><x/>")

    return write


# --------------------------------------------------------------------------- the hostile files


def zip_bomb_xlsx(size: int = 600 * 1024 * 1024) -> bytes:
    """A valid programme, plus a part that expands to ``size`` bytes (600 MB from about 600 KB)."""
    return xlsx(rows_xml([HEADER, *VALID_ROWS]), extra={"docProps/custom.xml": _padding("docProps/custom.xml", size)})


def ratio_bomb_xlsx(size: int = 20 * 1024 * 1024) -> bytes:
    """Within the total size, but one part compressed about 1,000 times."""
    return xlsx(rows_xml([HEADER, *VALID_ROWS]), extra={"xl/styles.xml": _padding("xl/styles.xml", size)})


def many_cells_xlsx(cells: int = 3_000_000, per_row: int = 50) -> bytes:
    """Millions of tiny cells in a few hundred kilobytes."""

    def write(archive: zipfile.ZipFile) -> None:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            stream.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>'.encode())
            row = ("<row>" + "<c><v>1</v></c>" * per_row + "</row>").encode()
            for _ in range(cells // per_row):
                stream.write(row)
            stream.write(b"</sheetData></worksheet>")

    return xlsx(write)


def dense_cells_xlsx(cells: int = 450_000, per_row: int = 45, seed: int = 1) -> bytes:
    """Many cells of random numbers: compresses little, so no ratio check stops it."""
    rng = random.Random(seed)

    def write(archive: zipfile.ZipFile) -> None:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            stream.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>'.encode())
            for _ in range(cells // per_row):
                values = "".join(f"<c><v>{rng.randrange(10**6)}</v></c>" for _ in range(per_row))
                stream.write(f"<row>{values}</row>".encode())
            stream.write(b"</sheetData></worksheet>")

    return xlsx(write)


def one_wide_row_xlsx(cells: int = 300_000) -> bytes:
    """A header, then one row of ``cells`` filled cells (a single huge row to parse)."""
    return xlsx(rows_xml([HEADER]) + "<row>" + "<c><v>1</v></c>" * cells + "</row>")


def far_row_xlsx(row: str = "999999999999") -> bytes:
    """A row numbered far beyond a spreadsheet's last row (a reader would fill the gap)."""
    return xlsx(rows_xml([HEADER]) + f'<row r="{row}">{cell("75056")}</row>')


def billion_laughs_xlsx(levels: int = 9) -> bytes:
    """Nested XML entities: a few hundred bytes that expand to gigabytes in a naive parser."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)
    )
    return xlsx(
        rows_xml([HEADER]) + f'<row><c t="inlineStr"><is><t>&lol{levels};</t></is></c></row>',
        doctype=f"<!DOCTYPE worksheet [{entities}]>",
    )


def max_valid_rows(rows: int, extras: int, reference_codes: list[str]) -> list[list[str]]:
    """A header and ``rows`` valid territories (commune codes of the reference), with ``extras`` more columns."""
    names = [f"extra{i}" for i in range(extras)]
    table = [[*HEADER, "notes", *names]]
    for i, code in enumerate(reference_codes[:rows]):
        table.append([code, "commune", str(i % 4), "0", "1", "2", f"Note {i}", *[f"v{i}"] * extras])
    return table


def csv_text(rows: list[list[str]], separator: str = ";") -> bytes:
    return ("\n".join(separator.join(row) for row in rows) + "\n").encode()


def wide_csv(columns: int = 10_000) -> bytes:
    header = HEADER + [f"col{i}" for i in range(columns - len(HEADER))]
    return csv_text([header, *[row + ["x"] * (columns - len(HEADER)) for row in VALID_ROWS]])


def long_csv(rows: int = 200_000) -> bytes:
    return csv_text([HEADER, *[VALID_ROWS[i % 3] for i in range(rows)]])


def big_cell_csv(size: int = 1024 * 1024) -> bytes:
    return csv_text([[*HEADER, "notes"], [*VALID_ROWS[0], "x" * size]])


def many_problems_csv(rows: int = 4_999) -> bytes:
    """Every cell of every row wrong: unknown code, unknown type, levels out of range."""
    return csv_text([HEADER, *[[f"9{i:04d}", "quartier", "9", "x", "-1", "7"] for i in range(rows)]])


def blank_lines_csv(size: int = 5 * 1024 * 1024 - 100) -> bytes:
    """A header, one territory, then millions of empty lines."""
    head = csv_text([HEADER, VALID_ROWS[0]])
    return head + b"\n" * (size - len(head))


def control_after_4kb_csv(character: str = "\x00") -> bytes:
    """A control character (NUL by default) in a note, after the first 4 KB that the binary check reads."""
    return csv_text([[*HEADER, "notes"], [*VALID_ROWS[0], "x" * 5000], [*VALID_ROWS[1], f"avant{character}après"]])


def many_members_csv(reference_codes: list[str], *, size: int = 5 * 1024 * 1024 - 50_000, known: bool = True) -> bytes:
    """Groupements listing thousands of members each (a cell of up to 32,767 characters), up to ``size``.

    ``known``: real commune codes of the reference (else codes the reference does not know).
    """
    per_row = 5_000
    rows = [["code", "type", "nom", "membres", "L1", "L2", "L3", "L4"]]
    total, i = 0, 0
    while total < size:
        if known:
            members = reference_codes[(i * per_row) % len(reference_codes) :][:per_row]
        else:
            members = [f"9{n:04d}" for n in range(per_row)]
        row = [f"G{i}", "groupement", f"Groupement {i}", " ".join(members), "1", "1", "1", "1"]
        total += sum(len(c) + 1 for c in row)
        if total >= size:
            break
        rows.append(row)
        i += 1
    return csv_text(rows)
