"""What appears around every page: style, demo notice, credits, and the map widget."""

from __future__ import annotations

import functools
import json
import logging
import os
import textwrap
from dataclasses import dataclass

import folium
import streamlit as st

from territorial.core import palette
from territorial.core.fmt import escape_markdown, fr_int
from territorial.core.paths import ASSETS_DIR
from territorial.model.programme import Programme
from territorial.model.reference import CREDIT
from territorial.ui.folium_component import map_document, st_folium

log = logging.getLogger(__name__)

CSS_FILE = ASSETS_DIR / "app.css"
#: What a visitor reads when a page fails unexpectedly (the details go to the server's log).
UNEXPECTED_ERROR = (
    "Cette page a rencontré une erreur inattendue et n'a pas pu s'afficher entièrement. Rechargez la "
    "page ; si l'erreur persiste, signalez-la à l'équipe du programme (le détail est dans le journal "
    "du serveur)."
)
#: Set (to any value) to let a page's unexpected errors through, as the tests do.
ENV_RAISE = "TERRITORIAL_RAISE_ERRORS"
DEMO_NOTICE = (
    "**Données de démonstration** — les {n} territoires, leurs populations et leurs contours "
    "sont réels, mais les niveaux d'activation des leviers sont **illustratifs**. "
    "Importez le fichier du programme (page « Données ») pour afficher les données réelles."
)
PROXY_NOTICE = (
    "Les segments et les leviers affichés sont une approximation documentée (les définitions "
    "exactes du RAMEAU ne sont pas publiques) ; un éditeur les change dans l'onglet « Définition du "
    "programme » de la page Données."
)


def run_page(page) -> None:
    """Run the page; an unexpected error is logged with its traceback and told in French.

    Streamlit's own message is in English, and its details would show server paths; with
    ``client.showErrorDetails = "none"`` it says nothing useful. ``st.stop`` and ``st.rerun``
    are not errors (they are not :class:`Exception`) and pass through.
    """
    try:
        page.run()
    except Exception:
        if os.environ.get(ENV_RAISE):
            raise
        log.exception("Erreur inattendue sur la page « %s »", getattr(page, "url_path", "?"))
        st.error(UNEXPECTED_ERROR)


@dataclass(frozen=True)
class Html:
    """HTML prepared once for ``st.html``, which shows an object's ``_repr_html_()`` as it is
    (one of its documented inputs) instead of dedenting and stripping a string at every run:
    a table of 1,253 territories is half a megabyte of text. Made by :func:`prepared_html`."""

    text: str

    def _repr_html_(self) -> str:
        return self.text


def prepared_html(text: str) -> Html:
    """``text`` as ``st.html`` would show it (dedented, stripped), for a cached view."""
    return Html(textwrap.dedent(text).strip())


@functools.cache
def _stylesheet(extra: str) -> Html:
    return prepared_html(f"<style>{palette.css_variables() + CSS_FILE.read_text(encoding='utf-8') + extra}</style>")


def inject_css(extra: str = "") -> None:
    """Apply the app's stylesheet (constant CSS from assets/, never data; read once per process).

    Streamlit loads the code of ``st.html`` on first use: the style may come a moment after
    the page's first elements. So nothing above the fold depends on it for its size.
    """
    st.html(_stylesheet(extra))


#: The page's description for search engines and link previews (constant text).
DESCRIPTION = (
    "Tableau de bord du programme « Réussir ensemble la territorialisation des transitions » : "
    "carte des territoires, segments de taille et leviers d'action qu'ils activent."
)
#: Constant script (no data in it): Streamlit's page says ``lang="en"`` and has no description.
_HEAD_SCRIPT = """<script>
(() => {  // in a function: run again in the same page, it declares nothing twice
  document.documentElement.lang = "fr";
  let meta = document.head.querySelector('meta[name="description"]');
  if (!meta) {
    meta = document.createElement("meta");
    meta.name = "description";
    document.head.appendChild(meta);
  }
  meta.content = %s;
})();
</script>"""


#: The app's one script of its own: fixed text, no data in it (the hostile-text tests allow it alone).
HEAD_HTML = _HEAD_SCRIPT % json.dumps(DESCRIPTION, ensure_ascii=False)


def head_tags() -> None:
    """The document's language (French) and meta description, set in the page's ``<head>``."""
    with st.container(key="entete"):  # hidden by assets/app.css; last on the page: moves nothing
        st.html(HEAD_HTML, unsafe_allow_javascript=True)


def demo_notice(programme: Programme) -> None:
    """The visible « Données de démonstration » notice, whenever demo data is shown."""
    if programme.is_demo:
        st.warning(DEMO_NOTICE.format(n=fr_int(len(programme.territories))))


def credits(programme: Programme) -> None:
    """Sources and credits, at the bottom of every page."""
    proxy = f" {PROXY_NOTICE}" if programme.definition.proxy else ""
    st.caption(escape_markdown(f"Sources : {CREDIT}. {programme.populations.sources()}") + proxy)


def show_map(m: folium.Map, *, title: str, height: int = 600) -> None:
    """Display a folium map (tooltips, zoom, pan); a click on it does not rerun the page.

    ``title`` names the map's frame for screen readers (RGAA 2.1/2.2).
    """
    map_frame(m, title=title, height=height)


def show_clickable_map(m: folium.Map, *, key: str, height: int = 600) -> str | None:
    """Render a folium map with streamlit-folium; return the code of the territory clicked.

    Only the clicked feature is sent back (``last_active_drawing``): panning and
    zooming do not rerun the page.
    """
    # The component's frame takes its height only once its code has run: a block of that height
    # keeps its place from the first paint (a style would come too late: issue 22.7, the Carte).
    with st.container(key=f"{key}_cadre", height=height, border=False):
        return clicked_code(st_folium(m, key=key, height=height))


def map_frame(m: folium.Map, *, title: str, height: int) -> None:
    """The map's HTML document in a frame (``st.iframe``), with nothing coming back.

    Lighter than streamlit-folium's component for a map that only shows: the server
    sends a cached string (no component arguments to serialise and hash at every run:
    20 sessions at once, p95 2.2 s -> 0.45 s), the browser no React bundle and no
    handshake before Leaflet loads. The document is rendered once per map object.
    """
    st.iframe(map_document(m), height=height, alt=title)


def clicked_code(state: dict | None) -> str | None:
    """The territory code in a streamlit-folium value (``last_active_drawing``), if any."""
    feature = (state or {}).get("last_active_drawing") or {}
    return feature.get("id") or (feature.get("properties") or {}).get("code")
