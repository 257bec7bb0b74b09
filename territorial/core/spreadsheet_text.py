"""Text that goes to (or comes back from) a spreadsheet: formulas and control characters.

**Formulas.** A spreadsheet that opens a CSV file evaluates a cell starting with
``=``, ``+``, ``-`` or ``@`` (also after spaces, and in their full-width forms
``＝ ＋ － ＠``, which some spreadsheets and input methods turn into the ASCII ones),
and a cell starting with a tab or a carriage return is a known way round naive
filters. Such a cell (``=HYPERLINK(…)``, ``+33 1 23 45 67 89``, ``-2+3``) is
written with a leading single quote, which spreadsheets read as « this is text »
(OWASP's rule). Two kinds of cells cannot run anything and are left as they are:
a single character (a lone ``-`` in a notes column) and a plain number
(``-12``, ``+3,5``), which a spreadsheet reads as a number.

The quote is added only in CSV files: an XLSX cell is written as a *text* cell,
which a spreadsheet never evaluates, so it needs no prefix.

**Export then import is an identity.** :func:`restore` undoes :func:`neutralise`
exactly: a text that already starts with quotes followed by a formula character
(``'=x``) gets one more quote on export, and an import removes one quote from any
text made of quotes followed by a formula character. So ``'=x`` -> ``''=x`` ->
``'=x``, and ``=x`` -> ``'=x`` -> ``=x``.

**Control characters.** An XLSX file (XML) cannot hold the C0 control characters
other than tab, line feed and carriage return, nor lone surrogates or U+FFFE/U+FFFF;
UTF-8 cannot encode lone surrogates. :data:`FORBIDDEN` finds them (the import
refuses them, :func:`clean` removes them from what is exported).
"""

from __future__ import annotations

import re

#: Characters that make a spreadsheet evaluate a cell (ASCII and full-width forms).
FORMULA_CHARACTERS = "=+-@\uff1d\uff0b\uff0d\uff20"
#: A cell that a spreadsheet would evaluate: a formula character, after optional
#: white space, or a leading tab or carriage return.
_EVALUATED = re.compile(rf"[\t\r]|[\s\u00a0\u3000]*[{re.escape(FORMULA_CHARACTERS)}]")
#: A plain number (a spreadsheet reads it as a number, never as a formula).
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?")


def _leading_quotes(text: str) -> int:
    """How many quotes ``text`` starts with."""
    return len(text) - len(text.lstrip("'"))


#: Characters refused in imported text and removed from exports: C0 controls other
#: than tab, line feed and carriage return, DEL and the C1 controls, lone surrogates,
#: and the non-characters U+FFFE and U+FFFF.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def would_evaluate(text: str) -> bool:
    """Whether a spreadsheet opening a CSV cell holding ``text`` would run it as a formula."""
    if not _EVALUATED.match(text):
        return False
    return len(text) > 1 and not _NUMBER.fullmatch(text)


def neutralise(value: object) -> object:
    """``value`` as written to a CSV cell: a quote before a text a spreadsheet would evaluate.

    Non-text values are returned as they are. See :func:`restore` for the inverse.
    """
    if not isinstance(value, str):
        return value
    quotes = _leading_quotes(value)
    if quotes:  # already quoted: one more quote, so that restore() gives it back exactly
        return "'" + value if _EVALUATED.match(value, quotes) else value
    return "'" + value if would_evaluate(value) else value


def restore(text: str) -> str:
    """Undo :func:`neutralise`: drop the quote before a text a spreadsheet would evaluate."""
    quotes = _leading_quotes(text)
    if quotes and _EVALUATED.match(text, quotes):
        return text[1:]
    return text


def clean(value: object) -> object:
    """``value`` without the characters an XLSX (XML) or UTF-8 file cannot hold."""
    if isinstance(value, str) and FORBIDDEN.search(value):
        return FORBIDDEN.sub("", value)
    return value


def visible(text: str) -> str:
    """``text`` with each forbidden character shown as its code (``U+0000``), for messages."""
    return FORBIDDEN.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)
