"""The programme's clock: instants are stored in UTC, days are French calendar days.

Every date the app writes or prints (a dialogue saved from a room, « Fiche éditée le… », an
export's file name) is the day in Europe/Paris, never the server's own clock: a server in UTC
is still on 6 December when Paris is already on the 7th. Tests move the clock by patching
:func:`now_utc`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def now_utc() -> dt.datetime:
    """The current instant, timezone-aware (UTC)."""
    return dt.datetime.now(dt.UTC)


def in_paris(moment: dt.datetime) -> dt.datetime:
    """``moment`` on Paris clocks (a naive instant is taken as UTC, as the stores write them)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(PARIS)


def paris_day(moment: dt.datetime) -> dt.date:
    """The French calendar day of an instant: 2026-12-06 23:30 UTC is 7 December in Paris."""
    return in_paris(moment).date()


def today_in_paris() -> dt.date:
    """Today's date in France."""
    return paris_day(now_utc())
