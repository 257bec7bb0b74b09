"""Generate the demonstration programme ``data/demo_programme.csv`` (81 real territories).

The programme's real list is not public, so this builds a reproducible stand-in from the
reference geography: real codes, names and populations, **illustrative** lever levels.
Run ``python scripts/make_demo.py`` from the repo root; runs are byte-identical (``SEED``).

Selection rule
    1. Hand-picked ``ANCHORS``: the six metropoles of 700 000+ inhabitants, the régions
       Bretagne and Martinique, départements of every size (Creuse, Lozère, Ardèche,
       Guadeloupe, Isère, Moselle, La Réunion), communes Corte (2B) and Cayenne (973), and
       the CA de Dembéni-Mamoudzou (Mayotte).
    2. One ``GROUPEMENT``, the PETR du Pays de Langres, given by its member EPCIs.
       Assumption: since the 2017 mergers it gathers the CC d'Auberive Vingeanne et
       Montsaugeonnais, the CC du Grand Langres and the CC des Savoir-Faire (168 communes,
       Haute-Marne). Its SIREN is not used: ``PETR-LANGRES`` identifies it in this file.
    3. Drawn with the seeded RNG, in metropolitan France: ``N_VILLAGES`` communes of
       ``VILLAGE_POPULATION`` inhabitants, then ``EPCI_QUOTAS`` EPCI per segment (usual
       2xxxxxxxx SIREN only). Each draw goes to the région with the fewest territories per
       square root of its population, then picks at random among its candidates, in a
       département not yet used when there is one.
    No two territories overlap (a candidate sharing a commune with a chosen territory is
    skipped), so the map shows 81 distinct areas. The brief's constraints are asserted.

Level rule
    ``LEVEL_PROBABILITIES`` gives, per segment and lever, the share of territories at each
    level 0..3: small territories lean on L4 (cooperation), large ones on L2 (data) and L3
    (funding); the mean of L1-L3 rises with size, L4 falls. Levels are *dealt*: each
    segment gets the table's level counts (largest remainder), shuffled among its
    territories by the RNG, so the size effect shows even in small segments. A third of
    the territories, drawn at random, get a dialogue date and a generic note.

Dialogue rule (follow-up over time)
    The levels dealt above are each territory's **latest** dialogue. Every territory was
    first met (« T0 ») on a day drawn in ``FIRST_DIALOGUES``, then met again 12 and 24
    months later (« T+12 », « T+24 », each ± ``JITTER_DAYS``) as long as that day is on or
    before ``LAST_DIALOGUE`` (no T+36 has happened yet); a quarter of them, drawn at random,
    also had a « T+6 » dialogue. That gives 2 to 4 dialogues per territory over 2024-2026.
    Going back in time from the latest dialogue, each lever's level at the dialogue before
    is lower by ``STEP_BACK`` levels (0, 1 or 2 with those probabilities, not below 0), and
    with probability ``SETBACK`` it was one level *higher* instead (a lever can regress).
    Each dialogue has a generic note of its stage.

Follow-up rule (so that the « Suivi » page shows every status; no random draw, so the rest
of the file is unchanged)
    The three territories of ``EARLY_CYCLE`` ran their cycle ahead of time: their « T+6 »,
    « T+12 » and « T+24 » dialogues are the T+12, T+24 and T+36 of the cycle, on the days of
    the T+12, the T+24 and ``EARLY_CYCLE_MONTHS`` months after it (at the latest on
    ``LAST_DIALOGUE``), with the same levels in the same order: their follow-up is
    « achevé ». The four territories of ``STALLED`` held their T+24 early,
    ``STALLED_GAP_DAYS`` days after their T+12, and nobody has met them since: at the end
    of 2026 their T+36 is late. Every territory keeps its levels and its number of
    dialogues.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from territorial.model.definition import Segment, load_definition  # noqa: E402
from territorial.model.reference import Reference, load_reference  # noqa: E402

SEED = 2026
OUTPUT = ROOT / "data" / "demo_programme.csv"
PREAMBLE = (
    "# statut: demonstration\n# description: Programme de démonstration : 81 territoires réels,"
    " niveaux d'activation des leviers illustratifs (générés par scripts/make_demo.py).\n"
)
COLUMNS = ["code", "type", "nom", "membres", "L1", "L2", "L3", "L4", "date_dialogue", "etape", "notes", "contact"]
METRO_REGIONS = ("11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94")
OVERSEAS_REGIONS = ("01", "02", "03", "04", "06")
N_TERRITORIES = 81
ANCHORS: tuple[tuple[str, str], ...] = (  # (type, code)
    ("epci", "200054781"),
    ("epci", "200046977"),
    ("epci", "200054807"),  # Paris, Lyon, Marseille
    ("epci", "200093201"),
    ("epci", "243100518"),
    ("epci", "243300316"),  # Lille, Toulouse, Bx
    ("region", "53"),
    ("region", "02"),  # Bretagne, Martinique
    ("departement", "23"),
    ("departement", "48"),
    ("departement", "07"),
    ("departement", "971"),
    ("departement", "38"),
    ("departement", "57"),
    ("departement", "974"),
    ("commune", "2B096"),
    ("commune", "97302"),  # Corte, Cayenne
    ("epci", "200060457"),  # CA de Dembéni-Mamoudzou (Mayotte: population of the 2017 census)
)
GROUPEMENT = (
    "PETR-LANGRES",
    "Pôle d'équilibre territorial et rural du Pays de Langres",
    ("200027308", "200072999", "200070332"),
)
N_VILLAGES = 7
VILLAGE_POPULATION = (300, 20_000)
EPCI_QUOTAS = {"S3": 13, "S2": 22, "S1": 20}  # scarcest segment first

# Share of territories at level 0 / 1 / 2 / 3, per segment and lever (each row sums to 1).
# Illustrative proxy of the seed's size effect: small territories activate cooperation (L4)
# first; data & methods (L2) and pooled funding (L3) need the scale of S3/S4.
LEVEL_PROBABILITIES: dict[str, dict[str, tuple[float, float, float, float]]] = {
    "S1": {
        "L1": (0.40, 0.35, 0.20, 0.05),
        "L2": (0.60, 0.30, 0.10, 0.00),
        "L3": (0.55, 0.35, 0.10, 0.00),
        "L4": (0.05, 0.20, 0.45, 0.30),
    },
    "S2": {
        "L1": (0.20, 0.35, 0.35, 0.10),
        "L2": (0.35, 0.35, 0.25, 0.05),
        "L3": (0.35, 0.35, 0.25, 0.05),
        "L4": (0.10, 0.25, 0.40, 0.25),
    },
    "S3": {
        "L1": (0.10, 0.25, 0.40, 0.25),
        "L2": (0.05, 0.25, 0.45, 0.25),
        "L3": (0.10, 0.30, 0.40, 0.20),
        "L4": (0.15, 0.30, 0.35, 0.20),
    },
    "S4": {
        "L1": (0.05, 0.20, 0.45, 0.30),
        "L2": (0.00, 0.10, 0.35, 0.55),
        "L3": (0.00, 0.15, 0.40, 0.45),
        "L4": (0.20, 0.30, 0.35, 0.15),
    },
}
FIRST_DIALOGUES = (date(2024, 1, 15), date(2024, 10, 31))
LAST_DIALOGUE = date(2026, 10, 31)
JITTER_DAYS = 45
HALF_YEAR_SHARE = 0.25
STEP_BACK = (0.55, 0.40, 0.05)  # probability of 0, 1, 2 levels lower at the dialogue before
SETBACK = 0.06
EARLY_CYCLE = ("246200364", "57", "200066116")  # CA de Lens - Liévin, Moselle, CC Argonne-Meuse
EARLY_CYCLE_MONTHS = 7
STALLED = ("246100663", "243700754", "200084952", "200085728")  # T+24 early, then no dialogue
STALLED_GAP_DAYS = 245  # about 8 months
STAGE_NOTES = {
    "T0": "Premier dialogue de gouvernance : diagnostic partagé des quatre leviers.",
    "T+6": "Point d'étape à six mois avec l'équipe projet.",
    "T+12": "Deuxième dialogue : suites données au diagnostic, premières coopérations.",
    "T+24": "Troisième dialogue : bilan des actions engagées avec les partenaires.",
    "T+36": "Quatrième dialogue : bilan du cycle de trente-six mois et suites à donner.",
}


@dataclass
class Territory:
    code: str
    type: str
    nom: str
    population: int
    region: str
    departement: str
    communes: frozenset[str]
    membres: tuple[str, ...] = ()
    segment: str = ""
    levels: dict[str, int] = field(default_factory=dict)
    dialogues: list[Dialogue] = field(default_factory=list)


@dataclass
class Dialogue:
    day: date
    stage: str
    levels: dict[str, int]
    notes: str


def _territory(ref: Reference, kind: str, code: str) -> Territory:
    com = ref.communes
    row = ref.layer(
        {"commune": "communes", "epci": "epci", "departement": "departements", "region": "regions"}[kind]
    ).loc[code]
    members = frozenset([code]) if kind == "commune" else frozenset(com.index[com[kind] == code])
    region = code if kind == "region" else str(row["region"])
    dep = {"departement": code, "region": ""}.get(kind, str(row.get("departement")))
    return Territory(code, kind, str(row["nom"]), int(row["population"]), region, dep, members)


def _groupement(ref: Reference) -> Territory:
    code, nom, members = GROUPEMENT
    parts = [_territory(ref, "epci", m) for m in members]
    assert all(p.departement == "52" for p in parts), "membre du PETR hors Haute-Marne"
    return Territory(
        code,
        "groupement",
        nom,
        sum(p.population for p in parts),
        parts[0].region,
        "52",
        frozenset().union(*(p.communes for p in parts)),
        membres=members,
    )


def _draw(pool: pd.DataFrame, chosen: list[Territory], weight: pd.Series, rng: np.random.Generator) -> str:
    """Least-covered région first, then a random candidate, in an unused département if any."""
    counts = pd.Series([t.region for t in chosen]).value_counts()
    region = min(sorted(pool["region"].unique()), key=lambda r: counts.get(r, 0) / weight[r])
    in_region = pool[pool["region"] == region]
    fresh = in_region[~in_region["departement"].isin({t.departement for t in chosen})]
    return str(rng.choice(sorted((fresh if len(fresh) else in_region).index)))


def select(ref: Reference, segment_of: Callable[[int], Segment], rng: np.random.Generator) -> list[Territory]:
    chosen = [_territory(ref, kind, code) for kind, code in ANCHORS] + [_groupement(ref)]
    taken: set[str] = set().union(*(t.communes for t in chosen))
    com, epci, weight = ref.communes, ref.epci, np.sqrt(ref.regions["population"])
    villages = com[com["region"].isin(METRO_REGIONS) & com["population"].between(*VILLAGE_POPULATION)]
    # Usual SIREN only: two EPCI carry 99xxxxxxx codes in the source.
    epci = epci[epci["region"].isin(METRO_REGIONS) & epci.index.str.match(r"^2\d{8}$")]
    epci_segment = epci["population"].map(lambda p: segment_of(int(p)).id)
    draws = [("commune", villages)] * N_VILLAGES + [
        ("epci", epci[epci_segment == seg]) for seg, n in EPCI_QUOTAS.items() for _ in range(n)
    ]
    for kind, layer in draws:
        clash = set(com.loc[com.index.isin(taken), "epci"].dropna()) if kind == "epci" else taken
        code = _draw(layer[~layer.index.isin(clash)], chosen, weight, rng)
        chosen.append(_territory(ref, kind, code))
        taken.update(chosen[-1].communes)
    for t in chosen:
        t.segment = segment_of(t.population).id
    return sorted(chosen, key=lambda t: (t.segment, t.type, t.code))


def check(chosen: list[Territory], segment_ids: list[str]) -> None:
    regions = {t.region for t in chosen}
    communes = [t for t in chosen if t.type == "commune"]
    assert len(chosen) == N_TERRITORIES, f"{len(chosen)} territoires au lieu de {N_TERRITORIES}"
    assert len({t.code for t in chosen}) == N_TERRITORIES, "codes en double"
    assert set(METRO_REGIONS) <= regions, f"régions absentes : {set(METRO_REGIONS) - regions}"
    assert set(OVERSEAS_REGIONS) <= regions, f"outre-mer absent : {set(OVERSEAS_REGIONS) - regions}"
    for s in segment_ids:
        assert sum(t.segment == s for t in chosen) >= 8, f"segment {s} : moins de 8 territoires"
    assert any(t.departement in ("2A", "2B") for t in communes), "aucune commune corse"
    assert any(t.region in OVERSEAS_REGIONS for t in communes), "aucune commune d'outre-mer"
    assert any(t.type == "groupement" for t in chosen), "aucun groupement"
    union = set().union(*(t.communes for t in chosen))
    assert sum(len(t.communes) for t in chosen) == len(union), "des territoires se chevauchent"


def _deal(n: int, probabilities: tuple[float, ...], rng: np.random.Generator) -> np.ndarray:
    """n levels in the table's proportions (largest remainder), in random order."""
    exact = n * np.asarray(probabilities)
    counts = np.floor(exact).astype(int)
    counts[np.argsort(-(exact - counts), kind="stable")[: n - counts.sum()]] += 1
    return rng.permutation(np.repeat(np.arange(len(probabilities)), counts))


def assign(chosen: list[Territory], lever_ids: list[str], rng: np.random.Generator) -> None:
    for segment, table in LEVEL_PROBABILITIES.items():
        members = [t for t in chosen if t.segment == segment]
        for lever in lever_ids:
            for t, level in zip(members, _deal(len(members), table[lever], rng), strict=True):
                t.levels[lever] = int(level)
    for t in chosen:
        t.dialogues = _dialogues(t.levels, rng)


def _dialogues(latest: dict[str, int], rng: np.random.Generator) -> list[Dialogue]:
    """The dialogues of one territory, oldest first, ending with the ``latest`` levels (see Dialogue rule)."""
    start, end = FIRST_DIALOGUES
    first = start + timedelta(days=int(rng.integers(0, (end - start).days + 1)))
    half_year = rng.random() < HALF_YEAR_SHARE
    days = [("T0", first)]
    for stage, months in (("T+6", 6), ("T+12", 12), ("T+24", 24)):
        if stage == "T+6" and not half_year:
            continue
        jitter = int(rng.integers(-JITTER_DAYS, JITTER_DAYS + 1)) if stage != "T+6" else 0
        day = first + timedelta(days=round(months * 30.44) + jitter)
        if day <= LAST_DIALOGUE:
            days.append((stage, day))
    levels = [dict(latest)]
    for _ in days[1:]:
        later, before = levels[0], {}
        for lever, level in later.items():
            if rng.random() < SETBACK:
                before[lever] = min(level + 1, 3)
            else:
                before[lever] = max(level - int(rng.choice(len(STEP_BACK), p=STEP_BACK)), 0)
        levels.insert(0, before)
    return [Dialogue(day, stage, lv, STAGE_NOTES[stage]) for (stage, day), lv in zip(days, levels, strict=True)]


def follow_up_examples(chosen: list[Territory]) -> None:
    """The follow-up rule (see the module's docstring): a few complete cycles, a few late ones."""
    by_code = {t.code: t for t in chosen}
    for code in EARLY_CYCLE:
        dialogues = by_code[code].dialogues
        assert [d.stage for d in dialogues] == ["T0", "T+6", "T+12", "T+24"], code
        t12, t24 = dialogues[2].day, dialogues[3].day
        end = min(t24 + timedelta(days=round(EARLY_CYCLE_MONTHS * 30.44)), LAST_DIALOGUE)
        for dialogue, stage, day in zip(dialogues[1:], ("T+12", "T+24", "T+36"), (t12, t24, end), strict=True):
            dialogue.stage, dialogue.day, dialogue.notes = stage, day, STAGE_NOTES[stage]
    for code in STALLED:
        dialogues = by_code[code].dialogues
        assert [d.stage for d in dialogues] == ["T0", "T+12", "T+24"], code
        dialogues[-1].day = dialogues[1].day + timedelta(days=STALLED_GAP_DAYS)


def write(chosen: list[Territory], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(PREAMBLE)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for t in chosen:
            for d in t.dialogues:
                writer.writerow(
                    [
                        t.code,
                        t.type,
                        t.nom,
                        " ".join(t.membres),
                        *d.levels.values(),
                        d.day.isoformat(),
                        d.stage,
                        d.notes,
                        "",
                    ]
                )


def summary(chosen: list[Territory], ref: Reference, lever_ids: list[str]) -> None:
    frame = pd.DataFrame([{"segment": t.segment, "type": t.type, "region": t.region, **t.levels} for t in chosen])
    frame["nom_region"] = frame["region"].map(ref.regions["nom"])
    print("Territoires par segment :", frame["segment"].value_counts().sort_index().to_dict())
    print("Territoires par type :", frame["type"].value_counts().to_dict())
    print("Territoires par région :")
    print(frame.groupby(["region", "nom_region"]).size().to_string())
    print("Niveau moyen de chaque levier par segment :")
    print(frame.groupby("segment")[lever_ids].mean().round(2).to_string())


def main() -> None:
    definition = load_definition()
    assert sorted(LEVEL_PROBABILITIES) == definition.segment_ids, "segments ≠ programme.toml"
    assert [lv.value for lv in definition.levels] == [0, 1, 2, 3], "niveaux ≠ 0..3"
    ref = load_reference()
    rng = np.random.default_rng(SEED)
    chosen = select(ref, definition.segment_of, rng)
    check(chosen, definition.segment_ids)
    assign(chosen, definition.lever_ids, rng)
    follow_up_examples(chosen)
    write(chosen, OUTPUT)
    n_dialogues = sum(len(t.dialogues) for t in chosen)
    print(f"{OUTPUT.relative_to(ROOT)} : {len(chosen)} territoires, {n_dialogues} dialogues écrits.")
    summary(chosen, ref, definition.lever_ids)


if __name__ == "__main__":
    main()
