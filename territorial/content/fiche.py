"""The « fiche territoire »: everything one territory's page shows, as plain data.

:func:`fiche_data` gathers the facts (segment, lever levels, peers, similar
territories, dialogue notes) and :func:`context_map` draws the territory within
its département (communes, intercommunalités, groupements), its région
(départements) or France (régions), over reference outlines. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
import shapely

from territorial.cartography import maps
from territorial.cartography.geometry import INSET_BOXES, bounds_of, outline_lines, simplify
from territorial.content.colouring import COLOUR_SEGMENT
from territorial.content.levers import peer_share, similar_territories
from territorial.content.selection import search_label, search_mask
from territorial.content.territory_map import TOOLTIP_FIELDS, map_frame
from territorial.core import palette
from territorial.core.codes import fiche_link
from territorial.core.fmt import escape_html, escape_markdown, fold, fr_date, fr_pct, fr_pop, plural
from territorial.model.definition import Segment
from territorial.model.programme import Programme
from territorial.model.reference import Reference

_KIND_PLURALS = {"commune": ("communes", "situées"), "epci": ("intercommunalités", "situées"),
                 "departement": ("départements", "situés"), "region": ("régions", "situées"),
                 "groupement": ("groupements", "situés")}


class UnknownTerritoryError(KeyError):
    """No territory of the programme has this code; the message is in French."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"Aucun territoire du programme n'a le code «\u00a0{code}\u00a0».")

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class LeverLine:
    """One lever as the fiche shows it: this territory's level and its peers' share."""

    id: str
    label: str
    description: str
    colour: str
    level: int
    level_label: str
    max_level: int
    active: bool
    peer_share: float

    @property
    def peer_share_txt(self) -> str:
        return "–" if pd.isna(self.peer_share) else fr_pct(self.peer_share)


@dataclass(frozen=True)
class Similar:
    """A territory of the same segment with a close lever profile."""

    code: str
    nom: str
    nature: str
    population: int
    n_actives: int
    distance: int

    @property
    def link(self) -> str:
        """Markdown link to its fiche, name escaped (plain escaped text if the code is odd)."""
        return fiche_link(self.code, self.nom)


@dataclass(frozen=True)
class Fiche:
    """Everything the fiche of one territory shows."""

    code: str
    nom: str
    kind: str
    nature: str
    population: int
    #: « population municipale 2023 en vigueur au 1er janvier 2026, INSEE »
    population_label: str
    #: « À 412 habitants du seuil des 50 000 habitants… » within 2 % of a threshold, else empty
    threshold_txt: str
    departement: str
    departement_nom: str
    region: str
    region_nom: str
    segment: Segment
    n_peers: int
    levers: tuple[LeverLine, ...]
    n_actives: int
    similar: tuple[Similar, ...]
    date_dialogue: str
    notes: str
    contact: str
    members: tuple[str, ...]

    @property
    def population_txt(self) -> str:
        """« 1 436 354 hab. (population municipale 2023 en vigueur au 1er janvier 2026, INSEE) »."""
        return f"{fr_pop(self.population)} ({self.population_label})"

    @property
    def place_txt(self) -> str:
        """« Rhône (69), Auvergne-Rhône-Alpes », or what is known of it."""
        parts = []
        if self.departement_nom and self.kind != "departement":
            parts.append(f"{self.departement_nom} ({self.departement})")
        if self.region_nom and self.kind != "region":
            parts.append(self.region_nom)
        return ", ".join(parts)

    @property
    def actives_txt(self) -> str:
        return f"{plural(self.n_actives, 'levier activé', 'leviers activés')} sur {len(self.levers)}"

    @property
    def code_kind(self) -> str:
        """What the code is: « code INSEE », « SIREN » or « code » (a groupement's own)."""
        return {"commune": "code INSEE", "departement": "code INSEE", "region": "code INSEE",
                "epci": "SIREN"}.get(self.kind, "code")

    @property
    def peers_txt(self) -> str:
        """« les 28 autres territoires du segment « Petits territoires » »."""
        return f"{plural(self.n_peers, 'autre territoire', 'autres territoires')} du segment « {self.segment.label} »"


def fiche_data(programme: Programme, code: str, *, reference: Reference | None = None,
               n_similar: int = 5) -> Fiche:
    """Gather what the fiche of territory ``code`` shows.

    Parameters
    ----------
    programme
        The programme.
    code
        The territory's code (index of ``programme.territories``).
    reference
        Reference geography, used to name a groupement's members.
    n_similar
        How many similar territories to list.

    Raises
    ------
    UnknownTerritoryError
        No territory of the programme has this code.
    """
    data = programme.territories
    if code not in data.index:
        raise UnknownTerritoryError(code)
    row = data.loc[code]
    definition = programme.definition
    segment = definition.segment(row["segment"])
    shares = peer_share(programme, code)
    levers = tuple(
        LeverLine(
            id=lever.id, label=lever.label, description=lever.description, colour=lever.colour,
            level=int(row[lever.id]), level_label=definition.level_label(int(row[lever.id])),
            max_level=definition.max_level, active=int(row[lever.id]) >= definition.active_from,
            peer_share=float(shares[lever.id]),
        )
        for lever in definition.levers
    )
    similar = tuple(
        Similar(code=str(c), nom=str(r["nom"]), nature=str(r["nature"]), population=int(r["population"]),
                n_actives=int(r["n_actives"]), distance=int(r["distance"]))
        for c, r in similar_territories(programme, code, n=n_similar).iterrows()
    )
    return Fiche(
        code=code, nom=str(row["nom"]), kind=str(row["type"]),
        nature=str(row["nature"]), population=int(row["population"]),
        population_label=programme.populations.label(str(row["annee_population"])),
        threshold_txt=definition.threshold_note(int(row["population"])),
        departement=_text(row["departement"]), departement_nom=_text(row["departement_nom"]),
        region=_text(row["region"]), region_nom=_text(row["region_nom"]),
        segment=segment, n_peers=int((data["segment"] == segment.id).sum()) - 1,
        levers=levers, n_actives=int(row["n_actives"]), similar=similar,
        date_dialogue=fr_date(row.get("date_dialogue")), notes=_text(row.get("notes")),
        contact=_text(row.get("contact")),
        members=_members(row, reference),
    )


def search(programme: Programme, query: str, *, limit: int = 50) -> dict[str, str]:
    """Territories matching ``query`` (all when empty): code → label telling homonyms apart."""
    data = programme.territories
    found = data[search_mask(data, query)] if query.strip() else data
    found = found.assign(_key=found["nom"].map(fold)).sort_values(["_key", "population"])
    return {str(code): search_label(row) for code, row in found.head(limit).iterrows()}


def examples(programme: Programme) -> list[tuple[str, str]]:
    """One territory per segment (the most populous), as (segment label, Markdown link)."""
    data = programme.territories
    out = []
    for segment in programme.definition.segments:
        members = data[data["segment"] == segment.id]
        if len(members):
            code = members["population"].idxmax()
            out.append((segment.label, fiche_link(str(code), str(members.at[code, "nom"]))))
    return out


# --------------------------------------------------------------------------- Markdown
# What the page writes, every data text escaped (names and notes come from a file).


def chip_html(segment: Segment) -> str:
    """The segment as a coloured chip followed by its bounds (HTML, escaped)."""
    return (f'<p class="fiche-entete"><span class="fiche-segment" style="background: {segment.colour};'
            f' color: {palette.WHITE};">{escape_html(segment.label)}</span> '
            f'<span>{escape_html(segment.bounds_label)}</span></p>')


def facts_markdown(fiche: Fiche) -> str:
    """The key facts as a Markdown list."""
    lines = [f"**Nature** : {escape_markdown(fiche.nature)}",
             f"**Population** : {escape_markdown(fiche.population_txt)}"]
    if fiche.threshold_txt:
        lines.append(f"**Seuil** : {escape_markdown(fiche.threshold_txt)}")
    if fiche.place_txt:
        lines.append(f"**Situation** : {escape_markdown(fiche.place_txt)}")
    lines += [f"**Segment de taille** : {escape_markdown(fiche.segment.label)} "
              f"({escape_markdown(fiche.segment.bounds_label)})",
              f"**Leviers activés** : {fiche.actives_txt}"]
    if fiche.members:
        lines.append("**Membres** : " + " ; ".join(escape_markdown(m) for m in fiche.members))
    return "\n".join(f"- {line}" for line in lines)


def lever_markdown(lever: LeverLine) -> str:
    """One lever: its name, its level as dots and words."""
    dots = "●" * lever.level + "○" * max(lever.max_level - lever.level, 0)
    return (f"**{escape_markdown(lever.id)} – {escape_markdown(lever.label)}**  \n"
            f"{dots} **{escape_markdown(lever.level_label)}** (niveau {lever.level} sur {lever.max_level})")


def peers_markdown(fiche: Fiche) -> str:
    """Table: each lever, this territory's level, the share of its peers activating it."""
    rows = ["| Levier | Ce territoire | Pairs qui l'activent |", "|---|---|---|"]
    rows += [f"| {escape_markdown(lv.id)} – {escape_markdown(lv.label)} | {escape_markdown(lv.level_label)} "
             f"| {lv.peer_share_txt} |" for lv in fiche.levers]
    return "\n".join(rows)


def similar_markdown(fiche: Fiche) -> str:
    """The similar territories as a Markdown list of links to their fiches."""
    return "\n".join(
        f"- {s.link} — {escape_markdown(s.nature)}, {fr_pop(s.population)}, "
        f"{plural(s.n_actives, 'levier activé', 'leviers activés')}" for s in fiche.similar)


# --------------------------------------------------------------------------- context map


@dataclass(frozen=True)
class ContextArea:
    """Where a territory is shown: its département, its région or France."""

    level: str  # "departement", "region" or "france"
    code: str
    label: str  # « son département (Rhône) », « sa région (Bretagne) », « la France métropolitaine »


def context_area(programme: Programme, reference: Reference, code: str) -> ContextArea:
    """The area a territory is shown in (see the module docstring)."""
    row = programme.territories.loc[code]
    kind, dep, reg = row["type"], _text(row["departement"]), _text(row["region"])
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
    data = programme.territories
    own = data.loc[[code]]
    near = data[(data["type"] == own["type"].iloc[0]) & (data.index != code) & data.geometry.notna()]
    if shape is not None and len(near):
        near = near[near.geometry.intersects(shape)]
    frame = map_frame(programme, pd.concat([near, own]), mode=COLOUR_SEGMENT, insets=False).shapes
    frame.loc[frame["code"] != code, "couleur"] = palette.NOT_IN_PROGRAMME
    bounds = _union_bounds(frame[frame["code"] == code], shape)
    tolerance = _tolerance(bounds)
    frame["geometry"] = simplify(frame.geometry, tolerance=tolerance)
    m = maps.new_map(bounds=bounds, height=height)
    if inner is not None:
        maps.add_outlines(m, gpd.GeoDataFrame(geometry=simplify(inner, tolerance=tolerance)),
                          name="Contours intérieurs", color=palette.INNER_OUTLINE, weight=1)
    maps.add_outlines(m, gpd.GeoDataFrame(geometry=simplify(outer, tolerance=2 * tolerance)),
                      name="Contours", color=palette.DARK_OUTLINE, weight=1.5)
    maps.add_territories(m, frame, id_column="code", fill_column="couleur", tooltip=TOOLTIP_FIELDS,
                         highlight=code)
    return m


def context_caption(programme: Programme, reference: Reference, fiche: Fiche) -> str:
    """What the context map shows, in one sentence (its text alternative)."""
    area = context_area(programme, reference, fiche.code)
    kinds, located = _KIND_PLURALS.get(fiche.kind, ("territoires", "situés"))
    return (f"Carte : {fiche.nom} (en couleur, contour foncé) dans {area.label} ; en gris, "
            f"les autres {kinds} du programme {located} dans la zone.")


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
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _members(row: pd.Series, reference: Reference | None) -> tuple[str, ...]:
    """« Nom (code) » of a groupement's members (bare codes without a reference)."""
    codes = _text(row.get("membres")).split() if row["type"] == "groupement" else []
    if reference is None:
        return tuple(codes)
    out = []
    for member in codes:
        layer = reference.epci if len(member) == 9 else reference.communes
        name = layer.at[member, "nom"] if member in layer.index else ""
        out.append(f"{name} ({member})" if name else member)
    return tuple(out)


__all__ = [
    "chip_html", "facts_markdown", "lever_markdown", "peers_markdown", "similar_markdown",
    "ContextArea", "Fiche", "LeverLine", "Similar", "UnknownTerritoryError",
    "context_area", "context_caption", "context_map", "examples", "fiche_data", "fr_date", "search",
]
