"""The Segments page's heat map in Chromium: a click on a cell, or Enter on it, chooses its segment
and lever; a click on a lever's column header, that lever in all segments (HTML buttons sent back
by a Streamlit component, territorial/ui/html_choice.py)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from .conftest import ARTIFACTS, WatchedPage
from .waits import WAIT_MS, wait_settled

APP = Path("app.py")


def test_a_cell_chooses_its_segment_and_lever(streamlit_server, watched_page: WatchedPage) -> None:
    page = watched_page.page
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{streamlit_server(APP)}/segments")
    main = page.locator('[data-testid="stMain"]')
    cells = page.locator(".st-key-segments_matrice button[data-segment]")
    expect(cells).to_have_count(16, timeout=WAIT_MS)
    wait_settled(page, WAIT_MS)
    pressed = page.locator('.st-key-segments_matrice button[aria-pressed="true"]')
    expect(pressed).to_have_count(1)  # the first lever, all segments: its column header
    expect(pressed).to_have_accessible_name(re.compile(r"^L1 – .* : tous les segments$"))

    # A click: the URL, the lever's section, the list and the pressed cell follow.
    cell = page.locator('.st-key-segments_matrice button[data-segment="S3"][data-levier="L4"]')
    expect(cell).to_have_accessible_name(re.compile(r"^Grands territoires · L4 – .* : \d+\u00a0% \(\d+ sur \d+ "))
    cell.click()
    expect(page).to_have_url(re.compile(r"[?&]segment=S3&levier=L4"), timeout=WAIT_MS)
    expect(page.get_by_role("heading", name=re.compile(r"^Levier L4 – "))).to_be_visible()
    expect(main).to_contain_text("du segment « Grands territoires »")
    expect(cell).to_have_attribute("aria-pressed", "true")
    expect(pressed).to_have_count(1)
    wait_settled(page, WAIT_MS)
    # The keyboard: the focus stayed on the cell after the rerun; Tab, then Enter, chooses the next one.
    assert page.evaluate("document.activeElement.dataset.segment + document.activeElement.dataset.levier") == "S3L4"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]segment=S4$"), timeout=WAIT_MS)  # L1, the first lever: not written
    expect(page.get_by_role("heading", name=re.compile(r"^Levier L1 – "))).to_be_visible()
    expect(page.locator('.st-key-segments_matrice button[data-segment="S4"][data-levier="L1"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    # A lever's column header: that lever in all segments.
    page.locator('.st-key-segments_matrice thead button[data-levier="L2"]').click()
    expect(page).to_have_url(re.compile(r"/segments\?levier=L2$"), timeout=WAIT_MS)
    expect(main).to_contain_text("territoires du programme sur 81 activent ce levier")
    expect(pressed).to_have_count(1)
    expect(pressed).to_have_attribute("data-levier", "L2")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator(".st-key-segments_matrice").screenshot(path=str(ARTIFACTS / "segments_matrice_1440.png"))
    assert watched_page.external_requests == [] and watched_page.page_errors == []
