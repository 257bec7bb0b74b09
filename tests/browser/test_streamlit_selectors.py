"""Each Streamlit selector our CSS uses (territorial/ui/streamlit_selectors.py) still matches an
element in Chromium, on a page where it is used: after an upgrade of Streamlit, a renamed
``data-testid`` or class fails here instead of leaving a style rule that does nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from territorial.ui import streamlit_selectors

from .conftest import WatchedPage

APP = Path("app.py")
WAIT_MS = 60_000
PAGES = streamlit_selectors.on_pages()


@pytest.mark.parametrize("path", sorted(PAGES))
def test_each_listed_selector_matches_on_its_page(streamlit_server, watched_page: WatchedPage, path: str) -> None:
    page = watched_page.page
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{streamlit_server(APP)}{path}")
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=WAIT_MS)
    missing = []
    for selector in PAGES[path]:
        try:
            expect(page.locator(selector).first).to_be_attached(timeout=WAIT_MS if not missing else 5_000)
        except AssertionError:
            missing.append(selector)
    assert missing == [], (
        f"On {path}, nothing matches {missing}: Streamlit renamed them, or the page no longer uses them. "
        "Update the CSS and territorial/ui/streamlit_selectors.py."
    )
    assert watched_page.page_errors == []
