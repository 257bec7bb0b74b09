"""Streamlit's private page structure that our CSS leans on, listed in one place.

Streamlit documents neither its ``data-testid`` values nor its class names: an upgrade may
rename one, and the rule that used it then does nothing, silently. Every such name used by
the style sheets (``assets/*.css``, the ``<style>`` blocks of ``territorial/`` and the one
nginx adds to the served page, ``deploy/nginx/territoires.conf``) and by the development
harness is listed here, with a page (path and query) on which it shows.
``tests/test_private_apis.py`` checks that the list is complete and that each name is still
in Streamlit's frontend; ``tests/browser/test_streamlit_selectors.py`` that each one matches
an element in Chromium on its page. ``None``: it only shows at some moments (a script
running, a room open, a programme with several versions), checked in the frontend only.

The ``st-key-<key>`` classes are Streamlit's convention for a keyed container or widget; the
keys are ours.
"""

from __future__ import annotations

HOME = "/"
FICHE = "/fiche?territoire=200046977"  # Métropole de Lyon, in the demonstration programme
SEARCH = "/fiche"  # the fiche's landing page: its search open (closed above a fiche, built once opened)
SEGMENTS = "/segments"
ATELIER = "/atelier"
PROJECTION = "/?mode=atelier"  # any page but the Atelier's and the room's, projected

#: ``[data-testid="…"]`` → a page where it shows.
TEST_IDS: dict[str, str | None] = {
    "stApp": HOME,
    "stMain": HOME,
    "stMainBlockContainer": HOME,
    "stSidebar": HOME,
    "stAppViewContainer": HOME,  # nginx's style: the page hidden until the sidebar is there
    "stSidebarNav": HOME,
    "stSidebarUserContent": HOME,
    "stExpandSidebarButton": None,  # a narrow screen, where the sidebar starts closed
    "stHeader": HOME,
    "stToolbar": None,  # a toolbar with items (toolbarMode = "minimal": none on this server)
    "stStatusWidget": None,  # while a script runs
    "stLayoutWrapper": HOME,
    "stMarkdownContainer": HOME,
    "stCaptionContainer": HOME,
    "stMetricValue": HOME,
    "stMetricLabel": HOME,
    "stTextInput": SEARCH,
    "stSelectbox": SEARCH,
    "stBaseButton-primary": None,  # the editor's forms and a room's controls (editor role)
    "stAlert": HOME,
    "stRadio": None,  # the participants' page of a live room
    "stWidgetLabel": FICHE,
}

#: Streamlit's own class names → a page where they show.
CLASSES: dict[str, str | None] = {
    "stApp": HOME,
    "block-container": HOME,
    "stButton": ATELIER,
    "stDownloadButton": FICHE,
}

#: Keys whose ``.st-key-<key>`` class the CSS styles → a page where they show (a key ending
#: in ``_`` is a prefix: ``[class*="st-key-<key>"]``).
KEYS: dict[str, str | None] = {
    "entete": HOME,
    "accueil_chiffres": HOME,
    "fiche": FICHE,
    "fiche_recherche": FICHE,
    "segments_cartes": SEGMENTS,
    "segments_matrice": SEGMENTS,
    "segments_niveaux": SEGMENTS,
    "segments_evolution_grille": None,  # a programme with dialogues at several dates
    "atelier_precedent": ATELIER,
    "atelier_suivant": ATELIER,
    "atelier_constats": None,  # the steps with findings
    "atelier_carte": ATELIER,
    "atelier_etape": ATELIER,
    "projection": ATELIER,  # a projected page's content (territorial/ui/workshop.projected_frame)
    "projection_cale": ATELIER,
    "projection_contenu": ATELIER,
    "sortie_projection": PROJECTION,
    "salle_compte": None,  # a live room's projector
    "salle_carte": None,
    "salle_territoire": None,
    "salle_niveau_L": None,  # salle_niveau_L1, L2…: the participant's levels (harness)
}


def css_selector(kind: str, name: str) -> str:
    """The CSS selector of a listed name (``kind``: ``test_id``, ``class`` or ``key``)."""
    if kind == "test_id":
        return f'[data-testid="{name}"]'
    if kind == "class":
        return f".{name}"
    return f'[class*="st-key-{name}"]' if name.endswith("_") else f".st-key-{name}"


def on_pages() -> dict[str, list[str]]:
    """Page → the selectors that must match on it."""
    pages: dict[str, list[str]] = {}
    for kind, names in (("test_id", TEST_IDS), ("class", CLASSES), ("key", KEYS)):
        for name, page in names.items():
            if page is not None:
                pages.setdefault(page, []).append(css_selector(kind, name))
    return pages
