"""The size effect in Chromium: the Segments page's sentences and error bars, the Atelier step on a projector."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from .conftest import ARTIFACTS, WatchedPage

APP = Path("app.py")
WAIT_MS = 60_000


def test_segments_shows_the_sentences_and_the_intervals(streamlit_server, watched_page: WatchedPage) -> None:
    page = watched_page.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{streamlit_server(APP)}/segments")
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("un écart aussi grand a moins d'une chance sur mille", timeout=WAIT_MS)
    expect(main).to_contain_text("45\u00a0% [28–62\u00a0%] contre 100\u00a0% [72–100\u00a0%]")
    expect(main).to_contain_text("on ne peut pas conclure")
    page.get_by_text("Méthode : intervalles, tests, minimum de territoires").click()
    expect(main).to_contain_text("Fisher–Freeman–Halton")
    heading = page.get_by_role("heading", name="L'effet de taille en détail : parts et intervalles")
    heading.scroll_into_view_if_needed()
    # The shares and intervals, bars in HTML: each one names its segment, share and interval.
    chart = page.locator(".intervalles")
    chart.scroll_into_view_if_needed(timeout=WAIT_MS)
    expect(chart).to_be_visible(timeout=WAIT_MS)
    l3 = chart.get_by_role("rowgroup").filter(has_text="L3 – ")
    expect(l3).to_contain_text("Petits territoires : 45\u00a0% [28–62\u00a0%] (13 sur 29 territoires évalués)")
    bars = chart.locator(".intervalles-barre")
    expect(bars).to_have_count(16)
    for box in bars.evaluate_all("els => els.map(e => e.getBoundingClientRect().toJSON())"):
        assert box["height"] >= 10 and 0 <= box["left"] and box["right"] <= 390, box
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "segments_effet_taille_390.png"))


def test_atelier_evidence_step_on_a_projector(streamlit_server, watched_page: WatchedPage) -> None:
    page = watched_page.page
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{streamlit_server(APP)}/atelier?etape=12")
    expect(page.get_by_role("heading", name="Ce que montrent les données")).to_be_visible(timeout=WAIT_MS)
    last = page.locator(".st-key-atelier_constats li").last
    expect(last).to_contain_text("ne veut donc pas dire « pas de différence »")
    # the projection's style comes after the first paint: wait for it, as the room sees the page
    page.wait_for_function(
        """() => { const items = document.querySelectorAll(".st-key-atelier_constats li");
                   return items.length && parseFloat(getComputedStyle(items[items.length - 1]).fontSize) >= 22; }""",
        timeout=WAIT_MS,
    )
    box = last.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 1080  # every sentence on the projected screen
    size = last.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 22
