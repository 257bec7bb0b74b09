"""Test helpers: a programme with some values changed, as a stored version could hold them."""

from __future__ import annotations

import dataclasses

from territorial.model.programme import Programme


def with_values(programme: Programme, code: str, **values: object) -> Programme:
    """``programme`` where territory ``code`` and its latest dialogue have ``values``."""
    territories = programme.territories.copy()
    assessments = programme.assessments.copy()
    latest = assessments.index[assessments["code"] == code][-1]
    for column, value in values.items():
        territories.loc[code, column] = value
        if column in assessments.columns:
            assessments.loc[latest, column] = value
    return dataclasses.replace(programme, territories=territories, assessments=assessments)
