"""The programme's definition is versioned with the data, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from territorial.model.definition import DEFAULT_DEFINITION, parse_definition
from territorial.model.definition_file import definition_data, definition_from_text, render_definition
from territorial.storage import store as store_module
from territorial.storage.store import Store

DATA = Path(__file__).parent / "data"
DEMO = Path(__file__).parent.parent / "data" / "demo_programme.csv"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'programme.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_database")
        engine = sa.create_engine(url)
        store_module.metadata.drop_all(engine)
        engine.dispose()
    opened = Store.open(url)
    yield opened
    opened.close()


def _renamed(definition, label: str) -> str:
    data = definition_data(definition)
    data["leviers"][0]["libelle"] = label
    return render_definition(parse_definition(data))


def test_a_version_keeps_its_definition_a_plain_save_keeps_the_parents_and_restore_brings_it_back(
    store, load_csv, definition
):
    table = load_csv(DEMO.read_bytes())
    first = store.ensure_initial(table)
    assert first.stored_definition is None
    assert first.definition_toml == DEFAULT_DEFINITION.read_text(encoding="utf-8")  # a new store: the file's

    renamed = _renamed(definition, "Ingénierie partagée")
    second = store.save(table, author="A", comment="", kind="edition", expected_parent=first.id, definition=renamed)
    assert store.get(second.id).definition_toml == renamed
    assert definition_from_text(store.get(second.id).definition_toml).levers[0].label == "Ingénierie partagée"

    third = store.save(table, author="B", comment="données", kind="edition", expected_parent=second.id)
    assert store.get(third.id).definition_toml == renamed  # kept from its parent
    assert store.get(first.id).definition_toml == DEFAULT_DEFINITION.read_text(encoding="utf-8")

    restored = store.restore(first.id, author="C", expected_parent=third.id)
    assert definition_from_text(store.get(restored.id).definition_toml) == definition
    assert definition_from_text(store.current().definition_toml).levers[0].label == definition.levers[0].label


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
