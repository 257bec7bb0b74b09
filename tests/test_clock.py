"""Every date the app writes or prints is the day in Paris, not the server's (UTC) clock."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from territorial.core import clock
from territorial.core.fmt import fr_datetime

ROOT = Path(__file__).resolve().parents[1]
#: 23:30 UTC on 6 December 2026 is 00:30 on 7 December in Paris.
JUST_AFTER_MIDNIGHT = dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC)


@pytest.fixture
def paris_just_after_midnight(monkeypatch) -> dt.datetime:
    monkeypatch.setattr(clock, "now_utc", lambda: JUST_AFTER_MIDNIGHT)
    return JUST_AFTER_MIDNIGHT


def test_the_day_is_the_day_in_paris(paris_just_after_midnight) -> None:
    assert clock.today_in_paris() == dt.date(2026, 12, 7)
    assert clock.paris_day(dt.datetime(2026, 12, 6, 23, 30)) == dt.date(2026, 12, 7)  # naive = UTC
    assert clock.paris_day(dt.datetime(2026, 7, 1, 21, 59, tzinfo=dt.UTC)) == dt.date(2026, 7, 1)  # summer time
    assert clock.paris_day(dt.datetime(2026, 7, 1, 22, 0, tzinfo=dt.UTC)) == dt.date(2026, 7, 2)
    assert fr_datetime(JUST_AFTER_MIDNIGHT) == "7 décembre 2026 à 0 h 30"


def test_the_pdf_and_the_workshop_pack_are_dated_in_paris(paris_just_after_midnight, demo, reference) -> None:
    import io

    from pypdf import PdfReader

    from territorial.takeaways.fiche_pdf import fiche_pdf
    from territorial.takeaways.workshop_pack import pack_filename

    pdf = fiche_pdf(demo, "200046977", reference=reference)
    assert "Fiche éditée le 7 décembre 2026" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert pack_filename() == "atelier-territoires-2026-12-07.html"


def _naive_clock_calls(path: Path) -> list[str]:
    """``date.today()``, ``datetime.now()`` / ``.today()`` / ``.utcnow()`` without a timezone."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        name = node.func.attr
        naive = (owner_name == "date" and name == "today") or (
            owner_name == "datetime" and (name in {"today", "utcnow"} or (name == "now" and not node.args))
        )
        if naive and not node.keywords:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


#: A stored instant (UTC) turned into a day without going through Paris.
_UTC_DAY = re.compile(r"created_at(:%|\.date\(\)|\.strftime\()")


def test_no_date_follows_the_servers_clock() -> None:
    files = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "territorial").rglob("*.py")]
    assert [call for path in files for call in _naive_clock_calls(path)] == []
    utc_days = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in files
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _UTC_DAY.search(line)
    ]
    assert utc_days == []  # use territorial.core.clock.paris_day


def test_file_names_carry_the_day_in_paris() -> None:
    from territorial.storage.rooms import Room
    from territorial.takeaways.room_exports import filename

    fields = {name: None for name in Room.__dataclass_fields__}
    room = Room(**(fields | {"code": "K7M4QX", "created_at": JUST_AFTER_MIDNIGHT}))
    assert filename(room, "csv") == "salle-K7M4QX-2026-12-07.csv"
