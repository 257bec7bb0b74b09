"""Small-sample statistics of shares by group, in numpy only (no scipy).

For a table of ``k`` groups × 2 (a group's ``sizes[i]`` members, ``actives[i]`` of them
« yes »): the Wilson score interval of each share, exact conditional tests given the table's
margins (Fisher–Freeman–Halton, Cochran–Armitage trend), Holm's adjustment, Cramér's V and
the smallest difference two groups of given sizes would let one detect.

Exact tests enumerate every table with the observed margins. Their probability (multivariate
hypergeometric) and the statistics used here are sums over the groups, so the tables are not
listed one by one: the groups are split in two halves, each half's partial tables listed with
their sum, and the halves met in the middle (sorted + cumulative sums). That is exact for
4 segments of a national programme (1 253 EPCI) in milliseconds; beyond ``MAX_PARTIAL_TABLES``
the p-value is estimated by seeded Monte-Carlo draws of tables with the same margins.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Normal quantiles: 97,5 % (two-sided 5 %) and 80 % (power 80 %).
Z_975 = 1.959963984540054
Z_80 = 0.8416212335729143
#: Beyond this many partial tables (both halves together) the test switches to Monte-Carlo.
MAX_PARTIAL_TABLES = 4_000_000
#: Monte-Carlo draws: the standard error of p is at most 0.0005 (p = 0.5), 0.0002 at p = 0.05.
DRAWS = 1_000_000
SEED = 2026
#: Relative tolerance under which two tables count as equally probable (as R's fisher.test).
_REL_TOL = 1e-7

EXACT, MONTE_CARLO = "exact", "monte-carlo"


@dataclass(frozen=True)
class TestResult:
    """A p-value and how it was obtained.

    ``method`` is :data:`EXACT` (``tables`` = number of tables with the observed margins)
    or :data:`MONTE_CARLO` (``draws`` tables drawn with seed ``seed``).
    """

    p: float
    method: str
    tables: int = 0
    draws: int = 0
    seed: int | None = None


def wilson(actives: np.ndarray | int, sizes: np.ndarray | int, z: float = Z_975) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``actives / sizes`` (NaN where ``sizes`` is 0)."""
    k = np.asarray(actives, dtype=float)
    n = np.asarray(sizes, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment of p-values tested together (NaN stays NaN, left out)."""
    values = np.asarray(p_values, dtype=float)
    out = np.full(values.shape, np.nan)
    present = np.flatnonzero(~np.isnan(values))
    m = len(present)
    order = present[np.argsort(values[present], kind="stable")]
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * values[index]))
        out[index] = running
    return out.tolist()


def chi_square(actives: Sequence[int], sizes: Sequence[int]) -> float:
    """Pearson's χ² of the k × 2 table (0 when a margin is empty)."""
    a = np.asarray(actives, dtype=float)
    n = np.asarray(sizes, dtype=float)
    total, yes = n.sum(), a.sum()
    no = total - yes
    if total == 0 or yes == 0 or no == 0:
        return 0.0
    expected = n * yes / total
    return float(np.sum((a - expected) ** 2 / expected) + np.sum((a - expected) ** 2 / (n * no / total)))


def cramers_v(actives: Sequence[int], sizes: Sequence[int]) -> float:
    """Cramér's V of the k × 2 table: √(χ² / N), from 0 (no link) to 1."""
    total = float(np.sum(sizes))
    return math.sqrt(chi_square(actives, sizes) / total) if total else 0.0


def min_detectable_difference(n1: int, n2: int, *, z_alpha: float = Z_975, z_power: float = Z_80) -> float:
    """Smallest difference of two shares that groups of ``n1`` and ``n2`` detect (normal approximation).

    Two-sided 5 %, power 80 % by default, at shares near 50 % (where a share varies most, so the
    difference is the largest one needed): (z₁₋α/₂ + z_power) · √(¼ (1/n1 + 1/n2)).
    """
    return (z_alpha + z_power) * math.sqrt(0.25 * (1 / n1 + 1 / n2))


def _log_binomials(n: int, logfact: np.ndarray) -> np.ndarray:
    a = np.arange(n + 1)
    return logfact[n] - logfact[a] - logfact[n - a]


def _partials(rows: list[int], sizes: list[int], stats: list[np.ndarray], logc: list[np.ndarray], cap: int):
    """Every partial table of ``rows``: its number of « yes », log weight and statistic."""
    s, w, f = np.zeros(1, dtype=np.int64), np.zeros(1), np.zeros(1)
    for i in rows:
        a = np.arange(sizes[i] + 1)
        s = (s[:, None] + a[None, :]).ravel()
        w = (w[:, None] + logc[i][None, :]).ravel()
        f = (f[:, None] + stats[i][None, :]).ravel()
        keep = s <= cap
        s, w, f = s[keep], w[keep], f[keep]
    order = np.lexsort((f, s))
    return s[order], w[order], f[order]


def _best_split(sizes: list[int]) -> tuple[list[int], list[int], int]:
    """The split of the groups in two halves with the fewest partial tables in all."""
    k = len(sizes)
    best: tuple[list[int], list[int], int] | None = None
    for r in range(k // 2 + 1):
        for left in itertools.combinations(range(k), r):
            right = [i for i in range(k) if i not in left]
            cost = math.prod(sizes[i] + 1 for i in left) + math.prod(sizes[i] + 1 for i in right)
            if best is None or cost < best[2]:
                best = (list(left), right, cost)
    assert best is not None
    return best


def _upper_tail(sizes: list[int], total: int, stats: list[np.ndarray], threshold: float) -> tuple[float, int]:
    """P(Σ stats[i][a_i] ≥ threshold) over the tables with margins ``sizes`` and ``total``,
    and the number of those tables."""
    n_all = sum(sizes)
    logfact = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, n_all + 1)))])
    logc = [_log_binomials(n, logfact) for n in sizes]
    log_all = logfact[n_all] - logfact[total] - logfact[n_all - total]
    left, right, _ = _best_split(sizes)
    s1, w1, f1 = _partials(left, sizes, stats, logc, total)
    s2, w2, f2 = _partials(right, sizes, stats, logc, total)
    if len(np.unique(s1)) > len(np.unique(s2)):  # loop over the half with fewer sums, vectorise the other
        s1, w1, f1, s2, w2, f2 = s2, w2, f2, s1, w1, f1
    p, tables = 0.0, 0
    for s in np.unique(s1):
        lo1, hi1 = np.searchsorted(s1, [s, s + 1])
        lo2, hi2 = np.searchsorted(s2, [total - s, total - s + 1])
        if lo2 == hi2:
            continue
        tables += int(hi1 - lo1) * int(hi2 - lo2)
        g2w, g2f = w2[lo2:hi2], f2[lo2:hi2]
        shift = g2w.max()
        tail = np.concatenate([np.cumsum(np.exp(g2w - shift)[::-1])[::-1], [0.0]])
        start = np.searchsorted(g2f, threshold - f1[lo1:hi1], side="left")
        p += float(np.sum(np.exp(w1[lo1:hi1] + shift - log_all) * tail[start]))
    return min(p, 1.0), tables


def _feasible(sizes: list[int]) -> bool:
    return _best_split(sizes)[2] <= MAX_PARTIAL_TABLES


def _monte_carlo(sizes: list[int], total: int, stats: list[np.ndarray], threshold: float, draws: int, seed: int):
    rng = np.random.default_rng(seed)
    hits, done = 0, 0
    while done < draws:
        chunk = min(200_000, draws - done)
        tables = rng.multivariate_hypergeometric(np.asarray(sizes), total, size=chunk)
        value = sum(stats[i][tables[:, i]] for i in range(len(sizes)))
        hits += int(np.sum(value >= threshold))
        done += chunk
    return (hits + 1) / (draws + 1)


def _tail(sizes: list[int], total: int, stats: list[np.ndarray], observed: float, *, draws: int, seed: int):
    if _feasible(sizes):
        p, tables = _upper_tail(sizes, total, stats, observed)
        return TestResult(p, EXACT, tables=tables)
    p = _monte_carlo(sizes, total, stats, observed, draws, seed)
    return TestResult(p, MONTE_CARLO, draws=draws, seed=seed)


def freeman_halton(actives: Sequence[int], sizes: Sequence[int], *, draws: int = DRAWS, seed: int = SEED) -> TestResult:
    """Fisher–Freeman–Halton exact test of the k × 2 table (two-sided, conditional on both margins).

    p = the probability, when the « yes » are spread at random among the groups, of a table at
    most as probable as the one observed. Exact by enumeration when feasible, otherwise the same
    statistic (the table's probability) by Monte-Carlo, as R's ``fisher.test(simulate.p.value=TRUE)``.
    """
    a, n = [int(x) for x in actives], [int(x) for x in sizes]
    total = sum(a)
    if total in (0, sum(n)) or len(n) < 2:
        return TestResult(1.0, EXACT, tables=1)
    logfact = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, sum(n) + 1)))])
    stats = [-_log_binomials(m, logfact) for m in n]  # higher = less probable table
    observed = float(sum(stats[i][a[i]] for i in range(len(n))))
    return _tail(n, total, stats, observed - _REL_TOL, draws=draws, seed=seed)


def trend(
    actives: Sequence[int],
    sizes: Sequence[int],
    scores: Sequence[float] | None = None,
    *,
    draws: int = DRAWS,
    seed: int = SEED,
) -> tuple[TestResult, int]:
    """Exact Cochran–Armitage trend test (two-sided), conditional on the margins.

    The statistic T = Σ scoreᵢ · yesᵢ (scores: the groups' order, 1, 2, 3…) is compared with
    its distribution over every table with the same margins: p = P(|T − E T| ≥ |t − E T|).
    Returns the result and the direction: +1 if the share rises with the score, −1 if it falls,
    0 if T equals its expectation.
    """
    a, n = [int(x) for x in actives], [int(x) for x in sizes]
    weights = [float(s) for s in (scores if scores is not None else range(1, len(n) + 1))]
    total, n_all = sum(a), sum(n)
    if total in (0, n_all) or len(n) < 2:
        return TestResult(1.0, EXACT, tables=1), 0
    t = sum(w * x for w, x in zip(weights, a, strict=True))
    expected = total / n_all * sum(w * m for w, m in zip(weights, n, strict=True))
    gap = abs(t - expected)
    tol = 1e-9 * max(1.0, abs(expected))
    if gap <= tol:
        return TestResult(1.0, EXACT), 0
    up = [w * np.arange(m + 1, dtype=float) for w, m in zip(weights, n, strict=True)]
    down = [-u for u in up]
    high = _tail(n, total, up, expected + gap - tol, draws=draws, seed=seed)
    low = _tail(n, total, down, -(expected - gap) - tol, draws=draws, seed=seed + 1)
    result = TestResult(min(1.0, high.p + low.p), high.method, high.tables, high.draws, high.seed)
    return result, 1 if t > expected else -1
