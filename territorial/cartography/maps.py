"""Folium maps that work with no network.

folium loads Leaflet, jQuery, Bootstrap... from public CDNs by default. The maps built
here load only Leaflet, from the app itself (Streamlit static serving of
``assets/vendor/leaflet`` at ``/app/static/vendor/leaflet/``), draw no tile layer
(vector outlines on a light background instead) and never use a branca ColorMap
(streamlit-folium adds d3 from a CDN when it sees one).

Every text that comes from data is HTML-escaped before it reaches folium: tooltips
insert property values as raw HTML, and streamlit-folium's iframe runs scripts with the
dashboard's origin.
"""

from __future__ import annotations

import ast
import base64
import html
import inspect
import json
import math
import re
from collections.abc import Mapping
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template as FoliumTemplate
from jinja2 import Template
from markupsafe import Markup

from territorial.core import palette
from territorial.core.paths import ASSETS_DIR

LEAFLET_DIR = ASSETS_DIR / "vendor" / "leaflet"
LEAFLET_JS_URL = "/app/static/vendor/leaflet/leaflet.js"
LEAFLET_CSS_URL = "/app/static/vendor/leaflet/leaflet.css"

COORD_PRECISION = 1e-4  # degrees, about 10 m
TERRITORY_CLASS = "territoire"
HIGHLIGHT_CLASS = "territoire-selectionne"
OUTLINE_CLASS = "contour"
#: A territory drawn hatched (not yet assessed at the day shown), and its pattern's id.
HATCHED_CLASS = "territoire-hachure"
HATCH_ID = "territoire-hachures"
#: Stripes of the hatch, over the hatched territories' own fill: unlike any flat colour.
HATCH_STRIPE = palette.NOT_ASSESSED_HATCH
#: The round marker drawn over a territory smaller than SMALL_SHAPE_PX at the zoom shown.
MARKER_CLASS = "territoire-repere"
SMALL_SHAPE_PX, MARKER_RADIUS_PX = 8, 6

_FRANCE_CENTRE = (46.6, 2.4)
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_TOOLTIP_STYLE = "font-size: 15px; line-height: 1.4; padding: 4px 6px;"


class _HeaderStyle(MacroElement):
    """A ``<style>`` block in the document head (constant CSS, never data)."""

    _template = Template("{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}")

    def __init__(self, css: str) -> None:
        super().__init__()
        self._name = "HeaderStyle"
        self.css = css


class _Legend(MacroElement):
    """A Leaflet control, bottom-left, whose inner HTML is built (escaped) in Python."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function () {
    var map = {{ this._parent.get_name() }};
    var legend = L.control({position: "bottomleft"});
    legend.onAdd = function () {
        var div = L.DomUtil.create("div", "carte-legende");
        div.innerHTML = {{ this.markup | tojson }};
        L.DomEvent.disableClickPropagation(div);
        return div;
    };
    legend.addTo(map);
    {% if this.bounds %}
    // Keep the territories clear of the legend. Among views that leave the legend's width
    // (or height) free in part or in whole, take the largest one with no territory under the
    // legend (it may cover sea or a neighbour); failing that, the largest fully clear one.
    // The frame and the legend's fonts may be laid out after this script runs: fit again then.
    var fittedFor = "";
    var bounds = L.latLngBounds({{ this.bounds | tojson }});
    function underLegend() {
        var rect = legend.getContainer().getBoundingClientRect();
        var paths = map.getContainer().querySelectorAll("path.territoire");
        for (var i = 0; i < paths.length; i++) {
            var r = paths[i].getBoundingClientRect();
            if (r.right > rect.left && r.left < rect.right && r.bottom > rect.top && r.top < rect.bottom) {
                return true;
            }
        }
        return false;
    }
    function fit() {
        var box = legend.getContainer();
        var width = box.offsetWidth + 12, height = box.offsetHeight + 12;
        var size = map.getSize();
        var state = [width, height, size.x, size.y].join("x");
        if (state === fittedFor || size.x < 2 || size.y < 2) { return; }
        fittedFor = state;
        var views = [];
        [0, 0.25, 0.5, 0.75, 1].forEach(function (share) {
            if (size.x >= 2 * width) {
                var left = [Math.round(width * share), 0];
                views.push({zoom: map.getBoundsZoom(bounds, false, L.point(left)), clear: share === 1,
                            options: {animate: false, paddingTopLeft: left}});
            }
            if (size.y >= 2 * height) {
                var bottom = [0, Math.round(height * share)];
                views.push({zoom: map.getBoundsZoom(bounds, false, L.point(bottom)), clear: share === 1,
                            options: {animate: false, paddingBottomRight: bottom}});
            }
        });
        if (!views.length) { return; }
        views.sort(function (a, b) { return b.zoom - a.zoom || a.clear - b.clear; });
        for (var i = 0; i < views.length; i++) {
            map.fitBounds(bounds, views[i].options);
            if (!underLegend()) { return; }
        }
        var clear = views.filter(function (v) { return v.clear; })[0];
        map.fitBounds(bounds, clear.options);
    }
    fit();
    map.on("resize", fit);
    [300, 1000].forEach(function (ms) { setTimeout(fit, ms); });
    {% endif %}
})();
{% endmacro %}"""
    )

    def __init__(self, markup: str, bounds: list[list[float]] | None = None) -> None:
        super().__init__()
        self._name = "Legend"
        self.markup = markup
        self.bounds = bounds


class _FocusWithoutScroll(MacroElement):
    """Leaflet focuses the map on mousedown (for its keyboard controls), which scrolls the page
    around the map's frame on a phone between mousedown and mouseup: the tap then lands
    elsewhere and selects nothing. The same focus, without scrolling."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function () {
    var keyboard = {{ this._parent.get_name() }}.keyboard;
    if (!keyboard) { return; }
    keyboard.disable();
    keyboard._onMouseDown = function () {
        if (!this._focused) { this._map._container.focus({preventScroll: true}); }
    };
    keyboard.enable();
})();
{% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "FocusWithoutScroll"


class _Hatch(MacroElement):
    """The hatch pattern (constant SVG) in the map's vector layer, for ``url(#territoire-hachures)``."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function () {
    var map = {{ this._parent.get_name() }};
    function define() {
        var svg = map.getPanes().overlayPane.querySelector("svg");
        if (!svg || svg.getElementById("{{ this.id }}")) { return; }
        var defs = document.createElementNS("http://www.w3.org/2000/svg", "defs");
        defs.innerHTML = {{ this.pattern | tojson }};
        svg.insertBefore(defs, svg.firstChild);
    }
    define();
    map.on("layeradd", define);
})();
{% endmacro %}"""
    )

    def __init__(self, base: str) -> None:
        super().__init__()
        self._name = "Hatch"
        self.id = HATCH_ID
        self.pattern = (
            f'<pattern id="{HATCH_ID}" patternUnits="userSpaceOnUse" width="6" height="6" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{_check_colour(base)}"/>'
            f'<rect width="2" height="6" fill="{HATCH_STRIPE}"/></pattern>'
        )


class _SmallShapes(MacroElement):
    """A round marker over each territory smaller than ``SMALL_SHAPE_PX`` on screen, at every zoom.

    The marker is added to the territories' layer with the territory's feature: it has its
    fill, its tooltip, and a click on it reports the territory, like a click on its shape.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
(function () {
    var map = {{ this._parent.get_name() }}, layer = {{ this.layer_name }};
    var markers = [];
    function update() {
        markers.forEach(function (m) { layer.removeLayer(m); });
        markers = [];
        var shapes = [];
        layer.eachLayer(function (shape) { if (shape.feature && shape.getBounds) { shapes.push(shape); } });
        shapes.forEach(function (shape) {
            var b = shape.getBounds();
            var sw = map.latLngToLayerPoint(b.getSouthWest()), ne = map.latLngToLayerPoint(b.getNorthEast());
            if (Math.max(ne.x - sw.x, sw.y - ne.y) >= {{ this.min_px }}) { return; }
            var o = shape.options, selected = (o.className || "").indexOf("{{ this.selected }}") >= 0;
            var m = L.circleMarker(b.getCenter(), {
                radius: {{ this.radius }}, fillColor: o.fillColor, fillOpacity: 1, color: {{ this.edge | tojson }},
                weight: selected ? 3 : 1.5, className: "{{ this.marker }}"
            });
            m.feature = shape.feature;
            markers.push(m);
            layer.addLayer(m);
        });
    }
    update();
    map.on("zoomend", update);
})();
{% endmacro %}"""
    )

    def __init__(self, layer: folium.GeoJson) -> None:
        super().__init__()
        self._name = "SmallShapes"
        self.layer_name = layer.get_name()
        self.min_px, self.radius = SMALL_SHAPE_PX, MARKER_RADIUS_PX
        self.edge, self.selected, self.marker = palette.TEXT, HIGHLIGHT_CLASS, MARKER_CLASS


#: The call by which folium's GeoJson template adds its data; replaced in :class:`_PackedGeoJson`.
_FOLIUM_ADD = "{{ this.get_name() }}_add({{ this.data|tojson }});"
#: Coarsest first: the quantum a layer's coordinates are written in (they are already rounded).
_QUANTA = (1e-2, 1e-3, 1e-4)


def _folium_geojson_template() -> str:
    """The source of folium's ``GeoJson`` template (folium 0.20, pinned), read from its code."""
    tree = ast.parse(inspect.getsource(folium.GeoJson).lstrip())
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "_template" for t in node.targets)
            and isinstance(node.value, ast.Call)
            and node.value.args
            and isinstance(node.value.args[0], ast.Constant)
        ):
            source = node.value.args[0].value
            if isinstance(source, str) and _FOLIUM_ADD in source:
                return source
    raise RuntimeError("folium.GeoJson's template changed: update territorial/cartography/maps.py (_PackedGeoJson)")


class _PackedGeoJson(folium.GeoJson):
    """folium's ``GeoJson`` whose coordinates travel as integers (quantised, delta-coded).

    The layer's coordinates are already rounded (to 1e-4 degree for territories, 1e-2 for
    outlines); written as ``[2.3145, 48.7304], `` they take most of a map's bytes. Here each
    ring is a flat list of integer steps from the previous point in units of that rounding
    (``-105,-215,``), and a few lines of script rebuild the same GeoJSON in the browser before
    Leaflet sees it: the shapes drawn, their tooltips, styles and what a click returns are
    those of the plain GeoJSON (``self.data``, which the Python side keeps as it was).
    """

    _template = FoliumTemplate(
        _folium_geojson_template().replace(
            _FOLIUM_ADD,
            """(function () {
            var scale = {{ this.scale }};
            function ring(r) {
                var out = [], x = 0, y = 0;
                for (var i = 0; i < r.length; i += 2) { x += r[i]; y += r[i + 1]; out.push([x / scale, y / scale]); }
                return out;
            }
            function geometry(g) {
                if (!g) { return g; }
                var c = g.coordinates;
                if (g.type === "GeometryCollection") { g.geometries.forEach(geometry); }
                else if (g.type === "Point") { g.coordinates = ring(c)[0]; }
                else if (g.type === "LineString" || g.type === "MultiPoint") { g.coordinates = ring(c); }
                else if (g.type === "Polygon" || g.type === "MultiLineString") { g.coordinates = c.map(ring); }
                else if (g.type === "MultiPolygon") { g.coordinates = c.map(function (p) { return p.map(ring); }); }
                return g;
            }
            var data = {{ this.packed_json }};
            data.features.forEach(function (f) { geometry(f.geometry); });
            {{ this.get_name() }}_add(data);
        })();""",
        )
    )

    def __init__(self, data: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.scale, self.packed = _pack(self.data)
        # As jinja's ``tojson`` writes it (safe inside a <script>), without the spaces.
        self.packed_json = Markup(
            json.dumps(self.packed, separators=(",", ":"), ensure_ascii=False)
            .replace("<", "\\u003c")
            .replace(">", "\\u003e")
            .replace("&", "\\u0026")
            .replace("'", "\\u0027")
        )


def _pack(collection: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """(scale, the collection with every coordinate list as integer steps of 1/scale degree)."""
    every = [c for f in collection["features"] for c in _flat(f.get("geometry"))]
    values = np.asarray(every, dtype=float)
    quantum = next(q for q in _QUANTA if values.size == 0 or np.abs(values / q - np.round(values / q)).max() < 1e-6)
    scale = round(1 / quantum)

    def ring(points: list) -> list[int]:
        cells = np.round(np.asarray(points, dtype=float).reshape(-1, 2) * scale).astype(np.int64)
        steps = np.diff(cells, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
        return steps.ravel().tolist()

    def geometry(g: dict[str, Any] | None) -> dict[str, Any] | None:
        if g is None:
            return None
        kind = g["type"]
        c: Any = g.get("coordinates")
        if kind == "GeometryCollection":
            return {"type": kind, "geometries": [geometry(x) for x in g["geometries"]]}
        if kind == "Point":
            return {"type": kind, "coordinates": ring([c])}
        if kind in ("LineString", "MultiPoint"):
            return {"type": kind, "coordinates": ring(c)}
        if kind in ("Polygon", "MultiLineString"):
            return {"type": kind, "coordinates": [ring(r) for r in c]}
        return {"type": kind, "coordinates": [[ring(r) for r in p] for p in c]}  # MultiPolygon

    features = [{**f, "geometry": geometry(f.get("geometry"))} for f in collection["features"]]
    return scale, {"type": "FeatureCollection", "features": features}


def _flat(g: dict[str, Any] | None) -> list[float]:
    """Every coordinate number of a GeoJSON geometry."""
    if g is None:
        return []
    if g["type"] == "GeometryCollection":
        return [v for x in g["geometries"] for v in _flat(x)]
    return np.asarray(_nested(g["coordinates"]), dtype=float).ravel().tolist()


def _nested(c: Any) -> list[float]:
    if isinstance(c, (int, float)):
        return [c]
    return [v for x in c for v in _nested(x)]


def new_map(
    *,
    bounds: tuple[float, float, float, float] | None = None,
    height: int = 600,
    leaflet_js: str = LEAFLET_JS_URL,
    leaflet_css: str = LEAFLET_CSS_URL,
    online_tiles: bool = False,
) -> folium.Map:
    """Create an empty map that loads only Leaflet, from ``leaflet_js``/``leaflet_css``.

    Parameters
    ----------
    bounds
        (minx, miny, maxx, maxy) in degrees to fit the view to; None: metropolitan France.
    height
        Map height in pixels.
    leaflet_js, leaflet_css
        URLs of Leaflet's script and stylesheet.
    online_tiles
        Add an OpenStreetMap tile layer (needs the network; never required).

    Returns
    -------
    folium.Map
    """
    location = _FRANCE_CENTRE
    if bounds is not None:
        minx, miny, maxx, maxy = bounds
        location = ((miny + maxy) / 2, (minx + maxx) / 2)
    m = folium.Map(
        location=location,
        zoom_start=6,
        tiles=None,
        height=height,
        attribution_control=online_tiles,
        zoom_snap=0.25,
    )
    # Instance attributes: folium.Map.default_js/default_css (CDN URLs) stay untouched.
    m.default_js = [("leaflet", leaflet_js)]
    m.default_css = [("leaflet_css", leaflet_css)]
    _HeaderStyle(f"div.leaflet-container {{ background: {palette.MAP_BACKGROUND}; }}").add_to(m)
    _FocusWithoutScroll().add_to(m)
    if online_tiles:
        folium.TileLayer("OpenStreetMap", name="Fond OpenStreetMap (en ligne)").add_to(m)
    if bounds is not None:
        first_fit = folium.FitBounds([[miny, minx], [maxy, maxx]])
        # Not animated: the end of an animated first fit would undo the legend-aware fit
        # (add_legend) made meanwhile, resetting the zoom when its transition ends.
        first_fit.options["animate"] = False
        m.add_child(first_fit)
    return m


def add_outlines(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    *,
    name: str,
    color: str = palette.BORDER,
    weight: float = 0.8,
) -> None:
    """Draw non-interactive outlines (départements, régions) as the map's base.

    Parameters
    ----------
    m
        Map from :func:`new_map`.
    gdf
        Outline geometries (polygons or lines); no attribute is sent to the browser.
    name
        Layer name.
    color
        Outline colour, ``#rrggbb``.
    weight
        Outline width in pixels.
    """
    style = {
        "color": _check_colour(color),
        "weight": weight,
        "fill": False,
        "className": OUTLINE_CLASS,
    }
    _PackedGeoJson(
        _feature_collection(gdf, columns=[]),
        name=html.escape(name),
        style_function=lambda _feature: style,
        interactive=False,
    ).add_to(m)


def add_territories(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    *,
    id_column: str,
    fill_column: str,
    tooltip: Mapping[str, str],
    name: str = "Territoires",
    highlight: str | None = None,
    hatched_fill: str | None = None,
) -> folium.GeoJson:
    """Draw one filled shape per territory, with an escaped tooltip.

    A territory too small to be seen or clicked at the zoom shown (under ``SMALL_SHAPE_PX``
    pixels) also gets a round marker of its colour, with its tooltip and click.

    Parameters
    ----------
    m
        Map from :func:`new_map`.
    gdf
        One row per territory (EPSG:4326, already simplified).
    id_column
        Column holding the territory code (the feature id).
    fill_column
        Column holding each territory's fill colour, ``#rrggbb``.
    tooltip
        Column name -> French label, in display order. Values and labels are
        HTML-escaped; only these columns reach the browser.
    name
        Layer name.
    highlight
        Code of a territory to outline in dark (drawn last, on top).
    hatched_fill
        Territories of this fill are drawn hatched instead (class ``territoire-hachure``).

    Returns
    -------
    folium.GeoJson
        The layer; its paths carry the CSS class ``territoire``.
    """
    missing = [c for c in [id_column, fill_column, *tooltip] if c not in gdf.columns]
    if missing:
        raise KeyError(f"columns not in the GeoDataFrame: {missing}")
    ids = gdf[id_column].astype(str)
    bad = sorted(i for i, c in zip(ids, gdf[fill_column], strict=True) if not _is_colour(c))
    if bad:
        raise ValueError(f"fill colours must be #rrggbb; bad rows for ids {bad}")
    fills = dict(zip(ids, gdf[fill_column], strict=True))
    if highlight is not None:  # draw the highlighted territory last so its outline is on top
        gdf = gdf.iloc[np.argsort((ids == str(highlight)).to_numpy(), kind="stable")]

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        selected = feature["id"] == highlight
        hatched = hatched_fill is not None and fills[feature["id"]] == hatched_fill
        classes = [TERRITORY_CLASS, *([HIGHLIGHT_CLASS] if selected else []), *([HATCHED_CLASS] if hatched else [])]
        return {
            "fillColor": f"url(#{HATCH_ID})" if hatched else fills[feature["id"]],
            "fillOpacity": 0.75,
            "color": palette.TEXT if selected else palette.WHITE,
            "weight": 3.5 if selected else 0.8,
            "className": " ".join(classes),
        }

    fields = list(tooltip)
    data = _feature_collection(gdf, columns=fields, id_column=id_column)
    layer = _PackedGeoJson(
        data,
        name=html.escape(name),
        style_function=style,
        highlight_function=lambda _feature: {"weight": 3, "color": palette.TEXT, "fillOpacity": 0.9},
        tooltip=(
            folium.GeoJsonTooltip(
                fields=fields,
                aliases=[html.escape(tooltip[f]) for f in fields],
                style=_TOOLTIP_STYLE,
                sticky=True,
            )
            if fields and data["features"]
            else None
        ),
    )
    layer.add_to(m)
    if hatched_fill is not None and hatched_fill in fills.values():
        _Hatch(hatched_fill).add_to(m)
    if data["features"]:
        _SmallShapes(layer).add_to(m)
    return layer


def add_legend(
    m: folium.Map,
    items: list[tuple[str, str]],
    *,
    title: str,
    bounds: tuple[float, float, float, float] | None = None,
    hatched_fill: str | None = None,
) -> None:
    """Add a legend box at the bottom left of the map (over the Atlantic on national maps).

    With ``bounds`` (minx, miny, maxx, maxy), the view is fitted to them leaving the
    legend's width free on the left when the map is wide enough for that, or else its
    height free at the bottom when the map is tall enough.

    Parameters
    ----------
    m
        Map from :func:`new_map`.
    items
        (colour ``#rrggbb``, label) pairs, in display order; labels are escaped.
    title
        Legend title, escaped.
    hatched_fill
        The item of this colour has a hatched swatch (as :func:`add_territories` draws it).
    """
    swatch = (
        "display: inline-block; width: 16px; height: 16px; margin-right: 8px;"
        f" vertical-align: -3px; border: 1px solid {palette.DARK_OUTLINE}; background: "
    )
    hatch = f"repeating-linear-gradient(45deg, {HATCH_STRIPE} 0 1.5px, {hatched_fill} 1.5px 4.5px)"
    rows = "".join(
        f'<div style="margin: 2px 0;"><span style="{swatch}'
        f'{hatch if colour == hatched_fill else _check_colour(colour)};"></span>{html.escape(label)}</div>'
        for colour, label in items
    )
    markup = (
        f'<div style="background: rgba(255, 255, 255, 0.95); color: {palette.TEXT}; padding: 8px 12px;'
        f" border: 1px solid {palette.BORDER}; border-radius: 4px; font: 15px/1.4 sans-serif;"
        ' max-width: 320px;">'
        f'<div style="font-weight: 700; margin-bottom: 4px;">{html.escape(title)}</div>{rows}</div>'
    )
    fit = None if bounds is None else [[bounds[1], bounds[0]], [bounds[3], bounds[2]]]
    _Legend(markup, fit).add_to(m)


def map_html(m: folium.Map) -> str:
    """Render the full HTML document, Leaflet loaded by URL."""
    return m.get_root().render()


def standalone_html(m: folium.Map) -> str:
    """Render an HTML document with Leaflet's script and stylesheet inlined.

    The file opens with no network and no server (e.g. from a USB stick).
    """
    doc = map_html(m)
    js_url, css_url = dict(m.default_js)["leaflet"], dict(m.default_css)["leaflet_css"]
    js_tag, css_tag = (
        f'<script src="{js_url}"></script>',
        f'<link rel="stylesheet" href="{css_url}"/>',
    )
    if js_tag not in doc or css_tag not in doc:
        raise ValueError("the map does not load Leaflet by URL; build it with new_map()")
    js = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"^//# sourceMappingURL=.*$", "", js, flags=re.MULTILINE)
    css = re.sub(
        r"url\(images/([\w.-]+\.png)\)",
        _png_data_uri,
        (LEAFLET_DIR / "leaflet.css").read_text("utf-8"),
    )
    return doc.replace(js_tag, f"<script>{js}</script>").replace(css_tag, f"<style>{css}</style>")


def payload_bytes(m: folium.Map) -> int:
    """Size in bytes (UTF-8) of the rendered HTML document, :func:`map_html`.

    streamlit-folium sends the same script, header and body minus the ``<script src>``
    / ``<link>`` tags, so this is a close upper bound of the map's payload.
    """
    return len(map_html(m).encode("utf-8"))


def _feature_collection(gdf: gpd.GeoDataFrame, *, columns: list[str], id_column: str | None = None) -> dict[str, Any]:
    """GeoJSON with rounded coordinates, only ``columns`` as (escaped) properties."""
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    geoms = gdf.geometry.set_precision(COORD_PRECISION)
    keep = ~(geoms.isna() | geoms.is_empty).to_numpy()
    gdf, geoms = gdf[keep], geoms[keep]
    ids = gdf[id_column].astype(str) if id_column else pd.Series(range(len(gdf))).astype(str)
    features = [
        {
            "type": "Feature",
            "id": fid,
            "properties": {c: _safe_value(v) for c, v in zip(columns, row, strict=True)},
            "geometry": json.loads(geom),
        }
        for fid, row, geom in zip(
            ids,
            gdf[columns].itertuples(index=False),
            shapely.to_geojson(geoms.to_numpy()),
            strict=True,
        )
    ]
    return {"type": "FeatureCollection", "features": features}


def _safe_value(value: Any) -> Any:
    """JSON value for a property: numbers as numbers, missing as null, text escaped."""
    if isinstance(value, (bool, np.bool_)):
        return html.escape(str(bool(value)))
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    return html.escape(str(value))


def _is_colour(value: Any) -> bool:
    return isinstance(value, str) and _HEX_COLOUR.fullmatch(value) is not None


def _check_colour(value: str) -> str:
    if not _is_colour(value):
        raise ValueError(f"colour must be #rrggbb, got {value!r}")
    return value


def _png_data_uri(match: re.Match[str]) -> str:
    data = base64.b64encode((LEAFLET_DIR / "images" / match.group(1)).read_bytes()).decode("ascii")
    return f"url(data:image/png;base64,{data})"


__all__ = [
    "LEAFLET_CSS_URL",
    "LEAFLET_DIR",
    "LEAFLET_JS_URL",
    "add_legend",
    "add_outlines",
    "add_territories",
    "map_html",
    "new_map",
    "payload_bytes",
    "standalone_html",
]
