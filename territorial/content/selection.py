"""Which territories a page shows: filters, search, the kinds and régions present, codes from a
page's state.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from territorial.core.codes import parse_code
from territorial.core.fmt import fold as _fold
from territorial.model.programme import Programme
from territorial.model.vocabulary import KIND_LABELS


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
        mask &= (data[filters.lever] >= programme.definition.active_from).fillna(False).astype(bool)
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
    haystack = data["nom"].map(_fold).str.replace("-", " ") + " " + data.index.str.lower()
    mask = pd.Series(True, index=data.index)
    for word in words:
        mask &= haystack.str.contains(word, regex=False)
    return mask


def search_label(row: pd.Series) -> str:
    """« Sainte-Colombe (Commune, 05) » — the département tells homonyms apart."""
    where = row.get("departement") or row.get("region") or ""
    return f"{row['nom']} ({row['type_label']}, {where})" if where else f"{row['nom']} ({row['type_label']})"


def kinds_present(programme: Programme) -> dict[str, str]:
    """Kinds of territory present in the programme: key → French label."""
    present = set(programme.territories["type"])
    return {k: v for k, v in KIND_LABELS.items() if k in present}


def regions_present(programme: Programme) -> dict[str, str]:
    """Régions present in the programme: code → name, by name."""
    data = programme.territories[["region", "region_nom"]].dropna().drop_duplicates()
    data = data[data["region"].astype(bool)]
    return dict(sorted(zip(data["region"], data["region_nom"], strict=True), key=lambda kv: kv[1]))


def valid_code(programme: Programme, code: object) -> str | None:
    """The code (normalised) if it names a territory of the programme, else None (safe in a URL)."""
    text = parse_code(code)
    return text if text is not None and text in programme.territories.index else None
