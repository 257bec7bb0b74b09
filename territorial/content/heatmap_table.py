"""The segment × lever heat map as a plain HTML table, for the overview and the Segments page.

The same figures and colours as the Vega-Lite heat map (:func:`charts.segment_lever_heatmap`),
without its 775 KB of chart code: on a first visit, Streamlit loads and runs that code on the
browser's main thread while the map beside it is being drawn (docs/performances.md, « Première
visite »). A table is also what a screen reader reads best: segments are row headers, levers
column headers. On the Segments page, each cell is a button that chooses its segment and lever
(``data-segment``, ``data-levier``; :mod:`territorial.ui.html_choice` sends the click), the
chosen one outlined, and each lever's column header a button that chooses that lever in all
segments (``data-levier`` alone): the page needs no other control. Every text and attribute
is escaped; the colours are computed here, never taken from data.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from territorial.content.charts import HEATMAP_TITLE, heatmap_data
from territorial.core import palette
from territorial.core.fmt import fr_pct
from territorial.model.definition import Lever, ProgrammeDefinition

#: Vega's « blues » scheme (vega-scale), the heat map's colours from 0 to 100 %.
BLUES = (
    "#cfe1f2",
    "#bed8ec",
    "#a8cee5",
    "#8fc1de",
    "#74b2d7",
    "#5ba3cf",
    "#4592c6",
    "#3181bd",
    "#206fb2",
    "#125ca4",
    "#0a4a90",
)
#: CSS class of the block (assets/app.css).
CLASS = "matrice-leviers"


def share_colour(share: float) -> str:
    """The colour of a share between 0 and 1, interpolated along :data:`BLUES`."""
    position = min(max(share, 0.0), 1.0) * (len(BLUES) - 1)
    low = min(int(math.floor(position)), len(BLUES) - 2)
    t = position - low
    a, b = BLUES[low], BLUES[low + 1]
    channels = (round(int(a[i : i + 2], 16) * (1 - t) + int(b[i : i + 2], 16) * t) for i in (1, 3, 5))
    return "#" + "".join(f"{c:02x}" for c in channels)


def _cell(row: pd.Series, *, clickable: bool) -> str:
    if pd.isna(row["share"]):
        background, text = palette.WHITE, "–"
    else:
        background, text = share_colour(float(row["share"])), row["share_txt"]
    detail = f"{row['segment_label']} · {row['lever_title']} : {row['share_txt']} ({row['count_txt']}"
    if pd.notna(row["share"]):
        detail += f", intervalle à 95 % {row['ci_txt']}, {row['mean_txt']}"
    detail += ")"
    style = f"background:{background};color:{palette.text_on(background)}"
    if not clickable:
        return f'<td style="{style}" title="{html.escape(detail)}">{html.escape(text)}</td>'
    chosen = bool(row["selected"])
    mean = f'<span class="{CLASS}-moyen">{html.escape(row["mean_txt"])}</span>' if pd.notna(row["share"]) else ""
    td = f'<td class="{CLASS}-choisie">' if chosen else "<td>"
    return (
        f'{td}<button type="button" style="{style}" '
        f'data-segment="{html.escape(row["segment"])}" data-levier="{html.escape(str(row.name))}" '
        f'aria-pressed="{str(chosen).lower()}" title="{html.escape(detail)}" aria-label="{html.escape(detail)}">'
        f"{html.escape(text)}{mean}</button></td>"
    )


def _lever_header(lever: Lever, *, clickable: bool, pressed: bool) -> str:
    name = html.escape(f"{lever.id} – {lever.label}")
    if not clickable:
        return f'<th scope="col"><abbr title="{name}">{html.escape(lever.id)}</abbr></th>'
    # A button choosing the lever for every segment; its name written below its id on a wide screen.
    return (
        f'<th scope="col"><button type="button" data-levier="{html.escape(lever.id)}" '
        f'aria-pressed="{str(pressed).lower()}" title="{name} : tous les segments" '
        f'aria-label="{name} : tous les segments">{html.escape(lever.id)}'
        f'<span class="{CLASS}-libelle" aria-hidden="true">{html.escape(lever.label)}</span></button></th>'
    )


def heatmap_table(
    matrix: pd.DataFrame,
    definition: ProgrammeDefinition,
    *,
    selected: tuple[str | None, str | None] = (None, None),
    clickable: bool = False,
) -> str:
    """The heat map as an HTML table with its title, subtitle and colour legend.

    ``matrix`` comes from :func:`territorial.content.levers.segment_lever_matrix`; ``definition``,
    ``selected`` (segment id, lever id) as for the chart. ``clickable``: every cell is a button
    writing its share and mean level, the ``selected`` one pressed and outlined; every lever's
    column header is a button choosing that lever for all segments (``data-levier`` alone),
    pressed when ``selected`` is ``(None, lever)``.
    """
    data = heatmap_data(matrix, definition, selected=selected)
    threshold = definition.level_label(definition.active_from)
    subtitle = f"Part des territoires du segment qui activent le levier (niveau «\u00a0{threshold}\u00a0» ou plus)."
    if clickable:  # its cells also write the mean level, and its levers' names (on a wide screen)
        subtitle = (
            f"{subtitle[:-1]} et niveau moyen d'activation. Choisissez une case pour afficher ses territoires, "
            "ou un levier (en tête de colonne) pour ceux de tous les segments."
        )
    head = "".join(
        _lever_header(lv, clickable=clickable, pressed=selected == (None, lv.id)) for lv in definition.levers
    )
    rows = []
    for segment in definition.segments:
        cells = data[data["segment"] == segment.id].set_index("lever")
        tds = "".join(_cell(cells.loc[lv.id], clickable=clickable) for lv in definition.levers)
        rows.append(f'<tr><th scope="row">{html.escape(segment.label)}</th>{tds}</tr>')
    stops = ", ".join(BLUES)
    classes = f"{CLASS} {CLASS}-cases" if clickable else CLASS
    legend = (
        f'<div class="{CLASS}-legende" aria-hidden="true"><span>Part des territoires</span>'
        f'<span class="{CLASS}-degrade" style="background:linear-gradient(to right, {stops})"></span>'
        f'<span class="{CLASS}-bornes"><span>{fr_pct(0)}</span><span>{fr_pct(0.5)}</span>'
        f"<span>{fr_pct(1)}</span></span></div>"
    )
    return (
        f'<div class="{classes}"><table><caption><span class="{CLASS}-titre">{html.escape(HEATMAP_TITLE)}</span>'
        f'<span class="{CLASS}-sous-titre">{html.escape(subtitle)}</span></caption>'
        f"<thead><tr><td></td>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{legend}</div>"
    )
