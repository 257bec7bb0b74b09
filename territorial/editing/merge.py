"""Comparing versions of the programme table: the difference between two, and the
three-way merge that carries an editor's changes onto the version saved meanwhile.

Rows are matched by dialogue (:func:`~territorial.model.programme_file.dialogue_key`:
territory type and code, dialogue date) and cells compared as text (:func:`cell_text`),
the one way both do it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from territorial.core.fmt import fr_date
from territorial.model.programme_file import ProgrammeTable, dialogue_key
from territorial.model.vocabulary import DIALOGUE_DATE

#: Columns of the conflicts table of :func:`rebase`.
CONFLICT_COLUMNS = ["Code", "Type", "Colonne", "Version de départ", "Votre valeur", "Valeur en vigueur (gardée)"]
#: Shown in the conflicts table for a territory that is not in a version.
ABSENT = "(territoire absent)"
#: Columns of the differences table of :func:`diff_tables`.
DIFF_COLUMNS = ["Code", "Type", "Dialogue", "Changement", "Colonne", "Avant", "Après"]


# --------------------------------------------------------------------------- conflicts


@dataclass(frozen=True)
class Rebased:
    """An edit carried onto the current version (see :func:`rebase`).

    ``table``: the current version with the editor's changes, except where both
    changed the same thing (the current value is kept there). ``conflicts``: those
    places, one row per cell (columns :data:`CONFLICT_COLUMNS`).
    """

    table: ProgrammeTable
    conflicts: pd.DataFrame


def cell_text(value: object) -> str:
    """A cell as text, to compare and store: empty for a missing value (None, NaN, NA, NaT)."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def keyed_rows(table: ProgrammeTable) -> dict[tuple[str, str, str], dict]:
    """The rows of the table by dialogue: (type, code, date) → the row as a dict."""
    return {dialogue_key(r): r for r in table.territories.to_dict("records")}


class _Merge:
    """The three-way merge of :func:`rebase`: the current rows, changed by each of the editor's
    rows in turn, and the conflicts met on the way."""

    def __init__(self, now: dict[tuple[str, str, str], dict], columns: list[str]) -> None:
        self.now = now
        self.columns = columns
        self.values = [c for c in columns if c not in ("code", "type")]
        self.merged = {key: {c: row.get(c, "") for c in columns} for key, row in now.items()}
        self.order = list(now)
        self.conflicts: list[tuple[str, str, str, str, str, str]] = []

    def conflict(self, key: tuple[str, str, str], column: str, was: str, wanted: str, kept: str) -> None:
        self.conflicts.append((key[1], key[0], column, was, wanted, kept))

    def added(self, key: tuple[str, str, str], row: dict) -> None:
        """A territory the editor added: added, unless one was added meanwhile (differences conflict)."""
        if key not in self.now:
            self.merged[key] = {c: row.get(c, "") for c in self.columns}
            self.order.append(key)
            return
        for column in self.values:
            if cell_text(row.get(column)) != cell_text(self.now[key].get(column)):
                self.conflict(key, column, ABSENT, cell_text(row.get(column)), cell_text(self.now[key].get(column)))

    def changed(self, key: tuple[str, str, str], before: dict, row: dict) -> None:
        """The editor's version of a territory: their changes carried where nobody else changed the cell."""
        changed = [c for c in self.values if cell_text(row.get(c)) != cell_text(before.get(c))]
        if key not in self.now:  # changed by the editor, removed meanwhile: stays removed
            for column in changed:
                self.conflict(key, column, cell_text(before.get(column)), cell_text(row.get(column)), ABSENT)
            return
        for column in changed:
            was, wanted = cell_text(before.get(column)), cell_text(row.get(column))
            kept = cell_text(self.now[key].get(column))
            if kept == was:
                self.merged[key][column] = row.get(column)
            elif kept != wanted:
                self.conflict(key, column, was, wanted, kept)

    def removed(self, key: tuple[str, str, str], before: dict) -> None:
        """A territory the editor removed: removed, unless it was changed meanwhile (then it stays)."""
        if key not in self.now:
            return
        changed = [c for c in self.values if cell_text(self.now[key].get(c)) != cell_text(before.get(c))]
        if not changed:
            del self.merged[key]
            self.order.remove(key)
        for column in changed:
            self.conflict(key, column, cell_text(before.get(column)), ABSENT, cell_text(self.now[key].get(column)))


def rebase(base: ProgrammeTable, mine: ProgrammeTable, current: ProgrammeTable) -> Rebased:
    """Carry the changes from ``base`` to ``mine`` onto ``current`` (three-way merge).

    Rows are matched by territory (type and code) and dialogue date, values compared
    as text (changing a dialogue's date is removing it and adding another). A cell
    changed only by the editor takes the editor's value; a cell changed on both
    sides to different values keeps the current value and is a conflict. A
    territory the editor changed but that was removed meanwhile stays removed; one
    the editor removed but that was changed meanwhile stays (both are conflicts).
    A territory the editor added is added (cells that differ from one added
    meanwhile are conflicts). Columns that only the editor's table has are added.
    """
    old, new, now = keyed_rows(base), keyed_rows(mine), keyed_rows(current)
    columns = list(current.territories.columns)
    columns += [c for c in mine.territories.columns if c not in columns]
    merge = _Merge(now, columns)
    for key, row in new.items():
        if key not in old:
            merge.added(key, row)
        else:
            merge.changed(key, old[key], row)
    for key in old.keys() - new.keys():
        merge.removed(key, old[key])
    merged, order, conflicts, values = merge.merged, merge.order, merge.conflicts, merge.values
    frame = pd.DataFrame.from_records([merged[key] for key in order], columns=columns)
    for column in current.territories.columns:
        frame[column] = frame[column].astype(current.territories[column].dtype)
    extras = list(current.extra_columns) + [c for c in mine.extra_columns if c not in current.extra_columns]
    for column in extras:
        frame[column] = frame[column].map(cell_text)
    table = ProgrammeTable(frame.reset_index(drop=True), meta=dict(current.meta), extra_columns=extras)
    conflicts.sort(key=lambda r: (r[0], r[1], values.index(r[2]) if r[2] in values else -1))
    return Rebased(table, pd.DataFrame(conflicts, columns=CONFLICT_COLUMNS, dtype=str))


# --------------------------------------------------------------------------- differences


def diff_tables(before: ProgrammeTable, after: ProgrammeTable) -> pd.DataFrame:
    """Territories and dialogues added, removed and changed between two tables.

    One row per added or removed territory (« ajouté », « retiré »), per dialogue added to
    or removed from a territory present in both (« dialogue ajouté », « dialogue retiré »),
    and per changed column of a dialogue present in both (« modifié »), identified by
    type, code and date. Columns: Code, Type, Dialogue (its date, French), Changement,
    Colonne, Avant, Après.
    """

    old, new = keyed_rows(before), keyed_rows(after)
    places_old, places_new = {k[:2] for k in old}, {k[:2] for k in new}
    columns = [c for c in after.territories.columns if c not in ("code", "type", DIALOGUE_DATE)]
    columns += [c for c in before.territories.columns if c not in columns and c not in ("code", "type", DIALOGUE_DATE)]
    out: list[tuple[str, ...]] = []
    for place in places_new - places_old:
        out.append((place[1], place[0], "", "ajouté", "", "", ""))
    for place in places_old - places_new:
        out.append((place[1], place[0], "", "retiré", "", "", ""))
    for key in new.keys() - old.keys():
        if key[:2] in places_old:
            out.append((key[1], key[0], key[2], "dialogue ajouté", "", "", ""))
    for key in old.keys() - new.keys():
        if key[:2] in places_new:
            out.append((key[1], key[0], key[2], "dialogue retiré", "", "", ""))
    for key in old.keys() & new.keys():
        for column in columns:
            was, now = cell_text(old[key].get(column)), cell_text(new[key].get(column))
            if was != now:
                out.append((key[1], key[0], key[2], "modifié", column, was, now))
    order = {"ajouté": 0, "retiré": 1, "dialogue ajouté": 2, "dialogue retiré": 3, "modifié": 4}
    out.sort(key=lambda r: (order[r[3]], r[0], r[2], columns.index(r[4]) if r[4] in columns else -1))
    frame = pd.DataFrame(out, columns=DIFF_COLUMNS, dtype=str)
    frame["Dialogue"] = frame["Dialogue"].map(fr_date)
    return frame
