"""Vue d'ensemble: the programme's map and what it teaches (segments × levers), the key
figures beside them; the counts per segment and per lever below."""

import streamlit as st

from territorial.content.colouring import COLOUR_SEGMENT
from territorial.core.fmt import escape_markdown, fr_int, fr_pop
from territorial.ui import as_of, cached_views
from territorial.ui.layout import show_map
from territorial.ui.router import ensure_routed

#: Height of the map: with the title above it, the first screen of a 1440×900 laptop.
MAP_HEIGHT = 500

ensure_routed()
programme = as_of.programme()
definition = programme.definition
figures = cached_views.key_figures(programme)

with st.container(key="accueil_titre"):
    st.title(escape_markdown(definition.name))
    st.caption(
        escape_markdown(f"{definition.sponsor} · {definition.period}") + " — les territoires du programme, "
        "leur segment de taille et les leviers d'action qu'ils activent."
    )

codes = tuple(programme.territories.index)
col_map, col_side = st.columns([3, 2], gap="medium")
with col_map, st.container(key="accueil_carte"):
    show_map(
        cached_views.territories_map(programme, mode=COLOUR_SEGMENT, codes=codes, height=MAP_HEIGHT),
        title="Carte des territoires par segment de taille",
        height=MAP_HEIGHT,
    )
    st.caption(cached_views.map_caption(programme, mode=COLOUR_SEGMENT, codes=codes))
with col_side, st.container(key="accueil_chiffres"):
    col_n, col_pop = st.columns(2)
    col_n.metric("Territoires", fr_int(figures.n))
    col_pop.metric(
        "Population couverte",
        fr_pop(figures.population),
        help=escape_markdown(f"Somme des populations des territoires : {programme.population_label()}."),
    )
    st.html(cached_views.heatmap_table(programme))  # a table, not a chart: no chart code before the map
    st.caption(escape_markdown(" · ".join(f"{lv.id} : {lv.label}" for lv in definition.levers)))
    st.caption(escape_markdown(f"Population : {programme.population_label()}."))
    st.page_link("pages/segments.py", label="Comparer les segments et les leviers", icon=":material/arrow_forward:")

st.header("Territoires par segment de taille")
for col, segment in zip(st.columns(len(definition.segments)), definition.segments, strict=True):
    col.metric(
        escape_markdown(segment.label),
        fr_int(figures.per_segment[segment.id]),
        help=escape_markdown(segment.bounds_label),
    )

st.header("Territoires activant chaque levier")
for col, lever in zip(st.columns(len(definition.levers)), definition.levers, strict=True):
    col.metric(
        escape_markdown(f"{lever.id} – {lever.label}"),
        fr_int(figures.per_lever[lever.id]),
        help=escape_markdown(lever.short),
    )

with st.expander("Tableau des territoires (alternative textuelle à la carte)"):
    st.html(
        cached_views.table_html(
            programme,
            codes,
            caption="Les territoires du programme, leur segment et leurs niveaux d'activation des leviers",
        )
    )
