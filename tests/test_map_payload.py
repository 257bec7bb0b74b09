"""The maps' weight: coordinates travel as quantised integer steps, rebuilt in the browser.

The overview/Carte/Atelier map of the 81 territories weighed 217-219 KB; the national map of
every EPCI must stay under 1 MB. What the browser rebuilds is exactly the rounded GeoJSON the
map was built from (so nothing is lost at any zoom), every territory is still drawn (the
browser tests count the shapes) and data text is still escaped.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest

from territorial.cartography import maps
from territorial.cartography.geometry import national_outlines
from territorial.content.colouring import COLOUR_SEGMENT
from territorial.content.territory_map import context_bounds, map_frame, programme_map
from territorial.model.national import DEFAULT_SEED, national_programme_csv
from territorial.model.programme import resolve
from territorial.model.programme_file import load_programme_file

_PACKED = re.compile(r"var scale = (\d+);.*?var data = (\{.*?\});\n", re.S)


def _unpack(scale: int, data: dict) -> dict:
    """What the map's script does in the browser (maps._PackedGeoJson), in Python."""

    def ring(steps: list[int]) -> list[list[float]]:
        out, x, y = [], 0, 0
        for i in range(0, len(steps), 2):
            x, y = x + steps[i], y + steps[i + 1]
            out.append([x / scale, y / scale])
        return out

    def geometry(g: dict) -> dict:
        kind, c = g["type"], g.get("coordinates")
        if kind == "Polygon" or kind == "MultiLineString":
            return {**g, "coordinates": [ring(r) for r in c]}
        if kind == "MultiPolygon":
            return {**g, "coordinates": [[ring(r) for r in p] for p in c]}
        if kind == "LineString":
            return {**g, "coordinates": ring(c)}
        if kind == "GeometryCollection":
            return {**g, "geometries": [geometry(x) for x in g["geometries"]]}
        raise AssertionError(kind)

    return {**data, "features": [{**f, "geometry": geometry(f["geometry"])} for f in data["features"]]}


def _layers(doc: str) -> list[tuple[int, dict]]:
    return [(int(m.group(1)), json.loads(m.group(2))) for m in _PACKED.finditer(doc)]


def _territory_layer(m) -> maps.folium.GeoJson:
    (layer,) = [
        c
        for c in m._children.values()
        if isinstance(c, maps.folium.GeoJson) and c.data["features"] and "properties" in c.data["features"][0]
        if maps.TERRITORY_CLASS in c.style_function(c.data["features"][0])["className"]
    ]
    return layer


@pytest.fixture(scope="module")
def outlines(reference):
    return national_outlines(None, reference.regions)


def test_programme_map_is_under_150_kb_and_rebuilds_the_same_shapes(demo, outlines) -> None:
    view = map_frame(demo, demo.territories, mode=COLOUR_SEGMENT)
    m = programme_map(view, outlines=outlines, bounds=context_bounds(view.shapes))
    doc = maps.map_html(m)
    size = len(doc.encode("utf-8"))
    assert 60_000 < size < 150_000, size  # was 218 724 bytes
    layers = _layers(doc)
    assert len(layers) == 3  # région borders, overseas inset frames, territories
    scale, packed = layers[-1]
    assert scale == 10_000  # territories rounded to 1e-4 degree (about 10 m): kept as they are
    rebuilt = _unpack(scale, packed)
    layer = _territory_layer(m)
    assert [f["id"] for f in rebuilt["features"]] == [f["id"] for f in layer.data["features"]]
    assert len(rebuilt["features"]) == len(demo.territories) == 81  # every territory drawn
    for mine, theirs in zip(rebuilt["features"], layer.data["features"], strict=True):
        assert mine["properties"] == theirs["properties"]
        assert json.dumps(mine["geometry"]["coordinates"]) == json.dumps(theirs["geometry"]["coordinates"])
    borders_scale, borders = layers[0]
    assert borders_scale == 100  # outlines rounded to 1e-2 degree
    assert _unpack(borders_scale, borders)["features"][0]["geometry"]["type"] in ("MultiLineString", "LineString")


def test_tooltips_of_the_packed_map_are_still_escaped(demo, outlines) -> None:
    data = demo.territories.iloc[:3].copy()
    data.loc[data.index[0], "nom"] = "<img src=x onerror=alert(1)>'</script>"
    view = map_frame(demo, gpd.GeoDataFrame(data, crs=4326), mode=COLOUR_SEGMENT)
    doc = maps.map_html(programme_map(view, outlines=outlines))
    assert "<img src=x" not in doc and "</script>'" not in doc
    (name,) = [f["properties"]["nom"] for f in _layers(doc)[-1][1]["features"] if "img" in f["properties"]["nom"]]
    assert name == "&lt;img src=x onerror=alert(1)&gt;&#x27;&lt;/script&gt;"  # HTML-escaped, then JSON


def test_national_map_of_every_epci_is_under_1_mb(reference, definition, outlines) -> None:
    table = load_programme_file(
        national_programme_csv(reference, DEFAULT_SEED, definition=definition),
        filename="national.csv",
        definition=definition,
        reference=reference,
    )
    programme = resolve(table, reference=reference, definition=definition)
    view = map_frame(programme, programme.territories, mode=COLOUR_SEGMENT)
    doc = maps.map_html(programme_map(view, outlines=outlines))
    size = len(doc.encode("utf-8"))
    assert 300_000 < size < 1_000_000, size
    assert len(_layers(doc)[-1][1]["features"]) == 1253
