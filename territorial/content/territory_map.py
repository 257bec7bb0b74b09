"""The programme's territories on a map: display frame (geometry, colours, tooltip texts), the
folium map over its outlines, its text alternative and its bounds.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from territorial.cartography import maps
from territorial.cartography.geometry import MapFrame, MapOutlines, bounds_of, simplify, tolerance_for, with_insets
from territorial.content.colouring import NOT_ASSESSED_FILL, colouring
from territorial.content.dialogues import not_assessed_label
from territorial.content.segment_text import segment_labels
from territorial.core import palette
from territorial.core.fmt import fr_pop, plural
from territorial.model.programme import Programme


def _active_texts(programme: Programme, data: pd.DataFrame) -> list[str]:
    """« L1 label, L3 label » (or « aucun ») for each territory, in order."""
    labels = [lv.label for lv in programme.definition.levers]
    active = (data[programme.lever_ids] >= programme.definition.active_from).fillna(False).to_numpy(dtype=bool)
    missing = not_assessed_label(programme)
    return [
        (", ".join(label for label, on in zip(labels, row, strict=True) if on) or "aucun") if assessed else missing
        for row, assessed in zip(active, data["evalue"].to_numpy(dtype=bool), strict=True)
    ]


def map_frame(programme: Programme, data: pd.DataFrame, *, mode: str, insets: bool = True) -> MapFrame:
    """The territories as the map draws them: simplified geometry, colour, tooltip texts.

    Larger territories are drawn first so that smaller ones stay on top and clickable.
    """
    colours, legend, title = colouring(programme, data, mode)
    definition = programme.definition
    frame = gpd.GeoDataFrame(
        {
            "code": data.index,
            "nom": data["nom"].to_numpy(),
            "nature": data["nature"].to_numpy(),
            "population_txt": [
                f"{fr_pop(p)} ({y})" for p, y in zip(data["population"], data["annee_population"], strict=True)
            ],
            "segment_txt": segment_labels(data, definition).to_numpy(),
            "leviers_txt": _active_texts(programme, data),
            "couleur": colours.to_numpy(),
            "region": data["region"].to_numpy(),
            "population": data["population"].to_numpy(),
        },
        geometry=data.geometry.to_numpy(),
        crs=4326,
    )
    frame = frame[~frame.geometry.isna()]
    frame["geometry"] = simplify(frame.geometry, tolerance=tolerance_for(len(frame)))
    if insets:
        frame = with_insets(frame)
    frame = frame.sort_values("population", ascending=False)
    return MapFrame(frame.drop(columns=["population"]), legend, title)


#: Tooltip content; ``code`` is also what a click sends back (Leaflet's toGeoJSON keeps
#: the properties, not the feature id).
TOOLTIP_FIELDS = {
    "nom": "Territoire",
    "code": "Code",
    "nature": "Nature",
    "population_txt": "Population",
    "segment_txt": "Segment",
    "leviers_txt": "Leviers activés",
}


def map_summary(programme: Programme, data: pd.DataFrame, view: MapFrame) -> str:
    """A sentence that says what the map shows (its text alternative)."""
    parts = [item for _, item in view.legend]
    return (
        f"La carte montre {plural(len(data), 'territoire')} "
        f"({fr_pop(data['population'].sum())} au total, {programme.population_label(data)}), "
        f"colorés selon « {view.title} » : " + " ; ".join(parts) + "."
    )


def programme_map(
    view: MapFrame,
    *,
    outlines: MapOutlines,
    height: int = 600,
    highlight: str | None = None,
    bounds: tuple[float, float, float, float] | None = None,
):
    """A folium map of territories over département/région outlines, with its legend."""
    bounds = bounds or (bounds_of(view.shapes) if len(view.shapes) else None)
    m = maps.new_map(bounds=bounds, height=height)
    styles = {
        "departements": ("Départements", palette.RULE, 0.6),
        "regions": ("Régions", palette.OUTLINE, 1.2),
        "insets": ("Outre-mer", palette.OUTLINE, 1.0),
    }
    for key, (name, colour, weight) in styles.items():
        layer = getattr(outlines, key)
        if layer is not None:
            layer = layer if isinstance(layer, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=layer)
            maps.add_outlines(m, layer, name=name, color=colour, weight=weight)
    maps.add_territories(
        m,
        view.shapes,
        id_column="code",
        fill_column="couleur",
        tooltip=TOOLTIP_FIELDS,
        highlight=highlight,
        hatched_fill=NOT_ASSESSED_FILL,
    )
    maps.add_legend(m, view.legend, title=view.title, bounds=bounds, hatched_fill=NOT_ASSESSED_FILL)
    return m


def context_bounds(frame: gpd.GeoDataFrame, *, min_span: float = 1.5) -> tuple[float, float, float, float] | None:
    """Bounds of the shapes, widened to at least ``min_span`` degrees each way.

    A map of one small commune then shows it in its surroundings rather than
    filling the frame with its (simplified) outline. None when there is no shape.
    """
    if frame.empty:
        return None
    minx, miny, maxx, maxy = bounds_of(frame)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_x, half_y = max(maxx - minx, min_span) / 2, max(maxy - miny, min_span) / 2
    return (cx - half_x, cy - half_y, cx + half_x, cy + half_y)
