"""Layouts in Chromium: the fiche on a phone and on paper, the Atelier on a 1920×1080 projector."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from territorial.harness.chromium import MAP_IFRAME

from .conftest import ARTIFACTS, WatchedPage
from .waits import grow_to_whole_page, wait_settled

APP = Path("app.py")
LYON = "200046977"
WAIT_MS = 60_000

_NO_HORIZONTAL_SCROLL = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return {
        document: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
        main: main.scrollWidth - main.clientWidth,
    };
}"""


def _font_px(page: Page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def _assert_no_horizontal_scroll(page: Page, width: int) -> None:
    sizes = page.evaluate(_NO_HORIZONTAL_SCROLL)
    assert sizes["viewport"] == width
    assert sizes["document"] <= width + 1, sizes
    assert sizes["main"] <= 1, sizes


def _whole_page_screenshot(page: Page, path: Path, width: int) -> None:
    """Screenshot of the whole page: Streamlit scrolls inside stMain, so grow the viewport to fit."""
    grow_to_whole_page(page, width, 6000)
    page.screenshot(path=str(path))


def _clean(watched: WatchedPage) -> None:
    assert watched.external_requests == []
    assert watched.page_errors == []
    assert watched.dialogs == []


def test_fiche_on_a_phone(streamlit_server, watched_page: WatchedPage, demo) -> None:
    page = watched_page.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{streamlit_server(APP)}/fiche?territoire={LYON}")
    expect(page.get_by_role("heading", name="Métropole de Lyon")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("Données de démonstration")).to_be_visible()
    expect(page.locator(".fiche-segment")).to_have_text("Métropoles et très grands territoires")
    frame = page.frame_locator(MAP_IFRAME)
    expect(frame.locator("path.territoire-selectionne")).to_have_count(1, timeout=WAIT_MS)
    assert frame.locator("path.territoire").count() >= 1
    wait_settled(page)
    _assert_no_horizontal_scroll(page, 390)
    # Columns stack: the map takes the width of the screen and comes below the facts.
    facts = page.get_by_text("Leviers activés :").bounding_box()
    iframe = page.locator(MAP_IFRAME).bounding_box()
    assert iframe["width"] >= 340 and iframe["height"] >= 350
    assert iframe["y"] > facts["y"]
    # Every lever and the peers table are there.
    for label in ("émergent", "structurant", "engagé"):
        expect(page.get_by_text(label).first).to_be_attached()
    expect(page.get_by_role("table")).to_contain_text("Pairs qui l'activent")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "fiche_phone.png"))
    _whole_page_screenshot(page, ARTIFACTS / "fiche_phone_full.png", 390)
    _assert_no_horizontal_scroll(page, 390)
    _clean(watched_page)


def test_fiche_prints_without_sidebar_and_widgets(streamlit_server, watched_page: WatchedPage) -> None:
    page = watched_page.page
    page.goto(f"{streamlit_server(APP)}/fiche?territoire=04116")
    expect(page.get_by_role("heading", name="Les Mées")).to_be_visible(timeout=WAIT_MS)
    expect(page.frame_locator(MAP_IFRAME).locator("path.territoire-selectionne")).to_have_count(1, timeout=WAIT_MS)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()
    expect(page.locator(".st-key-fiche_recherche")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(page.locator(".st-key-fiche_recherche")).to_be_hidden()
    expect(page.get_by_role("heading", name="Les Mées")).to_be_visible()
    expect(page.get_by_text("Données de démonstration")).to_be_visible()
    colour = page.locator(".fiche-segment").evaluate("e => getComputedStyle(e).printColorAdjust")
    assert colour == "exact"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "fiche_print.png"))
    _clean(watched_page)


def test_atelier_fills_a_projector(streamlit_server, watched_page: WatchedPage, demo) -> None:
    page = watched_page.page
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{streamlit_server(APP)}/atelier?etape=3")
    expect(page.get_by_role("heading", name="Territoires intermédiaires")).to_be_visible(timeout=WAIT_MS)
    frame = page.frame_locator(MAP_IFRAME)
    expect(frame.locator("path.territoire")).to_have_count(
        int(demo.territories.geometry.notna().sum()), timeout=WAIT_MS
    )
    expect(frame.locator(".carte-legende")).to_contain_text("Territoires intermédiaires : 26")
    wait_settled(page)
    # No chrome: no sidebar, no Streamlit header or toolbar.
    for testid in ("stSidebar", "stHeader", "stToolbar"):
        expect(page.locator(f'[data-testid="{testid}"]')).to_be_hidden()
    _assert_no_horizontal_scroll(page, 1920)
    # Large type, high contrast.
    assert _font_px(page, '[data-testid="stMetricValue"]') >= 32
    assert _font_px(page, '[data-testid="stMetricValue"] p') >= 32
    assert _font_px(page, ".st-key-atelier_corps p") >= 22
    assert _font_px(page, '[data-testid="stMetricLabel"] p') >= 22
    assert _font_px(page, "h1") >= 40
    colour = page.locator(".st-key-atelier_corps p").evaluate("e => getComputedStyle(e).color")
    assert colour == "rgb(0, 0, 0)"
    # The map fills most of the screen, its legend readable from afar.
    box = page.locator(MAP_IFRAME).bounding_box()
    assert box["width"] >= 1100 and box["height"] >= 700
    assert box["y"] + box["height"] <= 1080
    legend_px = frame.locator(".carte-legende > div").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert legend_px >= 22
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "atelier.png"))

    # « Suivant » moves on and puts the step in the URL; PageDown (a clicker) too.
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("heading", name="Grands territoires")).to_be_visible(timeout=WAIT_MS)
    expect(page).to_have_url(re.compile(r"[?&]etape=4\b"))
    page.locator("body").press("PageDown")
    expect(page.get_by_role("heading", name="Métropoles et très grands territoires")).to_be_visible(timeout=WAIT_MS)
    expect(page).to_have_url(re.compile(r"[?&]etape=5\b"))
    expect(frame.locator("path.territoire")).to_have_count(
        int(demo.territories.geometry.notna().sum()), timeout=WAIT_MS
    )
    _clean(watched_page)


def test_atelier_last_step_on_a_projector(streamlit_server, watched_page: WatchedPage) -> None:
    page = watched_page.page
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{streamlit_server(APP)}/atelier?etape=11&territoire={LYON}")
    expect(page.get_by_role("heading", name="Métropole de Lyon")).to_be_visible(timeout=WAIT_MS)
    expect(page.frame_locator(MAP_IFRAME).locator("path.territoire-selectionne")).to_have_count(1, timeout=WAIT_MS)
    wait_settled(page)
    _assert_no_horizontal_scroll(page, 1920)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "atelier_territoire.png"))
    _clean(watched_page)


def test_mode_atelier_on_the_overview(streamlit_server, watched_page: WatchedPage) -> None:
    page = watched_page.page
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{streamlit_server(APP)}/?mode=atelier")
    expect(page.get_by_text("Données de démonstration")).to_be_visible(timeout=WAIT_MS)
    expect(page.frame_locator(MAP_IFRAME).locator("path.territoire").first).to_be_attached(timeout=WAIT_MS)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(page.locator('[data-testid="stHeader"]')).to_be_hidden()
    expect(page.locator(".st-key-sortie_projection").get_by_role("link", name="Données")).to_be_visible()  # a way out
    assert _font_px(page, '[data-testid="stMetricValue"]') >= 32
    _assert_no_horizontal_scroll(page, 1920)
    _clean(watched_page)


_LEGEND_OVERLAPS = """() => {
    const legend = document.querySelector('.carte-legende > div').getBoundingClientRect();
    return [...document.querySelectorAll('path.territoire')].filter(p => {
        const r = p.getBoundingClientRect();
        return r.width > 0 && r.left < legend.right && r.right > legend.left
            && r.top < legend.bottom && r.bottom > legend.top;
    }).length;
}"""


def test_atelier_on_a_small_projector(streamlit_server, watched_page: WatchedPage, demo) -> None:
    """1280×800 (many meeting-room projectors): whole button words, the map on the screen, no
    territory under the legend."""
    page = watched_page.page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{streamlit_server(APP)}/atelier")
    frame = page.frame_locator(MAP_IFRAME)
    expect(frame.locator("path.territoire")).to_have_count(
        int(demo.territories.geometry.notna().sum()), timeout=WAIT_MS
    )
    wait_settled(page)  # the legend-aware fit runs again at 300 and 1,000 ms: after them
    _assert_no_horizontal_scroll(page, 1280)
    for key, word in (("atelier_precedent", "Précédent"), ("atelier_suivant", "Suivant")):
        label = page.locator(f'.st-key-{key} button [data-testid="stMarkdownContainer"]').first
        expect(label).to_contain_text(word)
        sizes = label.evaluate("e => [e.scrollWidth, e.clientWidth]")  # Streamlit ellipsises here
        assert sizes[0] <= sizes[1], f"« {word} » coupé : {sizes}"
    for label in page.locator('[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"]').all():
        assert label.evaluate("e => e.scrollWidth <= e.clientWidth"), label.inner_text()
    overlapping = page.frame_locator(MAP_IFRAME).locator("body").evaluate(_LEGEND_OVERLAPS)
    assert overlapping == 0
    # The whole map on the screen, no scrolling: the frame and the map inside it fit in 800 px.
    box = page.locator(MAP_IFRAME).bounding_box()
    assert box["y"] + box["height"] <= 800 and box["height"] >= 420
    inner = page.frame_locator(MAP_IFRAME).locator(".folium-map").bounding_box()
    assert abs(inner["height"] - box["height"]) <= 4
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "atelier_1280.png"))
    _clean(watched_page)


def test_the_search_above_a_fiche_opens_then_finds(streamlit_server, watched_page: WatchedPage) -> None:
    """Closed, the search has no widget (built once opened, pages/fiche.py); opened, it finds and opens."""
    page = watched_page.page
    page.goto(f"{streamlit_server(APP)}/fiche?territoire=04116")
    expect(page.get_by_role("heading", name="Les Mées")).to_be_visible(timeout=WAIT_MS)
    search = page.locator(".st-key-fiche_recherche")
    expect(search.get_by_role("textbox")).to_have_count(0)
    search.get_by_text("Chercher un territoire").click()
    box = search.get_by_role("textbox", name="Nom ou code du territoire")
    expect(box).to_be_visible(timeout=WAIT_MS)
    box.fill("grand paris")
    box.press("Enter")
    expect(search.get_by_text(re.compile(r"^Territoires trouvés : \d+$"))).to_be_visible(timeout=WAIT_MS)
    search.get_by_role("combobox").click()
    page.get_by_role("option", name=re.compile(r"^Métropole du Grand Paris")).click()
    expect(page).to_have_url(re.compile(r"[?&]territoire=200054781"), timeout=WAIT_MS)
    expect(page.get_by_role("heading", name="Métropole du Grand Paris")).to_be_visible(timeout=WAIT_MS)
    _clean(watched_page)
