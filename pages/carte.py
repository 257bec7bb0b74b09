"""Carte: the territories coloured by segment or lever, filtered, with a card per territory.

Filters and the selected territory live in the URL (``couleur``, ``segment``,
``levier``, ``region``, ``type``, ``q``, ``territoire``).
"""

import streamlit as st

from territorial.content.colouring import COLOUR_SEGMENT, colour_modes
from territorial.content.selection import Filters, valid_code
from territorial.content.tables import territory_card
from territorial.core.fmt import escape_markdown, plural
from territorial.ui import as_of, cached_views, downloads, url_state
from territorial.ui.layout import clicked_code, show_clickable_map
from territorial.ui.router import ensure_routed

SELECTED = "carte_territoire"
MAP_KEY = "carte_map"
LAST_CLICK = "carte_dernier_clic"
MAX_MATCHES = 8
MAP_HEIGHT = 640

ensure_routed()
programme = as_of.programme()
definition = programme.definition
territories = programme.territories
modes = colour_modes(programme)
segments = {s.id: s.label for s in definition.segments}
levers = {lv.id: f"{lv.id} – {lv.label}" for lv in definition.levers}
regions = cached_views.regions(programme)
labels = cached_views.search_labels(programme)
kinds = cached_views.kinds(programme)

notes = [
    url_state.seed("carte_couleur", "couleur", options=modes),
    url_state.seed("carte_segment", "segment", options=segments, multi=True),
    url_state.seed("carte_levier", "levier", options=levers),
    url_state.seed("carte_region", "region", options=regions),
    url_state.seed("carte_type", "type", options=kinds, multi=True),
    url_state.seed_code(SELECTED, "territoire", codes=territories.index),
    url_state.seed_text("carte_q", "q"),
]

with st.sidebar:
    st.header("Filtres de la carte")
    mode = st.selectbox("Colorer selon", list(modes), format_func=modes.get, key="carte_couleur")
    chosen_segments = st.multiselect(
        "Segment de taille",
        list(segments),
        format_func=segments.get,
        key="carte_segment",
        placeholder="Tous les segments",
    )
    lever = st.selectbox(
        "Levier activé", [None, *levers], key="carte_levier", format_func=lambda k: "Tous" if k is None else levers[k]
    )
    region = st.selectbox(
        "Région", [None, *regions], key="carte_region", format_func=lambda k: "Toutes" if k is None else regions[k]
    )
    chosen_kinds = st.multiselect(
        "Type de territoire", list(kinds), format_func=kinds.get, key="carte_type", placeholder="Tous les types"
    )
    query = st.text_input(
        "Rechercher un territoire", key="carte_q", max_chars=100, placeholder="Nom ou code INSEE / SIREN"
    )

filters = Filters(
    segments=tuple(chosen_segments),
    lever=lever,
    regions=(region,) if region else (),
    kinds=tuple(chosen_kinds),
    query=query,
)
selection = cached_views.selection(programme, filters)
codes = selection.codes
if query.strip():
    found = set(codes)
    matches = [escape_markdown(label) for code, label in labels.items() if code in found][:MAX_MATCHES]
    more = "\n- …" if len(codes) > MAX_MATCHES else ""
    st.sidebar.markdown(f"**{plural(len(codes), 'résultat')}**" + "".join(f"\n- {m}" for m in matches) + more)
url_state.sync(
    {
        "couleur": None if mode == COLOUR_SEGMENT else mode,
        "segment": ",".join(chosen_segments),
        "levier": lever,
        "region": region,
        "type": ",".join(chosen_kinds),
        "q": query.strip(),
    }
)

st.title("Carte des territoires")
url_state.warn(notes)
st.caption(cached_views.map_caption(programme, mode=mode, codes=codes))
if not codes:
    st.warning("Aucun territoire ne correspond aux filtres choisis.")


@st.fragment
def map_and_card(codes: tuple[str, ...], mode: str) -> None:
    """The map and the card of the selected territory; a click reruns only this part."""
    clicked = valid_code(programme, clicked_code(st.session_state.pop(MAP_KEY, None)))
    if clicked:  # a click seen by streamlit-folium's callback: draw the map highlighted at once
        st.session_state[SELECTED] = clicked
    selected = valid_code(programme, st.session_state.get(SELECTED))
    col_map, col_card = st.columns([3, 1])
    m = cached_views.territories_map(programme, mode=mode, codes=codes, highlight=selected, height=MAP_HEIGHT)
    with col_map:
        returned = valid_code(programme, show_clickable_map(m, key=MAP_KEY, height=MAP_HEIGHT))
    if returned and returned != st.session_state.get(LAST_CLICK) and returned != selected:
        st.session_state[LAST_CLICK] = returned
        st.session_state[SELECTED] = returned
        st.rerun()  # redraw with the clicked territory highlighted
    st.session_state[LAST_CLICK] = returned
    shown_codes = set(codes)
    options = [c for c in labels if c in shown_codes]
    if selected and selected not in shown_codes:
        options.insert(0, selected)
    with col_card:
        selected = st.selectbox(
            "Territoire",
            options,
            index=None,
            key=SELECTED,
            format_func=labels.get,
            placeholder="Choisir un territoire…",
        )
        if selected:
            st.markdown(territory_card(programme, selected))
            if selected not in shown_codes:
                st.caption("Ce territoire n'est pas affiché avec les filtres actuels.")
        else:
            st.info("Cliquez sur un territoire de la carte, ou choisissez-le dans la liste, pour afficher son résumé.")
    url_state.sync({"territoire": selected})


map_and_card(codes, mode)
downloads.map_png_button(programme, codes, mode=mode, key="carte_png")

st.header(plural(len(codes), "territoire affiché", "territoires affichés"))
# A plain table, not Streamlit's grid: its 1.2 MB of code was read while the map was being drawn.
st.html(
    cached_views.table_html(
        programme, codes, caption="Les territoires affichés sur la carte, leur segment et leurs leviers", max_height=520
    )
)
