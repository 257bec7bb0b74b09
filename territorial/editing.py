"""Changing the programme: import of a file and edits made in the application.

Both go through the **same** validation (:func:`territorial.programme_file.validate_table`)
and both end as a new version in the :class:`~territorial.store.Store`. A file or
an edit with errors changes nothing. An edit is saved with the version it started
from as ``expected_parent``, so that two editors cannot overwrite each other.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from territorial.definition import ProgrammeDefinition
from territorial.programme_file import ProgrammeTable, load_programme_file, validate_table
from territorial.reference import Reference

#: Read-only column of the editor showing the name resolved from the reference.
NAME_COLUMN = "Territoire (référentiel)"
_TEXT = ("code", "type", "nom", "membres")
_TAIL_TEXT = ("notes", "contact")


def sheet_names(data: bytes, *, filename: str) -> list[str]:
    """The sheets of an XLSX workbook ([] for a CSV or an unreadable file)."""
    if not (data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm"))):
        return []
    try:
        return list(pd.ExcelFile(io.BytesIO(data), engine="openpyxl").sheet_names)
    except Exception:  # noqa: BLE001 - the import reports an unreadable file in French
        return []


def validate_upload(data: bytes, *, filename: str, sheet: str | None, definition: ProgrammeDefinition,
                    reference: Reference) -> ProgrammeTable:
    """Read and validate an uploaded file; :class:`ProgrammeFileError` lists every problem."""
    return load_programme_file(data, filename=filename, sheet=sheet, definition=definition,
                               reference=reference)




def editor_frame(table: ProgrammeTable, *, definition: ProgrammeDefinition,
                 names: dict[str, str] | None = None) -> pd.DataFrame:
    """The table as shown in the editor: levels as ints, dates as dates, a read-only name."""
    data = table.territories
    frame = pd.DataFrame({NAME_COLUMN: [(names or {}).get(c, "") for c in data["code"]]}, dtype=object)
    for column in _TEXT:
        frame[column] = data[column].astype(object).to_numpy()
    for lever in definition.lever_ids:
        frame[lever] = data[lever].astype("Int64").to_numpy()
    frame["date_dialogue"] = pd.to_datetime(data["date_dialogue"].replace("", None), format="%Y-%m-%d").to_numpy()
    for column in (*_TAIL_TEXT, *table.extra_columns):
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


def table_from_editor(frame: pd.DataFrame, *, base: ProgrammeTable, definition: ProgrammeDefinition,
                      reference: Reference) -> ProgrammeTable:
    """Validate the edited table exactly like an imported file (row 1 = first row of the editor)."""
    return validate_table(raw_from_editor(frame), definition=definition, reference=reference,
                          first_row=1, meta=dict(base.meta), filename="tableau modifié")

