"""The Segments page's two bar charts in HTML: one lever's levels by segment, and the shares with
their 95 % intervals.

The same figures, colours and texts as their Vega-Lite charts (:func:`charts.level_distribution`,
:func:`size_effect_charts.intervals_chart`, kept for the PNG and SVG images and the projector),
without chart code: on a first visit, each Vega chart is drawn on the browser's main thread
while the page's map waits for it (docs/performances.md, « Première visite »), and at every run
each one is a chart element to build and send. Bars in HTML are drawn by the browser's layout,
fit any width, and read well with a screen reader: one row per bar, its header naming it, each
part saying what it shows in words. Every text is escaped; the colours come from the programme's
definition (checked as ``#rrggbb`` when it is read), never from the data.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd

from territorial.content.charts import (
    LEVELS_AXIS,
    LEVELS_SUBTITLE,
    level_distribution_data,
    level_distribution_title,
    lever_title,
)
from territorial.content.colouring import level_palette
from territorial.content.size_effect import SizeEffect
from territorial.content.size_effect_charts import INTERVALS_AXIS, INTERVALS_TITLE, intervals_data
from territorial.core import palette
from territorial.core.fmt import fr_pct
from territorial.model.definition import ProgrammeDefinition
from territorial.model.programme import Programme

#: CSS classes of the two blocks (assets/app.css), and of what they share.
LEVELS, INTERVALS, BARS = "niveaux-levier", "intervalles", "barres-html"
#: Class of the texts read by screen readers but not shown (assets/app.css).
READER_ONLY = "lecteur-ecran"
TICKS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def _said(text: str) -> str:
    return f'<span class="{READER_ONLY}">{html.escape(text)}</span>'


def _axis(title: str) -> str:
    """The 0–100 % axis under the bars (a table footer; the bars say their figures in words)."""
    ticks = "".join(f'<span style="left:{100 * t:.0f}%">{fr_pct(t)}</span>' for t in TICKS)
    return (
        f'<tfoot aria-hidden="true"><tr><td></td><td><span class="{BARS}-axe">{ticks}</span>'
        f'<span class="{BARS}-axe-titre">{html.escape(title)}</span></td></tr></tfoot>'
    )


def _legend(title: str, entries: Iterable[tuple[str, str]], *, swatch_class: str = "") -> str:
    """Coloured squares and their labels (hidden from screen readers: every bar names itself)."""
    items = "".join(
        f'<span><span class="{BARS}-pastille {swatch_class}" style="background:{html.escape(colour)}"></span>'
        f"{html.escape(label)}</span>"
        for label, colour in entries
    )
    head = f'<span class="{BARS}-legende-titre">{html.escape(title)}</span>'
    return f'<p class="{BARS}-legende" aria-hidden="true">{head}{items}</p>'


def _caption(title: str, subtitle: str = "") -> str:
    sub = f'<span class="{BARS}-sous-titre">{html.escape(subtitle)}</span>' if subtitle else ""
    return f'<caption><span class="{BARS}-titre">{html.escape(title)}</span>{sub}</caption>'


def _level_part(row: pd.Series, segment_label: str, colour: str) -> str:
    """One level's part of a segment's bar: its width is its share; what it says, in words."""
    said = f"{row['level_label']} : {row['share_txt']} ({row['count_txt']})"
    return (
        f'<span class="{LEVELS}-part" style="width:{100 * float(row["share"]):.3f}%;background:{colour};'
        f'color:{palette.text_on(colour)}" title="{html.escape(f"{segment_label} · {said}")}">'
        f'{_said(said)}<span aria-hidden="true">{html.escape(row["bar_txt"])}</span></span>'
    )


def level_bars(programme: Programme, lever_id: str) -> str:
    """The levels of ``lever_id`` in each segment (territories assessed), as an HTML table of
    stacked bars with its title, axis and legend."""
    definition = programme.definition
    lever = definition.lever(lever_id)
    data = level_distribution_data(programme, lever_id)
    colours = level_palette(definition)
    rows = []
    for segment in definition.segments:
        parts = data[(data["segment"] == segment.id) & (data["count"] > 0)]
        bar = "".join(_level_part(row, segment.label, colours[int(row["level"])]) for _, row in parts.iterrows())
        if not bar:
            bar = f'<span class="{BARS}-vide">aucun territoire évalué</span>'
        head = f'<th scope="row">{html.escape(segment.label)}</th>'
        rows.append(f'<tr>{head}<td><span class="{LEVELS}-barre">{bar}</span></td></tr>')
    title = level_distribution_title(lever.id, lever.label)
    levels = ((f"{lv.value} – {lv.label}", colours[lv.value]) for lv in definition.levels)
    legend = _legend("Niveau d'activation", levels)
    return (
        f'<div class="{BARS} {LEVELS}"><table>{_caption(title, LEVELS_SUBTITLE)}<tbody>{"".join(rows)}</tbody>'
        f"{_axis(LEVELS_AXIS)}</table>{legend}</div>"
    )


def interval_bars(effect: SizeEffect, definition: ProgrammeDefinition) -> str:
    """Each segment's share of territories activating each lever, with its 95 % interval (a black
    line with end ticks), grouped by lever: an HTML table with its title, axis and legend. A
    segment with too few territories assessed has no bar, and says so."""
    data = intervals_data(effect, definition).set_index(["question", "segment"])
    groups = []
    for lever in definition.levers:
        name = lever_title(lever.id, lever.label)
        rows: list[str] = []
        for segment in definition.segments:
            if (lever.id, segment.id) in data.index:
                row = data.loc[(lever.id, segment.id)]
                said = f"{segment.label} : {row['share_txt']} ({row['count_txt']})"
                low, high = float(row["ic_bas"]), float(row["ic_haut"])
                track = (
                    f'<span class="{INTERVALS}-barre" style="width:{100 * float(row["part"]):.3f}%;'
                    f'background:{html.escape(segment.colour)}"></span>'
                    f'<span class="{INTERVALS}-trait" style="left:{100 * low:.3f}%;width:{100 * (high - low):.3f}%">'
                    "</span>"
                )
                title = f' title="{html.escape(f"{name} · {said}")}"'
            else:
                said, track, title = f"{segment.label} : trop peu de territoires évalués", "", ""
            span = len(definition.segments)
            head = "" if rows else f'<th scope="rowgroup" rowspan="{span}">{html.escape(name)}</th>'
            rows.append(f'<tr>{head}<td><span class="{INTERVALS}-piste"{title}>{_said(said)}{track}</span></td></tr>')
        groups.append(f"<tbody>{''.join(rows)}</tbody>")
    legend = _legend("Segment", ((s.label, s.colour) for s in definition.segments), swatch_class=f"{INTERVALS}-pale")
    return (
        f'<div class="{BARS} {INTERVALS}"><table>{_caption(INTERVALS_TITLE)}{"".join(groups)}'
        f"{_axis(INTERVALS_AXIS)}</table>{legend}</div>"
    )
