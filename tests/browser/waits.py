"""Waits on what a person would see, never on a fixed time (the suite runs on a loaded machine).

- :func:`wait_idle`: Streamlit has run the page: its script is not running, no element is
  faded as stale, no spinner turns.
- :func:`wait_map_settled`: a map is drawn and its legend's late fits have run (the view no
  longer moves).
- :func:`wait_settled`: the page is idle, its charts are drawn, its maps settled, and it is
  still idle (a map's first value may rerun the page).
- :func:`wait_tooltip_shown`, :func:`wait_painted`, :func:`grow_to_whole_page`, and
  :func:`poll` for a state of a server (a log line) with a deadline.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from playwright.sync_api import Error, Frame, Page

from territorial.cartography import maps
from territorial.harness.chromium import MAP_IFRAME

T = TypeVar("T")
WAIT_MS = 90_000

#: Streamlit has run the page and shows nothing stale (faded) nor running.
IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null && app.getAttribute("data-test-script-state") === "notRunning"
        && document.querySelector('[data-stale="true"]') === null
        && document.querySelector('[data-testid="stSpinner"]') === null;
}"""
#: The dashboard's house style is applied: its palette's custom properties are set. Streamlit loads
#: the code of ``st.html`` on first use, so the page's styles (``inject_css``, and the workshop's,
#: rendered by that same code) come a moment after its first elements; until then captions have
#: Streamlit's grey and buttons cut their words.
STYLED_JS = """() => getComputedStyle(document.documentElement).getPropertyValue("--texte").trim().length > 0"""
#: Every Vega-Lite chart of the page is drawn — and none is still a loading placeholder: while
#: Streamlit loads an element's code (Vega's, 775 KB, on first use) it shows a skeleton in its
#: place, and a chart that is not there yet would count as drawn. Every HTML component
#: (territorial/ui/html_choice.py, the Segments heat map) has put its HTML in place.
CHARTS_DRAWN_JS = """() => document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]') === null
    && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .every(c => c.querySelector("svg, canvas") !== null)
    && [...document.querySelectorAll('[data-testid^="stBidiComponent"]')]
    .every(c => c.querySelector(".choix-html") !== null)"""
#: A tooltip on the map has finished fading in.
TOOLTIP_SHOWN_JS = """() => {
    const tip = document.querySelector(".leaflet-tooltip");
    return tip !== null && tip.getAnimations().length === 0 && parseFloat(getComputedStyle(tip).opacity) > 0;
}"""
#: The document has painted twice since (what a screenshot shows is what was just set).
PAINTED_JS = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"


def _legend_fit_delays() -> list[int]:
    """The delays (ms) of the legend's late fits, read from the map's script (territorial/cartography/maps.py)."""
    source = Path(maps.__file__).read_text(encoding="utf-8")
    found = re.search(r"\[([\d, ]+)\]\.forEach\(function \(ms\) \{ setTimeout\(fit, ms\); \}\)", source)
    if found is None:
        raise RuntimeError(
            "the legend's late fits (`[…].forEach(function (ms) { setTimeout(fit, ms); })`) are no longer "
            "in territorial/cartography/maps.py: update tests/browser/waits.py"
        )
    return [int(ms) for ms in found.group(1).split(",")]


LEGEND_FIT_DELAYS_MS = _legend_fit_delays()

# The map's own script set its late fits (setTimeout) when it ran, before `.leaflet-container`
# was seen; a timer of this document set now with the longest of those delays fires after all
# of them (timers of the same document with an equal or shorter delay, set earlier, run first).
_AFTER_LATE_FITS_JS = "(ms) => new Promise((done) => setTimeout(() => done(true), ms))"


def wait_idle(page: Page, timeout: float = WAIT_MS) -> None:
    """Streamlit has run the page: not running, nothing stale, no spinner."""
    page.wait_for_function(IDLE_JS, timeout=timeout)


def wait_map_settled(frame: Frame, timeout: float = WAIT_MS) -> None:
    """The map of ``frame`` (a map's iframe, or a standalone map document) is drawn and its
    legend's late fits have run: its view no longer moves."""
    frame.wait_for_selector(".leaflet-container", state="attached", timeout=timeout)
    frame.evaluate(_AFTER_LATE_FITS_JS, max(LEGEND_FIT_DELAYS_MS))


def wait_settled(page: Page, timeout: float = WAIT_MS, *, house_style: bool = True) -> None:
    """The page as a person sees it once loading is over: Streamlit idle, the dashboard's styles
    applied (``house_style=False`` for a test app without them), charts drawn, every map settled,
    and Streamlit still idle (a map's first value may rerun the page)."""
    for attempt in range(3):
        wait_idle(page, timeout)
        if house_style:
            page.wait_for_function(STYLED_JS, timeout=timeout)
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=timeout)
        try:
            for handle in page.locator(MAP_IFRAME).element_handles():
                frame = handle.content_frame()
                if frame is not None:
                    wait_map_settled(frame, timeout)
        except Error as exc:  # a rerun replaced a map's frame while we waited on it: again
            if attempt == 2 or not re.search(r"detached|destroyed|navigat", str(exc)):
                raise
            continue
        wait_idle(page, timeout)
        return


def wait_tooltip_shown(frame: Frame | Page, timeout: float = WAIT_MS) -> None:
    """The map's tooltip has finished fading in."""
    frame.wait_for_function(TOOLTIP_SHOWN_JS, timeout=timeout)


def wait_painted(page: Page) -> None:
    """The page has painted what was just set (two animation frames)."""
    page.evaluate(PAINTED_JS)


def grow_to_whole_page(page: Page, width: int, max_height: int) -> None:
    """Grow the viewport to the whole page (Streamlit scrolls inside stMain) and wait until the
    page is settled at that size, for a screenshot of all of it."""
    height = min(
        int(page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")) + 40, max_height
    )
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function("(h) => window.innerHeight === h", arg=height)
    wait_settled(page)
    wait_painted(page)


def poll(probe: Callable[[], T], *, timeout: float = 30.0, interval: float = 0.05) -> T:
    """Call ``probe`` until it returns a truthy value (a state of a server, e.g. a log line)
    or ``timeout`` seconds pass; its last value either way."""
    deadline = time.monotonic() + timeout
    while not (value := probe()) and time.monotonic() < deadline:
        time.sleep(interval)  # the polling period, not a wait for the state
    return value
