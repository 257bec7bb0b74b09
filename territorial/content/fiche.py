"""The « fiche territoire » as plain data: what one territory's page shows.

:func:`fiche_data` gathers the facts (segment, lever levels, peers, similar
territories, dialogue notes); :mod:`~territorial.content.fiche_text` writes them for the
page, :mod:`~territorial.content.fiche_map` draws the territory in its area and
:mod:`~territorial.takeaways.fiche_pdf` prints them on one page. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from territorial.content.dialogues import NOT_ASSESSED
from territorial.content.follow_up import follow_up_of
from territorial.content.levers import peer_share, similar_territories
from territorial.content.segment_text import segment_note
from territorial.content.selection import search_label, search_mask
from territorial.content.size_effect import MIN_TERRITORIES
from territorial.content.size_effect_text import share_interval
from territorial.core.codes import fiche_link
from territorial.core.fmt import fold, fr_date, fr_pct, fr_pop, plural
from territorial.core.stats import wilson
from territorial.model.definition import Segment
from territorial.model.programme import Programme
from territorial.model.reference import Reference


class UnknownTerritoryError(KeyError):
    """No territory of the programme has this code; the message is in French."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"Aucun territoire du programme n'a le code «\u00a0{code}\u00a0».")

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class LeverLine:
    """One lever as the fiche shows it: this territory's level and its peers' share."""

    id: str
    label: str
    description: str
    colour: str
    level: int | None  # None: not yet assessed at the day shown
    level_label: str
    max_level: int
    active: bool
    peer_share: float
    peer_n: int = 0  # the peers assessed at the day shown (the share's denominator)

    @property
    def peer_share_txt(self) -> str:
        return "–" if pd.isna(self.peer_share) else fr_pct(self.peer_share)

    @property
    def peer_interval(self) -> tuple[float, float] | None:
        """Wilson 95 % interval of the peers' share; None below the minimum of territories."""
        if pd.isna(self.peer_share) or self.peer_n < MIN_TERRITORIES:
            return None
        low, high = wilson(round(self.peer_share * self.peer_n), self.peer_n)
        return float(low), float(high)

    @property
    def peer_interval_txt(self) -> str:
        """« 45 % [29–62 %] »; « 2 sur 3 » below the minimum of territories; « – » without peers."""
        if pd.isna(self.peer_share) or not self.peer_n:
            return "–"
        interval = self.peer_interval
        if interval is None:
            return f"{round(self.peer_share * self.peer_n)} sur {self.peer_n}"
        return share_interval(self.peer_share, *interval)


@dataclass(frozen=True)
class Similar:
    """A territory of the same segment with a close lever profile."""

    code: str
    nom: str
    nature: str
    population: int
    n_actives: int
    distance: int

    @property
    def link(self) -> str:
        """Markdown link to its fiche, name escaped (plain escaped text if the code is odd)."""
        return fiche_link(self.code, self.nom)


@dataclass(frozen=True)
class Fiche:
    """Everything the fiche of one territory shows."""

    code: str
    nom: str
    kind: str
    nature: str
    population: int
    #: « population municipale 2023 en vigueur au 1er janvier 2026, INSEE »
    population_label: str
    #: « À 412 habitants du seuil des 50 000 habitants… » within 2 % of a threshold, else empty
    threshold_txt: str
    segment_note: str
    departement: str
    departement_nom: str
    region: str
    region_nom: str
    segment: Segment
    n_peers: int
    levers: tuple[LeverLine, ...]
    n_actives: int
    similar: tuple[Similar, ...]
    date_dialogue: str
    notes: str
    contact: str
    members: tuple[str, ...]
    #: Whether the territory had been assessed at the day shown; « 30 juin 2024 » (empty: latest dialogues).
    assessed: bool = True
    as_of: str = ""
    first_dialogue: str = ""
    #: « Prochain dialogue attendu : mars 2027 (T+36) », « …, en retard de 2 mois », « Suivi achevé : … ».
    follow_up: str = ""

    @property
    def population_txt(self) -> str:
        """« 1 436 354 hab. (population municipale 2023 en vigueur au 1er janvier 2026, INSEE) »."""
        return f"{fr_pop(self.population)} ({self.population_label})"

    @property
    def place_txt(self) -> str:
        """« Rhône (69), Auvergne-Rhône-Alpes », or what is known of it."""
        parts = []
        if self.departement_nom and self.kind != "departement":
            parts.append(f"{self.departement_nom} ({self.departement})")
        if self.region_nom and self.kind != "region":
            parts.append(self.region_nom)
        return ", ".join(parts)

    @property
    def actives_txt(self) -> str:
        if not self.assessed:
            return f"{NOT_ASSESSED} au {self.as_of} (premier dialogue le {self.first_dialogue})"
        return f"{plural(self.n_actives, 'levier activé', 'leviers activés')} sur {len(self.levers)}"

    @property
    def code_kind(self) -> str:
        """What the code is: « code INSEE », « SIREN » or « code » (a groupement's own)."""
        return {"commune": "code INSEE", "departement": "code INSEE", "region": "code INSEE", "epci": "SIREN"}.get(
            self.kind, "code"
        )

    @property
    def peers_txt(self) -> str:
        """« les 28 autres territoires du segment « Petits territoires » »."""
        return f"{plural(self.n_peers, 'autre territoire', 'autres territoires')} du segment « {self.segment.label} »"


def fiche_data(
    programme: Programme,
    code: str,
    *,
    reference: Reference | None = None,
    n_similar: int = 5,
    today: date | None = None,
) -> Fiche:
    """Gather what the fiche of territory ``code`` shows.

    Parameters
    ----------
    programme
        The programme.
    code
        The territory's code (index of ``programme.territories``).
    reference
        Reference geography, used to name a groupement's members.
    n_similar
        How many similar territories to list.
    today
        The day of the follow-up's line when the programme shows the latest dialogues
        (default: today in Paris).

    Raises
    ------
    UnknownTerritoryError
        No territory of the programme has this code.
    """
    data = programme.territories
    if code not in data.index:
        raise UnknownTerritoryError(code)
    row = data.loc[code]
    definition = programme.definition
    segment = definition.segment(row["segment"])
    shares = peer_share(programme, code)
    peer_n = int(((data["segment"] == segment.id) & (data.index != code) & data["evalue"]).sum())
    assessed = bool(row["evalue"])
    levels = {lever.id: int(row[lever.id]) if assessed else None for lever in definition.levers}
    levers = tuple(
        LeverLine(
            id=lever.id,
            label=lever.label,
            description=lever.description,
            colour=lever.colour,
            level=level,
            level_label=NOT_ASSESSED if level is None else definition.level_label(level),
            max_level=definition.max_level,
            active=level is not None and level >= definition.active_from,
            peer_share=float(shares[lever.id]),
            peer_n=peer_n,
        )
        for lever, level in ((lever, levels[lever.id]) for lever in definition.levers)
    )
    similar = tuple(
        Similar(
            code=str(c),
            nom=str(r["nom"]),
            nature=str(r["nature"]),
            population=int(r["population"]),
            n_actives=int(r["n_actives"]),
            distance=int(r["distance"]),
        )
        for c, r in similar_territories(programme, code, n=n_similar).iterrows()
    )
    return Fiche(
        code=code,
        nom=str(row["nom"]),
        kind=str(row["type"]),
        nature=str(row["nature"]),
        population=int(row["population"]),
        population_label=programme.populations.label(str(row["annee_population"])),
        # a threshold means nothing for a territory the programme placed itself
        threshold_txt="" if row["segment_attribue"] else definition.threshold_note(int(row["population"])),
        segment_note=segment_note(row, definition),
        departement=text_of(row["departement"]),
        departement_nom=text_of(row["departement_nom"]),
        region=text_of(row["region"]),
        region_nom=text_of(row["region_nom"]),
        segment=segment,
        n_peers=int((data["segment"] == segment.id).sum()) - 1,
        levers=levers,
        n_actives=int(row["n_actives"]) if assessed else 0,
        similar=similar,
        date_dialogue=fr_date(row.get("date_dialogue")),
        notes=text_of(row.get("notes")),
        contact=text_of(row.get("contact")),
        members=_members(row, reference),
        assessed=assessed,
        as_of=fr_date(programme.as_of) if programme.as_of else "",
        first_dialogue=fr_date(programme.history_of(code)["date_dialogue"].iloc[0]) if not assessed else "",
        follow_up=follow_up_of(programme, code, today=today).sentence(),
    )


def search(programme: Programme, query: str, *, limit: int = 50) -> dict[str, str]:
    """Territories matching ``query`` (all when empty): code → label telling homonyms apart."""
    data = programme.territories
    found = data[search_mask(data, query)] if query.strip() else data
    found = found.assign(_key=found["nom"].map(fold)).sort_values(["_key", "population"])
    return {str(code): search_label(row) for code, row in found.head(limit).iterrows()}


def examples(programme: Programme) -> list[tuple[str, str]]:
    """One territory per segment (the most populous), as (segment label, Markdown link)."""
    data = programme.territories
    out = []
    for segment in programme.definition.segments:
        members = data[data["segment"] == segment.id]
        if len(members):
            code = members["population"].idxmax()
            out.append((segment.label, fiche_link(str(code), str(members.at[code, "nom"]))))
    return out


def text_of(value: object) -> str:
    """A cell's text, stripped; empty for a missing value."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _members(row: pd.Series, reference: Reference | None) -> tuple[str, ...]:
    """« Nom (code) » of a groupement's members (bare codes without a reference)."""
    codes = text_of(row.get("membres")).split() if row["type"] == "groupement" else []
    if reference is None:
        return tuple(codes)
    out = []
    for member in codes:
        layer = reference.epci if len(member) == 9 else reference.communes
        name = layer.at[member, "nom"] if member in layer.index else ""
        out.append(f"{name} ({member})" if name else member)
    return tuple(out)


__all__ = ["Fiche", "LeverLine", "Similar", "UnknownTerritoryError", "examples", "fiche_data", "search", "text_of"]
