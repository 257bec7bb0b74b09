"""What appears around every page: style, demo notice, credits, and the map widget."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from territorial.programme import Programme
from territorial.reference import CREDIT

CSS_FILE = Path(__file__).resolve().parents[2] / "assets" / "app.css"
DEMO_NOTICE = (
    "**Données de démonstration** — les 81 territoires, leurs populations et leurs contours "
    "sont réels, mais les niveaux d'activation des leviers sont **illustratifs**. "
    "Importez le fichier du programme (page « Données ») pour afficher les données réelles."
)
PROXY_NOTICE = (
    "Les 4 segments et les 4 leviers affichés sont une approximation documentée (les définitions "
    "exactes du RAMEAU ne sont pas publiques) ; ils se modifient dans `data/programme.toml`."
)


def inject_css(extra: str = "") -> None:
    """Apply the app's stylesheet (constant CSS from assets/, never data)."""
    css = CSS_FILE.read_text(encoding="utf-8") + extra
    st.html(f"<style>{css}</style>")


def demo_notice(programme: Programme) -> None:
    """The visible « Données de démonstration » notice, whenever demo data is shown."""
    if programme.is_demo:
        st.warning(DEMO_NOTICE)


def credits(programme: Programme) -> None:
    """Sources and credits, at the bottom of every page."""
    proxy = f" {PROXY_NOTICE}" if programme.definition.proxy else ""
    st.caption(f"Sources : {CREDIT}. Périmètres des EPCI au 1er janvier 2026.{proxy}")


def show_map(m, *, key: str, height: int = 600) -> str | None:
    """Render a folium map; return the code of the territory clicked, if any.

    Only the clicked feature is sent back (``last_active_drawing``): panning and
    zooming do not rerun the page.
    """
    state = st_folium(m, key=key, height=height, use_container_width=True,
                      returned_objects=["last_active_drawing"])
    feature = (state or {}).get("last_active_drawing") or {}
    return feature.get("id") or (feature.get("properties") or {}).get("code")
