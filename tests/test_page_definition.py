"""AppTest of the definition editor (« Données », tab « Définition du programme ») and of
the definition in « Historique »: preview, save as a version, comparison, restoration."""

from __future__ import annotations

import pandas as pd
import pytest

from territorial.model.definition import DEFAULT_DEFINITION, parse_definition
from territorial.model.definition_file import definition_data, definition_from_text, render_definition
from territorial.ui import data
from tests.markdown_text import shown
from tests.test_page_donnees import (  # noqa: F401 (fixtures)
    button,
    current,
    editor_env,
    env,
    login,
    page,
    password_hash,
    run,
)

pytestmark = pytest.mark.usefixtures("editor_env")

COUTANCES, MORMAL = "200067023", "200043321"  # 47 611 and 48 048 inhabitants in the demo


def texts(elements) -> list[str]:
    """What a person reads in these elements (Markdown escapes resolved)."""
    return [shown(e.value) for e in elements]


def _field(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def _check(at):
    button(at, "Vérifier la modification").click()
    return run(at)


def test_renaming_a_lever_and_moving_a_threshold_shows_what_changes_then_saves_a_version():
    at = login(run(page()))
    _field(at.text_input, "Libellé du levier L1").input("Ingénierie partagée")
    _field(at.number_input, "Seuil du segment S2 (habitants)").set_value(47_000)
    _check(at)
    assert any(s.startswith("Définition valide (formulaire).") for s in texts(at.success))
    changes = next(m for m in texts(at.markdown) if "→" in m)
    assert "Levier L1 : libellé « Compétences & ingénierie » → « Ingénierie partagée »" in changes
    assert "Segment S1 : " not in changes and "Segment S2 : seuil (borne basse) 50\u202f000 → 47\u202f000" in changes
    [guess] = texts(at.warning)
    assert "la description du segment S2 cite encore « 50 000 », un seuil déplacé : à vérifier" in guess
    moves = next(d.value for d in at.dataframe if "Segment après" in d.value.columns)
    assert moves["Code"].tolist() == [MORMAL, COUTANCES]  # largest first
    assert moves["Segment avant"].tolist() == ["Petits territoires"] * 2
    assert moves["Segment après"].tolist() == ["Territoires intermédiaires"] * 2
    assert moves["Population"].tolist() == ["48\u202f048\u00a0hab.", "47\u202f611\u00a0hab."]
    counts = next(d.value for d in at.dataframe if list(d.value.columns) == ["Segment", "Avant", "Après"])
    assert counts.set_index("Segment").loc["S1 – Petits territoires"].tolist() == [29, 27]
    assert counts.set_index("Segment").loc["S2 – Territoires intermédiaires"].tolist() == [26, 28]
    assert current().current_id() == 1  # nothing saved yet

    at.text_input(key="definition_auteur").input("Claire")
    button(at, "Enregistrer la définition comme nouvelle version").click()
    run(at)
    saved = current().current()
    assert (saved.id, saved.kind, saved.author) == (2, "edition", "Claire")
    assert saved.comment.startswith("Définition modifiée : Segment S2 : seuil (borne basse)")
    stored = definition_from_text(saved.definition_toml)
    assert stored.lever("L1").label == "Ingénierie partagée" and stored.segment("S2").minimum == 47_000
    assert saved.table.territories.equals(current().get(1).table.territories)  # the data are unchanged
    programme = data.programme_at(2)
    assert programme.definition == stored
    assert programme.territories.loc[[COUTANCES, MORMAL], "segment"].tolist() == ["S2", "S2"]
    assert data.programme_at(1).territories.loc[COUTANCES, "segment"] == "S1"
    # the form now shows the saved definition
    assert _field(at.text_input, "Libellé du levier L1").value == "Ingénierie partagée"

    history = run(page("historique"))
    history.selectbox(key="historique_version").set_value(2)
    run(history)
    shown = "\n".join(texts(history.markdown))
    assert "**Définition du programme** : 2 changements." in shown
    assert "Levier L1 : libellé « Compétences & ingénierie » → « Ingénierie partagée »" in shown

    history.selectbox(key="historique_version").set_value(1)
    login(run(history))
    history.text_input(key="restauration_auteur").input("Claire")
    button(history, "Restaurer la version 1").click()
    run(history)
    restored = current().current()
    assert (restored.id, restored.kind) == (3, "restauration")
    assert definition_from_text(restored.definition_toml) == definition_from_text(
        DEFAULT_DEFINITION.read_text(encoding="utf-8")
    )
    assert data.programme_at(3).territories.loc[COUTANCES, "segment"] == "S1"


def test_overlapping_bands_and_a_pale_colour_are_refused_in_french():
    at = login(run(page()))
    _field(at.number_input, "Seuil du segment S3 (habitants)").set_value(30_000)  # below S2's 50 000
    _field(at.color_picker, "Couleur du levier L2").set_value("#ffe680")
    _check(at)
    [error] = [e for e in texts(at.error) if e.startswith("Modification de la définition refusée")]
    assert "levier n°2 (L2) : couleur #ffe680 trop pâle pour la carte" in error
    assert "segment n°2 (S2) : « max » doit être un entier supérieur à « min »" in error
    assert current().current_id() == 1
    assert not [b for b in at.button if b.label == "Enregistrer la définition comme nouvelle version"]


def _upload_definition(at, text: str, name: str = "definition.toml"):
    uploader = next(u for u in at.file_uploader if "définition" in u.label)
    uploader.set_value((name, text.encode("utf-8"), "application/toml"))
    return run(at)


def test_a_toml_file_with_a_duplicate_id_or_removing_a_used_lever_is_refused(definition):
    at = login(run(page()))
    raw = definition_data(definition)
    raw["leviers"][1]["id"] = "L1"
    duplicate = render_definition(definition).replace('id = "L2"', 'id = "L1"')
    _upload_definition(at, duplicate)
    assert any("identifiant de levier en double : L1" in e for e in texts(at.error))

    raw = definition_data(definition)
    raw["leviers"] = raw["leviers"][:3]  # L4 removed, but the demo activates it
    _upload_definition(at, render_definition(parse_definition(raw)), "sans_l4.toml")
    [error] = [e for e in texts(at.error) if e.startswith("Définition refusée")]
    assert "le levier L4 (« Coopérations & gouvernance territoriale ») est retiré, mais" in error
    assert current().current_id() == 1


def test_a_toml_file_exported_then_imported_changed_becomes_the_definition(definition):
    at = login(run(page()))
    exported = next(b for b in at.get("download_button") if b.label == "Télécharger la définition (TOML)")
    assert exported is not None
    changed = render_definition(definition).replace('libelle = "engagé"', 'libelle = "impliqué"')
    _upload_definition(at, changed)
    assert any("import du fichier « definition.toml »" in s for s in texts(at.success))
    assert any("Niveau d'activation 2 : libellé « engagé » → « impliqué »" in m for m in texts(at.markdown))
    at.text_input(key="definition_auteur").input("Claire")
    button(at, "Enregistrer la définition comme nouvelle version").click()
    run(at)
    assert data.programme_at(2).definition.level_label(2) == "impliqué"


def test_an_xlsx_export_moves_the_whole_programme_with_its_definition(definition, demo):
    import dataclasses

    from territorial.takeaways import exports

    raw = definition_data(definition)
    raw["leviers"][3]["libelle"] = "Alliances territoriales"
    raw["segments"][1]["min"] = raw["segments"][0]["max"] = 47_000
    other = parse_definition(raw)
    workbook = exports.to_xlsx(dataclasses.replace(demo, definition=other))  # from another installation
    at = login(run(page()))
    at.file_uploader[0].set_value(("programme.xlsx", workbook, "application/octet-stream"))
    run(at)
    assert any("feuille « Définition »" in i for i in texts(at.info))
    assert any(
        "Levier L4 : libellé « Coopérations & gouvernance territoriale » → « Alliances territoriales »" in m
        for m in texts(at.markdown)
    )
    moves = next(d.value for d in at.dataframe if "Segment après" in d.value.columns)
    assert moves["Code"].tolist() == [MORMAL, COUTANCES]
    at.text_input(key="import_auteur").input("Claire")
    button(at, "Enregistrer comme nouvelle version").click()
    run(at)
    saved = current().current()
    assert (saved.id, saved.kind) == (2, "import")
    assert definition_from_text(saved.definition_toml) == other
    assert data.programme_at(2).definition.lever("L4").label == "Alliances territoriales"
    pd.testing.assert_frame_equal(data.programme_at(2).assessments, demo.assessments)


def test_the_form_checked_after_a_file_keeps_its_own_proposal():
    at = login(run(page()))
    definition = data.definition()
    _upload_definition(at, render_definition(definition).replace('libelle = "engagé"', 'libelle = "impliqué"'))
    assert any("import du fichier" in s for s in texts(at.success))
    _field(at.text_input, "Libellé du levier L3").input("Financement partagé")
    _check(at)
    run(at)  # another run (the file is still in its uploader): the form's proposal stays
    assert any(s.startswith("Définition valide (formulaire).") for s in texts(at.success))
    assert any("Levier L3 : libellé" in m for m in texts(at.markdown))
