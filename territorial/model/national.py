"""A national-scale programme: every EPCI of France, for load tests and benchmarks.

The programme has 81 territories; nothing stops a coordinator from importing many
more. To know how the dashboard behaves at national scale, this module writes a
programme file listing **every** intercommunalité of the reference geography
(1,253 EPCI at 1 January 2026) with seeded, illustrative lever levels. The file
is an ordinary programme file: it goes through :func:`load_programme_file` and
:func:`resolve` like any other.

It is generated on demand (``national_programme_path`` writes it next to the
reference cache), never committed.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from territorial.model.definition import ProgrammeDefinition, load_definition
from territorial.model.reference import Reference, default_cache_dir

DEFAULT_SEED = 2026
#: Dates of the dialogues of the national programme with several dialogues per EPCI.
DIALOGUE_DATES = ("2024-02-01", "2024-11-01", "2025-08-01", "2026-05-01")
PREAMBLE = (
    "# statut: demonstration\n"
    "# description: Programme national de test : toutes les intercommunalités (EPCI) de France, "
    "niveaux d'activation des leviers aléatoires (graine {seed}), générés par territorial/national.py "
    "pour les tests de charge.\n"
)


def national_programme_csv(
    reference: Reference,
    seed: int = DEFAULT_SEED,
    *,
    definition: ProgrammeDefinition | None = None,
    dialogues: int = 1,
) -> bytes:
    """A programme file (CSV, UTF-8) listing every EPCI of ``reference``.

    With ``dialogues`` > 1, each EPCI has that many dialogues, 9 months apart from
    February 2024 (``DIALOGUE_DATES``), each lever's level never lower than at the one
    before (drawn, then cumulated and capped).

    Parameters
    ----------
    reference
        The reference geography; one row per EPCI of ``reference.epci``, by SIREN.
    seed
        Seed of the random lever levels; the same seed gives the same bytes.
    definition
        Gives the lever columns and the level range (default: ``data/programme.toml``).

    Returns
    -------
    bytes
        The CSV file, with a ``# statut: demonstration`` preamble (levels are illustrative).
    """
    definition = definition or load_definition()
    levels = [level.value for level in definition.levels]
    codes = sorted(reference.epci.index.astype(str))
    rng = np.random.default_rng(seed)
    drawn = rng.choice(levels, size=(len(codes), len(definition.lever_ids)))
    out = io.StringIO()
    out.write(PREAMBLE.format(seed=seed))
    writer = csv.writer(out, lineterminator="\n")
    if dialogues <= 1:
        writer.writerow(["code", "type", *definition.lever_ids])
        for code, row in zip(codes, drawn, strict=True):
            writer.writerow([code, "epci", *(int(v) for v in row)])
        return out.getvalue().encode("utf-8")
    steps = rng.integers(0, 2, size=(dialogues - 1, len(codes), len(definition.lever_ids)))
    writer.writerow(["code", "type", *definition.lever_ids, "date_dialogue", "etape"])
    for i, code in enumerate(codes):
        row = drawn[i].copy()
        for k, day in enumerate(DIALOGUE_DATES[:dialogues]):
            if k:
                row = np.minimum(row + steps[k - 1, i], max(levels))
            writer.writerow([code, "epci", *(int(v) for v in row), day, f"T+{9 * k}" if k else "T0"])
    return out.getvalue().encode("utf-8")


def national_programme_path(
    reference: Reference,
    seed: int = DEFAULT_SEED,
    *,
    directory: Path | None = None,
    definition: ProgrammeDefinition | None = None,
) -> Path:
    """Write :func:`national_programme_csv` to ``directory`` (default: the reference cache dir).

    The file is rewritten only when its content changed; returns its path.
    """
    directory = Path(directory) if directory is not None else default_cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"national_programme-{seed}.csv"
    data = national_programme_csv(reference, seed, definition=definition)
    if not path.exists() or path.read_bytes() != data:
        tmp = path.with_suffix(".partial")
        tmp.write_bytes(data)
        tmp.replace(path)
    return path
