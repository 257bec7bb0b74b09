"""The map draws, with no request leaving localhost, and data text stays text."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import FrameLocator, expect

from territorial.harness.chromium import MAP_IFRAME

from .conftest import ARTIFACTS, REPO_ROOT, WatchedPage
from .waits import wait_settled

APP = Path("tests/browser/apps/map_app.py")
LEAFLET = REPO_ROOT / "assets" / "vendor" / "leaflet"
WAIT_MS = 30_000
N_TERRITORIES, N_OUTLINES = 3, 2  # as drawn by the test app
SCRIPT_NAME = "<script>alert(1)</script>"
IMG_NAME = "<img src=x onerror=alert(1)>"


def _open_map(watched: WatchedPage, url: str) -> FrameLocator:
    watched.page.goto(url)
    frame = watched.page.frame_locator(MAP_IFRAME)
    expect(frame.locator("path.territoire")).to_have_count(N_TERRITORIES, timeout=WAIT_MS)
    return frame


@pytest.mark.parametrize("app", [APP, Path("app.py")], ids=["test_app", "repo_app"])
def test_leaflet_served_from_app_static(streamlit_server, app):
    # Both apps' `static` folders are symlinks to assets/; the script itself need not run.
    url = streamlit_server(app)
    for name, content_type in [("leaflet.js", "javascript"), ("leaflet.css", "text/css")]:
        with urllib.request.urlopen(f"{url}/app/static/vendor/leaflet/{name}", timeout=10) as r:
            assert r.status == 200
            assert content_type in r.headers["Content-Type"]
            assert r.read() == (LEAFLET / name).read_bytes()


def test_map_draws_offline(streamlit_server, watched_page):
    frame = _open_map(watched_page, streamlit_server(APP))
    expect(frame.locator("path.contour")).to_have_count(N_OUTLINES)
    expect(frame.locator(".leaflet-overlay-pane path")).to_have_count(N_TERRITORIES + N_OUTLINES)
    expect(frame.locator("path.territoire-selectionne")).to_have_count(1)
    legend = frame.locator(".carte-legende")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("Segment de taille")
    expect(legend).to_contain_text("Métropoles et très grands territoires")
    wait_settled(watched_page.page, house_style=False)  # Leaflet has fitted the view, its late fits included
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    watched_page.page.screenshot(path=str(ARTIFACTS / "offline_map.png"))
    assert watched_page.external_requests == []
    assert watched_page.page_errors == []


def test_tooltip_shows_names_as_text(streamlit_server, watched_page):
    frame = _open_map(watched_page, streamlit_server(APP))
    tooltip = frame.locator(".leaflet-tooltip")
    for fill, name in [("#1b9e77", SCRIPT_NAME), ("#d95f02", IMG_NAME)]:
        frame.locator(f'path.territoire[fill="{fill}"]').hover()
        expect(tooltip).to_contain_text(name)
        expect(tooltip).to_contain_text("Population")
    assert frame.locator(".leaflet-tooltip script, .leaflet-tooltip img").count() == 0
    frame.locator('path.territoire[fill="#1b9e77"]').click()
    expect(watched_page.page.get_by_text("Sélection :")).to_contain_text(SCRIPT_NAME, timeout=WAIT_MS)
    assert watched_page.dialogs == []
    assert watched_page.external_requests == []
    assert watched_page.page_errors == []
