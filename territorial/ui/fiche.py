"""Cached fiche data and context maps, keyed on the territory code."""

from __future__ import annotations

import datetime as dt

import folium

from territorial.content.fiche import Fiche, fiche_data
from territorial.content.fiche_map import context_caption, context_map
from territorial.core.memo import shared
from territorial.model.dialogue_dates import today_in_paris
from territorial.model.programme import Programme
from territorial.ui import data


@shared(max_entries=256)
def _fiche(_programme: Programme, token: int, code: str, day: dt.date | None) -> tuple[Fiche, str]:
    fiche = fiche_data(_programme, code, reference=data.reference())
    return fiche, context_caption(_programme, data.reference(), fiche)


@shared(max_entries=64)
def _context_map(_programme: Programme, token: int, code: str, height: int) -> folium.Map:
    return context_map(_programme, data.reference(), code, height=height)


def fiche(programme: Programme, code: str) -> tuple[Fiche, str]:
    """The fiche of ``code`` and its map caption (raises UnknownTerritoryError)."""
    if code not in programme.territories.index:
        return fiche_data(programme, code), ""  # raises, and is never cached
    # the follow-up's line depends on today when the fiche shows the latest dialogues
    day = today_in_paris() if programme.as_of is None else None
    return _fiche(programme, programme.fingerprint, code, day)


def fiche_map(programme: Programme, code: str, *, height: int) -> folium.Map:
    """The territory in its context (built once per code and shared: never mutate it)."""
    return _context_map(programme, programme.fingerprint, code, height)


def clear() -> None:
    """Forget every cached fiche and map (tests)."""
    _fiche.clear()
    _context_map.clear()
