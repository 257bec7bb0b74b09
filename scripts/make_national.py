"""Write the national test programme (every EPCI of France) and print its path.

Usage: python scripts/make_national.py [--seed N] [--out DIR]

The file is generated, never committed (default: next to the reference cache). It is an
ordinary programme file: import it in the « Données » page, or let the benchmarks serve it
from a temporary data directory (``python bench/run.py --national``,
``python bench/load.py --national``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from territorial.model.national import DEFAULT_SEED, national_programme_path  # noqa: E402
from territorial.model.reference import load_reference  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=None, help="directory (default: the reference cache)")
    args = parser.parse_args()
    print(national_programme_path(load_reference(), args.seed, directory=args.out))


if __name__ == "__main__":
    main()
