"""What a map shows that a person must not miss, in Chromium at a phone's and a desk's width.

- A territory not yet assessed at the day of a dated link (``?au=``) is hatched, whatever the
  colouring (the default one, by segment, included), with its legend line and count: it never
  looks assessed, nor like level 0 « non activé » (a flat grey).
- A territory too small to be seen at the zoom shown (Châtillon-Coligny, 2 000 inhabitants, on
  the national map) gets a round marker of its colour: hovering it shows its tooltip, clicking
  it selects it, as its shape would.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page, expect

from territorial.cartography import maps
from territorial.core.fmt import fr_date
from territorial.harness.chromium import MAP_IFRAME

from .conftest import ARTIFACTS, WatchedPage
from .waits import wait_settled

APP = Path("app.py")
WAIT_MS = 90_000
CHATILLON = "45085"  # Châtillon-Coligny (Loiret), a small commune of the demo
SIZES = {"phone": (390, 844), "desk": (1440, 900)}


def _map_frame(page: Page) -> Frame:
    """The (last drawn) map's frame, once its territories are there."""
    frame = page.frame_locator(MAP_IFRAME).last
    expect(frame.locator(f"path.{maps.TERRITORY_CLASS}").first).to_be_attached(timeout=WAIT_MS)
    return page.locator(MAP_IFRAME).last.element_handle().content_frame()


@pytest.mark.parametrize("size", SIZES)
def test_a_dated_carte_hatches_the_territories_not_yet_assessed(
    streamlit_server, watched_page: WatchedPage, demo, size
) -> None:
    day = dt.date(2024, 6, 1)
    early = demo.at(day).territories
    drawn = early[early.geometry.notna()]
    missing = int((~drawn["evalue"]).sum())
    assert 0 < missing < len(drawn)
    page = watched_page.page
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    page.goto(f"{streamlit_server(APP)}/carte?au={day.isoformat()}")  # default colouring: by segment
    frame = _map_frame(page)
    hatched = frame.locator(f"path.{maps.HATCHED_CLASS}")
    expect(hatched).to_have_count(missing, timeout=WAIT_MS)
    fills = hatched.evaluate_all("(paths) => paths.map((p) => p.getAttribute('fill'))")
    assert set(fills) == {f"url(#{maps.HATCH_ID})"}
    assert frame.locator(f"pattern#{maps.HATCH_ID}").count() == 1  # the pattern is in the map's SVG
    # Not one territory not yet assessed is drawn in a flat colour (its segment's, or a grey).
    assessed = frame.locator(f"path.{maps.TERRITORY_CLASS}:not(.{maps.HATCHED_CLASS})")
    expect(assessed).to_have_count(len(drawn) - missing)
    legend = frame.locator(".carte-legende")
    expect(legend).to_contain_text(f"Non encore évalué au {fr_date(day)} : {missing}")
    swatch = legend.locator("span").last.evaluate("(s) => getComputedStyle(s).backgroundImage")
    assert "repeating-linear-gradient" in swatch  # hatched in the legend too
    wait_settled(page)  # Leaflet has fitted the view, its late fits included
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"carte_au_{day.isoformat()}_{size}.png"))
    assert watched_page.external_requests == []
    assert watched_page.page_errors == []


@pytest.mark.parametrize("size", SIZES)
def test_a_small_territory_has_a_marker_with_its_tooltip_and_click(
    streamlit_server, watched_page: WatchedPage, demo, size
) -> None:
    page = watched_page.page
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    page.goto(f"{streamlit_server(APP)}/carte")
    frame = _map_frame(page)
    frame.wait_for_selector(f"path.{maps.MARKER_CLASS}", state="attached", timeout=WAIT_MS)
    wait_settled(page)  # the legend's late fit may zoom: the markers are redrawn then
    found = frame.evaluate(
        """({code, cls}) => {
            const map = Object.values(window).find((v) => v instanceof L.Map);
            let mark = null, shape = null;
            map.eachLayer((l) => {
                if (!l.feature || l.feature.properties.code !== code) { return; }
                if ((l.options.className || "").includes(cls)) { mark = l; } else if (l.getBounds) { shape = l; }
            });
            if (!mark || !shape) { return null; }
            mark._path.setAttribute("data-test", "repere");
            const box = shape._path.getBoundingClientRect();
            return {fill: mark._path.getAttribute("fill"), shapeFill: shape._path.getAttribute("fill"),
                    width: box.width, height: box.height, radius: mark.getRadius()};
        }""",
        {"code": CHATILLON, "cls": maps.MARKER_CLASS},
    )
    assert found is not None, "no marker for Châtillon-Coligny"
    assert max(found["width"], found["height"]) < maps.SMALL_SHAPE_PX  # its shape is a few pixels
    assert (
        found["fill"] == found["shapeFill"] == demo.definition.segment(demo.territories.at[CHATILLON, "segment"]).colour
    )
    marker = page.frame_locator(MAP_IFRAME).last.locator('path[data-test="repere"]')
    box = marker.bounding_box()
    assert box["width"] >= 2 * found["radius"] and box["height"] >= 2 * found["radius"]  # big enough to hit
    marker.hover()
    expect(page.frame_locator(MAP_IFRAME).last.locator(".leaflet-tooltip")).to_contain_text("Châtillon-Coligny")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"carte_repere_petit_territoire_{size}.png"))
    # (Leaflet's focus on mousedown used to scroll a phone's page before mouseup: no click.)
    marker.click()
    expect(page).to_have_url(re.compile(f"territoire={CHATILLON}"), timeout=WAIT_MS)
    expect(page.get_by_test_id("stMain")).to_contain_text("Châtillon-Coligny", timeout=WAIT_MS)
    assert watched_page.external_requests == []
    assert watched_page.page_errors == []
