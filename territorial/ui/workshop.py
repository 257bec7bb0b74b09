"""Workshop (projection) mode: chrome hidden, large type, the step sequence in the URL.

``?mode=atelier`` on any page, or the « Atelier » page itself, applies
``assets/atelier.css`` (constant CSS, never data). The step lives in ``?etape=``
and the chosen territory in ``?territoire=``, so a facilitator can prepare the
links of a session and jump back to any step.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import folium
import streamlit as st

from territorial.content.workshop import Step, before_after_views, changes_map, step_map, steps
from territorial.core.memo import shared
from territorial.core.paths import ASSETS_DIR
from territorial.model.programme import Programme
from territorial.ui import data, url_state

CSS_FILE = ASSETS_DIR / "atelier.css"
MODE_PARAM, MODE_VALUE = "mode", "atelier"
STEP_PARAM, TERRITORY_PARAM = "etape", "territoire"
STEP_KEY, TERRITORY_KEY = "atelier_etape", "atelier_territoire"


def is_atelier_mode() -> bool:
    """Whether the URL asks for the projection mode (``?mode=atelier``)."""
    return url_state.raw(MODE_PARAM) == MODE_VALUE


#: The pages always projected (their own URL paths).
PROJECTED_PAGES = ("atelier", "salle")


def is_projected(url_path: str) -> bool:
    """Whether a page is shown in projection style: Atelier, Salle, or any page with ``?mode=atelier``."""
    return url_path in PROJECTED_PAGES or is_atelier_mode()


def opened_projected() -> bool:
    """Whether the browser opened a projected page, known before the router runs.

    The sidebar then starts closed in the very first page configuration. Closed only once the
    router knew the page, it was first drawn open on a loaded server and the whole page moved
    300 px (a layout shift of 0.2, issue 22.7). :func:`is_projected` still decides after the
    router, for a page reached from another one.
    """
    last = urlsplit(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
    return is_projected(last)


def projection_css() -> str:
    """Hide the sidebar and Streamlit's chrome, enlarge the type (constant CSS, never data)."""
    return CSS_FILE.read_text(encoding="utf-8")


#: The block of a projected page's content (see :func:`projected_frame`).
FRAME_KEY, SHIM_KEY, CONTENT_KEY = "projection", "projection_cale", "projection_contenu"


@contextmanager
def projected_frame(projected: bool) -> Iterator[None]:
    """The block of a projected page's content: unseen until the projection style is there.

    Streamlit loads the code of the element that carries the style (``st.html``) on its first
    use, and the page's text was drawn before it, then moved when the style arrived (large
    type, no sidebar, less margin: a layout shift of 0.5 to 0.9 on Atelier and Salle, issue 22.7).
    Until then the content sits in a block 1 px high; the style lets it take its height
    (assets/atelier.css), so it appears once, already in its place. The style's smaller top
    margin is given to the content inside the block (hidden until then), not to the page: the
    1 px block, seen, does not move.
    """
    if not projected:
        yield
        return
    with st.container(key=FRAME_KEY, height=1, border=False):
        # Its first pixel shows nothing drawn (a shift would be counted): an empty block, first.
        st.container(key=SHIM_KEY, height=8, border=False)
        with st.container(key=CONTENT_KEY, border=False):
            yield


#: Where a projected page leads back to (the projection hides the sidebar).
EXITS = (
    ("pages/accueil.py", "Vue d'ensemble"),
    ("pages/carte.py", "Carte"),
    ("pages/atelier.py", "Atelier"),
    ("pages/donnees.py", "Données"),
)


def way_out() -> None:
    """A discreet row of links to the other pages, for a projected page with no sidebar
    (after ``st.navigation``: the links need the pages registered)."""
    with st.container(horizontal=True, gap="small", key="sortie_projection"):
        for page, label in EXITS:
            st.page_link(page, label=label, icon=":material/arrow_back:" if page == EXITS[0][0] else None)


@shared(max_entries=128)
def sequence(programme: Programme, territory: str | None) -> list[Step]:
    """The step sequence (cached per programme and chosen territory)."""
    return steps(programme, territory=territory)


@shared(max_entries=64)
def _map(programme: Programme, number: int, territory: str | None, height: int) -> folium.Map:
    step = sequence(programme, territory)[number - 1]
    return step_map(programme, step, outlines=data.base_outlines(), reference=data.reference(), height=height)


@shared(max_entries=16)
def changes_maps_cached(programme: Programme, *, height: int) -> tuple[folium.Map, folium.Map]:
    """The « Ce qui a changé » maps, before and after (built once per programme; never mutate them)."""
    before, after = before_after_views(programme)
    outlines = data.base_outlines()
    return changes_map(before, outlines=outlines, height=height), changes_map(after, outlines=outlines, height=height)


def step_map_cached(programme: Programme, step: Step, *, height: int) -> folium.Map:
    """The map of a step (built once per step and territory and shared: never mutate it)."""
    territory = (step.key or None) if step.kind == "territory" else None
    return _map(programme, step.number, territory, height)


def current_step(n_steps: int) -> tuple[int, str | None]:
    """The step in the URL, clamped to 1..n (the URL is corrected), with a message if it was."""
    number, message = url_state.integer(
        STEP_PARAM, default=1, low=1, high=n_steps, clamp=True, label=lambda n: f"l'étape {n}"
    )
    url_state.sync({STEP_PARAM: str(number)})
    if st.session_state.get(STEP_KEY) != number:  # the URL wins over the selector's memory
        st.session_state[STEP_KEY] = number
    return number, message


def territory(programme: Programme) -> tuple[str | None, str | None]:
    """The territory in the URL (a code of the programme), or None, with a message if it was ignored."""
    return url_state.code(TERRITORY_PARAM, codes=programme.territories.index)


def go_to(number: int) -> None:
    """Callback: move to step ``number`` (URL and selector)."""
    url_state.sync({STEP_PARAM: str(number)})
    st.session_state[STEP_KEY] = number


def _selected_step() -> None:
    url_state.sync({STEP_PARAM: str(st.session_state[STEP_KEY])})


def step_selector(sequence: list[Step]) -> None:
    """A selector to jump to any step (bound to ``?etape=``)."""
    labels = {step.number: step.label for step in sequence}
    st.selectbox(
        "Aller à l'étape",
        list(labels),
        format_func=labels.__getitem__,
        key=STEP_KEY,
        on_change=_selected_step,
        label_visibility="collapsed",
    )


def _selected_territory() -> None:
    url_state.sync({TERRITORY_PARAM: st.session_state.get(TERRITORY_KEY)})


def territory_selector(options: dict[str, str], code: str | None) -> None:
    """The territory shown at the last step (bound to ``?territoire=``)."""
    if st.session_state.get(TERRITORY_KEY) != code:
        st.session_state[TERRITORY_KEY] = code
    st.selectbox(
        "Territoire présenté",
        list(options),
        format_func=options.__getitem__,
        index=None,
        placeholder="Choisir un territoire…",
        key=TERRITORY_KEY,
        on_change=_selected_territory,
    )


def clear() -> None:
    """Forget every cached step sequence and map (tests)."""
    sequence.clear()
    _map.clear()
    changes_maps_cached.clear()
