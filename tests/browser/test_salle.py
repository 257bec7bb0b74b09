"""Live workshop room in Chromium: a projector and 5 phones; axe-core on both views; nothing leaves localhost.

The projector's count of answers and its map follow the participants' answers **without a
reload** (``st.fragment(run_every=…)``): a marker set in the projector's window at the start
is still there at the end.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from territorial.harness import room as driver
from territorial.harness.chromium import local_only
from territorial.storage import store as store_module
from territorial.storage.rooms import RoomStore

from .conftest import ARTIFACTS
from .test_axe import RUN_AXE, TAGS, _blocking, _inject, _wait_for_app

APP = Path("app.py")
PHONE = {"width": 390, "height": 844}
#: Five phones: four programme territories (two answer for the same one), one « autre territoire ».
ANSWERS = [
    ("Métropole de Lyon", [2, 1, 3, 2]),
    ("Bordeaux Métropole", [1, 1, 0, 2]),
    ("Ardèche", [0, 1, 2, 3]),
    ("Métropole de Lyon", [3, 3, 3, 3]),
    ("Bretagne", [1, 0, 0, 1]),
]


@pytest.fixture
def room_code() -> str:
    """A new room in the database the test server uses (the session's data directory)."""
    store = RoomStore.open(store_module.sqlite_url(store_module.data_dir()))
    code = store.open_room().code
    store.engine.dispose()
    return code


def _context(browser: Browser, blocked: list[str], **options) -> BrowserContext:
    context = browser.new_context(locale="fr-FR", **options)
    context.set_default_timeout(60_000)

    context.route("**/*", local_only(blocked))
    return context


def test_projector_follows_five_phones_without_reload(streamlit_server, browser: Browser, room_code) -> None:
    base = streamlit_server(APP)
    blocked: list[str] = []
    projector_context = _context(browser, blocked, viewport={"width": 1920, "height": 1080})
    projector = projector_context.new_page()
    errors: list[str] = []
    projector.on("pageerror", lambda error: errors.append(str(error)))
    projector.goto(f"{base}/salle?salle={room_code}")
    projector.wait_for_function(driver.COUNT_JS, timeout=90_000)
    driver.wait_for_answered(projector, 0)
    assert driver.projector_count(projector) == 0
    projector.evaluate("() => { window.__sans_rechargement = 'oui'; }")

    phones = []
    for index, (search, levels) in enumerate(ANSWERS):
        context = _context(browser, blocked, viewport=PHONE, is_mobile=True, has_touch=True)
        phone = context.new_page()
        phone.goto(f"{base}/participer?salle={room_code}")
        phone.get_by_text("Choisissez d'abord votre territoire").wait_for(timeout=90_000)
        if search == "Bretagne":
            driver.choose_territory(phone, "Autre territoire")
            phone.locator(".st-key-salle_taille label").filter(has_text="Territoires intermédiaires").click()
            phone.locator(".st-key-salle_nom input").fill("Pays <b>de test</b>")
            phone.locator(".st-key-salle_nom input").press("Enter")
        else:
            driver.choose_territory(phone, search)
        driver.answer_levels(phone, levels)
        phones.append(phone)
        driver.wait_for_count(projector, index + 1)

    # Lyon twice, Bordeaux, Ardèche: 3 programme territories coloured on the map.
    driver.wait_for_answered(projector, 3)
    legend = projector.evaluate(driver.LEGEND_JS)
    assert f"Sans réponse : {81 - 3}" in legend
    # The first phone changes its answer: still 5 answers, the distribution moves.
    driver.answer_levels(phones[0], [0, 1, 3, 2])
    table = projector.locator(".salle-table").first
    expect(table).to_contain_text("Salle : 1,4", timeout=30_000)  # L1 mean: (0 + 1 + 0 + 3 + 1) / 5
    assert driver.projector_count(projector) == 5
    assert projector.evaluate("() => window.__sans_rechargement") == "oui"  # never reloaded
    # The « autre territoire » name is text, never HTML, on the phone that typed it.
    assert "Pays <b>de test</b>" in phones[4].get_by_text("Votre réponse actuelle").inner_text()
    assert blocked == [] and errors == []


@pytest.mark.parametrize("view", ["participant", "projecteur"])
def test_no_serious_accessibility_violation(streamlit_server, browser: Browser, axe_script, room_code, view) -> None:
    base = streamlit_server(APP)
    blocked: list[str] = []
    if view == "participant":
        context = _context(browser, blocked, viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.goto(f"{base}/participer?salle={room_code}")
        _wait_for_app(page)
        driver.choose_territory(page, "Ardèche")
        driver.answer_levels(page, [1, 2, 0, 3])
    else:
        context = _context(browser, blocked, viewport={"width": 1920, "height": 1080})
        page = context.new_page()
        page.goto(f"{base}/salle?salle={room_code}")
        page.wait_for_function(driver.COUNT_JS, timeout=90_000)
    _wait_for_app(page)
    _inject(page.main_frame)
    violations = page.evaluate(RUN_AXE, [TAGS])
    counts = Counter(node.get("impact") or v["impact"] for v in violations for node in v["nodes"])
    print(f"\naxe salle [{view}] : {dict(counts)}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    blocking = _blocking(violations)
    assert not blocking, "serious/critical accessibility violations:\n" + "\n".join(
        f"  {rule} ({impact}) at {selector}" for rule, impact, selector in blocking
    )
    assert blocked == []
    context.close()


@pytest.fixture(scope="module")
def axe_script() -> Path:
    from .test_axe import AXE_JS

    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is not installed ({AXE_JS}): run `npm ci --prefix tests/browser/axe`")
    return AXE_JS
