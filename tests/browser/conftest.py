"""Browser test fixtures: a Streamlit server on localhost and Debian's headless Chromium.

- ``streamlit_server(app_path) -> base_url`` starts ``streamlit run`` (from the repo root,
  so ``.streamlit/config.toml`` applies) once per app and stops it at the end of the session.
- ``browser`` launches Chromium (``CHROMIUM_PATH``, default ``/usr/bin/chromium``); a
  missing binary FAILS the tests, it does not skip them.
- ``watched_page`` is a fresh page that aborts and records every request leaving
  localhost, records JS dialogs and page errors, and saves a screenshot into
  ``tests/browser/artifacts/`` when the test fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect, sync_playwright

from territorial.harness.chromium import CHROMIUM_ARGS, CHROMIUM_PATH, local_only
from territorial.harness.server import Server

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

SERVER_START_TIMEOUT = 60.0  # seconds
DEFAULT_TIMEOUT_MS = 30_000
# Playwright's `expect` waits 5 s by default, its own setting: on a loaded 2-core machine a page may
# take longer to show what is awaited. The same patience as every other wait of a page.
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _start_server(app_path: Path, log: Path) -> Server:
    """``streamlit run`` on a free port, failing the test if it won't start."""
    server = Server(app=Path(app_path), log=log)
    try:
        server.wait_healthy(SERVER_START_TIMEOUT)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    return server


@pytest.fixture(scope="session")
def streamlit_server() -> Iterator[Callable[[str | Path], str]]:
    """Factory: ``streamlit_server(app_path)`` -> base URL; one server per app, per session."""
    servers: dict[Path, Server] = {}

    def start(app_path: str | Path) -> str:
        path = (REPO_ROOT / app_path).resolve()
        if not path.is_file():
            pytest.fail(f"no Streamlit app at {path}")
        if path not in servers:
            servers[path] = _start_server(path, ARTIFACTS / f"streamlit-{path.stem}.log")
        return servers[path].url

    yield start
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM_PATH).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM_PATH}: install Debian's `chromium` package "
            "or set CHROMIUM_PATH to a Chromium binary."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class WatchedPage:
    """A page and what it tried to do that a test may forbid."""

    page: Page
    external_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture
def watched_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[WatchedPage]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    watched = WatchedPage(page)

    def on_dialog(dialog: Dialog) -> None:
        watched.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    context.route("**/*", local_only(watched.external_requests))
    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: watched.page_errors.append(str(error)))
    yield watched
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


#: The editor's password of :func:`editor_server`.
EDITOR_PASSWORD = "mot de passe du programme"


@pytest.fixture
def editor_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    """A server of its own with an empty SQLite store and an editor password (:data:`EDITOR_PASSWORD`)."""
    from territorial.editing import access

    env: dict[str, str | None] = {
        access.ENV_HASH: access.hash_password(EDITOR_PASSWORD),
        "TERRITORIAL_DATA_DIR": str(tmp_path / "var"),
        "TERRITORIAL_DATABASE_URL": None,
    }
    running = Server(env=env, log=ARTIFACTS / f"streamlit-{request.node.name[:60]}.log")
    try:
        running.wait_healthy(SERVER_START_TIMEOUT)
        yield running
    finally:
        running.stop()
