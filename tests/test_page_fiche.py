"""The Fiche territoire page with AppTest: the URL opens the fiche, search, unknown codes."""

from __future__ import annotations

import re
from html import unescape

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from territorial.cartography import maps
from territorial.content.html_cards import CARD_CLASS
from territorial.core.stats import wilson
from tests.conftest import open_page
from tests.markdown_text import shown

PAGE = "pages/fiche.py"
LYON = "200046977"


pytestmark = pytest.mark.usefixtures("fresh_view_caches")


def _open(**params: str) -> AppTest:
    return open_page(PAGE, **params)


def _text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("title", "markdown", "caption", "header", "subheader", "error", "info")
        for e in getattr(at, kind)
    ]
    return "\n".join(parts)


def test_the_url_code_opens_that_fiche(folium_recorder, demo) -> None:
    at = _open(territoire=LYON)
    assert not at.exception
    assert [t.value for t in at.title] == ["Métropole de Lyon"]
    text = _text(at)
    assert "Métropoles et très grands territoires (700\u202f000 hab. et plus)" in shown(text)
    assert (
        "**Population** : 1\u202f436\u202f354\u00a0hab\\. \\(population municipale 2023 en vigueur au 1er "
        "janvier 2026, INSEE\\)"
    ) in text
    # The levers: one card each, its name, its level as dots and words, its description.
    (levers,) = [h.value for h in at.html if f'class="{CARD_CLASS}"' in h.value]
    cards = [re.sub(r"<[^>]+>", " ", card) for card in levers.split(f'<div class="{CARD_CLASS}">')[1:]]
    assert [" ".join(unescape(card).split()) for card in cards] == [
        f"{lever.id} – {lever.label} {dots} {label} (niveau {level} sur 3) {lever.description}"
        for lever, dots, label, level in zip(
            demo.definition.levers,
            ("●○○", "●●●", "●●●", "●●○"),
            ("émergent", "structurant", "structurant", "engagé"),
            (1, 3, 3, 2),
            strict=True,
        )
    ]
    assert "**Date du dialogue** : 23 mai 2026" in text
    # The chip: the segment's colour and label.
    assert any("#1a1a5e" in h.value and "Métropoles et très grands territoires" in h.value for h in at.html)
    # The map: Lyon highlighted, filled with its segment's colour, in a frame named after it.
    m, kwargs = folium_recorder.maps[-1]
    assert (kwargs["title"], kwargs["height"]) == ("Carte : Métropole de Lyon et sa zone", 360)
    html = maps.map_html(m)
    assert maps.HIGHLIGHT_CLASS in html
    assert {f["id"] for f in folium_recorder.features()} >= {LYON}


def test_peer_table_shows_the_shares_of_the_segment(folium_recorder, demo) -> None:
    at = _open(territoire="04116")
    data = pd.DataFrame(demo.territories.drop(columns="geometry"))
    peers = data[(data["population"] < 50_000) & (data.index != "04116")]
    shares = (peers[["L1", "L2", "L3", "L4"]] >= 1).mean()
    (table,) = [m.value for m in at.markdown if m.value.startswith("| Levier |")]
    rows = table.splitlines()[2:]
    assert len(rows) == 4
    for row, lever in zip(rows, ["L1", "L2", "L3", "L4"], strict=True):
        low, high = wilson(round(shares[lever] * len(peers)), len(peers))  # 28 peers: with its interval
        assert row.endswith(
            f"| {round(100 * shares[lever])}\u00a0% [{round(100 * float(low))}–{round(100 * float(high))}\u00a0%] |"
        )
    assert "Part des 28 autres territoires du segment « Petits territoires »" in _text(at)


def test_similar_territories_are_links_to_their_fiches(folium_recorder, demo) -> None:
    from territorial.content.levers import similar_territories

    at = _open(territoire=LYON)
    (links,) = [m.value for m in at.markdown if "](fiche?territoire=" in m.value]
    expected = similar_territories(demo, LYON)
    assert [line.split("](fiche?territoire=")[1].split(")")[0] for line in links.splitlines()] == list(expected.index)
    assert links.startswith(f"- [{expected['nom'].iloc[0]}](fiche?territoire={expected.index[0]})")


def test_unknown_code_says_so_and_offers_the_search(folium_recorder) -> None:
    at = _open(territoire="12345678")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Adresse de la page : la valeur «\u00a012345678\u00a0» du paramètre «\u00a0territoire\u00a0» ne "
        "correspond à aucun territoire du programme ; elle a été ignorée. "
        "Vérifiez le lien reçu, ou cherchez le territoire par son nom."
    ]
    assert at.text_input(key="fiche_requete") is not None
    assert folium_recorder.maps == []


def test_hostile_code_is_shown_as_text(folium_recorder) -> None:
    at = _open(territoire="<img src=x onerror=alert(1)>")
    assert not at.exception
    (error,) = at.error
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in error.value


def test_no_code_shows_the_search_box_and_examples(folium_recorder, demo) -> None:
    at = _open()
    assert not at.exception
    assert [t.value for t in at.title] == ["Fiche territoire"]
    box = at.selectbox(key="fiche_choix")
    assert len(box.options) == len(demo.territories) == 81
    assert box.label == "Ou choisir parmi les 81 territoires du programme"
    (examples,) = [m.value for m in at.markdown if "](fiche?territoire=" in m.value]
    assert examples.count("](fiche?territoire=") == 4
    assert "Métropole du Grand Paris](fiche?territoire=200054781)" in examples


def test_search_then_choose_opens_the_fiche(folium_recorder) -> None:
    at = _open()
    at.text_input(key="fiche_requete").input("metropole de lyon").run()
    box = at.selectbox(key="fiche_choix")
    assert box.options == ["Métropole de Lyon (Intercommunalité, 69)"]
    assert box.label == "Territoires trouvés : 1"
    box.select(LYON).run()
    assert not at.exception
    assert at.query_params["territoire"] == LYON
    assert [t.value for t in at.title] == ["Métropole de Lyon"]


def test_search_without_match(folium_recorder) -> None:
    at = _open()
    at.text_input(key="fiche_requete").input("zzzz").run()
    assert [i.value for i in at.info] == ["Aucun territoire du programme ne correspond à cette recherche."]


def test_a_territory_near_a_threshold_is_told_so(folium_recorder) -> None:
    # Nantes Métropole: 689 456 inhabitants in 2023, 1.5 % below the 700 000 of the largest segment.
    text = _text(_open(territoire="244400404"))
    assert "**Seuil** : À 10\u202f544 habitants du seuil des 700\u202f000 habitants" in text
    assert "**Seuil**" not in _text(_open(territoire=LYON))


def test_above_a_fiche_the_search_is_built_only_once_opened(folium_recorder) -> None:
    at = _open(territoire=LYON)
    assert [e.label for e in at.expander][0] == "Chercher un territoire"
    # Closed: neither its text box nor its list is built (their code is not loaded before the map).
    assert len(at.text_input) == 0 and len(at.selectbox) == 0
    at.session_state["fiche_recherche_fermee"] = True  # what opening it does
    at.run()
    at.text_input(key="fiche_requete").input("grand paris").run()
    box = at.selectbox(key="fiche_choix")
    assert box.label.startswith("Territoires trouvés : ") and "Métropole du Grand Paris" in " ".join(box.options)
    box.select("200054781").run()
    assert not at.exception
    assert at.query_params["territoire"] == "200054781"
    assert [t.value for t in at.title] == ["Métropole du Grand Paris"]
