"""The expected dialogues as a calendar (iCalendar ``.ics``) and as a CSV for a French Excel.

One **whole-day event per territory**, on the day its next dialogue is expected
(:mod:`territorial.content.follow_up`: its latest dialogue plus the interval), for every
territory whose cycle is under way: late ones keep their (past) expected day and say « en
retard » in their title, so that nothing is forgotten. A territory whose cycle is complete,
never met or without a dated dialogue has no event.

The file is written with the maintained ``icalendar`` library (RFC 5545: text escaped, lines
folded), in the Europe/Paris time zone (``X-WR-TIMEZONE`` and its ``VTIMEZONE``; a whole-day
event is a calendar day, ``DTSTART;VALUE=DATE``). Each event's ``UID`` is stable (code and
step), so that importing a newer file into Outlook, Thunderbird or Google Calendar updates
the events instead of duplicating them. Text from data (names, contacts) is stripped of
control characters and line breaks; the CSV neutralises formulas like every export.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import icalendar
import pandas as pd

from territorial.content.follow_up import DUE, LATE, UP_TO_DATE, follow_ups, reference_day
from territorial.core.fmt import fr_date
from territorial.core.spreadsheet_text import clean
from territorial.model.programme import Programme
from territorial.model.stages import stage_label
from territorial.takeaways.exports import to_csv

TIME_ZONE = "Europe/Paris"
PRODUCT_ID = "-//Le RAMEAU//Territorialisation des transitions//FR"
UID_DOMAIN = "territorialisation-des-transitions"
_PLANNED = (LATE, DUE, UP_TO_DATE)


def _text(value: object) -> str:
    """One line of text from data: control characters removed, whitespace runs collapsed."""
    return " ".join(str(clean("" if value is None or pd.isna(value) else value)).split())


def _paris() -> icalendar.Timezone:
    """Europe/Paris as calendar programs write it: summer time from the last Sunday of March
    to the last Sunday of October (EU rule, as ``zoneinfo`` has it since 1996)."""
    zone = icalendar.Timezone()
    zone.add("tzid", TIME_ZONE)
    zone.add("x-lic-location", TIME_ZONE)
    for kind, name, start, month, before, after in (
        (icalendar.TimezoneDaylight, "CEST", dt.datetime(1970, 3, 29, 2), 3, 1, 2),
        (icalendar.TimezoneStandard, "CET", dt.datetime(1970, 10, 25, 3), 10, 2, 1),
    ):
        part = kind()
        part.add("tzname", name)
        part.add("dtstart", start)
        part.add("tzoffsetfrom", dt.timedelta(hours=before))
        part.add("tzoffsetto", dt.timedelta(hours=after))
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        zone.add_component(part)
    return zone


def fiche_url(base_url: str, code: str) -> str:
    """The address of a territory's fiche: ``https://…/fiche?territoire=200046977``."""
    return f"{base_url.rstrip('/')}/fiche?territoire={quote(code, safe='')}"


def expected_dialogues(programme: Programme, *, base_url: str, today: dt.date | None = None) -> pd.DataFrame:
    """One row per territory with an expected dialogue, by date: French headers (the CSV)."""
    data = programme.territories
    segments = {s.id: s.label for s in programme.definition.segments}
    rows = []
    for code, f in follow_ups(programme, today=today).items():
        if f.status not in _PLANNED or f.next_day is None or f.next_step is None:
            continue
        rows.append(
            {
                "Date attendue": f.next_day.isoformat(),
                "Étape": stage_label(f.next_step),
                "Territoire": _text(data.at[code, "nom"]),
                "Code": code,
                "Segment": segments.get(data.at[code, "segment"], ""),
                "Statut": f.status_text,
                "Dernier dialogue": f.last.isoformat() if f.last else "",
                "Contact": _text(data.at[code, "contact"]) if "contact" in data else "",
                "Fiche": fiche_url(base_url, code),
            }
        )
    columns = ["Date attendue", "Étape", "Territoire", "Code", "Segment", "Statut", "Dernier dialogue", "Contact"]
    frame = pd.DataFrame(rows, columns=[*columns, "Fiche"])
    return frame.sort_values(["Date attendue", "Territoire"], kind="stable").reset_index(drop=True)


def to_ics(
    programme: Programme, *, base_url: str, today: dt.date | None = None, stamp: dt.datetime | None = None
) -> bytes:
    """The expected dialogues as an iCalendar file (whole-day events, Europe/Paris).

    ``stamp`` is the file's creation instant (``DTSTAMP``, default: now).
    """
    day = reference_day(programme, today)
    stamp = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Dialogues de gouvernance attendus")
    calendar.add("x-wr-timezone", TIME_ZONE)
    calendar.add_component(_paris())
    for row in expected_dialogues(programme, base_url=base_url, today=day).itertuples(index=False):
        when = dt.date.fromisoformat(row[0])
        step, name, code, segment, status, last, contact, url = row[1:]
        event = icalendar.Event()
        event.add("uid", f"{code}-{step}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", when)
        event.add("dtend", when + dt.timedelta(days=1))
        title = f"Dialogue de gouvernance {step} – {name}"
        event.add("summary", title + (" (en retard)" if status.startswith("en retard") else ""))
        lines = [
            f"Étape attendue : {step} (dernier dialogue le {fr_date(last)})",
            f"Statut au {fr_date(day)} : {status}",
            f"Segment : {segment}",
        ]
        if contact:
            lines.append(f"Contact : {contact}")
        lines.append(f"Fiche : {url}")
        event.add("description", "\n".join(lines))
        event.add("url", url)
        event.add("transp", "TRANSPARENT")  # a reminder, not a busy day
        event.add("categories", ["Dialogue de gouvernance"])
        calendar.add_component(event)
    return calendar.to_ical()


def to_calendar_csv(programme: Programme, *, base_url: str, today: dt.date | None = None) -> bytes:
    """The same expected dialogues as a CSV for a French Excel (formulas neutralised)."""
    return to_csv(expected_dialogues(programme, base_url=base_url, today=today))
