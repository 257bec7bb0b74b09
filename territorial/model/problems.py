"""Problems found in a programme file: located (row, column, value) for the person who fixes
them, in French, listed up to a bound and counted beyond.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from territorial.core.fmt import fr_int
from territorial.core.spreadsheet_text import visible

#: Problems (and warnings) listed; beyond, they are only counted.
MAX_REPORTED = 200
#: Characters of a value quoted in a problem.
MAX_SHOWN_CHARS = 120


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
        super().__init__(
            f"{head} : {fr_int(n)} problème{'s' if n > 1 else ''}.\n{lines}" + (f"\n{more}" if more else "")
        )

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
