"""French formatting and safe text for display.

Every number shown to a person goes through here (``12 345 hab.``, ``42 %``), and
every text that comes from data goes through :func:`escape_html` or
:func:`escape_markdown` before it reaches HTML or Markdown.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import unicodedata

from territorial.core.clock import PARIS, in_paris  # noqa: F401 (PARIS re-exported)

NBSP = "\u202f"  # narrow no-break space, the French thousands separator


def fr_int(value: float | int) -> str:
    """12345 -> « 12 345 » (narrow no-break space as thousands separator)."""
    return f"{round(value):,}".replace(",", NBSP)


def fr_pop(value: float | int) -> str:
    """12345 -> « 12 345 hab. »."""
    return f"{fr_int(value)}\u00a0hab."


MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def fr_date(value: object) -> str:
    """« 2026-04-11 » (or a date) -> « 11 avril 2026 », « 1er » for the first day.

    Empty for a missing value; an unreadable one is returned as it is.
    """
    if value is None or (isinstance(value, float) and value != value) or not str(value).strip():
        return ""
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            return str(value).strip()
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def fr_datetime(value: dt.datetime) -> str:
    """An instant as people in France read it: « 2 décembre 2026 à 5 h 02 » (Europe/Paris time)."""
    local = in_paris(value)
    return f"{fr_date(local.date())} à {local.hour} h {local.minute:02d}"


def fr_float(value: float, digits: int = 1) -> str:
    """1.25 -> « 1,3 »."""
    return f"{value:,.{digits}f}".replace(",", NBSP).replace(".", ",")


def fr_pct(share: float, digits: int = 0) -> str:
    """0.425 -> « 43 % » (a share between 0 and 1)."""
    return f"{fr_float(100 * share, digits)}\u00a0%"


#: Bidirectional-text controls: shown raw, « PARIS\u202e » reverses what follows it on the
#: screen (a warning read « Vérifiez le lienPARIS reçu »). Text from a URL, a file or a
#: participant never carries them to the screen: they are removed before display.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def strip_bidi(text: object) -> str:
    """``text`` without bidirectional-text controls (U+202E, U+2066–2069, U+200E/F, U+061C…)."""
    return _BIDI.sub("", "" if text is None else str(text))


def escape_html(text: object) -> str:
    """Escape any data text before it goes into HTML (tooltips, legends, cards); no bidi control."""
    return html.escape(strip_bidi(text), quote=True)


#: Every ASCII character Markdown (CommonMark, GFM, Streamlit's directives, KaTeX) gives a
#: meaning to: escaped with a backslash, it is shown as itself.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=])")
#: WORD JOINER: invisible, and breaks the patterns of GFM's « autolink literals ». Streamlit
#: finds bare ``https://…``, ``www.…`` and ``a@b.fr`` in the text *after* Markdown escapes are
#: resolved (mdast-util-gfm-autolink-literal), so a backslash does not stop them; a word
#: joiner after ``@``, inside ``://`` and after ``www`` does (checked in Chromium).
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(@|:(?=//)|(?i:www)(?=\.))")
_CONTROL = re.compile(f"[\x00-\x08\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_LEADING_BLANKS = re.compile(r"^[ \t]+")
ELLIPSIS = "…"


def truncate(text: object, limit: int | None) -> str:
    """``text`` cut to ``limit`` characters, with « … » when something was cut."""
    value = "" if text is None else str(text)
    if limit is None or len(value) <= limit:
        return value
    return value[: max(limit, 0)] + ELLIPSIS


def _escape_line(line: str) -> str:
    line = _CONTROL.sub("", line.replace("\t", " "))
    # Leading blanks would open an indented code block: no-break spaces look the same.
    line = _LEADING_BLANKS.sub(lambda m: "\u00a0" * len(m.group()), line)
    line = _AUTOLINK.sub(lambda m: m.group() + WORD_JOINER, line)
    return _MD_SPECIAL.sub(r"\\\1", line)


def escape_markdown(text: object, *, multiline: bool = False, limit: int | None = None) -> str:
    """Data text (from a file, a URL, a person) for Streamlit Markdown, shown as plain text.

    No link (not even a bare address or e-mail), no image, no HTML, no entity, no heading,
    list, table, emphasis, emoji or formula: every character reads as itself.

    Parameters
    ----------
    text
        Any value (None is empty).
    multiline
        Keep the line breaks (as Markdown hard breaks); otherwise they become spaces.
    limit
        At most this many characters of ``text`` are shown, then « … ».
    """
    value = truncate(text, limit)
    lines = value.splitlines() or [""]
    if not multiline:
        return _escape_line(" ".join(lines))
    return "  \n".join(_escape_line(line) for line in lines)


def quoted(value: object, limit: int = 60) -> str:
    """A value quoted in a French message: « … », escaped, cut after ``limit`` characters."""
    return f"«\u00a0{escape_markdown(value, limit=limit)}\u00a0»"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 territoire », « 3 territoires »."""
    word = singular if count in (0, 1, -1) else (plural_form or singular + "s")
    return f"{fr_int(count)} {word}"


def slug(text: object, *, limit: int = 60) -> str:
    """« Part des territoires (%) » -> « part-des-territoires »: ASCII for file names ("" if none)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:limit].strip("-")


def fold(text: object) -> str:
    """Lower case, no accents, single spaces: how labels and searches are compared."""
    norm = unicodedata.normalize("NFKD", "" if text is None else str(text))
    norm = "".join(ch for ch in norm if not unicodedata.combining(ch))
    return " ".join(norm.lower().replace("’", "'").split())


def toml_string(text: object) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    return json.dumps(str(text), ensure_ascii=False).replace("\x7f", "\\u007f")
