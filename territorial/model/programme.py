"""The resolved programme: each territory with its name, population, place and segment.

Names, populations, département/région and geometry are never typed by hand:
they are resolved here from the reference geography. A groupement's are derived
from its members (union of their geometry, sum of their population).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import pandas as pd
import shapely

from territorial.model.definition import ProgrammeDefinition
from territorial.model.populations import PopulationSource, years_text
from territorial.model.programme_file import ProgrammeTable
from territorial.model.reference import EPCI_KINDS, Reference
from territorial.model.vocabulary import KIND_LABELS, LAYER_OF_KIND


@dataclass(frozen=True)
class Programme:
    """A programme ready to display.

    ``territories`` is a GeoDataFrame indexed by code with: type, type_label, nom,
    nature (e.g. « Communauté d'agglomération »), population, annee_population (the
    year of that population: « 2023 », « 2017 » in Mayotte), departement,
    departement_nom, region, region_nom, segment, one int column per lever,
    n_actives, date_dialogue, notes, contact, geometry (stored resolution).
    ``populations`` is the millésime of the populations, for their labels.
    """

    territories: gpd.GeoDataFrame
    definition: ProgrammeDefinition
    is_demo: bool
    meta: dict[str, str]
    populations: PopulationSource

    def population_years(self, data: pd.DataFrame | None = None) -> str:
        """The years of the populations of ``data`` (default: all territories), « 2023 »."""
        frame = self.territories if data is None else data
        return years_text(frame["annee_population"])

    def population_label(self, data: pd.DataFrame | None = None) -> str:
        """« population municipale 2023 en vigueur au 1er janvier 2026, INSEE » for ``data``."""
        return self.populations.label(self.population_years(data))

    def population_short(self, data: pd.DataFrame | None = None) -> str:
        """« population municipale 2023 » for ``data`` (default: all territories)."""
        return self.populations.short(self.population_years(data))

    def population_column(self, data: pd.DataFrame | None = None) -> str:
        """« Population 2023 » (header of a column of the populations of ``data``)."""
        return self.populations.column(self.population_years(data))

    @property
    def lever_ids(self) -> list[str]:
        return self.definition.lever_ids

    @cached_property
    def fingerprint(self) -> int:
        """Hash of the programme's content and definition (computed once per object).

        Caches key on it, so that another programme never gets a stale map or table.
        """
        table = pd.DataFrame(self.territories.drop(columns="geometry"))
        return hash((int(pd.util.hash_pandas_object(table, index=True).sum()), self.definition))


def resolve(table: ProgrammeTable, *, reference: Reference, definition: ProgrammeDefinition) -> Programme:
    """Resolve a validated programme table against the reference geography."""
    rows = []
    for record in table.territories.to_dict("records"):
        kind = record["type"]
        if kind == "groupement":
            place = _groupement(record, reference)
        else:
            place = _official(record["code"], kind, reference)
        rows.append({**record, **place})
    frame = pd.DataFrame.from_records(rows).set_index("code")
    frame["type_label"] = frame["type"].map(KIND_LABELS)
    frame["departement_nom"] = frame["departement"].map(reference.departements["nom"]).fillna("")
    frame["region_nom"] = frame["region"].map(reference.regions["nom"]).fillna("")
    frame["population"] = frame["population"].astype("int64")
    frame["segment"] = [definition.segment_of(p).id for p in frame["population"]]
    frame["n_actives"] = (frame[definition.lever_ids] >= definition.active_from).sum(axis=1)
    territories = gpd.GeoDataFrame(frame, geometry="geometry", crs=4326)
    return Programme(
        territories=territories,
        definition=definition,
        is_demo=table.is_demo,
        meta=table.meta,
        populations=reference.populations,
    )


def _official(code: str, kind: str, reference: Reference) -> dict:
    row = reference.layer(LAYER_OF_KIND[kind]).loc[code]
    place = {
        "nom": row["nom"],
        "population": int(row["population"]),
        "annee_population": str(row["annee_population"]),
        "geometry": row["geometry"],
        "nature": KIND_LABELS[kind],
        "departement": None,
        "region": None,
    }
    if kind == "commune":
        place.update(departement=row["departement"], region=row["region"])
    elif kind == "epci":
        place.update(
            departement=row["departement"],
            region=row["region"],
            nature=EPCI_KINDS.get(row["nature"], "Intercommunalité"),
        )
    elif kind == "departement":
        place.update(departement=code, region=row["region"])
    else:
        place.update(region=code)
    return place


def _groupement(record: dict, reference: Reference) -> dict:
    members = record["membres"].split()
    parts = [_official(code, "epci" if len(code) == 9 else "commune", reference) for code in members]
    populations = pd.Series([p["population"] for p in parts])
    main = int(populations.idxmax())
    geoms = [p["geometry"] for p in parts if p["geometry"] is not None]
    return {
        "nom": record["nom"],
        "population": int(populations.sum()),
        "annee_population": years_text(p["annee_population"] for p in parts),
        "geometry": shapely.union_all(geoms) if geoms else None,
        "nature": "Groupement de " + ("communes" if all(len(c) != 9 for c in members) else "collectivités"),
        "departement": parts[main]["departement"],
        "region": parts[main]["region"],
    }
