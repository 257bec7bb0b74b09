"""The calendar of expected dialogues, read back by a second parser (``ics``), and its CSV."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import ics
import pandas as pd
import pytest

from territorial.content import follow_up as fu
from territorial.takeaways import follow_up_calendar as fc
from tests.programmes import with_values

DAY = dt.date(2026, 12, 7)
BASE = "https://territoires.example.org/tableau"
STAMP = dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.UTC)
LANGRES = "PETR-LANGRES"


@pytest.fixture(scope="module")
def calendar(demo) -> ics.Calendar:
    return ics.Calendar(fc.to_ics(demo, base_url=BASE + "/", today=DAY, stamp=STAMP).decode("utf-8"))


def test_one_whole_day_event_per_territory_on_its_expected_day(demo, calendar) -> None:
    follow = fu.follow_up_table(demo, today=DAY)
    planned = follow[follow["statut"].isin([fu.LATE, fu.DUE, fu.UP_TO_DATE])]
    events = {e.uid.split("-T")[0]: e for e in calendar.events}
    # the three demo territories whose cycle is complete have no event
    assert set(events) == set(planned.index) and len(calendar.events) == len(planned) == 78
    for code, row in planned.iterrows():
        event = events[code]
        assert event.all_day
        assert event.begin.date() == row["prochain_dialogue"]
        assert event.end.date() == row["prochain_dialogue"] + dt.timedelta(days=1)  # one day, end excluded
        assert event.uid == f"{code}-{row['prochaine_etape']}@territorialisation-des-transitions"
        assert event.url == f"{BASE}/fiche?territoire={code}"
        assert event.name.startswith(
            f"Dialogue de gouvernance {row['prochaine_etape']} – {demo.territories.at[code, 'nom']}"
        )
        assert event.name.endswith("(en retard)") == (row["statut"] == fu.LATE)
        assert f"Fiche : {BASE}/fiche?territoire={code}" in event.description
    lyon = events["200046977"]
    assert lyon.begin.date() == dt.date(2027, 5, 23) and "T+36" in lyon.name
    assert "Statut au 7 décembre 2026 : à jour" in lyon.description


def test_time_zone_is_europe_paris(calendar) -> None:
    assert "X-WR-TIMEZONE:Europe/Paris" in str(calendar.extra)
    paris = calendar._timezones["Europe/Paris"]  # the VTIMEZONE as the second parser reads it
    reference = ZoneInfo("Europe/Paris")
    for moment in (dt.datetime(2027, 1, 15, 12), dt.datetime(2027, 7, 14, 12), dt.datetime(2028, 3, 26, 4)):
        assert paris.utcoffset(moment) == reference.utcoffset(moment), moment


def test_text_from_data_cannot_break_the_file(demo) -> None:
    hostile = "Pays\r\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:piège; a,b \\ <script>\x07"
    programme = with_values(demo, LANGRES, nom=hostile, contact='=HYPERLINK("http://x")\nDTSTART:19990101')
    parsed = ics.Calendar(fc.to_ics(programme, base_url=BASE, today=DAY, stamp=STAMP).decode("utf-8"))
    assert len(parsed.events) == 78
    (event,) = [e for e in parsed.events if e.uid.startswith(LANGRES)]
    assert "Pays END:VEVENT BEGIN:VEVENT SUMMARY:piège; a,b \\ <script>" in event.name
    assert "\x07" not in event.name
    assert 'Contact : =HYPERLINK("http://x") DTSTART:19990101' in event.description
    # the CSV: same rows, formulas neutralised
    text = fc.to_calendar_csv(programme, base_url=BASE, today=DAY).decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    row = frame.set_index("Code").loc[LANGRES]
    assert row["Contact"].startswith("'=HYPERLINK")
    assert len(frame) == 78
    assert list(frame["Date attendue"]) == sorted(frame["Date attendue"])


def test_no_event_when_the_cycle_is_complete_or_not_started(demo) -> None:
    early = demo.at(dt.date(2024, 3, 31))
    frame = fc.expected_dialogues(early, base_url=BASE)
    counts = fu.status_counts(early)
    assert counts[fu.NOT_STARTED] > 0
    assert len(frame) == 81 - counts[fu.NOT_STARTED]
    assert set(frame["Étape"]) == {"T+12"}
