"""Dates of the governance dialogues, as people write them in a programme file.

Accepted: ``2025-03-15`` (also with a time, as spreadsheets export them),
``15/03/2025``, ``15.03.2025``, ``15 mars 2025`` (« 1er mars 2025 »), and a month alone,
``mars 2025`` or ``03/2025``, which is stored as the first day of that month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from territorial.core.clock import today_in_paris  # noqa: F401 (re-exported: French calendar days)
from territorial.core.fmt import MONTHS, fold

#: The year the programme started, when its definition does not say (« periode = "2024-2026" »).
DEFAULT_START_YEAR = 2024

_MONTH_NUMBERS = {fold(name): number for number, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBERS.update({"fevrier": 2, "aout": 8, "decembre": 12, "fev": 2, "janv": 1, "sept": 9, "oct": 10, "nov": 11})
_MONTH_NUMBERS.update({"dec": 12, "avr": 4, "juil": 7})
_MONTH_NAME = r"([a-z]+)\.?"
_PATTERNS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t].*)?"), "ymd"),
    (re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})"), "dmy"),
    (re.compile(r"(\d{1,2})(?:er)? " + _MONTH_NAME + r" (\d{4})"), "d-name-y"),
    (re.compile(_MONTH_NAME + r" (\d{4})"), "name-y"),
    (re.compile(r"(\d{1,2})/(\d{4})"), "m/y"),
)
ACCEPTED_TEXT = "écrivez AAAA-MM-JJ, JJ/MM/AAAA, « 15 mars 2025 » ou « mars 2025 »"


@dataclass(frozen=True)
class DialogueDate:
    """A parsed date; ``month_only`` when the file gave a month (stored as its 1st day)."""

    day: date
    month_only: bool = False


def parse_dialogue_date(raw: str) -> DialogueDate | None:
    """The date written in ``raw``, or None when it is not a date of a known form."""
    text = re.sub(r"\s+", " ", fold(raw)).strip()
    for pattern, order in _PATTERNS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        parts = match.groups()
        if order == "ymd":
            y, m, d = parts
        elif order == "dmy":
            d, m, y = parts
        elif order == "d-name-y":
            d, m, y = parts[0], _MONTH_NUMBERS.get(parts[1]), parts[2]
        elif order == "name-y":
            d, m, y = 1, _MONTH_NUMBERS.get(parts[0]), parts[1]
        else:
            d, m, y = 1, parts[0], parts[1]
        if m is None:
            return None
        try:
            return DialogueDate(date(int(y), int(m), int(d)), month_only=order in ("name-y", "m/y"))
        except ValueError:
            return None
    return None


def start_year(period: str) -> int:
    """The first year of a programme period such as « 2024-2026 »."""
    match = re.search(r"\d{4}", period or "")
    return int(match.group()) if match else DEFAULT_START_YEAR


def parse_iso(value: object) -> date | None:
    """A stored ISO date (``2025-03-15``), or None for an empty or damaged value."""
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
