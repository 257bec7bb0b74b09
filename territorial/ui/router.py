"""Make sure every page runs inside the router (app.py), even from a direct link.

Streamlit keeps a relic of its first multipage design: while no script has
called ``st.navigation`` yet, a server whose app has a ``pages/`` folder runs
the page named in the URL *directly*, without the main script. The very first
visitor of a fresh server who follows a link such as ``/fiche?territoire=…``
would then get the page without what ``app.py`` puts around it (configuration,
« Données de démonstration » notice, credits). A page that finds it is not
routed switches that legacy mode off and reruns: the rerun goes through
``app.py`` and its ``st.navigation``.

The one module that touches Streamlit's private ``PagesManager`` (the ``pages/`` folder must
keep its name) and the per-run state of a ``st.Page``; ``tests/test_private_apis.py`` fails with
a clear message if an upgrade of Streamlit removes the switch or changes that state.

The router's pages are built once per process (:func:`pages`): ``st.Page`` resolves and checks
its file at every call, about 0.07 ms a page, 0.7 ms at every run of every page for eleven.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

_ROUTED = "_routeur_actif"
#: The main script's folder → its pages, as built once (never given to st.navigation themselves).
_BUILT: dict[str, tuple[StreamlitPage, ...]] = {}
_LOCK = threading.Lock()


def pages(make: Callable[[], list[StreamlitPage]]) -> list[StreamlitPage]:
    """The router's pages for this run: ``make()`` once per process, then a copy of each page.

    ``st.navigation`` marks on a page object the one it picks (``_can_be_called``, cleared when
    the page runs): each run gets its own copies, so that sessions running at once never share
    that mark. Outside a script run (bare Python), ``make()`` every time.
    """
    ctx = get_script_run_ctx()
    if ctx is None:
        return make()
    parent = str(ctx.pages_manager.main_script_parent)
    with _LOCK:
        built = _BUILT.get(parent)
        if built is None:
            built = _BUILT[parent] = tuple(make())
    return [copy.copy(page) for page in built]


def mark_routed() -> None:
    """Called by app.py on every run, before the page runs."""
    st.session_state[_ROUTED] = True


def ensure_routed() -> None:
    """Called by every page: rerun through app.py when the page was run directly."""
    if not st.session_state.get(_ROUTED):
        PagesManager.uses_pages_directory = False
        st.session_state[_ROUTED] = True
        st.rerun()
