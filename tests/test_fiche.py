"""The fiche territoire as plain data: facts, levels, peers, similar territories, context map."""

from __future__ import annotations

import dataclasses
from html import escape

import folium
import pandas as pd
import pytest

from territorial.cartography import maps
from territorial.content.fiche import UnknownTerritoryError, examples, fiche_data, search
from territorial.content.fiche_map import context_area, context_caption, context_map
from territorial.content.fiche_text import facts_markdown, levers_html, peers_markdown, similar_markdown
from territorial.core import palette
from territorial.core.codes import fiche_link, parse_code
from territorial.core.fmt import fr_date

LYON = "200046977"  # Métropole de Lyon, L1..L4 = 1, 3, 3, 2 in the demo file
LES_MEES = "04116"  # a commune of Alpes-de-Haute-Provence (its name has an article)
LANGRES = "PETR-LANGRES"  # a groupement of 3 communautés de communes
SCRIPT = "<script>alert(1)</script>"
LINK = "[cliquez](javascript:alert(1))"


def _independent_peer_shares(demo, code: str) -> pd.Series:
    """Share of the territory's segment peers (itself excluded) at level >= 1, by plain pandas."""
    data = pd.DataFrame(demo.territories.drop(columns="geometry"))
    population = data.at[code, "population"]
    bands = [(0, 50_000), (50_000, 200_000), (200_000, 700_000), (700_000, float("inf"))]
    low, high = next(b for b in bands if b[0] <= population < b[1])
    peers = data[(data["population"] >= low) & (data["population"] < high) & (data.index != code)]
    return (peers[["L1", "L2", "L3", "L4"]] >= 1).mean()


def _territory_layer(m: folium.Map) -> folium.GeoJson:
    for child in m._children.values():
        if isinstance(child, folium.GeoJson) and child.data.get("features"):
            if maps.TERRITORY_CLASS in child.style_function(child.data["features"][0])["className"]:
                return child
    raise AssertionError("no territory layer in the map")


def test_lyon_facts_segment_and_levels(demo) -> None:
    fiche = fiche_data(demo, LYON)
    assert fiche.nom == "Métropole de Lyon"
    assert fiche.nature == "Métropole"
    assert fiche.population == demo.territories.at[LYON, "population"] > 700_000
    assert fiche.population == 1_436_354  # population municipale 2023, in force on 1 January 2026
    assert fiche.population_txt == (
        "1\u202f436\u202f354\u00a0hab. (population municipale 2023 en vigueur au 1er janvier 2026, INSEE)"
    )
    assert fiche.threshold_txt == ""  # far from any segment threshold
    assert fiche.segment.id == "S4"
    assert fiche.segment.label == "Métropoles et très grands territoires"
    assert fiche.place_txt == "Rhône (69), Auvergne-Rhône-Alpes"
    assert [lv.level for lv in fiche.levers] == [1, 3, 3, 2]
    assert [lv.level_label for lv in fiche.levers] == ["émergent", "structurant", "structurant", "engagé"]
    assert fiche.n_actives == 4
    assert fiche.actives_txt == "4 leviers activés sur 4"
    assert fiche.date_dialogue == "23 mai 2026"  # its latest dialogue (T+24)
    assert fiche.notes.startswith("Troisième dialogue")


def test_peer_shares_match_an_independent_computation(demo) -> None:
    for code in (LYON, LES_MEES, LANGRES, "23", "53"):
        fiche = fiche_data(demo, code)
        expected = _independent_peer_shares(demo, code)
        assert [lv.peer_share for lv in fiche.levers] == pytest.approx(expected.tolist())
        same = (demo.territories["segment"] == fiche.segment.id).sum()
        assert fiche.n_peers == same - 1
    lyon = fiche_data(demo, LYON)
    assert lyon.levers[0].peer_share_txt == f"{round(100 * _independent_peer_shares(demo, LYON)['L1'])}\u00a0%"


def test_similar_territories_share_the_segment_and_link_to_their_fiche(demo) -> None:
    fiche = fiche_data(demo, LES_MEES)
    data = demo.territories
    assert len(fiche.similar) == 5
    assert all(data.at[s.code, "segment"] == fiche.segment.id for s in fiche.similar)
    assert LES_MEES not in [s.code for s in fiche.similar]
    distances = [s.distance for s in fiche.similar]
    assert distances == sorted(distances)
    own = data.loc[LES_MEES, ["L1", "L2", "L3", "L4"]].astype(int)
    for s in fiche.similar:
        assert s.distance == int((data.loc[s.code, ["L1", "L2", "L3", "L4"]].astype(int) - own).abs().sum())
    text = similar_markdown(fiche)
    for s in fiche.similar:
        assert f"](fiche?territoire={s.code})" in text


def test_groupement_lists_its_members(demo, reference) -> None:
    fiche = fiche_data(demo, LANGRES, reference=reference)
    assert fiche.kind == "groupement"
    assert len(fiche.members) == 3
    assert "Communauté de communes du Grand Langres (200072999)" in fiche.members
    assert "Membres" in facts_markdown(fiche)


def test_unknown_code_raises_a_french_error(demo) -> None:
    with pytest.raises(UnknownTerritoryError) as info:
        fiche_data(demo, "99999")
    assert str(info.value) == "Aucun territoire du programme n'a le code «\u00a099999\u00a0»."
    assert info.value.code == "99999"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 200046977 ", "200046977"),
        ("petr-langres", "PETR-LANGRES"),
        ("2a004", "2A004"),
        ("69 123", "69123"),
        ("PETR_SUD", "PETR_SUD"),
        ("1001.0", "1001"),
        ("x" * 40, "X" * 40),
        ("", None),
        (None, None),
        ("<script>", None),
        ("../etc", None),
        ("x" * 41, None),
        ("9" * 5000, None),
        ("-PETR", None),
        ("PETR-", None),
        ("É1", None),
        ("[a](b)", None),
        ("a%20b", None),
        (12, None),
    ],
)
def test_parse_code_accepts_every_code_a_programme_holds(raw, expected) -> None:
    assert parse_code(raw) == expected


def test_every_code_of_the_demo_and_the_reference_follows_the_one_rule(demo, reference) -> None:
    for codes in (
        demo.territories.index,
        reference.communes.index,
        reference.epci.index,
        reference.departements.index,
        reference.regions.index,
    ):
        assert all(parse_code(c) == c for c in codes)


def test_links_escape_names_and_refuse_odd_codes() -> None:
    assert fiche_link(LYON, "Métropole de Lyon") == "[Métropole de Lyon](fiche?territoire=200046977)"
    link = fiche_link("04116", LINK)
    assert link.startswith("[\\[cliquez\\]\\(javascript\\:alert\\(1\\)\\)](fiche?")
    assert "](javascript" not in link
    assert fiche_link("x)(javascript:alert(1)", "Nom") == "Nom"
    assert fiche_link("PETR-LANGRES", "Pays") == "[Pays](fiche?territoire=PETR-LANGRES)"
    assert fiche_link(LYON, "www.lyon.fr") == "[www\u2060\\.lyon\\.fr](fiche?territoire=200046977)"


def test_data_text_is_escaped_in_every_markdown_block(demo) -> None:
    data = demo.territories.copy()
    data.loc[LYON, ["nom", "notes", "nature"]] = [SCRIPT, LINK, "**gras**"]
    hostile = dataclasses.replace(demo, territories=data)
    fiche = fiche_data(hostile, LYON)
    facts = facts_markdown(fiche)
    assert "\\*\\*gras\\*\\*" in facts and "**gras**" not in facts
    peer = next(s for s in fiche_data(hostile, "200054781").similar if s.code == LYON)
    assert "\\<script\\>" in peer.link and "<script>" not in peer.link
    levers = levers_html(dataclasses.replace(fiche, levers=(dataclasses.replace(fiche.levers[0], label=SCRIPT),)))
    assert "<script>" not in levers and escape(SCRIPT) in levers
    assert "<script>" not in peers_markdown(fiche)


def test_dates_in_french() -> None:
    assert fr_date("2026-04-11") == "11 avril 2026"
    assert fr_date("2025-12-01") == "1er décembre 2025"
    assert fr_date("") == ""
    assert fr_date(None) == ""


def test_search_tells_homonyms_apart_and_ignores_accents(demo) -> None:
    found = search(demo, "metropole de lyon")
    assert found == {LYON: "Métropole de Lyon (Intercommunalité, 69)"}
    saints = search(demo, "saint")
    expected = demo.territories[demo.territories["nom"].str.contains("Saint", case=False)]
    assert set(saints) == set(expected.index)
    assert all("(" in label for label in saints.values())
    assert len(search(demo, "")) == 50  # the first 50 by name
    assert search(demo, "zzzz introuvable") == {}


def test_examples_one_per_segment(demo) -> None:
    items = examples(demo)
    assert [label for label, _ in items] == [s.label for s in demo.definition.segments]
    data = demo.territories
    biggest = data.loc[data[data["segment"] == "S4"]["population"].idxmax()]
    assert items[-1][1] == f"[{biggest['nom']}](fiche?territoire={biggest.name})"


@pytest.mark.parametrize(
    ("code", "level", "area"),
    [
        (LES_MEES, "departement", "04"),
        (LYON, "departement", "69"),
        (LANGRES, "departement", "52"),
        ("23", "region", "75"),
        ("971", "region", "01"),
        ("53", "france", ""),
        ("02", "region", "02"),
    ],
)
def test_context_area(demo, reference, code, level, area) -> None:
    found = context_area(demo, reference, code)
    assert (found.level, found.code) == (level, area)


def test_context_map_highlights_the_territory_in_its_departement(demo, reference) -> None:
    m = context_map(demo, reference, LES_MEES, height=360)
    layer = _territory_layer(m)
    features = {f["id"]: f for f in layer.data["features"]}
    assert LES_MEES in features
    own = layer.style_function(features[LES_MEES])
    assert own["fillColor"] == demo.definition.segment("S1").colour
    assert maps.HIGHLIGHT_CLASS in own["className"]
    others = [layer.style_function(f) for code, f in features.items() if code != LES_MEES]
    assert all(s["fillColor"] == palette.NOT_IN_PROGRAMME for s in others)
    assert all(maps.HIGHLIGHT_CLASS not in s["className"] for s in others)
    # Only communes of the programme near Marcoux, never territories of another kind.
    assert all(demo.territories.at[code, "type"] == "commune" for code in features)
    # The view is fitted to the département (Alpes-de-Haute-Provence, about 5.5–7.0°E, 43.6–44.7°N).
    (south, west), (north, east) = next(c for c in m._children.values() if type(c).__name__ == "FitBounds").bounds
    assert 5.3 < west < 5.7 and 6.8 < east < 7.1 and 43.5 < south < 43.8 and 44.5 < north < 44.9
    assert maps.payload_bytes(m) < 250_000


def test_context_map_of_a_region_shows_france(demo, reference) -> None:
    m = context_map(demo, reference, "53", height=360)
    (south, west), (north, east) = next(c for c in m._children.values() if type(c).__name__ == "FitBounds").bounds
    assert west < -4.5 and east > 8 and south < 42.5 and north > 51
    assert maps.payload_bytes(m) < 250_000


def test_context_caption_says_what_the_map_shows(demo, reference) -> None:
    # No other département of the programme in Nouvelle-Aquitaine: the caption says so.
    assert context_caption(demo, reference, fiche_data(demo, "23")) == (
        "Carte : Creuse (en couleur, contour foncé) dans sa région (Nouvelle-Aquitaine) ; "
        "aucun autre département du programme n'y figure."
    )
    # A région's fiche (France): no grey territory is drawn, none is mentioned.
    assert context_caption(demo, reference, fiche_data(demo, "53")) == (
        "Carte : Bretagne (en couleur, contour foncé) dans la France métropolitaine ; "
        "aucune autre région du programme n'y figure."
    )
    # Ardèche: Isère, of the programme too, is drawn in grey in Auvergne-Rhône-Alpes.
    assert context_caption(demo, reference, fiche_data(demo, "07")).endswith(
        "; en gris, les autres départements du programme situés dans la zone."
    )


@pytest.mark.parametrize("code", ["53", "02", "23", "07", "45085", LES_MEES, "200033090"])
def test_the_caption_mentions_grey_territories_only_when_the_map_draws_some(demo, reference, code) -> None:
    layer = _territory_layer(context_map(demo, reference, code, height=360))
    grey = [f for f in layer.data["features"] if layer.style_function(f)["fillColor"] == palette.NOT_IN_PROGRAMME]
    assert ("en gris" in context_caption(demo, reference, fiche_data(demo, code))) == bool(grey)


def test_follow_up_line_on_the_fiche(demo) -> None:
    import datetime as dt

    # Lyon's latest dialogue: T+24 on 23 May 2026, so T+36 is expected in May 2027.
    fiche = fiche_data(demo, LYON, today=dt.date(2026, 12, 7))
    assert fiche.follow_up == "Prochain dialogue attendu : mai 2027 (T+36)"
    assert "- **Prochain dialogue attendu** : mai 2027 \\(T\\+36\\)" in facts_markdown(fiche)
    late = fiche_data(demo, LYON, today=dt.date(2027, 8, 1))
    assert late.follow_up == "Prochain dialogue attendu : mai 2027 (T+36), en retard de 2 mois"
    # at a past day shown (?au=), the dialogues after it do not exist yet
    past = fiche_data(demo.at(dt.date(2025, 12, 31)), LYON)
    assert past.follow_up == "Prochain dialogue attendu : mars 2026 (T+24)"  # T+12 on 25 March 2025
    before = fiche_data(demo.at(dt.date(2024, 1, 31)), LYON)
    assert before.follow_up == "Suivi à engager : premier dialogue (T0) à programmer"
