"""The programme's definition edited in the browser: a lever renamed and a threshold moved on
« Données », saved as a version; the fiche then shows the new segment, its badge's text in the
colour that reads on it (issue 22, point 12)."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from territorial.harness.server import Server

from .conftest import ARTIFACTS, EDITOR_PASSWORD

PASSWORD = EDITOR_PASSWORD
MORMAL = "200043321"  # 48 048 inhabitants: « Petits territoires » until the threshold moves to 47 000


def test_a_lever_renamed_and_a_threshold_moved_in_the_app_reach_the_fiche(
    browser: Browser, editor_server: Server
) -> None:
    server = editor_server
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(f"{server.url}/donnees")
    page.get_by_label("Mot de passe d'éditeur").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Vous êtes connecté en éditeur")).to_be_visible()
    page.get_by_role("tab", name="Définition du programme").click()
    page.get_by_label("Libellé du levier L1").fill("Ingénierie partagée")
    threshold = page.get_by_label("Seuil du segment S2 (habitants)")
    threshold.fill("47000")
    threshold.press("Tab")
    page.get_by_role("button", name="Vérifier la modification").click()
    expect(page.get_by_text(re.compile(r"^Définition valide \(formulaire\)"))).to_be_visible()
    expect(page.get_by_text("2 territoires change(nt) de segment :")).to_be_visible()
    expect(
        page.get_by_text("Levier L1 : libellé « Compétences & ingénierie » → « Ingénierie partagée »")
    ).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "definition-apercu.png"), full_page=True)
    page.locator('input[aria-label="Auteur de la modification"]:visible').last.fill("Claire, coordinatrice")
    page.get_by_role("button", name="Enregistrer la définition comme nouvelle version").click()
    expect(page.get_by_text(re.compile(r"^Version 2 enregistrée"))).to_be_visible()

    page.goto(f"{server.url}/fiche?territoire={MORMAL}")
    badge = page.locator(".fiche-segment")
    expect(badge).to_have_text("Territoires intermédiaires")
    assert badge.evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 0)"  # black reads on #2c7fb8
    expect(page.get_by_text("Ingénierie partagée").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "definition-fiche.png"), full_page=False)
    context.close()
