"""Lever statistics: how each segment pulls each lever, and key figures."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from territorial.model.programme import Programme


def segment_lever_matrix(programme: Programme, territories: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (segment, lever): n, n_actives, share activating, mean level.

    Only the territories assessed at the programme's date count (``n`` is their number).
    Every segment of the definition appears, even with no territory (n = 0,
    share and mean then NaN).
    """
    data = programme.territories if territories is None else territories
    data = data[data["evalue"]]
    definition = programme.definition
    rows = []
    for segment in definition.segments:
        members = data[data["segment"] == segment.id]
        for lever in definition.levers:
            levels = members[lever.id]
            active = int((levels >= definition.active_from).sum())
            n = len(members)
            rows.append(
                {
                    "segment": segment.id,
                    "segment_label": segment.label,
                    "lever": lever.id,
                    "lever_label": lever.label,
                    "n": n,
                    "n_actives": active,
                    "share": active / n if n else float("nan"),
                    "mean_level": float(levels.mean()) if n else float("nan"),
                }
            )
    return pd.DataFrame(rows)


def segment_summary(programme: Programme, territories: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per segment: number of territories and population covered (all segments listed)."""
    data = programme.territories if territories is None else territories
    grouped = data.groupby("segment")["population"].agg(["size", "sum"])
    ids = programme.definition.segment_ids
    out = grouped.reindex(ids).fillna(0).astype("int64")
    out.columns = ["n", "population"]
    return out


@dataclass(frozen=True)
class KeyFigures:
    """The programme's headline figures (overview page, workshop pack)."""

    n: int  # territories
    population: int  # sum over territories (see :func:`key_figures`)
    per_segment: dict[str, int]  # territories per segment id, every segment present
    per_lever: dict[str, int]  # territories activating each lever id
    all_levers: int  # territories activating every lever
    n_assessed: int  # territories assessed at the programme's date (the others count in no lever)


def key_figures(programme: Programme, territories: pd.DataFrame | None = None) -> KeyFigures:
    """Headline figures: territories, population covered, per segment and per lever counts.

    Population covered counts each inhabitant once per territory; territories of
    different kinds may overlap (a commune inside an EPCI of the programme), so
    it is a sum over territories, not a count of distinct inhabitants.
    """
    data = programme.territories if territories is None else territories
    definition = programme.definition
    active = (data[definition.lever_ids] >= definition.active_from).fillna(False).astype(bool)
    return KeyFigures(
        n=len(data),
        population=int(data["population"].sum()),
        per_segment=data["segment"].value_counts().reindex(definition.segment_ids, fill_value=0).to_dict(),
        per_lever=active.sum().astype(int).to_dict(),
        all_levers=int(active.all(axis=1).sum()),
        n_assessed=int(data["evalue"].sum()),
    )


def peer_share(programme: Programme, code: str) -> pd.Series:
    """For the territory's segment: share of its peers (excluding itself) activating each lever."""
    data = programme.territories
    segment = data.at[code, "segment"]
    peers = data[(data["segment"] == segment) & (data.index != code) & data["evalue"]]
    if peers.empty:
        return pd.Series(float("nan"), index=programme.lever_ids)
    return (peers[programme.lever_ids] >= programme.definition.active_from).mean()


def similar_territories(programme: Programme, code: str, *, n: int = 5) -> pd.DataFrame:
    """Territories of the same segment with the closest lever profile (Manhattan distance)."""
    data = programme.territories
    segment = data.at[code, "segment"]
    peers = data[(data["segment"] == segment) & (data.index != code) & data["evalue"]]
    if not data.at[code, "evalue"]:  # no profile yet to compare
        return peers.iloc[:0].assign(distance=pd.Series(dtype="int64"))
    profile = data.loc[code, programme.lever_ids].astype(int)
    distance = (peers[programme.lever_ids] - profile).abs().sum(axis=1)
    gap = (peers["population"] - data.at[code, "population"]).abs()
    order = pd.DataFrame({"distance": distance, "gap": gap}).sort_values(["distance", "gap"])
    return peers.loc[order.index[:n]].assign(distance=order["distance"].iloc[:n])
