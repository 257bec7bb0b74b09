"""The segment × lever heat map as a plain HTML table, for the overview.

The same figures and colours as the Vega-Lite heat map (:func:`charts.segment_lever_heatmap`),
without its 775 KB of chart code: on a first visit, Streamlit loads and runs that code on the
browser's main thread while the map beside it is being drawn (docs/performances.md, « Première
visite »). A table is also what a screen reader reads best: segments are row headers, levers
column headers. Every text is escaped; the colours are computed here, never taken from data.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from territorial.content.charts import HEATMAP_TITLE, heatmap_data
from territorial.core import palette
from territorial.core.fmt import fr_pct
from territorial.model.definition import ProgrammeDefinition

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


def _cell(row: pd.Series) -> str:
    if pd.isna(row["share"]):
        background, text = palette.WHITE, "–"
    else:
        background, text = share_colour(float(row["share"])), row["share_txt"]
    detail = f"{row['segment_label']} · {row['lever_title']} : {row['share_txt']} ({row['count_txt']}"
    if pd.notna(row["share"]):
        detail += f", intervalle à 95 % {row['ci_txt']}, {row['mean_txt']}"
    detail += ")"
    return (
        f'<td style="background:{background};color:{palette.text_on(background)}" '
        f'title="{html.escape(detail)}">{html.escape(text)}</td>'
    )


def heatmap_table(matrix: pd.DataFrame, definition: ProgrammeDefinition) -> str:
    """The heat map as an HTML table with its title, subtitle and colour legend (``matrix``, from
    :func:`territorial.content.levers.segment_lever_matrix`, and ``definition`` as for the chart)."""
    data = heatmap_data(matrix, definition)
    threshold = definition.level_label(definition.active_from)
    subtitle = f"Part des territoires du segment qui activent le levier (niveau «\u00a0{threshold}\u00a0» ou plus)."
    head = "".join(
        f'<th scope="col"><abbr title="{html.escape(f"{lv.id} – {lv.label}")}">{html.escape(lv.id)}</abbr></th>'
        for lv in definition.levers
    )
    rows = []
    for segment in definition.segments:
        cells = data[data["segment"] == segment.id].set_index("lever")
        tds = "".join(_cell(cells.loc[lv.id]) for lv in definition.levers)
        rows.append(f'<tr><th scope="row">{html.escape(segment.label)}</th>{tds}</tr>')
    stops = ", ".join(BLUES)
    legend = (
        f'<div class="{CLASS}-legende" aria-hidden="true"><span>Part des territoires</span>'
        f'<span class="{CLASS}-degrade" style="background:linear-gradient(to right, {stops})"></span>'
        f'<span class="{CLASS}-bornes"><span>{fr_pct(0)}</span><span>{fr_pct(0.5)}</span>'
        f"<span>{fr_pct(1)}</span></span></div>"
    )
    return (
        f'<div class="{CLASS}"><table><caption><span class="{CLASS}-titre">{html.escape(HEATMAP_TITLE)}</span>'
        f'<span class="{CLASS}-sous-titre">{html.escape(subtitle)}</span></caption>'
        f"<thead><tr><td></td>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{legend}</div>"
    )
