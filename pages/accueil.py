"""Vue d'ensemble: key figures and the map of the programme's territories by segment."""

import streamlit as st

from territorial.content.colouring import COLOUR_SEGMENT
from territorial.core.fmt import escape_markdown, fr_int, fr_pop
from territorial.ui import as_of, cached_views
from territorial.ui.layout import show_map
from territorial.ui.router import ensure_routed

ensure_routed()
programme = as_of.programme()
definition = programme.definition
figures = cached_views.key_figures(programme)

st.title(escape_markdown(definition.name))
st.caption(
    escape_markdown(f"{definition.sponsor} · {definition.period}") + " — les territoires du programme, "
    "leur segment de taille et les leviers d'action qu'ils activent."
)

col_n, col_pop = st.columns(2)
col_n.metric("Territoires", fr_int(figures.n))
col_pop.metric(
    "Population couverte",
    fr_pop(figures.population),
    help=escape_markdown(f"Somme des populations des territoires : {programme.population_label()}."),
)
st.caption(escape_markdown(f"Population : {programme.population_label()}."))

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

st.header("Carte des territoires par segment")
codes = tuple(programme.territories.index)
st.caption(cached_views.map_caption(programme, mode=COLOUR_SEGMENT, codes=codes))
show_map(
    cached_views.territories_map(programme, mode=COLOUR_SEGMENT, codes=codes, height=620),
    title="Carte des territoires par segment de taille",
    height=620,
)
with st.expander("Tableau des territoires (alternative textuelle à la carte)"):
    st.html(
        cached_views.table_html(
            programme,
            codes,
            caption="Les territoires du programme, leur segment et leurs niveaux d'activation des leviers",
        )
    )
