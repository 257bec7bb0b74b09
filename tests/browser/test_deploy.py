"""The deployment of ``deploy/`` on localhost: nginx in front of 2 instances, one PostgreSQL,
everything under ``/territoires/`` (territorial/harness/stack.py runs the repository's nginx
site and the options of its systemd unit).

Checked in Chromium through the proxy: every shape drawn with no request leaving localhost;
scripts compressed; links, downloads and URL state under the sub-path; a version saved
through one instance shown by the other at its next rerun; a visitor whose instance stops
carries on with the other one.
"""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from territorial.editing import access
from territorial.harness.chromium import MAP_IFRAME, local_only
from territorial.harness.stack import Stack
from tests.postgres import create_database, postgres_cluster

from .conftest import ARTIFACTS, REPO_ROOT
from .waits import poll, wait_settled

pytestmark = [pytest.mark.deploy, pytest.mark.postgres]  # nginx, two instances and a PostgreSQL of their own

PASSWORD = "mot de passe du déploiement"
COOKIE = "territoires_instance"
DEMO = REPO_ROOT / "data" / "demo_programme.csv"
LYON = "200046977"
WAIT_MS = 60_000


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    with postgres_cluster() as server:
        url = create_database(server, "territoires")
        env = {access.ENV_HASH: access.hash_password(PASSWORD), "TERRITORIAL_DATA_DIR": None}
        with Stack(instances=2, database_url=url, env=env) as running:
            yield running


def _upstream_of(stack: Stack, key: str) -> str:
    """The instance (host:port) nginx sends a visitor with cookie ``key`` to."""
    before = stack.nginx.access_log.read_text().count("\n") if stack.nginx.access_log.exists() else 0
    request = urllib.request.Request(f"{stack.url}/_stcore/health", headers={"Cookie": f"{COOKIE}={key}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    lines = poll(lambda: stack.nginx.access_log.read_text().splitlines()[before:])  # written when the request ends
    assert lines, "nginx n'a pas journalisé la requête"
    return lines[-1].split()[2]


@pytest.fixture(scope="module")
def keys(stack: Stack) -> dict[int, str]:
    """A cookie value that nginx routes to each instance (consistent hashing of the cookie)."""
    found: dict[int, str] = {}
    for i in range(200):
        port = int(_upstream_of(stack, f"cle{i}").rsplit(":", 1)[1])
        found.setdefault(port, f"cle{i}")
        if len(found) == len(stack.instances):
            return found
    raise AssertionError(f"le cookie ne répartit pas les visiteurs : {found}")


def _context(browser: Browser, stack: Stack, key: str, external: list[str]) -> BrowserContext:
    """A visitor whose session cookie sends it to one instance; requests leaving localhost are refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR", accept_downloads=True)
    context.set_default_timeout(WAIT_MS)
    context.add_cookies([{"name": COOKIE, "value": key, "url": f"{stack.url}/"}])

    context.route("**/*", local_only(external))
    return context


#: Note every connection state the page goes through (Streamlit's ``data-test-connection-state``).
CONNECTION_STATES_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__etats = [app.getAttribute("data-test-connection-state")];
    new MutationObserver(() => window.__etats.push(app.getAttribute("data-test-connection-state")))
        .observe(app, {attributes: true, attributeFilter: ["data-test-connection-state"]});
}"""
#: Since :data:`CONNECTION_STATES_JS`, the page lost its connection and is connected again.
RECONNECTED_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return window.__etats.some((s) => s !== "CONNECTED")
        && app.getAttribute("data-test-connection-state") === "CONNECTED";
}"""


def _shapes(page: Page, count: int) -> None:
    expect(page.frame_locator(MAP_IFRAME).first.locator("path.territoire")).to_have_count(count, timeout=WAIT_MS)


def _demo_minus_last() -> bytes:
    """The demonstration file without its last territory (every row of it: one per dialogue)."""
    lines = DEMO.read_bytes().rstrip(b"\n").split(b"\n")
    last = lines[-1].split(b",")[0]
    return b"\n".join(line for line in lines if line.split(b",")[0] != last) + b"\n"


def test_through_the_proxy_under_a_path(stack: Stack, keys: dict[int, str], browser: Browser) -> None:
    external: list[str] = []
    context = _context(browser, stack, keys[stack.instances[0].port], external)
    page = context.new_page()
    encodings: dict[str, str] = {}
    page.on(
        "response",
        lambda r: (
            encodings.__setitem__(r.url, r.headers.get("content-encoding", ""))
            if r.url.endswith((".js", ".css"))
            else None
        ),
    )
    page.goto(f"{stack.url}/")
    _shapes(page, 81)  # every territory of the demonstration programme
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "deploy_overview.png"))
    page.locator(MAP_IFRAME).first.screenshot(path=str(ARTIFACTS / "deploy_overview_map.png"))
    # Streamlit's scripts and styles, and Leaflet, are all under /territoires/ and compressed.
    big = {u: e for u, e in encodings.items() if "/static/js/index." in u}
    assert big and all(e in ("br", "gzip") for e in big.values()), big
    assert any("/territoires/app/static/vendor/leaflet/leaflet.js" in u for u in encodings), list(encodings)
    assert all(urllib.parse.urlsplit(u).path.startswith("/territoires/") for u in encodings), list(encodings)
    # Hashed static files: cacheable for a year.
    js = next(iter(big))
    with urllib.request.urlopen(urllib.request.Request(js, headers={"Accept-Encoding": "gzip"}), timeout=10) as r:
        assert r.headers["Content-Encoding"] == "gzip"
        assert "max-age=31536000" in r.headers["Cache-Control"]
        compressed = len(r.read())
    with urllib.request.urlopen(js, timeout=10) as r:
        assert r.headers.get("Content-Encoding") is None
        plain = r.read()
        assert compressed < 0.4 * len(plain)
    # brotli (what browsers ask for over HTTPS): smaller still, and decodes to the same script.
    with urllib.request.urlopen(urllib.request.Request(js, headers={"Accept-Encoding": "br, gzip"}), timeout=10) as r:
        assert r.headers["Content-Encoding"] == "br"
        squeezed = r.read()
    assert brotli.decompress(squeezed) == plain
    assert len(squeezed) < compressed

    # Links between pages, URL state, fiche links in the Markdown of a page, downloads.
    page.goto(f"{stack.url}/fiche?territoire={LYON}")
    expect(page.get_by_role("heading", name="Métropole de Lyon")).to_be_visible()
    links = page.locator('a[href*="fiche?territoire="]')
    expect(links.first).to_be_visible()
    hrefs = links.evaluate_all("(as) => as.map((a) => a.href)")
    assert hrefs and all(h.startswith(f"{stack.url}/fiche?territoire=") for h in hrefs), hrefs
    links.first.click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(stack.url)}/fiche\?territoire=\w+"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger la fiche (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    page.get_by_role("link", name="Carte").first.click()
    expect(page).to_have_url(f"{stack.url}/carte")
    _shapes(page, 81)
    # The workshop pack, downloaded through the proxy: one file with Leaflet and the map inside.
    page.goto(f"{stack.url}/atelier")
    _shapes(page, 81)  # the page has run to its end: its widgets are the final ones
    page.get_by_text("Préparer un atelier sans connexion").click()
    button = page.get_by_role("button", name="Télécharger le dossier d'atelier hors ligne (HTML)")
    expect(button).to_be_visible()
    expect(button).to_be_enabled()
    with page.expect_download(timeout=2 * WAIT_MS) as download:  # the file is made on the click
        button.click()
    pack = Path(download.value.path()).read_text(encoding="utf-8")
    assert pack.startswith("<!DOCTYPE html>") and "L.map(" in pack and "Métropole de Lyon" in pack
    assert "/territoires/" not in pack and "<script src=" not in pack  # nothing to fetch, from anywhere
    assert "Données de démonstration" in pack
    assert external == []
    context.close()


def test_a_room_gathers_phones_served_by_both_instances(stack: Stack, keys: dict[int, str], browser: Browser) -> None:
    """The projector on one instance counts the answers of phones sent to either instance
    (rooms live in the shared PostgreSQL), without a reload."""
    from territorial.harness import room as driver
    from territorial.storage.rooms import RoomStore

    first, second = (s.port for s in stack.instances)
    room = RoomStore.open(stack.database_url).open_room()
    external: list[str] = []
    projector_context = _context(browser, stack, keys[first], external)
    projector = projector_context.new_page()
    projector.goto(f"{stack.url}/salle?salle={room.code}")
    projector.wait_for_function(driver.COUNT_JS, timeout=WAIT_MS)
    projector.evaluate("() => { window.__sans_rechargement = 'oui'; }")
    contexts = [projector_context]
    for count, (port, search, levels) in enumerate(
        [
            (second, "Métropole de Lyon", [2, 1, 3, 2]),
            (first, "Ardèche", [0, 1, 2, 3]),
            (second, "Ardèche", [1, 1, 1, 1]),
        ],
        start=1,
    ):
        context = _context(browser, stack, keys[port], external)
        contexts.append(context)
        phone = context.new_page()
        phone.set_viewport_size({"width": 390, "height": 844})
        phone.goto(f"{stack.url}/participer?salle={room.code}")
        phone.get_by_text("Choisissez d'abord votre territoire").wait_for(timeout=WAIT_MS)
        driver.choose_territory(phone, search)
        driver.answer_levels(phone, levels)
        driver.wait_for_count(projector, count, timeout=WAIT_MS)
    driver.wait_for_answered(projector, 2, timeout=WAIT_MS)  # Lyon and Ardèche
    assert projector.evaluate("() => window.__sans_rechargement") == "oui"
    assert external == []
    for context in contexts:
        context.close()
    # Both instances served phones (nginx's log: « $request_uri $status $upstream_addr … »; a
    # websocket's line is written when it closes).
    both = {f"127.0.0.1:{first}", f"127.0.0.1:{second}"}

    def streams() -> set[str]:
        lines = stack.nginx.access_log.read_text().splitlines()
        return {line.split()[2] for line in lines if "_stcore/stream 101" in line}

    assert poll(lambda: both <= streams()), streams()


def test_a_version_saved_through_one_instance_is_shown_by_the_other(
    stack: Stack, keys: dict[int, str], browser: Browser
) -> None:
    first, second = (s.port for s in stack.instances)
    external: list[str] = []
    viewer_context = _context(browser, stack, keys[second], external)
    viewer = viewer_context.new_page()
    viewer.goto(f"{stack.url}/")
    _shapes(viewer, 81)

    editor_context = _context(browser, stack, keys[first], external)
    editor = editor_context.new_page()
    editor.goto(f"{stack.url}/donnees")
    editor.get_by_label("Mot de passe d'éditeur").fill(PASSWORD)
    editor.get_by_role("button", name="Se connecter").click()
    expect(editor.get_by_text("Vous êtes connecté en éditeur")).to_be_visible()
    editor.get_by_role("tab", name="Importer un fichier").click()
    # The upload goes through the proxy (its body size limit, Streamlit's XSRF cookie).
    editor.locator('input[type="file"][accept*=".csv"]').set_input_files(
        files=[{"name": "programme.csv", "mimeType": "text/csv", "buffer": _demo_minus_last()}]
    )
    expect(editor.get_by_text("Fichier valide")).to_be_visible()
    editor.locator('input[aria-label="Auteur de la modification"]:visible').fill("Claire, coordinatrice")
    editor.get_by_role("button", name="Enregistrer comme nouvelle version").click()
    expect(editor.get_by_text(re.compile(r"^Version 2 enregistrée"))).to_be_visible()

    # The viewer's instance never saw the save: its next rerun shows the new version.
    viewer.locator("body").press("r")  # Streamlit's « rerun » shortcut
    _shapes(viewer, 80)
    assert external == []
    editor_context.close()

    # Its instance stops: the visitor reconnects through the proxy to the other one, which
    # runs the page again from its address.
    log_lines = len(stack.nginx.access_log.read_text().splitlines())
    viewer.goto(f"{stack.url}/carte?segment=S4")
    expect(viewer.frame_locator(MAP_IFRAME).first.locator("path.territoire").first).to_be_attached()
    wait_settled(viewer)
    shown = viewer.frame_locator(MAP_IFRAME).first.locator("path.territoire").count()
    assert 0 < shown < 80
    viewer.evaluate(CONNECTION_STATES_JS)
    stack.instances[1].stop()
    # The page has lost its websocket and made a new one (through nginx, to the other instance).
    viewer.wait_for_function(RECONNECTED_JS, timeout=WAIT_MS)
    viewer.locator("body").press("r")
    _shapes(viewer, shown)
    expect(viewer).to_have_url(f"{stack.url}/carte?segment=S4")
    # The session goes on: moving to another page is a request over the (new) websocket.
    viewer.get_by_role("link", name="Vue d'ensemble").first.click()
    expect(viewer).to_have_url(f"{stack.url}/")
    _shapes(viewer, 80)
    viewer.screenshot(path=str(ARTIFACTS / "deploy_failover.png"))
    assert external == []

    def streams_since() -> list[str]:  # nginx logs a websocket when it closes
        later = stack.nginx.access_log.read_text().splitlines()[log_lines:]
        return [line for line in later if line.startswith("/territoires/_stcore/stream 101 ")]

    closed = len(streams_since())
    viewer_context.close()  # its websocket closes: nginx writes its line
    streams = poll(lambda: (found := streams_since())[closed:] and found)
    # « $request_uri $status $upstream_addr … »: the reconnection was served by the first instance.
    assert streams and f"127.0.0.1:{first}" in streams[-1], streams[-20:]


def test_a_workshop_room_gives_phones_an_address_under_the_path(stack: Stack, browser: Browser) -> None:
    """The projector's participation link (and QR code) points under /territoires/, on the
    host and port the facilitator's browser used (nginx forwards them)."""
    from territorial.storage.rooms import RoomStore

    room = RoomStore.open(stack.database_url).open_room()
    external: list[str] = []
    context = _context(browser, stack, "salle", external)
    page = context.new_page()
    page.goto(f"{stack.url}/salle?salle={room.code}")
    # Behind a proxy on this machine the browser's host is a loopback one: the page then offers the
    # server's network address; in production TERRITORIAL_PUBLIC_URL gives the public one. Either
    # way, under the path.
    link = page.locator("strong", has_text=f"/territoires/participer?salle={room.code}")
    expect(link.first).to_be_visible()
    page.goto(f"{stack.url}/participer?salle={room.code}")
    expect(page.get_by_role("heading", name=f"Atelier — salle {room.code}")).to_be_visible()
    expect(page.get_by_role("combobox", name="Votre territoire (tapez son nom ou son code)")).to_be_visible()
    assert external == []
    context.close()
