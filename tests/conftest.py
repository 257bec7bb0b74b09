"""Shared fixtures: the real reference geography, the definition, the demo programme.

The reference cache is built once (about 15 s) in ``.cache/`` (or
``$TERRITORIAL_CACHE_DIR``) and reused by later runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from territorial.definition import ProgrammeDefinition, load_definition
from territorial.programme import Programme, resolve
from territorial.programme_file import load_programme_file
from territorial.reference import Reference, load_reference

ROOT = Path(__file__).resolve().parent.parent
DEMO_FILE = ROOT / "data" / "demo_programme.csv"


@pytest.fixture(scope="session")
def reference() -> Reference:
    return load_reference()


@pytest.fixture(scope="session")
def definition() -> ProgrammeDefinition:
    return load_definition()


@pytest.fixture(scope="session")
def demo(reference: Reference, definition: ProgrammeDefinition) -> Programme:
    table = load_programme_file(DEMO_FILE.read_bytes(), filename=DEMO_FILE.name,
                                definition=definition, reference=reference)
    return resolve(table, reference=reference, definition=definition)


@pytest.fixture
def load_csv(reference: Reference, definition: ProgrammeDefinition):
    """Load CSV text (or bytes) as a programme file and return the validated table."""

    def _load(content: str | bytes, *, filename: str = "programme.csv", encoding: str = "utf-8"):
        data = content.encode(encoding) if isinstance(content, str) else content
        return load_programme_file(data, filename=filename, definition=definition,
                                   reference=reference)

    return _load
