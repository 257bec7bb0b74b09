"""Territory codes: the one rule for what a code may be, wherever it comes from.

A programme holds commune INSEE codes (``01001``, ``2A004``, ``97411``), SIREN numbers
of intercommunalités (``200046977``), département and région codes (``01``, ``2A``,
``974``, ``84``) and the programme's own groupement codes (``PETR-LANGRES``). The
same rule is used to read a programme file, a URL parameter, a click on a map and to
write a link to a fiche: a code that passes it is safe in a URL and in Markdown.
"""

from __future__ import annotations

import re
from typing import TypeGuard
from urllib.parse import quote

from territorial.core.fmt import escape_markdown

#: Longest code (the store's column is 40 characters wide).
MAX_LENGTH = 40
#: Capital letters, digits, ``-`` and ``_``; starts and ends with a letter or a digit.
CODE_PATTERN = re.compile(rf"[0-9A-Z](?:[0-9A-Z_-]{{0,{MAX_LENGTH - 2}}}[0-9A-Z])?")
#: What a person reads when a groupement code breaks the rule (programme file, editor).
RULE_TEXT = (
    f"un code de {MAX_LENGTH} caractères au plus, fait de lettres sans accent, de chiffres, "
    "de tirets (-) et de soulignés (_), ex. PETR-LANGRES"
)
#: Relative to the current page (every page is one level under the dashboard's root), so that
#: the link also works when the dashboard is published under a path (``/territoires/fiche``).
FICHE_PATH = "fiche"


_SPACES = re.compile(r"\s+")
_EXCEL_FLOAT = re.compile(r"\d+\.0+")


def normalise_code(raw: object) -> str:
    """A code as typed in a spreadsheet or a URL: spaces removed, upper case, Excel's ``1001.0``.

    Called for each of thousands of groupement members: the common case (letters and digits
    only) skips the regular expressions.
    """
    code = "" if raw is None else str(raw)
    code = (code if code.isalnum() else _SPACES.sub("", code)).upper()
    if "." in code and _EXCEL_FLOAT.fullmatch(code):
        code = code.split(".")[0]
    return code


def is_code(code: object) -> TypeGuard[str]:
    """Whether ``code`` (already normalised) follows the rule."""
    return isinstance(code, str) and CODE_PATTERN.fullmatch(code) is not None


def parse_code(raw: object) -> str | None:
    """The normalised code, or None if it cannot be a territory code (too long, odd characters)."""
    if not isinstance(raw, str) or len(raw) > 4 * MAX_LENGTH:  # no work on a huge value
        return None
    code = normalise_code(raw)
    return code if is_code(code) else None


def fiche_url(code: str) -> str:
    """The address of a territory's fiche relative to the current page; ``code`` must follow the rule."""
    if not is_code(code):
        raise ValueError(f"not a territory code: {code!r}")
    return f"{FICHE_PATH}?territoire={quote(code)}"


def fiche_link(code: object, label: object) -> str:
    """Markdown link ``[label](fiche?territoire=CODE)`` (relative), the label escaped.

    A code that breaks the rule gives the escaped label alone, without a link.
    """
    text = escape_markdown(label)
    return f"[{text}]({fiche_url(code)})" if is_code(code) else text
