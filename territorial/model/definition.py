"""Programme definition: the segments, the levers and the activation levels.

The definition is configuration, read from a TOML file (``data/programme.toml``)
that a coordinator can edit. Every label, threshold, colour and description shown
by the dashboard comes from here. An invalid definition is refused with every
problem listed in French.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from territorial.core.fmt import fr_int, plural
from territorial.core.palette import MIN_GRAPHIC_CONTRAST, contrast_ratio
from territorial.core.paths import DATA_DIR

DEFAULT_DEFINITION = DATA_DIR / "programme.toml"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,15}$")


class DefinitionError(ValueError):
    """The programme definition is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str], *, source: str = "") -> None:
        self.problems = problems
        where = f" ({source})" if source else ""
        super().__init__(f"Définition du programme invalide{where} :\n- " + "\n- ".join(problems))


@dataclass(frozen=True)
class Segment:
    """A size class: territories with ``minimum <= population < maximum``."""

    id: str
    label: str
    minimum: int
    maximum: int | None
    colour: str
    description: str

    def contains(self, population: int) -> bool:
        """Whether a population falls in this segment."""
        return population >= self.minimum and (self.maximum is None or population < self.maximum)

    @property
    def bounds_label(self) -> str:
        """The bounds in French, e.g. « 50 000 à 199 999 hab. »."""

        if self.maximum is None:
            return f"{fr_int(self.minimum)} hab. et plus"
        if self.minimum == 0:
            return f"moins de {fr_int(self.maximum)} hab."
        return f"{fr_int(self.minimum)} à {fr_int(self.maximum - 1)} hab."


@dataclass(frozen=True)
class Lever:
    """A priority action lever."""

    id: str
    label: str
    short: str
    description: str
    colour: str


@dataclass(frozen=True)
class Level:
    """One activation level of a lever."""

    value: int
    label: str


@dataclass(frozen=True)
class ProgrammeDefinition:
    """Everything that names and thresholds the programme."""

    name: str
    sponsor: str
    period: str
    proxy: bool
    segments: tuple[Segment, ...]
    levers: tuple[Lever, ...]
    levels: tuple[Level, ...]
    active_from: int
    follow_up_months: int = 12

    @property
    def lever_ids(self) -> list[str]:
        return [lever.id for lever in self.levers]

    @property
    def segment_ids(self) -> list[str]:
        return [segment.id for segment in self.segments]

    @property
    def max_level(self) -> int:
        return max(level.value for level in self.levels)

    @property
    def min_level(self) -> int:
        return min(level.value for level in self.levels)

    def segment(self, segment_id: str) -> Segment:
        return next(s for s in self.segments if s.id == segment_id)

    def lever(self, lever_id: str) -> Lever:
        return next(lv for lv in self.levers if lv.id == lever_id)

    def level_label(self, value: int) -> str:
        return next((lv.label for lv in self.levels if lv.value == value), str(value))

    def segment_of(self, population: int) -> Segment:
        """The segment a population falls in (the bands cover every population ≥ 0)."""
        return next(s for s in self.segments if s.contains(population))

    def near_threshold(self, population: int, *, tolerance: float = 0.02) -> int | None:
        """The segment threshold within ``tolerance`` (2 %) of ``population``, if any.

        A threshold is a segment's lower bound (50 000, 200 000…): a territory of 49 588
        or of 50 900 inhabitants is that close to changing segment.
        """
        for threshold in (s.minimum for s in self.segments if s.minimum > 0):
            if abs(population - threshold) <= tolerance * threshold:
                return threshold
        return None

    def threshold_note(self, population: int) -> str:
        """« À 412 habitants du seuil des 50 000 habitants… » near a threshold; empty otherwise."""
        threshold = self.near_threshold(population)
        if threshold is None:
            return ""
        gap = threshold - population
        if gap > 0:
            return (
                f"À {plural(gap, 'habitant')} du seuil des {fr_int(threshold)} habitants : "
                f"une hausse de population le ferait passer dans le segment supérieur."
            )
        return (
            f"{plural(-gap, 'habitant')} au-dessus du seuil des {fr_int(threshold)} habitants : "
            f"une baisse de population le ferait passer dans le segment inférieur."
        )


def load_definition(path: Path | str = DEFAULT_DEFINITION) -> ProgrammeDefinition:
    """Read and validate a programme definition file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DefinitionError([f"fichier introuvable : {path}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError([f"syntaxe TOML incorrecte : {exc}"], source=path.name) from exc
    return parse_definition(data, source=path.name)


def parse_definition(data: dict, *, source: str = "") -> ProgrammeDefinition:
    """Validate a definition already parsed from TOML; report every problem at once."""
    problems: list[str] = []
    programme = data.get("programme", {})
    read_segments = [_segment(i, raw, problems) for i, raw in enumerate(data.get("segments", []), 1)]
    read_levers = [_lever(i, raw, problems) for i, raw in enumerate(data.get("leviers", []), 1)]
    activation = data.get("activation", {})
    read_levels = [_level(i, raw, problems) for i, raw in enumerate(activation.get("niveaux", []), 1)]
    segments = [s for s in read_segments if s]
    levers = [lv for lv in read_levers if lv]
    levels = [lv for lv in read_levels if lv]

    if not segments:
        problems.append("aucun segment défini ([[segments]])")
    if not levers:
        problems.append("aucun levier défini ([[leviers]])")
    if not levels:
        problems.append("aucun niveau d'activation défini ([[activation.niveaux]])")
    _unique("segment", [s.id for s in segments], problems)
    _unique("levier", [lv.id for lv in levers], problems)
    _unique("niveau d'activation", [str(lv.value) for lv in levels], problems)
    _check_bands(segments, problems)
    active_from = activation.get("seuil_active", 1)
    if not isinstance(active_from, int) or (levels and not any(lv.value == active_from for lv in levels)):
        problems.append(f"activation.seuil_active = {active_from!r} : doit être la valeur d'un des niveaux")
    follow_up = data.get("suivi", {})
    follow_up_months = follow_up.get("intervalle_mois", 12)
    if not isinstance(follow_up_months, int) or isinstance(follow_up_months, bool) or not 1 <= follow_up_months <= 60:
        problems.append(f"suivi.intervalle_mois = {follow_up_months!r} : doit être un nombre de mois entre 1 et 60")
    if problems:
        raise DefinitionError(problems, source=source)
    return ProgrammeDefinition(
        name=str(programme.get("nom", "Programme")),
        sponsor=str(programme.get("porteur", "")),
        period=str(programme.get("periode", "")),
        proxy=bool(programme.get("proxy", False)),
        segments=tuple(sorted(segments, key=lambda s: s.minimum)),
        levers=tuple(levers),
        levels=tuple(sorted(levels, key=lambda lv: lv.value)),
        active_from=active_from,
        follow_up_months=follow_up_months,
    )


def _text(raw: dict, key: str, where: str, problems: list[str], *, required: bool = True) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{where} : « {key} » manquant ou vide")
        return ""
    return value.strip()


def _colour(raw: dict, where: str, problems: list[str]) -> str:
    colour = raw.get("couleur", "")
    if not isinstance(colour, str) or not _COLOUR.match(colour):
        problems.append(f"{where} : couleur {colour!r} invalide (attendu #rrggbb, ex. #1f78b4)")
        return "#000000"
    ratio = contrast_ratio(colour)
    if ratio < MIN_GRAPHIC_CONTRAST:
        shown = f"{ratio:.2f}".replace(".", ",")
        problems.append(
            f"{where} : couleur {colour.lower()} trop pâle pour la carte (contraste de {shown}:1 sur le "
            "fond blanc, il en faut au moins 3:1) : choisissez une teinte plus foncée"
        )
    return colour.lower()


def _identifier(raw: dict, where: str, problems: list[str]) -> str:
    value = raw.get("id", "")
    if not isinstance(value, str) or not _ID.match(value):
        problems.append(f"{where} : identifiant {value!r} invalide (lettres et chiffres, ex. S1)")
    return str(value)


def _segment(i: int, raw: dict, problems: list[str]) -> Segment | None:
    where = f"segment n°{i}"
    ident = _identifier(raw, where, problems)
    minimum, maximum = raw.get("min"), raw.get("max")
    if not isinstance(minimum, int) or minimum < 0:
        problems.append(f"{where} ({ident}) : « min » doit être un entier positif ou nul")
        minimum = None
    if maximum is not None and (not isinstance(maximum, int) or (minimum is not None and maximum <= minimum)):
        problems.append(f"{where} ({ident}) : « max » doit être un entier supérieur à « min »")
        maximum = None
        minimum = None
    segment = Segment(
        id=ident,
        label=_text(raw, "libelle", where, problems),
        minimum=minimum if minimum is not None else -1,
        maximum=maximum,
        colour=_colour(raw, f"{where} ({ident})", problems),
        description=_text(raw, "description", where, problems, required=False),
    )
    return segment if minimum is not None else None


def _lever(i: int, raw: dict, problems: list[str]) -> Lever:
    where = f"levier n°{i}"
    ident = _identifier(raw, where, problems)
    return Lever(
        id=ident,
        label=_text(raw, "libelle", where, problems),
        short=_text(raw, "court", where, problems, required=False),
        description=_text(raw, "description", where, problems, required=False),
        colour=_colour(raw, f"{where} ({ident})", problems),
    )


def _level(i: int, raw: dict, problems: list[str]) -> Level | None:
    value = raw.get("valeur")
    if not isinstance(value, int) or isinstance(value, bool):
        problems.append(f"niveau d'activation n°{i} : « valeur » doit être un entier")
        return None
    return Level(value=value, label=_text(raw, "libelle", f"niveau {value}", problems))


def _unique(kind: str, ids: list[str], problems: list[str]) -> None:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            problems.append(f"identifiant de {kind} en double : {ident}")
        seen.add(ident)


def _check_bands(segments: list[Segment], problems: list[str]) -> None:
    """Bands must start at 0, follow each other with no gap nor overlap, and end open."""
    if not segments:
        return
    ordered = sorted(segments, key=lambda s: s.minimum)
    if ordered[0].minimum != 0:
        problems.append(f"le premier segment ({ordered[0].id}) doit commencer à 0 habitant")
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.maximum is None:
            problems.append(f"le segment {before.id} n'a pas de maximum mais le segment {after.id} le suit")
        elif after.minimum < before.maximum:
            problems.append(f"les segments {before.id} et {after.id} se chevauchent")
        elif after.minimum > before.maximum:
            problems.append(
                f"trou entre les segments {before.id} (max {before.maximum}) et {after.id} (min {after.minimum})"
            )
    if ordered[-1].maximum is not None:
        problems.append(f"le dernier segment ({ordered[-1].id}) ne doit pas avoir de maximum")
