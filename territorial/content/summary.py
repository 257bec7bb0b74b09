"""What the segment × lever matrix says, in a few French sentences computed from the data.

Nothing here is written in advance: which lever a segment uses most or least, and
which lever varies most with size, are read from the programme. Labels come from
the definition; the sentences are plain text (escape them before Markdown).
"""

from __future__ import annotations

import pandas as pd

from territorial.content.levers import segment_lever_matrix
from territorial.core.fmt import fr_float, fr_pct
from territorial.model.definition import Segment
from territorial.model.programme import Programme

_TIE = 1e-9


def contrasts(programme: Programme, territories: pd.DataFrame | None = None) -> list[str]:
    """Sentences contrasting how the segments pull the levers.

    Parameters
    ----------
    programme
        The programme (its definition gives labels and order).
    territories
        A subset of ``programme.territories``; default: all of them.

    Returns
    -------
    list[str]
        For the smallest and the largest segment present: the levers they activate
        most and least; then the lever whose share varies most between segments,
        and the mean number of levers activated at both ends. Empty if there is no
        territory.
    """
    matrix = segment_lever_matrix(programme, territories)
    matrix = matrix[matrix["n"] > 0]
    if matrix.empty:
        return []
    present = [s for s in programme.definition.segments if s.id in set(matrix["segment"])]
    sentences = [_extremes(matrix, present[0])]
    if len(present) > 1:
        sentences.append(_extremes(matrix, present[-1]))
        sentences.append(_spread(matrix, programme, present))
        sentences.append(_mean_levers(programme, territories, present[0], present[-1]))
    return sentences


def _names(labels: list[str]) -> str:
    quoted = [f"« {label} »" for label in labels]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " et " + quoted[-1]


def _extremes(matrix: pd.DataFrame, segment: Segment) -> str:
    rows = matrix[matrix["segment"] == segment.id]
    n = int(rows["n"].iloc[0])
    head = f"Segment « {segment.label} » ({segment.bounds_label}, {n} territoire{'s' if n > 1 else ''})"
    top, bottom = rows["share"].max(), rows["share"].min()
    if top - bottom < _TIE:
        return f"{head} : tous les leviers sont activés par {fr_pct(top)} des territoires."
    most = rows.loc[rows["share"] >= top - _TIE, "lever_label"].tolist()
    least = rows.loc[rows["share"] <= bottom + _TIE, "lever_label"].tolist()
    first = (
        f"le levier le plus activé est {_names(most)} ({fr_pct(top)} des territoires)"
        if len(most) == 1
        else f"les leviers les plus activés sont {_names(most)} ({fr_pct(top)} des territoires chacun)"
    )
    second = (
        f"le moins activé {_names(least)} ({fr_pct(bottom)})"
        if len(least) == 1
        else f"les moins activés {_names(least)} ({fr_pct(bottom)} chacun)"
    )
    return f"{head} : {first}, {second}."


def _spread(matrix: pd.DataFrame, programme: Programme, present: list[Segment]) -> str:
    order = {s.id: i for i, s in enumerate(present)}
    rows = matrix.assign(rank=matrix["segment"].map(order)).sort_values(["rank"])
    gaps = {
        lever.id: float(
            rows.loc[rows["lever"] == lever.id, "share"].max() - rows.loc[rows["lever"] == lever.id, "share"].min()
        )
        for lever in programme.definition.levers
    }
    lever_id = max(gaps, key=lambda k: gaps[k])  # first in definition order on a tie
    lever = programme.definition.lever(lever_id)
    shares = rows[rows["lever"] == lever_id].set_index("segment")["share"]
    low, high = shares.idxmin(), shares.idxmax()
    if gaps[lever_id] < _TIE:
        return "Chaque levier est activé dans la même proportion quel que soit le segment."
    labels = {s.id: s.label for s in present}
    return (
        f"C'est le levier « {lever.label} » dont l'usage varie le plus selon la taille : "
        f"{fr_pct(shares[low])} des territoires du segment « {labels[low]} » l'activent, "
        f"contre {fr_pct(shares[high])} dans le segment « {labels[high]} » "
        f"(écart de {fr_float(100 * gaps[lever_id], 0)} points)."
    )


def _mean_levers(programme: Programme, territories: pd.DataFrame | None, small: Segment, large: Segment) -> str:
    data = programme.territories if territories is None else territories
    means = data.groupby("segment")["n_actives"].mean()
    n = len(programme.definition.levers)
    return (
        f"En moyenne, un territoire du segment « {small.label} » active {fr_float(means[small.id])} "
        f"levier{'s' if means[small.id] >= 2 else ''} sur {n}, contre {fr_float(means[large.id])} "
        f"dans le segment « {large.label} »."
    )
