"""Shared fixtures: the real reference geography, the definition, the demo programme.

The reference cache is built once (about 15 s) in ``.cache/`` (or
``$TERRITORIAL_CACHE_DIR``) and reused by later runs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from territorial.model.definition import ProgrammeDefinition, load_definition
from territorial.model.programme import Programme, resolve
from territorial.model.programme_file import load_programme_file
from territorial.model.reference import Reference, load_reference
from territorial.ui.layout import ENV_RAISE

# Tests see a page's exceptions (the app tells visitors in French and logs them instead).
os.environ.setdefault(ENV_RAISE, "1")

ROOT = Path(__file__).resolve().parent.parent
DEMO_FILE = ROOT / "data" / "demo_programme.csv"
APP = str(ROOT / "app.py")


@pytest.fixture(scope="session", autouse=True)
def _isolated_store(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the developer's programme store, database or secrets."""
    patch = pytest.MonkeyPatch()
    patch.setenv("TERRITORIAL_DATA_DIR", str(tmp_path_factory.mktemp("donnees")))
    for name in ("TERRITORIAL_DATABASE_URL", "TERRITORIAL_EDITOR_PASSWORD_HASH"):
        patch.delenv(name, raising=False)
    yield
    patch.undo()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses the PostgreSQL server, even through another fixture, is marked ``postgres``."""
    for item in items:
        if "postgres_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL cluster for the session (see ``tests/postgres.py``); its server URL."""
    from tests.postgres import postgres_cluster

    try:
        with postgres_cluster() as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def postgres_database(postgres_server) -> str:
    from tests.postgres import create_database

    return create_database(postgres_server, "territorial_tests")


@pytest.fixture(scope="session")
def reference() -> Reference:
    return load_reference()


@pytest.fixture(scope="session")
def definition() -> ProgrammeDefinition:
    return load_definition()


@pytest.fixture(scope="session")
def demo(reference: Reference, definition: ProgrammeDefinition) -> Programme:
    table = load_programme_file(
        DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, definition=definition, reference=reference
    )
    return resolve(table, reference=reference, definition=definition)


@pytest.fixture
def load_csv(reference: Reference, definition: ProgrammeDefinition):
    """Load CSV text (or bytes) as a programme file and return the validated table."""

    def _load(content: str | bytes, *, filename: str = "programme.csv", encoding: str = "utf-8"):
        data = content.encode(encoding) if isinstance(content, str) else content
        return load_programme_file(data, filename=filename, definition=definition, reference=reference)

    return _load


@pytest.fixture
def fresh_view_caches():
    """Empty the pages' shared caches (maps, fiches, workshop steps) before and after a test."""
    from territorial.ui import cached_views, evolution, fiche, size_effect, workshop

    def clear() -> None:
        for module in (workshop, cached_views, evolution, fiche, size_effect):
            module.clear()

    clear()
    yield
    clear()


#: A label that would run as HTML if a page wrote it unescaped.
HOSTILE_LABEL = "<img src=x onerror=alert(1)>"


def hostile_definition(definition: ProgrammeDefinition) -> ProgrammeDefinition:
    """The definition with its first segment, lever and level labelled :data:`HOSTILE_LABEL`
    (the lever's behind a quote, to break out of an attribute)."""
    import dataclasses

    def first(items, label):
        return (dataclasses.replace(items[0], label=label), *items[1:])

    return dataclasses.replace(
        definition,
        segments=first(definition.segments, HOSTILE_LABEL),
        levers=first(definition.levers, f'"{HOSTILE_LABEL}'),
        levels=first(definition.levels, HOSTILE_LABEL),
    )


def open_page(page: str, **params: str):
    """Run the app with AppTest on ``page`` (e.g. ``pages/carte.py``) with URL parameters."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


class FoliumRecorder:
    """Stands in for ``st_folium`` (unknown to AppTest) and ``map_frame``: records maps
    (with the arguments: ``key`` for a clickable map, ``title`` for a frame), simulates clicks."""

    def __init__(self) -> None:
        self.maps: list = []
        self.click: str | None = None

    def __call__(self, m, **kwargs):
        self.maps.append((m, kwargs))
        if self.click is None:
            return {"last_active_drawing": None}
        return {"last_active_drawing": {"type": "Feature", "properties": {"code": self.click}}}

    def features(self, index: int = -1, *, layer_class: str = "territoire") -> list[dict]:
        """GeoJSON features of the territory layer of a recorded map."""
        import folium

        m = self.maps[index][0]
        for child in m._children.values():
            if isinstance(child, folium.GeoJson) and child.data.get("features"):
                style = child.style_function(child.data["features"][0])
                if layer_class in style.get("className", ""):
                    return child.data["features"]
        return []


@pytest.fixture
def folium_recorder(monkeypatch) -> FoliumRecorder:
    recorder = FoliumRecorder()
    monkeypatch.setattr("territorial.ui.layout.st_folium", recorder)  # clickable maps (Carte)
    monkeypatch.setattr("territorial.ui.layout.map_frame", recorder)  # maps that only show
    return recorder
