"""Drive a live workshop room in Chromium (browser tests, benchmark, screenshots).

A participant (a phone-sized Playwright page) chooses a territory and answers the levels
question; the projector's count and map legend are read from the page, without reloading it.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

#: The projector's count of answers (the « Réponses » metric).
COUNT_JS = """() => {
    const box = document.querySelector('.st-key-salle_compte [data-testid="stMetricValue"]');
    return box ? box.innerText.trim() : null;
}"""
#: The legend of the room's map: « Ont répondu : 3 … ».
LEGEND_JS = """() => {
    const frame = document.querySelector('.st-key-salle_carte iframe');
    const doc = frame && frame.contentDocument;
    const legend = doc && doc.querySelector('.carte-legende');
    return legend ? legend.innerText : null;
}"""
IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null && app.getAttribute("data-test-script-state") === "notRunning";
}"""


def projector_count(page: Page) -> int | None:
    """The number of answers the projector shows, or None before it is drawn."""
    text = page.evaluate(COUNT_JS)
    digits = re.sub(r"\D", "", text or "")
    return int(digits) if digits else None


def projector_answered(page: Page) -> int | None:
    """How many programme territories the projector's map shows as having answered."""
    found = re.search(r"Ont répondu : (\d+)", page.evaluate(LEGEND_JS) or "")
    return int(found.group(1)) if found else None


#: Whether the projector shows ``n`` answers (its argument).
COUNT_IS_JS = f"""(n) => {{
    const digits = (({COUNT_JS})() || "").replace(/\\D/g, "");
    return digits !== "" && Number(digits) === n;
}}"""
#: Whether the room's map shows ``n`` programme territories as having answered (its argument).
ANSWERED_IS_JS = f"""(n) => {{
    const found = /Ont répondu : (\\d+)/.exec(({LEGEND_JS})() || "");
    return found !== null && Number(found[1]) === n;
}}"""


def wait_for_count(page: Page, expected: int, *, timeout: float = 30_000) -> None:
    """Wait until the projector (which refreshes itself every few seconds) shows ``expected`` answers."""
    try:
        page.wait_for_function(COUNT_IS_JS, arg=expected, timeout=timeout)
    except PlaywrightTimeoutError:
        raise AssertionError(f"le projecteur montre {projector_count(page)} réponses au lieu de {expected}") from None


def wait_for_answered(page: Page, expected: int, *, timeout: float = 30_000) -> None:
    """Wait until the projector's map shows ``expected`` territories as having answered."""
    try:
        page.wait_for_function(ANSWERED_IS_JS, arg=expected, timeout=timeout)
    except PlaywrightTimeoutError:
        raise AssertionError(
            f"la carte du projecteur montre {projector_answered(page)} territoires ayant répondu au lieu de {expected}"
        ) from None


def choose_territory(page: Page, search: str) -> None:
    """Type ``search`` in the territory selector and take the first match."""
    box = page.locator(".st-key-salle_territoire input")
    box.click()
    box.fill(search)
    page.get_by_role("option").first.click()


def answer_levels(page: Page, levels: list[int], *, timeout: float = 30_000) -> None:
    """Pick one level per lever (in order), send, and wait for the confirmation."""
    for index, level in enumerate(levels):
        group = page.locator(f".st-key-salle_niveau_L{index + 1}")
        group.locator('[role="radiogroup"] label').filter(has_text=re.compile(rf"^{level} –")).click()
    page.get_by_role("button", name=re.compile("(Envoyer|Modifier) ma réponse")).click()
    page.get_by_text(re.compile("Réponse (enregistrée|modifiée) à")).wait_for(timeout=timeout)
