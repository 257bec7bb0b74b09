"""The follow-up of the dialogues as a coordinator runs it: who is due next, who is late.

Each territory is met again every ``ProgrammeDefinition.follow_up_months`` months (12 by
default: T0, T+12, T+24, T+36), for :data:`CYCLE_MONTHS` months. At a reference day (the
day shown, ``?au=``, else today in Paris), only the dialogues up to that day exist:

* the **step reached** is the highest step among those dialogues: the dialogue's ``etape``
  when it names one (« T+12 »), else the months since the territory's first dated dialogue
  rounded to the interval. An intermediate point (« T+6 » with a 12-month interval) is not a
  step. A territory whose steps went backwards (T+24 then a dialogue marked T+12) keeps the
  highest step it reached: the cycle does not go back;
* the **next dialogue** is expected one interval after the latest dated dialogue (month ends
  kept: 31 January + 1 month is 28 or 29 February, 29 February + 12 months is 28 February),
  at the step after the one reached;
* its **status**: « suivi achevé » (step T+36 reached), « en retard » (expected before the
  reference day, with the whole months of delay), « à prévoir » (expected within
  :data:`DUE_WITHIN_MONTHS` months), « à jour » (later), « à engager » (no dialogue yet),
  « date inconnue » (only undated dialogues: nothing can be computed).

No Streamlit here; texts are plain (escape them before Markdown or HTML).
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date

import altair as alt
import pandas as pd

from territorial.core import palette
from territorial.core.fmt import MONTHS, fr_date, plural
from territorial.model.dialogue_dates import parse_iso, today_in_paris
from territorial.model.programme import Programme
from territorial.model.stages import stage_label, stage_month
from territorial.model.vocabulary import DIALOGUE_DATE, DIALOGUE_STAGE

#: The follow-up lasts this many months (the seed: « 36 mois minimum »).
CYCLE_MONTHS = 36
#: A dialogue expected within this many months of the reference day is « à prévoir ».
DUE_WITHIN_MONTHS = 3

LATE, DUE, UP_TO_DATE, DONE, NOT_STARTED, UNDATED = (
    "en_retard",
    "a_prevoir",
    "a_jour",
    "acheve",
    "a_engager",
    "sans_date",
)
#: Status key → label, in the order of legends and tables (most urgent first).
STATUS_LABELS = {
    LATE: "en retard",
    DUE: "à prévoir",
    UP_TO_DATE: "à jour",
    DONE: "suivi achevé",
    NOT_STARTED: "à engager",
    UNDATED: "date inconnue",
}
#: Status key → fill colour (ColorBrewer « RdBu », colour-blind safe: warm = to act on, blue = fine;
#: never met: the grey of territories not yet assessed). The legend always says the words.
STATUS_COLOURS = {
    LATE: "#b2182b",
    DUE: "#ef8a62",
    UP_TO_DATE: "#67a9cf",
    DONE: "#2166ac",
    NOT_STARTED: palette.NOT_ASSESSED,
    UNDATED: "#9970ab",
}
#: Columns of :func:`follow_up_table`.
COLUMNS = (
    "statut",
    "etape_atteinte",
    "dernier_dialogue",
    "prochaine_etape",
    "prochain_dialogue",
    "retard_mois",
)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, kept in the month: 31 January + 1 → 28/29 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 when ``end`` is less than a month later)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def month_text(day: date) -> str:
    """« mars 2027 »."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def reference_day(programme: Programme, today: date | None = None) -> date:
    """The day the follow-up is computed at: the day shown (``?au=``), else today in Paris."""
    return programme.as_of or today or today_in_paris()


@dataclass(frozen=True)
class FollowUp:
    """One territory's follow-up at a reference day (see the module's docstring)."""

    status: str
    step: int | None  # months of the step reached (None: no dialogue, or no dated one)
    last: date | None  # latest dated dialogue up to the reference day
    next_step: int | None
    next_day: date | None
    late_months: int | None  # whole months of delay (status LATE)
    backwards: bool = False  # a dialogue was marked with a step lower than one reached before

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def next_text(self) -> str:
        """« 15 mars 2027 (T+36) », « T0 à engager », « — »."""
        if self.next_day is not None and self.next_step is not None:
            return f"{fr_date(self.next_day)} ({stage_label(self.next_step)})"
        if self.status == NOT_STARTED:
            return "T0 à engager"
        return "—"

    @property
    def status_text(self) -> str:
        """« en retard de 2 mois », « à prévoir », « suivi achevé »…"""
        if self.status == LATE:
            return late_text(self.late_months or 0)
        return self.status_label

    def sentence(self) -> str:
        """The fiche's line: « Prochain dialogue attendu : mars 2027 (T+36) »…"""
        if self.status == DONE:
            return f"Suivi achevé : étape {stage_label(self.step or 0)} atteinte le {fr_date(self.last)}"
        if self.status == NOT_STARTED:
            return "Suivi à engager : premier dialogue (T0) à programmer"
        if self.status == UNDATED:
            return "Prochain dialogue attendu : inconnu (aucun dialogue daté)"
        assert self.next_day is not None and self.next_step is not None
        text = f"Prochain dialogue attendu : {month_text(self.next_day)} ({stage_label(self.next_step)})"
        if self.status == LATE:
            text += f", {late_text(self.late_months or 0)}"
        return text


def late_text(months: int) -> str:
    """« en retard de 2 mois », « en retard de moins d'un mois »."""
    return "en retard de moins d'un mois" if months < 1 else f"en retard de {plural(months, 'mois', 'mois')}"


def territory_follow_up(dialogues: pd.DataFrame, *, interval: int, day: date, cycle: int = CYCLE_MONTHS) -> FollowUp:
    """The follow-up of one territory from its dialogues (``date_dialogue``, optional ``etape``) at ``day``.

    Dialogues after ``day`` do not exist yet; undated ones count as met, without a date.
    """
    stages = dialogues[DIALOGUE_STAGE] if DIALOGUE_STAGE in dialogues else [""] * len(dialogues)
    return _follow_up(list(zip(dialogues[DIALOGUE_DATE], stages, strict=True)), interval, day, cycle)


def _follow_up(dialogues: list[tuple[object, object]], interval: int, day: date, cycle: int) -> FollowUp:
    """:func:`territory_follow_up` of (stored date, étape) pairs."""
    dated: list[tuple[date, object]] = []
    undated = 0
    for raw, stage in dialogues:
        when = parse_iso(raw)
        if when is None:
            undated += 1
        elif when <= day:
            dated.append((when, stage))
    if not dated:
        if undated:
            return FollowUp(UNDATED, None, None, None, None, None)
        return FollowUp(NOT_STARTED, None, None, 0, None, None)
    dated.sort(key=lambda item: item[0])
    first = dated[0][0]
    steps: list[int] = []
    for when, stage in dated:
        given = stage_month(stage) if isinstance(stage, str) and stage.strip() else None
        if given is None:
            months = (when - first).days / (365.25 / 12)
            given = interval * math.floor(months / interval + 0.5)
        if given % interval == 0:  # « T+6 » with a 12-month interval: an intermediate point
            steps.append(given)
    reached = max(steps, default=0)
    backwards = any(later < earlier for earlier, later in zip(steps, steps[1:], strict=False))
    last = dated[-1][0]
    if reached >= cycle:
        return FollowUp(DONE, reached, last, None, None, None, backwards)
    due = add_months(last, interval)
    next_step = reached + interval
    if due < day:
        return FollowUp(LATE, reached, last, next_step, due, whole_months_between(due, day), backwards)
    status = DUE if due <= add_months(day, DUE_WITHIN_MONTHS) else UP_TO_DATE
    return FollowUp(status, reached, last, next_step, due, None, backwards)


def follow_ups(programme: Programme, *, today: date | None = None) -> dict[str, FollowUp]:
    """Each territory's follow-up (by code, in the programme's order) at :func:`reference_day`."""
    day = reference_day(programme, today)
    interval = programme.definition.follow_up_months
    history = programme.assessments
    by_code: dict[str, list[tuple[object, object]]] = {}
    if len(history):
        stages = history[DIALOGUE_STAGE] if DIALOGUE_STAGE in history else [""] * len(history)
        for code, raw, stage in zip(history["code"], history[DIALOGUE_DATE], stages, strict=True):
            by_code.setdefault(code, []).append((raw, stage))
    return {
        code: _follow_up(by_code.get(code, []), interval, day, CYCLE_MONTHS) for code in programme.territories.index
    }


def follow_up_of(programme: Programme, code: str, *, today: date | None = None) -> FollowUp:
    """One territory's follow-up at :func:`reference_day` (its fiche)."""
    day = reference_day(programme, today)
    return territory_follow_up(programme.history_of(code), interval=programme.definition.follow_up_months, day=day)


def follow_up_table(programme: Programme, *, today: date | None = None) -> pd.DataFrame:
    """:func:`follow_ups` as a frame indexed by code (:data:`COLUMNS`, plus ``statut_txt`` and ``prochain_txt``)."""
    rows = {
        code: {
            "statut": f.status,
            "statut_txt": f.status_text,
            "etape_atteinte": f.step,
            "dernier_dialogue": f.last,
            "prochaine_etape": stage_label(f.next_step) if f.next_step is not None else "",
            "prochain_dialogue": f.next_day,
            "prochain_txt": f.next_text,
            "retard_mois": f.late_months,
        }
        for code, f in follow_ups(programme, today=today).items()
    }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "code"
    return frame


def status_colouring(programme: Programme, data: pd.DataFrame) -> tuple[pd.Series, list[tuple[str, str]], str]:
    """Fill per territory of ``data`` by follow-up status, legend (colour, « En retard : 3 »), title.

    The four statuses of a started cycle always have their legend line; « à engager » and
    « date inconnue » only when some territory has them.
    """
    status = follow_up_table(programme)["statut"].reindex(data.index)
    counts = status.value_counts()
    legend = [
        (STATUS_COLOURS[key], f"{label.capitalize()} : {int(counts.get(key, 0))}")
        for key, label in STATUS_LABELS.items()
        if key in (LATE, DUE, UP_TO_DATE, DONE) or counts.get(key, 0)
    ]
    title = f"Statut du suivi au {fr_date(reference_day(programme))}"
    return status.map(STATUS_COLOURS), legend, title


# --------------------------------------------------------------------------- the coordinators' view


def to_plan(programme: Programme, *, today: date | None = None) -> pd.DataFrame:
    """The territories late or due soon, by expected date (oldest first), for the coordinators.

    Columns (French, for people): Prochain dialogue (a date), Étape attendue, Statut, Territoire,
    Segment, Dernier dialogue (a date), Contact; indexed by code.
    """
    table = follow_up_table(programme, today=today)
    data = programme.territories
    segments = {s.id: s.label for s in programme.definition.segments}
    chosen = table[table["statut"].isin([LATE, DUE])].sort_values("prochain_dialogue", kind="stable")
    codes = chosen.index
    return pd.DataFrame(
        {
            "Prochain dialogue": chosen["prochain_dialogue"].to_numpy(),
            "Étape attendue": chosen["prochaine_etape"].to_numpy(),
            "Statut": chosen["statut_txt"].to_numpy(),
            "Territoire": data.loc[codes, "nom"].to_numpy(),
            "Segment": data.loc[codes, "segment"].map(segments).to_numpy(),
            "Dernier dialogue": chosen["dernier_dialogue"].to_numpy(),
            "Contact": data.loc[codes, "contact"].fillna("").astype(str).to_numpy() if "contact" in data else "",
        },
        index=pd.Index(codes, name="Code"),
    )


def status_counts(programme: Programme, *, today: date | None = None) -> dict[str, int]:
    """How many territories have each status (every status, 0 included), in legend order."""
    counts = follow_up_table(programme, today=today)["statut"].value_counts()
    return {key: int(counts.get(key, 0)) for key in STATUS_LABELS}


def cycle_steps(programme: Programme) -> list[int]:
    """The steps of the cycle in months: 0, 12, 24, 36 with a 12-month interval."""
    interval = programme.definition.follow_up_months
    steps = list(range(0, CYCLE_MONTHS, interval))
    return [*steps, steps[-1] + interval]


def cycle_progress(programme: Programme, *, today: date | None = None) -> pd.DataFrame:
    """How many territories reached each step, for the programme and per segment.

    One row per group (« Programme », then each segment) and step: ``groupe``, ``etape``
    (« T+12 »), ``ordre`` (months), ``n`` (territories that reached it), ``total``.
    """
    table = follow_up_table(programme, today=today)
    reached = table["etape_atteinte"]
    segment_of = programme.territories["segment"]
    groups = [("Programme", programme.territories.index)]
    groups += [(s.label, segment_of.index[segment_of == s.id]) for s in programme.definition.segments]
    rows = []
    for name, codes in groups:
        steps = reached.reindex(codes)
        for months in cycle_steps(programme):
            n = int((steps.dropna() >= months).sum())
            rows.append({"groupe": name, "etape": stage_label(months), "ordre": months, "n": n, "total": len(codes)})
    return pd.DataFrame(rows, columns=["groupe", "etape", "ordre", "n", "total"])


def progress_table(progress: pd.DataFrame) -> pd.DataFrame:
    """:func:`cycle_progress` as a table for people: one row per group, « 12 sur 29 » per step."""
    progress = progress.assign(cell=[f"{n} sur {t}" for n, t in zip(progress["n"], progress["total"], strict=True)])
    wide = progress.pivot(index="groupe", columns="ordre", values="cell")
    wide = wide.reindex(index=list(dict.fromkeys(progress["groupe"])))
    wide.columns = [stage_label(int(m)) for m in wide.columns]
    wide.index.name = "Territoires"
    return wide.reset_index()


def progress_chart(progress: pd.DataFrame, colours: dict[str, str]) -> alt.LayerChart | alt.FacetChart:
    """Stacked bars: per step, the territories that reached it, by segment; the programme's total on top.

    ``colours``: segment label → colour. One dataset for both layers (the width is the page's).
    """
    order = [g for g in dict.fromkeys(progress["groupe"]) if g != "Programme"]
    steps = list(dict.fromkeys(progress.sort_values("ordre", kind="stable")["etape"]))
    data = progress.assign(
        rang=progress["groupe"].map({g: i for i, g in enumerate(order)}).fillna(-1).astype(int),
        libelle=[f"{n} sur {t}" for n, t in zip(progress["n"], progress["total"], strict=True)],
    )
    x = alt.X("etape:N", sort=steps, title="Étape du suivi", axis=alt.Axis(labelAngle=0))
    bars = (
        alt.Chart()
        .transform_filter(alt.datum.rang >= 0)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("n:Q", title="Territoires", axis=alt.Axis(format="d", tickMinStep=1)),
            color=alt.Color(
                "groupe:N",
                sort=order,
                scale=alt.Scale(domain=order, range=[colours.get(g, "#444444") for g in order]),
                legend=alt.Legend(title="Segment", orient="bottom", direction="vertical", labelLimit=400),
            ),
            order=alt.Order("rang:Q"),
            tooltip=[
                alt.Tooltip("groupe:N", title="Segment"),
                alt.Tooltip("etape:N", title="Étape"),
                alt.Tooltip("libelle:N", title="L'ont atteinte"),
            ],
        )
    )
    text = (
        alt.Chart()
        .transform_filter(alt.datum.rang < 0)
        .mark_text(dy=-8, fontSize=13, fontWeight="bold")
        .encode(x=x, y=alt.Y("n:Q"), text=alt.Text("n:Q"))
    )
    # the width follows the page, ``height`` is the plot's (Streamlit's default « fit » squeezes it)
    return alt.layer(bars, text, data=data).properties(
        height=240, autosize=alt.AutoSizeParams(type="fit-x", contains="padding")
    )
