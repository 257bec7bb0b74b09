"""Match territory names to their official codes: ``python scripts/resolve_names.py ENTREE.csv -o SORTIE.csv``.

The same matching as the import of a file of names on the « Données » page
(:mod:`territorial.model.names`), for batches and checks.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from territorial.model.file_reading import read_file
from territorial.model.names import NameIndex, find_columns, match_frame, with_resolution
from territorial.model.problems import ProgrammeFileError
from territorial.model.reference import load_reference
from territorial.takeaways.exports import to_csv

DESCRIPTION = """\
Retrouve le code officiel (INSEE ou SIREN) de territoires donnés par leur nom.

ENTREE : un fichier CSV (séparateur « ; » ou « , ») ou XLSX avec une colonne « nom »,
et, facultatives, « departement » (code ou nom) et « type » (commune, epci,
departement, region, ou CC, CA, CU, Métropole…). Les noms sont reconnus tels qu'on les
écrit : « Ville du Havre », « Havre (Le) », « CC du Pays de Lunel », « Département de la
Gironde », « Région Bretagne », « Saint-Denis (974) », « St-Étienne », ou un code.

SORTIE : un CSV (UTF-8, « ; ») avec une ligne par ligne d'entrée, dans l'ordre : les
colonnes de l'entrée, puis code, type, nom_officiel, statut et candidats.
  statut     certain (un seul territoire possible), ambigu (plusieurs, ou un nom
             seulement proche : à choisir) ou introuvable.
  candidats  les territoires possibles « type:code », le meilleur d'abord, séparés par
             des espaces.
Si l'entrée a déjà une colonne « code » ou « type », elle garde sa place et son nom :
elle est remplie par le résultat quand il est certain, et garde sa valeur sinon.
Rien n'est choisi au hasard : un homonyme (Saint-Denis, Vienne commune et département)
ou une faute de frappe reste « ambigu » tant qu'un département ou un type ne tranche pas.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="resolve_names.py", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("entree", metavar="ENTREE.csv", type=Path, help="fichier des noms (CSV ou XLSX)")
    parser.add_argument("-o", "--sortie", metavar="SORTIE.csv", type=Path, required=True, help="fichier écrit")
    args = parser.parse_args(argv)
    try:
        data = args.entree.read_bytes()
    except OSError as exc:
        print(f"Impossible de lire « {args.entree} » : {exc.strerror}.", file=sys.stderr)
        return 2
    try:
        table, _meta, _rows, _notes, _blank = read_file(data, filename=args.entree.name)
    except ProgrammeFileError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    columns = find_columns(table.columns)
    if "nom" not in columns:
        found = ", ".join(f"« {c} »" for c in table.columns) or "aucune"
        print(
            f"Colonne « nom » introuvable dans « {args.entree.name} » (colonnes lues : {found}) : "
            "ajoutez une colonne « nom » qui contient le nom de chaque territoire.",
            file=sys.stderr,
        )
        return 2
    index = NameIndex(load_reference())
    matches = match_frame(table, index, columns=columns)
    args.sortie.write_bytes(to_csv(with_resolution(table, matches, columns=columns)))
    counts = Counter(m.status for m in matches)
    print(
        f"{len(matches)} ligne(s) : {counts['certain']} certaine(s), {counts['ambigu']} ambiguë(s), "
        f"{counts['introuvable']} introuvable(s) → {args.sortie}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
