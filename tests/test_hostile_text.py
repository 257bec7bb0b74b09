"""Free text from the data (names, notes, version comments) is plain text on every page.

Streamlit reads what it is given as Markdown (GFM): a note could turn into a heading, a
link, an e-mail link, an image or HTML. A programme whose texts hold all of that is stored
as the current version, then every page is run: nothing renders as a link, an image or
HTML, and the notes read exactly as they were written, line breaks included.
"""

from __future__ import annotations

import pytest

from territorial.core.fmt import escape_markdown
from territorial.storage import store as store_module
from territorial.storage.store import Store
from territorial.ui import data
from tests.conftest import ROOT, open_page
from tests.markdown_text import live_syntax, rendered, shown, unsafe

LYON = "200046977"
LANGRES = "PETR-LANGRES"
NOTES = (
    "Compte rendu : https://evil.example/cr et www.evil.example\n"
    "Contact : a@b.fr\n"
    "===\n"
    "&lt;i&gt; <script>alert(1)</script> **gras** _penché_ `code`\n"
    "- pas une liste | pas un tableau | $x$ :smile: ~~barré~~\n"
    "[lien](javascript:alert(1)) ![image](http://evil.example/x.png) <https://evil.example>"
)
NAME = "Pays [clic](https://evil.example) <img src=x onerror=alert(1)> a@b.fr"
COMMENT = "Import de https://evil.example par a@b.fr ![x](http://evil.example/x.png)"
PAGES = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))


@pytest.fixture
def hostile_programme(tmp_path, monkeypatch):
    """The current version of a store of its own holds hostile names, notes and comments."""
    monkeypatch.setenv(store_module.ENV_DATA_DIR, str(tmp_path / "var"))
    for cached in (data._store, data._version, data._programme_at):
        cached.clear()
    assert not open_page("pages/donnees.py").exception  # stores the demo as version 1
    store = Store.open()
    table = store.get(1).table
    frame = table.territories.set_index("code", drop=False)
    frame.loc[[LYON, LANGRES], "notes"] = NOTES
    frame.loc[LANGRES, "nom"] = NAME
    table.territories = frame.reset_index(drop=True)
    store.save(table, author=NAME, comment=COMMENT, kind="edition", expected_parent=1)
    yield store
    store.close()
    for cached in (data._store, data._version, data._programme_at):
        cached.clear()


#: Every page, and the views of each that show a territory or a version.
VIEWS = [(page, {}) for page in PAGES] + [
    ("pages/carte.py", {"territoire": LANGRES}),
    ("pages/fiche.py", {"territoire": LANGRES}),
    ("pages/fiche.py", {"territoire": LYON}),
    ("pages/atelier.py", {"etape": "11", "territoire": LANGRES}),
    ("pages/historique.py", {"version": "1"}),
]


@pytest.mark.parametrize(("page", "params"), VIEWS, ids=[f"{p}{q}" for p, q in VIEWS])
@pytest.mark.usefixtures("fresh_view_caches")
def test_no_data_text_renders_as_markdown_on_any_page(page, params, hostile_programme, folium_recorder) -> None:
    at = open_page(page, **params)
    assert not at.exception, [e.value for e in at.exception]
    assert unsafe(at) == []


@pytest.mark.usefixtures("fresh_view_caches")
def test_notes_read_as_written_on_the_fiche(hostile_programme, folium_recorder) -> None:
    at = open_page("pages/fiche.py", territoire=LANGRES)
    assert not at.exception
    (notes,) = [m.value for m in at.markdown if m.value.startswith("**Notes** : ")]
    body = notes.removeprefix("**Notes** : ")
    assert live_syntax(body) == []
    assert shown(body) == NOTES  # every character, and every line break, as written
    assert body.count("  \n") == NOTES.count("\n")  # hard breaks: one line per line
    assert all(line[:1] not in "=-#>*+|" for line in body.split("  \n"))  # no heading, list, quote, table
    (title,) = at.title
    assert shown(title.value) == NAME and live_syntax(title.value) == []
    assert all(live_syntax(text) == [] for _, text in rendered(at) if "Pays" in text)


@pytest.mark.usefixtures("fresh_view_caches")
def test_names_in_cards_links_and_captions_are_text(hostile_programme, folium_recorder) -> None:
    at = open_page("pages/carte.py", territoire=LANGRES)
    card = next(m.value for m in at.markdown if m.value.startswith("###"))
    assert shown(card.splitlines()[0]) == f"### {NAME}"
    assert card.endswith(f"[Ouvrir la fiche](fiche?territoire={LANGRES})")  # the app's own link stays
    at = open_page("pages/historique.py", version="2")
    caption = at.markdown[0].value
    assert shown(caption).endswith(f"par {NAME} : {COMMENT}")
    assert live_syntax(caption) == []


@pytest.mark.parametrize(
    "text",
    [
        NOTES,
        NAME,
        COMMENT,
        "  quatre espaces",
        "\tonglet",
        "a\r\nb\rc\u2028d",
        "\x00\x1b[31m",
        "x" * 10_000,
        "",
        "**",
        "\\",
        "1. un",
        "+ plus",
        "# titre",
    ],
)
def test_escape_markdown_leaves_nothing_live_and_reads_as_written(text) -> None:
    single = escape_markdown(text)
    assert "\n" not in single and live_syntax(single) == []
    multi = escape_markdown(text, multiline=True)
    assert live_syntax(multi) == []
    readable = text.replace("\t", " ").replace("\x00", "").replace("\x1b", "")
    assert shown(multi).replace("\u00a0", " ") == "\n".join(readable.splitlines())
    assert escape_markdown(text, limit=20) == escape_markdown(text[:20] + ("…" if len(text) > 20 else ""))


@pytest.mark.usefixtures("fresh_view_caches")
def test_bidi_controls_from_a_file_never_reach_the_screen(tmp_path, monkeypatch, folium_recorder) -> None:
    """Issue 23.11: U+202E in a name from the programme file reversed the rest of the line."""
    monkeypatch.setenv(store_module.ENV_DATA_DIR, str(tmp_path / "var"))
    for cached in (data._store, data._version, data._programme_at):
        cached.clear()
    assert not open_page("pages/donnees.py").exception
    store = Store.open()
    table = store.get(1).table
    frame = table.territories.set_index("code", drop=False)
    frame.loc[LANGRES, "nom"] = "Pays \u202esergnaL ed\u202c \u2067x\u2069"
    frame.loc[LANGRES, "notes"] = "Note \u2066isolée\u2069 \u200fici\u061c"
    table.territories = frame.reset_index(drop=True)
    store.save(table, author="a", comment="b", kind="edition", expected_parent=1)
    try:
        at = open_page("pages/fiche.py", territoire=LANGRES)
        texts = " ".join(text for _, text in rendered(at))
        assert "sergnaL ed" in texts and "isolée" in texts
        assert not [c for c in texts if c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"]
    finally:
        store.close()
        for cached in (data._store, data._version, data._programme_at):
            cached.clear()
