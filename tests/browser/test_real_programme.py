"""The programme's real data comes in without a developer, in Chromium (issue 21): a spreadsheet
that names its territories (one ambiguous, one mistyped, one not in the reference), one segment
set by the programme, settled in the review and saved; then a lever renamed and a threshold moved
in the definition editor; the overview, a fiche and its PDF show the result."""

from __future__ import annotations

import io
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from territorial.harness.server import Server

from .conftest import ARTIFACTS, EDITOR_PASSWORD

PASSWORD = EDITOR_PASSWORD
WAIT = 120_000  # ms: the names' index is built on the first file of names (slow on a busy machine)
LE_HAVRE = "76351"  # 166 687 inhabitants: « Territoires intermédiaires » by population, S1 by the programme
NAMES = (
    b"nom;segment;L1;L2;L3;L4;date_dialogue\n"
    b"Ville du Havre;petits territoires;1;1;0;0;2025-03-14\n"
    b"Saint-Denis (974);;1;1;1;1;2025-04-01\n"
    b"Vienne;;0;1;2;3;2025-05-02\n"
    b"PETR du Pays de Langres;;1;0;0;1;2025-06-03\n"
    b"Bordaux;;2;2;2;2;2025-07-04\n"
)


def _choose(page: Page, box: str, typed: str) -> None:
    """Choose in a Streamlit selectbox as a person does: type a part of the option, then Enter."""
    combobox = page.get_by_role("combobox", name=box)
    combobox.click()
    page.keyboard.type(typed)
    page.get_by_role("option").first.wait_for()
    page.keyboard.press("Enter")
    expect(page.get_by_role("combobox", name=box)).to_have_count(1, timeout=WAIT)


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_a_spreadsheet_of_names_becomes_the_programme_in_its_own_words(browser: Browser, editor_server: Server) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR", accept_downloads=True)
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        _whole_path(page, editor_server)
    except Exception:
        _shot(page, "programme-reel-echec.png")
        raise
    finally:
        context.close()


def _whole_path(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/donnees")
    page.get_by_label("Mot de passe d'éditeur").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Vous êtes connecté en éditeur")).to_be_visible(timeout=WAIT)

    # 1. the file of names: reviewed before anything is validated or saved
    page.get_by_role("tab", name="Importer un fichier").click()
    page.locator('input[type="file"][accept*=".csv"]').set_input_files(
        files=[{"name": "programme-reel.csv", "mimeType": "text/csv", "buffer": NAMES}]
    )
    expect(page.get_by_text(re.compile(r"^Territoires donnés par leur nom : 5 lignes"))).to_be_visible(timeout=WAIT)
    _choose(page, "Territoire de la ligne 4", "Isère")
    _choose(page, "Territoire de la ligne 6", "Chercher un autre")
    search = page.get_by_label("Chercher par nom (ligne 6)")
    search.fill("Bordeaux")
    search.press("Enter")
    _choose(page, "Résultats (ligne 6)", "Gironde")
    _choose(page, "Territoire de la ligne 5", "Déclarer un groupement")
    members = page.get_by_label(re.compile(r"^Membres du groupement \(ligne 5\)"))
    members.fill("CC du Grand Langres\nCC des Savoir-Faire\n200027308")
    members.press("Control+Enter")
    expect(page.get_by_text(re.compile(r"^Fichier valide : 5 territoires"))).to_be_visible(timeout=WAIT)
    _shot(page, "programme-reel-revue.png")
    page.locator('input[aria-label="Auteur de la modification"]:visible').first.fill("Claire, coordinatrice")
    page.get_by_role("button", name="Enregistrer comme nouvelle version").click()
    expect(page.get_by_text(re.compile(r"^Version 2 enregistrée : 5 territoires"))).to_be_visible(timeout=WAIT)

    # 2. the programme's own words: a lever renamed, a threshold moved
    page.get_by_role("tab", name="Définition du programme").click()
    page.get_by_label("Libellé du levier L3").fill("Fonds partagés du territoire")
    threshold = page.get_by_label("Seuil du segment S3 (habitants)")
    threshold.fill("150000")
    threshold.press("Tab")
    page.get_by_role("button", name="Vérifier la modification").click()
    expect(page.get_by_text(re.compile(r"^Définition valide"))).to_be_visible(timeout=WAIT)
    _shot(page, "programme-reel-definition.png")
    page.locator('input[aria-label="Auteur de la modification"]:visible').last.fill("Claire, coordinatrice")
    page.get_by_role("button", name="Enregistrer la définition comme nouvelle version").click()
    expect(page.get_by_text(re.compile(r"^Version 3 enregistrée"))).to_be_visible(timeout=WAIT)

    # 3. the overview: no demo notice, the programme's lever name
    page.goto(f"{server.url}/")
    expect(page.get_by_text("Fonds partagés du territoire").first).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Données de démonstration")).to_have_count(0, timeout=WAIT)
    _shot(page, "programme-reel-accueil.png")

    # 4. the fiche of Le Havre: placed by the programme, and said so (page and PDF)
    page.goto(f"{server.url}/fiche?territoire={LE_HAVRE}")
    expect(page.locator(".fiche-segment")).to_have_text("Petits territoires", timeout=WAIT)
    expect(
        page.get_by_text(re.compile(r"Segment attribué par le programme ; sa population le placerait dans"))
    ).to_be_visible(timeout=WAIT)
    # with the S3 threshold at 150 000, its 166 687 inhabitants would place it among the « Grands territoires »
    expect(page.get_by_text(re.compile(r"placerait dans « Grands territoires »")).first).to_be_visible(timeout=WAIT)
    _shot(page, "programme-reel-fiche.png")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(r"^Télécharger la fiche")).click()
    pdf = Path(download.value.path()).read_bytes()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "segment attribué par le programme" in text
    assert "Fonds partagés du territoire" in text
    assert "Données de démonstration" not in text
