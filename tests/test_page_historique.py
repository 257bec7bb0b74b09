"""The « Historique » page over a partly damaged SQLite store: one damaged version is told
in French, the other versions stay readable, comparable and exportable."""

from __future__ import annotations

import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from territorial.storage import store as store_module
from territorial.storage.store import Store
from territorial.ui import data
from tests.conftest import open_page

PAGE = "pages/historique.py"
#: What must never reach a visitor.
SECRET_WORDS = ("Traceback", "sqlite", "JSONDecodeError", "ValueError", "/tmp", "var/", "programme.sqlite")


@pytest.fixture
def three_versions(tmp_path, monkeypatch) -> Store:
    """A store of its own with the demo (version 1) and two edits (versions 2 and 3)."""
    monkeypatch.setenv(store_module.ENV_DATA_DIR, str(tmp_path / "var"))
    for cached in (data._store, data._version, data._programme_at):
        cached.clear()
    assert not open_page(PAGE).exception  # stores the demo as version 1
    store = Store.open()
    table = store.get(1).table
    table.territories = table.territories.iloc[:10]
    store.save(table, author="Anne", comment="Dix territoires", kind="edition", expected_parent=1)
    table.territories = table.territories.iloc[:5]
    store.save(table, author="Paul", comment="Cinq territoires", kind="edition", expected_parent=2)
    yield store
    store.close()
    for cached in (data._store, data._version, data._programme_at):
        cached.clear()


def _damage(store: Store, statement: str) -> None:
    path = store_module.data_dir() / store_module.SQLITE_NAME
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")  # damage the schema would refuse
        conn.execute(statement)
    for cached in (data._version, data._programme_at):
        cached.clear()


def _visible(at: AppTest) -> str:
    return "\n".join(
        e.value for kind in ("markdown", "caption", "error", "warning", "info", "success") for e in getattr(at, kind)
    )


def _downloads(at: AppTest) -> list[str]:
    return [b.label for b in at.get("download_button")]


def test_a_damaged_version_is_told_in_french_and_the_rest_of_the_page_works(three_versions, folium_recorder):
    _damage(three_versions, "UPDATE version_rows SET levels = '{pas du json' WHERE version_id = 2 AND position = 0")
    at = open_page(PAGE, version="2")
    assert not at.exception
    assert [e.value for e in at.error] == [data.DAMAGED_TEXT.format(id=2)]
    assert at.dataframe[0].value["Version"].tolist() == [3, 2, 1]
    assert at.selectbox(key="historique_version").value == 2
    assert _downloads(at) == []  # nothing to export from a damaged version
    assert any(c.value == "La version 2 ne peut pas être lue : elle ne peut pas être restaurée." for c in at.caption)
    text = _visible(at)
    for word in SECRET_WORDS:
        assert word not in text

    at.selectbox(key="historique_version").select(1).run()  # another version: everything works
    assert not at.exception and not at.error
    assert at.query_params["version"] == "1"
    assert any(m.value.startswith("**De la version 3 à la version 1**") for m in at.markdown)
    assert "Programme, tous les dialogues (CSV, réimportable)" in _downloads(at)

    at.selectbox(key="historique_version").select(3).run()
    at.selectbox(key="historique_comparer").select(2).run()  # compared with the damaged version
    assert not at.exception
    assert [e.value for e in at.error] == [data.DAMAGED_TEXT.format(id=2)]
    assert "Programme, tous les dialogues (CSV, réimportable)" in _downloads(at)
    assert at.markdown[0].value.startswith("Version **3** du ")


def test_a_damaged_row_of_the_history_is_shown_as_unreadable(three_versions, folium_recorder):
    _damage(
        three_versions,
        "UPDATE versions SET created_at = 'pas une date', kind = 'inconnue', n_territories = 'beaucoup' WHERE id = 2",
    )
    at = open_page(PAGE)
    assert not at.exception
    history = at.dataframe[0].value
    assert history["Version"].tolist() == [3, 2, 1]
    assert history["Nature"].tolist()[1] == "illisible"
    assert history["Date"].isna().tolist() == [False, True, False]
    assert history["Territoires"].isna().tolist() == [False, True, False]
    assert history["Auteur"].tolist()[:2] == ["Paul", "Anne"]
    text = _visible(at)
    for word in SECRET_WORDS:
        assert word not in text


def test_a_damaged_current_version_can_be_replaced_from_the_history(three_versions, folium_recorder, monkeypatch):
    """Every other page stops on a damaged current version; Historique says so and restores another."""
    from territorial.editing import access

    password_hash = access.hash_password("mot de passe du programme")

    _damage(three_versions, "UPDATE version_rows SET levels = '{pas du json' WHERE version_id = 3 AND position = 0")
    overview = open_page("pages/accueil.py")
    assert not overview.exception and not overview.metric  # the overview stops, with a French message
    assert overview.error
    assert [link.label for link in overview.get("page_link")] == [data.HISTORY_HINT]  # the way out

    monkeypatch.setenv(access.ENV_HASH, password_hash)
    at = open_page(PAGE, version="1")
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors[0] == data.CURRENT_DAMAGED_TEXT.format(id=3)  # first, what happened and what to do
    assert set(errors[1:]) <= {data.DAMAGED_TEXT.format(id=3)}  # compared with version 3: the same damage
    assert at.dataframe[0].value["Version"].tolist() == [3, 2, 1]
    next(t for t in at.text_input if t.label == "Mot de passe d'éditeur").input("mot de passe du programme")
    next(b for b in at.button if b.label == "Se connecter").click()
    at.run()
    next(t for t in at.text_input if t.label == "Auteur de la modification").input("Anne")
    next(b for b in at.button if b.label == "Restaurer la version 1").click()
    at.run()
    assert not at.exception
    assert three_versions.current_id() == 4
    assert len(three_versions.get(4).table.territories) == len(three_versions.get(1).table.territories)

    for cached in (data._version, data._programme_at):
        cached.clear()
    overview = open_page("pages/accueil.py")
    assert not overview.exception and not overview.error
    assert {m.label: m.value for m in overview.metric}["Territoires"] == "81"
