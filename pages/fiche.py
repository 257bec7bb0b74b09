"""Fiche territoire: one territory on one page, for the elected officials it concerns.

Reached by a link (``/fiche?territoire=200046977``) or by the search box. Readable
on a phone (columns stack) and printable (the search box and widgets are hidden).
"""

import streamlit as st

from territorial.content.fiche import Fiche, examples
from territorial.content.fiche_text import chip_html, facts_markdown, levers_html, peers_markdown, similar_markdown
from territorial.core.fmt import escape_markdown, fr_int
from territorial.ui import as_of, cached_views, downloads, url_state
from territorial.ui.evolution import fiche_timeline
from territorial.ui.fiche import fiche, fiche_map
from territorial.ui.layout import show_map
from territorial.ui.router import ensure_routed

PARAM = "territoire"


def _choose() -> None:
    code = st.session_state.get("fiche_choix")
    if code:
        url_state.sync({PARAM: code})


def search_box(*, expanded: bool) -> None:
    """Text search → matching territories (homonyms told apart) → the chosen fiche.

    Closed above a fiche, its widgets are built only once it is opened (a lazy expander,
    documented): a fiche opened from a link does not load the code of a text box and a list
    before its map (docs/performances.md).
    """
    with st.container(key="fiche_recherche"):
        box = st.expander(
            "Chercher un territoire",
            expanded=expanded,
            key=f"fiche_recherche_{'ouverte' if expanded else 'fermee'}",
            on_change="rerun",
        )
    if not box.open:
        return
    with box:
        query = st.text_input(
            "Nom ou code du territoire", key="fiche_requete", placeholder="ex. Lyon, 69123, Saint-Étienne…"
        )
        found = cached_views.search(programme, query, limit=200)
        if not found:
            st.info("Aucun territoire du programme ne correspond à cette recherche.")
            return
        label = (
            f"Territoires trouvés : {fr_int(len(found))}"
            if query.strip()
            else f"Ou choisir parmi les {fr_int(len(found))} territoires du programme"
        )
        st.selectbox(
            label,
            list(found),
            index=None,
            format_func=found.__getitem__,
            placeholder="Choisir un territoire…",
            key="fiche_choix",
            on_change=_choose,
        )


def landing() -> None:
    """No code in the URL: what the page is, the search box, one example per segment."""
    st.title("Fiche territoire", anchor=False)
    st.markdown(
        "La fiche d'un territoire du programme : son segment de taille, les leviers qu'il "
        "active, et comment il se compare aux territoires de même taille."
    )
    search_box(expanded=True)
    st.header("Exemples", anchor=False)
    st.markdown("\n".join(f"- {escape_markdown(label)} : {link}" for label, link in examples(programme)))


def unknown(note: str) -> None:
    """A code that no territory of the programme has: say so, offer the search box."""
    st.error(f"{note} Vérifiez le lien reçu, ou cherchez le territoire par son nom.")
    search_box(expanded=True)


def show(info: Fiche, map_caption: str) -> None:
    """The fiche itself."""
    search_box(expanded=False)
    st.title(escape_markdown(info.nom), anchor=False)
    st.html(chip_html(info.segment))
    if info.segment_note:  # the bounds beside the chip are not what placed it
        st.caption(escape_markdown(info.segment_note[0].upper() + info.segment_note[1:]) + ".")
    downloads.pdf_button(programme, info.code)
    facts, place = st.columns([2, 3], gap="medium")
    with facts:
        st.markdown(facts_markdown(info))
        if info.segment.description:
            st.caption(escape_markdown(info.segment.description))
    with place:
        show_map(fiche_map(programme, info.code, height=360), title=f"Carte : {info.nom} et sa zone", height=360)
        st.caption(escape_markdown(map_caption))

    st.header("Leviers d'action prioritaires", anchor=False)
    st.html(levers_html(info))  # one block: a card per lever, two a row

    fiche_timeline(programme, info.code, info.nom)

    st.header("Comparaison avec les territoires de même taille", anchor=False)
    st.markdown(
        f"Part des {escape_markdown(info.peers_txt)} qui activent chaque levier, "
        f"et le niveau de {escape_markdown(info.nom)}."
    )
    st.markdown(peers_markdown(info))

    st.header("Territoires similaires", anchor=False)
    if info.similar:
        st.caption("Même segment de taille, profil de leviers le plus proche.")
        st.markdown(similar_markdown(info))
    else:
        st.markdown("Aucun autre territoire du programme dans ce segment.")

    if info.date_dialogue or info.notes:
        st.header("Dialogue de gouvernance", anchor=False)
        if info.date_dialogue:
            st.markdown(f"**Date du dialogue** : {escape_markdown(info.date_dialogue)}")
        if info.notes:
            st.markdown(f"**Notes** : {escape_markdown(info.notes, multiline=True)}")


ensure_routed()
programme = as_of.programme()
code, note = url_state.code(PARAM, codes=programme.territories.index)
with st.container(key="fiche"):
    if note:
        unknown(note)
    elif code is None:
        landing()
    else:
        show(*fiche(programme, code))
