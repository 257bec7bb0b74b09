"""Cached fiche data and context maps, keyed on the territory code."""

from __future__ import annotations

import copy
import weakref

import folium
import pandas as pd
import streamlit as st

from territorial.fiche import Fiche, context_caption, context_map, fiche_data
from territorial.programme import Programme
from territorial.ui import data

_TOKENS: dict[int, tuple[weakref.ref, int]] = {}


def programme_token(programme: Programme) -> int:
    """Fingerprint of the programme's content (computed once per programme object).

    Cached builders take it as an argument, so that importing another programme file
    never shows a stale fiche or map.
    """
    known = _TOKENS.get(id(programme))
    if known is not None and known[0]() is programme:
        return known[1]
    table = pd.DataFrame(programme.territories.drop(columns="geometry"))
    token = hash((int(pd.util.hash_pandas_object(table, index=True).sum()), programme.definition))
    _TOKENS[id(programme)] = (weakref.ref(programme), token)
    return token


@st.cache_resource(show_spinner=False, max_entries=256)
def _fiche(_programme: Programme, token: int, code: str) -> tuple[Fiche, str]:
    fiche = fiche_data(_programme, code, reference=data.reference())
    return fiche, context_caption(_programme, data.reference(), fiche)


@st.cache_resource(show_spinner=False, max_entries=64)
def _context_map(_programme: Programme, token: int, code: str, height: int) -> folium.Map:
    return context_map(_programme, data.reference(), code, height=height)


def fiche(programme: Programme, code: str) -> tuple[Fiche, str]:
    """The fiche of ``code`` and its map caption (raises UnknownTerritoryError)."""
    if code not in programme.territories.index:
        return fiche_data(programme, code), ""  # raises, and is never cached
    return _fiche(programme, programme_token(programme), code)


def fiche_map(programme: Programme, code: str, *, height: int) -> folium.Map:
    """The territory in its context (built once per code; a copy is returned).

    ``st_folium`` renames a map's elements in place when it renders it, so the cached
    map itself is never rendered: each call gets its own copy (a few ms).
    """
    return copy.deepcopy(_context_map(programme, programme_token(programme), code, height))


def clear() -> None:
    """Forget every cached fiche and map (tests)."""
    _fiche.clear()
    _context_map.clear()
