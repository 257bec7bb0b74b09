"""The dialogues over time on the pages (AppTest): the fiche's timeline, the segments' evolution."""

from __future__ import annotations

import base64
import html
import json
import re

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from territorial.content import evolution as ev
from territorial.core.fmt import escape_markdown
from territorial.ui.evolution import MODE_KEY, TABLE_KIND
from tests.conftest import open_page

pytestmark = pytest.mark.usefixtures("fresh_view_caches")
CORTE = "2B096"


def _charts(at: AppTest) -> list[tuple[dict, list[dict]]]:
    """Every Vega-Lite chart of the page: (spec, rows of its dataset)."""
    found = []
    for element in at.main:
        proto = getattr(element, "proto", None)
        spec = getattr(proto, "spec", "") if proto is not None else ""
        if spec and '"$schema"' in spec and "vega-lite" in spec:
            rows = convert_arrow_bytes_to_pandas_df(proto.data.data).to_dict("records") if proto.data.data else []
            for dataset in proto.datasets:
                rows += convert_arrow_bytes_to_pandas_df(dataset.data.data).to_dict("records")
            found.append((json.loads(spec), rows))
    return found


def _title(spec: dict) -> str:
    title = spec.get("title") or {}
    return title.get("text", "") if isinstance(title, dict) else str(title)


def test_fiche_shows_the_timeline_the_sentence_and_the_table(folium_recorder, demo) -> None:
    at = open_page("pages/fiche.py", territoire=CORTE)
    assert not at.exception
    assert "Évolution des leviers au fil des dialogues" in [s.value for s in at.header]
    sentence = ev.change_sentence(demo, CORTE)
    assert sentence.replace("\u00a0", " ") == (
        "Entre le 19 juin 2025 (T+12) et le 12 août 2026 (T+24) : L4 – Coopérations & gouvernance territoriale "
        "progresse de « engagé » à « structurant » ; les autres leviers sont inchangés."
    )
    assert escape_markdown(sentence) in [m.value for m in at.markdown]
    # The timeline: drawn on the server (no chart code to load), wide and narrow, named by its description.
    assert not [spec for spec, _ in _charts(at)]  # the fiche has no Vega chart left
    (drawing,) = [h.value for h in at.html if 'class="fiche-evolution"' in h.value]
    alts = re.findall(
        r'<img class="fiche-evolution-(?:large|etroit)" src="data:image/svg\+xml;base64,([^"]+)" '
        r'width="[0-9.]+" height="[0-9.]+" alt="([^"]+)">',
        drawing,
    )
    assert len(alts) == 2
    for data, alt in alts:
        assert html.unescape(alt).startswith("Niveau de chaque levier de Corte au fil de ses 3 dialogues.")
        assert "L4 – Coopérations & gouvernance territoriale : engagé le 5 juillet 2024 (T0)" in html.unescape(alt)
        svg = base64.b64decode(data).decode("utf-8")
        assert svg.count("<polyline") == 4  # one line per lever
        for day in ("5 juil. 2024", "19 juin 2025", "12 août 2026"):
            assert day in svg
    assert escape_markdown("Niveau de chaque levier de Corte à chaque dialogue de gouvernance") in " ".join(
        c.value for c in at.caption
    )
    assert "L4 – Coopérations &amp; gouvernance territoriale" in drawing  # the legend
    # The text alternative: a table of the dialogues, one row each.
    (table,) = [h.value for h in at.html if TABLE_KIND in h.value]
    assert table.count("<tr>") == 1 + 3
    assert '<th scope="row">19 juin 2025</th><td>T+12</td>' in table


def test_fiche_as_of_an_earlier_day_stops_at_its_dialogues(folium_recorder, demo) -> None:
    from datetime import date

    early = demo.at(date(2025, 1, 1))
    assert ev.change_sentence(early, CORTE) == "Un seul dialogue au 1er janvier 2025, le 5 juillet 2024 (T0)."
    assert ev.timeline_chart(early, CORTE) is None


def test_segments_page_shows_the_evolution_and_switches_to_half_years(folium_recorder, demo) -> None:
    at = open_page("pages/segments.py", vue="evolution")  # its tab, opened from a link
    assert not at.exception
    assert "Évolution par segment" in [s.value for s in at.header]
    data, left_out = ev.segment_evolution(demo)
    sentences = ev.evolution_sentences(data, demo.definition)
    assert "\n".join(f"- {escape_markdown(s)}" for s in sentences) in [m.value for m in at.markdown]
    titles = [f"{lv.id} – {lv.label}" for lv in demo.definition.levers]
    charts = {_title(spec): rows for spec, rows in _charts(at) if _title(spec) in titles}
    assert list(charts) == titles
    # Each point carries the number of territories behind it.
    l1 = {(r["segment"], r["stage_label"]): (r["n"], r["n_active"]) for r in charts[titles[0]]}
    expected = data[data["lever"] == "L1"].set_index(["segment", "stage_label"])
    assert l1 == {k: (int(v["n"]), int(v["n_active"])) for k, v in expected.iterrows() if v["n"] >= 3}
    assert l1[("S1", "T0")][0] == 29
    captions = " ".join(c.value for c in at.caption)
    assert escape_markdown("Pas de point quand moins de 3 territoires") in captions
    assert f"{left_out} points d’étape intermédiaires" in captions
    (table,) = [h.value for h in at.html if TABLE_KIND in h.value]
    assert "<caption>Part des territoires qui activent chaque levier, par segment et étape</caption>" in table

    at.radio(key=MODE_KEY).set_value(ev.BY_HALF_YEAR).run()
    assert not at.exception
    by_half, _ = ev.segment_evolution(demo, by=ev.BY_HALF_YEAR)
    half_sentences = ev.evolution_sentences(by_half, demo.definition)
    assert half_sentences[0].startswith("Entre la fin du 1er semestre 2024 et la fin du 2e semestre 2026, ")
    assert "\n".join(f"- {escape_markdown(s)}" for s in half_sentences) in [m.value for m in at.markdown]
    stages = {r["stage_label"] for spec, rows in _charts(at) if _title(spec) == titles[0] for r in rows}
    assert stages == {"1er sem. 2024", "2e sem. 2024", "1er sem. 2025", "2e sem. 2025", "1er sem. 2026", "2e sem. 2026"}


def test_fiche_at_a_date_from_the_url_stops_at_that_date(folium_recorder, demo) -> None:
    at = open_page("pages/fiche.py", territoire=CORTE, au="2025-01-01")
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert escape_markdown("Un seul dialogue au 1er janvier 2025, le 5 juillet 2024 (T0).") in texts
    assert not [h for h in at.html if 'class="fiche-evolution"' in h.value]  # no timeline for one dialogue
    (table,) = [h.value for h in at.html if TABLE_KIND in h.value]
    assert table.count("<tr>") == 1 + 1  # the one dialogue up to that day


def test_segments_at_a_date_from_the_url_count_the_dialogues_up_to_it(folium_recorder, demo) -> None:
    from datetime import date

    at = open_page("pages/segments.py", au="2025-06-30", vue="evolution")
    assert not at.exception
    data, _ = ev.segment_evolution(demo.at(date(2025, 6, 30)))
    assert set(data["stage_label"]) == {"T0", "T+12"}
    sentences = ev.evolution_sentences(data, demo.definition)
    assert sentences[0].startswith("Entre T0 et T+12, ")
    assert "\n".join(f"- {escape_markdown(s)}" for s in sentences) in [m.value for m in at.markdown]
