"""What the pages show, computed without Streamlit: filters, map colouring, legends, text.

Pages read their state, call these functions and render the result, so that
every rule here is tested without a server.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from territorial.cartography.geometry import MapFrame, MapOutlines, simplify, tolerance_for, with_insets
from territorial.core import palette
from territorial.core.codes import fiche_link, parse_code
from territorial.core.fmt import escape_markdown, fr_pct, fr_pop, plural
from territorial.core.fmt import fold as _fold
from territorial.model.definition import ProgrammeDefinition
from territorial.model.programme import KIND_LABELS, Programme

COLOUR_SEGMENT = "segment"
COLOUR_COUNT = "n_actives"


@dataclass(frozen=True)
class Filters:
    """A selection of territories. Empty tuples mean « all »."""

    segments: tuple[str, ...] = ()
    lever: str | None = None
    regions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    query: str = ""


def apply_filters(programme: Programme, filters: Filters) -> pd.DataFrame:
    """Territories matching every filter (lever: those activating it)."""
    data = programme.territories
    mask = pd.Series(True, index=data.index)
    if filters.segments:
        mask &= data["segment"].isin(filters.segments)
    if filters.lever:
        mask &= data[filters.lever] >= programme.definition.active_from
    if filters.regions:
        mask &= data["region"].isin(filters.regions)
    if filters.kinds:
        mask &= data["type"].isin(filters.kinds)
    if filters.query.strip():
        mask &= search_mask(data, filters.query)
    return data[mask]


def search_mask(data: pd.DataFrame, query: str) -> pd.Series:
    """Territories whose name or code contains every word of the query (accents ignored)."""
    words = _fold(query).replace("-", " ").split()
    haystack = (data["nom"].map(_fold).str.replace("-", " ") + " " + data.index.str.lower())
    mask = pd.Series(True, index=data.index)
    for word in words:
        mask &= haystack.str.contains(word, regex=False)
    return mask


def search_label(row: pd.Series) -> str:
    """« Sainte-Colombe (Commune, 05) » — the département tells homonyms apart."""
    where = row.get("departement") or row.get("region") or ""
    return f"{row['nom']} ({row['type_label']}, {where})" if where else f"{row['nom']} ({row['type_label']})"




def _active_texts(programme: Programme, data: pd.DataFrame) -> list[str]:
    """« L1 label, L3 label » (or « aucun ») for each territory, in order."""
    labels = [lv.label for lv in programme.definition.levers]
    active = (data[programme.lever_ids] >= programme.definition.active_from).to_numpy()
    return [", ".join(label for label, on in zip(labels, row, strict=True) if on) or "aucun"
            for row in active]


def colour_modes(programme: Programme) -> dict[str, str]:
    """Colouring choices offered on maps: key → French label."""
    modes = {COLOUR_SEGMENT: "Segment de taille"}
    for lever in programme.definition.levers:
        modes[lever.id] = f"Levier {lever.id} – {lever.label} (niveau)"
    modes[COLOUR_COUNT] = "Nombre de leviers activés"
    return modes


def colouring(programme: Programme, data: pd.DataFrame, mode: str) -> tuple[pd.Series, list[tuple[str, str]], str]:
    """Fill colour per territory, legend items (colour, label with count) and legend title."""
    definition = programme.definition
    if mode == COLOUR_SEGMENT:
        colours = data["segment"].map({s.id: s.colour for s in definition.segments})
        counts = data["segment"].value_counts()
        legend = [(s.colour, f"{s.label} ({s.bounds_label}) : {counts.get(s.id, 0)}")
                  for s in definition.segments]
        return colours, legend, "Segment de taille"
    if mode == COLOUR_COUNT:
        n = len(definition.levers)
        colours_by_count = _ordinal(n + 1)
        colours = data["n_actives"].map(lambda k: colours_by_count[int(k)])
        counts = data["n_actives"].value_counts()
        legend = [(colours_by_count[k], f"{plural(k, 'levier activé', 'leviers activés')} : {counts.get(k, 0)}")
                  for k in range(n + 1)]
        return colours, legend, "Nombre de leviers activés"
    lever = definition.lever(mode)
    values = [lv.value for lv in definition.levels]
    colours_by_level = dict(zip(values, _ordinal(len(values)), strict=True))
    colours = data[lever.id].map(colours_by_level)
    counts = data[lever.id].value_counts()
    legend = [(colours_by_level[lv.value], f"{lv.value} – {lv.label} : {counts.get(lv.value, 0)}")
              for lv in definition.levels]
    return colours, legend, f"{lever.label} : niveau d'activation"


def _ordinal(n: int) -> list[str]:
    """``n`` colours of the ordinal palette, from light to dark."""
    if n <= len(palette.ORDINAL):
        step = (len(palette.ORDINAL) - 1) / max(n - 1, 1)
        return [palette.ORDINAL[round(i * step)] for i in range(n)]
    return [palette.ORDINAL[min(i, len(palette.ORDINAL) - 1)] for i in range(n)]




def map_frame(
    programme: Programme, data: pd.DataFrame, *, mode: str, insets: bool = True
) -> MapFrame:
    """The territories as the map draws them: simplified geometry, colour, tooltip texts.

    Larger territories are drawn first so that smaller ones stay on top and clickable.
    """
    colours, legend, title = colouring(programme, data, mode)
    definition = programme.definition
    segment_labels = {s.id: s.label for s in definition.segments}
    frame = gpd.GeoDataFrame(
        {
            "code": data.index,
            "nom": data["nom"].to_numpy(),
            "nature": data["nature"].to_numpy(),
            "population_txt": [f"{fr_pop(p)} ({y})" for p, y in zip(data["population"], data["annee_population"],
                                                                   strict=True)],
            "segment_txt": data["segment"].map(segment_labels).to_numpy(),
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


def territory_table(programme: Programme, data: pd.DataFrame) -> pd.DataFrame:
    """The table of territories shown next to a map (also its text alternative)."""
    definition = programme.definition
    table = pd.DataFrame(
        {
            "Code": data.index,
            "Territoire": data["nom"].to_numpy(),
            "Nature": data["nature"].to_numpy(),
            "Département": data["departement_nom"].to_numpy(),
            "Région": data["region_nom"].to_numpy(),
            programme.population_column(data): data["population"].to_numpy(),
            "Segment": data["segment"].map({s.id: s.label for s in definition.segments}).to_numpy(),
            "Leviers activés": data["n_actives"].to_numpy(),
        }
    )
    for lever in definition.levers:
        table[f"{lever.id} – {lever.label}"] = data[lever.id].map(definition.level_label).to_numpy()
    return table


def kinds_present(programme: Programme) -> dict[str, str]:
    """Kinds of territory present in the programme: key → French label."""
    present = set(programme.territories["type"])
    return {k: v for k, v in KIND_LABELS.items() if k in present}


def regions_present(programme: Programme) -> dict[str, str]:
    """Régions present in the programme: code → name, by name."""
    data = programme.territories[["region", "region_nom"]].dropna().drop_duplicates()
    data = data[data["region"].astype(bool)]
    return dict(sorted(zip(data["region"], data["region_nom"], strict=True), key=lambda kv: kv[1]))


def map_summary(programme: Programme, data: pd.DataFrame, view: MapFrame) -> str:
    """A sentence that says what the map shows (its text alternative)."""
    parts = [item for _, item in view.legend]
    return (f"La carte montre {plural(len(data), 'territoire')} "
            f"({fr_pop(data['population'].sum())} au total, {programme.population_label(data)}), "
            f"colorés selon « {view.title} » : "
            + " ; ".join(parts) + ".")


def share_text(share: float) -> str:
    return "–" if pd.isna(share) else fr_pct(share)


def programme_map(
    view: MapFrame,
    *,
    outlines: MapOutlines,
    height: int = 600,
    highlight: str | None = None,
    bounds: tuple[float, float, float, float] | None = None,
):
    """A folium map of territories over département/région outlines, with its legend."""
    from territorial.cartography import maps
    from territorial.cartography.geometry import bounds_of

    bounds = bounds or (bounds_of(view.shapes) if len(view.shapes) else None)
    m = maps.new_map(bounds=bounds, height=height)
    styles = {"departements": ("Départements", palette.RULE, 0.6), "regions": ("Régions", palette.OUTLINE, 1.2),
              "insets": ("Outre-mer", palette.OUTLINE, 1.0)}
    for key, (name, colour, weight) in styles.items():
        layer = getattr(outlines, key)
        if layer is not None:
            layer = layer if isinstance(layer, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=layer)
            maps.add_outlines(m, layer, name=name, color=colour, weight=weight)
    maps.add_territories(m, view.shapes, id_column="code", fill_column="couleur",
                         tooltip=TOOLTIP_FIELDS, highlight=highlight)
    maps.add_legend(m, view.legend, title=view.title, bounds=bounds)
    return m


def level_palette(definition: ProgrammeDefinition) -> dict[int, str]:
    """Colour of each activation level (the maps' ordinal palette), by level value."""
    values = [lv.value for lv in definition.levels]
    return dict(zip(values, _ordinal(len(values)), strict=True))


def valid_code(programme: Programme, code: object) -> str | None:
    """The code (normalised) if it names a territory of the programme, else None (safe in a URL)."""
    text = parse_code(code)
    return text if text is not None and text in programme.territories.index else None


def territory_card(programme: Programme, code: str) -> str:
    """A territory's card in Markdown (every data text escaped), with a link to its fiche."""
    definition = programme.definition
    row = programme.territories.loc[code]
    segment = definition.segment(row["segment"])
    where = [f"{row['departement_nom']} ({row['departement']})" if row["departement_nom"] else "",
             row["region_nom"] or ""]
    levers = [f"- {escape_markdown(lv.label)} : **{escape_markdown(definition.level_label(int(row[lv.id])))}**"
              for lv in definition.levers]
    lines = [
        f"### {escape_markdown(row['nom'])}",
        f"{escape_markdown(row['nature'])} · {escape_markdown(fr_pop(row['population']))} "
        f"(population {escape_markdown(row['annee_population'])})  ",
        " · ".join(escape_markdown(w) for w in where if w) + "  ",
        f"Segment : **{escape_markdown(segment.label)}** ({escape_markdown(segment.bounds_label)})",
        "",
        f"**Leviers** ({escape_markdown(plural(int(row['n_actives']), 'levier activé', 'leviers activés'))}) :",
        "",
        *levers,
        "",
        fiche_link(code, "Ouvrir la fiche"),
    ]
    return "\n".join(lines)


def context_bounds(frame: gpd.GeoDataFrame, *, min_span: float = 1.5) -> tuple[float, float, float, float] | None:
    """Bounds of the shapes, widened to at least ``min_span`` degrees each way.

    A map of one small commune then shows it in its surroundings rather than
    filling the frame with its (simplified) outline. None when there is no shape.
    """
    from territorial.cartography.geometry import bounds_of

    if frame.empty:
        return None
    minx, miny, maxx, maxy = bounds_of(frame)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_x, half_y = max(maxx - minx, min_span) / 2, max(maxy - miny, min_span) / 2
    return (cx - half_x, cy - half_y, cx + half_x, cy + half_y)
