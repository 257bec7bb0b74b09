"""Tableau de bord « Réussir ensemble la territorialisation des transitions ».

The router: page configuration, navigation, and what appears around every page.
Run with ``streamlit run app.py``.
"""

import streamlit as st

from territorial.ui import data
from territorial.ui.layout import credits, demo_notice, inject_css

st.set_page_config(
    page_title="Territorialisation des transitions",
    layout="wide",
    initial_sidebar_state="auto",
)

PAGES = [
    st.Page("pages/accueil.py", title="Vue d'ensemble",
            url_path="accueil", default=True),
]

inject_css()
page = st.navigation(PAGES)
programme = data.programme()
demo_notice(programme)
page.run()
credits(programme)
