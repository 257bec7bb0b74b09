"""The size effect's figures for researchers: one row per lever × segment, as CSV.

Usage: python scripts/size_effect.py [--programme FICHIER] [--au AAAA-MM-JJ] --csv SORTIE.csv

Columns ``levier, segment, n, actifs, part, ic_bas, ic_haut, p_valeur, p_holm, v_cramer``:
shares and Wilson 95 % bounds as fractions, the lever's exact p-value (Fisher–Freeman–Halton),
Holm-adjusted across the levers, and Cramér's V repeated on each row of a lever. The file is
the dashboard's CSV (UTF-8 with BOM, ``;`` separator, decimal comma: R's ``read.csv2``,
``pandas.read_csv(sep=";", decimal=",")``). Without ``--programme``, the current version of the
dashboard's storage. The sentences the dashboard shows are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from territorial.content.size_effect import size_effect  # noqa: E402
from territorial.content.size_effect_text import findings  # noqa: E402
from territorial.core.paths import DATA_DIR  # noqa: E402
from territorial.editing.changes import upload_definition  # noqa: E402
from territorial.model.definition import DefinitionError, load_definition  # noqa: E402
from territorial.model.definition_file import definition_from_text  # noqa: E402
from territorial.model.problems import ProgrammeFileError  # noqa: E402
from territorial.model.programme import Programme, resolve  # noqa: E402
from territorial.model.programme_file import load_programme_file  # noqa: E402
from territorial.model.reference import load_reference  # noqa: E402
from territorial.storage.store import Store, StoreError  # noqa: E402
from territorial.takeaways.size_effect_export import size_effect_csv  # noqa: E402

DEMO_FILE = DATA_DIR / "demo_programme.csv"


def _programme(path: Path | None) -> Programme:
    """The programme of a file (with the definition its workbook carries, if any) or of the storage
    (with the definition of its current version)."""
    reference, definition = load_reference(), load_definition()
    if path is not None:
        data = path.read_bytes()
        definition = upload_definition(data, filename=path.name) or definition
        table = load_programme_file(data, filename=path.name, definition=definition, reference=reference)
    else:
        store = Store.open()
        try:
            version = store.current()
        finally:
            store.close()
        if version is None:  # as the dashboard: an empty storage shows the demonstration programme
            print("Stockage vide : programme de démonstration (data/demo_programme.csv).", file=sys.stderr)
            table = load_programme_file(
                DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, definition=definition, reference=reference
            )
        else:
            table = version.table
            definition = definition_from_text(version.definition_toml, source="définition de la version")
    return resolve(table, reference=reference, definition=definition)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date attendue au format AAAA-MM-JJ, pas « {text} »") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programme", type=Path, default=None, help="fichier du programme (CSV ou XLSX)")
    parser.add_argument("--au", type=_day, default=None, help="situation à cette date (AAAA-MM-JJ)")
    parser.add_argument("--csv", type=Path, required=True, help="fichier CSV à écrire")
    args = parser.parse_args(argv)
    try:
        programme = _programme(args.programme)
    except (ProgrammeFileError, DefinitionError, StoreError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.au is not None:
        programme = programme.at(args.au)
    effect = size_effect(programme)
    args.csv.write_bytes(size_effect_csv(effect, programme))
    for finding in findings(effect, programme.definition):
        print(f"- {finding.text}")
    print(f"{len(effect.table[effect.table['question'] != 'progression'])} lignes écrites dans {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
