"""The resolved programme: each territory with its name, population, place and segment.

Names, populations, département/région and geometry are never typed by hand:
they are resolved here from the reference geography. A groupement's are derived
from its members (union of their geometry, sum of their population).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import geopandas as gpd
import pandas as pd
import shapely

from territorial.model.definition import ProgrammeDefinition
from territorial.model.populations import PopulationSource, years_text
from territorial.model.programme_file import ProgrammeTable
from territorial.model.reference import EPCI_KINDS, Reference
from territorial.model.vocabulary import (
    DIALOGUE_COLUMNS,
    DIALOGUE_DATE,
    IDENTITY_COLUMNS,
    KIND_LABELS,
    LAYER_OF_KIND,
)

#: Whether a territory has been assessed at the programme's date (column of ``territories``).
ASSESSED = "evalue"
#: Columns computed from a territory's dialogues (besides its levels and n_actives).
FOLLOW_UP_COLUMNS = (ASSESSED, "n_dialogues", "premier_dialogue", "progression")


@dataclass(frozen=True)
class Programme:
    """A programme ready to display.

    ``territories`` is a GeoDataFrame indexed by code with: type, type_label, nom,
    nature (e.g. « Communauté d'agglomération »), population, annee_population (the
    year of that population: « 2023 », « 2017 » in Mayotte), departement,
    departement_nom, region, region_nom, segment (the programme's own when it sets one, else
    the one its population gives), segment_population (the one its population gives),
    segment_attribue (whether the programme set it), one int column per lever,
    n_actives, date_dialogue, etape, notes, contact, the file's extra columns (under
    :func:`kept_name`: never mixed with a computed column), geometry
    (stored resolution), and the follow-up of the dialogues: evalue (assessed at
    ``as_of``), n_dialogues (up to ``as_of``), premier_dialogue (date of the first),
    progression (active levers now minus at the first dialogue).

    The levels are those of each territory's **latest dialogue** up to ``as_of``
    (None: its latest of all). A territory first met after ``as_of`` is « non encore
    évalué »: ``evalue`` False and its levels, n_actives and progression missing
    (nullable integers), never 0.
    ``assessments`` holds every dialogue, one row per territory and dialogue, ordered
    by code then date (an undated dialogue first). ``populations`` is the millésime of
    the populations, for their labels.
    """

    territories: gpd.GeoDataFrame
    definition: ProgrammeDefinition
    is_demo: bool
    meta: dict[str, str]
    populations: PopulationSource
    assessments: pd.DataFrame = field(repr=False, compare=False, default_factory=pd.DataFrame)
    as_of: date | None = None

    def population_years(self, data: pd.DataFrame | None = None) -> str:
        """The years of the populations of ``data`` (default: all territories), « 2023 »."""
        return self._all_years if data is None else years_text(data["annee_population"])

    @cached_property
    def _all_years(self) -> str:
        return years_text(self.territories["annee_population"])

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
        content = int(pd.util.hash_pandas_object(table, index=True).sum())
        history = int(pd.util.hash_pandas_object(self.assessments, index=True).sum())
        return hash((content, history, self.as_of, self.definition))

    @property
    def assessed(self) -> gpd.GeoDataFrame:
        """The territories assessed at :attr:`as_of` (all of them when it is None)."""
        return self.territories[self.territories[ASSESSED]]

    @cached_property
    def dialogue_dates(self) -> list[date]:
        """Every date of a dialogue, in order, once each."""
        days = pd.to_datetime(self.assessments[DIALOGUE_DATE], errors="coerce").dropna()
        return sorted({d.date() for d in days})

    def at(self, day: date | None) -> Programme:
        """The programme as of ``day``: each territory at its latest dialogue up to that day."""
        if day == self.as_of:
            return self
        places = self.territories[PLACE_COLUMNS + ["geometry"]]
        territories = _situation(places, self.assessments, self.definition, day)
        return dataclasses.replace(self, territories=territories, as_of=day)

    def at_first_dialogue(self) -> Programme:
        """Each territory as assessed at its first dialogue (« T0 »), whatever its date."""
        places = self.territories[PLACE_COLUMNS + ["geometry"]]
        first = self.assessments.groupby("code", sort=False).head(1)
        territories = _situation(places, first, self.definition, None)
        return dataclasses.replace(self, territories=territories, as_of=None)

    def history_of(self, code: str) -> pd.DataFrame:
        """The dialogues of one territory, oldest first (all of them, whatever :attr:`as_of`)."""
        return self.assessments[self.assessments["code"] == code]


#: The columns of a territory that do not depend on its dialogues (resolved from the reference).
PLACE_COLUMNS = [
    "type",
    "type_label",
    "nom",
    "membres",
    "nature",
    "population",
    "annee_population",
    "departement",
    "departement_nom",
    "region",
    "region_nom",
    "segment",
    "segment_population",
    "segment_attribue",
]

#: Every column the programme computes or reads from the reference: a file's own column of the same
#: name is kept under :func:`kept_name` (its name in the programme's frames), never mixed with it.
COMPUTED_COLUMNS = frozenset(
    {"code", *IDENTITY_COLUMNS, *PLACE_COLUMNS, *DIALOGUE_COLUMNS, *FOLLOW_UP_COLUMNS, "n_actives", "geometry"}
)
#: Prefix of a file's column renamed because its name is one the programme computes.
FILE_PREFIX = "fichier · "


def kept_name(column: str, lever_ids: list[str]) -> str:
    """The name under which a file's extra column is kept in the programme's frames.

    A name the programme computes (``population``, ``departement``, ``geometry``…) gets
    :data:`FILE_PREFIX`, and so does one that already starts with it, so that
    :func:`file_name` gives the file's name back, always.
    """
    if column in COMPUTED_COLUMNS or column in lever_ids or column.startswith(FILE_PREFIX):
        return FILE_PREFIX + column
    return column


def file_name(column: str) -> str:
    """The file's own name of an extra column kept under :func:`kept_name`."""
    return column.removeprefix(FILE_PREFIX)


def resolve(table: ProgrammeTable, *, reference: Reference, definition: ProgrammeDefinition) -> Programme:
    """Resolve a validated programme table against the reference geography."""
    rows = table.territories.rename(columns={c: kept_name(c, definition.lever_ids) for c in table.extra_columns})
    first_rows = rows.drop_duplicates("code", keep="first")
    places = []
    for record in first_rows[list(IDENTITY_COLUMNS)].to_dict("records"):
        kind = record["type"]
        if kind == "groupement":
            place = _groupement(record, reference)
        else:
            place = _official(record["code"], kind, reference)
        places.append({**record, **place})
    frame = pd.DataFrame.from_records(places).set_index("code")
    frame["type_label"] = frame["type"].map(KIND_LABELS)
    frame["departement_nom"] = frame["departement"].map(reference.departements["nom"]).fillna("")
    frame["region_nom"] = frame["region"].map(reference.regions["nom"]).fillna("")
    frame["population"] = frame["population"].astype("int64")
    frame["segment_population"] = [definition.segment_of(p).id for p in frame["population"]]
    frame["segment_attribue"] = frame["segment"].fillna("").astype(str).ne("")
    frame["segment"] = frame["segment"].where(frame["segment_attribue"], frame["segment_population"])
    places_frame = gpd.GeoDataFrame(frame[[*PLACE_COLUMNS, "geometry"]], geometry="geometry", crs=4326)
    assessments = _assessments(rows, definition)
    return Programme(
        territories=_situation(places_frame, assessments, definition, None),
        definition=definition,
        is_demo=table.is_demo,
        meta=table.meta,
        populations=reference.populations,
        assessments=assessments,
    )


def _assessments(rows: pd.DataFrame, definition: ProgrammeDefinition) -> pd.DataFrame:
    """Every dialogue, one row each, by code then date (an undated one first)."""
    columns = [c for c in rows.columns if c == "code" or c not in IDENTITY_COLUMNS]
    frame = rows[columns].copy()
    frame[DIALOGUE_DATE] = frame[DIALOGUE_DATE].fillna("").astype(str)
    frame["n_actives"] = (frame[definition.lever_ids] >= definition.active_from).sum(axis=1).astype("int64")
    frame = frame.sort_values(["code", DIALOGUE_DATE], kind="stable").reset_index(drop=True)
    return frame


def _situation(
    places: gpd.GeoDataFrame, assessments: pd.DataFrame, definition: ProgrammeDefinition, day: date | None
) -> gpd.GeoDataFrame:
    """Each territory of ``places`` with its latest dialogue up to ``day`` (None: the latest of all).

    An undated dialogue (a file of one row per territory without date) counts at every day.
    """
    known = assessments
    if day is not None:
        dates = known[DIALOGUE_DATE]
        known = known[(dates == "") | (dates <= day.isoformat())]
    grouped = known.groupby("code", sort=False)
    latest = grouped.tail(1).set_index("code")
    first = assessments.groupby("code", sort=False).head(1).set_index("code")
    dialogue = [c for c in latest.columns if c != "n_actives"]
    frame = places.join(latest[[*dialogue, "n_actives"]], how="left")
    assessed = frame.index.isin(latest.index)
    frame[ASSESSED] = assessed
    frame["n_dialogues"] = grouped.size().reindex(frame.index).fillna(0).astype("int64")
    frame["premier_dialogue"] = first[DIALOGUE_DATE].reindex(frame.index).where(assessed, "").fillna("")
    numbers = [*definition.lever_ids, "n_actives"]
    dtype = "int64" if assessed.all() else "Int64"
    for column in numbers:
        frame[column] = frame[column].astype(dtype)
    frame["progression"] = (frame["n_actives"] - first["n_actives"].reindex(frame.index)).astype(dtype)
    for column in (*DIALOGUE_COLUMNS, *(c for c in dialogue if c not in (*definition.lever_ids, *DIALOGUE_COLUMNS))):
        frame[column] = frame[column].fillna("")
    order = [*PLACE_COLUMNS, *definition.lever_ids, "n_actives", *dialogue[len(definition.lever_ids) :]]
    order = [c for c in dict.fromkeys(order) if c in frame.columns]
    rest = [c for c in frame.columns if c not in order and c != "geometry"]
    return gpd.GeoDataFrame(frame[[*order, *rest, "geometry"]], geometry="geometry", crs=4326)


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
