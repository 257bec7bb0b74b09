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
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from territorial.core.codes import RULE_TEXT, is_code, normalise_code
from territorial.core.fmt import fold as _fold
from territorial.model.definition import ProgrammeDefinition
from territorial.model.reference import Reference

MAX_BYTES = 5 * 1024 * 1024
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


class ProgrammeFileError(ValueError):
    """The programme file was refused; ``problems`` holds every problem found."""

    def __init__(self, problems: list[Problem], *, filename: str = "") -> None:
        self.problems = problems
        self.filename = filename
        head = f"Le fichier « {filename} » a été refusé" if filename else "Fichier refusé"
        n = len(problems)
        lines = "\n".join(f"- {p}" for p in problems[:50])
        more = f"\n… et {n - 50} autres problèmes" if n > 50 else ""
        super().__init__(f"{head} : {n} problème{'s' if n > 1 else ''}.\n{lines}{more}")

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

#: A table of strings, its metadata, the spreadsheet row of its first data row, notes.
RawTable = tuple[pd.DataFrame, dict[str, str], int, list[Problem]]


def read_file(data: bytes, *, filename: str, sheet: str | None = None) -> RawTable:
    """Read raw bytes into a table of strings.

    Returns the table, the metadata (``# clé: valeur`` lines at the top of a CSV),
    the spreadsheet row number of the first data row, and informational notes.
    """
    name = filename.lower()
    if len(data) == 0:
        raise ProgrammeFileError([Problem(None, None, "", "le fichier est vide (0 octet).")], filename=filename)
    if len(data) > MAX_BYTES:
        raise ProgrammeFileError(
            [Problem(None, None, f"{len(data) / 1e6:.1f} Mo".replace(".", ","),
                     f"le fichier dépasse la taille maximale de {MAX_BYTES // (1024 * 1024)} Mo.")],
            filename=filename,
        )
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, filename=filename, sheet=sheet)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or name.endswith(".xls"):
        raise ProgrammeFileError(
            [Problem(None, None, "", "l'ancien format Excel .xls n'est pas pris en charge : "
                     "enregistrez le fichier au format .xlsx ou CSV.")], filename=filename)
    return _read_csv(data, filename=filename)


def _decode(data: bytes, filename: str) -> tuple[str, list[Problem]]:
    if b"\x00" in data[:4096]:
        raise ProgrammeFileError(
            [Problem(None, None, "", "ce fichier n'est pas un fichier texte (CSV) : il contient "
                     "des données binaires. Exportez votre tableau en CSV ou en XLSX.")],
            filename=filename,
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t")
        if "\ufffd" in text or controls > len(text) / 100:
            raise ProgrammeFileError(
                [Problem(None, None, "", "ce fichier n'est pas un fichier texte lisible (ni UTF-8 ni "
                         "Windows-1252). Exportez votre tableau en CSV UTF-8 ou en XLSX.")],
                filename=filename,
            ) from None
        return text, [Problem(None, None, "", "encodage Windows-1252 détecté : le fichier a été "
                              "lu comme tel (accents vérifiés).")]


def _read_csv(data: bytes, *, filename: str) -> RawTable:
    text, notes = _decode(data, filename)
    lines = text.splitlines()
    meta: dict[str, str] = {}
    skipped = 0
    for line in lines:
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        meta[_fold(key).replace(" ", "_")] = value.strip()
        skipped += 1
    body = "\n".join(lines[skipped:])
    if not body.strip():
        raise ProgrammeFileError([Problem(None, None, "", "le fichier ne contient aucune ligne "
                                          "(ni en-tête, ni territoire).")], filename=filename)
    header = body.split("\n", 1)[0]
    delimiter = max([";", ",", "\t", "|"], key=header.count)
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    rows = list(reader)
    width = len(rows[0])
    problems = []
    for i, row in enumerate(rows[1:], start=skipped + 2):
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            problems.append(Problem(i, None, "", f"cette ligne a {len(row)} cellules pour "
                                    f"{width} colonnes d'en-tête : vérifiez le séparateur « {delimiter} » "
                                    "et les guillemets."))
    if problems:
        raise ProgrammeFileError(problems, filename=filename)
    table = pd.DataFrame([(r + [""] * width)[:width] for r in rows[1:]], columns=rows[0], dtype=str)
    return table, meta, skipped + 2, notes


def _read_xlsx(data: bytes, *, filename: str, sheet: str | None) -> RawTable:
    try:
        book = pd.ExcelFile(io.BytesIO(data), engine="openpyxl")
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise ProgrammeFileError(
            [Problem(None, None, "", f"ce fichier XLSX est illisible ou corrompu ({type(exc).__name__}).")],
            filename=filename,
        ) from exc
    names = book.sheet_names
    notes: list[Problem] = []
    if sheet is not None and sheet not in names:
        raise ProgrammeFileError(
            [Problem(None, None, sheet, f"feuille introuvable ; feuilles du classeur : {', '.join(names)}.")],
            filename=filename,
        )
    if sheet is None:
        preferred = [n for n in names if _fold(n) in {"programme", "territoires"}]
        sheet = preferred[0] if preferred else names[0]
        if len(names) > 1:
            notes.append(Problem(None, None, sheet, f"le classeur a {len(names)} feuilles "
                                 f"({', '.join(names)}) : la feuille « {sheet} » a été lue."))
    table = pd.read_excel(book, sheet_name=sheet, dtype=str, header=0, keep_default_na=False,
                          na_values=[])
    table = table.rename(columns=lambda c: "" if str(c).startswith("Unnamed:") else str(c))
    return table.fillna(""), {}, 2, notes


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
    for column in table.columns:
        key = _column_key(column)
        canonical = _COLUMN_ALIASES.get(key) or lever_keys.get(key)
        if not key:
            if table[column].astype(str).str.strip().ne("").any():
                problems.append(Problem(1, str(column), "", "colonne sans en-tête mais avec des "
                                        "valeurs : donnez-lui un nom ou supprimez-la."))
            continue
        if canonical is None:
            extras.append(str(column))
        elif canonical in mapping.values():
            problems.append(Problem(1, str(column), "", f"colonne en double : « {canonical} » "
                                    "apparaît deux fois dans l'en-tête."))
        else:
            mapping[str(column)] = canonical
    for required in ("code", "type", *definition.lever_ids):
        if required not in mapping.values():
            label = f" ({definition.lever(required).label})" if required in definition.lever_ids else ""
            problems.append(Problem(1, required, "", f"colonne obligatoire manquante{label}. "
                                    f"Colonnes attendues : code, type, {', '.join(definition.lever_ids)}."))
    return mapping, extras, problems


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


def validate_table(
    table: pd.DataFrame,
    *,
    definition: ProgrammeDefinition,
    reference: Reference,
    first_row: int = 2,
    meta: dict[str, str] | None = None,
    notes: list[Problem] | None = None,
    filename: str = "",
) -> ProgrammeTable:
    """Validate a raw table of strings; raise :class:`ProgrammeFileError` with every problem."""
    mapping, extras, problems = _map_columns(table, definition)
    warnings: list[Problem] = list(notes or [])
    if problems:
        raise ProgrammeFileError(problems, filename=filename)
    table = table.rename(columns=mapping)
    source_name = {v: k for k, v in mapping.items()}
    col = lambda canonical: source_name.get(canonical, canonical)  # noqa: E731
    lever_ids = definition.lever_ids

    records: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    blank = 0
    for position, (_, raw) in enumerate(table.iterrows()):
        row = first_row + position
        values = {k: str(v).strip() if pd.notna(v) else "" for k, v in raw.items()}
        if not any(values.values()):
            blank += 1
            continue
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
        warnings.append(Problem(None, None, "", f"{blank} ligne(s) vide(s) ignorée(s)."))
    if not records and not problems:
        problems.append(Problem(None, None, "", "aucun territoire : le fichier ne contient que "
                                "l'en-tête."))
    if problems:
        raise ProgrammeFileError(problems, filename=filename)
    if extras:
        warnings.append(Problem(1, ", ".join(extras), "", "colonne(s) non reconnue(s) conservée(s) "
                                "telles quelles, sans être utilisées."))
    frame = pd.DataFrame.from_records(records)
    frame = frame[["code", "type", "nom", "membres", *lever_ids, "date_dialogue", "notes",
                   "contact", *extras]]
    for lever_id in lever_ids:
        frame[lever_id] = frame[lever_id].astype("int64")
    return ProgrammeTable(frame, meta=dict(meta or {}), warnings=warnings, extra_columns=extras)


def _members(raw: str, reference: Reference, row: int, column: str,
             problems: list[Problem], warnings: list[Problem]) -> str:
    """Resolve a groupement's member codes (communes or EPCI), space-separated."""
    codes = [normalise_code(c) for c in re.split(r"[\s,;|]+", raw) if c.strip()]
    if not codes:
        problems.append(Problem(row, column, "", "un groupement doit lister ses membres "
                                "(codes INSEE de communes ou SIREN d'EPCI, séparés par des espaces)."))
        return ""
    resolved: list[str] = []
    for code in codes:
        kind = "epci" if re.fullmatch(r"\d{9}", code) else "commune"
        fixed = _resolve_code(code, kind, reference, row, column, problems, warnings)
        if fixed and fixed in resolved:
            problems.append(Problem(row, column, fixed, "membre cité deux fois."))
        elif fixed:
            resolved.append(fixed)
    epcis = {c for c in resolved if len(c) == 9}
    for code in resolved:
        if len(code) != 9 and reference.communes.at[code, "epci"] in epcis:
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
    table, meta, first_row, notes = read_file(data, filename=filename, sheet=sheet)
    if len(table.columns) == 0:
        raise ProgrammeFileError([Problem(1, None, "", "aucune colonne trouvée.")], filename=filename)
    return validate_table(table, definition=definition, reference=reference, first_row=first_row,
                          meta=meta, notes=notes, filename=filename)
