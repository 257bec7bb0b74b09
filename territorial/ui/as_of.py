"""The date the pages show the programme at (« Situation au »), from the URL ``au``.

Every page that shows levels (Accueil, Carte, Segments, Fiche, Atelier) takes its
programme from :func:`programme`: each territory at its latest dialogue up to the
chosen day (default: its latest dialogue of all). The day is chosen in the sidebar
among the ends of the programme's half-years (or the URL's own date), and written to
the URL (``?au=2025-06-30``) so that a link shows the same situation.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from territorial.content.dialogues import as_of_text, half_year_ends
from territorial.core.fmt import fr_date
from territorial.core.memo import shared
from territorial.model.dialogue_dates import start_year, today_in_paris
from territorial.model.programme import Programme
from territorial.ui import data, url_state

KEY = "situation_au"
PARAM = "au"
LATEST = "Aujourd'hui"  # each territory at its latest dialogue


@shared(max_entries=16)
def _at(_programme: Programme, token: int, day: dt.date | None) -> tuple[Programme, str]:
    shown = _programme.at(day)
    return shown, as_of_text(shown)


def at(programme: Programme, day: dt.date | None) -> Programme:
    """``programme`` as of ``day`` (cached per programme content and day)."""
    return _at(programme, programme.fingerprint, day)[0]


def programme() -> Programme:
    """The current programme as of the day chosen in the sidebar (or the URL), with its caption."""
    base = data.programme()
    low, high = dt.date(start_year(base.definition.period), 1, 1), today_in_paris()
    note = None
    if KEY not in st.session_state:
        st.session_state[KEY], note = url_state.day(PARAM, low=low, high=high)
    chosen = st.session_state[KEY]
    days = half_year_ends(low, high)
    if chosen is not None and chosen not in days:
        days = sorted([*days, chosen])
    with st.sidebar:
        st.select_slider(
            "Situation au",
            [*days, None],
            key=KEY,
            format_func=lambda d: LATEST if d is None else fr_date(d),
            help="Chaque territoire est montré tel qu'évalué lors de son dernier dialogue à cette date "
            "(« Aujourd'hui » : son dernier dialogue) ; un territoire rencontré plus tard est « non encore évalué ».",
        )
    day = st.session_state[KEY]
    url_state.sync({PARAM: day.isoformat() if day else None})
    shown, text = _at(base, base.fingerprint, day)
    st.sidebar.caption(text)
    url_state.warn([note])
    if day is not None:  # a past situation is said on the page itself (the sidebar is folded on phones)
        st.info(f"{text} Pour la situation actuelle, choisissez « {LATEST} » dans « Situation au ».")
    return shown
