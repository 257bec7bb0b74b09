"""Hostile URLs and hostile data in the real dashboard, in Chromium.

AppTest sees the Markdown the pages send; only a browser shows what Streamlit makes of it
(its GFM turns bare addresses into links even when escaped). Here: no ``<a>`` to the
hostile site, no ``<img>`` from outside, no request leaving localhost, the notes read as
written, and an uncaught exception shows neither its message nor its traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Page, expect

from territorial.harness.server import Server
from territorial.model.programme_file import load_programme_file
from territorial.storage.store import Store, sqlite_url
from tests.conftest import DEMO_FILE

from .conftest import ARTIFACTS, SERVER_START_TIMEOUT, WatchedPage
from .waits import wait_settled

LINK = "[Session expirée : reconnectez-vous](https://evil.example/login)"
IMAGE = "![t](http://evil.example/x.png)"
HTML = "<img src=http://evil.example/y.png onerror=alert(1)>"
LANGRES = "PETR-LANGRES"
NOTES = (
    "Compte rendu : https://evil.example/cr et www.evil.example\n"
    "Contact : a@b.fr\n"
    "===\n"
    "&lt;i&gt; **gras** [lien](https://evil.example) ![image](http://evil.example/x.png)"
)
RAISING_APP = Path("tests/browser/apps/raising_app.py")
WAIT_MS = 60_000


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, reference, definition) -> Iterator[str]:
    """The dashboard over a store whose current version has hostile notes."""
    directory = tmp_path_factory.mktemp("donnees_hostiles")
    table = load_programme_file(
        DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, definition=definition, reference=reference
    )
    store = Store.open(sqlite_url(directory))
    store.ensure_initial(table)
    frame = table.territories.set_index("code", drop=False)
    frame.loc[LANGRES, "notes"] = NOTES
    table.territories = frame.reset_index(drop=True)
    store.save(table, author="a@b.fr", comment=f"Voir https://evil.example {IMAGE}", kind="edition", expected_parent=1)
    store.close()
    server = Server(
        env={"TERRITORIAL_DATA_DIR": str(directory), "TERRITORIAL_DATABASE_URL": None},
        log=ARTIFACTS / "streamlit-hostile.log",
    )
    try:
        server.wait_healthy(SERVER_START_TIMEOUT)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield server.url
    server.stop()


def _outside_links_and_images(page: Page, base: str) -> list[str]:
    """Links to another site and images from another site, in the page and its frames."""
    host = urlsplit(base).hostname
    found = []
    for frame in page.frames:
        found += frame.evaluate(
            """(host) => [
                ...Array.from(document.querySelectorAll('a[href]'))
                    .filter(a => /^(https?:|mailto:|javascript:)/i.test(a.getAttribute('href'))
                                 && new URL(a.href, location.href).hostname !== host)
                    .map(a => 'a ' + a.getAttribute('href')),
                ...Array.from(document.querySelectorAll('img'))
                    .filter(i => i.getAttribute('src') && !i.src.startsWith('data:')
                                 && new URL(i.src, location.href).hostname !== host)
                    .map(i => 'img ' + i.getAttribute('src')),
            ]""",
            host,
        )
    return found


def _open(watched: WatchedPage, url: str, text: str) -> Page:
    page = watched.page
    page.goto(url)
    expect(page.get_by_text(text).first).to_be_visible(timeout=WAIT_MS)
    wait_settled(page)  # late elements (maps, images) are there
    return page


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/atelier?etape={}", "etape"),
        ("/fiche?territoire={}", "territoire"),
        ("/historique?version={}", "version"),
        ("/carte?segment={}&q={}", "segment"),
    ],
)
@pytest.mark.parametrize("value", [LINK, IMAGE, HTML], ids=["lien", "image", "html"])
def test_hostile_url_is_shown_as_text(hostile_server, watched_page: WatchedPage, path, param, value) -> None:
    url = hostile_server + path.format(quote(value), quote(value))
    page = _open(watched_page, url, "Adresse de la page")
    warning = page.get_by_text("Adresse de la page").first
    expect(warning).to_contain_text(param)
    assert value[:20] in warning.inner_text().replace("\u2060", "")  # the value, as text
    assert _outside_links_and_images(page, hostile_server) == []
    assert watched_page.external_requests == []
    assert watched_page.dialogs == []


def test_notes_read_as_written_without_links(hostile_server, watched_page: WatchedPage) -> None:
    page = _open(watched_page, f"{hostile_server}/fiche?territoire={LANGRES}", "Compte rendu")
    notes = page.locator('[data-testid="stMarkdownContainer"]', has_text="Compte rendu").last
    shown = notes.inner_text().replace("\u2060", "")
    assert shown == "Notes : " + NOTES
    for tag in ("a", "img", "h1, h2, h3, h4", "em, i", "code", "li", "table"):
        assert notes.locator(tag).count() == 0, tag
    assert notes.locator("strong").all_inner_texts() == ["Notes"]  # the app's own label only
    assert _outside_links_and_images(page, hostile_server) == []
    page = _open(watched_page, f"{hostile_server}/historique?version=2", "Voir https")
    assert _outside_links_and_images(page, hostile_server) == []
    assert watched_page.external_requests == []


def test_an_uncaught_exception_shows_no_details(streamlit_server, watched_page: WatchedPage) -> None:
    page = watched_page.page
    page.goto(streamlit_server(RAISING_APP))
    expect(page.locator('[data-testid="stException"]')).to_be_visible(timeout=WAIT_MS)
    text = page.locator("body").inner_text()
    for secret in ("/srv/secret", "RuntimeError", "Traceback", "raising_app.py"):
        assert secret not in text
    assert (ARTIFACTS / f"streamlit-{RAISING_APP.stem}.log").read_text().count("/srv/secret") >= 1  # logged
