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
def _fiche(programme: Programme, code: str, day: dt.date | None) -> tuple[Fiche, str]:
    fiche = fiche_data(programme, code, reference=data.reference())
    return fiche, context_caption(programme, data.reference(), fiche)


def fiche(programme: Programme, code: str) -> tuple[Fiche, str]:
    """The fiche of ``code`` and its map caption (raises UnknownTerritoryError)."""
    if code not in programme.territories.index:
        return fiche_data(programme, code), ""  # raises, and is never cached
    # the follow-up's line depends on today when the fiche shows the latest dialogues
    day = today_in_paris() if programme.as_of is None else None
    return _fiche(programme, code, day)


@shared(max_entries=64)
def fiche_map(programme: Programme, code: str, *, height: int) -> folium.Map:
    """The territory in its context (built once per code and shared: never mutate it)."""
    return context_map(programme, data.reference(), code, height=height)


def clear() -> None:
    """Forget every cached fiche and map (tests)."""
    _fiche.clear()
    fiche_map.clear()
