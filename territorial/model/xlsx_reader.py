"""Reading an XLSX workbook at a bounded cost, whatever its few megabytes declare.

An XLSX file is a ZIP archive of XML documents. A few hundred kilobytes can declare
gigabytes once decompressed (a « zip bomb »), or millions of cells that a spreadsheet
library takes minutes and gigabytes to parse (openpyxl builds a dictionary per cell and
a whole row in memory). So the workbook is read here, in one streaming pass per part
with expat (no tree is built):

1. the archive's **declared** sizes are checked first (``zipfile`` never decompresses
   more than a member declares): number of members, total decompressed size,
   compression ratio of each large member;
2. only the parts needed are read: package and workbook relationships, workbook
   (sheet names, date system), shared strings, number formats (which cells are dates),
   and the one sheet asked for;
3. each part is bounded while it streams: no document type declaration (entities:
   « billion laughs », external entities), a number of elements; in the sheet, cells
   (empty or not) and rows, row numbers within a spreadsheet's limit, in order, and no
   filled cell beyond the last column allowed.

Every refusal is a :class:`WorkbookRefused` with a French message for the person who
sent the file. Cells come out as the text a person typed, as the previous reader
(pandas + openpyxl) gave them: ``4113`` for 4113.0, ``2025-03-01 00:00:00`` for a date,
``True`` for a boolean, nothing for an error; ``_x0007_`` escapes are decoded (then
refused by the validation if they are control characters).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import posixpath
import re
import xml.parsers.expat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from territorial.core.fmt import fr_int

#: At most this many members in the archive.
MAX_MEMBERS = 1_000
#: At most this many bytes once every member is decompressed (declared sizes).
MAX_UNCOMPRESSED = 50 * 1024 * 1024
#: A member larger than MIN_RATIO_CHECKED bytes may be at most MAX_RATIO times smaller compressed
#: (an export of this dashboard: about 15 times; the zip bombs seen: about 1,000 times).
MAX_RATIO = 100
MIN_RATIO_CHECKED = 1024 * 1024
#: At most this many XML elements in a part (relationships, workbook, shared strings, styles).
MAX_ELEMENTS = 1_000_000
#: In the sheet read: at most this many cells (``<c>``, empty or not), rows (``<row>``) and elements.
MAX_SHEET_CELLS = 400_000
MAX_SHEET_ROWS = 100_000
MAX_SHEET_ELEMENTS = 2_000_000
#: A spreadsheet's own limits (Excel).
SPREADSHEET_ROWS = 1_048_576
SPREADSHEET_COLUMNS = 16_384

_ODS = b"application/vnd.oasis.opendocument.spreadsheet"
_CELL = re.compile(r"([A-Za-z]{1,3})(\d*)")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_TO_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_INTEGER = re.compile(r"[+-]?\d+")


class WorkbookRefused(ValueError):
    """The workbook was refused; the message is in French."""


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index


def escape(text: str) -> str:
    """Text for an XLSX cell, such that :func:`unescape` gives it back (``_x0041_`` stays literal)."""
    return _TO_ESCAPE.sub("_x005F_", text)


def _unescaped(match: re.Match) -> str:
    code = int(match.group(1), 16)
    return match.group() if 0xD800 <= code <= 0xDFFF else chr(code)  # a lone surrogate stays as written


def unescape(text: str) -> str:
    """Decode the ``_xHHHH_`` escapes of XLSX text (``_x000D_`` is a carriage return)."""
    return _ESCAPED.sub(_unescaped, text) if "_x" in text else text


# --------------------------------------------------------------------------- streaming parts


def _local(tag: str) -> str:
    return tag.rpartition(" ")[2]


def _refuse_doctype(*_args: object) -> None:
    raise WorkbookRefused(
        "le classeur contient une déclaration de type de document (DOCTYPE), qu'aucun tableur n'écrit : fichier refusé."
    )


def _parser(
    name: str, start: Callable, end: Callable | None, text: Callable | None, limit: int
) -> xml.parsers.expat.XMLParserType:
    """An expat parser for part ``name``: ``start(local, attrs)``, ``end(local)``, ``text(data)``."""
    count = [0]

    def on_start(tag: str, attrs: dict) -> None:
        count[0] += 1
        if count[0] > limit:
            raise WorkbookRefused(
                f"la partie « {name[:80]} » du classeur contient plus de {fr_int(limit)} "
                "éléments : ce n'est pas un classeur ordinaire."
            )
        start(_local(tag), attrs)

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.StartElementHandler = on_start
    if end is not None:
        parser.EndElementHandler = lambda tag: end(_local(tag))
    if text is not None:
        parser.CharacterDataHandler = text
        parser.buffer_text = True
    return parser


def _chunks(archive: zipfile.ZipFile, name: str, parser: xml.parsers.expat.XMLParserType) -> Iterator[None]:
    """Feed part ``name`` to ``parser`` one megabyte at a time (a step per chunk); errors in French."""
    try:
        with archive.open(name) as source:
            while chunk := source.read(1 << 20):
                parser.Parse(chunk, False)
                yield
        parser.Parse(b"", True)
        yield
    except WorkbookRefused:
        raise
    except (
        xml.parsers.expat.ExpatError,
        zipfile.BadZipFile,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
        KeyError,
    ) as exc:
        raise WorkbookRefused(
            f"la partie « {name[:80]} » du classeur est illisible ou corrompue ({type(exc).__name__})."
        ) from exc


def _stream(
    archive: zipfile.ZipFile,
    name: str,
    start: Callable,
    end: Callable | None = None,
    text: Callable | None = None,
    *,
    limit: int = MAX_ELEMENTS,
) -> None:
    """Parse part ``name`` with expat, nothing kept but what the handlers keep."""
    for _ in _chunks(archive, name, _parser(name, start, end, text, limit)):
        pass


def _target(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target path) of ``part`` (``""`` for the package)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    found: dict[str, tuple[str, str]] = {}
    if rels not in archive.NameToInfo:
        return found

    def start(tag: str, attrs: dict) -> None:
        if tag == "Relationship" and attrs.get("TargetMode") != "External":
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), _target(part, attrs.get("Target", "")))

    _stream(archive, rels, start)
    return found


# --------------------------------------------------------------------------- the workbook


@dataclass
class Workbook:
    """A checked archive: its sheets (name -> path of the sheet's part) and what cells refer to."""

    archive: zipfile.ZipFile
    sheets: dict[str, str]
    strings_part: str | None = None
    styles_part: str | None = None
    epoch: dt.datetime = CALENDAR_WINDOWS_1900
    _strings: list[str] | None = None
    _dates: dict[int, bool] | None = None  # style index -> is a duration
    _read: set[str] = field(default_factory=set)

    @property
    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = _shared_strings(self.archive, self.strings_part) if self.strings_part else []
        return self._strings

    @property
    def date_styles(self) -> dict[int, bool]:
        if self._dates is None:
            self._dates = _date_styles(self.archive, self.styles_part) if self.styles_part else {}
        return self._dates


def open_workbook(data: bytes) -> Workbook:
    """Check the archive and read the workbook's sheet list; raise :class:`WorkbookRefused`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise WorkbookRefused(f"ce fichier XLSX est illisible ou corrompu ({type(exc).__name__}).") from exc
    _check_sizes(infos)
    if "mimetype" in archive.NameToInfo and _head(archive, "mimetype").strip() == _ODS:
        raise WorkbookRefused(
            "ce fichier est un classeur OpenDocument (.ods), pas un classeur Excel : "
            "enregistrez-le au format .xlsx ou CSV."
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise WorkbookRefused("ce classeur est chiffré : enregistrez-le sans mot de passe.")
    main = next(
        (target for kind, target in _relationships(archive, "").values() if kind.endswith("/officeDocument")), None
    )
    if main is None or main not in archive.NameToInfo:
        raise WorkbookRefused("ce fichier XLSX est illisible ou corrompu (pas de classeur à l'intérieur).")
    related = _relationships(archive, main)
    workbook = Workbook(archive, {})
    for kind, target in related.values():
        if kind.endswith("/sharedStrings") and target in archive.NameToInfo:
            workbook.strings_part = target
        elif kind.endswith("/styles") and target in archive.NameToInfo:
            workbook.styles_part = target

    def start(tag: str, attrs: dict) -> None:
        if tag == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
            kind, target = related.get(rid, ("", ""))
            if kind.endswith("/worksheet") and target in archive.NameToInfo and attrs.get("name"):
                workbook.sheets[attrs["name"]] = target
        elif tag == "workbookPr" and attrs.get("date1904", "").lower() in ("1", "true"):
            workbook.epoch = CALENDAR_MAC_1904

    _stream(archive, main, start)
    if not workbook.sheets:
        raise WorkbookRefused("ce classeur ne contient aucune feuille de données lisible.")
    return workbook


def _head(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as member:
            return member.read(100)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return b""


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise WorkbookRefused(
            f"le classeur contient {fr_int(len(infos))} fichiers internes "
            f"({fr_int(MAX_MEMBERS)} au plus) : ce n'est pas un classeur ordinaire."
        )
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise WorkbookRefused(
            f"une fois décompressé, le classeur ferait {_mb(total)} ({_mb(MAX_UNCOMPRESSED)} "
            "au plus) : retirez les feuilles, images et mises en forme inutiles, ou "
            "exportez la feuille du programme en CSV."
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MIN_RATIO_CHECKED and ratio > MAX_RATIO:
            raise WorkbookRefused(
                f"la partie « {info.filename[:80]} » du classeur est compressée "
                f"{fr_int(ratio)} fois ({fr_int(MAX_RATIO)} fois au plus) : ce n'est pas "
                "un classeur ordinaire."
            )


class _Text:
    """The text of ``<t>`` elements (plain and rich-text runs), not of phonetic runs (``<rPh>``)."""

    def __init__(self) -> None:
        self.parts: list[str] | None = None
        self.phonetic = 0
        self.inside = False

    def start(self, tag: str) -> None:
        if tag == "rPh":
            self.phonetic += 1
        elif tag == "t" and not self.phonetic:
            self.inside = True

    def end(self, tag: str) -> None:
        if tag == "rPh":
            self.phonetic -= 1
        elif tag == "t":
            self.inside = False

    def data(self, text: str) -> None:
        if self.inside and self.parts is not None:
            self.parts.append(text)


def _shared_strings(archive: zipfile.ZipFile, part: str) -> list[str]:
    strings: list[str] = []
    text = _Text()

    def start(tag: str, _attrs: dict) -> None:
        if tag == "si":
            if len(strings) >= MAX_SHEET_CELLS:
                raise WorkbookRefused(
                    f"le classeur contient plus de {fr_int(MAX_SHEET_CELLS)} textes différents : "
                    "ce n'est pas un classeur ordinaire."
                )
            text.parts = []
        text.start(tag)

    def end(tag: str) -> None:
        text.end(tag)
        if tag == "si" and text.parts is not None:
            strings.append(unescape("".join(text.parts)))
            text.parts = None

    _stream(archive, part, start, end, text.data)
    return strings


def _date_styles(archive: zipfile.ZipFile, part: str) -> dict[int, bool]:
    """Index of each cell style that shows a date (True when it shows a duration)."""
    custom: dict[int, str] = {}
    formats: list[int] = []
    where = {"xfs": False}

    def start(tag: str, attrs: dict) -> None:
        if tag == "numFmt":
            try:
                custom[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
            except ValueError:
                pass
        elif tag == "cellXfs":
            where["xfs"] = True
        elif tag == "xf" and where["xfs"]:
            try:
                formats.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                formats.append(0)

    def end(tag: str) -> None:
        if tag == "cellXfs":
            where["xfs"] = False

    _stream(archive, part, start, end)
    dates: dict[int, bool] = {}
    for index, number_format in enumerate(formats):
        code = custom.get(number_format, BUILTIN_FORMATS.get(number_format))
        if is_date_format(code):
            dates[index] = is_timedelta_format(code)
    return dates


# --------------------------------------------------------------------------- a sheet


def _number(raw: str, style: int, workbook: Workbook) -> str:
    raw = raw.strip()
    if _INTEGER.fullmatch(raw) and style not in workbook.date_styles:
        return str(int(raw))
    try:
        value = float(raw)
    except ValueError:
        return raw
    if style in workbook.date_styles and math.isfinite(value):
        try:
            return str(from_excel(value, workbook.epoch, timedelta=workbook.date_styles[style]))
        except (OverflowError, ValueError):
            return raw
    if math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def _value(kind: str, raw: str, style: int, workbook: Workbook) -> str:
    """A cell's text, from its type (``t``), its raw value and its style."""
    if kind == "s":
        try:
            return workbook.strings[int(raw)]
        except (ValueError, IndexError):
            raise WorkbookRefused(
                f"ce classeur renvoie au texte n° « {raw[:20]} », qu'il ne contient pas : fichier corrompu."
            ) from None
    if kind in ("str", "inlineStr"):
        return unescape(raw)
    if kind == "b":
        return "True" if raw.strip() in ("1", "true") else "False"
    if kind == "e":
        return ""
    if kind == "d":
        return raw.strip()
    return _number(raw, style, workbook) if raw else ""


def read_sheet(workbook: Workbook, sheet: str, *, max_columns: int) -> Iterator[tuple[int, list[str]]]:
    """The rows of ``sheet`` that hold something: (spreadsheet row number, texts of its first columns).

    Refuses (:class:`WorkbookRefused`) a sheet beyond the limits of the module, or a filled cell
    beyond ``max_columns``.
    """
    part = workbook.sheets[sheet]
    if workbook.strings_part:
        workbook.strings  # noqa: B018 - read the shared strings (bounded) before the sheet
    reader = _SheetReader(workbook, sheet, max_columns)
    parser = xml.parsers.expat.ParserCreate()  # prefixed names (x:c) are handled by _SheetReader.local
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.data
    parser.buffer_text = True
    # expat pushes: the rows completed by each chunk of XML are handed out before the next chunk
    for _ in _chunks(workbook.archive, part, parser):
        yield from reader.done
        reader.done.clear()


class _SheetReader:
    """expat handlers for a sheet (hot path: a few calls per cell, attributes rather than dicts)."""

    def __init__(self, workbook: Workbook, sheet: str, max_columns: int) -> None:
        self.workbook, self.sheet, self.max_columns = workbook, sheet, max_columns
        self.done: list[tuple[int, list[str]]] = []
        self.row_cells: dict[int, str] = {}
        self.names: dict[str, str] = {}
        self.columns: dict[str, int] = {}
        self.elements = self.rows = self.cells = self.row = self.column = self.style = 0
        self.kind = "n"
        self.value: str | None = None
        self.parts: list[str] | None = None  # text of the <v> or <t> being read
        self.phonetic = 0
        self.in_t = False

    def local(self, tag: str) -> str:
        name = self.names.get(tag)
        if name is None:
            name = self.names[tag] = tag.rpartition(":")[2]
        return name

    def start(self, tag: str, attrs: dict) -> None:
        self.elements += 1
        if self.elements > MAX_SHEET_ELEMENTS:
            raise WorkbookRefused(
                f"la feuille « {self.sheet} » contient plus de {fr_int(MAX_SHEET_ELEMENTS)} "
                "éléments : ce n'est pas une feuille ordinaire."
            )
        tag = self.names.get(tag) or self.local(tag)
        if tag == "c":
            self.cells += 1
            if self.cells > MAX_SHEET_CELLS:
                raise WorkbookRefused(
                    f"la feuille « {self.sheet} » contient plus de {fr_int(MAX_SHEET_CELLS)} "
                    "cellules (vides mais mises en forme comprises) : supprimez les lignes et "
                    "colonnes inutiles, ou exportez la feuille en CSV."
                )
            reference = attrs.get("r")
            self.column = self._column(reference) if reference else self.column + 1
            self.kind = attrs.get("t", "n")
            style = attrs.get("s")
            self.style = int(style) if style and style.isdigit() else 0
            self.value = None
        elif tag == "v":
            self.parts = []
        elif tag == "t":
            if not self.phonetic and self.kind == "inlineStr":
                self.in_t = True
                if self.parts is None:
                    self.parts = []
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "row":
            self._start_row(attrs.get("r"))

    def end(self, tag: str) -> None:
        tag = self.names.get(tag) or self.local(tag)
        if tag == "c":
            if self.parts is not None:  # an <is> without <v>: its text runs
                self.value, self.parts = "".join(self.parts), None
            if self.value is not None:
                self._cell(self.value)
            self.value = None
        elif tag == "v":
            self.value, self.parts = "".join(self.parts or []), None
        elif tag == "t":
            self.in_t = False
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "row":
            if self.row_cells:
                cells = self.row_cells
                self.done.append((self.row, [cells.get(i, "") for i in range(1, max(cells) + 1)]))

    def data(self, text: str) -> None:
        if self.parts is not None and (self.in_t or self.kind != "inlineStr"):
            self.parts.append(text)

    def _column(self, reference: str) -> int:
        letters = reference.rstrip("0123456789")
        column = self.columns.get(letters)
        if column is None:
            match = _CELL.fullmatch(reference)
            column = _column_index(match.group(1)) if match else self.column + 1
            if match and len(self.columns) < SPREADSHEET_COLUMNS:
                self.columns[letters] = column
        return column

    def _start_row(self, reference: str | None) -> None:
        self.rows += 1
        if self.rows > MAX_SHEET_ROWS:
            raise WorkbookRefused(
                f"la feuille « {self.sheet} » contient plus de {fr_int(MAX_SHEET_ROWS)} lignes "
                "(vides comprises) : supprimez les lignes inutiles, ou exportez la feuille en CSV."
            )
        number = _row_number(reference, self.row + 1, self.sheet)
        if number <= self.row:
            raise WorkbookRefused(
                f"la feuille « {self.sheet} » numérote ses lignes dans le désordre (ligne "
                f"{fr_int(number)} après la ligne {fr_int(self.row)}) : fichier corrompu."
            )
        self.row, self.column = number, 0
        self.row_cells = {}

    def _cell(self, raw: str) -> None:
        cell = _value(self.kind, raw, self.style, self.workbook)
        if not cell:
            return
        if self.column > self.max_columns:
            raise WorkbookRefused(
                f"la feuille « {self.sheet} » a une cellule remplie en colonne "
                f"{column_letter(min(self.column, SPREADSHEET_COLUMNS))} (ligne "
                f"{fr_int(self.row)}) : {self.max_columns} colonnes au plus."
            )
        self.row_cells[self.column] = cell


def _row_number(raw: str | None, following: int, sheet: str) -> int:
    if raw is None:
        return following
    try:
        number = int(float(raw))
    except (ValueError, OverflowError):
        number = -1
    if not 1 <= number <= SPREADSHEET_ROWS:
        raise WorkbookRefused(
            f"la feuille « {sheet} » a une ligne numérotée « {raw[:20]} », hors des "
            f"{fr_int(SPREADSHEET_ROWS)} lignes d'un tableur : fichier refusé."
        )
    return number
