"""Unit tests of territorial.cartography.maps: offline resources, escaping, legend, standalone file."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import branca
import folium
import folium.elements
import geopandas as gpd
import pytest
from shapely.geometry import box

from territorial.cartography import maps

SCRIPT_NAME = "<script>alert(1)</script>"
IMG_NAME = "<img src=x onerror=alert(1)>"
URL = re.compile(r"https?://", re.IGNORECASE)


@pytest.fixture
def territories() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": ["69123", "200046977", "42218"],
            "nom": [SCRIPT_NAME, IMG_NAME, "Saint-Étienne & Co"],
            "population": ["522 250 hab.", "1 416 545 hab.", "170 049 hab."],
            "couleur": ["#1b9e77", "#d95f02", "#7570b3"],
            "note_interne": ["ne pas publier", "ne pas publier", "ne pas publier"],
        },
        geometry=[
            box(4.80, 45.70, 4.90, 45.80),
            box(4.90, 45.70, 5.10, 45.90),
            box(4.30, 45.40, 4.40, 45.50),
        ],
        crs=4326,
    )


@pytest.fixture
def outlines() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"code": ["69", "42"], "nom": ["Rhône", "Loire"]},
        geometry=[box(4.2, 45.4, 5.2, 46.3), box(3.7, 45.2, 4.8, 46.3)],
        crs=4326,
    )


def _build(territories: gpd.GeoDataFrame, outlines: gpd.GeoDataFrame) -> folium.Map:
    m = maps.new_map(bounds=tuple(territories.total_bounds))
    maps.add_outlines(m, outlines, name="Départements")
    maps.add_territories(
        m,
        territories,
        id_column="code",
        fill_column="couleur",
        tooltip={"nom": "Territoire", "population": "Population <municipale>"},
        highlight="200046977",
    )
    maps.add_legend(
        m,
        [("#1b9e77", "Petits territoires"), ("#d95f02", "Métropoles <et> très grands")],
        title="Segment de taille",
    )
    return m


def _walk(element: branca.element.Element) -> Iterator[branca.element.Element]:
    """Every element of the tree, as streamlit_folium.st_folium walks it."""
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def test_data_text_is_escaped_in_rendered_html(territories, outlines):
    m = _build(territories, outlines)
    doc = maps.map_html(m)
    # Jinja's tojson writes '&' as \u0026 inside the script: the browser sees '&lt;script&gt;'.
    assert r"\u0026lt;script\u0026gt;alert(1)\u0026lt;/script\u0026gt;" in doc
    assert r"\u0026lt;img src=x onerror=alert(1)\u0026gt;" in doc
    assert "<script>alert" not in doc
    assert "<img src=x" not in doc
    assert "<municipale>" not in doc and "<et>" not in doc


def test_geojson_properties_escaped_and_minimal(territories):
    m = maps.new_map()
    layer = maps.add_territories(m, territories, id_column="code", fill_column="couleur", tooltip={"nom": "Territoire"})
    names = {f["id"]: f["properties"] for f in layer.data["features"]}
    assert names["69123"] == {"nom": "&lt;script&gt;alert(1)&lt;/script&gt;"}
    assert names["42218"] == {"nom": "Saint-Étienne &amp; Co"}
    assert "ne pas publier" not in json.dumps(layer.data)
    tooltip = next(c for c in layer._children.values() if isinstance(c, folium.GeoJsonTooltip))
    assert tooltip.fields == ["nom"] and tooltip.aliases == ["Territoire"]


def test_coordinates_rounded():
    gdf = gpd.GeoDataFrame(
        {"code": ["1"], "nom": ["x"], "couleur": ["#000000"]},
        geometry=[box(2.123456789, 46.987654321, 2.5, 47.0)],
        crs=4326,
    )
    layer = maps.add_territories(maps.new_map(), gdf, id_column="code", fill_column="couleur", tooltip={"nom": "Nom"})
    coords = json.dumps(layer.data["features"][0]["geometry"]["coordinates"])
    assert "2.1235" in coords and "46.9877" in coords
    assert "2.123456" not in coords


def test_highlight_drawn_last_with_dark_outline(territories):
    layer = maps.add_territories(
        maps.new_map(),
        territories,
        id_column="code",
        fill_column="couleur",
        tooltip={"nom": "Territoire"},
        highlight="69123",
    )
    assert layer.data["features"][-1]["id"] == "69123"
    styles = {f["id"]: layer.style_function(f) for f in layer.data["features"]}
    assert styles["69123"]["weight"] > styles["42218"]["weight"]
    assert styles["69123"]["className"] == "territoire territoire-selectionne"
    assert styles["42218"]["className"] == "territoire"
    assert styles["42218"]["fillColor"] == "#7570b3"


def test_bad_fill_colour_rejected(territories):
    territories.loc[0, "couleur"] = "red;background:url(x)"
    with pytest.raises(ValueError, match="69123"):
        maps.add_territories(maps.new_map(), territories, id_column="code", fill_column="couleur", tooltip={})


def test_no_network_url_anywhere(territories, outlines):
    m = _build(territories, outlines)
    doc = maps.map_html(m)
    assert not URL.search(doc), URL.findall(doc)
    links = []
    for element in _walk(m):
        assert not isinstance(element, branca.colormap.ColorMap)  # streamlit-folium adds d3
        if isinstance(element, folium.elements.JSCSSMixin):
            links += [url for _, url in element.default_js + element.default_css]
    assert links == [maps.LEAFLET_JS_URL, maps.LEAFLET_CSS_URL]


def test_leaflet_urls_overridable():
    m = maps.new_map(leaflet_js="/x/leaflet.js", leaflet_css="/x/leaflet.css")
    doc = maps.map_html(m)
    assert '<script src="/x/leaflet.js"></script>' in doc
    assert '<link rel="stylesheet" href="/x/leaflet.css"/>' in doc


def test_folium_class_defaults_not_mutated(territories, outlines):
    before_js, before_css = list(folium.Map.default_js), list(folium.Map.default_css)
    maps.map_html(_build(territories, outlines))
    assert folium.Map.default_js == before_js and folium.Map.default_css == before_css
    assert any("cdn.jsdelivr.net" in url for _, url in folium.Map.default_js)
    assert maps.map_html(folium.Map(tiles=None)).count("https://") > 0  # plain folium still uses CDNs


def test_online_tiles_only_on_request():
    assert "openstreetmap" not in maps.map_html(maps.new_map()).lower()
    assert "tile.openstreetmap.org" in maps.map_html(maps.new_map(online_tiles=True))


def test_legend_labels_escaped(territories, outlines):
    doc = maps.map_html(_build(territories, outlines))
    assert "Segment de taille" in doc
    assert "Petits territoires" in doc
    assert r"M\u00e9tropoles \u0026lt;et\u0026gt; tr\u00e8s grands" in doc
    with pytest.raises(ValueError):
        maps.add_legend(maps.new_map(), [("red", "x")], title="t")


def test_standalone_html_inlines_leaflet(territories, outlines):
    doc = maps.standalone_html(_build(territories, outlines))
    assert "Leaflet 1.9.4, a JS library for interactive maps" in doc
    assert ".leaflet-container" in doc
    assert "<script src=" not in doc
    assert "<link rel=" not in doc
    assert "url(images/" not in doc
    assert "sourceMappingURL" not in doc
    assert "<script>alert" not in doc


def test_payload_bytes_small(territories, outlines):
    size = maps.payload_bytes(_build(territories, outlines))
    # A fresh identical map: folium appends one more `addTo` line to the script per render.
    assert size == len(maps.map_html(_build(territories, outlines)).encode("utf-8"))
    assert 1_000 < size < 30_000
