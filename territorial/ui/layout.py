"""What appears around every page: style, demo notice, credits, and the map widget."""

from __future__ import annotations

import copy
from collections import OrderedDict
from pathlib import Path

import folium
import streamlit as st
from branca.element import Element
from streamlit_folium import st_folium

from territorial.fmt import fr_int
from territorial.programme import Programme
from territorial.reference import CREDIT

CSS_FILE = Path(__file__).resolve().parents[2] / "assets" / "app.css"
DEMO_NOTICE = (
    "**Données de démonstration** — les {n} territoires, leurs populations et leurs contours "
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
        st.warning(DEMO_NOTICE.format(n=fr_int(len(programme.territories))))


def credits(programme: Programme) -> None:
    """Sources and credits, at the bottom of every page."""
    proxy = f" {PROXY_NOTICE}" if programme.definition.proxy else ""
    st.caption(f"Sources : {CREDIT}. Périmètres des EPCI au 1er janvier 2026.{proxy}")


def show_map(m: folium.Map, *, key: str, height: int = 600) -> str | None:
    """Render a folium map; return the code of the territory clicked, if any.

    Only the clicked feature is sent back (``last_active_drawing``): panning and
    zooming do not rerun the page. ``st_folium`` renames a map's elements in place
    when it renders it, which breaks a second rendering of the same object, so it
    is given a copy: maps can be cached and shared between sessions.
    """
    state = st_folium(_clone_map(m), key=key, height=height, use_container_width=True,
                      returned_objects=["last_active_drawing"])
    return clicked_code(state)


def clicked_code(state: dict | None) -> str | None:
    """The territory code in a streamlit-folium value (``last_active_drawing``), if any."""
    feature = (state or {}).get("last_active_drawing") or {}
    return feature.get("id") or (feature.get("properties") or {}).get("code")


def _clone_map(m: folium.Map) -> folium.Map:
    """Copy a map's element tree (from its root figure), sharing the data (0.1 ms).

    Each element is copied shallowly with its own children, so that rendering the
    copy (which renames elements and adds children) leaves the original intact; the
    GeoJSON data and templates, which rendering only reads, are shared
    (``copy.deepcopy`` takes 20 to 60 ms). Elements held in attributes rather than as
    children (a Figure's header, html and script, a map's global switches) are copied
    too: rendering adds children to them, and a shared one would grow at every rerun
    and be mutated by several sessions' threads at once.
    """
    clones: dict[int, Element] = {}

    def clone(element: Element, parent: Element | None) -> Element:
        twin = copy.copy(element)
        clones[id(element)] = twin
        twin._parent = parent
        twin._children = OrderedDict((name, clone(child, twin)) for name, child in element._children.items())
        return twin

    clone(m.get_root(), None)
    pending = list(clones.values())
    while pending:
        twin = pending.pop()
        for name, value in list(vars(twin).items()):
            if name in ("_parent", "_children") or not isinstance(value, Element):
                continue
            if id(value) not in clones:
                known = set(clones)
                clone(value, twin)
                pending.extend(clones[i] for i in clones.keys() - known)
            setattr(twin, name, clones[id(value)])
    return clones[id(m)]
