"""Storage faults: read-only, impossible to create, unreachable, broken while running.

SQLite: played for real in a separate process to which file permissions apply
(``tests/store_faults_child.py`` through ``tests/unprivileged.py``): the kernel
refuses the writes. PostgreSQL: a real server (``tests/postgres.py``), made
read-only with its own means (read-only database, roles without privileges), and
a cluster stopped under a running store.

In every case visitors keep reading when the data can be read, nothing is lost,
editors are told why they cannot save, and no message names a path, a host, a
user or a database.
"""

from __future__ import annotations

import json
import sys
import uuid

import psycopg
import pytest
import sqlalchemy as sa
from psycopg import sql
from streamlit.testing.v1 import AppTest

from territorial.editing import access
from territorial.storage import store as store_module
from territorial.storage.store import (
    FALLBACK_TEXT,
    READ_ONLY_TEXT,
    SAVE_FAILED_TEXT,
    UNAVAILABLE_TEXT,
    ReadOnlyStoreError,
    Store,
    StoreUnavailableError,
)
from territorial.ui import data, editor_role
from tests import unprivileged
from tests.conftest import APP
from tests.postgres import create_database, postgres_cluster

PASSWORD = "mot de passe du programme"
TABLE = "code,type,L1,L2,L3,L4,notes\n75056,commune,1,2,3,0,Premier atelier\n13055,commune,0,0,1,1,\n"
#: Words that must never reach a visitor: where the data is and who reads it.
SECRET_WORDS = (
    "sqlite",
    "postgres",
    "127.0.0.1",
    "editeur",
    "lecteur",
    "var/",
    "/tmp",
    "serveur de base de données",
    "OperationalError",
    "Traceback",
)


def _visible(text: str) -> None:
    for word in SECRET_WORDS:
        assert word not in text, (word, text)


# --------------------------------------------------------------------------- SQLite, for real


def _play(scenario: str, tmp_path) -> dict:
    directory = tmp_path / scenario
    directory.mkdir()
    done = unprivileged.run([sys.executable, "-m", "tests.store_faults_child", scenario, str(directory)])
    assert done.returncode == 0, (done.returncode, done.stderr[-3000:])  # -7 would be SIGBUS
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result.pop("permissions_apply") is True  # the kernel really refused the writes
    return result


def test_sqlite_first_start_in_a_read_only_directory_serves_the_demo_read_only(tmp_path):
    result = _play("first_start_in_a_read_only_directory", tmp_path)
    assert result["open"]["error"] == "StoreUnavailableError" and result["open"]["missing"] is True
    assert result["open"]["message"] == UNAVAILABLE_TEXT
    assert result["files"] == []  # nothing was written
    for page, shown in result["pages"].items():
        assert shown["exceptions"] == [] and shown["errors"] == [], page
        assert shown["warnings"][0].startswith("**Données de démonstration**"), page
        assert not shown["login"], page
        _visible(json.dumps(shown, ensure_ascii=False))
    assert result["pages"]["pages/donnees.py"]["warnings"][1:] == [FALLBACK_TEXT]
    assert result["pages"]["pages/donnees.py"]["downloads"] == 7  # exports and the template still work
    assert result["pages"]["pages/historique.py"]["title"] == ["Historique des versions"]


def test_sqlite_read_only_store_at_start_is_read_and_refuses_saving(tmp_path):
    result = _play("read_only_directory_and_file", tmp_path)
    assert result["read_only"] is True
    assert result["current"] == {"value": 1} and result["territories"] == 81 and result["history"] == [1]
    assert result["save"]["error"] == "ReadOnlyStoreError" and result["save"]["message"] == READ_ONLY_TEXT
    assert result["files"] == ["programme.sqlite"]
    for page, shown in result["pages"].items():
        assert shown["exceptions"] == [] and shown["errors"] == [], page
        _visible(json.dumps(shown, ensure_ascii=False))
    donnees = result["pages"]["pages/donnees.py"]
    assert (
        donnees["warnings"][1:] == [READ_ONLY_TEXT] and not donnees["login"] and donnees["downloads"] == 7
    )  # exports, template


def test_sqlite_store_left_in_wal_mode_is_read_from_a_read_only_directory(tmp_path):
    result = _play("legacy_wal_store_in_a_read_only_directory", tmp_path)
    assert result["mode"] == "wal"
    assert (result["read_only"], result["current"], result["territories"]) == (True, {"value": 1}, 81)
    assert result["files"] == ["programme.sqlite"]


def test_sqlite_store_that_becomes_unwritable_while_running(tmp_path):
    result = _play("becomes_unwritable_while_running", tmp_path)
    assert result["save"] == {"error": "ReadOnlyStoreError", "message": READ_ONLY_TEXT, "missing": None}
    assert result["read_only"] is True
    assert result["current"] == {"value": 1} and result["history"] == [1]  # reading goes on, nothing lost
    assert result["save_again"] == {"value": 2} and result["read_only_after"] is False  # writable again


def test_sqlite_files_damaged_under_a_running_server_do_not_kill_it(tmp_path):
    """Truncated or removed files: each query fails in French, the process lives (WAL's -shm gave SIGBUS)."""
    result = _play("files_damaged_under_a_running_server", tmp_path)
    assert result["files"] == ["programme.sqlite"]  # no -wal, no -shm mapped in memory
    for key in ("read_truncated", "read_truncated_other", "read_removed"):
        assert result[key] == {"error": "StoreUnavailableError", "message": UNAVAILABLE_TEXT, "missing": False}
    assert result["save_truncated"] == {"error": "StoreError", "message": SAVE_FAILED_TEXT, "missing": None}
    assert result["alive"] is True


# --------------------------------------------------------------------------- PostgreSQL


def _admin(server_url: str, database: str, *statements: sql.Composable | str) -> None:
    url = sa.make_url(server_url)
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=database, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _role(server_url: str, database: str, *grants: str) -> str:
    """A new login role on ``database`` with ``grants`` (on every table and sequence); its URL."""
    name = f"lecteur_{uuid.uuid4().hex[:8]}"
    role = sql.Identifier(name)
    statements: list[sql.Composable] = [sql.SQL("CREATE ROLE {} LOGIN").format(role)]
    for grant in grants:
        statements.append(sql.SQL(grant).format(role=role))
    _admin(server_url, database, *statements)
    return sa.make_url(server_url).set(database=database, username=name).render_as_string(hide_password=False)


@pytest.fixture
def pg(postgres_server, load_csv):
    """A new database holding one version (saved by the owner): (server URL, database name, its URL)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = create_database(postgres_server, name)
    owner = Store.open(url)
    owner.save(load_csv(TABLE), author="A", comment="", kind="import", expected_parent=None)
    owner.close()
    return postgres_server, name, url


def test_postgresql_read_only_database_at_start(pg, load_csv):
    server, name, url = pg
    _admin(
        server,
        "postgres",
        sql.SQL("ALTER DATABASE {} SET default_transaction_read_only = on").format(sql.Identifier(name)),
    )
    store = Store.open(url)
    assert store.read_only and store.current_id() == 1
    assert store.current().table.territories["notes"].tolist() == ["Premier atelier", ""]
    with pytest.raises(ReadOnlyStoreError) as info:
        store.save(load_csv(TABLE), author="B", comment="", kind="edition", expected_parent=1)
    assert str(info.value) == READ_ONLY_TEXT
    assert store.history()["Version"].tolist() == [1]
    store.close()


def test_postgresql_role_that_may_only_read(pg):
    server, name, _url = pg
    url = _role(server, name, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    store = Store.open(url)
    assert store.read_only and store.current_id() == 1 and store.history()["Version"].tolist() == [1]
    store.close()


def test_postgresql_empty_database_that_cannot_be_created(postgres_server):
    name = f"t_{uuid.uuid4().hex[:12]}"
    create_database(postgres_server, name)
    url = _role(postgres_server, name)  # may connect, may not create tables (PostgreSQL 15+)
    with pytest.raises(StoreUnavailableError) as info:
        Store.open(url)
    assert info.value.missing and str(info.value) == UNAVAILABLE_TEXT


def test_postgresql_store_that_becomes_unwritable_while_running(pg, load_csv, monkeypatch):
    server, name, _url = pg
    url = _role(
        server,
        name,
        "GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {role}",
        "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}",
    )
    store = Store.open(url)
    assert not store.read_only
    role = sa.make_url(url).username
    _admin(
        server,
        name,
        sql.SQL("REVOKE INSERT, UPDATE ON ALL TABLES IN SCHEMA public FROM {}").format(sql.Identifier(role)),
    )
    with pytest.raises(ReadOnlyStoreError, match="lecture seule"):
        store.save(load_csv(TABLE), author="B", comment="", kind="edition", expected_parent=1)
    assert store.read_only and store.current_id() == 1 and store.history()["Version"].tolist() == [1]
    _admin(
        server, name, sql.SQL("GRANT INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {}").format(sql.Identifier(role))
    )
    monkeypatch.setattr(store_module, "RECHECK", 0.0)
    saved = store.save(load_csv(TABLE), author="B", comment="", kind="edition", expected_parent=1)
    assert saved.parent_id == 1 and not store.read_only
    store.close()


@pytest.mark.postgres  # a cluster of its own, stopped by the test
def test_postgresql_stopped_under_a_running_store(load_csv):
    with postgres_cluster() as server:
        url = create_database(server, "programme")
        store = Store.open(url)
        store.save(load_csv(TABLE), author="A", comment="", kind="import", expected_parent=None)
    # the cluster is stopped now
    with pytest.raises(StoreUnavailableError) as info:
        store.current_id()
    assert str(info.value) == UNAVAILABLE_TEXT and not info.value.missing
    with pytest.raises(store_module.StoreError) as info:
        store.save(load_csv(TABLE), author="B", comment="", kind="edition", expected_parent=1)
    _visible(str(info.value))
    store.close()


# --------------------------------------------------------------------------- pages on PostgreSQL


@pytest.fixture
def app_env(monkeypatch):
    """Fresh caches; the database URL is set by each test."""
    monkeypatch.setenv(access.ENV_HASH, access.hash_password(PASSWORD, n=2**4))
    for cached in (data._store, data._version, data._programme_at, editor_role.login_guard):
        cached.clear()
    yield monkeypatch
    data._store.clear()


def _texts(at: AppTest) -> str:
    """Every text the page shows."""
    kinds = (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "code",
        "error",
        "warning",
        "info",
        "success",
        "exception",
    )
    return "\n".join(str(e.value) for kind in kinds for e in at.get(kind))


def _page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(page)
    return at.run()


PAGES = ("pages/accueil.py", "pages/carte.py", "pages/donnees.py", "pages/historique.py", "pages/fiche.py")


def test_pages_when_postgresql_is_unreachable_say_so_without_saying_where(app_env):
    app_env.setenv(store_module.ENV_URL, "postgresql://editeur:secret@127.0.0.1:9/programme?connect_timeout=2")
    for page in PAGES:
        at = _page(page)
        assert not at.exception, (page, [e.value for e in at.exception])
        assert [e.value for e in at.error] == [UNAVAILABLE_TEXT], page
        shown = _texts(at)
        _visible(shown)
        assert "secret" not in shown


def test_pages_with_a_read_only_postgresql(app_env, pg):
    server, name, url = pg
    _admin(
        server,
        "postgres",
        sql.SQL("ALTER DATABASE {} SET default_transaction_read_only = on").format(sql.Identifier(name)),
    )
    app_env.setenv(store_module.ENV_URL, url)
    for page in PAGES:
        at = _page(page)
        assert not at.exception and not at.error, (page, [e.value for e in at.error])
    at = _page("pages/donnees.py")
    assert READ_ONLY_TEXT in [w.value for w in at.warning]
    assert not [t for t in at.text_input if t.label == "Mot de passe d'éditeur"]
    assert len(at.get("download_button")) == 7  # the 5 exports and the 2 templates
    assert at.markdown[0].value.endswith("— 2 territoires.")  # the stored programme, not the demo


def test_pages_with_a_postgresql_that_cannot_be_created_show_the_demo(app_env, postgres_server):
    name = f"t_{uuid.uuid4().hex[:12]}"
    create_database(postgres_server, name)
    url = _role(postgres_server, name)
    app_env.setenv(store_module.ENV_URL, url)
    at = _page("pages/donnees.py")
    assert not at.exception and not at.error
    warnings = [w.value for w in at.warning]
    assert warnings[0].startswith("**Données de démonstration**") and warnings[1:] == [FALLBACK_TEXT]
    assert at.markdown[0].value.endswith("— 81 territoires.")
    assert data.store().stand_in
    # the administrator grants the right: the real storage is used at a later visit, the demo stored in it
    _admin(
        postgres_server,
        name,
        sql.SQL("GRANT CREATE ON SCHEMA public TO {}").format(sql.Identifier(sa.make_url(url).username)),
    )
    at.run()
    assert FALLBACK_TEXT in [w.value for w in at.warning]  # tried again once a minute, not at every view
    app_env.setattr(data, "FALLBACK_RETRY", 0.0)
    at.run()
    assert not at.exception and not at.error
    assert FALLBACK_TEXT not in [w.value for w in at.warning]
    assert not data.store().stand_in and Store.open(url).current_id() == 1
    assert any(t.label == "Mot de passe d'éditeur" for t in at.text_input)


def test_editor_told_why_saving_fails_when_postgresql_becomes_read_only(app_env, pg):
    server, name, url = pg
    app_env.setenv(store_module.ENV_URL, url)
    at = _page("pages/donnees.py")
    next(t for t in at.text_input if t.label == "Mot de passe d'éditeur").input(PASSWORD)
    next(b for b in at.button if b.label == "Se connecter").click()
    at.run()
    assert len(at.data_editor) == 1
    _admin(
        server,
        "postgres",
        sql.SQL("ALTER DATABASE {} SET default_transaction_read_only = on").format(sql.Identifier(name)),
    )
    data.store().engine.dispose()  # new connections get the setting (as after a failover)
    at.session_state["donnees_editeur_1"] = {"edited_rows": {0: {"L1": 3}}, "added_rows": [], "deleted_rows": []}
    next(t for t in at.text_input if t.key == "edition_auteur").input("Lucie")
    next(b for b in at.button if b.label == "Valider et enregistrer").click()
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [READ_ONLY_TEXT]
    assert data.store().read_only and data.store().current_id() == 1
    at.run()  # next page view: the form is replaced by the explanation
    assert READ_ONLY_TEXT in [w.value for w in at.warning] and not at.data_editor


def test_the_fault_tests_really_run_without_root(tmp_path):
    """Guard: the helper drops root (otherwise the read-only tests above would prove nothing)."""
    (tmp_path / "lecture").mkdir(mode=0o555)
    done = unprivileged.run([sys.executable, "-c", f"open({str(tmp_path / 'lecture' / 'x')!r}, 'w')"])
    assert done.returncode != 0 and "PermissionError" in done.stderr
