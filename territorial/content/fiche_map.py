"""The fiche's context map: the territory highlighted in its département (or France), over the
area's inner and neighbouring outlines, with its caption."""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
import shapely

from territorial.cartography import maps
from territorial.cartography.geometry import INSET_BOXES, bounds_of, outline_lines, simplify
from territorial.content.colouring import COLOUR_SEGMENT, NOT_ASSESSED_FILL
from territorial.content.fiche import Fiche, text_of
from territorial.content.territory_map import TOOLTIP_FIELDS, map_frame
from territorial.core import palette
from territorial.model.programme import Programme
from territorial.model.reference import Reference

_KIND_PLURALS = {
    "commune": ("communes", "situées"),
    "epci": ("intercommunalités", "situées"),
    "departement": ("départements", "situés"),
    "region": ("régions", "situées"),
    "groupement": ("groupements", "situés"),
}


@dataclass(frozen=True)
class ContextArea:
    """Where a territory is shown: its département, its région or France."""

    level: str  # "departement", "region" or "france"
    code: str
    label: str  # « son département (Rhône) », « sa région (Bretagne) », « la France métropolitaine »


def context_area(programme: Programme, reference: Reference, code: str) -> ContextArea:
    """The area a territory is shown in (see the module docstring)."""
    row = programme.territories.loc[code]
    kind, dep, reg = row["type"], text_of(row["departement"]), text_of(row["region"])
    if kind in ("commune", "epci", "groupement") and dep in reference.departements.index:
        return ContextArea("departement", dep, f"son département ({reference.departements.at[dep, 'nom']})")
    if kind != "region" and reg in reference.regions.index:
        return ContextArea("region", reg, f"sa région ({reference.regions.at[reg, 'nom']})")
    if reg in INSET_BOXES or code in INSET_BOXES:  # an overseas région: itself
        own = reg or code
        return ContextArea("region", own, f"sa région ({reference.regions.at[own, 'nom']})")
    return ContextArea("france", "", "la France métropolitaine")


def context_map(programme: Programme, reference: Reference, code: str, *, height: int = 360) -> folium.Map:
    """The territory highlighted in its area, over the area's inner and neighbouring outlines.

    The territory is filled with its segment's colour and outlined in dark; the other
    territories of the programme of the same kind in the area are grey.
    """
    area = context_area(programme, reference, code)
    inner, outer, shape = _context_layers(reference, area)
    own = programme.territories.loc[[code]]
    near = _near(programme, code, _area_shape(reference, area))
    frame = map_frame(programme, pd.concat([near, own]), mode=COLOUR_SEGMENT, insets=False).shapes
    frame.loc[frame["code"] != code, "couleur"] = palette.NOT_IN_PROGRAMME
    bounds = _union_bounds(frame[frame["code"] == code], shape)
    tolerance = _tolerance(bounds)
    frame["geometry"] = simplify(frame.geometry, tolerance=tolerance)
    m = maps.new_map(bounds=bounds, height=height)
    if inner is not None:
        maps.add_outlines(
            m,
            gpd.GeoDataFrame(geometry=simplify(inner, tolerance=tolerance)),
            name="Contours intérieurs",
            color=palette.INNER_OUTLINE,
            weight=1,
        )
    maps.add_outlines(
        m,
        gpd.GeoDataFrame(geometry=simplify(outer, tolerance=2 * tolerance)),
        name="Contours",
        color=palette.DARK_OUTLINE,
        weight=1.5,
    )
    maps.add_territories(
        m,
        frame,
        id_column="code",
        fill_column="couleur",
        tooltip=TOOLTIP_FIELDS,
        highlight=code,
        hatched_fill=NOT_ASSESSED_FILL,
    )
    return m


#: Metropolitan France (with Corsica), far from every overseas territory.
_METRO_BOX = shapely.box(-5.5, 41.0, 10.0, 51.5)
_NONE_OTHER = {
    "commune": "aucune autre commune",
    "epci": "aucune autre intercommunalité",
    "departement": "aucun autre département",
    "region": "aucune autre région",
    "groupement": "aucun autre groupement",
}


def _area_shape(reference: Reference, area: ContextArea) -> object:
    if area.level == "departement":
        return reference.departements.at[area.code, "geometry"]
    if area.level == "region":
        return reference.regions.at[area.code, "geometry"]
    return _METRO_BOX


def _near(programme: Programme, code: str, shape: object) -> gpd.GeoDataFrame:
    """The programme's other territories of the same kind drawn (in grey) in the area ``shape``."""
    data = programme.territories
    near = data[(data["type"] == data.at[code, "type"]) & (data.index != code) & data.geometry.notna()]
    if shape is not None and len(near):
        near = near[near.geometry.intersects(shape)]
    return near


def context_caption(programme: Programme, reference: Reference, fiche: Fiche) -> str:
    """What the context map shows, in one sentence (its text alternative): the grey territories
    only when some are drawn."""
    area = context_area(programme, reference, fiche.code)
    kinds, located = _KIND_PLURALS.get(fiche.kind, ("territoires", "situés"))
    head = f"Carte : {fiche.nom} (en couleur, contour foncé) dans {area.label}"
    if len(_near(programme, fiche.code, _area_shape(reference, area))):
        return f"{head} ; en gris, les autres {kinds} du programme {located} dans la zone."
    return f"{head} ; {_NONE_OTHER.get(fiche.kind, 'aucun autre territoire')} du programme n'y figure."


def _context_layers(reference: Reference, area: ContextArea) -> tuple[gpd.GeoSeries | None, gpd.GeoSeries, object]:
    """(inner outlines, area + neighbour outlines, area shape) for an area."""
    if area.level == "departement":
        shape = reference.departements.at[area.code, "geometry"]
        epci = reference.epci[reference.epci["departement"] == area.code]
        container = reference.departements
    elif area.level == "region":
        shape = reference.regions.at[area.code, "geometry"]
        epci = reference.departements[reference.departements["region"] == area.code]
        container = reference.regions
    else:
        metro = reference.regions[~reference.regions.index.isin(list(INSET_BOXES))]
        return None, _lines(metro), shapely.union_all(metro.geometry.to_numpy())
    neighbours = container[container.geometry.intersects(shape)]
    inner = _lines(epci) if len(epci) > 1 else None
    return inner, _lines(neighbours), shape


def _lines(layer: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Borders of a coverage as merged lines (so that simplifying them really thins them)."""
    lines = outline_lines(layer, tolerance=0.0005)
    return gpd.GeoSeries(shapely.line_merge(lines.to_numpy()), crs=lines.crs)


def _tolerance(bounds: tuple[float, float, float, float] | None) -> float:
    """Simplification tolerance (degrees) for a view of these bounds: about one screen pixel."""
    if bounds is None:
        return 0.01
    extent = max(bounds[2] - bounds[0], bounds[3] - bounds[1])
    return max(0.0005, extent / 700)


def _union_bounds(own: gpd.GeoDataFrame, shape: object) -> tuple[float, float, float, float] | None:
    boxes = [bounds_of(own)] if len(own) else []
    if isinstance(shape, shapely.Geometry) and not shape.is_empty:
        boxes.append(tuple(shape.bounds))
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
