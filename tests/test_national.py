"""The national programme (every EPCI of France) is an ordinary, valid programme file."""

from __future__ import annotations

import pytest

from territorial.model.national import DEFAULT_SEED, national_programme_csv, national_programme_path
from territorial.model.programme import resolve
from territorial.model.programme_file import load_programme_file


@pytest.fixture(scope="module")
def national_bytes(reference, definition) -> bytes:
    return national_programme_csv(reference, DEFAULT_SEED, definition=definition)


@pytest.fixture(scope="module")
def national(national_bytes, reference, definition):
    table = load_programme_file(national_bytes, filename="national.csv", definition=definition, reference=reference)
    return table, resolve(table, reference=reference, definition=definition)


def test_lists_every_epci_once(national_bytes, reference):
    lines = national_bytes.decode("utf-8").splitlines()
    rows = [line for line in lines if not line.startswith("#")][1:]
    codes = [row.split(",")[0] for row in rows]
    assert len(codes) == len(set(codes)) == len(reference.epci) == 1253
    assert set(codes) == set(reference.epci.index)


def test_loads_without_problem_and_resolves(national, reference, definition):
    table, programme = national
    assert table.warnings == []
    assert table.extra_columns == []
    assert table.is_demo  # levels are illustrative: the UI must say so
    territories = programme.territories
    assert len(territories) == 1253
    assert set(territories["type"]) == {"epci"}
    # Every EPCI has a shape to draw, and all 4 size segments are represented.
    assert territories.geometry.notna().all() and not territories.geometry.is_empty.any()
    counts = territories["segment"].value_counts().to_dict()
    assert set(counts) == {s.id for s in definition.segments}
    assert counts == {"S1": 966, "S2": 237, "S3": 44, "S4": 6}  # populations in force in 2026
    assert territories["population"].sum() == reference.epci["population"].sum()
    assert territories.loc["200054781", "nom"] == reference.epci.loc["200054781", "nom"]  # Grand Paris


def test_levels_cover_the_definition(national, definition):
    _, programme = national
    levels = {lv.value for lv in definition.levels}
    for lever in definition.lever_ids:
        assert set(programme.territories[lever]) == levels


def test_deterministic_for_a_seed(national_bytes, reference, definition):
    assert national_programme_csv(reference, DEFAULT_SEED, definition=definition) == national_bytes
    other = national_programme_csv(reference, DEFAULT_SEED + 1, definition=definition)
    assert other != national_bytes
    body = [line for line in national_bytes.decode().splitlines() if not line.startswith("#")]
    other_body = [line for line in other.decode().splitlines() if not line.startswith("#")]
    assert [r.split(",")[0] for r in body] == [r.split(",")[0] for r in other_body]


def test_written_on_demand(tmp_path, reference, definition, national_bytes):
    path = national_programme_path(reference, DEFAULT_SEED, directory=tmp_path, definition=definition)
    assert path.parent == tmp_path and path.read_bytes() == national_bytes
    mtime = path.stat().st_mtime_ns
    assert national_programme_path(reference, DEFAULT_SEED, directory=tmp_path, definition=definition) == path
    assert path.stat().st_mtime_ns == mtime  # unchanged content is not rewritten
