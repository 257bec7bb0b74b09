"""The follow-up page in Chromium: the list and the chart drawn, the calendar downloaded and read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ics
import pytest
from playwright.sync_api import expect

from .conftest import WatchedPage

pytestmark = pytest.mark.browser

APP = Path("app.py")
WAIT_MS = 90_000
DAY = "2025-12-31"


def test_follow_up_page_draws_its_chart_and_gives_a_calendar(streamlit_server, watched_page: WatchedPage) -> None:
    base = streamlit_server(APP)
    page = watched_page.page
    page.goto(f"{base}/suivi?au={DAY}")
    expect(page.get_by_role("heading", name="Suivi des dialogues de gouvernance")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("14 territoires, du dialogue attendu le plus ancien")).to_be_visible(timeout=WAIT_MS)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=WAIT_MS)
    box = chart.bounding_box()
    assert box is not None and box["height"] > 200, box  # the plot keeps its height (not squeezed)

    button = page.get_by_role("button", name="Calendrier (.ics)")
    expect(button).to_be_enabled(timeout=WAIT_MS)
    with page.expect_download(timeout=WAIT_MS) as download:
        button.click()
    assert download.value.suggested_filename == f"dialogues_attendus_{DAY}.ics"
    calendar = ics.Calendar(Path(download.value.path()).read_text(encoding="utf-8"))
    events = list(calendar.events)
    assert len(events) == 81  # at the end of 2025 no cycle is complete in the demo
    assert all(e.all_day for e in events)
    port = base.rsplit(":", 1)[1]
    # no public address configured: the one this browser used (a loopback one is written « localhost »)
    assert all(e.url.startswith(f"http://localhost:{port}/fiche?territoire=") for e in events), events[0].url
    lyon = next(e for e in events if e.uid.startswith("200046977-"))
    assert lyon.begin.date() == dt.date(2026, 3, 25) and "T+24" in lyon.name
    assert watched_page.page_errors == []
