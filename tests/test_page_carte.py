"""The Carte page with AppTest: filters, URL state, search, click and card."""

from __future__ import annotations

import html
import re
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from territorial.content.selection import search_label
from territorial.core.fmt import escape_markdown
from tests.conftest import open_page
from tests.markdown_text import shown

PAGE = "pages/carte.py"
LYON = "200046977"


pytestmark = pytest.mark.usefixtures("fresh_view_caches")


def _open(**params: str) -> AppTest:
    return open_page(PAGE, **params)


def _shown(at: AppTest) -> pd.DataFrame:
    """The table under the map (plain HTML), its cells as text."""
    (table,) = [h.value for h in at.html if '<table class="tableau-territoires"' in h.value]
    head = re.search(r"<thead><tr>(.*?)</tr></thead>", table).group(1)
    columns = [html.unescape(c) for c in re.findall(r'<th scope="col">(.*?)</th>', head)]
    body = re.search(r"<tbody>(.*?)</tbody>", table).group(1)
    rows = [
        [html.unescape(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]
    return pd.DataFrame(rows, columns=columns)


def _codes(features: list[dict]) -> set[str]:
    return {f["properties"]["code"] for f in features}


def test_all_territories_are_mapped_and_listed(folium_recorder, demo) -> None:
    at = _open()
    assert not at.exception
    data = demo.territories
    assert [s.value for s in at.main.header] == ["81 territoires affichés"]
    assert len(_shown(at)) == 81
    assert _codes(folium_recorder.features()) == set(data.index[data.geometry.notna()])
    assert any(c.value.startswith("La carte montre 81 territoires") for c in at.caption)
    assert any("Cliquez sur un territoire" in i.value for i in at.info)


def test_filters_change_the_map_the_table_and_the_url(folium_recorder, demo) -> None:
    at = _open()
    data = demo.territories
    at.multiselect(key="carte_segment").set_value(["S1"]).run()
    small = data[data["segment"] == "S1"]
    assert len(_shown(at)) == len(small) == 29
    assert [s.value for s in at.main.header] == ["29 territoires affichés"]
    assert _codes(folium_recorder.features()) == set(small.index)
    assert at.query_params["segment"] == "S1"

    at.selectbox(key="carte_levier").set_value("L2").run()
    expected = small[small["L2"] >= 1]
    assert set(_shown(at)["Code"]) == set(expected.index)
    assert len(expected) == 12
    assert _codes(folium_recorder.features()) == set(expected.index)
    assert at.query_params["levier"] == "L2"

    at.selectbox(key="carte_couleur").set_value("n_actives").run()
    assert any("colorés selon « Nombre de leviers activés »" in c.value for c in at.caption)
    assert at.query_params["couleur"] == "n_actives"


def test_url_restores_the_view(folium_recorder, demo) -> None:
    at = _open(couleur="L3", segment="S2,S3", levier="L1", region="84", type="epci,commune", territoire=LYON)
    assert not at.exception
    assert at.selectbox(key="carte_couleur").value == "L3"
    assert at.multiselect(key="carte_segment").value == ["S2", "S3"]
    assert at.selectbox(key="carte_levier").value == "L1"
    assert at.selectbox(key="carte_region").value == "84"
    assert at.multiselect(key="carte_type").value == ["epci", "commune"]
    data = demo.territories
    expected = data[
        data["segment"].isin(["S2", "S3"])
        & (data["L1"] >= 1)
        & (data["region"] == "84")
        & data["type"].isin(["epci", "commune"])
    ]
    assert set(_shown(at)["Code"]) == set(expected.index)
    assert len(expected) > 0
    assert any("Financement & investissement en commun : niveau d'activation" in shown(c.value) for c in at.caption)
    # Lyon (S4) is selected from the URL although the filters hide it: its card says so.
    assert any(m.value.startswith("### Métropole de Lyon") for m in at.markdown)
    assert any("n'est pas affiché avec les filtres" in c.value for c in at.caption)


def test_invalid_url_values_are_ignored_with_a_message(folium_recorder) -> None:
    at = _open(segment="S1,S9", levier="<b>L2</b>", territoire="99999", couleur="rouge")
    assert not at.exception
    messages = " ".join(w.value for w in at.warning).replace("\u00a0", " ")
    assert "« S9 »" in messages and "« segment »" in messages
    assert "« \\<b\\>L2\\</b\\> »" in messages  # shown escaped, never as HTML
    assert "« 99999 »" in messages and "« rouge »" in messages
    assert at.multiselect(key="carte_segment").value == ["S1"]
    assert at.selectbox(key="carte_levier").value is None
    assert at.selectbox(key="carte_couleur").value == "segment"
    assert len(_shown(at)) == 29
    assert "levier" not in at.query_params and "territoire" not in at.query_params


@pytest.mark.parametrize("param", ["PETR-LANGRES", "petr-langres"])
def test_a_groupement_code_in_the_url_selects_it(folium_recorder, param) -> None:
    at = _open(territoire=param)  # the demo's own groupement code: letters and a hyphen
    assert not at.exception
    assert not [w for w in at.warning if w.value.startswith("Adresse de la page")]
    assert at.selectbox(key="carte_territoire").value == "PETR-LANGRES"
    card = next(m.value for m in at.markdown if m.value.startswith("###"))
    assert card.startswith("### Pôle d'équilibre territorial et rural du Pays de Langres")
    assert card.endswith("[Ouvrir la fiche](fiche?territoire=PETR-LANGRES)")
    assert at.query_params["territoire"] == "PETR-LANGRES"
    assert _highlighted(folium_recorder) == ["PETR-LANGRES"]  # outlined on the map


def test_clicking_a_groupement_selects_it(folium_recorder) -> None:
    at = _open()
    folium_recorder.click = "PETR-LANGRES"
    at.run()
    assert not at.exception
    assert at.selectbox(key="carte_territoire").value == "PETR-LANGRES"
    assert at.query_params["territoire"] == "PETR-LANGRES"
    assert _highlighted(folium_recorder) == ["PETR-LANGRES"]


def _highlighted(recorder) -> list[str]:
    """Codes outlined as selected on the last map drawn."""
    m = recorder.maps[-1][0]
    layer = next(
        c
        for c in m._children.values()
        if getattr(c, "data", None)
        and c.data.get("features")
        and "territoire" in c.style_function(c.data["features"][0])["className"]
    )
    return [f["id"] for f in layer.data["features"] if "selectionne" in layer.style_function(f)["className"]]


def test_clicking_a_territory_shows_its_card_and_highlights_it(folium_recorder, demo) -> None:
    at = _open()
    folium_recorder.click = LYON
    at.run()
    assert not at.exception
    card = next(m.value for m in at.markdown if m.value.startswith("###"))
    assert card.startswith("### Métropole de Lyon")
    assert "Rhône \\(69\\) · Auvergne\\-Rhône\\-Alpes" in card
    assert "Segment : **Métropoles et très grands territoires**" in card
    row = demo.territories.loc[LYON]
    for lever in demo.definition.levers:
        level = demo.definition.level_label(int(row[lever.id]))
        assert f"- {escape_markdown(lever.label)} : **{escape_markdown(level)}**" in card
    assert card.endswith(f"[Ouvrir la fiche](fiche?territoire={LYON})")
    assert at.query_params["territoire"] == LYON
    assert at.selectbox(key="carte_territoire").value == LYON
    # The map drawn after the click outlines Lyon.
    m = folium_recorder.maps[-1][0]
    layer = next(
        c
        for c in m._children.values()
        if getattr(c, "data", None)
        and c.data.get("features")
        and "territoire" in c.style_function(c.data["features"][0])["className"]
    )
    styles = {f["id"]: layer.style_function(f)["className"] for f in layer.data["features"]}
    assert styles[LYON] == "territoire territoire-selectionne"
    assert sum("selectionne" in s for s in styles.values()) == 1

    # The next rerun (no new click) keeps the selection; choosing another one in the list wins.
    folium_recorder.click = None
    at.run()
    assert at.selectbox(key="carte_territoire").value == LYON
    at.selectbox(key="carte_territoire").set_value("04116").run()
    card = next(m.value for m in at.markdown if m.value.startswith("###"))
    assert card.startswith("### Les Mées\nCommune · 4\u202f099\u00a0hab\\. (population 2023)")
    assert at.query_params["territoire"] == "04116"


def test_search_lists_matches_with_their_departement(folium_recorder, demo) -> None:
    at = _open()
    at.text_input(key="carte_q").set_value("saint").run()
    data = demo.territories
    expected = data[data["nom"].str.lower().str.contains("saint")]
    assert len(expected) >= 2
    assert set(_shown(at)["Code"]) == set(expected.index)
    listing = " ".join(m.value for m in at.sidebar.markdown)
    for _, row in expected.iterrows():
        assert escape_markdown(search_label(row)) in listing
    assert at.query_params["q"] == "saint"


def test_no_match_warns_and_draws_an_empty_map(folium_recorder) -> None:
    at = _open(q="zzzz")
    assert not at.exception
    assert any("Aucun territoire" in w.value for w in at.warning)
    assert [s.value for s in at.main.header] == ["0 territoire affiché"]
    assert folium_recorder.features() == []


def test_cached_map_is_rendered_once_and_as_streamlit_folium_would(demo, monkeypatch) -> None:
    """show_clickable_map sends what streamlit-folium would, renders each shared map once, never mutates it."""
    import streamlit_folium

    from territorial.ui import cached_views, folium_component, layout

    sent: list[dict] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.append(kw) or kw.get("default"))
    codes = tuple(demo.territories.index[:20])
    cached = cached_views.territories_map(demo, mode="segment", codes=codes, highlight=codes[0], height=500)
    name = cached.get_name()
    renders = []
    real_render = folium_component._render
    monkeypatch.setattr(folium_component, "_render", lambda m: renders.append(1) or real_render(m))
    for _ in range(3):
        layout.show_clickable_map(cached, key="t", height=500)
    assert cached.get_name() == name  # the cached map was not renamed
    assert len(renders) == 1  # rendered once, sent three times
    assert len({(s["script"], s["header"], s["html"], s["key"]) for s in sent}) == 1
    assert sent[0]["script"].count('"type":"Feature"') >= 20  # packed: maps._PackedGeoJson
    # The same arguments as the library's own st_folium on a copy of the map.
    streamlit_folium.st_folium(
        folium_component._clone_map(cached),
        key="t",
        height=500,
        use_container_width=True,
        returned_objects=folium_component.RETURNED,
    )
    ours, theirs = sent[0], sent[-1]
    assert {k: v for k, v in ours.items() if k != "on_change"} == {k: v for k, v in theirs.items() if k != "on_change"}


def test_a_map_that_only_shows_is_one_document_rendered_once(demo, monkeypatch) -> None:
    """show_map: the map's HTML document in a titled frame, rendered once, the cached map untouched."""
    import streamlit as st

    from territorial.cartography import maps
    from territorial.ui import cached_views, folium_component, layout

    frames: list[tuple[str, dict]] = []
    monkeypatch.setattr(st, "iframe", lambda src, **kw: frames.append((src, kw)))
    codes = tuple(demo.territories.index[:20])
    cached = cached_views.territories_map(demo, mode="segment", codes=codes, height=500)
    name = cached.get_name()
    renders = []
    real_html = folium_component.map_html
    monkeypatch.setattr(folium_component, "map_html", lambda m: renders.append(1) or real_html(m))
    for _ in range(3):
        layout.show_map(cached, title="Carte des territoires", height=500)
    assert cached.get_name() == name
    assert len(renders) == 1 and len({src for src, _ in frames}) == 1
    document, kwargs = frames[0]
    assert kwargs == {"height": 500, "alt": "Carte des territoires"}
    assert document.startswith("<!DOCTYPE html>")
    assert document.count('"type":"Feature"') >= 20  # packed: maps._PackedGeoJson
    assert "/app/static/vendor/leaflet/leaflet.js" in document and "https://" not in document
    assert document == maps.map_html(folium_component._clone_map(cached))


def test_card_escapes_data_and_links_only_valid_codes(demo) -> None:
    import dataclasses

    from territorial.content.selection import valid_code
    from territorial.content.tables import territory_card
    from territorial.content.territory_map import context_bounds
    from territorial.core.codes import fiche_link, fiche_url

    data = demo.territories.copy()
    data.loc[LYON, "nom"] = "<script>alert(1)</script> [clic](javascript:alert(1))"
    hostile = dataclasses.replace(demo, territories=data)
    card = territory_card(hostile, LYON)
    assert "<script>" not in card and "](javascript" not in card
    assert card.startswith("### \\<script\\>alert\\(1\\)\\</script\\> \\[clic\\]\\(javascript\\:alert\\(1\\)\\)")
    assert valid_code(demo, LYON) == LYON
    assert valid_code(demo, " 04116 ") == "04116"
    for bad in ["99999", "<b>", "2A004)", "", None, "../fiche"]:
        assert valid_code(demo, bad) is None
    assert valid_code(demo, "petr-langres") == "PETR-LANGRES"  # a groupement's own code
    assert fiche_link("x)[y](javascript:1", "Ouvrir la fiche") == "Ouvrir la fiche"
    with pytest.raises(ValueError):
        fiche_url("x)[y](javascript:1")
    # One small commune is shown in its surroundings (at least 1.5 degrees each way).
    from territorial.content.colouring import COLOUR_SEGMENT
    from territorial.content.territory_map import map_frame

    frame = map_frame(demo, data.loc[["04116"]], mode=COLOUR_SEGMENT).shapes
    minx, miny, maxx, maxy = context_bounds(frame)
    assert maxx - minx == pytest.approx(1.5) and maxy - miny == pytest.approx(1.5)
    assert context_bounds(frame.iloc[:0]) is None


def test_follow_up_colouring_legend_counts_and_table_columns(folium_recorder, demo) -> None:
    from territorial.content import follow_up as fu

    day = "2025-12-31"
    at = _open(couleur="suivi", au=day, territoire=LYON)
    assert not at.exception
    card = next(m.value for m in at.markdown if m.value.startswith("###"))
    assert "\n\nProchain dialogue attendu \\: mars 2026 \\(T\\+24\\)\n\n[Ouvrir la fiche]" in card
    assert at.selectbox(key="carte_couleur").value == "suivi"
    past = demo.at(date.fromisoformat(day))
    table = fu.follow_up_table(past)
    counts = fu.status_counts(past)
    assert counts[fu.LATE] == 2 and counts[fu.DUE] == 12 and counts[fu.UP_TO_DATE] == 67
    # every territory filled with its status's colour
    features = {f["id"]: f for f in folium_recorder.features()}
    layer = next(
        c
        for c in folium_recorder.maps[-1][0]._children.values()
        if getattr(c, "data", {}).get("features") and {f["id"] for f in c.data["features"]} == set(features)
    )
    fills = {code: layer.style_function(f)["fillColor"] for code, f in features.items()}
    assert len(fills) >= 80 and all(fills[c] == fu.STATUS_COLOURS[table.at[c, "statut"]] for c in fills)
    assert sum(colour == fu.STATUS_COLOURS[fu.LATE] for colour in fills.values()) == 2
    caption = next(c.value for c in at.caption if c.value.startswith("La carte montre")).replace("\\", "")
    assert "En retard : 2" in caption and "À prévoir : 12" in caption and "À jour : 67" in caption
    assert "Statut du suivi au 31 décembre 2025" in caption and "Suivi achevé : 0" in caption
    shown = _shown(at).set_index("Code")
    late = table.index[table["statut"] == fu.LATE]
    assert list(shown.columns[-2:]) == ["Prochain dialogue", "Statut du suivi"]
    for code in late:
        assert shown.at[code, "Statut du suivi"].startswith("en retard")
        assert shown.at[code, "Prochain dialogue"] == table.at[code, "prochain_txt"]
    assert at.query_params["couleur"] == "suivi"
