"""A programme file whose territories are given by name: which rows need a review, the choices
made in it, and the settled table (codes and types filled) that then goes through the usual
validation (:func:`territorial.model.programme_file.validate_table`).

A row needs a review when it has a name (``nom`` column, or a name written in the ``code``
column) but no code. Rows that have a code are left as they are. Nothing here decides for the
coordinator: a row is settled by a certain match (:mod:`territorial.model.names`) or by a choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from territorial.core.codes import is_code, normalise_code
from territorial.model.file_reading import RawTable, read_file, stripped_cell
from territorial.model.names import CERTAIN, Candidate, Match, NameIndex, find_columns, header_key, normalise
from territorial.model.problems import Problem, ProgrammeFileError

#: What a groupement declared in the review is made of.
MEMBER_KINDS = ("commune", "epci")
#: Headers the programme file's validation reads as the name column.
READ_AS_NAME = ("nom", "libelle", "name")

_LETTERS = re.compile(r"[^\W\d_]")


def holds_a_name(cell: str) -> bool:
    """Whether a ``code`` cell holds a name rather than a code (« Le Havre », « LE HAVRE »; not « 200 046 977 »)."""
    text = cell.strip()
    if not text or not _LETTERS.search(text):
        return False
    return text != text.upper() or " " in text or not is_code(normalise_code(text))


@dataclass(frozen=True)
class Groupement:
    """A territory the reference does not have, declared in the review: a code and its members."""

    code: str
    members: tuple[str, ...]


@dataclass
class NamesFile:
    """A file read, with the rows to review (positions in ``table``) and their matches."""

    table: pd.DataFrame
    meta: dict[str, str]
    rows: list[int]  # the spreadsheet row of each row of ``table``
    notes: list[Problem]
    blank: int
    columns: dict[str, str]  # canonical -> the file's header (nom, departement, type, code)
    review: list[int] = field(default_factory=list)
    matches: dict[int, Match] = field(default_factory=dict)
    written: dict[int, str] = field(default_factory=dict)
    members: dict[int, str] = field(default_factory=dict)  # a row's ``membres`` cell, when it has one

    def settled(self, choices: dict[int, Candidate | Groupement]) -> pd.DataFrame:
        """The table with the code and type of each reviewed row (a certain match or ``choices``).

        Every reviewed row must be settled. The file's columns keep their names; ``code``
        and ``type`` are added (first) when the file has none. A groupement's members go in
        ``membres`` (added when missing), its name stays in the name column. The
        ``departement`` column, a cue for matching names, is left out: the code says it.
        """
        out = self.table.drop(columns=[self.columns["departement"]] if "departement" in self.columns else [])
        code = self.columns.get("code", "code")
        kind = self.columns.get("type", "type")
        members = "membres" if "membres" in out.columns else None
        for header in (kind, code):
            if header not in out.columns:
                out.insert(0, header, "")
        for position in self.review:
            choice = choices.get(position) or self.matches[position].chosen
            if choice is None:
                raise ValueError(f"row {position} is not settled")
            if isinstance(choice, Groupement):
                out.iat[position, out.columns.get_loc(code)] = choice.code
                out.iat[position, out.columns.get_loc(kind)] = "groupement"
                if members is None:
                    members = "membres"
                    out["membres"] = ""
                out.iat[position, out.columns.get_loc(members)] = " ".join(choice.members)
                name = self.columns.get("nom", "")
                if header_key(name) not in READ_AS_NAME:  # the validation reads a groupement's name in « nom »
                    name = "nom"
                    if name not in out.columns:
                        out[name] = ""
                out.iat[position, out.columns.get_loc(name)] = self.written[position]
            else:
                out.iat[position, out.columns.get_loc(code)] = choice.code
                out.iat[position, out.columns.get_loc(kind)] = choice.kind
        return out


def read_names_file(data: bytes, *, filename: str, sheet: str | None, index: NameIndex) -> NamesFile | None:
    """The file with its rows by name matched, or None when every row has a code (the usual import).

    A file that cannot be read gives None too: the usual import says why.
    """
    try:
        raw = read_file(data, filename=filename, sheet=sheet)
    except ProgrammeFileError:
        return None
    return names_in(raw, index=index)


def names_in(raw: RawTable, *, index: NameIndex) -> NamesFile | None:
    """The rows by name of a file already read, matched; None when every row has a code."""
    table, meta, rows, notes, blank = raw
    columns = find_columns(table.columns)
    if "nom" not in columns and "code" not in columns:
        return None
    names = table[columns["nom"]].map(stripped_cell).tolist() if "nom" in columns else [""] * len(table)
    codes = table[columns["code"]].map(stripped_cell).tolist() if "code" in columns else [""] * len(table)
    kinds = table[columns["type"]].map(stripped_cell).tolist() if "type" in columns else [""] * len(table)
    deps = table[columns["departement"]].map(stripped_cell).tolist() if "departement" in columns else None
    found = NamesFile(table, meta, rows, notes, blank, columns)
    for position, (name, code, kind) in enumerate(zip(names, codes, kinds, strict=True)):
        if kind.strip().lower() == "groupement" and code:
            continue  # a groupement with its own code: the usual validation
        written = code if holds_a_name(code) else (name if not code else "")
        if written:
            found.review.append(position)
            found.written[position] = written
            if "membres" in table.columns and stripped_cell(table.at[position, "membres"]):
                found.members[position] = stripped_cell(table.at[position, "membres"])
    if not found.review:
        return None
    written = [found.written[p] for p in found.review]
    matched = index.match_all(
        written, [deps[p] for p in found.review] if deps else None, [kinds[p] for p in found.review]
    )
    found.matches = dict(zip(found.review, matched, strict=True))
    return found


def certain_count(found: NamesFile) -> int:
    return sum(m.status == CERTAIN for m in found.matches.values())


def _member_lines(text: str) -> list[str]:
    """One member per line (or per « ; »); a line of codes only (« 200072999 200070332 ») is split."""
    lines: list[str] = []
    for line in re.split(r"[\n;]+", text):
        words = line.split()
        lines += (
            words
            if words and all(is_code(normalise_code(w)) and any(c.isdigit() for c in w) for w in words)
            else [line]
        )
    return lines


def members_of(text: str, index: NameIndex) -> tuple[list[Candidate], list[str]]:
    """A groupement's members typed one per line (a name or a code): those found, and what is wrong."""
    members: list[Candidate] = []
    problems: list[str] = []
    for line in (part.strip() for part in _member_lines(text)):
        if not line:
            continue
        match = index.match(line)
        if match.chosen is None or match.chosen.kind not in MEMBER_KINDS:
            # a member is a commune or an EPCI: that cue may settle « Vienne » (a commune and a département)
            settled = [m for m in (index.match(line, kind=k) for k in MEMBER_KINDS) if m.status == CERTAIN]
            match = settled[0] if len(settled) == 1 else match
        chosen = match.chosen
        if chosen is None or chosen.kind not in MEMBER_KINDS:
            proposals = ", ".join(
                f"{c.name} ({c.kind_label.lower()}, {c.departement or c.code})"
                for c in match.candidates[:4]
                if c.kind in MEMBER_KINDS
            )
            what = "plusieurs territoires possibles" if proposals else "ni commune ni EPCI de ce nom"
            problems.append(f"« {line} » : {what}" + (f" — {proposals}" if proposals else "") + ".")
        elif any(m.key == chosen.key for m in members):
            problems.append(f"« {line} » : cité deux fois.")
        else:
            members.append(chosen)
    return members, problems


def groupement_code(name: str) -> str:
    """A code for a groupement declared by name (« PETR du Pays de Langres » -> « PETR-DU-PAYS-DE-LANGRES »)."""
    code = "-".join(normalise(name).upper().split())[:40].strip("-")
    return code or "GROUPEMENT"
