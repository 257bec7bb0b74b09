"""The Segments et leviers page with AppTest: segment cards, summary, matrix cell, lever view."""

from __future__ import annotations

import dataclasses
import html
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from territorial.content.html_cards import CARD_CLASS, ROW_CLASS
from territorial.content.html_table import TABLE_CLASS
from territorial.content.segment_cards import COUNT_LABEL, segment_cards_html
from territorial.content.summary import contrasts
from territorial.core.fmt import escape_markdown, fr_int, fr_pop
from tests.conftest import open_page
from tests.markdown_text import shown

PAGE = "pages/segments.py"


pytestmark = pytest.mark.usefixtures("fresh_view_caches")


def _open(**params: str) -> AppTest:
    return open_page(PAGE, **params)


def _listed(at: AppTest) -> list[str]:
    """Territories named in the list beside the map (an HTML table, names as row headers)."""
    (table,) = [h.value for h in at.html if f'<table class="{TABLE_CLASS}"' in h.value]
    return sorted(html.unescape(name) for name in re.findall(r'<th scope="row">(.*?)</th>', table))


_BUTTON = re.compile(
    r'<button type="button" style="[^"]*" data-segment="([^"]*)" data-levier="([^"]*)" '
    r'aria-pressed="(true|false)" title="([^"]*)" aria-label="([^"]*)">([^<]*)'
)


def _heatmap_rows(at: AppTest) -> list[dict]:
    """The heat map's cells as the browser gets them: the HTML the page's component shows
    (territorial/ui/html_choice.py; AppTest does not know the element), one button per cell."""
    (proto,) = [
        e.proto for e in at.main if getattr(getattr(e, "proto", None), "component_name", "") == "territoires.choix_html"
    ]
    table = json.loads(proto.json)
    return [
        {"segment": s, "lever": lv, "selected": pressed == "true", "title": html.unescape(t), "shown": shown}
        for s, lv, pressed, t, label, shown in _BUTTON.findall(table)
        if label == t
    ]


def _cards(at: AppTest) -> list[list[str]]:
    """The segment cards as a person reads them: per card, its lines of text, tags removed."""
    (block,) = [h.value for h in at.html if f'<div class="{ROW_CLASS}"' in h.value]
    cards = re.findall(rf'<div class="{CARD_CLASS}">(.*?)</div>(?=<div class="{CARD_CLASS}">|</div>$)', block)
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", line)) for line in re.split(r"<br>|</p>", card) if line.strip()]
        for card in cards
    ]


def test_segments_side_by_side_and_summary(folium_recorder, demo) -> None:
    at = _open()
    assert not at.exception
    data = demo.territories
    cards = _cards(at)
    assert [card[0] for card in cards] == [s.label for s in demo.definition.segments]
    for card, segment in zip(cards, demo.definition.segments, strict=True):
        population = data.loc[data["segment"] == segment.id, "population"].sum()
        year = "2023 (Mayotte : 2017)" if segment.id == "S2" else "2023"  # S2 holds Mayotte's CA
        assert card == [
            segment.label,
            segment.bounds_label,
            COUNT_LABEL,
            fr_int((data["segment"] == segment.id).sum()),
            "Population couverte :",
            fr_pop(population),
            f"population municipale {year}",
            segment.description,
        ]
    assert cards[0][1].startswith("moins de 50") and cards[0][-1].startswith("Moins de 50")
    texts = [m.value for m in at.markdown]
    summary = next(t for t in texts if t.startswith("- Segment"))
    sentences = contrasts(demo)
    assert summary == "\n".join(f"- {escape_markdown(s)}" for s in sentences)
    assert "97\u00a0%" in summary and "« Coopérations & gouvernance territoriale »" in sentences[0]


def test_segment_cards_escape_the_definition_text(demo) -> None:
    """A label or description from the definition file is shown as text, never as HTML."""
    hostile = dataclasses.replace(
        demo.definition.segments[0], label="<b>Petits</b> & co", description="<script>x</script>"
    )
    block = segment_cards_html(
        dataclasses.replace(
            demo, definition=dataclasses.replace(demo.definition, segments=(hostile, *demo.definition.segments[1:]))
        )
    )
    assert "<b>" not in block and "<script>" not in block
    assert "&lt;b&gt;Petits&lt;/b&gt; &amp; co" in block and "&lt;script&gt;x&lt;/script&gt;" in block


def _click(at: AppTest, *, segment: str | None = None, lever: str) -> AppTest:
    """A click on a cell (``segment``) or on a lever's column header (no ``segment``): what the
    component's trigger holds in the run the click starts (the button's data- values)."""
    at.session_state["segments_cases"] = {"choix": {"levier": lever} | ({"segment": segment} if segment else {})}
    return at.run()


def _pressed(at: AppTest) -> list[tuple[str | None, str]]:
    """The pressed buttons of the heat map: (segment, lever) for a cell, (None, lever) for a header."""
    table = json.loads(
        next(e.proto for e in at.main if getattr(e.proto, "component_name", "") == "territoires.choix_html").json
    )
    return [
        (segment or None, lever)
        for segment, lever in re.findall(
            r'<button type="button"(?: style="[^"]*")?(?: data-segment="([^"]*)")? data-levier="([^"]*)" '
            r'aria-pressed="true"',
            table,
        )
    ]


def test_a_cell_lists_and_maps_its_territories_and_a_header_its_lever(folium_recorder, demo) -> None:
    at = _open()
    assert len(_heatmap_rows(at)) == 16 and _pressed(at) == [(None, "L1")]  # the first lever, all segments
    _click(at, segment="S1", lever="L2")
    assert not at.exception
    data = demo.territories
    expected = data[(data["segment"] == "S1") & (data["L2"] >= 1)]
    assert _listed(at) == sorted(expected["nom"])
    assert {f["properties"]["code"] for f in folium_recorder.features()} == set(expected.index)
    assert any(
        m.value
        == escape_markdown(
            f"{len(expected)} territoires du segment « Petits territoires » sur 29 activent ce levier (41\u00a0%)."
        )
        for m in at.markdown
    )
    lever_headings = [shown(s.value) for s in at.header if shown(s.value).startswith("Levier ")]
    assert lever_headings == ["Levier L2 – Données & méthodes partagées"]
    assert at.query_params["segment"] == "S1" and at.query_params["levier"] == "L2"
    # The heat map outlines the chosen cell, and only it.
    assert _pressed(at) == [("S1", "L2")]
    assert [(r["segment"], r["lever"]) for r in _heatmap_rows(at) if r["selected"]] == [("S1", "L2")]

    # A lever's column header: every territory activating the lever, in all segments.
    _click(at, lever="L3")
    assert _listed(at) == sorted(data.loc[data["L3"] >= 1, "nom"])
    assert "segment" not in at.query_params and at.query_params["levier"] == "L3"
    assert _pressed(at) == [(None, "L3")]
    assert any(
        m.value.startswith(escape_markdown(f"{(data['L3'] >= 1).sum()} territoires du programme sur 81"))
        for m in at.markdown
    )


def test_the_same_click_seen_again_changes_nothing(folium_recorder, demo) -> None:
    at = _click(_open(), segment="S3", lever="L4")
    assert _pressed(at) == [("S3", "L4")]
    data = demo.territories
    assert _listed(at) == sorted(data.loc[(data["segment"] == "S3") & (data["L4"] >= 1), "nom"])
    _click(at, lever="L1")
    assert _pressed(at) == [(None, "L1")] and "levier" not in at.query_params and "segment" not in at.query_params
    at.run()  # AppTest keeps the last value: seen again, it is not a new click
    assert _pressed(at) == [(None, "L1")]


def test_a_click_on_an_unknown_cell_changes_nothing(folium_recorder, demo) -> None:
    at = _open(segment="S2", levier="L3")
    # A trigger value the page never wrote (a forged message): neither a segment nor a lever.
    for forged in ({"segment": "<img src=x>", "levier": "L3"}, {"segment": "S1", "levier": "L9"}, {"autre": "x"}):
        at.session_state["segments_cases"] = {"choix": forged}
        at.run()
        assert not at.exception
        assert _pressed(at) == [("S2", "L3")], forged
        assert at.query_params["segment"] == "S2" and at.query_params["levier"] == "L3"


def test_url_restores_the_cell_and_ignores_invalid_values(folium_recorder, demo) -> None:
    at = _open(segment="S4", levier="L3")
    assert _pressed(at) == [("S4", "L3")]
    data = demo.territories
    assert _listed(at) == sorted(data.loc[(data["segment"] == "S4") & (data["L3"] >= 1), "nom"])

    at = _open(segment="S1,S2", levier="[x](javascript:alert(1))")
    assert not at.exception
    messages = " ".join(w.value for w in at.warning)
    assert "«\u00a0S1,S2\u00a0»" in messages
    assert f"«\u00a0{escape_markdown('[x](javascript:alert(1))')}\u00a0»" in messages  # no link, shown as text
    assert _pressed(at) == [(None, "L1")]


def _sections(at: AppTest) -> set[str]:
    """The closing sections built in this run (their headings)."""
    headings = {h.value for h in at.header}
    return {t for t in ("L'effet de taille en détail : parts et intervalles", "Évolution par segment") if t in headings}


def _charts_sent(at: AppTest) -> int:
    return sum(1 for e in at.main if getattr(getattr(e, "proto", None), "spec", ""))


def test_only_the_open_tab_is_built_and_it_is_in_the_url(folium_recorder, demo) -> None:
    from territorial.ui.evolution import MODE_KEY

    at = _open()
    assert [t.label for t in at.tabs] == ["Parts et intervalles", "Au fil des dialogues"]
    # The default tab: the size effect's details; nothing of the evolution is built or sent.
    assert _sections(at) == {"L'effet de taille en détail : parts et intervalles"}
    assert [b.label for b in at.get("download_button")][-2:] == [
        "Télécharger les chiffres (CSV)",
        "Télécharger les chiffres (XLSX)",
    ]
    assert MODE_KEY not in [r.key for r in at.radio]
    assert _charts_sent(at) == 0  # the heat map, the levels and the intervals are HTML (no chart code to load)
    assert "vue" not in at.query_params

    # Opening the other tab (what a click does) builds only the evolution, and says so in the URL.
    at.session_state["segments_vue"] = "Au fil des dialogues"
    at.run()
    assert not at.exception
    assert _sections(at) == {"Évolution par segment"}
    assert MODE_KEY in [r.key for r in at.radio]
    assert _charts_sent(at) == len(demo.definition.levers)  # one per lever
    assert at.query_params["vue"] == "evolution"

    # A link to it opens it; a value that is no tab is named in a French warning and ignored.
    assert _sections(_open(vue="evolution")) == {"Évolution par segment"}
    at = _open(vue="<b>graphiques</b>")
    assert not at.exception and _sections(at) == {"L'effet de taille en détail : parts et intervalles"}
    assert f"«\u00a0{escape_markdown('<b>graphiques</b>')}\u00a0»" in " ".join(w.value for w in at.warning)
