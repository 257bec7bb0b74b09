"""A storage made by the code before dialogues were followed over time is migrated in place.

``tests/data/store_schema_v1.sqlite`` and ``tests/data/store_schema_v1_postgresql.sql``
were written by the code of commit 78a781a (schema 1, no ``etape`` column): the demo
programme as version 1, then an edit of Corte (L1 at 3, a note) as version 2.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from territorial.model.definition import DEFAULT_DEFINITION
from territorial.model.definition_file import definition_from_text
from territorial.storage import store as store_module
from territorial.storage.store import Store
from tests.postgres import BACKENDS, create_database
from tests.test_store import _renamed

DATA = Path(__file__).parent / "data"


def _columns(store: Store, table: str = "version_rows") -> set[str]:
    with store.engine.connect() as conn:
        return {c["name"] for c in sa.inspect(conn).get_columns(table)}


@pytest.fixture(params=BACKENDS)
def old_store_url(request, tmp_path) -> str:
    """The URL of a storage of schema 1, as the previous code left it."""
    if request.param == "sqlite":
        path = tmp_path / "programme.sqlite"
        shutil.copy(DATA / "store_schema_v1.sqlite", path)
        return f"sqlite:///{path}"
    url = create_database(request.getfixturevalue("postgres_server"), f"v1_{uuid.uuid4().hex[:8]}")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql((DATA / "store_schema_v1_postgresql.sql").read_text(encoding="utf-8"))
    engine.dispose()
    return url


def _old_rows(url: str) -> list[tuple]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT version_id, position, code, levels, date_dialogue, notes FROM version_rows "
            "ORDER BY version_id, position"
        ).all()
    engine.dispose()
    return [tuple(str(v) for v in r) for r in rows]


def test_an_old_storage_is_migrated_in_place_with_nothing_lost(old_store_url):
    before = _old_rows(old_store_url)
    assert len(before) == 2 * 81
    store = Store.open(old_store_url)
    try:
        assert not store.read_only
        assert "etape" in _columns(store)
        assert "definition" in _columns(store, "versions")
        assert _old_rows(old_store_url) == before  # every stored row kept as it was
        assert store.get(2).stored_definition is None  # an old version uses data/programme.toml
        assert store.get(2).definition_toml == DEFAULT_DEFINITION.read_text(encoding="utf-8")
        history = store.history()
        assert history["Version"].tolist() == [2, 1]
        assert history["Auteur"].tolist() == ["Camille (schéma v1)", "Application"]
        assert history["Territoires"].tolist() == [81, 81]
        v2 = store.get(2).table.territories.set_index("code")
        assert (v2.loc["2B096", "L1"], v2.loc["2B096", "notes"]) == (3, "Version 2 : niveau relevé")
        assert (v2["etape"] == "").all()
        assert store.get(1).table.territories.set_index("code").loc["2B096", "L1"] == 0
        # a new dialogue is stored next to the old ones, and the old versions stay readable
        table = store.get(2).table
        corte = table.territories[table.territories["code"] == "2B096"].copy()
        corte[["date_dialogue", "etape", "L2"]] = ["2026-03-02", "T+12", 2]
        table.territories = pd.concat([table.territories, corte], ignore_index=True)
        saved = store.save(table, author="Coordination", comment="Corte, T+12", kind="edition", expected_parent=2)
        again = store.get(saved.id).table.territories
        assert again[again["code"] == "2B096"][["date_dialogue", "etape", "L2"]].values.tolist() == [
            ["", "", 0],
            ["2026-03-02", "T+12", 2],
        ]
        assert store.history()["Territoires"].tolist()[0] == 81
    finally:
        store.close()
    reopened = Store.open(old_store_url)  # opening again changes nothing
    try:
        assert store_module.migrate(reopened.engine) == []
        assert reopened.current_id() == 3
    finally:
        reopened.close()


def test_migration_by_two_processes_at_once_succeeds(tmp_path, monkeypatch):
    """The second process finds the column the first one has just added: no error."""
    path = tmp_path / "programme.sqlite"
    shutil.copy(DATA / "store_schema_v1.sqlite", path)
    engine = store_module.make_engine(f"sqlite:///{path}")
    assert store_module.migrate(engine) == ["version_rows.etape", "version_rows.segment", "versions.definition"]
    real = store_module._missing_columns
    calls = []

    def stale_then_real(conn):  # the other process looked before the column was added
        calls.append(1)
        return {"version_rows": ["etape"]} if len(calls) == 1 else real(conn)

    monkeypatch.setattr(store_module, "_missing_columns", stale_then_real)
    assert store_module.migrate(engine) == []
    assert len(calls) == 2  # its ALTER failed, and it checked again
    engine.dispose()


def test_an_old_storage_that_can_only_be_read_is_read_as_it_is(tmp_path):
    path = tmp_path / "programme.sqlite"
    shutil.copy(DATA / "store_schema_v1.sqlite", path)
    url = f"sqlite:///{path}"
    engine = store_module._read_only_engines(url)[0]
    store = Store(engine, url=url, read_only=True)
    try:
        v2 = store.get(2).table.territories.set_index("code")
        assert v2.loc["2B096", "L1"] == 3 and (v2["etape"] == "").all()
        assert "etape" not in _columns(store)
    finally:
        store.close()


def _definition_column(url: str) -> bool:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        present = "definition" in {c["name"] for c in sa.inspect(conn).get_columns("versions")}
    engine.dispose()
    return present


def test_an_old_storage_gains_the_definition_column_and_its_versions_use_the_file(tmp_path, definition):
    path = tmp_path / "programme.sqlite"
    shutil.copy(DATA / "store_schema_v1.sqlite", path)
    url = f"sqlite:///{path}"
    read_only = Store(store_module._read_only_engines(url)[0], url=url, read_only=True)
    try:  # read as it is while it cannot be written
        assert definition_from_text(read_only.get(2).definition_toml) == definition
        assert not _definition_column(url)
    finally:
        read_only.close()
    store = Store.open(url)
    try:
        assert _definition_column(url)
        assert store.get(2).stored_definition is None
        assert definition_from_text(store.get(2).definition_toml) == definition
        renamed = _renamed(definition, "Levier renommé")
        saved = store.save(
            store.get(2).table, author="A", comment="", kind="edition", expected_parent=2, definition=renamed
        )
        assert store.get(saved.id).definition_toml == renamed
    finally:
        store.close()
