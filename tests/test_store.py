"""The versioned store, on SQLite **and** on a real PostgreSQL server.

PostgreSQL is started for the session from the Debian binaries (see
``tests/postgres.py``); if they are missing, the PostgreSQL tests fail.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from territorial.editing.merge import diff_tables
from territorial.model.definition import DEFAULT_DEFINITION, parse_definition
from territorial.model.definition_file import definition_data, definition_from_text, render_definition
from territorial.model.programme_file import ProgrammeTable
from territorial.storage import store as store_module
from territorial.storage.store import (
    ConflictError,
    Store,
    StoreError,
    StoreUnavailableError,
    VersionNotFoundError,
    version_rows,
    versions,
)
from tests.postgres import BACKENDS, POSTGRESQL, create_database

DEMO_CSV = Path(__file__).parent.parent / "data" / "demo_programme.csv"
HEADER = "code,type,nom,membres,L1,L2,L3,L4,date_dialogue,etape,notes,contact,Référent"


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    """An empty store: a new SQLite file, or the test database emptied of its tables."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'programme.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_database")
        engine = sa.create_engine(url)
        store_module.metadata.drop_all(engine)
        engine.dispose()
    opened = Store.open(url)
    assert opened.backend == request.param
    yield opened
    opened.close()


@pytest.fixture
def tables(load_csv) -> dict[str, ProgrammeTable]:
    base = [
        "75056,commune,,,1,0,2,3,2025-01-15,T0,Premier atelier,,Mme A",
        "75056,commune,,,2,0,2,3,2026-01-20,T+12,Deuxième dialogue,,Mme A",
        "200054781,epci,,,0,0,0,0,,,,,",
        "PETR-TEST,groupement,Pays test,200068658 200069664,3,3,3,3,,,,contact@example.org,",
    ]
    changed = [
        "75056,commune,,,3,0,2,3,2025-01-15,T0,Deuxième atelier,,Mme A",
        "PETR-TEST,groupement,Pays test,200068658 200069664,3,3,3,3,,,,contact@example.org,",
        "13055,commune,,,0,1,0,0,,,,,M. B",
    ]
    other = ["04113,commune,,,0,0,0,1,,,,,"]
    return {
        name: load_csv("\n".join([HEADER, *rows]))
        for name, rows in (("base", base), ("changed", changed), ("other", other))
    }


def test_empty_store(store):
    assert store.current_id() is None
    assert store.current() is None
    assert store.history().empty
    with pytest.raises(VersionNotFoundError, match="La version 7 n'existe pas."):
        store.get(7)


def test_demo_becomes_version_1_once(store, load_csv):
    demo = load_csv((Path(__file__).parent.parent / "data" / "demo_programme.csv").read_bytes())
    first = store.ensure_initial(demo)
    assert (first.id, first.kind, first.author, first.is_demo) == (1, "initial", "Application", True)
    assert store.ensure_initial(demo).id == 1
    assert store.current_id() == 1
    current = store.current()
    assert current is not None and current.is_demo and len(current.table.territories) == 255
    assert current.table.territories["code"].nunique() == 81
    pd.testing.assert_frame_equal(current.table.territories, demo.territories)
    assert current.table.meta["statut"] == "demonstration"


def test_round_trip_keeps_every_column(store, tables):
    saved = store.save(tables["base"], author=" Claire ", comment="Import initial", kind="import", expected_parent=None)
    again = store.get(saved.id)
    pd.testing.assert_frame_equal(again.table.territories, tables["base"].territories)
    assert again.table.extra_columns == ["Référent"]
    # the programme's own segment column is always there (empty where the file had none)
    assert list(again.table.territories.columns) == HEADER.replace("membres,", "membres,segment,").split(",")
    assert again.table.territories["L1"].dtype == "int64"
    assert (again.author, again.comment, again.kind, again.parent_id) == ("Claire", "Import initial", "import", None)
    assert again.created_at.tzinfo is not None and again.created_at.utcoffset() == UTC.utcoffset(None)
    assert not again.is_demo


def test_every_change_is_a_new_version(store, tables):
    v1 = store.save(tables["base"], author="A", comment="un", kind="import", expected_parent=None)
    v2 = store.save(tables["changed"], author="B", comment="deux", kind="edition", expected_parent=v1.id)
    assert (v1.id, v2.id, v2.parent_id) == (1, 2, 1)
    assert store.current_id() == 2
    # the first version is untouched
    pd.testing.assert_frame_equal(store.get(1).table.territories, tables["base"].territories)
    history = store.history()
    assert history["Version"].tolist() == [2, 1]
    assert history["Nature"].tolist() == ["Modification dans l'application", "Import de fichier"]
    assert history["Auteur"].tolist() == ["B", "A"]
    assert history["Territoires"].tolist() == [3, 3]
    assert history["En vigueur"].tolist() == [True, False]
    assert history["Version de départ"].tolist()[0] == 1


def test_diff(store, tables):
    store.save(tables["base"], author="A", comment="", kind="import", expected_parent=None)
    store.save(tables["changed"], author="B", comment="", kind="edition", expected_parent=1)
    diff = diff_tables(store.get(1).table, store.get(2).table)
    assert diff.values.tolist() == [
        ["13055", "commune", "", "ajouté", "", "", ""],
        ["200054781", "epci", "", "retiré", "", "", ""],
        ["75056", "commune", "20 janvier 2026", "dialogue retiré", "", "", ""],
        ["75056", "commune", "15 janvier 2025", "modifié", "L1", "1", "3"],
        ["75056", "commune", "15 janvier 2025", "modifié", "notes", "Premier atelier", "Deuxième atelier"],
    ]
    assert list(diff.columns) == ["Code", "Type", "Dialogue", "Changement", "Colonne", "Avant", "Après"]
    assert diff_tables(store.get(2).table, store.get(2).table).empty


def test_restore_is_a_new_version(store, tables):
    store.save(tables["base"], author="A", comment="", kind="import", expected_parent=None)
    store.save(tables["changed"], author="B", comment="", kind="edition", expected_parent=1)
    restored = store.restore(1, author="C", comment="", expected_parent=2)
    assert (restored.id, restored.kind, restored.parent_id, restored.comment) == (
        3,
        "restauration",
        2,
        "Restauration de la version 1",
    )
    assert store.current_id() == 3
    assert diff_tables(store.get(1).table, store.get(3).table).empty
    assert not diff_tables(store.get(2).table, store.get(3).table).empty
    assert store.history()["Version"].tolist() == [3, 2, 1]


def test_conflict_between_two_editors(store, tables):
    store.save(tables["base"], author="A", comment="", kind="import", expected_parent=None)
    # Both editors start from version 1; the first one saves.
    store.save(tables["changed"], author="Premier", comment="", kind="edition", expected_parent=1)
    with pytest.raises(ConflictError) as info:
        store.save(tables["other"], author="Second", comment="", kind="edition", expected_parent=1)
    assert (info.value.expected, info.value.current) == (1, 2)
    assert str(info.value).startswith(
        "Conflit de modification : vous êtes parti de la version 1, mais la "
        "version en vigueur est maintenant la version 2. Rien n'a été enregistré"
    )
    assert store.current_id() == 2
    assert store.history()["Version"].tolist() == [2, 1]
    with pytest.raises(ConflictError, match="un programme vide"):
        store.save(tables["other"], author="X", comment="", kind="import", expected_parent=None)


def test_concurrent_saves_exactly_one_wins(store, tables):
    store.save(tables["base"], author="A", comment="", kind="import", expected_parent=None)
    other = Store.open(store.engine.url.render_as_string(hide_password=False))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def editor(target: Store, table: ProgrammeTable) -> None:
        barrier.wait()
        try:
            target.save(table, author="X", comment="", kind="edition", expected_parent=1)
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflit")

    threads = [
        threading.Thread(target=editor, args=(s, t)) for s, t in ((store, tables["changed"]), (other, tables["other"]))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    other.close()
    assert sorted(outcomes) == ["conflit", "ok"]
    winner = store.current_id()  # on PostgreSQL the loser may have taken id 2 before rolling back
    assert store.history()["Version"].tolist() == [winner, 1]
    assert store.get(winner).parent_id == 1


@pytest.mark.parametrize("store", [POSTGRESQL], indirect=True)
def test_conflict_detected_even_after_the_first_check(store, tables):
    """A version committed between the parent check and the pointer move is caught (PostgreSQL).

    On SQLite a write transaction takes the database lock at BEGIN, so nobody can commit in
    between: the two-editor test above covers it there.
    """
    store.save(tables["base"], author="A", comment="", kind="import", expected_parent=None)
    rival = Store.open(store.engine.url.render_as_string(hide_password=False))
    fired = []

    def sneak_in(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO VERSION_ROWS") and not fired:
            fired.append(True)
            rival.save(tables["other"], author="Rival", comment="", kind="edition", expected_parent=1)

    sa.event.listen(store.engine, "before_cursor_execute", sneak_in)
    try:
        with pytest.raises(ConflictError) as info:
            store.save(tables["changed"], author="A", comment="", kind="edition", expected_parent=1)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", sneak_in)
        rival.close()
    rival_id = info.value.current  # PostgreSQL's sequence gave id 2 to the rolled-back version
    assert info.value.expected == 1 and rival_id == store.current_id() != 1
    assert store.get(rival_id).author == "Rival"
    assert store.history()["Version"].tolist() == [rival_id, 1]


def test_failure_mid_write_leaves_the_previous_version(store, tables, load_csv, monkeypatch):
    store.save(tables["base"], author="A", comment="", kind="import", expected_parent=None)
    rows_before = _count(store, version_rows)
    big = load_csv(
        "\n".join(
            [
                HEADER,
                *(
                    f"{c},commune,,,1,1,1,1,,,,,"
                    for c in ("75056", "13055", "69123", "31555", "06088", "44109", "34172")
                ),
            ]
        )
    )
    monkeypatch.setattr(store_module, "CHUNK", 2)
    calls = []

    def fail_on_third_chunk(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO VERSION_ROWS"):
            calls.append(statement)
            if len(calls) == 3:
                raise sa.exc.OperationalError(statement, parameters, OSError("panne simulée du disque"))

    sa.event.listen(store.engine, "before_cursor_execute", fail_on_third_chunk)
    try:
        with pytest.raises(StoreError) as info:
            store.save(big, author="B", comment="", kind="import", expected_parent=1)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", fail_on_third_chunk)
    assert len(calls) == 3  # two chunks were written before the failure
    assert str(info.value) == store_module.SAVE_FAILED_TEXT
    assert str(info.value).startswith(
        "L'enregistrement de la nouvelle version a échoué : rien n'a été modifié, la version en vigueur reste la même."
    )
    assert not store.read_only  # a failed write is not a read-only store
    assert store.current_id() == 1
    assert store.history()["Version"].tolist() == [1]
    assert _count(store, version_rows) == rows_before
    assert _count(store, versions) == 1
    pd.testing.assert_frame_equal(store.current().table.territories, tables["base"].territories)
    # and the store still works afterwards
    saved = store.save(big, author="B", comment="", kind="import", expected_parent=1)
    assert store.current_id() == saved.id and saved.parent_id == 1
    assert len(store.current().table.territories) == 7


def test_database_error_is_reported_in_french(store, tables, monkeypatch):
    store.save(tables["base"], author="A", comment="", kind="import", expected_parent=None)
    monkeypatch.setattr(store_module, "cell_text", lambda v: None)  # NOT NULL violation on every text column
    with pytest.raises(StoreError) as info:
        store.save(tables["changed"], author="B", comment="", kind="edition", expected_parent=1)
    assert str(info.value) == store_module.SAVE_FAILED_TEXT  # the details are in the server log
    assert store.current_id() == 1


def test_damaged_rows_are_a_failed_read_not_a_crash(store, tables, caplog):
    store.save(tables["base"], author="A", comment="", kind="import", expected_parent=None)
    with store.engine.begin() as conn:
        conn.execute(sa.update(versions).values(column_order={}))  # valid JSON, not what the store wrote
    with pytest.raises(StoreUnavailableError) as info:
        store.get(1)
    assert str(info.value) == store_module.UNAVAILABLE_TEXT and not info.value.missing
    assert "KeyError" in caplog.text  # the details are in the server log
    assert store.history()["Version"].tolist() == [1]  # what is not damaged is still read
    if store.backend == "sqlite":  # PostgreSQL checks the types when writing
        with store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE versions SET created_at = 'pas une date'"))
            conn.execute(sa.text("UPDATE version_rows SET levels = 'pas du JSON'"))
        history = store.history()  # one damaged field does not hide the version
        assert history["Version"].tolist() == [1] and history["Date"].isna().all()
        with pytest.raises(StoreUnavailableError):
            store.current()


def test_save_checks_its_arguments(store, tables):
    with pytest.raises(ValueError, match="Indiquez l'auteur"):
        store.save(tables["base"], author="  ", comment="", kind="import", expected_parent=None)
    with pytest.raises(ValueError, match="Nature de version inconnue « collage »"):
        store.save(tables["base"], author="A", comment="", kind="collage", expected_parent=None)
    assert store.current_id() is None


def test_diff_tables_is_keyed_by_type_and_code(load_csv):
    before = load_csv("code,type,L1,L2,L3,L4\n01,departement,0,0,0,0\n")
    after = load_csv("code,type,L1,L2,L3,L4\n01,region,0,0,0,0\n")
    assert diff_tables(before, after)[["Code", "Type", "Changement"]].values.tolist() == [
        ["01", "region", "ajouté"],
        ["01", "departement", "retiré"],
    ]


# --------------------------------------------------------------------------- location


def test_default_location_is_sqlite_without_shared_memory(tmp_path, monkeypatch, tables):
    monkeypatch.delenv(store_module.ENV_URL, raising=False)
    monkeypatch.setenv(store_module.ENV_DATA_DIR, str(tmp_path / "donnees"))
    opened = Store.open()
    opened.save(tables["base"], author="A", comment="", kind="import", expected_parent=None)
    assert (tmp_path / "donnees" / "programme.sqlite").exists()
    with opened.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"  # no -shm mapped in memory
        assert conn.exec_driver_sql("PRAGMA mmap_size").scalar() == 0
    assert sorted(p.name for p in (tmp_path / "donnees").iterdir()) == ["programme.sqlite"]
    opened.close()


def test_database_url_from_the_environment(monkeypatch, postgres_server):
    url = create_database(postgres_server, f"t_{uuid.uuid4().hex[:12]}")
    monkeypatch.setenv(store_module.ENV_URL, url.replace("postgresql+psycopg://", "postgresql://"))
    opened = Store.open()
    assert opened.backend == "postgresql"
    assert opened.engine.url.drivername == "postgresql+psycopg"
    assert opened.current_id() is None
    opened.close()


def test_unreachable_database_is_reported_without_saying_where(caplog):
    with pytest.raises(StoreUnavailableError) as info:
        Store.open("postgresql://editeur:secret@127.0.0.1:9/programme?connect_timeout=2")
    assert str(info.value) == store_module.UNAVAILABLE_TEXT and not info.value.missing
    for word in ("editeur", "secret", "127.0.0.1", "programme?", "postgres", "serveur de base de données"):
        assert word not in str(info.value)
    # the details are in the server log, password hidden
    assert "editeur:***@127.0.0.1:9/programme" in caplog.text and "secret" not in caplog.text


def _count(store: Store, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


# --------------------------------------------------------------------------- definition


def _renamed(definition, label: str) -> str:
    data = definition_data(definition)
    data["leviers"][0]["libelle"] = label
    return render_definition(parse_definition(data))


def test_a_version_keeps_its_definition_a_plain_save_keeps_the_parents_and_restore_brings_it_back(
    store, load_csv, definition
):
    table = load_csv(DEMO_CSV.read_bytes())
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
