"""Données : exporter le programme, importer un fichier, le modifier dans l'application, et sa définition.

Viewing and exporting are open to anyone; importing and editing need the editor
role. Every change becomes a new version (see the « Historique » page).
"""

import streamlit as st

from territorial.ui import (
    data,
    definition_editor,
    dialogue_form,
    downloads,
    editor,
    editor_role,
    importer,
    programme_exports,
    table_editor,
)
from territorial.ui.router import ensure_routed

ensure_routed()
version_id = data.current_version_id()
programme = data.programme()  # the router's read, as every page
current = data.version(version_id)

st.title("Données du programme")
editor.flash()
st.markdown(f"{editor.version_caption(current)} — {len(programme.territories)} territoires.")
if programme.is_demo:
    st.caption(
        "La version en vigueur contient les données de démonstration : importez le fichier du "
        "programme pour les remplacer."
    )
st.caption(
    "Chaque import, modification ou restauration crée une nouvelle version : rien n'est écrasé, "
    "et la page « Historique » permet de comparer les versions et d'en restaurer une."
)

st.header("Exporter")
st.caption(
    "CSV en UTF-8 avec « ; » comme séparateur (s'ouvre directement dans Excel) ; le fichier "
    "« Programme » peut être modifié puis réimporté. Le GeoJSON contient les contours simplifiés."
)
programme_exports.export_buttons(programme, current, key="export_courant")
programme_exports.as_of_button(programme, key="export_courant")
st.caption("Les fiches PDF d'une page de tous les territoires, en un fichier ZIP :")
downloads.all_fiches_zip_button(programme)

st.header("Importer ou modifier")
st.caption(
    "Pour partir de votre tableur : le modèle donne les colonnes, un exemple par nature de territoire "
    "(dont un territoire donné par son seul nom) et, dans le classeur, une feuille « Instructions » "
    "qui dit ce que prend chaque colonne."
)
programme_exports.template_buttons(programme.definition, key="donnees")
if editor_role.editor_gate():
    # The tabs keep their selection (key, state tracked): a save above them changes the page, and
    # without a key the browser would show the first tab again in the middle of the work.
    tab_dialogue, tab_import, tab_edit, tab_definition = st.tabs(
        ["Enregistrer un dialogue", "Importer un fichier", "Modifier dans l'application", "Définition du programme"],
        key="donnees_onglet",
        on_change="rerun",
    )
    with tab_dialogue:
        st.caption(
            "Après un dialogue de gouvernance : choisissez le territoire, la date, les niveaux des "
            "leviers constatés et vos notes. Les dialogues précédents sont gardés : le tableau de bord "
            "montre l'évolution du territoire (fiche, segments, atelier)."
        )
        dialogue_form.record_section(current)
    with tab_import:
        st.caption(
            "Un fichier qui contient la moindre erreur ne change rien : tous les problèmes sont "
            "listés, avec la ligne et la colonne, pour être corrigés en une fois."
        )
        importer.import_section(current)
    with tab_edit:
        st.caption(
            "Une ligne par territoire et par dialogue. Modifiez les niveaux, les dates et les notes ; "
            "ajoutez une ligne (code, type et date) ou supprimez-en une. Le tableau est vérifié comme "
            "un fichier importé."
        )
        table_editor.edit_section(current)
    with tab_definition:
        st.caption(
            "Les noms, seuils, couleurs et descriptions des segments et des leviers, les niveaux "
            "d'activation et l'intervalle de suivi. Avant l'enregistrement, la page montre les "
            "territoires qui changent de segment ; la définition est enregistrée avec les données, "
            "comme une nouvelle version (page « Historique »)."
        )
        definition_editor.definition_section(current)
