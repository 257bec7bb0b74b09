"""axe-core on every page of the app, in normal and workshop (``?mode=atelier``) modes.

axe-core (npm, pinned in ``tests/browser/axe/package-lock.json``; install it with
``npm ci --prefix tests/browser/axe``) is injected into the page and into every
iframe (the map), then run on the WCAG 2.1 A and AA rules, which RGAA 4.1 follows.
The counts of violations by impact are printed for every page (``pytest -s``) and
written to ``tests/browser/artifacts/axe-<page>.json``.

A test fails on any violation, of any impact (minor included), that is not in ``KNOWN``:
the violations that come from Streamlit itself, each with the reason it is allowed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page

from .conftest import ARTIFACTS, WatchedPage
from .waits import wait_settled

APP = Path("app.py")
AXE_JS = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
LOAD_TIMEOUT_MS = 90_000
BLOCKING = ("minor", "moderate", "serious", "critical")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

#: Every page, by its URL path (the overview is « / »: a path Streamlit does not know opens the
#: default page under a « Page not found » dialog, checked absent below).
PAGES = [
    "/",
    "/carte",
    "/segments",
    "/segments?vue=evolution",  # the evolution's tab (only the open tab is built)
    "/fiche?territoire=200046977",
    "/suivi",
    "/carte?couleur=suivi",
    "/fiche?territoire=45085",  # a « Petits territoires » fiche: its segment badge's colour
    "/atelier",
    "/salle",
    "/participer",
    "/donnees",
    "/historique",
    "/accessibilite",
]
MODES = {"normal": "", "atelier": "mode=atelier"}

#: Violations allowed because they come from Streamlit itself, not from this app:
#: (rule id, regular expression matched against the node's selector path), and why.
KNOWN: list[tuple[str, str, str]] = []

RUN_AXE = """async ([tags]) => {
    const result = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
        iframes: true,
    });
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 300), impact: n.impact,
                                   summary: n.failureSummary})),
    }));
}"""


def _url(base: str, path: str, mode: str) -> str:
    if not mode:
        return base + path
    return base + path + ("&" if "?" in path else "?") + mode


def _selector(target: list) -> str:
    """axe's target (a list, nested for iframes) as one string: ``iframe >>> inner``."""
    return " >>> ".join(_selector(t) if isinstance(t, list) else str(t) for t in target)


def _wait_for_app(page: Page) -> None:
    """Wait until Streamlit has run the page and stays idle: the credits (drawn after every
    page) are there, the script is not running, no element is faded as stale (axe would
    measure the contrast of faded text), and the maps are drawn and settled."""
    page.get_by_text("Sources :", exact=False).last.wait_for(timeout=LOAD_TIMEOUT_MS)
    wait_settled(page, LOAD_TIMEOUT_MS)


def _inject(frame: Frame) -> None:
    try:
        frame.add_script_tag(path=str(AXE_JS))
    except Exception:  # noqa: BLE001 — a frame that navigated away or forbids scripts: axe reports it
        pass
    for child in frame.child_frames:
        _inject(child)


def _blocking(violations: list[dict]) -> list[tuple[str, str, str]]:
    found = []
    for violation in violations:
        for node in violation["nodes"]:
            impact = node.get("impact") or violation["impact"]
            if impact not in BLOCKING:
                continue
            selector = _selector(node["target"])
            if any(rule == violation["id"] and re.search(pattern, selector) for rule, pattern, _ in KNOWN):
                continue
            found.append((violation["id"], impact, selector))
    return found


def _slug(path: str, mode: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (path + "-" + (mode or "normal")).lower()).strip("-")


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is not installed ({AXE_JS}): run `npm ci --prefix tests/browser/axe`")
    return AXE_JS


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation(streamlit_server, watched_page: WatchedPage, axe_script, path, mode):
    page = watched_page.page
    page.goto(_url(streamlit_server(APP), path, MODES[mode]))
    _wait_for_app(page)
    assert page.get_by_role("dialog").count() == 0, f"{path} : a dialog is open (« Page not found » ?)"
    _inject(page.main_frame)
    violations = page.evaluate(RUN_AXE, [TAGS])
    counts = Counter()
    for violation in violations:
        for node in violation["nodes"]:
            counts[node.get("impact") or violation["impact"]] += 1
    summary = ", ".join(f"{impact} {counts.get(impact, 0)}" for impact in ("critical", "serious", "moderate", "minor"))
    print(f"\naxe {path} [{mode}] : {summary}")
    for violation in violations:
        print(f"  - {violation['id']} ({violation['impact']}): {len(violation['nodes'])} × {violation['help']}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{_slug(path, mode)}.json").write_text(
        json.dumps(violations, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    blocking = _blocking(violations)
    assert not blocking, "new accessibility violations:\n" + "\n".join(
        f"  {rule} ({impact}) at {selector}" for rule, impact, selector in blocking
    )
    assert watched_page.external_requests == []
