"""Filters, colouring, legends and the national map's weight."""

import geopandas as gpd

from territorial.cartography import maps
from territorial.cartography.geometry import national_outlines
from territorial.content.colouring import COLOUR_COUNT, COLOUR_SEGMENT, colouring
from territorial.content.selection import Filters, apply_filters, search_label
from territorial.content.territory_map import map_frame, programme_map


def test_filters_combine(demo) -> None:
    data = demo.territories
    s1 = apply_filters(demo, Filters(segments=("S1",)))
    assert len(s1) == (data["segment"] == "S1").sum()
    both = apply_filters(demo, Filters(segments=("S1",), lever="L2"))
    assert len(both) == ((data["segment"] == "S1") & (data["L2"] >= 1)).sum() < len(s1)
    bretagne = apply_filters(demo, Filters(regions=("53",)))
    assert set(bretagne["region"]) == {"53"}
    communes = apply_filters(demo, Filters(kinds=("commune",)))
    assert set(communes["type"]) == {"commune"}


def test_search_ignores_accents_and_case_and_finds_codes(demo) -> None:
    found = apply_filters(demo, Filters(query="metropole lyon"))
    assert list(found["nom"]) == ["Métropole de Lyon"]
    assert list(apply_filters(demo, Filters(query="200046977")).index) == ["200046977"]
    row = demo.territories.loc["2B096"]
    assert search_label(row) == "Corte (Commune, 2B)"


def test_colouring_by_segment_and_lever_and_count(demo) -> None:
    data = demo.territories
    colours, legend, title = colouring(demo, data, COLOUR_SEGMENT)
    segment = demo.definition.segment("S4")
    assert (colours[data["segment"] == "S4"] == segment.colour).all()
    assert legend[3] == (
        segment.colour,
        f"{segment.label} (700\u202f000 hab. et plus) : {(data['segment'] == 'S4').sum()}",
    )
    colours, legend, title = colouring(demo, data, "L2")
    assert title == "Données & méthodes partagées : niveau d'activation"
    assert [label.split(" : ")[0] for _, label in legend] == [
        "0 – non activé",
        "1 – émergent",
        "2 – engagé",
        "3 – structurant",
    ]
    assert colours[data["L2"] == 0].nunique() == 1 and colours[data["L2"] == 3].nunique() == 1
    assert colours[data["L2"] == 0].iloc[0] != colours[data["L2"] == 3].iloc[0]
    _, legend, _ = colouring(demo, data, COLOUR_COUNT)
    assert len(legend) == 5 and legend[0][1].startswith("0 levier activé")


def test_national_map_of_the_demo_is_light_and_escaped(demo, reference) -> None:
    outlines = national_outlines(None, reference.regions)
    view = map_frame(demo, demo.territories, mode=COLOUR_SEGMENT)
    frame = view.shapes
    assert len(frame) == demo.territories.geometry.notna().sum()
    m = programme_map(view, outlines=outlines)
    assert maps.payload_bytes(m) < 250_000
    # Overseas territories are moved into the insets, next to metropolitan France.
    assert frame.total_bounds[0] > -6 and frame.total_bounds[2] < 10 and frame.total_bounds[1] >= 40


def test_hostile_names_are_escaped_on_the_map(demo, reference) -> None:
    data = demo.territories.iloc[:2].copy()
    data.loc[data.index[0], "nom"] = "<img src=x onerror=alert(1)>"
    view = map_frame(demo, gpd.GeoDataFrame(data, crs=4326), mode=COLOUR_SEGMENT)
    html = maps.map_html(programme_map(view, outlines=national_outlines(None, reference.regions)))
    # Escaped for HTML, then JSON-encoded by folium (& -> \u0026).
    assert "<img src=x" not in html and "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html
