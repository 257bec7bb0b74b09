"""Streamlit's tables offer no « Download as CSV »: it would write =HYPERLINK(…) notes as they are.

Every data grid of the served dashboard (``client.disableDataExport`` in .streamlit/config.toml)
is checked as a person sees it: hovering a table shows its toolbar (search, full screen),
without a download button. The Carte's table is plain HTML (content/html_table.py): it has no
toolbar at all, which is checked too. The exports of the Données page neutralise formulas instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import WatchedPage

APP = Path("app.py")
WAIT_MS = 60_000
TABLE = '[data-testid="stDataFrame"]'
TOOLBAR_BUTTONS = '[data-testid="stElementToolbar"] button'
HTML_TABLE = "table.tableau-territoires"


@pytest.mark.parametrize("path, tables", [("historique", 1)])
def test_tables_have_no_download_button(streamlit_server, watched_page: WatchedPage, path, tables) -> None:
    page = watched_page.page
    page.goto(f"{streamlit_server(APP)}/{path}")
    expect(page.locator(TABLE)).to_have_count(tables, timeout=WAIT_MS)
    for index in range(tables):
        table = page.locator(TABLE).nth(index)
        table.scroll_into_view_if_needed()
        table.hover()
        toolbar = page.locator(TOOLBAR_BUTTONS)
        expect(toolbar.first).to_be_visible(timeout=WAIT_MS)
        labels = [(b.get_attribute("aria-label") or b.inner_text() or "").lower() for b in toolbar.all()]
        assert any("search" in label or "recherch" in label for label in labels), labels  # the toolbar is there
        assert not [label for label in labels if "download" in label or "télécharg" in label], labels
    assert watched_page.page_errors == []


def test_carte_table_is_plain_html_without_toolbar(streamlit_server, watched_page: WatchedPage) -> None:
    page = watched_page.page
    page.goto(f"{streamlit_server(APP)}/carte")
    table = page.locator(HTML_TABLE)
    expect(table).to_have_count(1, timeout=WAIT_MS)
    table.scroll_into_view_if_needed()
    table.hover()
    expect(table.locator("tbody tr").first).to_be_visible()
    assert table.locator("tbody tr").count() == 81  # the demo programme: one row per territory
    assert page.locator(TABLE).count() == 0
    assert page.locator(TOOLBAR_BUTTONS).count() == 0
    assert page.get_by_role("button", name="Download").count() == 0
    assert watched_page.page_errors == []
