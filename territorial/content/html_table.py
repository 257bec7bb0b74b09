"""Plain HTML tables: the text alternatives of the maps, read as tables by screen readers.

Streamlit's interactive data grid is drawn in a canvas (poorly rendered by screen
readers, and about 1.2 MB of scripts for each first visit); a map's text alternative
needs neither sorting nor editing. Every cell is escaped: names come from data.
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Mapping, Sequence

import pandas as pd

from territorial.core.fmt import fr_int

#: CSS classes of the scrolling box and of the table (assets/app.css).
BOX_CLASS = "tableau-defilant"
TABLE_CLASS = "tableau-territoires"


def _cell(value: object) -> tuple[str, bool]:
    """(escaped text, is a number) of one cell; missing values are empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "", False
    if isinstance(value, bool):
        return ("oui" if value else "non"), False
    if isinstance(value, numbers.Integral):
        return fr_int(int(value)), True
    if isinstance(value, numbers.Real):
        return html.escape(f"{float(value):.1f}".replace(".", ",")), True
    return html.escape(str(value)), False


def html_table(
    table: pd.DataFrame,
    *,
    caption: str,
    row_header: str | None = None,
    max_height: int = 480,
    kind: str = "",
    cell_styles: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """``table`` as an HTML table in a scrolling box that takes the keyboard focus.

    Parameters
    ----------
    table
        Rows to show, columns in display order (names are the headers).
    caption
        What the table shows (its ``<caption>`` and the box's accessible name).
    row_header
        Column whose cells name their row (``<th scope="row">``), e.g. « Territoire ».
    max_height
        Height of the box in pixels; longer tables scroll inside it.
    kind
        A second CSS class of the table (e.g. ``tableau-evolution``), to tell it from the
        tables of territories.
    cell_styles
        Column → the CSS of each of its cells, row by row (e.g. a colour swatch); escaped.
    """
    columns = list(table.columns)
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in columns)
    styles = cell_styles or {}
    rows = []
    for row, values in enumerate(table.itertuples(index=False, name=None)):
        cells = []
        for column, value in zip(columns, values, strict=True):
            text, is_number = _cell(value)
            if column in styles:
                cells.append(f'<td style="{html.escape(styles[column][row])}">{text}</td>')
            elif column == row_header:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                cells.append(f'<td class="nombre">{text}</td>' if is_number else f"<td>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    name = html.escape(caption)
    return (
        f'<div class="{BOX_CLASS}" tabindex="0" role="region" aria-label="{name}" '
        f'style="max-height: {int(max_height)}px">'
        f'<table class="{TABLE_CLASS}{" " + html.escape(kind) if kind else ""}"><caption>{name}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
