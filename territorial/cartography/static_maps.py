"""Static maps (PNG) drawn with matplotlib: a territory in its context, a programme map.

Used where no browser is at hand: the PDF fiche, the map image download. Shapes
are selected with geopandas and drawn as matplotlib paths on a bare
:class:`matplotlib.figure.Figure` (Agg canvas, never ``pyplot``): nothing global is
touched, so figures can be drawn from any thread (Streamlit runs deferred
downloads on a worker thread).

Colours are those of the interactive map (segment colours from the definition,
the ordinal palette of :mod:`territorial.content.colouring`); legends carry the same labels.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.path import Path

from territorial.cartography.geometry import MapFrame, MapOutlines
from territorial.core import palette
from territorial.model.programme import Programme
from territorial.model.reference import Reference

# --------------------------------------------------------------------------- drawing


def _ring_codes(n: int) -> np.ndarray:
    codes = np.full(n, Path.LINETO, dtype=Path.code_type)
    codes[0] = Path.MOVETO
    codes[-1] = Path.CLOSEPOLY
    return codes


def _polygons(geom: shapely.Geometry | None) -> Iterable[shapely.Polygon]:
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, shapely.Polygon):
        return [geom]
    if isinstance(geom, (shapely.MultiPolygon, shapely.GeometryCollection)):
        return [p for part in geom.geoms for p in _polygons(part)]
    return []


def geometry_path(geom: shapely.Geometry | None) -> Path | None:
    """One compound matplotlib path for a (multi)polygon, holes included."""
    vertices, codes = [], []
    for polygon in _polygons(geom):
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = np.asarray(ring.coords)[:, :2]
            if len(coords) < 4:
                continue
            vertices.append(coords)
            codes.append(_ring_codes(len(coords)))
    if not vertices:
        return None
    return Path(np.concatenate(vertices), np.concatenate(codes))


def _line_parts(geom: shapely.Geometry | None) -> list[np.ndarray]:
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, shapely.LineString | shapely.LinearRing):
        return [np.asarray(geom.coords)[:, :2]]
    if isinstance(geom, shapely.Polygon):
        return [np.asarray(r.coords)[:, :2] for r in [geom.exterior, *geom.interiors]]
    if hasattr(geom, "geoms"):
        return [part for g in geom.geoms for part in _line_parts(g)]
    return []


def draw_polygons(
    ax, geoms: Sequence, *, facecolors, edgecolor: str = palette.WHITE, linewidth: float = 0.5, zorder: float = 1
) -> None:
    """Fill (multi)polygons; ``facecolors`` is one colour or one per geometry."""
    colours = [facecolors] * len(geoms) if isinstance(facecolors, str) else list(facecolors)
    paths, fills = [], []
    for geom, colour in zip(geoms, colours, strict=True):
        path = geometry_path(geom)
        if path is not None:
            paths.append(path)
            fills.append(colour)
    if paths:
        ax.add_collection(
            PathCollection(paths, facecolors=fills, edgecolors=edgecolor, linewidths=linewidth, zorder=zorder),
            autolim=False,
        )


def _hatch(ax, geoms: Sequence, *, zorder: float) -> None:
    """Stripes over shapes already filled (a territory not yet assessed)."""
    paths = [p for p in map(geometry_path, geoms) if p is not None]
    if paths:
        collection = PathCollection(
            paths, facecolors="none", edgecolors=palette.NOT_ASSESSED_HATCH, linewidths=0, hatch="////", zorder=zorder
        )
        ax.add_collection(collection, autolim=False)


def draw_lines(ax, geoms: Iterable, *, colour: str, linewidth: float, zorder: float = 2) -> None:
    """Draw lines (or polygon boundaries) without fill."""
    parts = [part for geom in geoms for part in _line_parts(geom)]
    if parts:
        ax.add_collection(
            LineCollection(
                parts, colors=colour, linewidths=linewidth, zorder=zorder, capstyle="round", joinstyle="round"
            ),
            autolim=False,
        )


def _frame_view(ax, bounds: tuple[float, float, float, float], *, margin: float = 0.04) -> None:
    """Fit the axes to ``bounds`` plus a margin, aspect corrected for latitude, centred.

    The shorter side of the view is widened so that the view fills the axes box.
    """
    minx, miny, maxx, maxy = bounds
    stretch = 1 / math.cos(math.radians((miny + maxy) / 2))  # a degree of latitude is longer
    dx, dy = max(maxx - minx, 1e-3) * (1 + 2 * margin), max(maxy - miny, 1e-3) * (1 + 2 * margin)
    fig_w, fig_h = ax.figure.get_size_inches()
    _, _, box_w, box_h = ax.get_position().bounds
    box_ratio = (box_w * fig_w) / (box_h * fig_h)  # width / height of the axes, in inches
    if dx / (dy * stretch) < box_ratio:
        dx = dy * stretch * box_ratio
    else:
        dy = dx / (stretch * box_ratio)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ax.set_xlim(cx - dx / 2, cx + dx / 2)
    ax.set_ylim(cy - dy / 2, cy + dy / 2)
    ax.set_aspect(stretch, adjustable="box")
    ax.set_axis_off()


def new_figure(width_in: float, height_in: float) -> Figure:
    """A bare figure on an Agg canvas (no pyplot, no global state)."""
    fig = Figure(figsize=(width_in, height_in), facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def figure_png(fig: Figure, *, dpi: int = 150) -> bytes:
    """Render a figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor=fig.get_facecolor(), metadata={"Software": None})
    return buffer.getvalue()


# --------------------------------------------------------------------------- a territory in context


def _context(programme: Programme, code: str, reference: Reference) -> tuple[gpd.GeoDataFrame, str, str]:
    """The units the territory is shown within, and what they are called.

    Commune, EPCI, groupement: its département(s); département: its région;
    région: the région itself (its départements drawn inside).
    """
    row = programme.territories.loc[code]
    geom = row.geometry
    if row["type"] == "region":
        return reference.regions.loc[[code]], "la région", reference.regions.at[code, "nom"]
    if row["type"] == "departement":
        region = row["region"]
        return reference.regions.loc[[region]], "la région", reference.regions.at[region, "nom"]
    deps = reference.departements
    if geom is not None and not geom.is_empty:
        candidates = deps.iloc[deps.sindex.query(geom, predicate="intersects")]
        overlap = shapely.area(shapely.intersection(candidates.geometry.to_numpy(), geom))
        shares = overlap / max(geom.area, 1e-12)
        inside = candidates[shares > 0.01]
        if len(inside):
            names = " / ".join(inside["nom"])
            what = "le département" if len(inside) == 1 else "les départements"
            return inside, what, names
    dep = row["departement"]
    return deps.loc[[dep]], "le département", deps.at[dep, "nom"]


def territory_context(programme: Programme, code: str, *, reference: Reference) -> str:
    """« le département Alpes-de-Haute-Provence »: what the territory map shows around it."""
    _, what, names = _context(programme, code, reference)
    return f"{what} {names}"


def territory_figure(
    programme: Programme, code: str, *, reference: Reference, width_in: float = 3.0, height_in: float = 3.0
) -> Figure:
    """The territory, filled with its segment colour, within its département or région.

    Neighbouring départements are drawn lightly; a territory too small to see at
    this scale is circled.
    """
    row = programme.territories.loc[code]
    waiting = not bool(row.get("evalue", True))  # not yet assessed at the day shown: hatched, as on maps
    colour = palette.NOT_ASSESSED if waiting else programme.definition.segment(row["segment"]).colour
    context, _, _ = _context(programme, code, reference)
    geom = row.geometry
    parts = [g for g in [*context.geometry, geom] if g is not None and not g.is_empty]
    bounds = shapely.GeometryCollection(parts).bounds if parts else (-5.0, 41.0, 10.0, 51.5)
    minx, miny, maxx, maxy = bounds
    extent = max(maxx - minx, maxy - miny)
    tolerance = extent / 1500
    view = shapely.box(minx - extent * 0.15, miny - extent * 0.15, maxx + extent * 0.15, maxy + extent * 0.15)

    fig = new_figure(width_in, height_in)
    ax = fig.add_axes((0, 0, 1, 1))
    deps = reference.departements
    around = deps.iloc[deps.sindex.query(view, predicate="intersects")]
    around_geoms = shapely.simplify(around.geometry.to_numpy(), tolerance, preserve_topology=True)
    draw_polygons(ax, around_geoms, facecolors=palette.NEIGHBOUR_FILL, edgecolor=palette.RULE, linewidth=0.5, zorder=1)
    context_geoms = shapely.simplify(context.geometry.to_numpy(), tolerance, preserve_topology=True)
    draw_polygons(
        ax, context_geoms, facecolors=palette.CONTEXT_FILL, edgecolor=palette.OUTLINE, linewidth=0.9, zorder=2
    )
    if row["type"] in ("departement", "region"):  # the région's départements, as thin lines
        inner = deps[deps["region"].isin(context.index)]
        inner_geoms = shapely.simplify(inner.geometry.to_numpy(), tolerance, preserve_topology=True)
        draw_lines(ax, inner_geoms, colour=palette.RULE, linewidth=0.5, zorder=3)
    if geom is not None and not geom.is_empty:
        shape = shapely.simplify(geom, tolerance, preserve_topology=True)
        draw_polygons(ax, [shape], facecolors=colour, edgecolor=palette.TEXT, linewidth=0.8, zorder=4)
        if waiting:
            _hatch(ax, [shape], zorder=4.5)
        gminx, gminy, gmaxx, gmaxy = geom.bounds
        if max(gmaxx - gminx, gmaxy - gminy) < extent * 0.06:
            point = geom.representative_point()
            ax.scatter(
                [point.x], [point.y], s=420, facecolors="none", edgecolors=palette.TEXT, linewidths=1.6, zorder=5
            )
    _frame_view(ax, bounds)
    return fig


def territory_png(
    programme: Programme,
    code: str,
    *,
    reference: Reference,
    width_in: float = 3.0,
    height_in: float = 3.0,
    dpi: int = 200,
) -> bytes:
    """:func:`territory_figure` as PNG bytes."""
    return figure_png(
        territory_figure(programme, code, reference=reference, width_in=width_in, height_in=height_in), dpi=dpi
    )


# --------------------------------------------------------------------------- a programme map


def programme_figure(
    view: MapFrame,
    *,
    outlines: MapOutlines,
    heading: str | None = None,
    width_in: float = 8.0,
    hatched_fill: str | None = None,
) -> Figure:
    """A national map of territories as :func:`territorial.content.territory_map.map_frame` gives them.

    The figure's height follows the map's shape: title, map, then the legend below it.

    Parameters
    ----------
    view
        Territories with ``geometry`` and ``couleur`` (already simplified, overseas in insets),
        the legend's (colour, label) pairs as for the interactive map, and its title.
    outlines
        Région borders; département borders and overseas inset frames when present.
    heading
        Title of the image; defaults to « Territoires du programme — {title} ».
    width_in
        Width of the figure in inches.
    hatched_fill
        Territories of this fill (and its legend item) are hatched, as on the interactive map.
    """
    frame, legend, title = view.shapes, view.legend, view.title
    insets = outlines.insets
    parts = [g for g in [*frame.geometry, *outlines.regions] if g is not None and not g.is_empty]
    if insets is not None:
        parts += list(insets.geometry)
    minx, miny, maxx, maxy = shapely.GeometryCollection(parts).bounds if parts else (-5.0, 41.0, 10.0, 51.5)
    stretch = 1 / math.cos(math.radians((miny + maxy) / 2))
    map_w = width_in * 0.98
    map_h = map_w * (maxy - miny) * stretch / max(maxx - minx, 1e-3)
    title_h, legend_h = 0.55, 0.25 + 0.24 * (len(legend) + 1)
    height_in = title_h + map_h + legend_h
    fig = new_figure(width_in, height_in)
    fig.suptitle(
        heading or f"Territoires du programme — {title}",
        x=0.03,
        y=1 - 0.12 / height_in,
        ha="left",
        va="top",
        fontsize=15,
        fontweight="bold",
        color=palette.TEXT,
    )
    ax = fig.add_axes((0.01, legend_h / height_in, 0.98, map_h / height_in))
    if outlines.departements is not None:
        draw_lines(ax, outlines.departements, colour=palette.RULE, linewidth=0.4, zorder=1)
    draw_lines(ax, outlines.regions, colour=palette.OUTLINE, linewidth=0.8, zorder=2)
    if insets is not None:
        draw_lines(ax, insets.geometry, colour=palette.OUTLINE, linewidth=0.6, zorder=2)
        for name, box in zip(insets["nom"], insets.geometry, strict=True):
            bx0, _, _, by1 = box.bounds
            ax.text(bx0, by1 + 0.05, name, fontsize=7, color=palette.TEXT, ha="left", va="bottom", zorder=6)
    draw_polygons(
        ax, list(frame.geometry), facecolors=list(frame["couleur"]), edgecolor=palette.WHITE, linewidth=0.4, zorder=3
    )
    _hatch(ax, [g for g, c in zip(frame.geometry, frame["couleur"], strict=True) if c == hatched_fill], zorder=3.5)
    _frame_view(ax, (minx, miny, maxx, maxy), margin=0.02)
    handles = [
        Patch(
            facecolor=c,
            edgecolor=palette.TEXT,
            linewidth=0.6,
            label=label,
            hatch="////" if c == hatched_fill else None,
        )
        for c, label in legend
    ]
    fig.legend(
        handles=handles,
        title=title,
        loc="lower left",
        bbox_to_anchor=(0.03, 0.1 / height_in),
        frameon=False,
        fontsize=10,
        title_fontsize=11,
        alignment="left",
    )
    return fig


__all__ = [
    "draw_lines",
    "draw_polygons",
    "figure_png",
    "geometry_path",
    "new_figure",
    "programme_figure",
    "territory_context",
    "territory_figure",
    "territory_png",
]
