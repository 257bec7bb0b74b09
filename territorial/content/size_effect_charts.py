"""The size effect drawn: each segment's share of each lever with its 95 % interval, and its table.

Built as plain objects (altair chart, DataFrame) from :func:`territorial.content.size_effect.size_effect`;
every number written is formatted in French here. A segment below the minimum has no bar
(its counts are in the table).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from territorial.content.charts import axis_label, lever_title
from territorial.content.size_effect import MIN_TERRITORIES, SizeEffect
from territorial.content.size_effect_text import share_interval
from territorial.core import palette
from territorial.core.fmt import fr_int, plural
from territorial.model.definition import ProgrammeDefinition

_FR_PERCENT_AXIS = "format(datum.value * 100, '.0f') + '\u00a0%'"


#: The intervals chart's texts (also those of its HTML bars, :mod:`territorial.content.html_bars`).
INTERVALS_TITLE = "Parts et intervalles à 95 %"
INTERVALS_AXIS = "Part des territoires du segment qui activent le levier"


def intervals_data(effect: SizeEffect, definition: ProgrammeDefinition) -> pd.DataFrame:
    """The lever rows of ``effect.table`` with the chart's labels (only segments with a share)."""
    levers = definition.lever_ids
    data = effect.table[effect.table["question"].isin(levers) & effect.table["enough"]].copy()
    data["lever_title"] = [lever_title(k, definition.lever(k).label) for k in data["question"]]
    data["lever_axis"] = [axis_label(k, definition.lever(k).label, width=22) for k in data["question"]]
    data["share_txt"] = [share_interval(p, lo, hi) for p, lo, hi in data[["part", "ic_bas", "ic_haut"]].to_numpy()]
    data["count_txt"] = [
        f"{a} sur {plural(n, 'territoire évalué', 'territoires évalués')}"
        for a, n in zip(data["actifs"], data["n"], strict=True)
    ]
    return data


def intervals_chart(
    effect: SizeEffect, definition: ProgrammeDefinition, *, bar_height: int = 18, font_size: int = 13
) -> alt.LayerChart | alt.FacetChart:
    """Bars of each segment's share per lever (grouped by lever) with their Wilson 95 % interval.

    ``bar_height`` is one segment's bar, ``font_size`` the labels' size (larger for the projector).
    """
    data = intervals_data(effect, definition)
    segments = [s.label for s in definition.segments]
    colours = [s.colour for s in definition.segments]
    titles = [axis_label(lv.id, lv.label, width=22) for lv in definition.levers]
    y = alt.Y(
        "lever_axis:N",
        sort=titles,
        title=None,
        axis=alt.Axis(labelLimit=260 * font_size // 13, labelFontSize=font_size, labelExpr="split(datum.label, '|')"),
    )
    offset = alt.YOffset("segment_label:N", sort=segments)
    x_scale = alt.Scale(domain=[0, 1])
    tooltip = [
        alt.Tooltip("lever_title:N", title="Levier"),
        alt.Tooltip("segment_label:N", title="Segment"),
        alt.Tooltip("share_txt:N", title="Part [intervalle à 95 %]"),
        alt.Tooltip("count_txt:N", title="Territoires"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar(opacity=0.6)  # light enough for the black interval to read on the darkest segment
        .encode(
            x=alt.X(
                "part:Q",
                title=INTERVALS_AXIS,
                scale=x_scale,
                axis=alt.Axis(
                    labelExpr=_FR_PERCENT_AXIS, tickCount=5, labelFontSize=font_size, titleFontSize=font_size
                ),
            ),
            y=y,
            yOffset=offset,
            color=alt.Color(
                "segment_label:N",
                title="Segment",
                scale=alt.Scale(domain=segments, range=colours),
                legend=alt.Legend(
                    orient="bottom",
                    columns=1,
                    labelLimit=320 * font_size // 13,
                    labelFontSize=font_size,
                    titleFontSize=font_size,
                    symbolSize=10 * font_size,
                ),
            ),
            tooltip=tooltip,
        )
    )
    errors = (
        alt.Chart(data)
        .mark_errorbar(ticks=True, thickness=2, color=palette.TEXT)
        .encode(x=alt.X("ic_bas:Q", scale=x_scale, title=None), x2="ic_haut:Q", y=y, yOffset=offset, tooltip=tooltip)
    )
    parts = [f"{row.lever_title}, {row.segment_label} : {row.share_txt}" for row in data.itertuples(index=False)]
    return alt.layer(bars, errors).properties(
        width="container",
        height=alt.Step(bar_height),
        title=alt.TitleParams(INTERVALS_TITLE, anchor="start", fontSize=font_size + 3),
        description="Barres horizontales avec intervalles de confiance à 95 %. " + " ; ".join(parts) + ".",
    )


#: What the chart shows, said next to it (a caption wraps on a phone; a chart's subtitle does not).
CHART_CAPTION = (
    "Chaque barre est la part des territoires du segment qui activent le levier ; le trait noir couvre les "
    "valeurs compatibles avec les données (intervalle à 95 %). Deux traits qui se chevauchent largement ne "
    f"montrent pas d'écart net. Un segment de moins de {MIN_TERRITORIES} territoires évalués n'a pas de barre."
)


def intervals_table(effect: SizeEffect, definition: ProgrammeDefinition) -> pd.DataFrame:
    """One row per segment, one column per lever (then the progression): « 45 % [29–62 %] (13/29) »."""
    rows = []
    keys = [*definition.lever_ids, *(k for k in effect.questions if k not in definition.lever_ids)]
    for segment in definition.segments:
        row: dict[str, object] = {"Segment": segment.label}
        for key in keys:
            line = effect.rows(key).set_index("segment").loc[segment.id]
            name = (
                lever_title(key, definition.lever(key).label)
                if key in definition.lever_ids
                else "Progression (territoires suivis)"
            )
            counts = f"{fr_int(line['actifs'])} sur {fr_int(line['n'])}"
            row[name] = (
                f"{share_interval(line['part'], line['ic_bas'], line['ic_haut'])} ({counts})"
                if line["enough"]
                else (f"trop peu ({counts})" if line["n"] else "aucun territoire")
            )
        rows.append(row)
    return pd.DataFrame(rows)
