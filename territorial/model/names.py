"""Territories by name: the names people write, matched to the reference's codes.

A coordinator's spreadsheet names its territories the way people write them: « CC du Pays
de Lunel », « Ville du Havre », « Havre (Le) », « Département de la Gironde », « Région
Bretagne », « Valence (26) », « St-Denis », or a code (INSEE, SIREN) in the name column.
:class:`NameIndex` is built once per reference and matches such a name to the communes,
EPCI, départements and régions of :class:`~territorial.model.reference.Reference`.

The rule is **never silently wrong**. A :class:`Match` is

* ``certain`` when exactly one territory has that name once normalised (accents, case,
  hyphens, « St »/« Ste », the inverted article, the words before a name), after the cues
  given (a département in brackets or in a ``departement`` column, a type word or a
  ``type`` column);
* ``ambigu`` when several do (Saint-Denis, Valence; « Vienne », a commune and a
  département) or when the name is only close to one (a typo is proposed, never accepted);
* ``introuvable`` when nothing comes near (« PETR du Pays de Langres », a park).

Candidates come best first (exact name first, then the largest population), each with
what a person needs to choose: official name, kind, département, population and its year.

The written name as a whole must equal a name: exact official names (« Lyon ») win over
names that only equal once their kind words are dropped (« Métropole de Lyon »); with a
type word or column, both count (« Métropole de Lyon », « Métropole Lyon »).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from territorial.core.codes import normalise_code
from territorial.core.fmt import fold
from territorial.model.reference import Reference
from territorial.model.vocabulary import KIND_LABELS, KIND_WORDS, LAYER_OF_KIND

CERTAIN = "certain"
AMBIGUOUS = "ambigu"
NOT_FOUND = "introuvable"
STATUSES = (CERTAIN, AMBIGUOUS, NOT_FOUND)
#: The kinds of the reference, in the order a tie is shown.
KINDS = ("commune", "epci", "departement", "region")
#: How many candidates a match lists at most (all the homonyms of a name, a few close names).
MAX_CANDIDATES = 40
MAX_CLOSE = 8
#: Longest name matched (a longer cell is « introuvable »).
MAX_NAME = 300
#: Inexact names of one table for which close names are searched (about 20 ms each).
MAX_CLOSE_SEARCHES = 1000
#: Similarity (difflib ratio of normalised names) from which an inexact name is proposed.
CLOSE = 0.8


# Words written before a name (normalised text), longest first, with the kind they hint.
_PREFIXES: list[tuple[str, str, str]] = sorted(
    [
        ("commune", "commune", ""),
        ("ville", "commune", ""),
        ("mairie", "commune", ""),
        ("communaute de communes", "epci", "CC"),
        ("communaute de commune", "epci", "CC"),
        ("cc", "epci", "CC"),
        ("ccom", "epci", "CC"),
        ("communaute d agglomeration", "epci", "CA"),
        ("communaute d agglo", "epci", "CA"),
        ("agglomeration", "epci", "CA"),
        ("agglo", "epci", "CA"),
        ("ca", "epci", "CA"),
        ("communaute urbaine", "epci", "CU"),
        ("cu", "epci", "CU"),
        ("metropole", "epci", "ME"),
        ("intercommunalite", "epci", ""),
        ("departement", "departement", ""),
        ("dept", "departement", ""),
        ("conseil departemental", "departement", ""),
        ("conseil general", "departement", ""),
        ("cd", "departement", ""),
        ("region", "region", ""),
        ("conseil regional", "region", ""),
        ("collectivite territoriale", "region", ""),
        ("collectivite", "region", ""),
        ("petr", "groupement", ""),
        ("pole d equilibre territorial et rural", "groupement", ""),
        ("pnr", "groupement", ""),
        ("parc naturel regional", "groupement", ""),
        ("parc national", "groupement", ""),
        ("syndicat mixte", "groupement", ""),
        ("scot", "groupement", ""),
        ("gal", "groupement", ""),
    ],
    key=lambda p: -len(p[0]),
)
# « de la », « du »… after a prefix word: the article they carry (« Ville du Havre » = Le Havre).
_CONNECTORS = (("de la ", "la "), ("de l ", "l "), ("du ", "le "), ("des ", "les "), ("de ", ""), ("d ", ""))
_ARTICLES = {"le", "la", "les", "l", "aux", "las", "los"}
# An EPCI's own name ends with its kind sometimes (« Bordeaux Métropole », « Lunel Agglo »).
_EPCI_SUFFIXES = (" metropole", " agglo", " agglomeration", " communaute")
# Words that do not tell two names apart (for proposals by shared words).
_COMMON_WORDS = _ARTICLES | {
    "de", "du", "des", "d", "et", "sur", "en", "sous", "saint", "sainte", "pays", "grand", "communaute",
    "communes", "agglomeration", "urbaine", "metropole", "agglo", "val", "vallee", "haut", "haute", "bas", "basse",
}  # fmt: skip

_INVERTED = re.compile(r"^(.*\S)\s*\(\s*(le|la|les|l'|l’|l|aux|las|los)\s*\)\s*(.*)$", re.IGNORECASE)
_BRACKETS = re.compile(r"^(.*\S)\s*\(([^()]*)\)\s*$")
_DEPT_CODE = re.compile(r"(\d{2,3}|2[AB])")
_COMMUNE_CODE = re.compile(r"(\d{5}|2[AB]\d{3})")
_SIREN = re.compile(r"\d{9}")
_SUR = re.compile(r"\bs/")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def normalise(text: str) -> str:
    """A name as compared: no accents, lower case, words separated by one space, « st » = « saint »."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    if "/" in text or "&" in text:
        text = _SUR.sub("sur ", text).replace("&", " et ")
    words = _NON_ALNUM.sub(" ", text).split()
    return " ".join(_SAINTS.get(w, w) for w in words)


def _drop_article(key: str) -> str:
    first, _, rest = key.partition(" ")
    return rest if first in _ARTICLES and rest else key


def _epci_core(key: str) -> str:
    """An EPCI's name without its kind words (« communaute de communes du pays de x » -> « pays de x »)."""
    for prefix, kind, _ in _PREFIXES:
        if kind == "epci" and key.startswith(prefix + " "):
            key = key[len(prefix) + 1 :]
            break
    for connector, _ in _CONNECTORS:
        if key.startswith(connector):
            key = key[len(connector) :]
            break
    return _drop_article(key)


@dataclass(frozen=True)
class Candidate:
    """A territory of the reference that a written name may mean."""

    kind: str
    code: str
    name: str
    departement: str
    departement_name: str
    population: int
    year: str

    @property
    def key(self) -> str:
        """``type:code``, as the script writes it (« commune:97411 »)."""
        return f"{self.kind}:{self.code}"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class Match:
    """What a written name was matched to: a status, the candidates best first, and why."""

    written: str
    status: str
    candidates: tuple[Candidate, ...] = ()
    reason: str = ""
    #: The name or its type says it is a groupement (PETR, pays, parc…): not in the reference.
    groupement: bool = False

    @property
    def chosen(self) -> Candidate | None:
        """The territory, when the match is certain."""
        return self.candidates[0] if self.status == CERTAIN else None


@dataclass
class _Query:
    """A written name taken apart: its normalised name, and the cues around it."""

    key: str
    kinds: set[str] = field(default_factory=set)
    nature: str = ""
    departement: str = ""
    notes: list[str] = field(default_factory=list)  # why it cannot be certain
    prefix: bool = False  # a kind word was written before the name


class NameIndex:
    """Every name of the reference, ready to match written names (build once per reference)."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self._candidates: list[Candidate] = []
        self._nature: list[str] = []
        self._region: list[str] = []
        self._full: dict[str, list[int]] = defaultdict(list)  # official name, normalised
        self._loose: dict[str, list[int]] = defaultdict(list)  # without article or kind words
        self._by_code: dict[tuple[str, str], int] = {}
        self._keys: list[str] = []  # the official name of each territory, normalised
        self._match_keys: list[list[str]] = []  # and every name it is known by
        departements = reference.departements["nom"].astype(str).to_dict()
        dep_regions = reference.departements["region"].astype(str).to_dict()
        for kind in KINDS:
            layer = reference.layer(LAYER_OF_KIND[kind])
            codes = layer.index.astype(str).tolist()
            names = layer["nom"].astype(str).tolist()
            deps = codes if kind == "departement" else [""] * len(codes) if kind == "region" else None
            if deps is None:
                deps = layer["departement"].fillna("").astype(str).tolist()
            regions = codes if kind == "region" else layer["region"].fillna("").astype(str).tolist()
            natures = layer["nature"].astype(str).tolist() if kind == "epci" else [""] * len(codes)
            populations = layer["population"].astype("int64").tolist()
            years = layer["annee_population"].astype(str).tolist()
            for code, name, dep, region, nature, population, year in zip(
                codes, names, deps, regions, natures, populations, years, strict=True
            ):
                position = len(self._candidates)
                self._candidates.append(
                    Candidate(kind, code, name, dep, str(departements.get(dep, "")), int(population), year)
                )
                self._nature.append(nature)
                self._region.append(region or str(dep_regions.get(dep, "")))
                self._by_code[(kind, code)] = position
                full = normalise(name)
                self._full[full].append(position)
                loose_keys = self._loose_keys(full, kind)
                for loose in loose_keys:
                    self._loose[loose].append(position)
                self._keys.append(full)
                self._match_keys.append(sorted({full, *loose_keys}))
        self._dep_by_name = {normalise(n): c for c, n in departements.items()}
        # trigrams of every name, for the names close to an inexact one
        grams: dict[str, list[int]] = defaultdict(list)
        for position, names in enumerate(self._match_keys):
            for gram in set().union(*(_trigrams(k) for k in names)):
                grams[gram].append(position)
        self._grams = dict(grams)
        words: dict[str, list[int]] = defaultdict(list)
        for position, names in enumerate(self._match_keys):
            for word in {w for k in names for w in k.split()} - _COMMON_WORDS:
                words[word].append(position)
        self._words = dict(words)

    @staticmethod
    def _loose_keys(full: str, kind: str) -> set[str]:
        keys = {_drop_article(full)}
        if kind == "epci":
            core = _epci_core(full)
            keys.add(core)
            for suffix in _EPCI_SUFFIXES:
                if core.endswith(suffix) and len(core) > len(suffix):
                    keys.add(_drop_article(core[: -len(suffix)]))
        keys.discard(full)
        return keys

    # ------------------------------------------------------------------ public

    def candidate(self, kind: str, code: str) -> Candidate | None:
        """The territory of that kind and code, or None."""
        position = self._by_code.get((kind, code))
        return None if position is None else self._candidates[position]

    def match(self, written: object, *, departement: object = "", kind: object = "", close: bool = True) -> Match:
        """Match one written name (with its optional ``departement`` and ``type`` cells).

        ``close=False``: no search of close names for an inexact one (about 20 ms each), which
        is then « introuvable » (see :data:`MAX_CLOSE_SEARCHES`).
        """
        text = "" if written is None or (not isinstance(written, str) and pd.isna(written)) else str(written)
        text = " ".join(text.split())
        if not text:
            return Match(text, NOT_FOUND, (), "nom vide.")
        if len(text) > MAX_NAME:
            return Match(text, NOT_FOUND, (), f"nom trop long ({len(text)} caractères ; {MAX_NAME} au plus).")
        by_code = self._by_code_match(text, kind)
        if by_code is not None:
            return by_code
        query = self._query(text, departement, kind)
        if "groupement" in query.kinds:
            return Match(
                text,
                NOT_FOUND,
                (),
                "groupement (PETR, pays, parc…) : il n'est pas dans le référentiel ; déclarez-le avec ses membres.",
                groupement=True,
            )
        if not query.key:
            return Match(text, NOT_FOUND, (), "aucun nom après les mots « " + text + " ».")
        found, exact = self._lookup(query)
        if found:
            ranked = self._rank(found, exact)
            if len(ranked) == 1 and not query.notes:
                return Match(text, CERTAIN, tuple(ranked), self._certain_reason(query, ranked[0], exact))
            if len(ranked) == 1:
                return Match(text, AMBIGUOUS, tuple(ranked), " ; ".join(query.notes) + " : à confirmer.")
            return Match(text, AMBIGUOUS, tuple(ranked[:MAX_CANDIDATES]), self._homonyms_reason(ranked))
        if not close:
            return Match(
                text,
                NOT_FOUND,
                (),
                f"aucun territoire ne porte exactement ce nom ; pas de recherche de noms proches au-delà des "
                f"{MAX_CLOSE_SEARCHES} premiers noms inexacts du fichier : cherchez-le dans le référentiel.",
            )
        proposals = self._close(query)
        if proposals:
            return Match(
                text,
                AMBIGUOUS,
                tuple(proposals),
                "aucun territoire ne porte exactement ce nom ; nom(s) proche(s) proposé(s).",
            )
        return Match(text, NOT_FOUND, (), "aucun territoire du référentiel ne porte ce nom ni un nom proche.")

    def match_all(
        self,
        names: Sequence[object],
        departements: Sequence[object] | None = None,
        kinds: Sequence[object] | None = None,
    ) -> list[Match]:
        """Match many names; the same (name, département, type) is matched once."""
        n = len(names)
        deps = departements if departements is not None else [""] * n
        types = kinds if kinds is not None else [""] * n
        seen: dict[tuple[str, str, str], Match] = {}
        out = []
        searches = 0
        for name, dep, kind in zip(names, deps, types, strict=True):
            key = (_cell(name), _cell(dep), _cell(kind))
            if key not in seen:
                match = self.match(*key[:1], departement=key[1], kind=key[2], close=False)
                if match.status == NOT_FOUND and not match.groupement and searches < MAX_CLOSE_SEARCHES:
                    searches += 1
                    match = self.match(*key[:1], departement=key[1], kind=key[2])
                seen[key] = match
            out.append(seen[key])
        return out

    def search(self, text: str, *, limit: int = 20) -> list[Candidate]:
        """Territories whose name is, starts like, contains or is close to ``text`` (for a search box)."""
        key = normalise(text)
        if len(key) < 2:
            return []
        match = self.match(text)
        found = list(match.candidates)
        seen = {c.key for c in found}
        starts, contains = [], []
        for position, candidate in enumerate(self._candidates):
            name = self._keys[position]
            if candidate.key in seen:
                continue
            if name.startswith(key) or _drop_article(name).startswith(key):
                starts.append(candidate)
            elif f" {key}" in f" {name}":
                contains.append(candidate)

        def by_size(c: Candidate) -> int:
            return -c.population

        found += sorted(starts, key=by_size) + sorted(contains, key=by_size)
        return found[:limit]

    # ------------------------------------------------------------------ internals

    def _by_code_match(self, text: str, kind_cell: object) -> Match | None:
        """A code written in the name column (SIREN, INSEE code of a commune, département or région)."""
        code = normalise_code(text)
        if not (_SIREN.fullmatch(code) or _COMMUNE_CODE.fullmatch(code) or _DEPT_CODE.fullmatch(code)):
            return None
        wanted = KIND_WORDS.get(fold(_cell(kind_cell)), ("", ""))[0]
        kinds = [k for k in KINDS if (not wanted or k == wanted) and (k, code) in self._by_code]
        found = [self._candidates[self._by_code[(k, code)]] for k in kinds]
        label = {"epci": "numéro SIREN", "commune": "code INSEE"}
        if len(found) == 1:
            return Match(text, CERTAIN, tuple(found), f"{label.get(found[0].kind, 'code')} {code}.")
        if found:
            return Match(text, AMBIGUOUS, tuple(found), f"le code {code} est celui d'un département et d'une région.")
        if _COMMUNE_CODE.fullmatch(code) and code in self.reference.anciennes.index:
            old = self.reference.anciennes.loc[code]
            parent = self.candidate("commune", str(old["parent"]))
            if parent is not None:
                return Match(
                    text,
                    AMBIGUOUS,
                    (parent,),
                    f"le code {code} est celui d'une {old['nature']} ({old['nom']}) : sa commune est proposée.",
                )
        return Match(text, NOT_FOUND, (), f"le code {code} n'est pas dans le référentiel 2026.")

    def _query(self, text: str, departement: object, kind_cell: object) -> _Query:
        query = _Query("")
        raw = text
        inverted = _INVERTED.match(raw)
        # « Havre (Le) (76) », « Valence (Drôme) »; not « Château-Chinon (Ville) », an official name
        for _ in range(0 if normalise(raw) in self._full else 3):
            inverted = _INVERTED.match(raw)
            if inverted:
                article = inverted.group(2).replace("’", "'")
                joined = article if article.endswith("'") else article + " "
                raw = f"{joined}{inverted.group(1)} {inverted.group(3)}".strip()
                continue
            brackets = _BRACKETS.match(raw)
            if not brackets:
                break
            inside = brackets.group(2).strip()
            dep = self._departement(inside)
            folded = fold(inside)
            if dep:
                query.departement = dep
            elif folded in KIND_WORDS:
                query.kinds.add(KIND_WORDS[folded][0])
                query.nature = query.nature or KIND_WORDS[folded][1]
            else:
                break  # part of the name (« Communauté de communes … (CCPL) »)
            raw = brackets.group(1)
        key = normalise(raw)
        # « Ville-aux-Bois », « Ville-la-Grand », or any official name: no prefix word to drop
        hyphenated = re.match(r"^[^\s'’-]+-", raw) is not None
        for prefix, kind, nature in [] if hyphenated or key in self._full else _PREFIXES:
            if key == prefix or key.startswith(prefix + " "):
                rest = key[len(prefix) :].lstrip()
                if kind == "region" and rest.startswith("de corse"):  # « Collectivité de Corse »
                    rest = rest[3:]
                if kind == "groupement" or rest:
                    query.kinds.add(kind)
                    query.nature = query.nature or nature
                    query.prefix = True
                    key = rest
                break
        if query.prefix:
            for connector, article in _CONNECTORS:
                if key.startswith(connector):
                    key = article + key[len(connector) :]
                    break
        query.key = key
        dep_cell = _cell(departement)
        if dep_cell:
            dep = self._departement(dep_cell)
            if dep:
                if query.departement and dep != query.departement:
                    query.notes.append(f"deux départements indiqués ({query.departement} et {dep})")
                query.departement = query.departement or dep
            else:
                query.notes.append(f"département « {dep_cell} » inconnu")
        type_cell = fold(_cell(kind_cell))
        if type_cell:
            kind, nature = KIND_WORDS.get(type_cell, ("", ""))
            if not kind:
                query.notes.append(f"type « {_cell(kind_cell)} » inconnu")
            elif query.kinds and kind not in query.kinds:
                query.notes.append(f"le type « {_cell(kind_cell)} » contredit le nom")
                query.kinds.add(kind)
            else:
                query.kinds = {kind}
                query.nature = nature or query.nature
        return query

    def _departement(self, text: str) -> str:
        """The département code a cell or a bracket means (« 26 », « 2a », « Drôme »), or ""."""
        code = normalise_code(text)
        if re.fullmatch(r"\d", code):
            code = "0" + code
        if ("departement", code) in self._by_code:
            return code
        return self._dep_by_name.get(normalise(re.sub(r"^(département|departement)\s+", "", text, flags=re.I)), "")

    def _allowed(self, position: int, query: _Query) -> bool:
        candidate = self._candidates[position]
        if query.kinds and candidate.kind not in query.kinds:
            return False
        if query.departement:
            if candidate.kind == "region":
                region = self._region_of_departement(query.departement)
                return candidate.code == region
            return candidate.departement == query.departement
        return True

    def _region_of_departement(self, code: str) -> str:
        position = self._by_code.get(("departement", code))
        return "" if position is None else self._region[position]

    def _lookup(self, query: _Query) -> tuple[list[int], set[int]]:
        """The territories whose name equals the query's, and those whose official name does."""
        keys = {query.key, _drop_article(query.key)}
        exact = set(self._full.get(query.key, ()))
        loose = {p for k in keys for p in (*self._full.get(k, ()), *self._loose.get(k, ()))}
        if query.kinds and "epci" in query.kinds:
            core = _epci_core(query.key)
            loose |= set(self._loose.get(core, ()))
        # an exact official name wins over names without their article or kind words
        pool = exact | loose
        kept = [p for p in exact if self._allowed(p, query)] or [p for p in pool if self._allowed(p, query)]
        if kept and query.nature and "epci" in query.kinds:
            same = [p for p in kept if self._candidates[p].kind != "epci" or self._nature[p] == query.nature]
            if not same:
                query.notes.append("la nature de l'intercommunalité diffère de celle écrite")
            kept = same or kept
        if not kept and pool and query.departement:
            query.notes.append(f"aucun territoire de ce nom dans le département {query.departement}")
            kept = list(pool)
        return kept, exact

    def _rank(self, found: Iterable[int], exact: set[int]) -> list[Candidate]:
        order = sorted(found, key=lambda p: (p not in exact, -self._candidates[p].population, p))
        return [self._candidates[p] for p in order]

    @staticmethod
    def _certain_reason(query: _Query, chosen: Candidate, exact: set[int]) -> str:
        cues = []
        if query.departement:
            cues.append(f"département {query.departement}")
        if query.kinds:
            cues.append(KIND_LABELS[chosen.kind].lower())
        return "nom reconnu" + (f" ({', '.join(cues)})" if cues else "") + "."

    @staticmethod
    def _homonyms_reason(ranked: list[Candidate]) -> str:
        kinds = {c.kind for c in ranked}
        if len(kinds) > 1:
            what = " et ".join(sorted({KIND_LABELS[k].lower() for k in kinds}))
            return f"{len(ranked)} territoires portent ce nom ({what}) : précisez le type ou choisissez."
        return f"{len(ranked)} territoires portent ce nom : précisez le département ou choisissez."

    def _close(self, query: _Query) -> list[Candidate]:
        """Names close to the query's (a typo), or sharing its distinctive words: proposals only."""
        grams = self._grams
        counts: Counter[int] = Counter()
        query_grams = _trigrams(query.key)
        for gram in query_grams:
            counts.update(grams.get(gram, ()))
        scored: dict[int, float] = {}
        # a name at a ratio of 0.8 shares at least about half the query's trigrams
        need = max(1, len(query_grams) // 2)
        likely = sorted(((n, p) for p, n in counts.items() if n >= need), reverse=True)[:400]
        matcher = difflib.SequenceMatcher(None, "", query.key)  # the query's side is analysed once
        for _shared, position in likely:
            for key in self._match_keys[position]:
                matcher.set_seq1(key)
                if matcher.real_quick_ratio() < CLOSE or matcher.quick_ratio() < CLOSE:
                    continue  # upper bounds of the ratio, much cheaper
                ratio = matcher.ratio()
                if ratio >= CLOSE:
                    scored[position] = max(scored.get(position, 0), ratio)
        words = set(query.key.split()) - _COMMON_WORDS
        if words and not scored:  # names that hold every distinctive word of the query
            sharing = set.intersection(*(set(self._words.get(w, ())) for w in words))
            for position in sharing:
                scored.setdefault(position, 0.5)
        kept = [p for p in scored if self._allowed(p, query)]
        kept.sort(key=lambda p: (-round(scored[p], 2), -self._candidates[p].population))
        return [self._candidates[p] for p in kept[:MAX_CLOSE]]


def _trigrams(key: str) -> set[str]:
    padded = f"  {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return " ".join(str(value).split())


# --------------------------------------------------------------------------- tables

#: Columns a table of names may use, by the folded header that names them.
NAME_COLUMNS = {
    "nom": ("nom", "libelle", "name", "territoire", "nom_du_territoire", "nom_territoire", "collectivite"),
    "departement": ("departement", "dep", "dept", "code_departement", "departement_code", "num_departement"),
    "type": ("type", "nature", "type_de_territoire", "kind"),
    "code": ("code", "code_insee", "siren", "code_officiel"),
}


def header_key(header: object) -> str:
    """A header as compared (« Département » -> « departement », « Nom du territoire » -> « nom_du_territoire »)."""
    return re.sub(r"[^a-z0-9']+", "_", fold(header)).strip("_")


def find_columns(columns: Iterable[object]) -> dict[str, str]:
    """The file's own header of the ``nom``, ``departement``, ``type`` and ``code`` columns found."""
    found: dict[str, str] = {}
    for column in columns:
        key = header_key(column)
        for canonical, aliases in NAME_COLUMNS.items():
            if key in aliases and canonical not in found:
                found[canonical] = str(column)
    return found


def match_frame(frame: pd.DataFrame, index: NameIndex, *, columns: dict[str, str] | None = None) -> list[Match]:
    """Match each row of ``frame`` by its name column (and its departement and type columns)."""
    columns = columns or find_columns(frame.columns)
    if "nom" not in columns:
        raise KeyError("nom")

    def values(name: str) -> list[object] | None:
        return frame[columns[name]].tolist() if name in columns else None

    return index.match_all(values("nom") or [], values("departement"), values("type"))


#: Columns the resolution adds after the input's (``code`` and ``type`` fill the input's own when it has them).
RESULT_COLUMNS = ("code", "type", "nom_officiel", "statut", "candidats")


def with_resolution(
    frame: pd.DataFrame, matches: Sequence[Match], *, columns: dict[str, str] | None = None
) -> pd.DataFrame:
    """``frame`` with, for each row, the code, type, official name, status and candidates of its match.

    The input's columns keep their names and order. A ``code`` or ``type`` column the input
    already has is filled in place where the match is certain (its own value is kept
    otherwise); the columns it does not have are added after its own, in the order of
    :data:`RESULT_COLUMNS`. ``candidats``: ``type:code`` best first, separated by spaces.
    """
    columns = columns or find_columns(frame.columns)
    out = frame.copy()
    for canonical in ("code", "type"):
        header = columns.get(canonical, canonical)
        own = out[header].map(_cell).tolist() if header in out.columns else [""] * len(out)
        index = 0 if canonical == "code" else 1
        out[header] = [
            (m.chosen.code, m.chosen.kind)[index] if m.chosen else value for m, value in zip(matches, own, strict=True)
        ]
    out["nom_officiel"] = [m.chosen.name if m.chosen else "" for m in matches]
    out["statut"] = [m.status for m in matches]
    out["candidats"] = [" ".join(c.key for c in m.candidates) for m in matches]
    return out
