"""A file of territories by name, settled in Chromium on « Données » then saved as a new version.

Its own server (an empty store in a temporary directory, an editor password): upload a file
with a homonym (Vienne), a groupement (a PETR), a typo (Bordaux), a renamed EPCI (CC du Pays
de Lunel), choose in the review, see the usual validation, confirm, and read the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from territorial.editing import access
from territorial.harness.server import Server
from territorial.storage import store

from .conftest import ARTIFACTS, REPO_ROOT, SERVER_START_TIMEOUT

PASSWORD = "mot de passe des noms"
NAMES = (
    "nom;L1;L2;L3;L4\n"
    "Saint-Denis (974);1;1;1;1\n"
    "Vienne;0;1;2;3\n"
    "PETR du Pays de Langres;1;0;0;1\n"
    "Bordaux;2;2;2;2\n"
    "Ville du Havre;1;1;0;0\n"
    "CC du Pays de Lunel;0;0;1;1\n"
    "Région Bretagne;2;2;1;3\n"
)


def choose(page, label: str, option: str) -> None:
    """Pick an option of a selectbox (the list may close if the page reruns meanwhile: retried)."""
    for _ in range(3):
        page.get_by_label(label).click()
        try:
            page.get_by_role("option", name=option).first.click(timeout=10_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"option « {option} » of « {label} » never shown")


@pytest.fixture
def editor_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path / "var"
    env = {store.ENV_DATA_DIR: str(data_dir), access.ENV_HASH: access.hash_password(PASSWORD), store.ENV_URL: None}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with Server(app=REPO_ROOT / "app.py", log=ARTIFACTS / "streamlit-names.log", env=env) as server:
        server.wait_healthy(SERVER_START_TIMEOUT)
        yield server.url, data_dir


def test_a_file_of_names_is_settled_in_the_review_then_saved(editor_server, watched_page, tmp_path) -> None:
    url, data_dir = editor_server
    page = watched_page.page
    page.set_default_timeout(90_000)
    source = tmp_path / "noms.csv"
    source.write_text(NAMES, encoding="utf-8")
    page.goto(f"{url}/donnees")
    page.get_by_label("Mot de passe d'éditeur").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("tab", name="Importer un fichier").click()
    page.locator('input[type=file][accept*=".csv"]').set_input_files(str(source))
    page.get_by_text("7 lignes à rapprocher du référentiel — 3 sûre(s), 4 à régler").wait_for()
    page.get_by_text("Encore 4 lignes à régler avant la validation du fichier.").wait_for()

    choose(page, "Territoire de la ligne 3", "Vienne — Commune, Isère (38)")
    page.get_by_text("Encore 3 lignes à régler").wait_for()
    choose(page, "Territoire de la ligne 5", "Bordeaux — Commune, Gironde (33)")
    page.get_by_text("Encore 2 lignes à régler").wait_for()
    choose(page, "Territoire de la ligne 7", "Communauté d'agglomération Lunel Agglo")
    page.get_by_text("Encore 1 ligne à régler").wait_for()
    members = page.get_by_label("Membres du groupement (ligne 4)", exact=False)
    members.fill("CC du Grand Langres\nCC des Savoir-Faire\nCC Auberive Vingeanne et Montsaugeonnais")
    members.press("Control+Enter")
    page.get_by_text("Fichier valide : 7 territoires. Vérifiez l'aperçu, puis confirmez.").wait_for()
    assert page.get_by_role("button", name="Télécharger le fichier avec les codes (CSV)").is_visible()

    page.locator('input[aria-label="Auteur de la modification"]:visible').fill("Claire")
    page.get_by_role("button", name="Enregistrer comme nouvelle version").click()
    page.get_by_text("Version 2 enregistrée : 7 territoires, 7 dialogues.").wait_for()
    saved = store.Store.open(store.sqlite_url(data_dir)).current().table.territories
    assert saved["code"].tolist() == [
        "97411",
        "38544",
        "PETR-DU-PAYS-DE-LANGRES",
        "33063",
        "76351",
        "243400520",
        "53",
    ]
    assert saved.loc[2, "membres"] == "200072999 200070332 200027308"
    assert not watched_page.external_requests and not watched_page.page_errors
