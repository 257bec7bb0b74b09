"""What the data shows about size, and what it cannot show: computed French sentences.

Each sentence claims only what the tests of :mod:`territorial.content.size_effect` support:
a clear difference (Holm-adjusted p < 5 %) gives the two extreme segments' shares with their
intervals and how rarely chance would produce it; an inconclusive one says so, with the number
of territories; a segment too small is named. The smallest detectable difference is said once,
so that « on ne peut pas conclure » is not read as « pas de différence ». Plain text: escape it
before Markdown or HTML.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from territorial.content.size_effect import ALPHA, MIN_TERRITORIES, PROGRESSION, Question, SizeEffect
from territorial.core.fmt import fr_float, fr_int, fr_pct, plural
from territorial.core.stats import wilson
from territorial.model.definition import ProgrammeDefinition

CLEAR, TREND, INCONCLUSIVE, UNIFORM, TOO_FEW, SMALL_SEGMENT, DETECTABLE = (
    "clear",
    "trend",
    "inconclusive",
    "uniform",
    "too_few",
    "small_segment",
    "detectable",
)


#: Key of the one sentence saying that no lever can be tested.
LEVERS = "leviers"


@dataclass(frozen=True)
class Finding:
    """One sentence, what kind of claim it makes (``CLEAR``…) and what it is about (a lever id…)."""

    kind: str
    key: str
    text: str


def share_interval(part: float, low: float, high: float) -> str:
    """« 45 % [29–62 %] » (shares as fractions); « – » when the share is not computed."""
    if part is None or math.isnan(part):
        return "–"
    return f"{fr_pct(part)} [{fr_float(100 * low, 0)}–{fr_pct(high)}]"


def interval_text(low: float, high: float) -> str:
    """« 29 à 62 % » (a 95 % interval), « – » when not computed."""
    if low is None or math.isnan(low):
        return "–"
    return f"{fr_float(100 * low, 0)} à {fr_pct(high)}"


def interval_texts(actives: pd.Series, sizes: pd.Series) -> list[str]:
    """« 29 à 62 % » (Wilson 95 %) for each share, « trop peu de territoires » below the minimum."""
    low, high = wilson(actives.to_numpy(dtype=float), sizes.to_numpy(dtype=float))
    return [
        interval_text(lo, hi) if n >= MIN_TERRITORIES else ("trop peu de territoires" if n else "–")
        for lo, hi, n in zip(low, high, sizes, strict=True)
    ]


def chance(p: float) -> str:
    """« moins d'une chance sur cent » for p < 0.01 (sur mille, sur cent, sur vingt)."""
    if p < 0.001:
        return "moins d'une chance sur mille"
    if p < 0.01:
        return "moins d'une chance sur cent"
    return "moins d'une chance sur vingt"


def findings(effect: SizeEffect, definition: ProgrammeDefinition) -> list[Finding]:
    """Every sentence: one per lever, one for the progression, small segments, detectable difference."""
    if any(effect.questions[lever.id].computed for lever in definition.levers):
        out = [_lever(effect, definition, lever.id) for lever in definition.levers]
    else:  # the same territories for every lever: one sentence, not one per lever
        out = [
            Finding(
                TOO_FEW,
                LEVERS,
                "Trop peu de territoires évalués pour comparer les segments sur les leviers (il en faut au "
                f"moins {MIN_TERRITORIES} dans deux segments au moins) : aucun test n'est fait.",
            )
        ]
    out.append(_progression(effect, definition))
    for segment_id in effect.small:
        segment = definition.segment(segment_id)
        n = int(effect.rows(definition.levers[0].id).set_index("segment").at[segment_id, "n"])
        out.append(
            Finding(
                SMALL_SEGMENT,
                segment_id,
                f"Le segment « {segment.label} » ne compte {_only(n)} : "
                f"trop peu pour calculer une part qui ait un sens (il en faut au moins {MIN_TERRITORIES}) ; "
                "il est laissé hors des comparaisons.",
            )
        )
    if not math.isnan(effect.detectable):
        big, second = effect.detectable_sizes
        points = fr_float(100 * effect.detectable, 0)
        out.append(
            Finding(
                DETECTABLE,
                "",
                f"Avec {fr_int(big)} et {fr_int(second)} territoires dans les deux segments les plus fournis, "
                f"seul un écart d'au moins {points} points entre eux serait repéré 8 fois sur 10 "
                "(davantage entre des segments plus petits) : « on ne peut pas conclure » ne veut donc "
                "pas dire « pas de différence ».",
            )
        )
    return out


def _only(n: int) -> str:
    """« qu'un territoire évalué », « que 3 territoires évalués »."""
    return "qu'un territoire évalué" if n == 1 else f"que {plural(n, 'territoire évalué', 'territoires évalués')}"


def _extremes(rows: pd.DataFrame, question: Question) -> tuple[pd.Series, pd.Series]:
    tested = rows[rows["segment"].isin(question.tested)]
    low = tested.loc[tested["part"].idxmin()]
    high = tested.loc[tested["part"].idxmax()]
    return low, high


def _span(rows: pd.DataFrame, question: Question) -> str:
    low, high = _extremes(rows, question)
    return f"{fr_pct(low['part'])} à {fr_pct(high['part'])}"


def _direction(question: Question) -> str:
    return "augmente" if question.trend_direction > 0 else "diminue"


def _lever(effect: SizeEffect, definition: ProgrammeDefinition, lever_id: str) -> Finding:
    question = effect.questions[lever_id]
    rows = effect.rows(lever_id)
    name = f"« {definition.lever(lever_id).label} »"
    if not question.computed:
        return Finding(
            TOO_FEW,
            lever_id,
            f"Sur {name}, trop peu de territoires évalués pour comparer les segments "
            f"(il en faut au moins {MIN_TERRITORIES} dans deux segments au moins).",
        )
    if question.actives in (0, question.n):
        who = "tous les" if question.actives else "aucun des"
        return Finding(
            UNIFORM,
            lever_id,
            f"Le levier {name} est activé par {who} territoires évalués : aucun écart entre segments.",
        )
    if question.p_holm < ALPHA:
        low, high = _extremes(rows, question)
        trend = (
            f" La part {_direction(question)} avec la taille des territoires." if question.trend_p_holm < ALPHA else ""
        )
        return Finding(
            CLEAR,
            lever_id,
            f"Le levier {name} est nettement moins activé dans le segment « {low['segment_label']} » : "
            f"{share_interval(low['part'], low['ic_bas'], low['ic_haut'])} contre "
            f"{share_interval(high['part'], high['ic_bas'], high['ic_haut'])} dans le segment "
            f"« {high['segment_label']} » ; un écart aussi grand a {chance(question.p_holm)} "
            f"d'être dû au hasard.{trend}",
        )
    if question.trend_p_holm < ALPHA:
        return Finding(
            TREND,
            lever_id,
            f"Sur {name}, les écarts entre segments ({_span(rows, question)}) ne suffisent pas à exclure le "
            f"hasard segment par segment, mais la part {_direction(question)} régulièrement avec la taille "
            f"(test de tendance : {chance(question.trend_p_holm)} d'être dû au hasard).",
        )
    return Finding(
        INCONCLUSIVE,
        lever_id,
        f"Sur {name}, les écarts entre segments ({_span(rows, question)}) restent compatibles avec le hasard : "
        f"avec {plural(question.n, 'territoire évalué', 'territoires évalués')}, on ne peut pas conclure.",
    )


def _progression(effect: SizeEffect, definition: ProgrammeDefinition) -> Finding:
    question = effect.questions[PROGRESSION]
    rows = effect.rows(PROGRESSION)
    followed = int(rows["n"].sum())
    what = "la part des territoires qui ont progressé entre leur premier et leur dernier dialogue"
    if followed == 0:
        return Finding(
            TOO_FEW,
            PROGRESSION,
            "Aucun territoire n'a encore eu deux dialogues à cette date : la progression ne peut pas être "
            "comparée entre segments.",
        )
    if not question.computed:
        return Finding(
            TOO_FEW,
            PROGRESSION,
            f"Trop peu de territoires ont eu deux dialogues ({fr_int(followed)}) pour comparer leur progression "
            f"entre segments (il en faut au moins {MIN_TERRITORIES} dans deux segments au moins).",
        )
    if question.actives in (0, question.n):
        who = "tous" if question.actives else "aucun"
        return Finding(UNIFORM, PROGRESSION, f"Parmi les territoires suivis, {who} ont progressé : aucun écart.")
    if question.p_holm < ALPHA:
        low, high = _extremes(rows, question)
        return Finding(
            CLEAR,
            PROGRESSION,
            f"Les territoires du segment « {low['segment_label']} » progressent nettement moins souvent : "
            f"{share_interval(low['part'], low['ic_bas'], low['ic_haut'])} ont progressé entre leur premier "
            f"et leur dernier dialogue, contre {share_interval(high['part'], high['ic_bas'], high['ic_haut'])} "
            f"dans le segment « {high['segment_label']} » ; un écart aussi grand a {chance(question.p_holm)} "
            "d'être dû au hasard.",
        )
    return Finding(
        INCONCLUSIVE,
        PROGRESSION,
        f"{what[0].upper()}{what[1:]} ({_span(rows, question)} selon le segment) reste compatible avec le "
        f"hasard : avec {plural(question.n, 'territoire suivi', 'territoires suivis')}, on ne peut pas conclure.",
    )


def method_text(definition: ProgrammeDefinition) -> list[str]:
    """The « Méthode » paragraphs for a non-statistician (plain text)."""
    threshold = definition.level_label(definition.active_from)
    return [
        "Part : parmi les territoires d'un segment évalués à la date affichée (les territoires « non encore "
        f"évalués » sont laissés de côté), ceux qui activent le levier (niveau « {threshold} » ou plus).",
        "Intervalle à 95 % (méthode de Wilson) : avec une vingtaine de territoires, une part de 45 % pourrait "
        "aussi bien être 30 % ou 60 % si d'autres territoires de même taille avaient été choisis. L'intervalle "
        "« [29–62 %] » donne les valeurs compatibles avec les données ; il se trompe une fois sur vingt.",
        "Test : pour chaque levier, on se demande si des écarts aussi grands entre segments apparaîtraient "
        "souvent si la taille ne jouait aucun rôle, c'est-à-dire si les territoires qui activent le levier "
        "étaient répartis au hasard entre les segments. Le test exact de Fisher–Freeman–Halton compte "
        "toutes les répartitions possibles ayant les mêmes totaux (aucune approximation) ; pour un très grand "
        "programme, il en tire un million au hasard (graine fixe, résultat reproductible). La « p-valeur » est "
        "la proportion de ces répartitions au moins aussi déséquilibrées que celle observée : "
        "« moins d'une chance sur cent » veut dire p < 0,01.",
        "Pourquoi ajuster : tester les 4 leviers à la fois multiplie les occasions de trouver un écart par "
        "hasard. La correction de Holm en tient compte ; un écart n'est dit « net » que si sa p-valeur ajustée "
        "est inférieure à 5 %.",
        "Tendance : un second test (Cochran–Armitage exact) regarde si la part monte ou descend régulièrement "
        "du plus petit au plus grand segment ; il repère une évolution régulière que le premier test, qui ne "
        "tient pas compte de l'ordre des segments, peut manquer. Le V de Cramér mesure la force du lien, "
        "de 0 (aucun) à 1 (la taille décide de tout).",
        "Progression : parmi les territoires qui ont eu au moins deux dialogues à la date affichée, ceux qui "
        "activent plus de leviers qu'au premier ; même test, sans ajustement (c'est une question à part).",
        f"Minimum : un segment de moins de {MIN_TERRITORIES} territoires évalués n'a ni part ni intervalle "
        "(seuls ses effectifs sont donnés) et reste hors des tests ; il faut au moins deux segments de "
        f"{MIN_TERRITORIES} territoires pour tester.",
        "Ce qu'un test ne dit pas : « on ne peut pas conclure » ne veut pas dire « pas de différence ». Avec "
        "peu de territoires, seuls de grands écarts sont repérables : l'écart minimal détectable indiqué est "
        "celui que les données repéreraient 8 fois sur 10 (au seuil de 5 %, parts autour de 50 %).",
    ]
