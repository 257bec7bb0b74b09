"""The size effect's statistics against independent values, and the sentences they allow."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from territorial.content import size_effect_text as text
from territorial.content.size_effect import EXPORT_COLUMNS, PROGRESSION, export_table, size_effect
from territorial.core import stats
from territorial.model.programme import Programme

# --------------------------------------------------------------------------- independent references


def _hypergeometric(a: tuple[int, ...], sizes: tuple[int, ...]) -> float:
    total, yes = sum(sizes), sum(a)
    return math.prod(math.comb(n, x) for n, x in zip(sizes, a, strict=True)) / math.comb(total, yes)


def _tables(sizes: tuple[int, ...], yes: int):
    for a in itertools.product(*(range(n + 1) for n in sizes)):
        if sum(a) == yes:
            yield a


def brute_force_ffh(actives: tuple[int, ...], sizes: tuple[int, ...]) -> float:
    """Fisher–Freeman–Halton by listing every table with the same margins (exact fractions)."""
    observed = _hypergeometric(actives, sizes)
    probs = [_hypergeometric(a, sizes) for a in _tables(sizes, sum(actives))]
    return sum(p for p in probs if p <= observed * (1 + 1e-7))


def brute_force_trend(actives: tuple[int, ...], sizes: tuple[int, ...]) -> float:
    scores = range(1, len(sizes) + 1)
    expected = sum(actives) / sum(sizes) * sum(s * n for s, n in zip(scores, sizes, strict=True))
    gap = abs(sum(s * a for s, a in zip(scores, actives, strict=True)) - expected)
    return sum(
        _hypergeometric(a, sizes)
        for a in _tables(sizes, sum(actives))
        if abs(sum(s * x for s, x in zip(scores, a, strict=True)) - expected) >= gap - 1e-9
    )


# --------------------------------------------------------------------------- statistics


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    # Newcombe (1998), Statistics in Medicine 17:857-872, table I, method 3 (Wilson score).
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_matches_newcombe(k: int, n: int, low: float, high: float) -> None:
    lo, hi = stats.wilson(k, n)
    assert float(lo) == pytest.approx(low, abs=5e-5)
    assert float(hi) == pytest.approx(high, abs=5e-5)


def test_fisher_matches_published_2x2_examples() -> None:
    # R, ?fisher.test: Fisher's tea tasting (p = 0.4857) and the convictions of twins (p = 0.0005367).
    assert stats.freeman_halton([3, 1], [4, 4]).p == pytest.approx(0.4857, abs=5e-5)
    assert stats.freeman_halton([2, 10], [17, 13]).p == pytest.approx(0.0005367, abs=5e-8)


@pytest.mark.parametrize(
    ("actives", "sizes"),
    [((1, 4, 6), (7, 6, 8)), ((2, 5, 8, 9), (9, 8, 10, 9)), ((0, 3, 3, 5), (5, 6, 4, 5)), ((3, 3, 3), (6, 6, 6))],
)
def test_exact_tests_match_brute_force_enumeration(actives, sizes) -> None:
    result = stats.freeman_halton(actives, sizes)
    assert result.method == stats.EXACT
    assert result.p == pytest.approx(brute_force_ffh(actives, sizes), rel=1e-9)
    assert result.tables == sum(1 for _ in _tables(sizes, sum(actives)))
    trend, direction = stats.trend(actives, sizes)
    assert trend.p == pytest.approx(brute_force_trend(actives, sizes), rel=1e-9)
    shares = [a / n for a, n in zip(actives, sizes, strict=True)]
    assert direction == (0 if len(set(shares)) == 1 else 1)


def test_monte_carlo_agrees_with_exact_and_is_reproducible(monkeypatch) -> None:
    actives, sizes = (2, 5, 8, 9), (9, 8, 10, 9)
    exact = stats.freeman_halton(actives, sizes).p
    monkeypatch.setattr(stats, "MAX_PARTIAL_TABLES", 10)
    first = stats.freeman_halton(actives, sizes, draws=200_000)
    assert first.method == stats.MONTE_CARLO and first.draws == 200_000 and first.seed == stats.SEED
    assert abs(first.p - exact) < 4 * math.sqrt(exact * (1 - exact) / 200_000)
    assert stats.freeman_halton(actives, sizes, draws=200_000).p == first.p


def test_holm_on_a_hand_example() -> None:
    # sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → kept monotone: 0.06.
    assert stats.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    adjusted = stats.holm([0.2, float("nan"), 0.01])
    assert adjusted[0] == pytest.approx(0.2) and math.isnan(adjusted[1]) and adjusted[2] == pytest.approx(0.02)


def test_cramers_v_by_hand() -> None:
    # 10/20 against 0/20: χ² = 25/5 + 25/5 + 25/15 + 25/15 = 13.33, V = √(13.33 / 40) = 1/√3.
    assert stats.cramers_v([10, 0], [20, 20]) == pytest.approx(1 / math.sqrt(3))
    assert stats.cramers_v([20, 0], [20, 20]) == pytest.approx(1.0)
    assert stats.cramers_v([5, 5], [10, 10]) == pytest.approx(0.0)


def test_minimum_detectable_difference() -> None:
    # (1.96 + 0.84) · √(¼ · (1/20 + 1/20)) = 0.443: about 44 points with 20 territories a segment.
    assert stats.min_detectable_difference(20, 20) == pytest.approx(0.4430, abs=1e-4)
    assert stats.min_detectable_difference(500, 500) == pytest.approx(0.0886, abs=1e-4)


# --------------------------------------------------------------------------- programmes made to order


def _programme(definition, groups: dict[str, list[tuple[int, int, int]]]) -> Programme:
    """Segment id → list of (count, level of every lever, progression), each territory with 2 dialogues."""
    rows = []
    for segment, specs in groups.items():
        for count, level, progression in specs:
            for _ in range(count):
                row = {"segment": segment, "evalue": True, "n_dialogues": 2, "progression": progression}
                row.update({lever: level for lever in definition.lever_ids})
                rows.append(row)
    frame = pd.DataFrame(rows, index=[f"T{i}" for i in range(len(rows))])
    return Programme(territories=frame, definition=definition, is_demo=False, meta={}, populations=None)


def test_a_clear_difference_gives_the_extremes_with_their_intervals(definition) -> None:
    # 4/20 small territories against 18/20 metropolitan ones activate every lever.
    programme = _programme(
        definition,
        {"S1": [(4, 1, 1), (16, 0, 0)], "S2": [(10, 1, 0), (10, 0, 0)], "S4": [(18, 1, 1), (2, 0, 0)]},
    )
    effect = size_effect(programme)
    question = effect.questions["L1"]
    assert question.tested == ("S1", "S2", "S4")
    assert question.p == pytest.approx(brute_force_ffh((4, 10, 18), (20, 20, 20)), rel=1e-9)
    assert question.p_holm == pytest.approx(min(1.0, 4 * question.p))  # 4 equal p-values
    found = {f.key: f for f in text.findings(effect, definition)}
    assert found["L1"].kind == text.CLEAR
    assert found["L1"].text == (
        "Le levier « Compétences & ingénierie » est nettement moins activé dans le segment « Petits territoires » : "
        "20\u00a0% [8–42\u00a0%] contre 90\u00a0% [70–97\u00a0%] dans le segment « Métropoles et très grands "
        "territoires » ; un écart aussi grand a moins d'une chance sur mille d'être dû au hasard. "
        "La part augmente avec la taille des territoires."
    )
    table = export_table(effect, programme)
    assert list(table.columns) == EXPORT_COLUMNS
    first = table.iloc[0]
    assert first["levier"] == "L1 – Compétences & ingénierie" and first["segment"] == "Petits territoires"
    assert (first["n"], first["actifs"], first["part"]) == (20, 4, 0.2)
    assert (first["ic_bas"], first["ic_haut"]) == pytest.approx((0.0807, 0.4160), abs=1e-4)
    assert table.loc[table["segment"] == "Grands territoires", "part"].isna().all()  # no territory


def test_an_inconclusive_difference_says_so_with_what_could_be_detected(definition) -> None:
    programme = _programme(
        definition, {"S1": [(12, 1, 1), (8, 0, 0)], "S2": [(14, 1, 0), (6, 0, 0)], "S3": [(3, 1, 0), (2, 0, 0)]}
    )
    effect = size_effect(programme)
    found = text.findings(effect, definition)
    lever = next(f for f in found if f.key == "L2")
    assert lever.kind == text.INCONCLUSIVE
    assert lever.text == (
        "Sur « Données & méthodes partagées », les écarts entre segments (60\u00a0% à 70\u00a0%) restent "
        "compatibles avec le hasard : avec 45 territoires évalués, on ne peut pas conclure."
    )
    detectable = next(f for f in found if f.kind == text.DETECTABLE)
    assert "Avec 20 et 20 territoires dans les deux segments les plus fournis, seul un écart d'au moins 44 points" in (
        detectable.text
    )
    assert "ne veut donc pas dire « pas de différence »" in detectable.text


def test_a_segment_too_small_is_left_out_and_named(definition) -> None:
    programme = _programme(definition, {"S1": [(9, 1, 1), (1, 0, 0)], "S2": [(5, 1, 0), (5, 0, 0)], "S4": [(3, 1, 1)]})
    effect = size_effect(programme)
    assert effect.questions["L1"].tested == ("S1", "S2")
    rows = effect.rows("L1").set_index("segment")
    assert rows.at["S4", "n"] == 3 and rows.at["S4", "actifs"] == 3 and math.isnan(rows.at["S4", "part"])
    small = [f for f in text.findings(effect, definition) if f.kind == text.SMALL_SEGMENT]
    assert [f.text for f in small] == [
        "Le segment « Métropoles et très grands territoires » ne compte que 3 territoires évalués : trop peu "
        "pour calculer une part qui ait un sens (il en faut au moins 5) ; il est laissé hors des comparaisons."
    ]


def test_too_few_territories_computes_nothing(definition) -> None:
    programme = _programme(definition, {"S1": [(6, 1, 0)], "S3": [(2, 0, 0)]})
    effect = size_effect(programme)
    found = {f.key: f for f in text.findings(effect, definition)}
    assert "L1" not in found and found[text.LEVERS].kind == text.TOO_FEW  # one sentence for every lever
    assert found[text.LEVERS].text == (
        "Trop peu de territoires évalués pour comparer les segments sur les leviers (il en faut au moins 5 "
        "dans deux segments au moins) : aucun test n'est fait."
    )
    assert found["S3"].text.startswith("Le segment « Grands territoires » ne compte que 2 territoires évalués")
    assert math.isnan(effect.questions["L1"].p) and math.isnan(effect.detectable)
    assert not any(f.kind == text.DETECTABLE for f in found.values())


def test_not_assessed_territories_are_left_out(definition) -> None:
    programme = _programme(definition, {"S1": [(6, 1, 0), (4, 0, 0)], "S2": [(6, 0, 0)]})
    territories = programme.territories.copy()
    territories.loc[territories.index[:2], "evalue"] = False  # two of the active ones: not yet assessed
    programme = Programme(territories=territories, definition=definition, is_demo=False, meta={}, populations=None)
    rows = size_effect(programme).rows("L1").set_index("segment")
    assert (rows.at["S1", "n"], rows.at["S1", "actifs"]) == (8, 4)


def test_demo_programme_figures(demo) -> None:
    effect = size_effect(demo)
    assert effect.n_assessed == len(demo.territories)
    l2 = effect.questions["L2"]
    assert l2.method == stats.EXACT and l2.p < 0.001 and l2.p_holm == pytest.approx(4 * l2.p)
    assert effect.questions["L4"].p_holm > 0.05
    assert PROGRESSION in effect.questions
    kinds = {f.key: f.kind for f in text.findings(effect, demo.definition)}
    assert kinds["L2"] == text.CLEAR and kinds["L4"] == text.INCONCLUSIVE


def test_share_interval_in_french() -> None:
    assert text.share_interval(0.45, 0.29, 0.62) == "45\u00a0% [29–62\u00a0%]"
    assert text.share_interval(float("nan"), float("nan"), float("nan")) == "–"
    assert np.isclose(stats.wilson(0, 0)[0], np.nan, equal_nan=True)


def test_fiche_compares_with_its_segment_with_an_interval() -> None:
    from territorial.content.fiche import LeverLine

    def line(share: float, n: int) -> LeverLine:
        return LeverLine("L1", "Compétences", "", "#000000", 1, "émergent", 3, True, share, n)

    assert line(4 / 20, 20).peer_interval_txt == "20\u00a0% [8–42\u00a0%]"  # Wilson 4/20: 0.0807–0.4160
    assert line(2 / 3, 3).peer_interval_txt == "2 sur 3"  # below the minimum: counts only
    assert line(2 / 3, 3).peer_interval is None
    assert line(float("nan"), 0).peer_interval_txt == "–"


def test_heat_map_interval_texts() -> None:
    texts = text.interval_texts(pd.Series([4, 2, 0]), pd.Series([20, 3, 0]))
    assert texts == ["8 à 42\u00a0%", "trop peu de territoires", "–"]
