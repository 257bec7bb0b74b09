"""Reading and validating a programme file (CSV or XLSX).

A programme file lists the territories of the programme, one per row: ``code``,
``type`` (commune, epci, departement, region, groupement), ``nom`` (used only for
a groupement), ``membres`` (a groupement's member codes), one column per lever
(``L1``…) holding its activation level, and the optional ``date_dialogue``,
``notes`` and ``contact``. Other columns are kept as they are and reported.

The file is validated once, here, and **every** problem is reported at once, in
French, with the spreadsheet row and the column. What can be corrected without
ambiguity (a leading zero dropped by Excel, spaces in a SIREN, ``2a`` for ``2A``,
a level written as its label) is corrected and listed as a warning.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from territorial.core.codes import RULE_TEXT, is_code, normalise_code
from territorial.core.fmt import fold as _fold
from territorial.core.fmt import fr_int
from territorial.core.spreadsheet_text import FORBIDDEN, restore, visible
from territorial.model import xlsx_reader
from territorial.model.definition import ProgrammeDefinition
from territorial.model.reference import Reference

#: Limits of a programme file (said in the uploader's help and in the README). Any file
#: within MAX_BYTES is accepted or refused within seconds and a bounded memory
#: (bench/hostile_files.py); XLSX archives have their own limits (territorial/model/xlsx_reader.py).
MAX_BYTES = 5 * 1024 * 1024
#: Territories (non-blank rows), columns, characters in a cell (a spreadsheet's own limit).
MAX_ROWS = 5_000
MAX_COLUMNS = 50
MAX_CELL_CHARS = 32_767
#: ``#`` lines at the top of a CSV.
MAX_META_LINES = 100
#: Problems (and warnings) listed; beyond, they are only counted.
MAX_REPORTED = 200
#: Characters of a value quoted in a problem.
MAX_SHOWN_CHARS = 120
SPREADSHEET_ROWS = xlsx_reader.SPREADSHEET_ROWS
#: The sheet of an XLSX export that holds the metadata, as ``meta.clé`` / valeur rows.
INFO_SHEET = "Informations"
META_PREFIX = "meta."
KINDS = ("commune", "epci", "departement", "region", "groupement")
DEMO_STATUS = "demonstration"

_KIND_ALIASES = {
    "commune": "commune", "com": "commune",
    "epci": "epci", "intercommunalite": "epci", "cc": "epci", "ca": "epci", "cu": "epci",
    "metropole": "epci", "me": "epci", "communaute de communes": "epci",
    "communaute d'agglomeration": "epci", "communaute urbaine": "epci",
    "departement": "departement", "dep": "departement",
    "region": "region", "reg": "region",
    "groupement": "groupement", "petr": "groupement", "pays": "groupement", "pnr": "groupement",
}
_COLUMN_ALIASES = {
    "code": "code", "code_insee": "code", "siren": "code", "code_officiel": "code",
    "type": "type", "nature": "type", "type_de_territoire": "type", "kind": "type",
    "nom": "nom", "libelle": "nom", "name": "nom",
    "membres": "membres", "members": "membres",
    "date_dialogue": "date_dialogue", "date_du_dialogue": "date_dialogue", "date": "date_dialogue",
    "notes": "notes", "note": "notes", "commentaire": "notes",
    "contact": "contact",
}
#: Columns of a validated programme besides the levers (see :class:`ProgrammeTable`).
_CANONICAL = ("code", "type", "nom", "membres", "date_dialogue", "notes", "contact")
_KIND_LABELS = {
    "commune": "une commune", "epci": "une intercommunalité (EPCI)",
    "departement": "un département", "region": "une région", "groupement": "un groupement",
}
_LAYER_OF_KIND = {
    "commune": "communes", "epci": "epci", "departement": "departements", "region": "regions",
}


@dataclass(frozen=True)
class Problem:
    """One problem (or warning) found in a file, located for the person who fixes it."""

    row: int | None
    column: str | None
    value: str
    message: str

    def __post_init__(self) -> None:
        """Quote at most MAX_SHOWN_CHARS of the value, control characters made visible."""
        value = visible(str(self.value))
        if len(value) > MAX_SHOWN_CHARS:
            value = value[:MAX_SHOWN_CHARS] + "…"
        object.__setattr__(self, "value", value)
        if self.column is not None:
            object.__setattr__(self, "column", visible(str(self.column))[:MAX_SHOWN_CHARS])

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"ligne {self.row}")
        if self.column:
            where.append(f"colonne « {self.column} »")
        prefix = ", ".join(where)
        shown = f" (valeur « {self.value} »)" if self.value else ""
        head = prefix[:1].upper() + prefix[1:] + " : " if prefix else ""
        message = self.message if prefix else self.message[:1].upper() + self.message[1:]
        return f"{head}{message}{shown}"


class BoundedList(list):
    """A list of problems that keeps the first MAX_REPORTED and only counts the others (``total``)."""

    def __init__(self, limit: int = MAX_REPORTED) -> None:
        super().__init__()
        self.limit = limit
        self.total = 0

    def append(self, problem: Problem) -> None:
        self.total += 1
        if len(self) < self.limit:
            super().append(problem)

    @property
    def full(self) -> bool:
        """Whether a new problem would only be counted (so it need not be described)."""
        return len(self) >= self.limit


def more_text(shown: int, total: int, what: str = "problèmes") -> str:
    """« … et 12 345 autres problèmes » (empty when everything is shown)."""
    return f"… et {fr_int(total - shown)} autres {what}" if total > shown else ""


class ProgrammeFileError(ValueError):
    """The programme file was refused.

    ``problems`` holds the first MAX_REPORTED problems found, ``total`` how many there are.
    """

    def __init__(self, problems: list[Problem], *, filename: str = "") -> None:
        self.total = max(getattr(problems, "total", 0), len(problems))
        self.problems = list(problems[:MAX_REPORTED])
        self.filename = filename
        head = f"Le fichier « {filename} » a été refusé" if filename else "Fichier refusé"
        n = self.total
        lines = "\n".join(f"- {p}" for p in self.problems[:50])
        more = more_text(min(50, len(self.problems)), n)
        super().__init__(f"{head} : {fr_int(n)} problème{'s' if n > 1 else ''}.\n{lines}"
                         + (f"\n{more}" if more else ""))

    @property
    def more(self) -> str:
        """« … et 12 345 autres problèmes » beyond those listed (empty if all are)."""
        return more_text(len(self.problems), self.total)

    def as_frame(self) -> pd.DataFrame:
        return problems_frame(self.problems)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table for display: Ligne, Colonne, Valeur, Problème."""
    return pd.DataFrame(
        {
            "Ligne": [p.row for p in problems],
            "Colonne": [p.column or "" for p in problems],
            "Valeur": [p.value for p in problems],
            "Problème": [p.message for p in problems],
        }
    )


@dataclass
class ProgrammeTable:
    """A validated programme: one row per territory, canonical columns and types.

    Columns: code, type, nom, membres, one int column per lever, date_dialogue
    (ISO text or empty), notes, contact, then the file's extra columns.
    """

    territories: pd.DataFrame
    meta: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)

    @property
    def is_demo(self) -> bool:
        return _fold(self.meta.get("statut", "")) == DEMO_STATUS


# --------------------------------------------------------------------------- reading

#: A table of strings, its metadata, the spreadsheet row of each of its rows, notes,
#: and the number of blank rows left out.
RawTable = tuple[pd.DataFrame, dict[str, str], list[int], list[Problem], int]

_BINARY = ("ce fichier n'est pas un fichier texte (CSV) : il contient des données binaires. "
           "Exportez votre tableau en CSV ou en XLSX.")
_UNREADABLE = ("ce fichier n'est pas un fichier texte lisible (ni UTF-8 ni Windows-1252). Exportez votre "
               "tableau en CSV UTF-8 ou en XLSX.")
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
        raise _refuse(f"le fichier dépasse la taille maximale de {MAX_BYTES // (1024 * 1024)} Mo.", filename,
                      value=f"{len(data) / 1e6:.1f} Mo".replace(".", ","))
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")) and data[:8] != _OLE:
        return _read_xlsx(data, filename=filename, sheet=sheet)
    if data[:8] == _OLE:
        if name.endswith((".xlsx", ".xlsm")):
            raise _refuse("ce classeur est protégé par un mot de passe (chiffré) : enregistrez-le sans mot "
                          "de passe, au format .xlsx ou CSV.", filename)
        raise _refuse("l'ancien format Excel .xls n'est pas pris en charge : enregistrez le fichier au "
                      "format .xlsx ou CSV.", filename)
    if name.endswith(".xls"):
        raise _refuse("l'ancien format Excel .xls n'est pas pris en charge : enregistrez le fichier au "
                      "format .xlsx ou CSV.", filename)
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
        return text, [Problem(None, None, "", "encodage Windows-1252 détecté : le fichier a été "
                              "lu comme tel (accents vérifiés).")]


def _meta_lines(text: str, filename: str) -> tuple[list[str], int]:
    """The ``#`` lines at the top of a CSV (also ``"#…"``, as a spreadsheet quotes them) and where the rest starts."""
    lines: list[str] = []
    position = 0
    while text.startswith(("#", '"#'), position):
        match = _LINE.match(text, position)
        if len(lines) == MAX_META_LINES:
            raise _refuse(f"le fichier commence par plus de {MAX_META_LINES} lignes de commentaires (« # ») : "
                          "gardez-en moins, ou supprimez-les.", filename)
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
    header_line = _LINE.match(body).group()
    delimiter = max([";", ",", "\t", "|"], key=header_line.count)
    meta = _meta(meta_lines, delimiter)
    for row, line in enumerate(meta_lines, start=1):
        text_problem = _text_problem(line)
        if text_problem:
            raise ProgrammeFileError([Problem(row, None, line, text_problem)], filename=filename)
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
                raise _refuse(f"le fichier a plus de {fr_int(SPREADSHEET_ROWS)} lignes, plus qu'un tableur "
                              "n'en peut contenir.", filename)
            if not any(cell.strip() for cell in row):
                blank += 1
                continue
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                problems.append(Problem(row_number, None, "", f"cette ligne a {len(row)} cellules pour "
                                        f"{width} colonnes d'en-tête : vérifiez le séparateur « {delimiter} » "
                                        "et les guillemets."))
                continue
            _check_rows(len(rows), filename)
            rows.append([restore(cell) for cell in (row + [""] * width)[:width]])
            numbers.append(row_number)
    except csv.Error as exc:
        raise ProgrammeFileError([Problem(row_number + 1, None, "", f"ligne illisible ({exc}) : vérifiez "
                                          "les guillemets et le séparateur.")], filename=filename) from exc
    if problems:
        raise ProgrammeFileError(problems, filename=filename)
    table = pd.DataFrame(rows, columns=[restore(c) for c in header], dtype=str)
    return table, meta, numbers, notes, blank


def _check_width(header: list, row: int, filename: str) -> None:
    """Refuse a header with more than MAX_COLUMNS named columns."""
    named = [i for i, c in enumerate(header) if c is not None and str(c).strip()]
    if named and named[-1] >= MAX_COLUMNS:
        raise _refuse(f"le fichier a {fr_int(named[-1] + 1)} colonnes ({MAX_COLUMNS} au plus) : retirez les "
                      "colonnes inutiles.", filename, row=row)


def _check_rows(kept: int, filename: str) -> None:
    if kept >= MAX_ROWS:
        raise _refuse(f"le fichier a plus de {fr_int(MAX_ROWS)} lignes de territoires ({fr_int(MAX_ROWS)} au "
                      "plus) : découpez-le ou retirez les lignes inutiles.", filename)


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
        sheet = preferred[0] if preferred else names[0]
        if len(names) > 1:
            notes.append(Problem(None, None, sheet, f"le classeur a {len(names)} feuilles "
                                 f"({', '.join(names)}) : la feuille « {sheet} » a été lue."))
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
            if key.startswith(META_PREFIX) and not _text_problem(key) and not _text_problem(value):
                meta[key[len(META_PREFIX):]] = value.strip()
            if len(meta) == MAX_META_LINES:
                break
    except xlsx_reader.WorkbookRefused:  # a side sheet that cannot be read only loses its information
        return {}
    return meta


# --------------------------------------------------------------------------- validation


def _column_key(name: str) -> str:
    return re.sub(r"[^a-z0-9']+", "_", _fold(name)).strip("_")


def _map_columns(
    table: pd.DataFrame, definition: ProgrammeDefinition
) -> tuple[dict[str, str], list[str], list[Problem]]:
    """Map the file's headers to canonical names; return mapping, extra columns, problems."""
    lever_keys = {}
    for lever in definition.levers:
        for alias in (lever.id, f"levier_{lever.id}", lever.label):
            lever_keys[_column_key(alias)] = lever.id
    mapping: dict[str, str] = {}
    extras: list[str] = []
    problems: list[Problem] = []
    for position, column in enumerate(table.columns):
        key = _column_key(column)
        canonical = _COLUMN_ALIASES.get(key) or lever_keys.get(key)
        text_problem = _text_problem(str(column))
        if text_problem:
            problems.append(Problem(1, str(column), str(column), f"en-tête de colonne : {text_problem}"))
            continue
        if not key:
            if table.iloc[:, position].astype(str).str.strip().ne("").any():
                problems.append(Problem(1, str(column), "", "colonne sans en-tête mais avec des "
                                        "valeurs : donnez-lui un nom ou supprimez-la."))
            continue
        if canonical is None and str(column) in extras:
            problems.append(Problem(1, str(column), "", f"colonne en double : « {column} » apparaît deux "
                                    "fois dans l'en-tête."))
        elif canonical is None:
            extras.append(str(column))
        elif canonical in mapping.values():
            problems.append(Problem(1, str(column), "", f"colonne en double : « {canonical} » "
                                    "apparaît deux fois dans l'en-tête."))
        else:
            mapping[str(column)] = canonical
    room = MAX_COLUMNS - len(_CANONICAL) - len(definition.lever_ids)
    if len(extras) > room:  # an export (every canonical column, then the extras) must be importable
        problems.append(Problem(1, extras[room], "", f"trop de colonnes non reconnues ({len(extras)} ; "
                                f"{room} au plus, avec les {MAX_COLUMNS - room} colonnes du programme)."))
    for required in ("code", "type", *definition.lever_ids):
        if required not in mapping.values():
            label = f" ({definition.lever(required).label})" if required in definition.lever_ids else ""
            problems.append(Problem(1, required, "", f"colonne obligatoire manquante{label}. "
                                    f"Colonnes attendues : code, type, {', '.join(definition.lever_ids)}."))
    return mapping, extras, problems


_MEMBER_SEPARATORS = re.compile(r"[\s,;|]+")


def _candidates(code: str, kind: str) -> list[str]:
    """Unambiguous corrections of a code whose leading zero a spreadsheet dropped."""
    if kind == "commune" and re.fullmatch(r"\d{4}", code):
        return ["0" + code]
    if kind in ("departement", "region") and re.fullmatch(r"\d", code):
        return ["0" + code]
    return []


def _where_else(code: str, reference: Reference, kind: str) -> str | None:
    """Describe what else a code is, to explain a wrong ``type``."""
    for other, layer_name in _LAYER_OF_KIND.items():
        if other == kind:
            continue
        layer = reference.layer(layer_name)
        if code in layer.index:
            return f"{_KIND_LABELS[other]} ({layer.at[code, 'nom']})"
    return None


def _resolve_code(code: str, kind: str, reference: Reference, row: int, column: str,
                  problems: list[Problem], warnings: list[Problem]) -> str | None:
    layer = reference.layer(_LAYER_OF_KIND[kind])
    if code in layer.index:
        return code
    for fixed in _candidates(code, kind):
        if fixed in layer.index:
            warnings.append(Problem(row, column, code, f"zéro initial rétabli : « {fixed} » "
                                    f"({layer.at[fixed, 'nom']})."))
            return fixed
    if getattr(problems, "full", False):  # one problem more, counted only: no need to say which
        problems.total += 1
        return None
    if kind == "commune" and code in reference.anciennes.index:
        old = reference.anciennes.loc[code]
        parent = old["parent"]
        parent_name = reference.communes.at[parent, "nom"] if parent in reference.communes.index else "?"
        article = "un" if old["nature"].startswith("arrondissement") else "une"
        problems.append(Problem(row, column, code, f"ce code est celui d'{article} {old['nature']} "
                                f"({old['nom']}), pas d'une commune actuelle : utilisez le code "
                                f"{parent} ({parent_name})."))
        return None
    elsewhere = _where_else(code, reference, kind)
    if elsewhere:
        problems.append(Problem(row, column, code, f"ce code désigne {elsewhere}, pas "
                                f"{_KIND_LABELS[kind]} : corrigez la colonne « type » ou le code."))
        return None
    hint = {
        "commune": "code INSEE à 5 caractères, ex. 01001, 2A004, 97411",
        "epci": "numéro SIREN à 9 chiffres, ex. 200054781",
        "departement": "ex. 01, 2A, 974",
        "region": "ex. 11, 84, 04",
    }[kind]
    problems.append(Problem(row, column, code, f"code inconnu du référentiel 2026 pour "
                            f"{_KIND_LABELS[kind]} ({hint}). Code ancien ou erroné ?"))
    return None


def _parse_level(raw: str, definition: ProgrammeDefinition) -> int | None:
    text = str(raw).strip().replace(",", ".")
    if re.fullmatch(r"-?\d+(\.0+)?", text):
        return int(float(text))
    for level in definition.levels:
        if _fold(text) == _fold(level.label):
            return level.value
    return None


def _parse_date(raw: str) -> str | None:
    text = str(raw).strip()
    for pattern, order in ((r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", "ymd"),
                           (r"(\d{1,2})/(\d{1,2})/(\d{4})", "dmy")):
        match = re.fullmatch(pattern, text)
        if match:
            parts = match.groups()
            y, m, d = (parts if order == "ymd" else (parts[2], parts[1], parts[0]))
            try:
                return pd.Timestamp(int(y), int(m), int(d)).date().isoformat()
            except ValueError:
                return None
    return None


def _stripped(value: object) -> str:
    """A raw cell as stripped text ("" when missing)."""
    if isinstance(value, str):
        return value.strip()
    return "" if value is None or pd.isna(value) else str(value).strip()


def _text_problem(text: str) -> str | None:
    """Why a cell's text is refused (too long, control character), or None."""
    if len(text) > MAX_CELL_CHARS:
        return (f"texte trop long ({fr_int(len(text))} caractères ; {fr_int(MAX_CELL_CHARS)} au plus, "
                "comme dans une cellule de tableur).")
    found = FORBIDDEN.search(text)
    if found:
        return (f"caractère de contrôle interdit (U+{ord(found.group()):04X}, position {found.start() + 1}) : "
                "supprimez-le ; seuls la tabulation et le retour à la ligne sont admis.")
    return None


def validate_table(
    table: pd.DataFrame,
    *,
    definition: ProgrammeDefinition,
    reference: Reference,
    first_row: int = 2,
    meta: dict[str, str] | None = None,
    notes: list[Problem] | None = None,
    filename: str = "",
    rows: list[int] | None = None,
    blank_rows: int = 0,
) -> ProgrammeTable:
    """Validate a raw table of strings; raise :class:`ProgrammeFileError` listing the problems.

    Row numbers are ``first_row`` for the first row of ``table`` and so on, or ``rows``
    (the spreadsheet row of each row of ``table``). ``blank_rows``: blank rows already
    left out by the reader (reported with those found here).
    """
    mapping, extras, header_problems = _map_columns(table, definition)
    warnings = BoundedList()
    for note in notes or []:
        warnings.append(note)
    if header_problems:
        raise ProgrammeFileError(header_problems, filename=filename)
    problems = BoundedList()
    table = table.rename(columns=mapping)
    source_name = {v: k for k, v in mapping.items()}
    col = lambda canonical: source_name.get(canonical, canonical)  # noqa: E731
    lever_ids = definition.lever_ids

    records: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    blank = blank_rows
    names = list(table.columns)
    columns = [table.iloc[:, i].tolist() for i in range(len(names))]
    for position, raw in enumerate(zip(*columns, strict=True)):
        row = rows[position] if rows is not None else first_row + position
        values = {k: _stripped(v) for k, v in zip(names, raw, strict=True)}
        if not any(values.values()):
            blank += 1
            continue
        for key, value in values.items():
            text_problem = _text_problem(value) if key else None
            if text_problem:
                problems.append(Problem(row, col(key), value, text_problem))
        record: dict = {"code": None, "type": None, "nom": "", "membres": "",
                        "date_dialogue": "", "notes": values.get("notes", ""),
                        "contact": values.get("contact", "")}
        for extra in extras:
            record[extra] = values.get(extra, "")
        kind_raw = values.get("type", "")
        kind = _KIND_ALIASES.get(_fold(kind_raw))
        if not kind_raw:
            problems.append(Problem(row, col("type"), "", f"type manquant : indiquez {', '.join(KINDS)}."))
        elif kind is None:
            problems.append(Problem(row, col("type"), kind_raw, f"type inconnu : utilisez {', '.join(KINDS)}."))
        code = normalise_code(values.get("code", ""))
        if not code:
            problems.append(Problem(row, col("code"), "", "code manquant."))
        elif kind == "groupement" and not is_code(code):
            problems.append(Problem(row, col("code"), code, f"code de groupement invalide : {RULE_TEXT}."))
        elif kind == "groupement":
            record["code"] = code
            record["nom"] = values.get("nom", "")
            if not record["nom"]:
                problems.append(Problem(row, col("nom"), "", "un groupement doit avoir un nom."))
            record["membres"] = _members(values.get("membres", ""), reference, row, col("membres"),
                                         problems, warnings)
        elif kind is not None:
            record["code"] = _resolve_code(code, kind, reference, row, col("code"), problems, warnings)
            if values.get("membres"):
                warnings.append(Problem(row, col("membres"), values["membres"],
                                        "membres ignorés : seuls les groupements en ont."))
        record["type"] = kind
        for lever_id in lever_ids:
            raw_level = values.get(lever_id, "")
            if raw_level == "":
                problems.append(Problem(row, col(lever_id), "", f"niveau manquant pour le levier "
                                        f"{lever_id} : indiquez un entier de {definition.min_level} "
                                        f"à {definition.max_level} (0 = {definition.level_label(0)})."))
                continue
            level = _parse_level(raw_level, definition)
            if level is None or not definition.min_level <= level <= definition.max_level:
                allowed = ", ".join(f"{lv.value} ({lv.label})" for lv in definition.levels)
                what = "n'est pas un nombre entier" if level is None else "hors de l'échelle"
                problems.append(Problem(row, col(lever_id), raw_level, f"niveau {what} : valeurs "
                                        f"admises {allowed}."))
            else:
                record[lever_id] = level
        date_raw = values.get("date_dialogue", "")
        if date_raw:
            parsed = _parse_date(date_raw)
            if parsed is None:
                problems.append(Problem(row, col("date_dialogue"), date_raw,
                                        "date illisible : écrivez AAAA-MM-JJ ou JJ/MM/AAAA."))
            record["date_dialogue"] = parsed or ""
        if record["code"] and kind:
            key = (kind, record["code"])
            if key in seen:
                problems.append(Problem(row, col("code"), record["code"], f"territoire en double : "
                                        f"déjà présent ligne {seen[key]}."))
            else:
                seen[key] = row
        records.append(record)
    if blank:
        warnings.append(Problem(None, None, "", f"{fr_int(blank)} ligne(s) vide(s) ignorée(s)."))
    if not records and not problems:
        problems.append(Problem(None, None, "", "aucun territoire : le fichier ne contient que "
                                "l'en-tête."))
    if problems:
        raise ProgrammeFileError(problems, filename=filename)
    if extras:
        warnings.append(Problem(1, ", ".join(extras), "", "colonne(s) non reconnue(s) conservée(s) "
                                "telles quelles, sans être utilisées."))
    listed = list(warnings)
    if warnings.total > len(listed):
        listed.append(Problem(None, None, "", more_text(len(listed), warnings.total, "remarques") + "."))
    frame = pd.DataFrame.from_records(records)
    frame = frame[["code", "type", "nom", "membres", *lever_ids, "date_dialogue", "notes",
                   "contact", *extras]]
    for lever_id in lever_ids:
        frame[lever_id] = frame[lever_id].astype("int64")
    return ProgrammeTable(frame, meta=dict(meta or {}), warnings=listed, extra_columns=extras)


def _members(raw: str, reference: Reference, row: int, column: str,
             problems: BoundedList, warnings: list[Problem]) -> str:
    """Resolve a groupement's member codes (communes or EPCI), space-separated."""
    codes = [normalise_code(c) for c in _MEMBER_SEPARATORS.split(raw) if c]
    if not codes:
        problems.append(Problem(row, column, "", "un groupement doit lister ses membres "
                                "(codes INSEE de communes ou SIREN d'EPCI, séparés par des espaces)."))
        return ""
    kinds = ["epci" if len(code) == 9 and code.isdigit() else "commune" for code in codes]
    # thousands of members: look them all up at once; only the others go through _resolve_code
    known = {kind: set(pd.Index(codes).intersection(reference.layer(_LAYER_OF_KIND[kind]).index))
             for kind in ("commune", "epci")}
    resolved: dict[str, None] = {}  # ordered, and a set for « cité deux fois »
    for code, kind in zip(codes, kinds, strict=True):
        if code in known[kind]:
            fixed: str | None = code
        elif problems.full and not _candidates(code, kind):  # an unknown code, counted only
            problems.total += 1
            continue
        else:
            fixed = _resolve_code(code, kind, reference, row, column, problems, warnings)
        if fixed and fixed in resolved:
            problems.append(Problem(row, column, fixed, "membre cité deux fois."))
        elif fixed:
            resolved[fixed] = None
    epcis = {c for c in resolved if len(c) == 9}
    communes = [c for c in resolved if len(c) != 9]
    if epcis and communes:
        inside = reference.communes.loc[communes, "epci"].isin(epcis).to_numpy()
        for code in (c for c, twice in zip(communes, inside, strict=True) if twice):
            problems.append(Problem(row, column, code, "cette commune fait déjà partie d'un EPCI "
                                    "membre du groupement : sa population serait comptée deux fois."))
    return " ".join(resolved)


def load_programme_file(
    data: bytes,
    *,
    filename: str,
    definition: ProgrammeDefinition,
    reference: Reference,
    sheet: str | None = None,
) -> ProgrammeTable:
    """Read and validate a programme file; raise :class:`ProgrammeFileError` on any problem."""
    table, meta, rows, notes, blank = read_file(data, filename=filename, sheet=sheet)
    if len(table.columns) == 0:
        raise ProgrammeFileError([Problem(1, None, "", "aucune colonne trouvée.")], filename=filename)
    return validate_table(table, definition=definition, reference=reference, rows=rows, blank_rows=blank,
                          meta=meta, notes=notes, filename=filename)
