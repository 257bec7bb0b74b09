"""Reading a programme file (CSV or XLSX) into a table of strings, within fixed limits.

Decoding (UTF-8, Windows-1252, UTF-16), the CSV's ``#`` metadata lines and delimiter, the
XLSX's sheet and « Informations » metadata, and the limits of size, rows, columns and cell
text: any file within MAX_BYTES is read or refused within seconds and bounded memory
(bench/hostile_files.py). What the table means is checked by :mod:`programme_file`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

import pandas as pd

from territorial.core.fmt import fold as _fold
from territorial.core.fmt import fr_int
from territorial.core.spreadsheet_text import FORBIDDEN, restore
from territorial.model import xlsx_reader
from territorial.model.problems import BoundedList, Problem, ProgrammeFileError

#: Limits of a programme file (said in the uploader's help and in docs/donnees.md). Any file
#: within MAX_BYTES is accepted or refused within seconds and a bounded memory
#: (bench/hostile_files.py); XLSX archives have their own limits (territorial/model/xlsx_reader.py).
MAX_BYTES = 5 * 1024 * 1024
#: Territories (non-blank rows), columns, characters in a cell (a spreadsheet's own limit).
MAX_ROWS = 20_000  # rows: one per territory and dialogue (every EPCI of France × 4 dialogues fits)
MAX_COLUMNS = 50
MAX_CELL_CHARS = 32_767
#: ``#`` lines at the top of a CSV.
MAX_META_LINES = 100
SPREADSHEET_ROWS = xlsx_reader.SPREADSHEET_ROWS
#: The sheet of an XLSX export that holds the metadata, as ``meta.clé`` / valeur rows.
INFO_SHEET = "Informations"
#: Sheet of an XLSX export holding the programme's definition, one TOML line per row after a header.
DEFINITION_SHEET = "Définition"
META_PREFIX = "meta."

#: A table of strings, its metadata, the spreadsheet row of each of its rows, notes,
#: and the number of blank rows left out.
RawTable = tuple[pd.DataFrame, dict[str, str], list[int], list[Problem], int]

_BINARY = (
    "ce fichier n'est pas un fichier texte (CSV) : il contient des données binaires. "
    "Exportez votre tableau en CSV ou en XLSX."
)
_UNREADABLE = (
    "ce fichier n'est pas un fichier texte lisible (ni UTF-8 ni Windows-1252). Exportez votre "
    "tableau en CSV UTF-8 ou en XLSX."
)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _refuse(message: str, filename: str, *, row: int | None = None, value: str = "") -> ProgrammeFileError:
    return ProgrammeFileError([Problem(row, None, value, message)], filename=filename)


def read_file(data: bytes, *, filename: str, sheet: str | None = None) -> RawTable:
    """Read raw bytes into a table of strings, within the limits of the module.

    Returns the table, the metadata (``# clé: valeur`` lines at the top of a CSV),
    the spreadsheet row of each table row, informational notes, and the number of
    blank rows left out. Any reading error is a :class:`ProgrammeFileError`.
    """
    name = filename.lower()
    if len(data) == 0:
        raise _refuse("le fichier est vide (0 octet).", filename)
    if len(data) > MAX_BYTES:
        raise _refuse(
            f"le fichier dépasse la taille maximale de {MAX_BYTES // (1024 * 1024)} Mo.",
            filename,
            value=f"{len(data) / 1e6:.1f} Mo".replace(".", ","),
        )
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")) and data[:8] != _OLE:
        return _read_xlsx(data, filename=filename, sheet=sheet)
    if data[:8] == _OLE:
        if name.endswith((".xlsx", ".xlsm")):
            raise _refuse(
                "ce classeur est protégé par un mot de passe (chiffré) : enregistrez-le sans mot "
                "de passe, au format .xlsx ou CSV.",
                filename,
            )
        raise _refuse(
            "l'ancien format Excel .xls n'est pas pris en charge : enregistrez le fichier au format .xlsx ou CSV.",
            filename,
        )
    if name.endswith(".xls"):
        raise _refuse(
            "l'ancien format Excel .xls n'est pas pris en charge : enregistrez le fichier au format .xlsx ou CSV.",
            filename,
        )
    return _read_csv(data, filename=filename)


def _decode(data: bytes, filename: str) -> tuple[str, list[Problem]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # « Texte Unicode » of Excel: UTF-16 with a BOM
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise _refuse(_UNREADABLE, filename) from None
    if b"\x00" in data[:4096]:
        raise _refuse(_BINARY, filename)
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), []
        except UnicodeDecodeError:
            raise _refuse(_UNREADABLE, filename) from None
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t")
        if "\ufffd" in text or controls > len(text) / 100:
            raise _refuse(_UNREADABLE, filename) from None
        return text, [
            Problem(None, None, "", "encodage Windows-1252 détecté : le fichier a été lu comme tel (accents vérifiés).")
        ]


def _meta_lines(text: str, filename: str) -> tuple[list[str], int]:
    """The ``#`` lines at the top of a CSV (also ``"#…"``, as a spreadsheet quotes them) and where the rest starts."""
    lines: list[str] = []
    position = 0
    while text.startswith(("#", '"#'), position):
        match = _LINE.match(text, position)
        assert match is not None  # _LINE matches anywhere, an empty line at the end
        if len(lines) == MAX_META_LINES:
            raise _refuse(
                f"le fichier commence par plus de {MAX_META_LINES} lignes de commentaires (« # ») : "
                "gardez-en moins, ou supprimez-les.",
                filename,
            )
        lines.append(match.group().rstrip("\r\n"))
        position = match.end()
    return lines, position


def _meta(lines: list[str], delimiter: str) -> dict[str, str]:
    """``# clé: valeur`` lines as a dict; a line a spreadsheet quoted or padded with separators is read back."""
    meta: dict[str, str] = {}
    for line in lines:
        fields = next(csv.reader([line], delimiter=delimiter), [""])
        text = fields[0] if not any(f.strip() for f in fields[1:]) else delimiter.join(fields)
        key, _, value = text[1:].partition(":")
        meta[_fold(key).replace(" ", "_")] = value.strip()
    return meta


def _read_csv(data: bytes, *, filename: str) -> RawTable:
    text, notes = _decode(data, filename)
    meta_lines, position = _meta_lines(text, filename)
    skipped = len(meta_lines)
    body = text[position:]
    if not body.strip():
        raise _refuse("le fichier ne contient aucune ligne (ni en-tête, ni territoire).", filename)
    header_line = re.split(r"\r\n|\r|\n", body, maxsplit=1)[0]
    delimiter = max([";", ",", "\t", "|"], key=header_line.count)
    meta = _meta(meta_lines, delimiter)
    for line_number, line in enumerate(meta_lines, start=1):
        text_problem = cell_text_problem(line)
        if text_problem:
            raise ProgrammeFileError([Problem(line_number, None, line, text_problem)], filename=filename)
    # A cell is at most MAX_CELL_CHARS long (checked with its row and column at validation):
    # the csv module must not stop first at its own 128 KB limit.
    if csv.field_size_limit() <= MAX_BYTES:
        csv.field_size_limit(MAX_BYTES + 1)
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    header_row = skipped + 1
    row_number = header_row - 1  # the row being read, once read
    problems = BoundedList()
    rows: list[list[str]] = []
    numbers: list[int] = []
    blank = 0
    try:
        header = next(reader)
        row_number = header_row
        _check_width(header, header_row, filename)
        header = header[:MAX_COLUMNS]  # what follows is blank (checked above)
        width = len(header)
        for row in reader:
            row_number += 1
            if row_number > SPREADSHEET_ROWS:
                raise _refuse(
                    f"le fichier a plus de {fr_int(SPREADSHEET_ROWS)} lignes, plus qu'un tableur n'en peut contenir.",
                    filename,
                )
            if not any(cell.strip() for cell in row):
                blank += 1
                continue
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                problems.append(
                    Problem(
                        row_number,
                        None,
                        "",
                        f"cette ligne a {len(row)} cellules pour "
                        f"{width} colonnes d'en-tête : vérifiez le séparateur « {delimiter} » "
                        "et les guillemets.",
                    )
                )
                continue
            _check_rows(len(rows), filename)
            rows.append([restore(cell) for cell in (row + [""] * width)[:width]])
            numbers.append(row_number)
    except csv.Error as exc:
        raise ProgrammeFileError(
            [Problem(row_number + 1, None, "", f"ligne illisible ({exc}) : vérifiez les guillemets et le séparateur.")],
            filename=filename,
        ) from exc
    if problems:
        raise ProgrammeFileError(problems, filename=filename)
    table = pd.DataFrame(rows, columns=[restore(c) for c in header], dtype=str)
    return table, meta, numbers, notes, blank


def _check_width(header: list, row: int, filename: str) -> None:
    """Refuse a header with more than MAX_COLUMNS named columns."""
    named = [i for i, c in enumerate(header) if c is not None and str(c).strip()]
    if named and named[-1] >= MAX_COLUMNS:
        raise _refuse(
            f"le fichier a {fr_int(named[-1] + 1)} colonnes ({MAX_COLUMNS} au plus) : retirez les colonnes inutiles.",
            filename,
            row=row,
        )


def _check_rows(kept: int, filename: str) -> None:
    if kept >= MAX_ROWS:
        raise _refuse(
            f"le fichier a plus de {fr_int(MAX_ROWS)} lignes de territoires et de dialogues "
            f"({fr_int(MAX_ROWS)} au plus) : découpez-le ou retirez les lignes inutiles.",
            filename,
        )


def _workbook(data: bytes, filename: str) -> xlsx_reader.Workbook:
    try:
        return xlsx_reader.open_workbook(data)
    except xlsx_reader.WorkbookRefused as exc:
        raise _refuse(str(exc), filename) from None


def sheet_names(data: bytes, *, filename: str) -> list[str]:
    """The sheets of an XLSX workbook, once its archive is checked ([] for a CSV or a refused file)."""
    if not (data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm"))) or len(data) > MAX_BYTES:
        return []
    try:
        return list(_workbook(data, filename).sheets)
    except ProgrammeFileError:
        return []


def _read_xlsx(data: bytes, *, filename: str, sheet: str | None) -> RawTable:
    workbook = _workbook(data, filename)
    names = list(workbook.sheets)
    notes: list[Problem] = []
    if sheet is not None and sheet not in names:
        raise _refuse(f"feuille introuvable ; feuilles du classeur : {', '.join(names)}.", filename, value=sheet)
    if sheet is None:
        preferred = [n for n in names if _fold(n) in {"programme", "territoires"}]
        sheet = preferred[0] if preferred else next((n for n in names if n != DEFINITION_SHEET), names[0])
        if len(names) > 1:
            notes.append(
                Problem(
                    None,
                    None,
                    sheet,
                    f"le classeur a {len(names)} feuilles ({', '.join(names)}) : la feuille « {sheet} » a été lue.",
                )
            )
    header: list[str] = []
    rows: list[list[str]] = []
    numbers: list[int] = []
    previous = 0
    blank = 0
    try:
        for number, cells in xlsx_reader.read_sheet(workbook, sheet, max_columns=MAX_COLUMNS):
            if not any(cell.strip() for cell in cells):  # only spaces
                cells = []
            if not header and not rows:  # the first row that holds something is the header
                header, previous = cells, number
                continue
            blank += number - previous - 1 + (not cells)
            previous = number
            if cells:
                _check_rows(len(rows), filename)
                rows.append(cells)
                numbers.append(number)
    except xlsx_reader.WorkbookRefused as exc:
        raise _refuse(str(exc), filename) from None
    width = max([len(row) for row in [header, *rows]], default=0)
    header = (header + [""] * width)[:width]
    table = pd.DataFrame([(r + [""] * width)[:width] for r in rows], columns=header, dtype=str)
    return table, _xlsx_meta(workbook, sheet), numbers, notes, blank


def _xlsx_meta(workbook: xlsx_reader.Workbook, sheet: str) -> dict[str, str]:
    """The ``meta.*`` keys of the « Informations » sheet of an export (its ``# clé: valeur`` lines in CSV)."""
    if INFO_SHEET not in workbook.sheets or sheet == INFO_SHEET:
        return {}
    meta: dict[str, str] = {}
    try:
        for _, cells in xlsx_reader.read_sheet(workbook, INFO_SHEET, max_columns=MAX_COLUMNS):
            key, value = (cells + ["", ""])[:2]
            if key.startswith(META_PREFIX) and not cell_text_problem(key) and not cell_text_problem(value):
                meta[key[len(META_PREFIX) :]] = value.strip()
            if len(meta) == MAX_META_LINES:
                break
    except xlsx_reader.WorkbookRefused:  # a side sheet that cannot be read only loses its information
        return {}
    return meta


def definition_sheet_text(data: bytes, *, filename: str) -> str | None:
    """The TOML text of the « Définition » sheet of an XLSX export (None: no such sheet, or a CSV).

    The sheet holds a header, then one line of the definition per row, in its first column.
    """
    if DEFINITION_SHEET not in sheet_names(data, filename=filename):
        return None
    workbook = _workbook(data, filename)
    lines: list[str] = []
    try:
        for index, (_, cells) in enumerate(xlsx_reader.read_sheet(workbook, DEFINITION_SHEET, max_columns=1)):
            if index:  # the first row is the header
                lines.append(cells[0] if cells else "")
    except xlsx_reader.WorkbookRefused as exc:
        raise _refuse(str(exc), filename) from None
    return "\n".join(lines) + "\n"


def stripped_cell(value: object) -> str:
    """A raw cell as stripped text ("" when missing)."""
    if isinstance(value, str):
        return value.strip()
    return "" if value is None or pd.isna(value) else str(value).strip()


def cell_text_problem(text: str) -> str | None:
    """Why a cell's text is refused (too long, control character), or None."""
    if len(text) > MAX_CELL_CHARS:
        return (
            f"texte trop long ({fr_int(len(text))} caractères ; {fr_int(MAX_CELL_CHARS)} au plus, "
            "comme dans une cellule de tableur)."
        )
    found = FORBIDDEN.search(text)
    if found:
        return (
            f"caractère de contrôle interdit (U+{ord(found.group()):04X}, position {found.start() + 1}) : "
            "supprimez-le ; seuls la tabulation et le retour à la ligne sont admis."
        )
    return None
