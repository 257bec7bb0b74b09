"""The workshop pack opens from a file, with every network request refused, and draws the map."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from territorial.cartography.geometry import MapOutlines, outline_lines
from territorial.takeaways.workshop_pack import export_outlines, workshop_pack_html

from .conftest import ARTIFACTS
from .waits import wait_map_settled, wait_tooltip_shown

WAIT_MS = 30_000


@pytest.fixture(scope="module")
def pack_file(demo, reference, tmp_path_factory):
    outlines = export_outlines(reference)
    path = tmp_path_factory.mktemp("pack") / "atelier.html"
    path.write_text(workshop_pack_html(demo, outlines=outlines, generated=dt.date(2026, 2, 7)), encoding="utf-8")
    return path


@pytest.fixture
def offline_page(browser: Browser) -> Iterator[tuple[Page, list[str], list[str]]]:
    """A page whose every request that is not file:// (or an inline data: URI) is aborted and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR", offline=True)
    page = context.new_page()
    refused: list[str] = []
    errors: list[str] = []

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).scheme in {"file", "data"}:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "requestfailed",
        lambda request: (
            refused.append(f"failed: {request.url}") if urlsplit(request.url).scheme not in {"file", "data"} else None
        ),
    )
    yield page, refused, errors
    context.close()


def test_pack_draws_every_territory_offline(pack_file, demo, offline_page):
    page, refused, errors = offline_page
    page.goto(pack_file.as_uri())
    drawn = demo.territories.geometry
    expected = int((~(drawn.isna() | drawn.is_empty)).sum())
    assert expected == len(demo.territories) - int(drawn.isna().sum())
    expect(page.locator("path.territoire")).to_have_count(expected, timeout=WAIT_MS)
    assert page.locator("path.contour").count() >= 2  # départements and régions outlines
    legend = page.locator(".carte-legende")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("Segment de taille")
    expect(page.locator("h1")).to_contain_text(demo.definition.name)
    expect(page.locator(".demo")).to_contain_text("Données de démonstration")
    expect(page.locator("table")).to_have_count(4)  # segments, levers, shares with their intervals, territories
    # One row per territory in the list, each name as text.
    rows = page.locator("table").nth(3).locator("tbody tr")
    expect(rows).to_have_count(len(demo.territories))
    page.locator("path.territoire").last.dispatch_event("mouseover")
    expect(page.locator(".leaflet-tooltip")).to_contain_text("Population", timeout=WAIT_MS)
    wait_map_settled(page.main_frame)
    wait_tooltip_shown(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator(".carte").screenshot(path=str(ARTIFACTS / "workshop_pack_map.png"))
    page.screenshot(path=str(ARTIFACTS / "workshop_pack.png"), full_page=True)
    assert refused == []
    assert errors == []


def test_pack_shows_data_text_as_text(demo, reference, tmp_path, offline_page):
    import dataclasses

    territories = demo.territories.copy()
    code = territories.index[0]
    territories.loc[code, "nom"] = "<img src=x onerror=alert(1)>"
    hostile = dataclasses.replace(demo, territories=territories)
    outlines = MapOutlines(
        departements=outline_lines(reference.departements.iloc[:3], tolerance=0.02),
        regions=outline_lines(reference.regions.iloc[5:7], tolerance=0.02),
    )
    path = tmp_path / "pack.html"
    path.write_text(workshop_pack_html(hostile, outlines=outlines), encoding="utf-8")
    page, refused, errors = offline_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    expect(page.get_by_role("rowheader", name="<img src=x onerror=alert(1)>")).to_have_count(1)
    assert page.locator("main img").count() == 0
    assert dialogs == [] and refused == [] and errors == []
