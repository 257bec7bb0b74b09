"""The size effect on the Segments page (AppTest): sentences, intervals, Méthode, and ``?au=``."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from territorial.content.size_effect import size_effect
from territorial.content.size_effect_text import findings, share_interval
from territorial.core.fmt import escape_markdown
from tests.conftest import open_page

PAGE = "pages/segments.py"

pytestmark = pytest.mark.usefixtures("fresh_view_caches")


def _sentences(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("- ") and "hasard" in m.value)


def test_the_page_shows_the_sentences_intervals_and_method(folium_recorder, demo) -> None:
    at = open_page(PAGE)
    assert not at.exception
    expected = findings(size_effect(demo), demo.definition)
    assert _sentences(at) == "\n".join(f"- {escape_markdown(f.text)}" for f in expected)
    assert "45\u00a0% \\[28–62\u00a0%\\] contre 100\u00a0% \\[72–100\u00a0%\\]" in _sentences(at)
    assert "on ne peut pas conclure" in _sentences(at)
    method = next(e for e in at.expander if e.label.startswith("Méthode"))
    assert "Fisher–Freeman–Halton" in method.markdown[0].value and "Holm" in method.markdown[0].value
    (table,) = [h.value for h in at.html if "intervalle à 95 % et effectifs" in h.value]
    rows = size_effect(demo).rows("L3").set_index("segment")
    small = rows.loc["S1"]
    assert html.escape(share_interval(small["part"], small["ic_bas"], small["ic_haut"]) + " (13 sur 29)") in table
    assert [b.label for b in at.get("download_button") if "chiffres" in b.label] == [
        "Télécharger les chiffres (CSV)",
        "Télécharger les chiffres (XLSX)",
    ]


def test_the_heat_map_tooltip_gives_the_interval(folium_recorder) -> None:
    from tests.test_page_segments import _heatmap_rows

    rows = _heatmap_rows(open_page(PAGE))
    l3_small = next(r for r in rows if r["segment"] == "S1" and r["lever"] == "L3")
    assert "intervalle à 95 % 28 à 62\u00a0%" in l3_small["title"]


def test_the_sentences_follow_the_date(folium_recorder, demo) -> None:
    at = open_page(PAGE, au="2025-06-30")
    assert not at.exception
    earlier = findings(size_effect(demo.at(dt.date(2025, 6, 30))), demo.definition)
    assert _sentences(at) == "\n".join(f"- {escape_markdown(f.text)}" for f in earlier)
    assert "28\u00a0% \\[15–46\u00a0%\\]" in _sentences(at)  # L2 among small territories then
