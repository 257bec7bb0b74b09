"""Changing the programme: import of a file and edits made in the application.

Both go through the **same** validation (:func:`territorial.model.programme_file.validate_table`)
and both end as a new version in the :class:`~territorial.storage.store.Store`. A file or
an edit with errors changes nothing. An edit is saved with the version it started
from as ``expected_parent``, so that two editors cannot overwrite each other.

When someone saved in between, the second editor's changes are not thrown away:
:func:`territorial.editing.merge.rebase` carries them onto the version now current (a three-way merge, cell
by cell), keeps the current value where both changed the same cell, and lists
those conflicts for the editor to settle before saving again.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from territorial.model import file_reading
from territorial.model.definition import ProgrammeDefinition
from territorial.model.definition_file import definition_from_text
from territorial.model.file_reading import RawTable
from territorial.model.names import Candidate, NameIndex
from territorial.model.names_file import Groupement, NamesFile, names_in
from territorial.model.problems import Problem, ProgrammeFileError
from territorial.model.programme_file import ProgrammeTable, validate_read, validate_table
from territorial.model.reference import Reference
from territorial.model.vocabulary import DIALOGUE_DATE, DIALOGUE_STAGE, DIALOGUE_TEXTS, IDENTITY_COLUMNS

#: Read-only column of the editor showing the name resolved from the reference.
NAME_COLUMN = "Territoire (référentiel)"


def sheet_names(data: bytes, *, filename: str) -> list[str]:
    """The sheets of an XLSX workbook ([] for a CSV or a refused file: the import says why)."""
    return file_reading.sheet_names(data, filename=filename)


def upload_definition(data: bytes, *, filename: str) -> ProgrammeDefinition | None:
    """The definition carried by an XLSX export (its « Définition » sheet), validated; None if it has none.

    Raises :class:`DefinitionError` (every problem, in French) when the sheet is invalid.
    """
    try:
        text = file_reading.definition_sheet_text(data, filename=filename)
    except ProgrammeFileError:
        return None  # the workbook itself is refused: the import of its table says why
    if text is None:
        return None
    return definition_from_text(text, source=f"feuille « {file_reading.DEFINITION_SHEET} »")


def validate_upload(
    data: bytes, *, filename: str, sheet: str | None, definition: ProgrammeDefinition, reference: Reference
) -> ProgrammeTable:
    """Read and validate an uploaded file; :class:`ProgrammeFileError` lists every problem."""
    raw = read_upload(data, filename=filename, sheet=sheet)
    return validate_read(raw, filename=filename, definition=definition, reference=reference)


def read_upload(data: bytes, *, filename: str, sheet: str | None) -> RawTable:
    """Read an uploaded file within the limits (:class:`ProgrammeFileError` if it cannot be)."""
    return file_reading.read_file(data, filename=filename, sheet=sheet)


def names_to_review(raw: RawTable, *, index: NameIndex) -> NamesFile | None:
    """The rows of a file read given by name, matched to the reference, or None when every
    row has a code (then :func:`~territorial.model.programme_file.validate_read` as usual)."""
    return names_in(raw, index=index)


def validate_settled(
    found: NamesFile,
    choices: dict[int, Candidate | Groupement],
    *,
    filename: str,
    definition: ProgrammeDefinition,
    reference: Reference,
) -> ProgrammeTable:
    """Validate a file of names once every row is settled, exactly like a file with codes
    (same spreadsheet rows in its problems)."""
    raw = (found.settled(choices), found.meta, found.rows, found.notes, found.blank)
    return validate_read(raw, filename=filename, definition=definition, reference=reference)


def editor_frame(
    table: ProgrammeTable, *, definition: ProgrammeDefinition, names: dict[str, str] | None = None
) -> pd.DataFrame:
    """The table as shown in the editor: levels as ints, dates as dates, a read-only name."""
    data = table.territories
    frame = pd.DataFrame({NAME_COLUMN: [(names or {}).get(c, "") for c in data["code"]]}, dtype=object)
    for column in IDENTITY_COLUMNS:
        frame[column] = data[column].astype(object).to_numpy()
    for lever in definition.lever_ids:
        frame[lever] = data[lever].astype("Int64").to_numpy()
    frame[DIALOGUE_DATE] = pd.to_datetime(data[DIALOGUE_DATE].replace("", None), format="%Y-%m-%d").to_numpy()
    for column in (*DIALOGUE_TEXTS, *table.extra_columns):
        frame[column] = data[column].astype(object).to_numpy()
    return frame


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def raw_from_editor(frame: pd.DataFrame) -> pd.DataFrame:
    """The edited table as raw strings, as if read from a file (the name column dropped)."""
    raw = frame.drop(columns=[NAME_COLUMN], errors="ignore")
    return pd.DataFrame({c: [_cell(v) for v in raw[c]] for c in raw.columns}, dtype=object)


def table_from_editor(
    frame: pd.DataFrame, *, base: ProgrammeTable, definition: ProgrammeDefinition, reference: Reference
) -> ProgrammeTable:
    """Validate the edited table exactly like an imported file (row 1 = first row of the editor)."""
    return validate_table(
        raw_from_editor(frame),
        definition=definition,
        reference=reference,
        first_row=1,
        meta=dict(base.meta),
        filename="tableau modifié",
    )


# --------------------------------------------------------------------------- a new dialogue


#: « : déjà ligne 12. » — a row number means nothing in a form.
_NO_ROW = re.compile(r" : déjà ligne \d+\.$")


def with_dialogue(
    table: ProgrammeTable,
    *,
    code: str,
    kind: str,
    day: dt.date,
    levels: dict[str, int],
    definition: ProgrammeDefinition,
    reference: Reference,
    stage: str = "",
    notes: str = "",
    contact: str = "",
    today: dt.date | None = None,
) -> ProgrammeTable:
    """``table`` with one more dialogue of the territory (``kind``, ``code``): see :func:`with_dialogues`."""
    new = pd.DataFrame([{"code": code, "type": kind, "date": day.isoformat(), **levels, "contact": contact}])
    return with_dialogues(table, new, definition=definition, reference=reference, stage=stage, notes=notes, today=today)


def with_dialogues(
    table: ProgrammeTable,
    dialogues: pd.DataFrame,
    *,
    definition: ProgrammeDefinition,
    reference: Reference,
    stage: str = "",
    notes: str = "",
    today: dt.date | None = None,
) -> ProgrammeTable:
    """``table`` with one more dialogue per row of ``dialogues`` (columns code, type, the levers,
    date as an ISO day, optionally contact), checked like a file, in one validation.

    Each dialogue is a new row after its territory's others (name and members copied); the
    whole table is validated again (:func:`validate_table`), so a date already used by the
    territory, in the future or before the programme started is refused the same way, with
    a French message naming the field (and the territory, when there are several).
    """
    rows = table.territories
    raw = raw_from_editor(editor_frame(table, definition=definition))
    order = pd.Series(range(len(raw)), dtype=float)  # a new row goes right after its territory's last
    added = []
    for k, item in enumerate(dialogues.to_dict("records")):
        code, kind = str(item["code"]), str(item["type"])
        own = rows[(rows["code"] == code) & (rows["type"] == kind)]
        if own.empty:
            raise ProgrammeFileError([Problem(None, "territoire", code, "territoire inconnu du programme.")])
        new = {column: "" for column in raw.columns}
        new.update({"code": code, "type": kind, "nom": own.iloc[0]["nom"], "membres": own.iloc[0]["membres"]})
        new.update({lever: str(int(item[lever])) for lever in definition.lever_ids})
        new.update(
            {DIALOGUE_DATE: str(item["date"]), DIALOGUE_STAGE: stage.strip(), "notes": notes}
            | {"contact": str(item.get("contact") or "")}
        )
        added.append(new)
        order[len(raw) + k] = int(own.index[-1]) + 0.5 + k / (len(dialogues) + 1)
    raw = pd.concat([raw, pd.DataFrame(added, columns=raw.columns, dtype=object)], ignore_index=True)
    ranks = order.sort_values(kind="stable").index
    new_rows = {int(position) + 2 for position, source in enumerate(ranks) if source >= len(rows)}
    raw = raw.loc[ranks].reset_index(drop=True)
    try:
        return validate_table(
            raw, definition=definition, reference=reference, meta=dict(table.meta), filename="dialogue", today=today
        )
    except ProgrammeFileError as exc:  # only the new rows can be at fault: name their fields, not row numbers
        fields = {DIALOGUE_DATE: "date du dialogue", DIALOGUE_STAGE: "étape", "notes": "notes", "contact": "contact"}
        several = len(dialogues) > 1
        problems = [
            Problem(
                None,
                fields.get(p.column or "", p.column),
                p.value,
                (f"{raw.at[p.row - 2, 'code']} : " if several and p.row else "") + _NO_ROW.sub(".", p.message),
            )
            for p in exc.problems
            if p.row is None or p.row in new_rows  # validate_table numbers the first row 2
        ]
        raise ProgrammeFileError(problems or list(exc.problems), filename="dialogue") from None
