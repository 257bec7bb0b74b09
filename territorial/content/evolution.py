"""The dialogues followed over time: one territory's timeline, and each segment's evolution.

For the fiche: :func:`territory_dialogues` (the dialogues up to the programme's date),
:func:`change_sentence` (what changed between the last two, in French),
:func:`timeline_chart` (altair: one line per lever, level against date) and
:func:`timeline_table` (its text alternative).

For the Segments page: :func:`segment_evolution` (per segment, lever and stage, the share
of the territories activating the lever), :func:`evolution_chart`,
:func:`evolution_table` and :func:`evolution_sentences` (which segment progressed most,
on which lever, with figures).

A **stage** of the follow-up is T0, T+12, T+24, T+36…: the dialogue's ``etape`` when the
file gives one (« T+12 »), else the months since the territory's first dialogue rounded
to the nearest 12. A dialogue whose ``etape`` is an intermediate point (« T+6 ») is not a
stage: it is left out of the stage view. In the half-year view each territory counts at
its latest dialogue up to the end of each half-year (the situation on that day).

Every number is formatted in Python (French formats); every text is plain (escape it
before Markdown or HTML). No Streamlit here.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date

import altair as alt
import pandas as pd

from territorial.content.charts import lever_title
from territorial.core.fmt import fr_date, fr_float, fr_int, fr_pct, plural
from territorial.model.definition import ProgrammeDefinition
from territorial.model.dialogue_dates import parse_iso
from territorial.model.programme import Programme
from territorial.model.stages import stage_label, stage_month
from territorial.model.vocabulary import DIALOGUE_DATE, DIALOGUE_STAGE

#: Fewer territories than this behind a point of the segments' evolution: no point.
MIN_TERRITORIES = 3
#: The two ways of cutting time on the Segments page.
BY_STAGE, BY_HALF_YEAR = "etape", "semestre"
MODES = {BY_STAGE: "Étapes du suivi (T0, T+12, T+24…)", BY_HALF_YEAR: "Semestres"}

SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
#: Point shapes of the levers (and of the segments), so that colour is never the only cue.
SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge", "stroke")
_DAYS_PER_MONTH = 365.25 / 12
_FR_PERCENT_AXIS = "format(datum.value * 100, '.0f') + '\u00a0%'"
#: The width follows the container, ``height`` is the plot's (Streamlit's default « fit »
#: would squeeze the plot under the title, axes and legend).
_FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


# --------------------------------------------------------------------------- one territory


def territory_dialogues(programme: Programme, code: str) -> pd.DataFrame:
    """The dialogues of ``code`` up to the programme's date (all of them without one), oldest first."""
    history = programme.history_of(code)
    if programme.as_of is not None:
        dates = history[DIALOGUE_DATE]
        history = history[(dates == "") | (dates <= programme.as_of.isoformat())]
    return history.reset_index(drop=True)


def dialogue_label(row: pd.Series | dict) -> str:
    """« 19 juin 2025 (T+12) », « 19 juin 2025 », or « dialogue non daté »."""
    day = fr_date(row.get(DIALOGUE_DATE)) or "dialogue non daté"
    stage = str(row.get(DIALOGUE_STAGE) or "").strip()
    return f"{day} ({stage})" if stage else day


def _q(text: str) -> str:
    """« text », with no-break spaces inside the quotes (a quote never ends or starts a line alone)."""
    return f"«\u00a0{text}\u00a0»"


def _level_change(lever: str, before: int, after: int, definition: ProgrammeDefinition) -> str:
    verb = "progresse" if after > before else "recule"
    return f"{lever} {verb} de {_q(definition.level_label(before))} à {_q(definition.level_label(after))}"


def change_sentence(programme: Programme, code: str) -> str:
    """What changed between the territory's last two dialogues, in one French sentence.

    « Entre le 19 juin 2025 (T+12) et le 12 août 2026 (T+24) : L4 – Coopérations… progresse
    de « engagé » à « structurant » ; L1 – … recule de « émergent » à « non activé » ; les
    autres leviers sont inchangés. » With one dialogue: « Un seul dialogue à ce jour, le … ».
    """
    definition = programme.definition
    history = territory_dialogues(programme, code)
    when = "à ce jour" if programme.as_of is None else f"au {fr_date(programme.as_of)}"
    if history.empty:
        return f"Aucun dialogue de gouvernance {when} : ce territoire n'est pas encore évalué."
    if len(history) == 1:
        only = history.iloc[0]
        day = fr_date(only[DIALOGUE_DATE])
        stage = str(only.get(DIALOGUE_STAGE) or "").strip()
        if not day:
            return f"Un seul dialogue {when} (date non renseignée)."
        return f"Un seul dialogue {when}, le {day}" + (f" ({stage})." if stage else ".")
    before, after = history.iloc[-2], history.iloc[-1]
    changes, same = [], []
    for lever in definition.levers:
        old, new = int(before[lever.id]), int(after[lever.id])
        title = lever_title(lever.id, lever.label)
        if old == new:
            same.append(lever.id)
        else:
            changes.append(_level_change(title, old, new, definition))
    head = f"Entre le {dialogue_label(before)} et le {dialogue_label(after)}"
    if not changes:
        return f"{head} : aucun levier n'a changé de niveau."
    if len(same) == 1:
        changes.append(f"le levier {same[0]} est inchangé")
    elif same:
        changes.append("les autres leviers sont inchangés")
    return f"{head} : " + " ; ".join(changes) + "."


def _day_number(day: date) -> float:
    """The x of a day on the timeline: days since 1 January 1 (a plain number, no time zone)."""
    return float(day.toordinal())


def _axis_date(day: date) -> str:
    """« 5 févr. 2024 » (axis labels are short)."""
    return f"{'1er' if day.day == 1 else day.day} {SHORT_MONTHS[day.month - 1]} {day.year}"


def timeline_data(programme: Programme, code: str) -> pd.DataFrame:
    """One row per dated dialogue of ``code`` and lever: what the timeline draws.

    Columns: ``when`` (the day as a number, :func:`_day_number`: Vega's dates would follow the
    browser's time zone), ``date_txt``, ``etape``, ``dialogue``
    (« 19 juin 2025 (T+12) »), ``lever``, ``lever_title``, ``level``, ``level_txt``
    (« 2 – engagé ») and ``y``, the level nudged by lever so that equal levels do not hide
    each other's lines.
    """
    definition = programme.definition
    history = territory_dialogues(programme, code)
    rows = []
    n = len(definition.levers)
    for _, dialogue in history.iterrows():
        day = parse_iso(dialogue[DIALOGUE_DATE])
        if day is None:
            continue
        for i, lever in enumerate(definition.levers):
            level = int(dialogue[lever.id])
            rows.append(
                {
                    "when": _day_number(day),
                    "date_txt": fr_date(day),
                    "etape": str(dialogue.get(DIALOGUE_STAGE) or "").strip() or "–",
                    "dialogue": dialogue_label(dialogue),
                    "lever": lever.id,
                    "lever_title": lever_title(lever.id, lever.label),
                    "level": level,
                    "level_txt": f"{level} – {definition.level_label(level)}",
                    "y": level + 0.07 * (i - (n - 1) / 2),
                }
            )
    columns = ["when", "date_txt", "etape", "dialogue", "lever", "lever_title", "level", "level_txt", "y"]
    return pd.DataFrame(rows, columns=columns)


def timeline_description(programme: Programme, code: str, data: pd.DataFrame) -> str:
    """The timeline in words: each lever's level at each dialogue."""
    name = programme.territories.at[code, "nom"]
    parts = []
    for title, rows in data.groupby("lever_title", sort=False):
        levels = ", ".join(
            f"{lab.split(' – ', 1)[1]} le {d}" for lab, d in zip(rows["level_txt"], rows["dialogue"], strict=True)
        )
        parts.append(f"{title} : {levels}")
    dialogues = plural(data["when"].nunique(), "dialogue")
    return f"Niveau de chaque levier de {name} au fil de ses {dialogues}. " + " ; ".join(parts) + "."


def timeline_chart(programme: Programme, code: str, *, height: int = 260) -> alt.LayerChart | alt.FacetChart | None:
    """Lines and points: each lever's level (y, labelled from the definition) at each dialogue (x).

    None when fewer than two dialogues are dated (nothing to follow yet). No title: the page
    names it in a heading that wraps on a phone (a chart's title would be cut).
    """
    definition = programme.definition
    data = timeline_data(programme, code)
    days = sorted(data["when"].unique())
    if len(days) < 2:
        return None
    labels = {}
    for when, rows in data.groupby("when"):
        day = date.fromordinal(int(when))
        stage = rows["etape"].iloc[0]
        labels[int(when)] = [_axis_date(day), "" if stage == "–" else stage]
    ticks = [int(t) for t in days]
    label_expr = (
        f"indexof({json.dumps(ticks)}, datum.value) < 0 ? '' : "
        f"{json.dumps([labels[t] for t in ticks], ensure_ascii=False)}[indexof({json.dumps(ticks)}, datum.value)]"
    )
    pad = max((days[-1] - days[0]) * 0.06, 20)
    levels = [lv.value for lv in definition.levels]
    level_names = json.dumps([lv.label for lv in definition.levels], ensure_ascii=False)
    titles = [lever_title(lv.id, lv.label) for lv in definition.levers]
    x = alt.X(
        "when:Q",
        title=None,
        scale=alt.Scale(domain=[days[0] - pad, days[-1] + pad], nice=False, zero=False),
        axis=alt.Axis(values=ticks, labelExpr=label_expr, labelOverlap="greedy", labelFontSize=12, grid=True),
    )
    y = alt.Y(
        "y:Q",
        title=None,
        scale=alt.Scale(domain=[levels[0] - 0.4, levels[-1] + 0.4], nice=False, zero=False),
        axis=alt.Axis(
            values=levels,
            labelExpr=f"{level_names}[datum.value - {levels[0]}]",
            labelFontSize=12,
            labelLimit=120,
            grid=True,
        ),
    )
    colour = alt.Color(
        "lever_title:N",
        title="Levier",
        scale=alt.Scale(domain=titles, range=[lv.colour for lv in definition.levers]),
        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=320, labelFontSize=12),
    )
    shape = alt.Shape("lever_title:N", scale=alt.Scale(domain=titles, range=list(SHAPES[: len(titles)])))
    tooltip = [
        alt.Tooltip("date_txt:N", title="Date du dialogue"),
        alt.Tooltip("etape:N", title="Étape"),
        alt.Tooltip("lever_title:N", title="Levier"),
        alt.Tooltip("level_txt:N", title="Niveau"),
    ]
    base = alt.Chart(data).encode(x=x, y=y, color=colour)
    lines = base.mark_line(strokeWidth=2.5, interpolate="linear")
    points = base.mark_point(size=90, filled=True, opacity=1).encode(shape=shape, tooltip=tooltip)
    return alt.layer(lines, points).properties(
        width="container",
        height=height,
        autosize=_FIT_WIDTH,
        description=timeline_description(programme, code, data),
    )


def timeline_table(programme: Programme, code: str) -> pd.DataFrame:
    """The dialogues as a table (the timeline's text alternative): date, stage, each lever's level."""
    definition = programme.definition
    rows = []
    for _, dialogue in territory_dialogues(programme, code).iterrows():
        row: dict[str, object] = {
            "Dialogue": fr_date(dialogue[DIALOGUE_DATE]) or "non daté",
            "Étape": str(dialogue.get(DIALOGUE_STAGE) or "").strip(),
        }
        for lever in definition.levers:
            row[lever_title(lever.id, lever.label)] = definition.level_label(int(dialogue[lever.id]))
        row["Leviers activés"] = int(dialogue["n_actives"])
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- segments over time


def half_year_label(year: int, half: int, *, short: bool = False) -> str:
    """(2025, 1) → « 1er semestre 2025 » (short: « 1er sem. 2025 »)."""
    word = "sem." if short else "semestre"
    return f"{'1er' if half == 1 else '2e'} {word} {year}"


def _dated(programme: Programme) -> pd.DataFrame:
    """Every dialogue up to the programme's date with its day (undated ones dropped), its segment."""
    data = programme.assessments.copy()
    data["day"] = pd.to_datetime(data[DIALOGUE_DATE].replace("", None), errors="coerce")
    if programme.as_of is not None:
        data = data[data["day"].isna() | (data["day"] <= pd.Timestamp(programme.as_of))]
    data["segment"] = data["code"].map(programme.territories["segment"])
    return data


def _by_stage(programme: Programme) -> tuple[pd.DataFrame, int]:
    """(one row per territory and stage: its dialogue at that stage, with ``order`` = months;
    number of dialogues left out as intermediate points)."""
    data = _dated(programme)
    first = data.groupby("code")["day"].transform("min")
    months = (data["day"] - first).dt.days / _DAYS_PER_MONTH
    given = data[DIALOGUE_STAGE].map(stage_month) if DIALOGUE_STAGE in data else pd.Series(None, index=data.index)
    rounded = (months / 12 + 0.5).apply(lambda v: 12 * math.floor(v) if pd.notna(v) else None)
    stage = given.where(given.notna(), rounded)
    distance = (months - stage).abs().where(given.isna(), 0.0).fillna(0.0)
    data = data.assign(order=stage, distance=distance)
    placed = data[data["order"].notna()]
    intermediate = placed["order"] % 12 != 0
    left_out = int(intermediate.sum())
    placed = placed[~intermediate].assign(order=lambda d: d["order"].astype(int))
    placed = placed.sort_values(["code", "order", "distance", "day"], ascending=[True, True, True, False])
    placed = placed.drop_duplicates(["code", "order"], keep="first")
    labels = {m: (stage_label(m), stage_label(m), f"à {stage_label(m)}") for m in placed["order"].unique()}
    return _labelled(placed, labels), left_out


def _by_half_year(programme: Programme) -> pd.DataFrame:
    """One row per territory and half-year: its latest dialogue up to the end of that half-year."""
    data = _dated(programme).dropna(subset=["day"])
    if data.empty:
        return _labelled(data.assign(order=pd.Series(dtype="int64")), {})
    first, last = data["day"].min(), data["day"].max()
    rows = []
    labels = {}
    year, half = first.year, 1 if first.month <= 6 else 2
    while (year, half) <= (last.year, 1 if last.month <= 6 else 2):
        end = pd.Timestamp(year, 6, 30) if half == 1 else pd.Timestamp(year, 12, 31)
        order = year * 2 + half - 1
        known = data[data["day"] <= end].sort_values(["code", "day"]).groupby("code").tail(1)
        rows.append(known.assign(order=order))
        full = half_year_label(year, half)
        labels[order] = (half_year_label(year, half, short=True), f"la fin du {full}", f"à la fin du {full}")
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return _labelled(pd.concat(rows, ignore_index=True), labels)


def _labelled(rows: pd.DataFrame, labels: dict[int, tuple[str, str, str]]) -> pd.DataFrame:
    rows = rows.copy()
    rows["stage_label"] = rows["order"].map(lambda o: labels[o][0])
    rows["stage_between"] = rows["order"].map(lambda o: labels[o][1])
    rows["stage_at"] = rows["order"].map(lambda o: labels[o][2])
    return rows


def segment_evolution(
    programme: Programme, *, by: str = BY_STAGE, minimum: int = MIN_TERRITORIES
) -> tuple[pd.DataFrame, int]:
    """Per segment, lever and stage (or half-year): the share of territories activating the lever.

    Parameters
    ----------
    programme
        The programme (its date, when it has one, bounds the dialogues counted).
    by
        :data:`BY_STAGE` (T0, T+12…) or :data:`BY_HALF_YEAR`.
    minimum
        Fewer territories than this behind a point: its share is missing (no point drawn).

    Returns
    -------
    (pandas.DataFrame, int)
        Rows ordered by segment, lever, ``order`` (months, or half-years), with
        ``segment``, ``segment_label``, ``lever``, ``lever_title``, ``stage_label``
        (« T+12 », « 1er sem. 2025 »), ``stage_between``/``stage_at`` (for sentences),
        ``n`` (territories behind the point), ``n_active``, ``share`` (NaN below
        ``minimum``), ``share_txt``; and the number of dialogues left out as intermediate
        points (« T+6 »; always 0 by half-year).
    """
    definition = programme.definition
    if by == BY_HALF_YEAR:
        placed, left_out = _by_half_year(programme), 0
    else:
        placed, left_out = _by_stage(programme)
    stages = placed.drop_duplicates("order").sort_values("order")
    rows = []
    for segment in definition.segments:
        members = placed[placed["segment"] == segment.id]
        for lever in definition.levers:
            for _, stage in stages.iterrows():
                at = members[members["order"] == stage["order"]]
                n = len(at)
                active = int((at[lever.id] >= definition.active_from).sum())
                share = active / n if n >= minimum else float("nan")
                rows.append(
                    {
                        "segment": segment.id,
                        "segment_label": segment.label,
                        "lever": lever.id,
                        "lever_title": lever_title(lever.id, lever.label),
                        "order": int(stage["order"]),
                        "stage_label": stage["stage_label"],
                        "stage_between": stage["stage_between"],
                        "stage_at": stage["stage_at"],
                        "n": n,
                        "n_active": active,
                        "share": share,
                        "share_txt": fr_pct(share) if pd.notna(share) else "–",
                    }
                )
    columns = [
        "segment",
        "segment_label",
        "lever",
        "lever_title",
        "order",
        "stage_label",
        "stage_between",
        "stage_at",
        "n",
        "n_active",
        "share",
        "share_txt",
    ]
    return pd.DataFrame(rows, columns=columns), left_out


def evolution_chart(
    evolution: pd.DataFrame, definition: ProgrammeDefinition, lever_id: str, *, height: int = 230
) -> alt.LayerChart | alt.FacetChart:
    """For one lever: the share of each segment's territories activating it at each stage.

    One line per segment (its colour and a point shape); no point where fewer than the
    minimum of territories are behind it. The tooltip gives the count behind the point.
    """
    lever = definition.lever(lever_id)
    rows = evolution[evolution["lever"] == lever_id]
    stages = rows.drop_duplicates("order").sort_values("order")["stage_label"].tolist()
    data = rows[rows["share"].notna()].assign(
        # « 1er sem.|2025 »: the axis writes a half-year on two lines (one would hide every other one).
        stage_axis=lambda d: d["stage_label"].str.replace(r" (\d{4})$", r"|\1", regex=True),
        count_txt=lambda d: [
            f"{fr_int(a)} sur {plural(n, 'territoire')}" for a, n in zip(d["n_active"], d["n"], strict=True)
        ],
    )
    segments = [s.label for s in definition.segments]
    axis_stages = [re.sub(r" (\d{4})$", r"|\1", stage) for stage in stages]
    x = alt.X(
        "stage_axis:N",
        sort=axis_stages,
        title=None,
        scale=alt.Scale(domain=axis_stages),
        axis=alt.Axis(labelAngle=0, labelFontSize=12, labelOverlap="greedy", labelExpr="split(datum.label, '|')"),
    )
    y = alt.Y(
        "share:Q",
        title="Part qui l’active",
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(labelExpr=_FR_PERCENT_AXIS, tickCount=5, titleFontSize=11),
    )
    colour = alt.Color(
        "segment_label:N",
        title="Segment",
        scale=alt.Scale(domain=segments, range=[s.colour for s in definition.segments]),
        legend=None,
    )
    shape = alt.Shape(
        "segment_label:N", scale=alt.Scale(domain=segments, range=list(SHAPES[: len(segments)])), legend=None
    )
    tooltip = [
        alt.Tooltip("segment_label:N", title="Segment"),
        alt.Tooltip("stage_label:N", title="Étape"),
        alt.Tooltip("share_txt:N", title="Part qui l'active"),
        alt.Tooltip("count_txt:N", title="Territoires"),
    ]
    base = alt.Chart(data).encode(x=x, y=y, color=colour)
    lines = base.mark_line(strokeWidth=2.5)
    points = base.mark_point(size=80, filled=True, opacity=1).encode(shape=shape, tooltip=tooltip)
    parts = []
    for segment_label, seg_rows in data.groupby("segment_label", sort=False):
        values = ", ".join(
            f"{s} {t} ({c})"
            for s, t, c in zip(seg_rows["stage_label"], seg_rows["share_txt"], seg_rows["count_txt"], strict=True)
        )
        parts.append(f"{segment_label} : {values}")
    return alt.layer(lines, points).properties(
        width="container",
        height=height,
        autosize=_FIT_WIDTH,
        title=alt.TitleParams(lever_title(lever.id, lever.label), anchor="start", fontSize=14),
        description=(
            f"Part des territoires de chaque segment qui activent le levier {lever.label}, à chaque étape. "
            + (" ; ".join(parts) if parts else "Aucun point : trop peu de territoires")
            + "."
        ),
    )


#: :data:`SHAPES` as text, for legends written in HTML.
SYMBOLS = ("●", "■", "▲", "◆", "✚", "▼", "◗", "—")


def evolution_legend(definition: ProgrammeDefinition) -> list[tuple[str, str, str]]:
    """(segment label, colour, symbol) of each segment, as the charts draw them."""
    return [(s.label, s.colour, SYMBOLS[i % len(SYMBOLS)]) for i, s in enumerate(definition.segments)]


def evolution_table(evolution: pd.DataFrame, definition: ProgrammeDefinition) -> pd.DataFrame:
    """The charts as one table: per segment and stage, the territories behind and each lever's share."""
    rows = []
    for (segment_label, _order), group in evolution.groupby(["segment_label", "order"], sort=False):
        first = group.iloc[0]
        if first["n"] == 0:
            continue
        row = {"Segment": segment_label, "Étape": first["stage_label"], "Territoires": int(first["n"])}
        for lever in definition.levers:
            at = group[group["lever"] == lever.id].iloc[0]
            row[lever.id] = at["share_txt"]
        rows.append(row)
    table = pd.DataFrame(rows)
    order = {s.label: i for i, s in enumerate(definition.segments)}
    if not table.empty:
        stage_rank = {label: i for i, label in enumerate(evolution.sort_values("order")["stage_label"].unique())}
        table = table.sort_values(
            ["Segment", "Étape"], key=lambda c: c.map(order) if c.name == "Segment" else c.map(stage_rank)
        )
    return table.reset_index(drop=True)


def evolution_sentences(evolution: pd.DataFrame, definition: ProgrammeDefinition) -> list[str]:
    """What the evolution says: the segment that progressed most on which lever, the largest fall.

    The comparison is between the first stage and the latest stage at which every segment
    with enough territories at the first stage still has enough (at least the minimum).
    Figures are the charts' (shares and counts behind each point).
    """
    if evolution.empty:
        return ["Aucun dialogue daté : l'évolution ne peut pas encore être calculée."]
    stages = evolution.drop_duplicates("order").sort_values("order")
    first = stages.iloc[0]
    at_first = evolution[(evolution["order"] == first["order"]) & evolution["share"].notna()]
    eligible = list(dict.fromkeys(at_first["segment"]))
    if not eligible:
        return [f"Trop peu de territoires {first['stage_at']} pour suivre l'évolution par segment."]
    later = None
    for _, stage in stages.iloc[1:].iterrows():
        at = evolution[(evolution["order"] == stage["order"]) & evolution["segment"].isin(eligible)]
        if at["share"].notna().all():
            later = stage
    if later is None:
        return [
            f"Pas encore assez de territoires revus après {first['stage_between']} "
            f"(au moins {MIN_TERRITORIES} par segment) pour mesurer une évolution."
        ]
    keys = ["segment", "lever"]
    start = evolution[evolution["order"] == first["order"]].set_index(keys)
    end = evolution[evolution["order"] == later["order"]].set_index(keys)
    gain = (end["share"] - start["share"]).dropna()
    labels = {s.id: s.label for s in definition.segments}
    between = f"Entre {first['stage_between']} et {later['stage_between']}"

    def figures(key: tuple[str, str]) -> str:
        a, b = start.loc[key], end.loc[key]
        return (
            f"{a['share_txt']} de ses territoires l'activaient {first['stage_at']} "
            f"({fr_int(a['n_active'])} sur {fr_int(a['n'])}), {b['share_txt']} {later['stage_at']} "
            f"({fr_int(b['n_active'])} sur {fr_int(b['n'])})"
        )

    def points(value: float) -> str:
        text = fr_float(abs(100 * value), 0)
        return f"{'+' if value > 0 else '−'}{text} point{'s' if round(abs(100 * value)) >= 2 else ''}"

    sentences = []
    best = gain.idxmax()
    if gain[best] > 1e-9:
        segment, lever = best
        sentences.append(
            f"{between}, c'est le segment {_q(labels[segment])} qui a le plus progressé, sur le levier "
            f"{_q(lever_title(lever, definition.lever(lever).label))} : {figures(best)}, "
            f"soit {points(gain[best])}."
        )
    else:
        sentences.append(f"{between}, aucun segment n'a progressé sur aucun levier.")
    worst = gain.idxmin()
    if gain[worst] < -1e-9:
        segment, lever = worst
        sentences.append(
            f"Plus fort recul : le levier {_q(lever_title(lever, definition.lever(lever).label))} dans le segment "
            f"{_q(labels[segment])} : {figures(worst)}, soit {points(gain[worst])}."
        )
    missing = [
        labels[s.id] for s in definition.segments if s.id not in eligible and (evolution["segment"] == s.id).any()
    ]
    missing = [m for m in missing if evolution.loc[evolution["segment_label"] == m, "n"].sum() > 0]
    if missing:
        names = ", ".join(_q(m) for m in missing)
        sentences.append(
            f"Non comparé{'s' if len(missing) > 1 else ''} faute de territoires (moins de {MIN_TERRITORIES} "
            f"{first['stage_at']}) : {names}."
        )
    return sentences


__all__ = [
    "BY_HALF_YEAR",
    "BY_STAGE",
    "MIN_TERRITORIES",
    "MODES",
    "change_sentence",
    "dialogue_label",
    "evolution_chart",
    "evolution_legend",
    "evolution_sentences",
    "evolution_table",
    "segment_evolution",
    "stage_label",
    "stage_month",
    "territory_dialogues",
    "timeline_chart",
    "timeline_data",
    "timeline_table",
]
