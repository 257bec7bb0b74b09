"""Display geometry: simplification for the screen, rounding, overseas insets.

The reference keeps geometry at about 50 m. What a screen shows needs far less,
so display geometry is simplified (topology preserved, shape by shape) with a
tolerance that grows with the number of shapes shown, and coordinates are
rounded: the map of the 81 territories weighs tens of KB, not MB.

Overseas régions are far from metropolitan France; on the national map they are
moved into a row of insets south of the Gulf of Lion (``insets=True``), as on INSEE's maps.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely import affinity

#: Overseas régions (code → inset box in display coordinates: minx, miny, maxx, maxy).
#: A row of boxes south of the Gulf of Lion, where nothing else is drawn: the map
#: keeps metropolitan France's proportions and the Atlantic stays free for the legend.
INSET_BOXES: dict[str, tuple[float, float, float, float]] = {
    "01": (0.6, 40.0, 2.4, 41.5),  # Guadeloupe
    "02": (2.8, 40.0, 4.3, 41.5),  # Martinique
    "03": (4.7, 40.0, 6.2, 41.5),  # Guyane
    "04": (6.6, 40.0, 8.2, 41.5),  # La Réunion
    "06": (8.6, 40.0, 9.8, 41.5),  # Mayotte
}
INSET_NAMES = {"01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte"}
_SOURCE_BOXES: dict[str, tuple[float, float, float, float]] = {
    "01": (-61.81, 15.83, -61.0, 16.52),
    "02": (-61.23, 14.39, -60.81, 14.88),
    "03": (-54.61, 2.11, -51.61, 5.75),
    "04": (55.21, -21.39, 55.84, -20.87),
    "06": (45.01, -13.0, 45.3, -12.63),
}


def tolerance_for(n_shapes: int) -> float:
    """Simplification tolerance in degrees for a map showing ``n_shapes`` shapes."""
    if n_shapes <= 10:  # a territory and its neighbours: local detail
        return 0.001
    if n_shapes <= 120:  # the programme on a national map (about 500 m)
        return 0.006
    if n_shapes <= 500:
        return 0.01
    return 0.015


def simplify(geoms: gpd.GeoSeries, *, tolerance: float, precision: float = 1e-4) -> gpd.GeoSeries:
    """Simplify shape by shape (topology preserved) and snap coordinates to ``precision``."""
    values = geoms.to_numpy()
    simple = shapely.simplify(values, tolerance, preserve_topology=True)
    rounded = shapely.set_precision(simple, precision, mode="pointwise")
    # Tiny islands may vanish at this precision: keep the simplified shape then.
    lost = shapely.is_empty(rounded) & ~shapely.is_empty(simple)
    rounded[lost] = simple[lost]
    return gpd.GeoSeries(rounded, index=geoms.index, crs=geoms.crs)


def _inset_transform(code: str):
    sx0, sy0, sx1, sy1 = _SOURCE_BOXES[code]
    tx0, ty0, tx1, ty1 = INSET_BOXES[code]
    scale = min((tx1 - tx0) / (sx1 - sx0), (ty1 - ty0) / (sy1 - sy0))
    # Centre the scaled source box in the target box.
    dx = tx0 + ((tx1 - tx0) - scale * (sx1 - sx0)) / 2 - scale * sx0
    dy = ty0 + ((ty1 - ty0) - scale * (sy1 - sy0)) / 2 - scale * sy0
    return [scale, 0, 0, scale, dx, dy]


def with_insets(gdf: gpd.GeoDataFrame, *, region_column: str | None = "region") -> gpd.GeoDataFrame:
    """Move overseas shapes into their inset boxes (for national maps only)."""
    out = gdf.copy()
    regions = out[region_column] if region_column else out.index.to_series()
    for code in INSET_BOXES:
        mask = (regions == code).to_numpy()
        if mask.any():
            matrix = _inset_transform(code)
            out.loc[mask, "geometry"] = [
                affinity.affine_transform(g, matrix) if g is not None else None for g in out.geometry[mask]
            ]
    return out


def inset_frames() -> gpd.GeoDataFrame:
    """The inset boxes as rectangles with their names (drawn as thin frames)."""
    boxes = [shapely.box(*INSET_BOXES[c]) for c in INSET_BOXES]
    return gpd.GeoDataFrame(
        {"nom": [INSET_NAMES[c] for c in INSET_BOXES]}, geometry=boxes, index=list(INSET_BOXES), crs=4326
    )


def outline_lines(layer: gpd.GeoDataFrame, *, tolerance: float = 0.03, precision: float = 1e-2) -> gpd.GeoSeries:
    """Borders of a coverage as lines, each shared border drawn once."""
    simple = shapely.coverage_simplify(layer.geometry.to_numpy(), tolerance)
    lines = shapely.union_all(shapely.boundary(simple))
    lines = shapely.set_precision(lines, precision)
    return gpd.GeoSeries([lines], crs=layer.crs)


def bounds_of(gdf: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) of the non-empty shapes."""
    valid = gdf.geometry[~gdf.geometry.isna() & ~gdf.geometry.is_empty]
    minx, miny, maxx, maxy = (float(v) for v in np.asarray(valid.total_bounds))
    return minx, miny, maxx, maxy


#: A map's legend: (colour ``#rrggbb``, label) pairs, in display order.
Legend = list[tuple[str, str]]


@dataclass(frozen=True)
class MapFrame:
    """Territories as a map draws them (display geometry, colour, tooltip texts), with the
    legend of their colours and its title."""

    shapes: gpd.GeoDataFrame
    legend: Legend
    title: str


@dataclass(frozen=True)
class MapOutlines:
    """What a national map draws under its territories: borders as lines, overseas inset frames."""

    regions: gpd.GeoSeries
    departements: gpd.GeoSeries | None = None
    insets: gpd.GeoDataFrame | None = None


def national_outlines(
    departements: gpd.GeoDataFrame | None, regions: gpd.GeoDataFrame, *, insets: bool = True, tolerance: float = 0.03
) -> MapOutlines:
    """Région (and optionally département) borders as lines, overseas moved into insets."""

    def lines(layer: gpd.GeoDataFrame, region_column: str | None) -> gpd.GeoSeries:
        return outline_lines(with_insets(layer, region_column=region_column) if insets else layer, tolerance=tolerance)

    return MapOutlines(
        regions=lines(regions, None),
        departements=None if departements is None else lines(departements, "region"),
        insets=inset_frames() if insets else None,
    )
