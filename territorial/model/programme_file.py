"""Validating a programme file (CSV or XLSX) once read (:mod:`file_reading`).

A programme file lists the territories of the programme and their governance
dialogues, one row per territory and dialogue: ``code``, ``type`` (commune, epci,
departement, region, groupement), ``nom`` (used only for a groupement), ``membres`` (a
groupement's member codes), one column per lever (``L1``…) holding its activation
level at that dialogue, the dialogue's ``date_dialogue``, and the optional ``etape``
(« T0 », « T+12 »…), ``notes`` and ``contact``. Other columns are kept as they are and
reported. A territory met several times has several rows, each dated (no two on the
same date, none in the future nor before the programme's first year); a file with one
row per territory (dated or not) is the same with one dialogue each.

The file is validated once, here, and **every** problem is reported at once, in
French, with the spreadsheet row and the column (:mod:`problems`). What can be
corrected without ambiguity (a leading zero dropped by Excel, spaces in a SIREN,
``2a`` for ``2A``, a level written as its label) is corrected and listed as a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from territorial.core.codes import RULE_TEXT, is_code, normalise_code
from territorial.core.fmt import fold as _fold
from territorial.core.fmt import fr_date, fr_int
from territorial.model.definition import ProgrammeDefinition
from territorial.model.dialogue_dates import ACCEPTED_TEXT, parse_dialogue_date, start_year, today_in_paris
from territorial.model.file_reading import MAX_COLUMNS, RawTable, cell_text_problem, read_file, stripped_cell
from territorial.model.problems import BoundedList, Problem, ProgrammeFileError, more_text
from territorial.model.reference import Reference
from territorial.model.vocabulary import (
    DIALOGUE_DATE,
    DIALOGUE_TEXTS,
    KIND_IN_A_SENTENCE,
    KIND_WORDS,
    LAYER_OF_KIND,
    NAMED_COLUMNS,
    PROGRAMME_SEGMENT,
    TERRITORY_KINDS,
    programme_columns,
)

DEMO_STATUS = "demonstration"
#: A ``type`` cell, folded, and the kind it means (the same words as a name's, see :mod:`names`).
_KIND_ALIASES = {word: kind for word, (kind, _nature) in KIND_WORDS.items()}
_COLUMN_ALIASES = {
    "code": "code",
    "code_insee": "code",
    "siren": "code",
    "code_officiel": "code",
    "type": "type",
    "nature": "type",
    "type_de_territoire": "type",
    "kind": "type",
    "nom": "nom",
    "libelle": "nom",
    "name": "nom",
    "membres": "membres",
    "members": "membres",
    "date_dialogue": "date_dialogue",
    "date_du_dialogue": "date_dialogue",
    "date": "date_dialogue",
    "etape": "etape",
    "stade": "etape",
    "jalon": "etape",
    "stage": "etape",
    "notes": "notes",
    "note": "notes",
    "commentaire": "notes",
    "contact": "contact",
    "segment": "segment",
    "segment_de_taille": "segment",
    "segment_du_programme": "segment",
    "segment_programme": "segment",
    "classe_de_taille": "segment",
}
#: A population as people write it: « 12345 », « 12 345 », « 12.345 », « 12 345 hab. ».
_POPULATION_TEXT = re.compile(r"\s*\d{1,3}(?:[\s\u00a0\u202f.]?\d{3})*\s*(?:hab\.?|habitants)?\s*", re.IGNORECASE)
#: Headers of a population column (never used: the official population is; a difference is noted).
_POPULATION_KEYS = {
    "population",
    "pop",
    "population_municipale",
    "population_totale",
    "habitants",
    "nb_habitants",
    "nombre_d'habitants",
    "nombre_habitants",
}


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


def dialogue_key(record: dict) -> tuple[str, str, str]:
    """What identifies a row of a programme table: the territory (type, code) and its dialogue's date."""
    return (str(record["type"]), str(record["code"]), str(record.get(DIALOGUE_DATE) or ""))


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
        text_problem = cell_text_problem(str(column))
        if text_problem:
            problems.append(Problem(1, str(column), str(column), f"en-tête de colonne : {text_problem}"))
            continue
        if not key:
            if table.iloc[:, position].astype(str).str.strip().ne("").any():
                problems.append(
                    Problem(
                        1,
                        str(column),
                        "",
                        "colonne sans en-tête mais avec des valeurs : donnez-lui un nom ou supprimez-la.",
                    )
                )
            continue
        if canonical is None and str(column) in extras:
            problems.append(
                Problem(1, str(column), "", f"colonne en double : « {column} » apparaît deux fois dans l'en-tête.")
            )
        elif canonical is None:
            extras.append(str(column))
        elif canonical in mapping.values():
            problems.append(
                Problem(1, str(column), "", f"colonne en double : « {canonical} » apparaît deux fois dans l'en-tête.")
            )
        else:
            mapping[str(column)] = canonical
    room = MAX_COLUMNS - len(NAMED_COLUMNS) - len(definition.lever_ids)
    if len(extras) > room:  # an export (every canonical column, then the extras) must be importable
        problems.append(
            Problem(
                1,
                extras[room],
                "",
                f"trop de colonnes non reconnues ({len(extras)} ; "
                f"{room} au plus, avec les {MAX_COLUMNS - room} colonnes du programme).",
            )
        )
    for required in ("code", "type", *definition.lever_ids):
        if required not in mapping.values():
            label = f" ({definition.lever(required).label})" if required in definition.lever_ids else ""
            problems.append(
                Problem(
                    1,
                    required,
                    "",
                    f"colonne obligatoire manquante{label}. "
                    f"Colonnes attendues : code, type, {', '.join(definition.lever_ids)}.",
                )
            )
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
    for other, layer_name in LAYER_OF_KIND.items():
        if other == kind:
            continue
        layer = reference.layer(layer_name)
        if code in layer.index:
            return f"{KIND_IN_A_SENTENCE[other]} ({layer.at[code, 'nom']})"
    return None


def _resolve_code(
    code: str, kind: str, reference: Reference, row: int, column: str, problems: list[Problem], warnings: list[Problem]
) -> str | None:
    layer = reference.layer(LAYER_OF_KIND[kind])
    if code in layer.index:
        return code
    for fixed in _candidates(code, kind):
        if fixed in layer.index:
            warnings.append(
                Problem(row, column, code, f"zéro initial rétabli : « {fixed} » ({layer.at[fixed, 'nom']}).")
            )
            return fixed
    if isinstance(problems, BoundedList) and problems.full:  # one problem more, counted only: no need to say which
        problems.total += 1
        return None
    if kind == "commune" and code in reference.anciennes.index:
        old = reference.anciennes.loc[code]
        parent = old["parent"]
        parent_name = reference.communes.at[parent, "nom"] if parent in reference.communes.index else "?"
        article = "un" if old["nature"].startswith("arrondissement") else "une"
        problems.append(
            Problem(
                row,
                column,
                code,
                f"ce code est celui d'{article} {old['nature']} "
                f"({old['nom']}), pas d'une commune actuelle : utilisez le code "
                f"{parent} ({parent_name}).",
            )
        )
        return None
    elsewhere = _where_else(code, reference, kind)
    if elsewhere:
        problems.append(
            Problem(
                row,
                column,
                code,
                f"ce code désigne {elsewhere}, pas "
                f"{KIND_IN_A_SENTENCE[kind]} : corrigez la colonne « type » ou le code.",
            )
        )
        return None
    hint = {
        "commune": "code INSEE à 5 caractères, ex. 01001, 2A004, 97411",
        "epci": "numéro SIREN à 9 chiffres, ex. 200054781",
        "departement": "ex. 01, 2A, 974",
        "region": "ex. 11, 84, 04",
    }[kind]
    problems.append(
        Problem(
            row,
            column,
            code,
            f"code inconnu du référentiel 2026 pour {KIND_IN_A_SENTENCE[kind]} ({hint}). Code ancien ou erroné ?",
        )
    )
    return None


def segment_id(raw: str, definition: ProgrammeDefinition) -> str | None:
    """The id of the segment named ``raw`` (its id or its label, in any case), or None."""
    key = _fold(" ".join(str(raw).split()))
    for segment in definition.segments:
        if key in (_fold(segment.id), _fold(segment.label)):
            return segment.id
    return None


def _parse_level(raw: str, definition: ProgrammeDefinition) -> int | None:
    text = str(raw).strip().replace(",", ".")
    if re.fullmatch(r"-?\d+(\.0+)?", text):
        return int(float(text))
    for level in definition.levels:
        if _fold(text) == _fold(level.label):
            return level.value
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
    today: date | None = None,
) -> ProgrammeTable:
    """Validate a raw table of strings; raise :class:`ProgrammeFileError` listing the problems.

    Row numbers are ``first_row`` for the first row of ``table`` and so on, or ``rows``
    (the spreadsheet row of each row of ``table``). ``blank_rows``: blank rows already
    left out by the reader (reported with those found here). ``today`` (default: today
    in France): no dialogue can be dated after it.
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
    records: list[dict] = []
    dialogues = _Dialogues()
    calendar = _Calendar(start=start_year(definition.period), today=today or today_in_paris())
    blank = blank_rows
    names = list(table.columns)
    columns = [table.iloc[:, i].tolist() for i in range(len(names))]
    for position, raw in enumerate(zip(*columns, strict=True)):
        values = {k: stripped_cell(v) for k, v in zip(names, raw, strict=True)}
        if not any(values.values()):
            blank += 1
            continue
        row = _Row(
            rows[position] if rows is not None else first_row + position,
            values,
            source_name,
            problems,
            warnings,
            calendar,
        )
        record = row.record(definition, reference, extras)
        dialogues.add(row, record)
        records.append(record)
    dialogues.check()
    _population_notes(dialogues, table, extras, reference, warnings)
    return _programme_table(
        records,
        problems,
        warnings,
        blank=blank,
        extras=extras,
        lever_ids=definition.lever_ids,
        meta=meta,
        filename=filename,
    )


@dataclass
class _Row:
    """One row of a file being validated: its spreadsheet number, its values (by canonical
    column) and where its problems and warnings go, located."""

    number: int
    values: dict[str, str]
    source_name: dict[str, str]  # canonical column -> the file's own header
    problems: BoundedList
    warnings: BoundedList
    calendar: _Calendar

    def problem(self, column: str, value: str, message: str) -> None:
        self.problems.append(Problem(self.number, self.source_name.get(column, column), value, message))

    def warning(self, column: str, value: str, message: str) -> None:
        self.warnings.append(Problem(self.number, self.source_name.get(column, column), value, message))

    def record(self, definition: ProgrammeDefinition, reference: Reference, extras: list[str]) -> dict:
        """The row as a record of the programme table; its problems reported on the way."""
        for key, value in self.values.items():
            text_problem = cell_text_problem(value) if key else None
            if text_problem:
                self.problem(key, value, text_problem)
        record: dict = {
            "code": None,
            "type": self.kind(),
            "nom": "",
            "membres": "",
            PROGRAMME_SEGMENT: self.segment(definition),
            DIALOGUE_DATE: "",
            **{name: self.values.get(name, "") for name in (*DIALOGUE_TEXTS, *extras)},
        }
        self.identify(record, reference)
        for lever_id in definition.lever_ids:
            level = self.level(lever_id, definition)
            if level is not None:
                record[lever_id] = level
        record[DIALOGUE_DATE] = self.date()
        return record

    def kind(self) -> str | None:
        raw = self.values.get("type", "")
        kind = _KIND_ALIASES.get(_fold(raw))
        if not raw:
            self.problem("type", "", f"type manquant : indiquez {', '.join(TERRITORY_KINDS)}.")
        elif kind is None:
            self.problem("type", raw, f"type inconnu : utilisez {', '.join(TERRITORY_KINDS)}.")
        return kind

    def identify(self, record: dict, reference: Reference) -> None:
        """Fill the record's code (and a groupement's name and members)."""
        kind = record["type"]
        code = normalise_code(self.values.get("code", ""))
        if not code:
            self.problem("code", "", "code manquant.")
        elif kind == "groupement" and not is_code(code):
            self.problem("code", code, f"code de groupement invalide : {RULE_TEXT}.")
        elif kind == "groupement":
            record["code"] = code
            record["nom"] = self.values.get("nom", "")
            if not record["nom"]:
                self.problem("nom", "", "un groupement doit avoir un nom.")
            record["membres"] = _members(
                self.values.get("membres", ""),
                reference,
                self.number,
                self.source_name.get("membres", "membres"),
                self.problems,
                self.warnings,
            )
        elif kind is not None:
            record["code"] = _resolve_code(
                code, kind, reference, self.number, self.source_name.get("code", "code"), self.problems, self.warnings
            )
            if self.values.get("membres"):
                self.warning("membres", self.values["membres"], "membres ignorés : seuls les groupements en ont.")

    def segment(self, definition: ProgrammeDefinition) -> str:
        """The programme's own segment (its id), from an id or a label in any case; empty: none."""
        raw = self.values.get(PROGRAMME_SEGMENT, "")
        if not raw:
            return ""
        found = segment_id(raw, definition)
        if found is None:
            allowed = ", ".join(f"{s.id} ({s.label})" for s in definition.segments)
            self.problem(
                PROGRAMME_SEGMENT,
                raw,
                f"segment inconnu : indiquez {allowed}, ou laissez la cellule vide pour que la "
                "population du territoire le place.",
            )
            return ""
        return found

    def level(self, lever_id: str, definition: ProgrammeDefinition) -> int | None:
        raw = self.values.get(lever_id, "")
        if raw == "":
            self.problem(
                lever_id,
                "",
                f"niveau manquant pour le levier {lever_id} : indiquez un entier de "
                f"{definition.min_level} à {definition.max_level} (0 = {definition.level_label(0)}).",
            )
            return None
        level = _parse_level(raw, definition)
        if level is None or not definition.min_level <= level <= definition.max_level:
            allowed = ", ".join(f"{lv.value} ({lv.label})" for lv in definition.levels)
            what = "n'est pas un nombre entier" if level is None else "hors de l'échelle"
            self.problem(lever_id, raw, f"niveau {what} : valeurs admises {allowed}.")
            return None
        return level

    def date(self) -> str:
        raw = self.values.get(DIALOGUE_DATE, "")
        if not raw:
            return ""
        parsed = parse_dialogue_date(raw)
        if parsed is None:
            self.problem(DIALOGUE_DATE, raw, f"date illisible : {ACCEPTED_TEXT}.")
            return ""
        day = parsed.day
        if day > self.calendar.today:
            self.problem(
                DIALOGUE_DATE,
                raw,
                f"date dans le futur ({fr_date(day)}) : un dialogue s'enregistre une fois tenu "
                f"(aujourd'hui : {fr_date(self.calendar.today)}).",
            )
        elif day.year < self.calendar.start:
            self.problem(
                DIALOGUE_DATE,
                raw,
                f"date antérieure au début du programme ({self.calendar.start}) : vérifiez l'année.",
            )
        elif parsed.month_only:
            self.warning(DIALOGUE_DATE, raw, f"mois seul : dialogue enregistré au {fr_date(day)}.")
        return day.isoformat()


@dataclass(frozen=True)
class _Calendar:
    """The dates a dialogue can have: from January of the programme's first year to today."""

    start: int
    today: date


class _Dialogues:
    """The rows of each territory seen so far: one per dialogue, each dated when there are several."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], list[tuple[_Row, dict]]] = {}

    def add(self, row: _Row, record: dict) -> None:
        if not (record["code"] and record["type"]):
            return
        earlier = self.rows.setdefault((record["type"], record["code"]), [])
        day = record[DIALOGUE_DATE]
        twin = next((r for r, rec in earlier if rec[DIALOGUE_DATE] == day), None)
        if twin is not None and day:
            row.problem(
                DIALOGUE_DATE,
                row.values.get(DIALOGUE_DATE, ""),
                f"deux dialogues de ce territoire à la même date ({fr_date(day)}) : déjà ligne {twin.number}.",
            )
        elif twin is not None and not row.values.get(DIALOGUE_DATE):
            row.problem(
                "code",
                record["code"],
                f"territoire en double : déjà présent ligne {twin.number} (pour suivre plusieurs "
                "dialogues d'un territoire, datez chaque ligne dans date_dialogue).",
            )
        earlier.append((row, record))

    def check(self) -> None:
        """Several dialogues of one territory: each dated; a groupement keeps its name and members."""
        for rows in self.rows.values():
            if len(rows) < 2:
                continue
            first, first_record = rows[0]
            _one_segment(rows)
            if not any(record[DIALOGUE_DATE] or row.values.get(DIALOGUE_DATE) for row, record in rows):
                continue  # the same undated row twice: « territoire en double », said by add()
            numbers = ", ".join(str(r.number) for r, _ in rows[:6]) + (", …" if len(rows) > 6 else "")
            for row, record in rows:
                if not record[DIALOGUE_DATE] and not row.values.get(DIALOGUE_DATE):
                    row.problem(
                        DIALOGUE_DATE,
                        "",
                        f"date manquante : ce territoire a plusieurs dialogues (lignes {numbers}), "
                        "chacun doit être daté.",
                    )
            if first_record["type"] != "groupement":
                continue
            for row, record in rows[1:]:
                for column, what in (("nom", "nom différent de celui"), ("membres", "membres différents de ceux")):
                    if record[column] and first_record[column] and record[column] != first_record[column]:
                        row.problem(
                            column,
                            row.values.get(column, ""),
                            f"{what} de la ligne {first.number} : un groupement garde son nom et ses membres "
                            "d'un dialogue à l'autre (donnez-lui un autre code s'il a changé).",
                        )


def _official_population(record: dict, reference: Reference) -> tuple[int, str] | None:
    """The official population of a record's territory and its year (a groupement: its members')."""
    kind, code = record["type"], record["code"]
    if kind == "groupement":
        members = record["membres"].split()
        if not members:
            return None
        rows = [reference.layer("epci" if len(c) == 9 else "communes").loc[c] for c in members]
        years = sorted({str(r["annee_population"]) for r in rows})
        return int(sum(int(r["population"]) for r in rows)), ", ".join(years)
    row = reference.layer(LAYER_OF_KIND[kind]).loc[code]
    return int(row["population"]), str(row["annee_population"])


def _population_notes(
    dialogues: _Dialogues, table: pd.DataFrame, extras: list[str], reference: Reference, warnings: BoundedList
) -> None:
    """A file's population column is not used: say so, and note each territory whose figure differs."""
    columns = [c for c in extras if _column_key(c) in _POPULATION_KEYS]
    for column in columns:
        warnings.append(
            Problem(
                1,
                column,
                "",
                "population du fichier conservée mais non utilisée : le tableau de bord utilise la population "
                "municipale officielle (INSEE) de chaque territoire.",
            )
        )
        for rows in dialogues.rows.values():
            row, record = rows[0]
            raw = row.values.get(column, "")
            if not _POPULATION_TEXT.fullmatch(raw):
                continue
            digits = re.sub(r"\D", "", raw)
            official = _official_population(record, reference)
            if official is None or official[0] == int(digits):
                continue
            row.warning(
                column,
                raw,
                f"population du fichier ({fr_int(int(digits))}) différente de la population officielle "
                f"utilisée : {fr_int(official[0])} habitants (population municipale {official[1]}, INSEE).",
            )


def _one_segment(rows: list[tuple[_Row, dict]]) -> None:
    """A territory has one programme segment: the rows that give one agree, the others take it."""
    given = [(row, record) for row, record in rows if record[PROGRAMME_SEGMENT]]
    if not given:
        return
    first, first_record = given[0]
    for row, record in given[1:]:
        if record[PROGRAMME_SEGMENT] != first_record[PROGRAMME_SEGMENT]:
            row.problem(
                PROGRAMME_SEGMENT,
                row.values.get(PROGRAMME_SEGMENT, ""),
                f"segment différent de celui de la ligne {first.number} "
                f"({first.values.get(PROGRAMME_SEGMENT, '')}) : un territoire a un seul segment.",
            )
    for _row, record in rows:
        record[PROGRAMME_SEGMENT] = first_record[PROGRAMME_SEGMENT]


def _programme_table(
    records: list[dict],
    problems: BoundedList,
    warnings: BoundedList,
    *,
    blank: int,
    extras: list[str],
    lever_ids: list[str],
    meta: dict[str, str] | None,
    filename: str,
) -> ProgrammeTable:
    """The validated table, or :class:`ProgrammeFileError` with every problem found."""
    if blank:
        warnings.append(Problem(None, None, "", f"{fr_int(blank)} ligne(s) vide(s) ignorée(s)."))
    if not records and not problems:
        problems.append(Problem(None, None, "", "aucun territoire : le fichier ne contient que l'en-tête."))
    if problems:
        raise ProgrammeFileError(problems, filename=filename)
    if extras:
        warnings.append(
            Problem(
                1, ", ".join(extras), "", "colonne(s) non reconnue(s) conservée(s) telles quelles, sans être utilisées."
            )
        )
    listed = list(warnings)
    if warnings.total > len(listed):
        listed.append(Problem(None, None, "", more_text(len(listed), warnings.total, "remarques") + "."))
    frame = pd.DataFrame.from_records(records)
    frame = frame[[*programme_columns(lever_ids), *extras]]
    for lever_id in lever_ids:
        frame[lever_id] = frame[lever_id].astype("int64")
    return ProgrammeTable(frame, meta=dict(meta or {}), warnings=listed, extra_columns=extras)


def _members(
    raw: str, reference: Reference, row: int, column: str, problems: BoundedList, warnings: list[Problem]
) -> str:
    """Resolve a groupement's member codes (communes or EPCI), space-separated."""
    codes = [normalise_code(c) for c in _MEMBER_SEPARATORS.split(raw) if c]
    if not codes:
        problems.append(
            Problem(
                row,
                column,
                "",
                "un groupement doit lister ses membres "
                "(codes INSEE de communes ou SIREN d'EPCI, séparés par des espaces).",
            )
        )
        return ""
    kinds = ["epci" if len(code) == 9 and code.isdigit() else "commune" for code in codes]
    # thousands of members: look them all up at once; only the others go through _resolve_code
    known = {
        kind: set(pd.Index(codes).intersection(reference.layer(LAYER_OF_KIND[kind]).index))
        for kind in ("commune", "epci")
    }
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
            problems.append(
                Problem(
                    row,
                    column,
                    code,
                    "cette commune fait déjà partie d'un EPCI "
                    "membre du groupement : sa population serait comptée deux fois.",
                )
            )
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
    raw = read_file(data, filename=filename, sheet=sheet)
    return validate_read(raw, filename=filename, definition=definition, reference=reference)


def validate_read(
    raw: RawTable, *, filename: str, definition: ProgrammeDefinition, reference: Reference
) -> ProgrammeTable:
    """Validate a file already read by :func:`read_file` (the import reads it once, then looks for names)."""
    table, meta, rows, notes, blank = raw
    if len(table.columns) == 0:
        raise ProgrammeFileError([Problem(1, None, "", "aucune colonne trouvée.")], filename=filename)
    return validate_table(
        table,
        definition=definition,
        reference=reference,
        rows=rows,
        blank_rows=blank,
        meta=meta,
        notes=notes,
        filename=filename,
    )
