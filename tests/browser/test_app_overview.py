"""The real dashboard in Chromium: the overview map draws every territory, offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from territorial.harness.chromium import MAP_IFRAME

from .conftest import ARTIFACTS, WatchedPage, _start_server
from .waits import wait_settled, wait_tooltip_shown


def test_overview_map_draws_one_shape_per_territory_offline(streamlit_server, watched_page: WatchedPage, demo):
    url = streamlit_server(Path("app.py"))
    page = watched_page.page
    page.goto(url)
    expect(page.get_by_text("Données de démonstration")).to_be_visible(timeout=60_000)
    frame = page.frame_locator(MAP_IFRAME)
    expected = int(demo.territories.geometry.notna().sum())
    expect(frame.locator("path.territoire")).to_have_count(expected, timeout=60_000)
    expect(frame.locator(".carte-legende")).to_contain_text("Petits territoires")
    # A tooltip names the territory under the pointer, as text.
    frame.locator("path.territoire").first.dispatch_event("mouseover")
    expect(frame.locator(".leaflet-tooltip")).to_contain_text("Population")
    wait_settled(page)
    wait_tooltip_shown(page.locator(MAP_IFRAME).first.element_handle().content_frame())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    assert watched_page.external_requests == []
    assert watched_page.page_errors == []
    assert watched_page.dialogs == []


@pytest.mark.parametrize("path", ["/segments?segment=S1&levier=L4", "/fiche?territoire=200046977"])
def test_first_visit_of_a_fresh_server_by_a_link_goes_through_the_router(path: str, watched_page: WatchedPage):
    """Streamlit's legacy pages/ mode would run the page alone: no notice, no navigation."""
    server = _start_server(Path("app.py").resolve(), ARTIFACTS / "streamlit-fresh.log")
    try:
        page = watched_page.page
        page.goto(server.url + path)
        expect(page.get_by_text("Données de démonstration")).to_be_visible(timeout=60_000)
        nav = page.locator('[data-testid="stSidebarNav"]')
        expect(nav).to_contain_text("Segments et leviers")  # titles from app.py, not file names
        expect(nav).not_to_contain_text("accueil")
        assert "territoire=200046977" in page.url or "levier=L4" in page.url  # the link's state is kept
        assert watched_page.page_errors == []
    finally:
        server.stop()
