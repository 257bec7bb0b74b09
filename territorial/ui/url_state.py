"""The URL parameters of every page: read with bounds, shown safely, written back.

Every page reads its parameters here, never from ``st.query_params`` directly. A value
that cannot be used (unknown choice, not a whole number, out of range, not a territory
code, too long) falls back to the default and gives **one** French message naming the
parameter and the value, escaped and cut (:func:`territorial.core.fmt.quoted`): a link, an
image or HTML put in a URL is shown as text, never rendered. :func:`warn` shows the
messages.

Widgets bound to the URL are seeded from their parameter the first time they are drawn
in a session (their key is not yet in ``st.session_state``); after each run, the page
writes the widgets' values back with :func:`sync`.

Session keys are namespaced per page (``carte_segment``) while the URL keeps short
parameter names (``segment``): two pages may use the same parameter with different
widgets.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Mapping

import streamlit as st

from territorial.core.codes import parse_code
from territorial.core.fmt import fr_date, fr_int, quoted, strip_bidi

#: Longest value quoted in a message, and how many values a message quotes.
SHOWN = 40
MAX_SHOWN_VALUES = 5
#: Digits of a whole number read from a URL (a version, a step): at most 999 999 999.
MAX_DIGITS = 9
_INTEGER = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Values of a multiple choice read from one parameter.
MAX_VALUES = 50


def raw(param: str) -> str | None:
    """The parameter's value as it is (the last one if repeated), or None when absent.

    Only for comparing with a constant: a value to use or to show goes through a parser.
    """
    return st.query_params.get(param) if param in st.query_params else None


def message(param: str, values: Iterable[str], problem: str, outcome: str) -> str:
    """« Adresse de la page : la valeur « x » du paramètre « p » <problem> ; <outcome>. »"""
    values = list(values)
    listed = [quoted(v, SHOWN) for v in values[:MAX_SHOWN_VALUES]]
    if len(values) > MAX_SHOWN_VALUES:
        listed.append(f"et {fr_int(len(values) - MAX_SHOWN_VALUES)} autres")
    which = f"la valeur {listed[0]}" if len(values) == 1 else f"les valeurs {', '.join(listed)}"
    return f"Adresse de la page : {which} du paramètre {quoted(param, SHOWN)} {problem} ; {outcome}."


def warn(notes: Iterable[str | None]) -> None:
    """Show each message (already safe Markdown) as a warning."""
    for note in notes:
        if note:
            st.warning(note)


def integer(
    param: str,
    *,
    default: int,
    low: int,
    high: int,
    allowed: Collection[int] | None = None,
    clamp: bool = False,
    label: Callable[[int], str] = fr_int,
) -> tuple[int, str | None]:
    """A whole number from ``low`` to ``high`` (and in ``allowed``); the default otherwise.

    With ``clamp``, a number out of range gives the nearest bound instead of the default.
    Absent or empty: the default, without message. ``label`` names a number in the
    message (« la version 3 »).
    """
    value = raw(param)
    if value is None or not value.strip():
        return default, None
    if not _INTEGER.fullmatch(value.strip()):
        return default, message(
            param,
            [value],
            f"n'est pas un nombre entier d'au plus {MAX_DIGITS} chiffres",
            f"affichage de {label(default)}",
        )
    number = int(value.strip())
    if not low <= number <= high:
        fixed = min(max(number, low), high) if clamp else default
        return fixed, message(
            param, [value], f"est hors des limites ({fr_int(low)} à {fr_int(high)})", f"affichage de {label(fixed)}"
        )
    if allowed is not None and number not in allowed:
        return default, message(
            param, [value], "ne correspond à aucun choix possible", f"affichage de {label(default)}"
        )
    return number, None


def code(param: str, *, codes: Collection[str] | None = None) -> tuple[str | None, str | None]:
    """A territory code (normalised; among ``codes`` when given), or None.

    Absent or empty: None, without message.
    """
    value = raw(param)
    if value is None or not value.strip():
        return None, None
    found = parse_code(value)
    if found is None:
        return None, message(param, [value], "n'est pas un code de territoire", "elle a été ignorée")
    if codes is not None and found not in codes:
        return None, message(param, [value], "ne correspond à aucun territoire du programme", "elle a été ignorée")
    return found, None


def day(param: str, *, low: dt.date, high: dt.date) -> tuple[dt.date | None, str | None]:
    """A date written AAAA-MM-JJ, from ``low`` to ``high``, or None.

    Absent or empty: None, without message.
    """
    value = raw(param)
    if value is None or not value.strip():
        return None, None
    text_value = value.strip()
    try:
        found = dt.date.fromisoformat(text_value) if _DATE.fullmatch(text_value) else None
    except ValueError:
        found = None
    if found is None:
        return None, message(param, [value], "n'est pas une date AAAA-MM-JJ", "affichage du dernier dialogue")
    if not low <= found <= high:
        return None, message(
            param,
            [value],
            f"est hors de la période du programme ({fr_date(low)} – {fr_date(high)})",
            "affichage du dernier dialogue",
        )
    return found, None


def text(param: str, *, max_length: int = 100) -> tuple[str, str | None]:
    """Free text (a search), at most ``max_length`` characters; longer is cut, with a message."""
    value = strip_bidi(raw(param))  # never shown reversed (U+202E…)
    if len(value) <= max_length:
        return value, None
    return value[:max_length], message(
        param, [value], f"dépasse {fr_int(max_length)} caractères", "elle a été raccourcie"
    )


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
    if key in st.session_state:
        return None
    value = raw(param)
    if value is None:
        return None
    values = [v.strip() for v in value.split(",")[:MAX_VALUES]] if multi else [value.strip()]
    values = [v for v in values if v]
    good = [v for v in values if v in options]
    bad = [v for v in values if v not in options]
    if good:
        st.session_state[key] = list(dict.fromkeys(good)) if multi else good[0]
    if not bad:
        return None
    return (
        message(param, bad, "ne correspond à aucun choix possible", "elle a été ignorée")
        if len(bad) == 1
        else message(param, bad, "ne correspondent à aucun choix possible", "elles ont été ignorées")
    )


def seed_code(key: str, param: str, *, codes: Collection[str]) -> str | None:
    """Seed ``st.session_state[key]`` with the territory code of ``param`` (first draw only)."""
    if key in st.session_state:
        return None
    found, note = code(param, codes=codes)
    if found is not None:
        st.session_state[key] = found
    return note


def seed_text(key: str, param: str, *, max_length: int = 100) -> str | None:
    """Seed a text input's value from the query parameter ``param`` (first draw only)."""
    if key in st.session_state or raw(param) is None:
        return None
    st.session_state[key], note = text(param, max_length=max_length)
    return note


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


__all__ = ["code", "day", "integer", "message", "raw", "seed", "seed_code", "seed_text", "sync", "text", "warn"]
