"""Tableau de bord « Réussir ensemble la territorialisation des transitions ».

The router: page configuration, navigation, and what appears around every page.
Run with ``streamlit run app.py``.
"""

from contextlib import nullcontext

import streamlit as st

from territorial.ui import data, editor_role, upload_guard, workshop
from territorial.ui.layout import credits, demo_notice, head_tags, inject_css, run_page
from territorial.ui.router import mark_routed, pages

st.set_page_config(
    page_title="Territorialisation des transitions",
    layout="wide",
    initial_sidebar_state="collapsed" if workshop.opened_projected() else "auto",
)

# Built once per process (territorial/ui/router.py), a copy of each page for each run.
PAGES = pages(
    lambda: [
        st.Page("pages/accueil.py", title="Vue d'ensemble", url_path="accueil", default=True),
        st.Page("pages/carte.py", title="Carte", url_path="carte"),
        st.Page("pages/segments.py", title="Segments et leviers", url_path="segments"),
        st.Page("pages/fiche.py", title="Fiche territoire", url_path="fiche"),
        st.Page("pages/suivi.py", title="Suivi des dialogues", url_path="suivi"),
        st.Page("pages/atelier.py", title="Atelier", url_path="atelier"),
        st.Page("pages/salle.py", title="Salle (atelier en direct)", url_path="salle"),
        st.Page("pages/participer.py", title="Participer", url_path="participer"),
        st.Page("pages/donnees.py", title="Données", url_path="donnees"),
        st.Page("pages/historique.py", title="Historique", url_path="historique"),
        st.Page("pages/accessibilite.py", title="Accessibilité", url_path="accessibilite"),
    ]
)

upload_guard.install()  # uploads: editor sessions only, bounded (issue 23.5)
editor_role.check_proxies()  # the trusted proxies, logged once per process
mark_routed()
page = st.navigation(PAGES)
# One stylesheet, first in the page, the projection's with it (Atelier, Salle, ?mode=atelier).
projected = workshop.is_projected(page.url_path)
if projected:
    # No sidebar drawn then hidden: the page keeps its width from the first paint (already closed
    # above when the browser opened this page; here for a page reached from another). The style's
    # block is a placeholder while its code loads: out of sight, in the (closed) sidebar.
    st.set_page_config(initial_sidebar_state="collapsed")
    with st.sidebar:
        inject_css(workshop.projection_css())
else:
    inject_css()
# Read once per run, for the notices and the page; even a damaged current version can be
# replaced from « Historique ».
with data.this_run(damaged_ok=page.url_path == "historique") as programme, workshop.projected_frame(projected):
    if workshop.is_atelier_mode() and page.url_path not in workshop.PROJECTED_PAGES:  # those have their own
        workshop.way_out()  # no sidebar in projection: a way back to the other pages
    if programme is not None:
        demo_notice(programme)
    run_page(page)  # an unexpected error is told in French, its details logged
    if programme is not None:
        credits(programme)
with st.sidebar if projected else nullcontext():  # out of sight when projected, as the style
    head_tags()  # last: its block (hidden) moves nothing while the page loads
