"""Atelier: the projection sequence for a live workshop (1920×1080, works offline).

Overview → each segment → each lever → what changed since the first dialogues (two maps
side by side) → a chosen territory, with big « Précédent » /
« Suivant » buttons (PageUp / PageDown, as sent by presentation clickers), a step
selector, and the step in the URL (``?etape=3``).
"""

import streamlit as st

from territorial.content.workshop import CHANGES, EVIDENCE, TERRITORY, after_label, map_caption, territory_options
from territorial.core.fmt import escape_html, escape_markdown
from territorial.ui import as_of, downloads, size_effect, url_state, vega, workshop
from territorial.ui.layout import show_map
from territorial.ui.router import ensure_routed

MAP_HEIGHT = 740

ensure_routed()
programme = as_of.programme()

code, code_note = workshop.territory(programme)
sequence = workshop.sequence(programme, code)
number, step_note = workshop.current_step(len(sequence))
step = sequence[number - 1]

back, choose, forward = st.columns([1, 4, 1], vertical_alignment="center")
back.button(
    "◀ Précédent",
    key="atelier_precedent",
    on_click=workshop.go_to,
    args=(number - 1,),
    disabled=number == 1,
    shortcut="PageUp",
    use_container_width=True,
)
with choose:
    workshop.step_selector(sequence)
forward.button(
    "Suivant ▶",
    key="atelier_suivant",
    on_click=workshop.go_to,
    args=(number + 1,),
    disabled=number == len(sequence),
    shortcut="PageDown",
    use_container_width=True,
)
url_state.warn([step_note, code_note])

text, picture = st.columns([3, 2] if step.kind == EVIDENCE else [1, 2], gap="large")
with text:
    st.caption(f"Étape {number} sur {len(sequence)}")
    st.title(escape_markdown(step.title), anchor=False)
    if step.subtitle:
        st.html(f'<p class="atelier-soustitre">{escape_html(step.subtitle)}</p>')
    if step.kind == TERRITORY:
        workshop.territory_selector(territory_options(programme), code)
    with st.container(key="atelier_corps"):
        if step.body:
            st.markdown(escape_markdown(step.body))
    if step.points:
        with st.container(key="atelier_constats"):
            st.markdown("\n".join(f"- {escape_markdown(point)}" for point in step.points))
    for row in range(0, len(step.figures), 2):
        for column, figure in zip(st.columns(2), step.figures[row : row + 2], strict=False):
            with column:
                st.metric(escape_markdown(figure.label), figure.value)
                if figure.detail:
                    st.caption(escape_markdown(figure.detail))
with picture, st.container(key="atelier_carte"):  # its height follows the screen's (atelier.css)
    if step.kind == CHANGES:
        before, after = workshop.changes_maps_cached(programme, height=MAP_HEIGHT)
        for column, m, label in zip(
            st.columns(2), (before, after), ("Au premier dialogue", after_label(programme)), strict=True
        ):
            with column:
                st.markdown(f"**{escape_markdown(label)}**")
                show_map(m, title=f"Carte : {label}", height=MAP_HEIGHT)
    elif step.kind == EVIDENCE:
        vega.show(size_effect.projection_chart(programme))
    else:
        show_map(
            workshop.step_map_cached(programme, step, height=MAP_HEIGHT),
            title=f"Carte : {step.title}",
            height=MAP_HEIGHT,
        )
    st.caption(escape_markdown(map_caption(programme, step)))

st.page_link("pages/accueil.py", label="Quitter le mode atelier (retour à la vue d'ensemble)")
st.page_link("pages/salle.py", label="Faire répondre la salle depuis les téléphones (salles et leurs résultats)")
with st.expander("Préparer un atelier sans connexion"):
    st.caption(
        "Un seul fichier HTML (carte, chiffres clés par segment et par levier) qui s'ouvre "
        "depuis une clé USB dans un navigateur, sans serveur ni réseau."
    )
    downloads.workshop_pack_button(programme)
