"""Every page, opened with hostile values in every URL parameter it reads.

A link, an image or HTML put in a URL must never render (no phishing link inside the app's
own message box, no request to another site), a huge or odd value must not raise, and a
value that cannot be used is named in one French warning. The parameters each page reads
are recorded while it runs (every read goes through ``url_state.raw``): a page that starts
reading a new parameter without this walk knowing it fails here.
"""

from __future__ import annotations

import ast

import pytest

from territorial.core.fmt import quoted
from territorial.ui import url_state
from tests.conftest import ROOT, open_page
from tests.markdown_text import rendered, unsafe

#: The parameters each page reads (app.py reads ``mode`` on every page).
PARAMS = {
    "pages/accueil.py": {"mode", "au"},
    "pages/carte.py": {"mode", "au", "couleur", "segment", "levier", "region", "type", "territoire", "q"},
    "pages/segments.py": {"mode", "au", "segment", "levier", "vue"},
    "pages/fiche.py": {"mode", "au", "territoire"},
    "pages/suivi.py": {"mode", "au"},
    "pages/atelier.py": {"mode", "au", "etape", "territoire"},
    "pages/donnees.py": {"mode"},
    "pages/historique.py": {"mode", "version"},
    "pages/accessibilite.py": {"mode"},
    "pages/salle.py": {"mode", "salle"},
    "pages/participer.py": {"mode", "salle"},
}
#: Parameters whose value may be anything short (a search): no warning for them.
FREE_TEXT = {"q": 100}
#: Parameters that only switch something on when they hold one constant.
SWITCHES = {"mode"}

HOSTILE = {
    "lien": "[Session expirée : reconnectez-vous](https://evil.example/login)",
    "image": "![t](http://evil.example/x.png)",
    "html": "<img src=x onerror=alert(1)>",
    "adresse": "https://evil.example www.evil.example a@b.fr",
    "chiffres": "9" * 5000,
    "vide": "",
    "unicode": "²³ ٣ Ωmega 🚀 \u202eevil\u0000",
    "long": "Session expirée " * 700,
}


@pytest.fixture
def reads(monkeypatch) -> set[str]:
    """The parameters read during the test."""
    seen: set[str] = set()
    original = url_state.raw

    def recording(param: str) -> str | None:
        seen.add(param)
        return original(param)

    monkeypatch.setattr(url_state, "raw", recording)
    return seen


@pytest.fixture
def fresh_store(tmp_path, monkeypatch):
    """An empty store of its own: the first run stores the demo as version 1."""
    from territorial.storage import store as store_module
    from territorial.ui import data

    monkeypatch.setenv(store_module.ENV_DATA_DIR, str(tmp_path / "var"))
    for cached in (data._store, data._version, data._programme_at):
        cached.clear()
    yield tmp_path
    data._store.clear()


def _messages(at) -> list[str]:
    return [e.value for kind in ("warning", "error", "info") for e in getattr(at, kind)]


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("page", PARAMS)
@pytest.mark.usefixtures("fresh_view_caches")
def test_hostile_url_values_are_shown_as_text_never_rendered(page, value, folium_recorder, reads) -> None:
    at = open_page(page, **dict.fromkeys(PARAMS[page], value))
    assert not at.exception, [e.value for e in at.exception]
    assert unsafe(at) == []
    assert reads == PARAMS[page], f"{page} reads {sorted(reads)}: update PARAMS"
    notes = [m for m in _messages(at) if m.startswith("Adresse de la page")]
    for param in PARAMS[page] - SWITCHES:
        named = [n for n in notes if f"du paramètre {quoted(param)}" in n]
        expected = bool(value.strip()) and len(value) > FREE_TEXT.get(param, -1)
        assert bool(named) == expected, (param, notes)
        for note in named:  # the value is quoted, escaped and cut
            assert len(note) < 400
            assert quoted(value.strip(), url_state.SHOWN) in note
    assert all(len(text) < 2000 for _, text in rendered(at) if "Adresse de la page" in text)


def test_every_page_is_walked() -> None:
    assert set(PARAMS) == {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}


def test_only_url_state_touches_the_query_parameters() -> None:
    """A page that read ``st.query_params`` itself would bypass the parsers (and this walk)."""
    sources = [*(ROOT / "pages").glob("*.py"), *(ROOT / "territorial").rglob("*.py"), ROOT / "app.py"]
    found = []
    for path in sources:
        if path == ROOT / "territorial" / "ui" / "url_state.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "query_params"
        ]
    assert found == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"version": "9" * 5000}, "n'est pas un nombre entier d'au plus 9 chiffres ; affichage de la version 1."),
        ({"version": "²"}, "n'est pas un nombre entier d'au plus 9 chiffres ; affichage de la version 1."),
        ({"version": "0"}, "est hors des limites (1 à 1) ; affichage de la version 1."),
        ({"version": "-1"}, "est hors des limites (1 à 1) ; affichage de la version 1."),
    ],
)
def test_historique_version_out_of_bounds(params, expected, folium_recorder, fresh_store) -> None:
    at = open_page("pages/historique.py", **params)
    assert not at.exception
    (note,) = [w.value for w in at.warning if w.value.startswith("Adresse de la page")]
    assert note.endswith(expected)
    assert at.selectbox(key="historique_version").value == 1
    assert at.query_params["version"] == "1"


def test_a_long_value_is_quoted_cut_with_an_ellipsis(folium_recorder) -> None:
    at = open_page("pages/atelier.py", etape="9" * 5000)
    (note,) = [w.value for w in at.warning if w.value.startswith("Adresse de la page")]
    assert f"«\u00a0{'9' * url_state.SHOWN}…\u00a0»" in note


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


@pytest.mark.parametrize("page", PARAMS)
@pytest.mark.usefixtures("fresh_view_caches")
def test_bidi_controls_from_a_url_never_reach_the_screen(page, folium_recorder) -> None:
    """Issue 23.11: a warning read « Vérifiez le lienPARIS reçu » (U+202E reversed the rest)."""
    at = open_page(page, **dict.fromkeys(PARAMS[page], "lien\u202ePARIS\u2066x\u2069\u200f\u061c"))
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(text for _, text in rendered(at)) + " ".join(str(t.value) for t in at.text_input)
    assert "lien" in shown or page in ("pages/donnees.py", "pages/accessibilite.py", "pages/accueil.py")
    assert not [c for c in shown if c in BIDI]
