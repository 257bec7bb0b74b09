"""The size effect with its uncertainty: per lever and segment, the share with its interval, and a test.

For each lever (and for the progression between first and latest dialogues): the territories
assessed at the programme's date (« non encore évalué » left out), per segment ``n``,
``actifs`` (level ≥ the definition's ``active_from``), the share and its Wilson 95 % interval;
then one exact test of the segment × activated table (Fisher–Freeman–Halton), Holm-adjusted
across the levers, Cramér's V, and an exact Cochran–Armitage trend test in size order.

A segment with fewer than :data:`MIN_TERRITORIES` territories gets no share, no interval and is
left out of the tests (its counts are still given). Segments are the programme's own: each
territory's ``segment`` column, in the definition's order (smallest first).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from territorial.core import stats
from territorial.core.fmt import fr_int
from territorial.model.programme import ASSESSED, Programme

#: Below this many territories in a segment, nothing is computed for it.
MIN_TERRITORIES = 5
#: Key of the progression question (next to the lever ids).
PROGRESSION = "progression"
PROGRESSION_LABEL = "Progression entre le premier et le dernier dialogue"
ALPHA = 0.05
#: Columns of the researchers' export (``scripts/size_effect.py``, the Segments page downloads).
EXPORT_COLUMNS = ["levier", "segment", "n", "actifs", "part", "ic_bas", "ic_haut", "p_valeur", "p_holm", "v_cramer"]


@dataclass(frozen=True)
class Question:
    """One question asked of the data: does activating a lever (or progressing) depend on the segment?

    ``p``, ``p_holm``, ``v``, ``trend_p``, ``trend_p_holm`` are NaN when the test could not
    run (fewer than two segments of :data:`MIN_TERRITORIES` territories, or no variation).
    ``trend_direction``: +1 the share rises with size, −1 it falls, 0 neither.
    """

    key: str
    label: str
    tested: tuple[str, ...]  # segment ids in the test, in size order
    n: int  # territories in the test
    actives: int
    p: float
    p_holm: float
    v: float
    trend_p: float
    trend_p_holm: float
    trend_direction: int
    method: str
    tables: int
    draws: int

    @property
    def computed(self) -> bool:
        return not math.isnan(self.p)


@dataclass(frozen=True)
class SizeEffect:
    """Shares, intervals and tests of a programme at its date.

    ``table``: one row per question × segment (every segment of the definition) with
    ``question``, ``question_label``, ``segment``, ``segment_label``, ``n``, ``actifs``,
    ``part``, ``ic_bas``, ``ic_haut`` (NaN below :data:`MIN_TERRITORIES`) and ``enough``.
    ``questions``: the levers in definition order, then :data:`PROGRESSION`.
    ``detectable``: the smallest difference between the two largest tested segments detected
    8 times out of 10 at 5 % (NaN if fewer than two segments are tested), with their sizes.
    """

    table: pd.DataFrame
    questions: dict[str, Question]
    n_assessed: int
    detectable: float
    detectable_sizes: tuple[int, int]
    small: tuple[str, ...]  # segment ids with 1 to MIN_TERRITORIES - 1 assessed territories

    def rows(self, key: str) -> pd.DataFrame:
        """The rows of one question, in size order."""
        return self.table[self.table["question"] == key]


def size_effect(programme: Programme) -> SizeEffect:
    """Compute every share, interval and test of ``programme`` at its date (see module doc)."""
    definition = programme.definition
    data = programme.territories
    assessed = data[data[ASSESSED]]
    questions: list[tuple[str, str, pd.DataFrame, pd.Series]] = [
        (lever.id, lever.label, assessed, assessed[lever.id] >= definition.active_from) for lever in definition.levers
    ]
    followed = assessed[assessed["n_dialogues"] >= 2]
    questions.append((PROGRESSION, PROGRESSION_LABEL, followed, followed["progression"] > 0))
    rows, found = [], {}
    for key, label, members, yes in questions:
        sizes = members.groupby("segment").size().reindex(definition.segment_ids, fill_value=0)
        actives = yes.astype(bool).groupby(members["segment"]).sum().reindex(definition.segment_ids, fill_value=0)
        n, a = sizes.to_numpy(dtype=int), actives.to_numpy(dtype=int)
        enough = n >= MIN_TERRITORIES
        low, high = stats.wilson(a, n)
        for i, segment in enumerate(definition.segments):
            rows.append(
                {
                    "question": key,
                    "question_label": label,
                    "segment": segment.id,
                    "segment_label": segment.label,
                    "n": int(n[i]),
                    "actifs": int(a[i]),
                    "part": a[i] / n[i] if enough[i] else math.nan,
                    "ic_bas": float(low[i]) if enough[i] else math.nan,
                    "ic_haut": float(high[i]) if enough[i] else math.nan,
                    "enough": bool(enough[i]),
                }
            )
        found[key] = _question(key, label, [s.id for s in definition.segments], n, a, enough)
    _adjust(found, [lever.id for lever in definition.levers])
    assessed_sizes = assessed.groupby("segment").size().reindex(definition.segment_ids, fill_value=0)
    tested = sorted((int(v) for v in assessed_sizes if v >= MIN_TERRITORIES), reverse=True)
    detectable = stats.min_detectable_difference(tested[0], tested[1]) if len(tested) >= 2 else math.nan
    small = tuple(s for s, v in assessed_sizes.items() if 0 < v < MIN_TERRITORIES)
    return SizeEffect(
        table=pd.DataFrame(rows),
        questions=found,
        n_assessed=len(assessed),
        detectable=detectable,
        detectable_sizes=(tested[0], tested[1]) if len(tested) >= 2 else (0, 0),
        small=small,
    )


def _question(key: str, label: str, ids: list[str], n: np.ndarray, a: np.ndarray, enough: np.ndarray) -> Question:
    tested = tuple(s for s, ok in zip(ids, enough, strict=True) if ok)
    sizes, actives = n[enough], a[enough]
    nan = math.nan
    if len(tested) < 2:
        return Question(key, label, tested, int(sizes.sum()), int(actives.sum()), nan, nan, nan, nan, nan, 0, "", 0, 0)
    test = stats.freeman_halton(actives, sizes)
    scores = [ids.index(s) + 1 for s in tested]  # size order of the definition
    trend, direction = stats.trend(actives, sizes, scores)
    return Question(
        key,
        label,
        tested,
        int(sizes.sum()),
        int(actives.sum()),
        test.p,
        test.p,
        stats.cramers_v(actives, sizes),
        trend.p,
        trend.p,
        direction,
        test.method,
        test.tables,
        test.draws,
    )


def _adjust(found: dict[str, Question], levers: list[str]) -> None:
    """Holm across the levers tested together (the progression is a question of its own)."""
    adjusted = stats.holm([found[k].p for k in levers])
    trends = stats.holm([found[k].trend_p for k in levers])
    for key, p, t in zip(levers, adjusted, trends, strict=True):
        found[key] = dataclasses.replace(found[key], p_holm=p, trend_p_holm=t)


def export_table(effect: SizeEffect, programme: Programme) -> pd.DataFrame:
    """The researchers' table: one row per lever × segment, :data:`EXPORT_COLUMNS` (fractions).

    The p-values and V are repeated on each row of a lever; empty (NaN) where not computed.
    """
    definition = programme.definition
    rows = []
    for lever in definition.levers:
        question = effect.questions[lever.id]
        for _, row in effect.rows(lever.id).iterrows():
            rows.append(
                {
                    "levier": f"{lever.id} – {lever.label}",
                    "segment": row["segment_label"],
                    "n": row["n"],
                    "actifs": row["actifs"],
                    "part": row["part"],
                    "ic_bas": row["ic_bas"],
                    "ic_haut": row["ic_haut"],
                    "p_valeur": question.p,
                    "p_holm": question.p_holm,
                    "v_cramer": question.v,
                }
            )
    return pd.DataFrame(rows, columns=EXPORT_COLUMNS)


def method_label(question: Question) -> str:
    """« test exact (énumération des 3 724 tableaux de mêmes marges) » or the Monte-Carlo one."""
    if not question.computed:
        return "non calculé"
    if question.method == stats.EXACT:
        return (
            f"test exact de Fisher–Freeman–Halton (énumération des {fr_int(question.tables)} tableaux de mêmes marges)"
        )
    return f"test de Fisher–Freeman–Halton par Monte-Carlo ({fr_int(question.draws)} tirages, graine {stats.SEED})"
