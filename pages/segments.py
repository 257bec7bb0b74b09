"""Segments et leviers: how the 4 size segments pull the 4 levers (the seed's lesson).

The selected cell lives in the URL (``segment``, ``levier``). The heat map chooses it: an HTML
table of buttons (:mod:`territorial.ui.html_choice`), a cell for a segment and a lever, a lever's
column header for that lever in all segments.
"""

import functools

import streamlit as st

from territorial.core.fmt import escape_markdown, fr_int, fr_pct, plural
from territorial.ui import as_of, cached_views, downloads, html_choice, size_effect, url_state
from territorial.ui.evolution import segments_evolution
from territorial.ui.layout import show_map
from territorial.ui.router import ensure_routed

SEGMENT, LEVER, CELLS = "segments_segment", "segments_levier", "segments_cases"
LAST_CELL = "segments_derniere_case"
#: The two closing sections, as tabs of which only the open one runs (``?vue=evolution``).
VIEW = "segments_vue"
VIEWS = {"intervalles": "Parts et intervalles", "evolution": "Au fil des dialogues"}
CARDS_HEIGHT = 400  # the segment cards on a laptop screen (1440 px wide)

ensure_routed()
programme = as_of.programme()
definition = programme.definition
segments = {s.id: s.label for s in definition.segments}
levers = {lv.id: f"{lv.id} – {lv.label}" for lv in definition.levers}
notes = [
    url_state.seed(SEGMENT, "segment", options=segments),
    url_state.seed(LEVER, "levier", options=levers),
    url_state.seed(VIEW, "vue", options=VIEWS),
]
if st.session_state.get(VIEW) in VIEWS:  # seeded from the URL with a tab's id; the tabs keep its label
    st.session_state[VIEW] = VIEWS[st.session_state[VIEW]]

st.title("Segments de taille et leviers d'action")
st.caption("La taille compte : les territoires de chaque segment activent les leviers différemment.")
url_state.warn(notes)

# One block: a card per segment, side by side. Its place is kept by a block of a fixed height
# until the code of st.html comes (with the style, which then lets the block fit the cards).
with st.container(key="segments_cartes", height=CARDS_HEIGHT, border=False):
    st.html(cached_views.segment_cards(programme))

st.header("Ce que montrent les données")
size_effect.findings_section(programme)
st.caption("Repères descriptifs (sans test) :")
st.markdown(cached_views.contrasts(programme))

# A click (new since the last run) on a cell chooses its segment and lever; on a lever's column
# header, that lever for all segments. Anything else (a forged value) is ignored.
clicked = html_choice.clicked(CELLS)
cell = (clicked.get("segment"), clicked.get("levier")) if clicked else None
if cell and cell != st.session_state.get(LAST_CELL) and cell[0] in (None, *segments) and cell[1] in levers:
    st.session_state[SEGMENT], st.session_state[LEVER] = cell
st.session_state[LAST_CELL] = cell
# The choice, from the URL or a click (a definition saved since may have removed it).
segment_id = st.session_state.get(SEGMENT) if st.session_state.get(SEGMENT) in segments else None
lever_id = st.session_state.get(LEVER) if st.session_state.get(LEVER) in levers else definition.levers[0].id
url_state.sync({"segment": segment_id, "levier": None if lever_id == definition.levers[0].id else lever_id})

st.header("Segment × levier")
with st.container(key="segments_matrice"):  # its height kept while it loads (assets/app.css)
    html_choice.show(cached_views.heatmap_choice(programme, segment=segment_id, lever=lever_id), key=CELLS)
downloads.chart_downloads(
    functools.partial(cached_views.heatmap_spec, programme, segment_id, lever_id),
    "Part des territoires activant chaque levier, par segment",
    key="img_matrice",
)

lever = definition.lever(lever_id)
st.header(escape_markdown(f"Levier {lever.id} – {lever.label}"))
st.markdown(escape_markdown(lever.description))
pool, codes = cached_views.lever_selection(programme, segment=segment_id, lever=lever_id)
where = f"du segment « {segments[segment_id]} »" if segment_id else "du programme"
share = f" ({fr_pct(len(codes) / pool)})" if pool else ""
st.markdown(
    escape_markdown(f"{plural(len(codes), 'territoire')} {where} sur {fr_int(pool)} activent ce levier{share}.")
)

view = cached_views.frame(programme, mode=lever_id, codes=codes)
col_map, col_list = st.columns([3, 2])
with col_map:
    st.caption(cached_views.map_caption(programme, mode=lever_id, codes=codes))
    show_map(
        cached_views.territories_map(programme, mode=lever_id, codes=codes, height=520),
        title=f"Carte : {view.title}",
        height=520,
    )
with col_list:
    columns = ("Territoire", f"{lever.id} – {lever.label}", *(() if segment_id else ("Segment",)))
    st.html(
        cached_views.table_html(
            programme,
            codes,
            columns=columns,
            renamed={columns[1]: "Niveau"},
            caption=f"Territoires {where} qui activent le levier {lever.id}",
            max_height=560,
        )
    )
with st.container(key="segments_niveaux"):  # its height kept while it loads (assets/app.css)
    st.html(cached_views.level_distribution(programme, lever_id))
downloads.chart_downloads(
    functools.partial(cached_views.level_distribution_spec, programme, lever_id),
    f"Niveaux du levier {lever.id} par segment",
    key="img_niveaux",
)

# The details and the evolution come last, as tabs: only the open one is built and sent.
details, over_time = st.tabs(list(VIEWS.values()), key=VIEW, on_change="rerun")
with details:
    if details.open:
        size_effect.details_section(programme)
with over_time:
    if over_time.open:
        segments_evolution(programme)
view_id = {label: k for k, label in VIEWS.items()}.get(st.session_state.get(VIEW))
url_state.sync({"vue": None if view_id == next(iter(VIEWS)) else view_id})
