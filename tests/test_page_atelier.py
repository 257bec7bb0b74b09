"""The Atelier page with AppTest: steps in the URL, Précédent / Suivant, selector, clamping."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from territorial.core import palette
from territorial.core.fmt import escape_markdown
from territorial.ui.workshop import CSS_FILE
from tests.conftest import APP, open_page

PAGE = "pages/atelier.py"
LYON = "200046977"


pytestmark = pytest.mark.usefixtures("fresh_view_caches")


def _open(**params: str) -> AppTest:
    return open_page(PAGE, **params)


def _projection_style(at: AppTest) -> bool:
    """Whether the page carries assets/atelier.css (sidebar and Streamlit chrome hidden)."""
    css = CSS_FILE.read_text(encoding="utf-8")
    assert '[data-testid="stSidebar"]' in css and "display: none !important" in css
    return any(css in h.value for h in at.html)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_first_step_is_the_overview(folium_recorder, demo) -> None:
    at = _open()
    assert not at.exception
    assert at.query_params["etape"] == "1"
    assert [t.value for t in at.title] == ["Vue d'ensemble du programme"]
    assert _metrics(at)["Territoires"] == "81"
    assert at.button(key="atelier_precedent").disabled
    assert not at.button(key="atelier_suivant").disabled
    assert any(c.value == "Étape 1 sur 12" for c in at.caption)
    assert folium_recorder.maps[-1][1]["title"] == "Carte : Vue d'ensemble du programme"
    assert _projection_style(at)


def test_suivant_moves_to_step_2_and_updates_the_url(folium_recorder, demo) -> None:
    at = _open()
    at.button(key="atelier_suivant").click().run()
    assert not at.exception
    assert at.query_params["etape"] == "2"
    assert [t.value for t in at.title] == ["Petits territoires"]
    data = demo.territories
    assert _metrics(at)["Territoires"] == str(int((data["population"] < 50_000).sum()))
    assert at.selectbox(key="atelier_etape").value == 2
    # The map of step 2: the small territories in their colour, every other one grey.
    fills = {f["id"]: f for f in folium_recorder.features()}
    m = folium_recorder.maps[-1][0]
    layer = next(
        c
        for c in m._children.values()
        if getattr(c, "data", {}).get("features") and set(f["id"] for f in c.data["features"]) == set(fills)
    )
    colours = {code: layer.style_function(f)["fillColor"] for code, f in fills.items()}
    small = set(data.index[data["segment"] == "S1"])
    assert {c for c, v in colours.items() if v != palette.NOT_IN_PROGRAMME} == small

    at.button(key="atelier_suivant").click().run()
    assert at.query_params["etape"] == "3"
    at.button(key="atelier_precedent").click().run()
    assert at.query_params["etape"] == "2"
    assert [t.value for t in at.title] == ["Petits territoires"]


def test_selector_jumps_to_any_step(folium_recorder, demo) -> None:
    at = _open(etape="2")
    at.selectbox(key="atelier_etape").select(7).run()
    assert not at.exception
    assert at.query_params["etape"] == "7"
    assert [t.value for t in at.title] == [escape_markdown("Levier L2 : Données & méthodes partagées")]
    data = pd.DataFrame(demo.territories.drop(columns="geometry"))
    assert _metrics(at)["Territoires qui l'activent"] == str(int((data["L2"] >= 1).sum()))


def _url_notes(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if w.value.startswith("Adresse de la page")]


def test_step_out_of_range_is_clamped_with_a_message(folium_recorder) -> None:
    at = _open(etape="99")
    assert not at.exception
    assert at.query_params["etape"] == "12"
    assert _url_notes(at) == [
        "Adresse de la page : la valeur «\u00a099\u00a0» du paramètre «\u00a0etape\u00a0» est hors des "
        "limites (1 à 12) ; affichage de l'étape 12."
    ]
    assert at.button(key="atelier_suivant").disabled
    at = _open(etape="trois")
    assert at.query_params["etape"] == "1"
    assert _url_notes(at) == [
        "Adresse de la page : la valeur «\u00a0trois\u00a0» du paramètre «\u00a0etape\u00a0» n'est pas un "
        "nombre entier d'au plus 9 chiffres ; affichage de l'étape 1."
    ]
    at = _open(etape="0", territoire="99999")
    assert at.query_params["etape"] == "1"
    assert _url_notes(at) == [
        "Adresse de la page : la valeur «\u00a00\u00a0» du paramètre «\u00a0etape\u00a0» est hors des "
        "limites (1 à 12) ; affichage de l'étape 1.",
        "Adresse de la page : la valeur «\u00a099999\u00a0» du paramètre «\u00a0territoire\u00a0» ne "
        "correspond à aucun territoire du programme ; elle a été ignorée.",
    ]


def test_territory_step_presents_the_territory_in_the_url(folium_recorder, demo) -> None:
    at = _open(etape="11", territoire=LYON)
    assert not at.exception
    assert [t.value for t in at.title] == ["Métropole de Lyon"]
    assert _metrics(at) == {"Habitants": "1,4 million", "Leviers activés": "4 / 4", "Territoires de même taille": "9"}
    assert at.selectbox(key="atelier_territoire").value == LYON
    assert {f["id"] for f in folium_recorder.features()} >= {LYON}

    at.selectbox(key="atelier_territoire").select("04116").run()
    assert at.query_params["territoire"] == "04116"
    assert at.query_params["etape"] == "11"
    assert [t.value for t in at.title] == ["Les Mées"]


def test_territory_step_without_territory_asks_for_one(folium_recorder) -> None:
    at = _open(etape="11")
    assert not at.exception
    assert [t.value for t in at.title] == ["Un territoire du programme"]
    assert at.selectbox(key="atelier_territoire").value is None
    assert len(at.metric) == 0


def test_mode_atelier_on_another_page_hides_the_chrome(folium_recorder) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["mode"] = "atelier"
    at.run()
    assert not at.exception
    assert _projection_style(at)
    # no sidebar: a discreet row of links leads back to the other pages
    assert [e.proto.label for e in at.get("page_link")][:4] == ["Vue d'ensemble", "Carte", "Atelier", "Données"]
    plain = AppTest.from_file(APP, default_timeout=120).run()
    assert not _projection_style(plain)
    assert not [e for e in plain.get("page_link") if e.proto.label == "Données"]


def test_the_what_changed_step_shows_two_maps_side_by_side(folium_recorder) -> None:
    at = _open(etape="10", au="2025-06-30")
    assert not at.exception
    assert [t.value for t in at.title] == ["Ce qui a changé"]
    titles = [kwargs["title"] for _, kwargs in folium_recorder.maps[-2:]]
    assert titles == ["Carte : Au premier dialogue", "Carte : Au 30 juin 2025"]
    assert any(c.value.startswith("Cartes \\: à gauche, le nombre de leviers activés") for c in at.caption)
    assert not at.button(key="atelier_suivant").disabled  # PageDown goes on to the territory


def test_evidence_step_projects_the_sentences_and_the_intervals(folium_recorder, demo) -> None:
    from territorial.content.size_effect import size_effect
    from territorial.content.size_effect_text import findings

    at = _open(etape="12")
    assert not at.exception
    assert at.title[0].value == "Ce que montrent les données"
    expected = "\n".join(f"- {escape_markdown(f.text)}" for f in findings(size_effect(demo), demo.definition))
    assert expected in [m.value for m in at.markdown]
    assert not folium_recorder.maps  # a chart of the shares with their intervals instead of a map


@pytest.mark.parametrize(
    ("url", "mode", "expected"),
    [
        ("http://localhost:8501/atelier", None, True),
        ("https://exemple.fr/territoires/salle/", None, True),
        ("https://exemple.fr/territoires/carte", "atelier", True),
        ("https://exemple.fr/territoires/carte", None, False),
        ("https://exemple.fr/territoires/", None, False),
        ("https://exemple.fr/atelier-de-lyon", None, False),
        (None, None, False),  # no browser (AppTest): the router decides alone
    ],
)
def test_the_first_page_configuration_knows_a_projected_page_from_the_address(monkeypatch, url, mode, expected) -> None:
    """Issue 22.7: opened at a projected page, the sidebar starts closed in the first page
    configuration, before the router (closed only after it, it was drawn open, then the page
    moved 300 px on a loaded server)."""
    from territorial.ui import url_state, workshop

    monkeypatch.setattr(workshop.st, "context", type("Context", (), {"url": url})())
    monkeypatch.setattr(url_state, "raw", lambda param: mode if param == "mode" else None)
    assert workshop.opened_projected() is expected
