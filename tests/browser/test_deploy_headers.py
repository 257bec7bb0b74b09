"""What nginx (deploy/nginx/territoires.conf) answers an outsider: security headers, no version,
only the app's paths, no metrics; the app and its offline Leaflet work under its CSP in Chromium
(issue 23.10); the site loads with and without the brotli module (issue 22.17); no page jumps
while it loads, Streamlit's own frame included (issue 22.7)."""

from __future__ import annotations

import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from territorial.harness import stack as stack_module
from territorial.harness.chromium import MAP_IFRAME, local_only
from territorial.harness.stack import Stack

from .conftest import ARTIFACTS
from .shifts import CLS_OBSERVER, MAX_CLS, PAGES, PROJECTED, SIZES, report
from .waits import wait_settled

pytestmark = pytest.mark.deploy  # nginx with the repository's site (deploy/)

WAIT_MS = 60_000


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with Stack(instances=1) as running:
        yield running


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8", "replace")


def test_security_headers_and_no_version(stack: Stack) -> None:
    for path in ("/", "/_stcore/health", "/static/js/" + "x.js", "/_stcore/stream"):
        _, headers, _ = fetch(f"{stack.url}{path}")
        assert headers.get("Server") == "nginx", (path, headers.get("Server"))  # no « nginx/1.22.1 »
        csp = headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp and "object-src 'none'" in csp, path
        assert headers.get("X-Content-Type-Options") == "nosniff", path
        assert headers.get("X-Frame-Options") == "SAMEORIGIN", path
        assert headers.get("Referrer-Policy") == "same-origin", path
        assert "Strict-Transport-Security" not in headers  # HTTP here: HSTS only over HTTPS


def test_streamlit_code_is_read_from_disk_by_nginx_not_asked_of_an_instance(stack: Stack) -> None:
    """Streamlit's files come from its installed copy, whole, cachable a year, without the instance
    (busy running the page at that moment: docs/performances.md, « Première visite »)."""
    files = sorted((stack_module.streamlit_static() / "js").glob("index.*.js"))
    assert files
    status, headers, body = fetch(f"{stack.url}/static/js/{files[0].name}")
    assert status == 200 and body == files[0].read_text(encoding="utf-8", errors="replace")
    assert headers.get("Cache-Control") == "public, max-age=31536000, immutable"
    assert "javascript" in headers.get("Content-Type", "")
    logged = [line.split() for line in stack.nginx.access_log.read_text(encoding="utf-8").splitlines()]
    (line,) = [entry for entry in logged if entry[0].endswith(files[0].name)]
    assert line[1] == "200" and line[2] == "-"  # no upstream: nginx answered alone


def test_only_the_app_answers(stack: Stack) -> None:
    root = stack.url.rsplit("/", 1)[0]
    status, headers, _ = fetch(f"{root}/")
    assert status == 301 and headers["Location"].endswith("/territoires/")
    for path in ("/index.html", "/nginx_status", "/autre/chose"):
        status, _, body = fetch(f"{root}{path}")
        assert status == 404 and "Welcome to nginx" not in body and "1.22" not in body, path
    status, _, body = fetch(f"{stack.url}/_stcore/metrics")
    assert status == 404 and "session" not in body.lower()
    direct, _, _ = fetch(f"{stack.instances[0].url}/_stcore/metrics")  # on the machine itself
    assert direct == 200


def test_the_app_and_its_offline_map_work_under_the_csp(stack: Stack, browser: Browser) -> None:
    external: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.set_default_timeout(WAIT_MS)
    context.route("**/*", local_only(external))
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text or "Refused to" in m.text else None,
    )
    page.goto(f"{stack.url}/")
    expect(page.frame_locator(MAP_IFRAME).first.locator("path.territoire")).to_have_count(81, timeout=WAIT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "deploy_csp_overview.png"))
    # Vega charts evaluate their expressions; the heat map's component imports its script from a blob.
    page.goto(f"{stack.url}/segments?vue=evolution")
    expect(page.locator(".st-key-segments_matrice button[data-segment]")).to_have_count(16, timeout=WAIT_MS)
    expect(page.locator("canvas, svg.marks").first).to_be_visible(timeout=WAIT_MS)
    page.goto(f"{stack.url}/carte")  # the clickable map: a component iframe
    expect(page.frame_locator(MAP_IFRAME).first.locator("path.territoire").first).to_be_visible(timeout=WAIT_MS)
    page.screenshot(path=str(ARTIFACTS / "deploy_csp_carte.png"))
    context.close()
    assert violations == [] and external == []


def test_the_served_page_is_french_described_and_opens_a_page_without_404(stack: Stack, browser: Browser) -> None:
    """Issue 22.13: the page as served says ``lang="fr"``, has its description before any script runs
    (robots and link previews do not run Streamlit), and a link to a page (/carte, /fiche) opens that
    page without Streamlit first asking ``/territoires/carte/_stcore/health`` (404 in the console)."""
    status, headers, body = fetch(f"{stack.url}/carte")
    assert status == 200 and headers.get("Content-Type", "").startswith("text/html")
    assert '<html lang="fr">' in body and '<meta name="description" content="Tableau de bord du programme' in body
    assert "BACKEND_BASE_URL" in body and "<title>Territorialisation des transitions</title>" in body
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("console", lambda m: failed.append(m.text) if m.type == "error" else None)
    for path, heading in (("/carte", "Carte des territoires"), ("/fiche?territoire=45085", "Châtillon-Coligny")):
        page.goto(f"{stack.url}{path}")
        expect(page.locator("h1").first).to_have_text(heading, timeout=WAIT_MS)
    page.get_by_role("link", name="Segments et leviers").click()  # the sidebar still leads to the other pages
    expect(page.locator("h1").first).to_have_text("Segments de taille et leviers d'action", timeout=WAIT_MS)
    assert page.url == f"{stack.url}/segments"
    context.close()
    assert failed == []


#: Every page on a laptop, where the frame moved; the pages Lighthouse audits on a phone too.
STEADY = [(path, "ordinateur") for path in PAGES + PROJECTED] + [
    (path, "telephone") for path in ("/", "/carte", "/segments", "/fiche?territoire=45085")
]


@pytest.fixture(scope="module")
def visited(stack: Stack, browser: Browser) -> Stack:
    """The stack once a first visitor has come: the very first visit of a fresh instance runs
    the page without the router (Streamlit's legacy ``pages/`` mode, which ``territorial/ui/router.py``
    switches off then), its navigation drawn from the folder with the sidebar open."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{stack.url}/accessibilite")
    page.get_by_text("Sources :", exact=False).last.wait_for(timeout=WAIT_MS)
    context.close()
    return stack


@pytest.mark.parametrize(("path", "size"), STEADY)
def test_no_page_jumps_while_it_loads_frame_included(visited: Stack, browser: Browser, path: str, size: str) -> None:
    """Issue 22.7, as Lighthouse measures the served page: straight from Streamlit the frame moves
    by itself (drawn without its sidebar, then pushed 300 px by the navigation: 0.21–0.30 on a
    laptop); the style nginx adds keeps the page out of sight until the sidebar is there."""
    stack = visited
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.add_init_script(CLS_OBSERVER)
    page.goto(f"{stack.url}{path}")
    page.get_by_text("Sources :", exact=False).last.wait_for(timeout=WAIT_MS)
    wait_settled(page, WAIT_MS)
    cls = report(page, f"{path} [{size}] via nginx")
    visible = page.locator('[data-testid="stMain"]').evaluate("(m) => getComputedStyle(m.parentElement).visibility")
    context.close()
    assert cls["app"] + cls["frame"] <= MAX_CLS, cls["shifts"]
    assert visible == "visible"


def test_the_site_loads_without_the_brotli_module(tmp_path: Path) -> None:
    """Issue 22.17: « brotli si le module est installé, gzip sinon » — nginx refused the file without it."""
    site = tmp_path / "territoires.conf"
    text = stack_module.SITE.read_text(encoding="utf-8")
    site.write_text(text.replace("listen 80;", "listen 127.0.0.1:1;"), encoding="utf-8")
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n include {site};\n}}\n",  # no module loaded
        encoding="utf-8",
    )
    check = subprocess.run(
        [stack_module.nginx_binary(), "-t", "-e", str(tmp_path / "error.log"), "-c", str(main)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    with_module = stack_module.site_config(8080, [8501], tmp_path)
    assert ("territoires-brotli*.conf" in with_module) and "brotli on" in (
        stack_module.SITE.parent / "territoires-brotli.conf"
    ).read_text(encoding="utf-8")
