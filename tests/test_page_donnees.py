"""AppTest of the « Données » and « Historique » pages: access, import, edition, conflict, restore.

Each test gets its own empty store (``TERRITORIAL_DATA_DIR`` in a temporary
directory): the first run stores the demo as version 1.
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from streamlit.runtime.context import ContextProxy
from streamlit.testing.v1 import AppTest

from territorial.editing import access
from territorial.editing.merge import diff_tables
from territorial.model.programme_file import ProgrammeTable
from territorial.storage import store as store_module
from territorial.storage.store import Store
from territorial.ui import data, editor, editor_role, table_editor
from tests.conftest import ROOT

PASSWORD = "mot de passe du programme"
TIMEOUT = 120
VALID = b"code;type;L1;L2;L3;L4;notes\n75056;commune;1;2;3;0;Atelier <b>Paris</b>\n13055;commune;0;0;1;1;\n"
INVALID = b"code;type;L1;L2;L3;L4\n75056;commune;1;2;3;9\n99999;commune;0;0;0;0\n"


@pytest.fixture(scope="module")
def password_hash() -> str:
    return access.hash_password(PASSWORD)


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An empty store in a temporary directory, no editor password, fresh caches."""
    monkeypatch.setenv(store_module.ENV_DATA_DIR, str(tmp_path / "var"))
    monkeypatch.delenv(store_module.ENV_URL, raising=False)
    monkeypatch.delenv(access.ENV_HASH, raising=False)
    for cached in (data._store, data._version, data._programme_at, editor_role.login_guard):
        cached.clear()
    yield tmp_path
    data._store.clear()


@pytest.fixture
def editor_env(env, monkeypatch, password_hash):
    monkeypatch.setenv(access.ENV_HASH, password_hash)
    return env


def page(name: str = "donnees") -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=TIMEOUT)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def login(at: AppTest, password: str = PASSWORD) -> AppTest:
    field = next(t for t in at.text_input if t.label == "Mot de passe d'éditeur")
    field.input(password)
    next(b for b in at.button if b.label == "Se connecter").click()
    return run(at)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def current() -> Store:
    return Store.open()


def problem_table(at: AppTest):
    [table] = [d.value for d in at.dataframe if "Problème" in d.value.columns]
    return table


def texts(elements) -> list[str]:
    return [e.value for e in elements]


# --------------------------------------------------------------------------- access


def test_without_secret_editing_is_disabled_with_the_explanation(env):
    at = run(page())
    assert texts(at.info) == [access.EDITING_DISABLED_TEXT]
    assert not at.file_uploader and not at.data_editor and not at.tabs
    assert not [t for t in at.text_input if t.label == "Mot de passe d'éditeur"]
    labels = [b.label for b in at.get("download_button")]
    assert labels[:4] == [
        "Programme, tous les dialogues (CSV, réimportable)",
        "Tableau des territoires, dernier dialogue (CSV)",
        "Classeur (XLSX)",
        "Carte (GeoJSON)",
    ]
    assert labels[4].startswith("Situation au ") and labels[4].endswith(" (CSV, un territoire par ligne)")
    assert at.markdown[0].value.startswith("Version **1** du ")
    assert current().current_id() == 1  # the demo became version 1


def test_malformed_hash_disables_editing(env, monkeypatch):
    monkeypatch.setenv(access.ENV_HASH, "scrypt$pas$une$empreinte")
    at = run(page())
    assert at.error[0].value.startswith("L'empreinte du mot de passe d'éditeur configurée est invalide")
    assert not at.file_uploader


def test_wrong_password_is_refused_then_throttled(editor_env):
    at = run(page())
    for _ in range(4):
        login(at, "pas le bon")
    assert texts(at.error) == ["Mot de passe incorrect."]
    login(at, PASSWORD)
    assert texts(at.error) == ["Trop de tentatives, réessayez dans 2 s."]
    assert not at.file_uploader


@pytest.fixture
def addresses(monkeypatch):
    """The client address each run is seen from (st.context.ip_address), and the brake's pauses."""
    seen = {"ip": None}
    monkeypatch.setattr(ContextProxy, "ip_address", property(lambda self: seen["ip"]))
    pauses: list[float] = []
    guard = access.LoginGuard(sleep=pauses.append)
    monkeypatch.setattr(editor_role, "login_guard", lambda: guard)
    return seen, pauses


def _attack(at: AppTest, seen: dict, ips: list[str]) -> None:
    """One wrong password from each address, each time from a new session."""
    for ip in ips:
        seen["ip"] = ip
        at.session_state["editeur_tentatives"] = access.Throttle()  # a new session's counter
        login(at, "pas le bon")


def test_failures_from_other_addresses_do_not_lock_the_editor_out(editor_env, addresses):
    seen, pauses = addresses
    at = run(page())
    _attack(at, seen, [f"203.0.113.{i}" for i in range(1, 41)])  # 40 addresses, one failure each
    assert texts(at.error) == ["Mot de passe incorrect."]
    seen["ip"] = "198.51.100.20"
    at.session_state["editeur_tentatives"] = access.Throttle()
    login(at)
    assert at.success[0].value.startswith("Vous êtes connecté en éditeur")
    assert len(at.file_uploader) == 2  # a programme file, a definition (TOML)
    assert 0 < pauses[-1] <= 2.0  # the crowd only delays the right password, briefly


def test_failures_lock_out_their_own_address_only(editor_env, addresses):
    seen, _pauses = addresses
    at = run(page())
    _attack(at, seen, ["203.0.113.7"] * 6)  # six new sessions from one address
    at.session_state["editeur_tentatives"] = access.Throttle()
    login(at)  # even the right password, from that address
    assert texts(at.error) == ["Trop de tentatives, réessayez dans 2 s."]
    seen["ip"] = "2001:db8:5::1"
    at.session_state["editeur_tentatives"] = access.Throttle()
    login(at)
    assert at.success[0].value.startswith("Vous êtes connecté en éditeur")


def test_password_from_the_streamlit_secret(env, password_hash):
    at = page()
    at.secrets["editor_password_hash"] = password_hash
    run(at)
    login(at)
    assert at.success[0].value.startswith("Vous êtes connecté en éditeur")
    assert len(at.file_uploader) == 2  # a programme file, a definition (TOML)


# --------------------------------------------------------------------------- import


def test_valid_upload_becomes_a_new_version(editor_env):
    at = login(run(page()))
    at.file_uploader[0].set_value(("programme.csv", VALID, "text/csv"))
    run(at)
    assert texts(at.success)[-1] == "Fichier valide : 2 territoires. Vérifiez l'aperçu, puis confirmez."
    assert current().current_id() == 1  # nothing saved before the confirmation
    next(t for t in at.text_input if t.label == "Auteur de la modification").input("Claire")
    next(t for t in at.text_input if t.label.startswith("Commentaire")).input("Fichier de novembre")
    button(at, "Enregistrer comme nouvelle version").click()
    run(at)
    assert "Version 2 enregistrée : 2 territoires, 2 dialogues." in texts(at.success)
    version = current().current()
    assert (version.id, version.kind, version.author, version.comment) == (2, "import", "Claire", "Fichier de novembre")
    assert version.table.territories["notes"].tolist() == ["Atelier <b>Paris</b>", ""]
    assert not version.is_demo
    assert "Version **2** du " in at.markdown[0].value and "par Claire" in at.markdown[0].value
    # the uploader is emptied: the same file cannot be saved twice by mistake
    assert at.file_uploader[0].value is None
    assert not [b for b in at.button if b.label == "Enregistrer comme nouvelle version"]


def test_import_conflict_shows_the_changes_then_needs_a_new_confirmation(editor_env):
    at = login(run(page()))
    at.file_uploader[0].set_value(("programme.csv", VALID, "text/csv"))
    run(at)
    other = current().get(1).table
    other.territories = other.territories.iloc[1:]
    current().save(other, author="Autre", comment="", kind="edition", expected_parent=1)
    next(t for t in at.text_input if t.label == "Auteur de la modification").input("Claire")
    button(at, "Enregistrer comme nouvelle version").click()
    run(at)
    assert any(e.startswith("Conflit de modification") for e in texts(at.error))
    assert (
        "**Modifications enregistrées entre-temps** : 0 ajouté(s), 0 retiré(s), 0 modifié(s) ; "
        "dialogues : 0 ajouté(s), 1 retiré(s)." in texts(at.markdown)
    )
    assert texts(at.info)[-1] == "Confirmez de nouveau pour remplacer la version en vigueur par votre fichier."
    assert current().current_id() == 2
    button(at, "Enregistrer comme nouvelle version").click()
    run(at)
    assert "Version 3 enregistrée : 2 territoires, 2 dialogues." in texts(at.success)
    assert (current().current().parent_id, current().current().author) == (2, "Claire")


def test_invalid_upload_lists_every_problem_and_changes_nothing(editor_env):
    at = login(run(page()))
    at.file_uploader[0].set_value(("programme.csv", INVALID, "text/csv"))
    run(at)
    assert texts(at.error) == ["Fichier refusé : 2 problèmes à corriger. Rien n'a été modifié."]
    problems = problem_table(at)
    assert problems[["Ligne", "Colonne", "Valeur"]].values.tolist() == [[2, "L4", "9"], [3, "code", "99999"]]
    assert not [b for b in at.button if b.label == "Enregistrer comme nouvelle version"]
    assert current().current_id() == 1


def test_multi_sheet_workbook_offers_the_sheet_choice(editor_env):
    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["rien ici"])
    sheet = book.create_sheet("Données 2026")
    sheet.append(["code", "type", "L1", "L2", "L3", "L4"])
    sheet.append(["13055", "commune", 3, 3, 3, 3])
    buffer = io.BytesIO()
    book.save(buffer)
    at = login(run(page()))
    at.file_uploader[0].set_value(("programme.xlsx", buffer.getvalue(), "application/octet-stream"))
    run(at)
    choice = next(s for s in at.selectbox if s.label == "Feuille à lire")
    assert choice.options == ["Notes", "Données 2026"] and choice.value == "Notes"
    assert at.error[0].value.startswith("Fichier refusé : 6 problèmes")
    choice.select("Données 2026")
    run(at)
    assert texts(at.success)[-1] == "Fichier valide : 1 territoire. Vérifiez l'aperçu, puis confirmez."


# --------------------------------------------------------------------------- edition


def _edit(at: AppTest, base: int | str, edits: dict) -> AppTest:
    """Edit the table of the editor ``donnees_editeur_<base>`` and submit it."""
    at.session_state[f"donnees_editeur_{base}"] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **edits}
    next(t for t in at.text_input if t.label == "Auteur de la modification" and t.key == "edition_auteur").input(
        "Lucie"
    )
    button(at, "Valider et enregistrer").click()
    return run(at)


def test_edit_levels_and_remove_a_territory(editor_env):
    at = login(run(page()))
    assert len(at.data_editor) == 1
    first = current().current().table.territories.iloc[0]
    _edit(at, 1, {"edited_rows": {0: {"L1": 3, "notes": "Nouvelle note"}}, "deleted_rows": [1]})
    assert "Version 2 enregistrée : 81 territoires, 254 dialogues." in texts(at.success)
    version = current().current()
    assert (version.kind, version.author, version.parent_id) == ("edition", "Lucie", 1)
    row = version.table.territories.iloc[0]
    assert (row["code"], row["L1"], row["notes"]) == (first["code"], 3, "Nouvelle note")
    assert version.is_demo  # the demo edited is still the demo
    diff = diff_tables(current().get(1).table, current().get(2).table)
    assert sorted(diff["Changement"]) == ["dialogue retiré", "modifié", "modifié"]


def test_an_invalid_edit_is_refused_like_a_file(editor_env):
    at = login(run(page()))
    _edit(at, 1, {"added_rows": [{"code": "99999", "type": "commune", "L1": 0, "L2": 0, "L3": 0, "L4": 0}]})
    assert texts(at.error) == ["Tableau modifié refusé : 1 problème à corriger. Rien n'a été modifié."]
    problems = problem_table(at)
    assert problems[["Ligne", "Colonne", "Valeur"]].values.tolist() == [[256, "code", "99999"]]
    assert current().current_id() == 1


def _other_editor_saves(changes: dict[tuple[int, str], object], parent: int = 1) -> None:
    other: ProgrammeTable = current().get(parent).table
    for (row, column), value in changes.items():
        other.territories.loc[row, column] = value
    current().save(other, author="Autre", comment="", kind="edition", expected_parent=parent)


def test_conflict_keeps_the_second_editors_changes_on_top_of_the_current_version(editor_env):
    at = login(run(page()))  # this editor starts from version 1
    _other_editor_saves({(0, "notes"): "Changement d'un autre éditeur"})
    _edit(at, 1, {"edited_rows": {2: {"L2": 3}, 3: {"notes": "Ma note"}}})
    assert current().current_id() == 2  # nothing saved yet
    assert texts(at.info)[0].startswith(
        "Rien n'a encore été enregistré : la version 2 a été enregistrée pendant "
        "que vous modifiiez la version 1. Vos modifications ont été reportées"
    )
    assert "**Vos modifications reportées (non enregistrées)** : 0 ajouté(s), 0 retiré(s), 2 modifié(s)." in texts(
        at.markdown
    )
    assert not [d for d in at.dataframe if "Votre valeur" in d.value.columns]  # no conflict
    table = at.data_editor[0].value  # the current version with this editor's changes
    assert table.loc[0, "notes"] == "Changement d'un autre éditeur"
    assert (table.loc[2, "L2"], table.loc[3, "notes"]) == (3, "Ma note")
    _edit(at, "2_reporte_1", {})
    assert "Version 3 enregistrée : 81 territoires, 255 dialogues." in texts(at.success)
    saved = current().current()
    assert (saved.author, saved.parent_id) == ("Lucie", 2)
    rows = saved.table.territories
    assert (rows.loc[0, "notes"], rows.loc[2, "L2"], rows.loc[3, "notes"]) == (
        "Changement d'un autre éditeur",
        3,
        "Ma note",
    )
    assert not texts(at.info)  # the carried-over notice is gone


def test_conflicting_cells_are_listed_and_the_editor_table_can_be_downloaded(editor_env, load_csv):
    at = login(run(page()))
    start = current().get(1).table.territories
    _other_editor_saves({(2, "L2"): (start.loc[2, "L2"] + 1) % 4})
    mine = (start.loc[2, "L2"] + 2) % 4
    _edit(at, 1, {"edited_rows": {2: {"L2": mine}, 4: {"L4": 3}}})
    [conflicts] = [d.value for d in at.dataframe if "Votre valeur" in d.value.columns]
    assert conflicts.values.tolist() == [
        [
            start.loc[2, "code"],
            start.loc[2, "type"],
            "L2",
            str(start.loc[2, "L2"]),
            str(mine),
            str((start.loc[2, "L2"] + 1) % 4),
        ]
    ]
    assert texts(at.warning)[-1].startswith("1 valeur modifiée(s) des deux côtés : la valeur en vigueur est gardée")
    table = at.data_editor[0].value
    assert (table.loc[2, "L2"], table.loc[4, "L4"]) == ((start.loc[2, "L2"] + 1) % 4, 3)
    [download] = [b for b in at.get("download_button") if b.label.startswith("Télécharger votre tableau modifié")]
    assert download.proto.label == "Télécharger votre tableau modifié (CSV, réimportable)"
    # the editor re-types their value where it must win, and saves
    _edit(at, "2_reporte_1", {"edited_rows": {2: {"L2": mine}}})
    rows = current().current().table.territories
    assert current().current_id() == 3 and (rows.loc[2, "L2"], rows.loc[4, "L4"]) == (mine, 3)


def test_the_downloaded_table_is_the_editors_and_reimports(editor_env, load_csv):
    at = login(run(page()))
    _other_editor_saves({(0, "notes"): "Autre"})
    _edit(at, 1, {"edited_rows": {1: {"notes": 'Ma note, ; "guillemets"'}}, "deleted_rows": [5]})
    carried = at.session_state[table_editor.CARRIED]
    from territorial.takeaways import exports

    again = load_csv(exports.to_csv(carried["mine"].territories, meta=carried["mine"].meta))
    assert len(again.territories) == 254 and again.territories.loc[1, "notes"] == 'Ma note, ; "guillemets"'
    assert again.territories.loc[0, "notes"] != "Autre"  # the editor's own table, not the merge


def test_abandoning_the_carried_changes(editor_env):
    at = login(run(page()))
    _other_editor_saves({(0, "notes"): "Autre"})
    _edit(at, 1, {"edited_rows": {2: {"notes": "Ma note"}}})
    button(at, "Abandonner mes modifications").click()
    run(at)
    assert not texts(at.info) and at.data_editor[0].value.loc[2, "notes"] != "Ma note"
    assert at.data_editor[0].value.loc[0, "notes"] == "Autre"
    assert current().current_id() == 2


def test_a_save_that_loses_the_race_is_carried_over_too(editor_env, monkeypatch):
    """Someone saves between the page's check and this save: the store refuses, the edits are carried."""
    at = login(run(page()))
    validate = table_editor.changes.table_from_editor

    def validate_then_someone_saves(*args, **kwargs):
        table = validate(*args, **kwargs)
        _other_editor_saves({(0, "notes"): "Plus rapide"})
        return table

    monkeypatch.setattr(table_editor.changes, "table_from_editor", validate_then_someone_saves)
    _edit(at, 1, {"edited_rows": {2: {"notes": "Ma note"}}})
    monkeypatch.setattr(table_editor.changes, "table_from_editor", validate)
    assert current().current_id() == 2
    table = at.data_editor[0].value
    assert (table.loc[0, "notes"], table.loc[2, "notes"]) == ("Plus rapide", "Ma note")


def test_behind_without_changes_just_moves_to_the_current_version(editor_env):
    at = login(run(page()))
    _other_editor_saves({(0, "notes"): "Autre"})
    run(at)
    assert any("Vos modifications ne seront pas perdues" in w for w in texts(at.warning))
    _edit(at, 1, {})
    assert not [w for w in texts(at.warning) if "depuis que vous avez commencé" in w] and not texts(at.info)
    assert at.data_editor[0].value.loc[0, "notes"] == "Autre"


# --------------------------------------------------------------------------- history and escaping


def test_history_restore_needs_the_editor_role(editor_env):
    run(page())  # version 1 = demo
    store = current()
    table = store.get(1).table
    table.territories = table.territories[table.territories["code"].isin(table.territories["code"].unique()[:10])]
    store.save(
        table,
        author="<script>alert(1)</script>",
        comment="[clic](javascript:alert(1))",
        kind="edition",
        expected_parent=1,
    )
    at = page("historique")
    at.query_params["version"] = "1"
    run(at)
    assert at.dataframe[0].value["Version"].tolist() == [2, 1]
    assert at.dataframe[0].value["Version de départ"].tolist() == ["1", "—"]
    assert next(s for s in at.selectbox if s.key == "historique_version").value == 1
    assert any(m.startswith("**De la version 2 à la version 1** : 71 ajouté(s)") for m in texts(at.markdown))
    assert not [b for b in at.button if b.label == "Restaurer la version 1"]
    assert [b.label for b in at.get("download_button")][0] == "Programme, tous les dialogues (CSV, réimportable)"
    login(at)
    next(t for t in at.text_input if t.key == "restauration_auteur").input("Marc")
    button(at, "Restaurer la version 1").click()
    run(at)
    assert current().current_id() == 3
    assert current().current().kind == "restauration"
    assert diff_tables(current().get(1).table, current().get(3).table).empty


def test_data_text_is_escaped_in_markdown(env):
    run(page())
    store = current()
    store.save(
        store.get(1).table,
        author="<img src=x onerror=alert(1)>",
        comment="**gras** <script>",
        kind="edition",
        expected_parent=1,
    )
    at = run(page())
    caption = at.markdown[0].value
    assert not re.search(r"(?<!\\)[<>*]", caption.replace("Version **2**", ""))
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in caption
    assert "\\*\\*gras\\*\\*" in caption


def test_a_version_saved_elsewhere_is_seen_at_the_next_rerun(env):
    at = run(page())
    assert at.markdown[0].value.endswith("— 81 territoires.")
    store = current()
    table = store.get(1).table
    table.territories = table.territories[table.territories["code"].isin(table.territories["code"].unique()[:10])]
    table.meta = {}
    store.save(table, author="Autre session", comment="", kind="import", expected_parent=1)
    run(at)
    assert at.markdown[0].value.startswith("Version **2** du ")
    assert at.markdown[0].value.endswith("— 10 territoires.")
    programme = data.programme_at(2)
    assert len(programme.territories) == 10 and not programme.is_demo


def test_own_import_does_not_block_the_editor(editor_env):
    at = login(run(page()))
    assert not at.warning
    at.file_uploader[0].set_value(("programme.csv", VALID, "text/csv"))
    run(at)
    next(t for t in at.text_input if t.label == "Auteur de la modification").input("Claire")
    button(at, "Enregistrer comme nouvelle version").click()
    run(at)
    assert not [w for w in texts(at.warning) if "depuis que vous avez commencé" in w]
    assert len(at.data_editor) == 1 and len(at.data_editor[0].value) == 2


# --------------------------------------------------------------------------- limits


def test_the_uploader_says_the_limits(editor_env):
    at = login(run(page()))
    expected = (
        "Limites : 5 Mo, 20\u202f000 lignes (territoires × dialogues), 50 colonnes, 32\u202f767 caractères par cellule"
    )
    assert at.file_uploader[0].proto.help.startswith(expected)
    assert any(expected in c.value for c in at.caption)


def test_thousands_of_problems_list_the_first_ones_and_count_the_others(editor_env):
    rows = "".join(f"9{i:04d};quartier;9;9;9;9\n" for i in range(1_000))
    at = login(run(page()))
    at.file_uploader[0].set_value(("programme.csv", f"code;type;L1;L2;L3;L4\n{rows}".encode(), "text/csv"))
    run(at)
    assert texts(at.error) == ["Fichier refusé : 5\u202f000 problèmes à corriger. Rien n'a été modifié."]
    assert len(problem_table(at)) == 200
    assert "… et 4\u202f800 autres problèmes : corrigez d'abord ceux-ci, puis importez de nouveau le fichier." in texts(
        at.caption
    )


def test_preview_and_changes_of_a_large_file_are_bounded(editor_env, reference):
    codes = list(reference.communes.index[:600])
    rows = "".join(f"{code};commune;1;0;0;0\n" for code in codes)
    at = login(run(page()))
    at.file_uploader[0].set_value(("programme.csv", f"code;type;L1;L2;L3;L4\n{rows}".encode(), "text/csv"))
    run(at)
    assert texts(at.success)[-1] == "Fichier valide : 600 territoires. Vérifiez l'aperçu, puis confirmez."
    preview = next(d.value for d in at.dataframe if "L1" in d.value.columns)
    changes = next(d.value for d in at.dataframe if "Changement" in d.value.columns)
    assert len(preview) == len(changes) == editor.SHOWN_ROWS == 500
    captions = texts(at.caption)
    assert "… et 100 autres territoires : seules les 500 premières lignes sont affichées." in captions
    assert any(c.startswith("… et 181 autres lignes de changements") for c in captions)  # 600 added, 81 removed


# --------------------------------------------------------------------------- recording a dialogue


def test_recording_a_dialogue_adds_a_dated_row_and_keeps_the_others(editor_env):
    import datetime as dt

    at = login(run(page()))
    before = current().current().table.territories
    corte = before[before["code"] == "2B096"]
    next(s for s in at.selectbox if s.key == "dialogue_territoire").set_value("2B096")
    run(at)
    # the form is prefilled with the latest levels
    assert [
        next(s for s in at.selectbox if s.key == f"dialogue_2B096_{lv}").value for lv in ("L1", "L2", "L3", "L4")
    ] == [int(corte.iloc[-1][lv]) for lv in ("L1", "L2", "L3", "L4")]
    next(d for d in at.date_input if d.label == "Date du dialogue").set_value(dt.date(2026, 11, 20))
    next(t for t in at.text_input if t.label == "Étape (facultatif)").input("T+30")
    next(s for s in at.selectbox if s.key == "dialogue_2B096_L2").set_value(2)
    next(t for t in at.text_area if t.label == "Notes").input("Comité de pilotage élargi")
    next(t for t in at.text_input if t.key == "dialogue_auteur").input("Chloé")
    button(at, "Enregistrer ce dialogue").click()
    run(at)
    assert "Version 2 enregistrée : 81 territoires, 256 dialogues." in texts(at.success)
    saved = current().current()
    assert (saved.author, saved.comment) == ("Chloé", "Dialogue du 20 novembre 2026 : Corte")
    rows = saved.table.territories
    new = rows[rows["code"] == "2B096"]
    assert new[["date_dialogue", "etape", "L2", "notes"]].values.tolist()[-1] == [
        "2026-11-20",
        "T+30",
        2,
        "Comité de pilotage élargi",
    ]
    assert len(new) == len(corte) + 1
    diff = diff_tables(current().get(1).table, saved.table)
    assert diff[["Code", "Dialogue", "Changement"]].values.tolist() == [
        ["2B096", "20 novembre 2026", "dialogue ajouté"]
    ]


def test_a_dialogue_on_a_date_already_recorded_is_refused_by_field(editor_env):
    import datetime as dt

    at = login(run(page()))
    next(s for s in at.selectbox if s.key == "dialogue_territoire").set_value("2B096")
    run(at)
    next(d for d in at.date_input if d.label == "Date du dialogue").set_value(dt.date(2025, 6, 19))  # its T+12
    next(t for t in at.text_input if t.key == "dialogue_auteur").input("Chloé")
    button(at, "Enregistrer ce dialogue").click()
    run(at)
    assert texts(at.error) == ["Dialogue refusé : 1 problème à corriger. Rien n'a été modifié."]
    problems = problem_table(at)
    assert problems[["Ligne", "Colonne"]].values.tolist()[0][1] == "date du dialogue"
    assert "deux dialogues de ce territoire à la même date (19 juin 2025)" in problems["Problème"].iloc[0]
    assert current().current_id() == 1
