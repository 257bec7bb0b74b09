"""Widgets bound to the URL: a shared link restores the view, a change updates the link.

A widget's value is seeded from its query parameter the first time it is drawn in a
session (its key is not yet in ``st.session_state``); after each run, the page writes
its widgets' values back with :func:`sync`. Invalid values found in the URL are
ignored and reported in French (safe Markdown), never raised.

Session keys are namespaced per page (``carte_segment``) while the URL keeps short
parameter names (``segment``): two pages may use the same parameter with different
widgets.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import streamlit as st

from territorial.core.fmt import escape_markdown

_MAX_SHOWN = 40


def _shown(value: str) -> str:
    text = value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "…"
    return f"« {escape_markdown(text)} »"


def seed(key: str, param: str, *, options: Collection[str], multi: bool = False) -> str | None:
    """Seed ``st.session_state[key]`` from the query parameter ``param`` (first draw only).

    Parameters
    ----------
    key
        Session key of the widget.
    param
        Query parameter name; a multiple choice is a comma-separated list.
    options
        Accepted values.
    multi
        Whether the widget takes a list (multiselect).

    Returns
    -------
    str or None
        A French message (Markdown-safe) naming the values ignored, if any.
    """
    if key in st.session_state or param not in st.query_params:
        return None
    raw = st.query_params.get(param, "")
    values = [v.strip() for v in raw.split(",")] if multi else [raw.strip()]
    values = [v for v in values if v]
    good = [v for v in values if v in options]
    bad = [v for v in values if v not in options]
    if good:
        st.session_state[key] = list(dict.fromkeys(good)) if multi else good[0]
    if not bad:
        return None
    listed = ", ".join(_shown(v) for v in bad)
    which = "la valeur" if len(bad) == 1 else "les valeurs"
    return (f"Adresse de la page : {which} {listed} du paramètre « {escape_markdown(param)} » "
            "ne correspond à aucun choix possible et a été ignorée."
            if len(bad) == 1 else
            f"Adresse de la page : {which} {listed} du paramètre « {escape_markdown(param)} » "
            "ne correspondent à aucun choix possible et ont été ignorées.")


def seed_text(key: str, param: str, *, max_length: int = 100) -> None:
    """Seed a text input's value from the query parameter ``param`` (first draw only)."""
    if key not in st.session_state and param in st.query_params:
        st.session_state[key] = st.query_params.get(param, "")[:max_length]


def sync(values: Mapping[str, str | None]) -> None:
    """Write parameters to the URL; an empty or None value removes its parameter.

    Parameters not named in ``values`` are left alone; unchanged ones are not rewritten.
    """
    for param, value in values.items():
        if value:
            if st.query_params.get(param) != value:
                st.query_params[param] = value
        elif param in st.query_params:
            del st.query_params[param]
