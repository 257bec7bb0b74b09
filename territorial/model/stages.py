"""The steps of the follow-up (« T0 », « T+12 »…) as people write them in the ``etape`` column."""

from __future__ import annotations

import re

from territorial.core.fmt import fold

_STAGE = re.compile(r"t ?(?:0|\+ ?(\d{1,3}))(?: ?mois)?")


def stage_month(stage: object) -> int | None:
    """Months of a stage label: « T0 » → 0, « T+12 » → 12, « t + 24 mois » → 24; None otherwise."""
    match = _STAGE.fullmatch(fold(stage))
    if not match:
        return None
    return int(match.group(1) or 0)


def stage_label(months: int) -> str:
    """0 → « T0 », 12 → « T+12 »."""
    return "T0" if months == 0 else f"T+{months}"
