"""The workshop sequence: steps, titles, key figures and what each step's map shows."""

from __future__ import annotations

import folium
import pandas as pd
import pytest

from territorial.cartography import maps
from territorial.cartography.geometry import MapOutlines, national_outlines
from territorial.content.workshop import (
    CHANGES,
    EVIDENCE,
    LEVER,
    OVERVIEW,
    SEGMENT,
    TERRITORY,
    map_caption,
    step_map,
    steps,
    territory_options,
)
from territorial.core import palette

LYON = "200046977"


@pytest.fixture(scope="module")
def outlines(reference) -> MapOutlines:
    return national_outlines(reference.departements, reference.regions, tolerance=0.02)


def _fills(m: folium.Map) -> dict[str, str]:
    """Territory code -> fill colour, as the map's territory layer styles them."""
    for child in m._children.values():
        if isinstance(child, folium.GeoJson) and child.data.get("features"):
            styles = {f["id"]: child.style_function(f) for f in child.data["features"]}
            if all(maps.TERRITORY_CLASS in s["className"] for s in styles.values()):
                return {code: s["fillColor"] for code, s in styles.items()}
    raise AssertionError("no territory layer in the map")


def _fr(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def test_sequence_overview_segments_levers_territory(demo) -> None:
    definition = demo.definition
    sequence = steps(demo)
    assert len(sequence) == 1 + len(definition.segments) + len(definition.levers) + 3 == 12
    assert [s.number for s in sequence] == list(range(1, 13))
    assert [s.kind for s in sequence] == [OVERVIEW] + [SEGMENT] * 4 + [LEVER] * 4 + [CHANGES, TERRITORY, EVIDENCE]
    assert [s.title for s in sequence] == [
        "Vue d'ensemble du programme",
        "Petits territoires",
        "Territoires intermédiaires",
        "Grands territoires",
        "Métropoles et très grands territoires",
        "Levier L1 : Compétences & ingénierie",
        "Levier L2 : Données & méthodes partagées",
        "Levier L3 : Financement & investissement en commun",
        "Levier L4 : Coopérations & gouvernance territoriale",
        "Ce qui a changé",
        "Un territoire du programme",
        "Ce que montrent les données",
    ]
    assert sequence[2].label == "3. Territoires intermédiaires"
    assert sequence[2].subtitle == "Segment de taille : 50\u202f000 à 199\u202f999 hab."
    assert [s.key for s in sequence[1:5]] == ["S1", "S2", "S3", "S4"]
    assert [s.key for s in sequence[5:9]] == ["L1", "L2", "L3", "L4"]
    assert all(2 <= len(s.figures) <= 4 for s in sequence[:-2])  # the last two: a territory to choose, sentences


def test_overview_figures(demo) -> None:
    figures = {f.label: f for f in steps(demo)[0].figures}
    data = demo.territories
    assert figures["Territoires"].value == "81"
    total = int(data["population"].sum())
    assert figures["Habitants couverts"].value == f"{total / 1e6:.1f} millions".replace(".", ",")
    assert figures["Habitants couverts"].detail == (
        f"{_fr(total)}\u00a0hab., population municipale 2023 (Mayotte : 2017)"
    )
    assert figures["Régions représentées"].value == str(data["region"].replace("", pd.NA).dropna().nunique())
    assert figures["Leviers activés en moyenne"].value == f"{data['n_actives'].mean():.1f}".replace(".", ",")


def test_segment_figures_match_pandas(demo) -> None:
    data = pd.DataFrame(demo.territories.drop(columns="geometry"))
    small = data[data["population"] < 50_000]
    step = steps(demo)[1]
    figures = {f.label: f for f in step.figures}
    assert figures["Territoires"].value == str(len(small)) == "29"
    assert figures["Territoires"].detail == f"{round(100 * len(small) / len(data))}\u00a0% du programme"
    assert figures["Habitants couverts"].value == _fr(int(small["population"].sum()))
    shares = (small[["L1", "L2", "L3", "L4"]] >= 1).mean()
    top = shares.idxmax()
    assert figures["Levier le plus activé"].value == f"{round(100 * shares[top])}\u00a0%"
    assert figures["Levier le plus activé"].detail.startswith(f"{top} – ")


def test_lever_figures_match_pandas(demo) -> None:
    data = pd.DataFrame(demo.territories.drop(columns="geometry"))
    step = steps(demo)[6]  # L2
    figures = {f.label: f for f in step.figures}
    assert figures["Territoires qui l'activent"].value == str(int((data["L2"] >= 1).sum()))
    assert figures["Niveau « structurant »"].value == str(int((data["L2"] == 3).sum()))
    by_segment = (data["L2"] >= 1).groupby(data["segment"]).mean()
    assert figures["Segment qui l'active le plus"].value == f"{round(100 * by_segment.max())}\u00a0%"
    assert figures["Segment qui l'active le moins"].value == f"{round(100 * by_segment.min())}\u00a0%"
    labels = {s.id: s.label for s in demo.definition.segments}
    assert figures["Segment qui l'active le moins"].detail == labels[by_segment.idxmin()]


def test_territory_step(demo) -> None:
    step = steps(demo, territory=LYON)[-2]
    assert (step.kind, step.key, step.title) == (TERRITORY, LYON, "Métropole de Lyon")
    assert step.subtitle == "Métropole – Rhône, Auvergne-Rhône-Alpes"
    figures = {f.label: f.value for f in step.figures}
    assert figures == {"Habitants": "1,4 million", "Leviers activés": "4 / 4", "Territoires de même taille": "9"}
    assert steps(demo, territory="inconnu")[-2].key == ""
    assert "Métropole de Lyon (Intercommunalité, 69)" in territory_options(demo).values()


def test_segment_step_map_highlights_its_segment(demo, reference, outlines) -> None:
    step = steps(demo)[2]  # S2
    fills = _fills(step_map(demo, step, outlines=outlines, reference=reference, height=700))
    data = demo.territories
    colour = demo.definition.segment("S2").colour
    assert {c for c, f in fills.items() if f == colour} == set(data.index[data["segment"] == "S2"])
    assert {c for c, f in fills.items() if f == palette.NOT_IN_PROGRAMME} == set(data.index[data["segment"] != "S2"])
    assert map_caption(demo, step).startswith("Carte : en couleur, les territoires du segment « Territoires")


def test_lever_step_map_colours_levels(demo, reference, outlines) -> None:
    step = steps(demo)[8]  # L4
    m = step_map(demo, step, outlines=outlines, reference=reference, height=700)
    fills = _fills(m)
    data = demo.territories
    assert {fills[c] for c in data.index[data["L4"] == 0]} == {palette.ORDINAL[0]}
    assert {fills[c] for c in data.index[data["L4"] == 3]} == {palette.ORDINAL[-1]}
    assert len(set(fills.values())) == 4
    assert "carte-legende" in maps.map_html(m) and "font-size: 22px" in maps.map_html(m)


def test_overview_map_by_segment(demo, reference, outlines) -> None:
    fills = _fills(step_map(demo, steps(demo)[0], outlines=outlines, reference=reference, height=700))
    colours = {s.id: s.colour for s in demo.definition.segments}
    assert fills == {c: colours[s] for c, s in demo.territories["segment"].items()}


def test_territory_step_map_is_its_context(demo, reference, outlines) -> None:
    step = steps(demo, territory=LYON)[-2]
    m = step_map(demo, step, outlines=outlines, reference=reference, height=700)
    assert maps.HIGHLIGHT_CLASS in maps.map_html(m)
    assert _fills(m)[LYON] == demo.definition.segment("S4").colour


def test_what_changed_since_the_first_dialogues(demo) -> None:
    step = next(s for s in steps(demo) if s.kind == CHANGES)
    data = demo.territories
    progressed = int((data["progression"] > 0).sum())
    receded = int((data["progression"] < 0).sum())
    assert step.body.startswith(f"Depuis leur premier dialogue, {progressed} territoires ont activé au moins un levier")
    assert f"{receded} territoires en ont perdu" in step.body or receded in (0, 1)
    figures = {f.label: f for f in step.figures}
    first = demo.at_first_dialogue().territories
    mean_before = f"{first['n_actives'].mean():.1f}".replace(".", ",")
    mean_after = f"{data['n_actives'].mean():.1f}".replace(".", ",")
    assert figures["Leviers activés en moyenne"].value == f"{mean_before} → {mean_after}"
    assert figures["Territoires en progression"].value == str(progressed)
    gains = {lv: int((data[lv] >= 1).sum()) - int((first[lv] >= 1).sum()) for lv in demo.lever_ids}
    top = max(gains, key=lambda k: gains[k])
    assert figures["Levier le plus gagné"].value == f"+{gains[top]}"
    assert figures["Levier le plus gagné"].detail.startswith(f"{top} – ")


def test_at_a_date_every_step_map_hatches_the_territories_not_yet_assessed(demo, reference, outlines) -> None:
    import datetime as dt

    from territorial.content.colouring import NOT_ASSESSED_FILL

    early = demo.at(dt.date(2024, 6, 1))
    data = early.territories
    waiting = set(data.index[~data["evalue"]])
    for number in (0, 2, 8):  # overview (by segment), segment S2, lever L4
        step = steps(early)[number]
        m = step_map(early, step, outlines=outlines, reference=reference, height=700)
        fills = _fills(m)
        hatched = {code for code, fill in fills.items() if fill == f"url(#{maps.HATCH_ID})"}
        expected = waiting if number != 2 else waiting & set(data.index[data["segment"] == "S2"])
        assert hatched == expected, step.title
        html = maps.map_html(m)
        assert f'id="{maps.HATCH_ID}"' in html.replace('\\"', '"')  # the pattern travels with the map
        legend = next(c.markup for c in m._children.values() if type(c).__name__ == "_Legend")
        assert f"Non encore évalué au 1er juin 2024 : {len(expected)}" in legend, step.title
    assert NOT_ASSESSED_FILL not in {s.colour for s in early.definition.segments}


def test_evidence_step_says_what_the_data_shows(demo) -> None:
    from territorial.content.size_effect import size_effect
    from territorial.content.size_effect_text import findings

    step = steps(demo)[-1]
    assert (step.kind, step.number, step.title) == (EVIDENCE, 12, "Ce que montrent les données")
    assert step.points == tuple(f.text for f in findings(size_effect(demo), demo.definition))
    assert step.subtitle.startswith("Ce que les 81 territoires évalués permettent d'affirmer")
    assert any("moins d'une chance sur" in p for p in step.points)
    assert any("on ne peut pas conclure" in p for p in step.points)
    assert map_caption(demo, step).startswith("Graphique : la part des territoires de chaque segment")
