"""Every page steady while it loads and readable on a phone and a laptop (issue 22: 6–9, 13).

- Cumulative layout shift, counted as Lighthouse does (PerformanceObserver ``layout-shift``,
  shifts without recent input), on every page at 1440×900 and 390×844. Streamlit's own
  frame moves once on a wide screen whatever the app does: the sidebar (300 px) arrives with
  the navigation, after the first paint, and the page switches to the wide layout given by
  ``st.set_page_config``. Those shifts (of ``stMain``, its wrapper, ``stMainBlockContainer``
  or the sidebar's content only) are printed but not counted here; every other shift is the
  app's. The page as served by ``deploy/`` hides the frame until its sidebar is there, and is
  counted whole there (``test_deploy_headers.py``).
- Segments on a phone: no sideways scroll, charts inside the screen, heat map texts apart.
- The overview's first screen at 1440×900: the map and the heat map, the key figures beside.
- No text cut by an ellipsis (key figures, buttons); the Carte's map fitted to the territories.
- Headings never skip a level; the page says it is French and has a description.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from territorial.harness.chromium import MAP_IFRAME

from .conftest import ARTIFACTS, WatchedPage
from .shifts import CLS_OBSERVER, MAX_CLS, PAGES, PROJECTED, SIZES, report
from .waits import grow_to_whole_page, wait_settled

APP = Path("app.py")
WAIT_MS = 90_000
NO_SIDEWAYS_SCROLL_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return {document: document.documentElement.scrollWidth - window.innerWidth,
            main: main.scrollWidth - main.clientWidth};
}"""

#: Texts cut by an ellipsis or a hidden overflow (tables and charts apart).
CUT_TEXTS_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] *')].filter(e => {
    if (!e.textContent.trim() || e.querySelector("svg, canvas, iframe, table")) return false;
    if (e.closest(".lecteur-ecran")) return false;  // read by screen readers, never shown
    const style = getComputedStyle(e);
    const clips = style.textOverflow === "ellipsis" || style.overflowX === "hidden";
    return clips && e.scrollWidth > e.clientWidth + 1;
}).map(e => e.textContent.trim().slice(0, 80))"""

HEADINGS_JS = """() => [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
    .filter(h => h.offsetParent !== null)
    .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)])"""


def _open(watched: WatchedPage, base: str, path: str, size: tuple[int, int]) -> Page:
    page = watched.page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.add_init_script(CLS_OBSERVER)
    page.goto(base + path)
    _settle(page)
    return page


def _settle(page: Page) -> None:
    """The page has run, its charts are drawn, its maps have made their late fits (late shifts
    would show now), and it is still idle."""
    page.get_by_text("Sources :", exact=False).last.wait_for(timeout=WAIT_MS)
    wait_settled(page, WAIT_MS)


def _no_sideways_scroll(page: Page) -> None:
    sizes = page.evaluate(NO_SIDEWAYS_SCROLL_JS)
    assert sizes["document"] <= 1 and sizes["main"] <= 1, sizes


def _clean(watched: WatchedPage) -> None:
    assert watched.external_requests == []
    assert watched.page_errors == []
    # The overview is « / »: a path Streamlit does not know (« /accueil ») opens it under a
    # « Page not found » dialog, which the first screen would then show.
    expect(watched.page.get_by_role("dialog")).to_have_count(0)


def _slug(path: str) -> str:
    return path.strip("/").replace("?", "_").replace("=", "-") or "racine"


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("path", PAGES + PROJECTED)
def test_page_does_not_jump_while_it_loads(streamlit_server, watched_page: WatchedPage, path: str, size: str) -> None:
    page = _open(watched_page, streamlit_server(APP), path, SIZES[size])
    cls = report(page, f"{path} [{size}]")
    assert cls["app"] <= MAX_CLS, cls["shifts"]
    _no_sideways_scroll(page)
    _clean(watched_page)


def test_segments_readable_on_a_phone(streamlit_server, watched_page: WatchedPage) -> None:
    page = _open(watched_page, streamlit_server(APP), "/segments", SIZES["telephone"])
    _no_sideways_scroll(page)
    # No chart code on the default view: the heat map, the levels and the intervals are HTML.
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 0
    # The heat map writes one share per cell, none over another, all inside the screen, and names
    # the levers L1…L4.
    heat = page.locator(".st-key-segments_matrice")
    cells = heat.locator("button[data-segment]").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [e.innerText, r.left, r.top, r.right, r.bottom]; })"
    )
    assert len(cells) == 16 and all(text.strip().endswith("%") for text, *_ in cells), cells
    for i, (_, l1, t1, r1, b1) in enumerate(cells):
        assert l1 >= 0 and r1 <= 390 and b1 - t1 >= 44, cells  # a finger's target
        for _, l2, t2, r2, b2 in cells[i + 1 :]:
            assert r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1, cells
    assert heat.locator("thead th").all_inner_texts() == ["L1", "L2", "L3", "L4"]
    # The levels' bars (HTML) show their axis title and all their levels, and fit the screen.
    levels = page.locator(".st-key-segments_niveaux")
    bars = levels.locator(".niveaux-levier-barre").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.height]; })"
    )
    assert len(bars) == 4 and all(left >= 0 and right <= 390 and height >= 30 for left, right, height in bars), bars
    expect(levels.get_by_text("Part des territoires du segment")).to_be_visible()
    for label in ("0 – non activé", "1 – émergent", "2 – engagé", "3 – structurant"):
        box = levels.get_by_text(label, exact=True).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390, (label, box)
    # The evolution, in the tab a person opens: only the open tab is built, and the URL says so.
    page.get_by_role("tab", name="Au fil des dialogues").click()
    expect(page.locator(".evolution-legende")).to_be_visible(timeout=WAIT_MS)
    expect(page).to_have_url(re.compile(r"[?&]vue=evolution"))
    _settle(page)
    _no_sideways_scroll(page)
    grid = page.locator('.st-key-segments_evolution_grille [data-testid="stVegaLiteChart"] svg.marks')
    expect(grid).to_have_count(4, timeout=WAIT_MS)
    for left, right in grid.evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })"
    ):
        assert left >= 0 and right <= 390 + 1, (left, right)
    entries = page.locator(".evolution-legende > span").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [e.textContent, r.left, r.right]; })"
    )
    assert len(entries) == 4, entries
    for text, left, right in entries:
        assert left >= 0 and right <= 390, (text, left, right)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    grow_to_whole_page(page, 390, 7000)
    page.screenshot(path=str(ARTIFACTS / "segments_telephone.png"))
    _clean(watched_page)


def test_overview_first_screen_shows_the_programme(streamlit_server, watched_page: WatchedPage) -> None:
    page = _open(watched_page, streamlit_server(APP), "/", SIZES["ordinateur"])
    frame = page.frame_locator(MAP_IFRAME)
    expect(frame.locator("path.territoire").first).to_be_attached(timeout=WAIT_MS)
    page.locator('[data-testid="stMain"]').evaluate("m => m.scrollTo(0, 0)")
    the_map = page.locator(MAP_IFRAME).bounding_box()
    heat = page.locator(".matrice-leviers table").bounding_box()
    figure = page.locator('[data-testid="stMetric"]').filter(has_text="Territoires").first.bounding_box()
    # The map and the heat map, whole, on the first screen; the key figures beside, not before.
    assert the_map["y"] + the_map["height"] <= 900, the_map
    assert the_map["height"] >= 400 and the_map["width"] >= 500, the_map
    assert heat["y"] + heat["height"] <= 900, heat
    assert figure["x"] >= the_map["x"] + the_map["width"], (figure, the_map)
    assert figure["y"] + figure["height"] <= 900
    assert heat["x"] >= the_map["x"] + the_map["width"]
    expect(page.get_by_text("L3 : Financement & investissement en commun", exact=False)).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "accueil_premier_ecran.png"))
    _clean(watched_page)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("path", ["/", "/donnees", "/segments", "/carte"])
def test_no_text_cut_off(streamlit_server, watched_page: WatchedPage, path: str, size: str) -> None:
    page = _open(watched_page, streamlit_server(APP), path, SIZES[size])
    assert page.evaluate(CUT_TEXTS_JS) == []
    if path == "/":
        label = page.locator('[data-testid="stMetricLabel"]').filter(has_text="Financement & investissement en commun")
        expect(label.first).to_be_visible()
    if path == "/donnees":
        expect(page.get_by_role("button", name="Programme, tous les dialogues (CSV, réimportable)")).to_be_visible()
    _clean(watched_page)


def test_carte_map_fits_the_territories(streamlit_server, watched_page: WatchedPage) -> None:
    page = _open(watched_page, streamlit_server(APP), "/carte", SIZES["ordinateur"])
    frame = page.frame_locator(MAP_IFRAME)
    expect(frame.locator("path.territoire").first).to_be_attached(timeout=WAIT_MS)
    wait_settled(page)  # the legend-aware fit runs again at 300 and 1000 ms: after them
    size, shapes, legend = frame.locator(".leaflet-container").evaluate(
        """c => {
            const box = c.getBoundingClientRect();
            const rects = [...c.querySelectorAll("path.territoire")].map(p => p.getBoundingClientRect());
            const l = c.querySelector(".carte-legende").getBoundingClientRect();
            const under = rects.filter(r => r.right > l.left && r.left < l.right
                                            && r.bottom > l.top && r.top < l.bottom);
            return [[box.left, box.width],
                    [Math.min(...rects.map(r => r.left)), Math.max(...rects.map(r => r.right))], under.length];
        }"""
    )
    (left, width), (shapes_left, shapes_right) = size, shapes
    assert (shapes_right - shapes_left) / width >= 0.55, (size, shapes)  # was 0.41, in the right 40 %
    assert (shapes_left - left) / width <= 0.35, (size, shapes)
    assert legend == 0  # no territory under the legend
    page.screenshot(path=str(ARTIFACTS / "carte_ordinateur.png"))
    _clean(watched_page)


@pytest.mark.parametrize("path", PAGES + ["/atelier", "/salle"])
def test_headings_language_and_description(streamlit_server, watched_page: WatchedPage, path: str) -> None:
    page = _open(watched_page, streamlit_server(APP), path, SIZES["ordinateur"])
    headings = page.evaluate(HEADINGS_JS)
    levels = [level for level, _ in headings]
    assert 1 in levels, headings
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, headings  # never h1 -> h3
    # Set by the page's last element, a script whose code Streamlit loads on first use: once it has run.
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    description = page.locator('head meta[name="description"]')
    expect(description).to_have_attribute("content", re.compile("territorialisation des transitions"))
    _clean(watched_page)


def test_robots_txt_is_served_as_text(streamlit_server) -> None:
    """The file nginx serves at /robots.txt (deploy/nginx/territoires.conf) is Streamlit's static one."""
    import urllib.request

    with urllib.request.urlopen(f"{streamlit_server(APP)}/app/static/robots.txt", timeout=10) as response:
        body = response.read().decode("utf-8")
        assert response.headers.get_content_type() == "text/plain"
    assert "User-agent: *" in body and "<html" not in body.lower()
    conf = (Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "territoires.conf").read_text(encoding="utf-8")
    assert "location = /robots.txt" in conf and "/app/static/robots.txt" in conf
