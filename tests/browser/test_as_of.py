"""A link with a date (``?au=``) shows the programme as it was then, in Chromium."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from playwright.sync_api import expect

from territorial.cartography import maps
from territorial.harness.chromium import MAP_IFRAME

from .conftest import ARTIFACTS, WatchedPage
from .waits import wait_settled


def test_carte_at_a_date_greys_the_territories_not_yet_met(streamlit_server, watched_page: WatchedPage, demo):
    day = dt.date(2024, 6, 30)
    early = demo.at(day)
    missing = int((~early.territories["evalue"]).sum())
    assert 0 < missing < 81
    url = streamlit_server(Path("app.py"))
    page = watched_page.page
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{url}/carte?au=2024-06-30&couleur=n_actives")
    expect(page.get_by_text("Situation au 30 juin 2024 :").first).to_be_visible(timeout=60_000)
    frame = page.frame_locator(MAP_IFRAME)
    expect(frame.locator("path.territoire")).to_have_count(int(demo.territories.geometry.notna().sum()), timeout=60_000)
    legend = frame.locator(".carte-legende")
    expect(legend).to_contain_text(f"Non encore évalué au 30 juin 2024 : {missing}")
    expect(frame.locator(f"path.{maps.HATCHED_CLASS}")).to_have_count(missing)  # hatched, not yet assessed
    assert "au=2024-06-30" in page.url
    # moving the slider to the latest dialogues greys nothing and removes the date from the URL
    page.get_by_role("slider", name="Situation au").focus()
    page.keyboard.press("End")
    expect(page.get_by_text("Situation au dernier dialogue de chaque territoire").first).to_be_visible(timeout=60_000)
    # the rerun is over (Streamlit's running indicator gone), and its map replaced the previous one
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    latest = page.frame_locator(MAP_IFRAME).last
    expect(latest.locator(".carte-legende")).to_contain_text("4 leviers activés", timeout=60_000)
    expect(latest.locator(".carte-legende")).not_to_contain_text("Non encore évalué", timeout=60_000)
    expect(latest.locator(f"path.{maps.HATCHED_CLASS}")).to_have_count(0)
    wait_settled(page)
    assert "au=" not in page.url
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "carte_au_dernier_dialogue.png"), full_page=False)
    assert watched_page.external_requests == []
    assert watched_page.page_errors == []
