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
keep its name); ``tests/test_private_apis.py`` fails with a clear message if an upgrade of
Streamlit removes the switch.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

_ROUTED = "_routeur_actif"


def mark_routed() -> None:
    """Called by app.py on every run, before the page runs."""
    st.session_state[_ROUTED] = True


def ensure_routed() -> None:
    """Called by every page: rerun through app.py when the page was run directly."""
    if not st.session_state.get(_ROUTED):
        PagesManager.uses_pages_directory = False
        st.session_state[_ROUTED] = True
        st.rerun()
