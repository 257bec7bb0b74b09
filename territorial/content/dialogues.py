"""The programme as of a date: which territories are assessed, in words.

A territory first met after the day shown is « non encore évalué »: it keeps its place
on maps and in tables, in grey, and is left out of every share and count of levers.
"""

from __future__ import annotations

import datetime as dt

from territorial.core.fmt import fr_date, plural
from territorial.model.programme import Programme

#: How a territory not yet assessed at the day shown is named (legends, tables, cards).
NOT_ASSESSED = "non encore évalué"


def half_year_ends(start: dt.date, today: dt.date) -> list[dt.date]:
    """30 June and 31 December of each year from ``start`` on, up to ``today``."""
    days = []
    for year in range(start.year, today.year + 1):
        for day in (dt.date(year, 6, 30), dt.date(year, 12, 31)):
            if start <= day <= today:
                days.append(day)
    return days


def not_assessed_label(programme: Programme) -> str:
    """« Non encore évalué au 30 juin 2025 »."""
    when = f" au {fr_date(programme.as_of)}" if programme.as_of else ""
    return f"{NOT_ASSESSED.capitalize()}{when}"


def as_of_text(programme: Programme) -> str:
    """What the pages show, in one sentence (plain text)."""
    data = programme.territories
    assessed = int(data["evalue"].sum())
    if programme.as_of is None:
        return (
            f"Situation au dernier dialogue de chaque territoire ({plural(len(programme.assessments), 'dialogue')} "
            f"depuis le {fr_date(min(programme.dialogue_dates)) if programme.dialogue_dates else '—'})."
        )
    text = f"Situation au {fr_date(programme.as_of)} : {plural(assessed, 'territoire évalué', 'territoires évalués')}"
    missing = len(data) - assessed
    if missing:
        verb, mark = ("est", "") if missing == 1 else ("sont", "s")
        text += f" sur {len(data)} ; {plural(missing, 'autre')} {verb} « {NOT_ASSESSED}{mark} »"
    return text + "."
