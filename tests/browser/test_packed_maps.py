"""The lighter maps draw exactly what the plain GeoJSON drew: same pixels in Chromium at the
national view and at a département zoom (coordinates travel as integer steps, maps._PackedGeoJson)."""

from __future__ import annotations

from pathlib import Path

import folium
import pytest
from playwright.sync_api import Browser

from territorial.cartography import maps
from territorial.cartography.geometry import national_outlines
from territorial.content.colouring import COLOUR_SEGMENT
from territorial.content.territory_map import context_bounds, map_frame, programme_map

from .conftest import ARTIFACTS
from .waits import wait_map_settled, wait_painted

#: Rhône and its neighbours (Métropole de Lyon, Saint-Étienne…): a département zoom.
RHONE = [[45.45, 4.25], [46.1, 5.25]]


def _document(demo, reference, *, packed: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    if not packed:
        monkeypatch.setattr(maps, "_PackedGeoJson", folium.GeoJson)
    view = map_frame(demo, demo.territories, mode=COLOUR_SEGMENT)
    m = programme_map(view, outlines=national_outlines(None, reference.regions), bounds=context_bounds(view.shapes))
    doc = maps.standalone_html(m)  # Leaflet inlined: opens from a file
    monkeypatch.undo()
    # The map's variable, for the département zoom (folium's script declares it globally).
    return doc.replace("</head>", f'<meta name="carte" content="{m.get_name()}"></head>', 1)


def _pictures(browser: Browser, path: Path) -> tuple[bytes, bytes, int]:
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_selector("path.territoire")
    shapes = page.locator("path.territoire").count()
    wait_map_settled(page.main_frame)  # after the legend-aware fits at 300 and 1000 ms
    national = page.screenshot()
    page.evaluate(
        "(b) => window[document.querySelector('meta[name=carte]').content].fitBounds(b, {animate: false})", RHONE
    )
    wait_painted(page)  # fitBounds without animation moves the view at once: once painted, it is shown
    departement = page.screenshot()
    context.close()
    return national, departement, shapes


def test_packed_map_draws_the_same_pixels(demo, reference, browser: Browser, tmp_path, monkeypatch) -> None:
    plain, packed = tmp_path / "plain.html", tmp_path / "packed.html"
    plain.write_text(_document(demo, reference, packed=False, monkeypatch=monkeypatch), encoding="utf-8")
    packed.write_text(_document(demo, reference, packed=True, monkeypatch=monkeypatch), encoding="utf-8")
    assert packed.stat().st_size < 0.85 * plain.stat().st_size  # Leaflet (inlined) is in both
    before, after = _pictures(browser, plain), _pictures(browser, packed)
    assert before[2] == after[2] == 81
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "packed_national.png").write_bytes(after[0])
    (ARTIFACTS / "packed_departement.png").write_bytes(after[1])
    assert after[0] == before[0], "vue nationale différente"
    assert after[1] == before[1], "vue d'un département différente"
