"""Altair charts of lever use by segment, built as plain objects (no Streamlit).

Every number written on a chart is formatted in Python (French formats, via
:mod:`territorial.core.fmt`); every label and colour comes from the programme definition.
Each chart carries a ``description`` that states what it shows, values included,
for screen readers.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping

import altair as alt
import pandas as pd

from territorial.content.colouring import level_palette
from territorial.content.size_effect_text import interval_texts
from territorial.core import palette
from territorial.core.fmt import fr_float, fr_pct, plural
from territorial.model.definition import ProgrammeDefinition
from territorial.model.programme import Programme

_FR_PERCENT_AXIS = "format(datum.value * 100, '.0f') + '\u00a0%'"
#: Segment labels on the charts' axes are wrapped at this many characters.
SEGMENT_LABEL_CHARS = 20
#: Subtitles are written in lines of at most this many characters (a phone's width).
SUBTITLE_CHARS = 56
#: Below this plot width (a phone), charts write less: short labels, smaller type.
NARROW_PX = 420


def _narrow(wide: str, narrow: str) -> alt.ExprRef:
    """A Vega expression worth ``narrow`` when the plot is narrower than :data:`NARROW_PX`."""
    return alt.ExprRef(f"width < {NARROW_PX} ? ({narrow}) : ({wide})")


def _lines(text: str, width: int) -> str:
    """``text`` as a Vega array literal of lines of at most ``width`` characters."""
    return json.dumps(textwrap.wrap(text, width), ensure_ascii=False)


def fitted_title(text: str, subtitle: list[str], *, font_size: int, narrow_chars: int = 40) -> alt.TitleParams:
    """A chart title that fits a phone: the title wraps on a narrow plot, the subtitle is
    written in short lines, both from the chart's left edge (not the plot's)."""
    return alt.TitleParams(
        text=_narrow(json.dumps(text, ensure_ascii=False), _lines(text, narrow_chars)),
        subtitle=[line for paragraph in subtitle for line in textwrap.wrap(paragraph, SUBTITLE_CHARS)],
        anchor="start",
        frame="bounds",
        fontSize=font_size,
        subtitleFontSize=13,
    )


def _text_colour() -> Mapping[str, object]:
    """White text on dark cells, black text elsewhere (``text_colour`` column, see ``palette.text_on``).

    A condition, not ``scale=None``: Streamlit's chart theme fails on a colour
    channel without a scale.
    """
    return alt.condition(f"datum.text_colour == '{palette.WHITE}'", alt.value(palette.WHITE), alt.value(palette.BLACK))


def lever_title(lever_id: str, label: str) -> str:
    """« L1 – Compétences & ingénierie », as charts name a lever."""
    return f"{lever_id} – {label}"


def axis_label(lever_id: str, label: str, *, width: int = 18) -> str:
    """A lever's axis label, lines separated by ``|`` (split by the axis' ``labelExpr``)."""
    return "|".join([lever_id, *textwrap.wrap(label.replace("|", "/"), width)])


def segment_axis_label(label: str) -> str:
    """A segment's axis label, wrapped into lines separated by ``|`` (fits a phone)."""
    return "|".join(textwrap.wrap(label.replace("|", "/"), SEGMENT_LABEL_CHARS))


def segment_axis(segment_labels: list[str]) -> alt.Y:
    """The segments' axis (field ``segment_axis``), labels on short lines, in the definition's order."""
    return alt.Y(
        "segment_axis:N",
        sort=[segment_axis_label(label) for label in segment_labels],
        title=None,
        axis=alt.Axis(labelLimit=200, labelFontSize=13, labelExpr="split(datum.label, '|')"),
    )


def heatmap_data(
    matrix: pd.DataFrame,
    definition: ProgrammeDefinition,
    *,
    selected: tuple[str | None, str | None] = (None, None),
) -> pd.DataFrame:
    """The segment × lever matrix with the texts the heat map writes.

    Parameters
    ----------
    matrix
        :func:`territorial.content.levers.segment_lever_matrix`.
    definition
        Labels come from here.
    selected
        (segment id, lever id) of the cell to outline; ``None`` matches every value.

    Returns
    -------
    pandas.DataFrame
        One row per segment × lever, with ``share_txt``, ``mean_txt``, ``label``
        (cell text), ``count_txt`` and ``text_colour``.
    """
    data = matrix.copy()
    data["segment_label"] = data["segment"].map({s.id: s.label for s in definition.segments})
    data["lever_title"] = [lever_title(lv, definition.lever(lv).label) for lv in data["lever"]]
    data["lever_axis"] = [axis_label(lv, definition.lever(lv).label) for lv in data["lever"]]
    data["segment_axis"] = [segment_axis_label(label) for label in data["segment_label"]]
    data["share_txt"] = [fr_pct(s) if pd.notna(s) else "–" for s in data["share"]]
    data["mean_txt"] = [
        f"niveau moyen {fr_float(m)}" if pd.notna(m) else "aucun territoire" for m in data["mean_level"]
    ]
    data["label"] = data["share_txt"] + "\n" + data["mean_txt"]
    data["count_txt"] = [
        f"{a} sur {plural(n, 'territoire')}" for a, n in zip(data["n_actives"], data["n"], strict=True)
    ]
    data["text_colour"] = [palette.WHITE if pd.notna(s) and s >= 0.65 else palette.TEXT for s in data["share"]]
    data["ci_txt"] = interval_texts(data["n_actives"], data["n"])
    segment, lever = selected
    data["selected"] = ((data["segment"] == segment) if segment else False) & (
        (data["lever"] == lever) if lever else False
    )
    return data


def heatmap_description(data: pd.DataFrame) -> str:
    """The heat map as text: every segment with its share per lever."""
    parts = []
    for segment_label, rows in data.groupby("segment_label", sort=False):
        cells = ", ".join(f"{t} {s}" for t, s in zip(rows["lever_title"], rows["share_txt"], strict=True))
        parts.append(f"{segment_label} : {cells}")
    return (
        "Carte de chaleur de la part des territoires de chaque segment de taille qui activent "
        "chaque levier. " + " ; ".join(parts) + "."
    )


#: Height of a row of the heat map's cells, in pixels (the width follows the container).
HEATMAP_ROW_HEIGHT = 64
#: The heat map's title (the chart's and the overview's table's).
HEATMAP_TITLE = "Quels leviers chaque segment active-t-il ?"


def segment_lever_heatmap(
    matrix: pd.DataFrame,
    definition: ProgrammeDefinition,
    *,
    selected: tuple[str | None, str | None] = (None, None),
) -> alt.LayerChart | alt.FacetChart:
    """Heat map of the share of each segment's territories activating each lever.

    Each cell writes its share (French %) and mean level. The pages show the same figures as an
    HTML table (:mod:`territorial.content.heatmap_table`, whose cells are what one clicks); this
    chart is for the images one downloads.

    Parameters
    ----------
    matrix
        :func:`territorial.content.levers.segment_lever_matrix`.
    definition
        Labels, order and activation threshold.
    selected
        (segment id, lever id) of the cell to outline.

    Returns
    -------
    altair.LayerChart
    """
    data = heatmap_data(matrix, definition, selected=selected)
    segments = [s.label for s in definition.segments]
    levers = [axis_label(lv.id, lv.label) for lv in definition.levers]
    threshold = definition.level_label(definition.active_from)
    x = alt.X(
        "lever_axis:N",
        sort=levers,
        title=None,
        axis=alt.Axis(
            orient="bottom",
            labelAngle=0,
            labelLimit=260,
            labelFontSize=13,
            labelOverlap=False,
            labelExpr=_narrow("split(datum.label, '|')", "split(datum.label, '|')[0]").expr,
            labelPadding=6,
        ),
    )
    base = alt.Chart(data).encode(x=x, y=segment_axis(segments))
    rect = base.mark_rect().encode(
        color=alt.Color(
            "share:Q",
            title="Part des territoires",
            scale=alt.Scale(domain=[0, 1], scheme="blues"),
            legend=alt.Legend(labelExpr=_FR_PERCENT_AXIS, orient="bottom", gradientLength=_narrow("240", "160")),
        ),
        stroke=alt.condition("datum.selected", alt.value(palette.SELECTED), alt.value(palette.WHITE)),
        strokeWidth=alt.condition("datum.selected", alt.value(4), alt.value(1)),
        tooltip=[
            alt.Tooltip("segment_label:N", title="Segment"),
            alt.Tooltip("lever_title:N", title="Levier"),
            alt.Tooltip("share_txt:N", title="Part qui l'active"),
            alt.Tooltip("ci_txt:N", title="Intervalle à 95 %"),
            alt.Tooltip("count_txt:N", title="Territoires"),
            alt.Tooltip("mean_txt:N", title="Niveau"),
        ],
    )
    text = base.mark_text(
        lineBreak="\n",
        fontSize=_narrow("15", "13"),
        fontWeight="bold",
        text=_narrow("datum.label", "datum.share_txt"),
    ).encode(color=_text_colour())
    return alt.layer(rect, text).properties(
        width="container",
        height=alt.Step(HEATMAP_ROW_HEIGHT),
        title=fitted_title(
            HEATMAP_TITLE,
            [
                f"Part des territoires du segment qui activent le levier (niveau « {threshold} » "
                "ou plus) et niveau moyen d'activation.",
            ],
            font_size=18,
            narrow_chars=30,
        ),
        description=heatmap_description(data),
    )


#: The levels chart's texts (also those of its HTML bars, :mod:`territorial.content.html_bars`).
LEVELS_AXIS = "Part des territoires du segment"
LEVELS_SUBTITLE = "Répartition des territoires de chaque segment selon leur niveau d'activation du levier."


def level_distribution_title(lever_id: str, label: str) -> str:
    """« L2 – Données & méthodes partagées : niveaux d'activation par segment »."""
    return f"{lever_title(lever_id, label)} : niveaux d'activation par segment"


def level_distribution_data(programme: Programme, lever_id: str) -> pd.DataFrame:
    """Territories per segment and activation level of one lever, with French texts.

    ``x0``/``x1`` are where the level's bar starts and ends within its segment's
    stacked bar (cumulated shares, levels in increasing order), ``mid`` its centre.
    """
    definition = programme.definition
    data = programme.assessed  # a territory not yet assessed has no level
    rows = []
    for segment in definition.segments:
        levels = data.loc[data["segment"] == segment.id, lever_id]
        start = 0.0
        for level in definition.levels:
            count = int((levels == level.value).sum())
            share = count / len(levels) if len(levels) else float("nan")
            end = start + (share if pd.notna(share) else 0.0)
            rows.append(
                {
                    "segment": segment.id,
                    "segment_label": segment.label,
                    "level": level.value,
                    "level_label": f"{level.value} – {level.label}",
                    "count": count,
                    "share": share,
                    "share_txt": fr_pct(share) if pd.notna(share) else "–",
                    "count_txt": plural(count, "territoire"),
                    "bar_txt": fr_pct(share) if pd.notna(share) and share >= 0.08 else "",
                    "x0": start,
                    "x1": end,
                    "mid": (start + end) / 2,
                }
            )
            start = end
    return pd.DataFrame(rows)


def level_distribution(programme: Programme, lever_id: str, *, bar_height: int = 44) -> alt.LayerChart | alt.FacetChart:
    """Stacked bars: for one lever, the share of each segment's territories at each level.

    Parameters
    ----------
    programme
        The programme.
    lever_id
        The lever to show.
    bar_height
        Height of each segment's bar (band) in pixels.

    Returns
    -------
    altair.LayerChart
    """
    definition = programme.definition
    lever = definition.lever(lever_id)
    data = level_distribution_data(programme, lever_id)
    data = data[data["count"] > 0]
    level_colours = [level_palette(definition)[lv.value] for lv in definition.levels]
    level_labels = [f"{lv.value} – {lv.label}" for lv in definition.levels]
    segments = [s.label for s in definition.segments]
    text_of_level = {
        f"{lv.value} – {lv.label}": palette.text_on(c) for lv, c in zip(definition.levels, level_colours, strict=True)
    }
    text_colours = [text_of_level[label] for label in data["level_label"]]
    data = data.assign(text_colour=text_colours)
    data = data.assign(segment_axis=[segment_axis_label(label) for label in data["segment_label"]])
    y = segment_axis(segments)
    x = alt.X(
        "x0:Q",
        title=LEVELS_AXIS,
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(labelExpr=_FR_PERCENT_AXIS, tickCount=5),
    )
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=x,
            x2="x1:Q",
            y=y,
            color=alt.Color(
                "level_label:N",
                title="Niveau d'activation",
                scale=alt.Scale(domain=level_labels, range=level_colours),
                legend=alt.Legend(orient="bottom", columns=_narrow("4", "2")),
            ),
            tooltip=[
                alt.Tooltip("segment_label:N", title="Segment"),
                alt.Tooltip("level_label:N", title="Niveau"),
                alt.Tooltip("count_txt:N", title="Territoires"),
                alt.Tooltip("share_txt:N", title="Part du segment"),
            ],
        )
    )
    text = (
        alt.Chart(data)
        .mark_text(fontSize=13)
        .encode(x="mid:Q", y=y, text="bar_txt:N", color=_text_colour())
        .transform_filter("datum.bar_txt != ''")
    )
    parts = []
    for segment_label, rows in data.groupby("segment_label", sort=False):
        parts.append(
            f"{segment_label} : "
            + ", ".join(f"{lab} {s}" for lab, s in zip(rows["level_label"], rows["share_txt"], strict=True))
        )
    return alt.layer(bars, text).properties(
        width="container",
        height=alt.Step(bar_height),
        title=fitted_title(
            level_distribution_title(lever.id, lever.label),
            [LEVELS_SUBTITLE],
            font_size=16,
        ),
        description=(
            f"Barres empilées des niveaux d'activation du levier {lever.label} par segment. " + " ; ".join(parts) + "."
        ),
    )
