"""Territories by name (territorial/model/names.py): how right, how sure, how fast.

Run ``python bench/names.py`` from the repository root (about a minute). It prints:

1. **Official names**: every commune, EPCI, département and région of the reference matched
   by its own official name (no cue): certain and right, ambiguous (split into true homonyms,
   i.e. several territories whose official names are the same once normalised, and the
   others), wrong (certain but another territory: must be 0).
2. **Noisy names**: a seeded list of names written the way people write them (prefix words,
   INSEE's inverted article, département in brackets, « St »/« Ste », lower case without
   accents, the short EPCI kinds, typos), each with the territory it was made from: certain
   and right, ambiguous (with the right one among the candidates or not), not found, wrong.
3. **Time** (wall clock and this process's CPU time, which the machine's load hardly changes):
   building the index (once per reference), then 81 noisy names (typos included)
   and 35,000 names (every commune's official name, then 125 noisy names).
"""

from __future__ import annotations

import random
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from territorial.model.names import AMBIGUOUS, CERTAIN, KINDS, NameIndex, normalise
from territorial.model.reference import load_reference
from territorial.model.vocabulary import LAYER_OF_KIND

SEED = 2026
N_NOISY = 400  # about: 25 communes per form, 100 EPCI, every département and région


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _official(index: NameIndex, reference) -> list[tuple[str, str]]:
    """(official name, expected ``type:code``) of every territory of the reference."""
    out = []
    for kind in KINDS:
        layer = reference.layer(LAYER_OF_KIND[kind])
        out += [(str(name), f"{kind}:{code}") for code, name in layer["nom"].items()]
    return out


def _homonyms(pairs: list[tuple[str, str]]) -> Counter:
    return Counter(normalise(name) for name, _ in pairs)


def tally(index: NameIndex, cases: list[tuple[str, str, dict]], homonyms: Counter) -> dict[str, int]:
    counts: Counter = Counter({"FAUX (certain, autre territoire)": 0})  # always said, even at 0
    wrong = []
    for written, expected, cues in cases:
        match = index.match(written, **cues)
        keys = [c.key for c in match.candidates]
        if match.status == CERTAIN:
            if keys[0] == expected:
                counts["certain et juste"] += 1
            else:
                counts["FAUX (certain, autre territoire)"] += 1
                wrong.append((written, expected, keys[0]))
        elif match.status == AMBIGUOUS:
            right = expected in keys
            counts[f"ambigu, le bon parmi les candidats : {'oui' if right else 'non'}"] += 1
            if homonyms[normalise(match.candidates[0].name)] > 1 and right:
                counts["  dont homonymes vrais"] += 1
        else:
            counts["introuvable"] += 1
    for written, expected, got in wrong[:20]:
        print(f"    FAUX : « {written} » attendu {expected}, obtenu {got}")
    return dict(sorted(counts.items()))


_CONNECTOR = {
    "Le ": "du ",
    "La ": "de la ",
    "Les ": "des ",
    "L'": "de l'",
    "Aux ": "des ",
    "Las ": "de las ",
    "Los ": "de los ",
}


def _after_de(name: str) -> str:
    for article, connector in _CONNECTOR.items():
        if name.startswith(article):
            return connector + name[len(article) :]
    return ("d'" if name[:1].lower() in "aeiouyéèêîïôh" else "de ") + name


def _inverted(name: str) -> str | None:
    for article in ("Le ", "La ", "Les ", "L'"):
        if name.startswith(article):
            return f"{name[len(article) :]} ({article.strip()})"
    return None


def _typo(name: str, rng: random.Random) -> str:
    """One letter dropped, doubled or swapped with the next (a real change once normalised)."""
    for _ in range(20):
        letters = [i for i, ch in enumerate(name[:-1]) if ch.isalpha() and name[i + 1].isalpha()]
        i = rng.choice(letters[1:] or letters)
        kind = rng.randrange(3)
        typo = (
            name[:i] + name[i + 1 :],
            name[:i] + name[i] + name[i:],
            name[:i] + name[i + 1] + name[i] + name[i + 2 :],
        )[kind]
        if normalise(typo) != normalise(name):
            return typo
    return name + "x"


def noisy_cases(reference, rng: random.Random) -> list[tuple[str, str, str, dict]]:
    """(form, written, expected, cues): names the way people write them."""
    cases = []
    communes = reference.communes
    dep_names = reference.departements["nom"]
    shared = _homonyms([(str(n), "") for n in communes["nom"]])
    filters = {
        "ville": lambda n: True,
        "mairie": lambda n: True,
        "parenthese": lambda n: True,
        "parenthese nom du departement": lambda n: True,
        "minuscules sans accents": lambda n: True,
        "st ste": lambda n: "Saint-" in n or "Sainte-" in n,
        "article inverse": lambda n: _inverted(n) is not None,
        "typo": lambda n: len(n) >= 6,
        "colonne departement": lambda n: True,
        "homonyme sans indice": lambda n: shared[normalise(n)] > 1,
    }
    per_form = N_NOISY // 16
    for form, keep in filters.items():
        pool = communes[communes["nom"].map(keep)]
        for code, row in pool.sample(n=per_form, random_state=rng.randrange(10**6)).iterrows():
            name, dep = str(row["nom"]), str(row["departement"])
            key = f"commune:{code}"
            column = {"departement": dep}
            written, cues = {
                "ville": (f"{rng.choice(['Ville', 'Commune'])} {_after_de(name)} ({dep})", {}),
                "mairie": (f"Mairie {_after_de(name)}", column),
                "parenthese": (f"{name} ({dep})", {}),
                "parenthese nom du departement": (f"{name} ({dep_names[dep]})", {}),
                "minuscules sans accents": (_ascii(name).lower().replace("-", " "), column),
                "st ste": (name.replace("Saint-", "St-").replace("Sainte-", "Ste-") + f" ({dep})", {}),
                "article inverse": (_inverted(name) or name, column),
                "typo": (_typo(name, rng) + f" ({dep})", {}),
                "colonne departement": (name, column),
                "homonyme sans indice": (name, {}),
            }[form]
            cases.append((form, written, key, cues))
    short = {"Communauté de communes ": "CC ", "Communauté d'agglomération ": "CA ", "Communauté urbaine ": "CU "}
    for code, row in reference.epci.sample(n=N_NOISY // 4, random_state=SEED).iterrows():
        name = str(row["nom"])
        for long, abbreviation in short.items():
            name = name.replace(long, abbreviation)
        form = rng.choice(["epci court", "epci minuscules", "typo"])
        written = (
            name if form == "epci court" else _ascii(name).lower() if form == "epci minuscules" else _typo(name, rng)
        )
        cases.append((form, written, f"epci:{code}", {}))
    for code, row in reference.departements.iterrows():
        name = str(row["nom"])
        form = rng.choice(["departement", "conseil departemental", "departement minuscules"])
        written = {
            "departement": f"Département {_after_de(name)}",
            "conseil departemental": f"Conseil départemental {_after_de(name)}",
            "departement minuscules": f"departement {_ascii(name).lower()}",
        }[form]
        cases.append((form, written, f"departement:{code}", {}))
    for code, row in reference.regions.iterrows():
        name = str(row["nom"])
        for written in (f"Région {name}", f"Conseil régional {_after_de(name)}"):
            cases.append(("region", written, f"region:{code}", {}))
    return cases


def main() -> int:
    reference = load_reference()
    started, cpu = time.perf_counter(), time.process_time()
    index = NameIndex(reference)
    build, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"Index : construit en {build:.2f} s, {build_cpu:.2f} s de processeur (une fois par référentiel)")

    official = _official(index, reference)
    homonyms = _homonyms(official)
    print(f"\n1. Noms officiels ({len(official)} territoires, sans indice)")
    started = time.perf_counter()
    counts = tally(index, [(name, key, {}) for name, key in official], homonyms)
    elapsed = time.perf_counter() - started
    for label, n in counts.items():
        print(f"  {label:55} {n:6}")
    by_kind: Counter = Counter()
    for name, key in official:
        if homonyms[normalise(name)] > 1:
            by_kind[key.split(":")[0]] += 1
    print(f"  territoires dont le nom normalisé est partagé, par type : {dict(by_kind)}")

    rng = random.Random(SEED)
    cases = noisy_cases(reference, rng)
    print(f"\n2. Noms bruités ({len(cases)} noms, graine {SEED})")
    counts = tally(index, [(w, k, c) for _, w, k, c in cases], homonyms)
    for label, n in counts.items():
        print(f"  {label:55} {n:6}")
    forms: dict[str, Counter] = {}
    for form, written, key, cues in cases:
        match = index.match(written, **cues)
        verdict = "juste" if match.chosen and match.chosen.key == key else "FAUX" if match.chosen else match.status
        forms.setdefault(form, Counter())[verdict] += 1
    for form, counter in sorted(forms.items()):
        print(f"    {form:25} {dict(counter)}")
    examples = [w for _, w, _, _ in cases[:: max(1, len(cases) // 12)]]
    print("  exemples : " + " | ".join(examples))

    noisy = [(w, c) for _, w, _, c in cases]
    fresh = NameIndex(reference)
    started, cpu = time.perf_counter(), time.process_time()
    for written, cues in noisy[:: max(1, len(noisy) // 81)][:81]:
        fresh.match(written, **cues)
    t81, t81_cpu = time.perf_counter() - started, time.process_time() - cpu
    names = reference.communes["nom"].tolist() + [w for w, _ in noisy]
    names = names[: 35_000 - 125] + [w for w, _ in noisy][:125]
    started, cpu = time.perf_counter(), time.process_time()
    fresh.match_all(names)
    t35k, t35k_cpu = time.perf_counter() - started, time.process_time() - cpu
    print("\n3. Temps (index construit)")
    print(f"  81 noms bruités (dont des fautes) : {t81 * 1000:.0f} ms ({t81_cpu * 1000:.0f} ms de processeur)")
    print(f"  {len(names)} noms (les communes, puis 125 noms bruités) : {t35k:.1f} s ({t35k_cpu:.1f} s de processeur)")
    print(f"  {len(official)} noms officiels (partie 1) : {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
