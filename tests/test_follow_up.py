"""The follow-up rules: next dialogue expected, status at a day, month ends, steps, the cycle's progress."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from territorial.content import follow_up as fu


def _dialogues(*rows: tuple[str, str]) -> pd.DataFrame:
    """(date, étape) rows; an empty étape is « not given »."""
    return pd.DataFrame(list(rows), columns=["date_dialogue", "etape"])


def _at(day: date, *rows: tuple[str, str], interval: int = 12) -> fu.FollowUp:
    return fu.territory_follow_up(_dialogues(*rows), interval=interval, day=day)


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 3, 31), 12, date(2026, 3, 31)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 11, 15), 3, date(2026, 2, 15)),
    ],
)
def test_months_are_added_keeping_month_ends(start, months, expected) -> None:
    assert fu.add_months(start, months) == expected


def test_whole_months_of_delay() -> None:
    assert fu.whole_months_between(date(2026, 2, 28), date(2026, 3, 27)) == 0
    assert fu.whole_months_between(date(2026, 2, 28), date(2026, 3, 28)) == 1
    assert fu.whole_months_between(date(2026, 1, 31), date(2026, 3, 30)) == 1
    assert fu.whole_months_between(date(2025, 10, 5), date(2026, 12, 7)) == 14


def test_next_dialogue_from_the_latest_date_and_the_step_after_the_given_one() -> None:
    f = _at(date(2026, 6, 1), ("2024-03-10", "T0"), ("2025-03-20", "T+12"))
    assert (f.status, f.step, f.next_step) == (fu.LATE, 12, 24)
    assert f.next_day == date(2026, 3, 20)
    assert f.late_months == 2
    assert f.sentence() == "Prochain dialogue attendu : mars 2026 (T+24), en retard de 2 mois"
    assert f.next_text == "20 mars 2026 (T+24)"


def test_status_boundaries_due_soon_and_up_to_date() -> None:
    rows = (("2025-03-20", "T0"),)
    due_on_the_day = _at(date(2026, 3, 20), *rows)
    assert due_on_the_day.status == fu.DUE  # expected today: not late yet
    late_by_a_day = _at(date(2026, 3, 21), *rows)
    assert (late_by_a_day.status, late_by_a_day.late_months) == (fu.LATE, 0)
    assert late_by_a_day.status_text == "en retard de moins d'un mois"
    assert _at(date(2025, 12, 20), *rows).status == fu.DUE  # exactly three months ahead
    up_to_date = _at(date(2025, 12, 19), *rows)
    assert up_to_date.status == fu.UP_TO_DATE
    assert up_to_date.sentence() == "Prochain dialogue attendu : mars 2026 (T+12)"


def test_leap_day_dialogue_is_expected_on_28_february() -> None:
    f = _at(date(2025, 1, 10), ("2024-02-29", "T0"))
    assert f.next_day == date(2025, 2, 28) and f.status == fu.DUE
    assert _at(date(2025, 3, 1), ("2024-02-29", "T0")).status == fu.LATE


def test_month_end_with_a_one_month_interval() -> None:
    f = _at(date(2026, 2, 1), ("2026-01-31", "T0"), interval=1)
    assert (f.next_day, f.next_step, f.status) == (date(2026, 2, 28), 1, fu.DUE)


def test_complete_cycle_and_never_met() -> None:
    done = _at(
        date(2026, 12, 7), ("2024-01-10", "T0"), ("2025-01-12", "T+12"), ("2026-01-15", "T+24"), ("2026-11-20", "T+36")
    )
    assert (done.status, done.step, done.next_day) == (fu.DONE, 36, None)
    assert done.sentence() == "Suivi achevé : étape T+36 atteinte le 20 novembre 2026"
    never = fu.territory_follow_up(pd.DataFrame(columns=["date_dialogue"]), interval=12, day=date(2026, 1, 1))
    assert (never.status, never.next_step, never.next_text) == (fu.NOT_STARTED, 0, "T0 à engager")


def test_without_steps_the_months_since_the_first_dialogue_rounded_to_the_interval() -> None:
    f = _at(date(2026, 4, 1), ("2024-02-01", ""), ("2025-01-20", ""), ("2026-02-25", ""))
    # 0, 11.6 → 12 and 24.8 → 24 months
    assert (f.step, f.next_step, f.next_day, f.status) == (24, 36, date(2027, 2, 25), fu.UP_TO_DATE)
    # no « etape » column at all
    only_dates = pd.DataFrame({"date_dialogue": ["2024-02-01", "2025-02-10"]})
    g = fu.territory_follow_up(only_dates, interval=12, day=date(2025, 3, 1))
    assert (g.step, g.next_step) == (12, 24)


def test_intermediate_point_is_not_a_step_but_dates_the_next_dialogue() -> None:
    f = _at(date(2025, 3, 1), ("2024-01-15", "T0"), ("2024-07-15", "T+6"))
    assert (f.step, f.next_step, f.next_day) == (0, 12, date(2025, 7, 15))


def test_steps_that_went_backwards_keep_the_highest_step_reached() -> None:
    f = _at(date(2026, 9, 1), ("2024-01-15", "T0"), ("2025-01-10", "T+24"), ("2026-01-20", "T+12"))
    assert f.backwards
    assert (f.step, f.next_step, f.next_day) == (24, 36, date(2027, 1, 20))
    assert not _at(date(2026, 9, 1), ("2024-01-15", "T0"), ("2025-01-10", "T+12")).backwards


def test_a_past_day_ignores_the_dialogues_after_it() -> None:
    rows = (("2024-03-10", "T0"), ("2025-03-20", "T+12"), ("2026-03-25", "T+24"))
    past = _at(date(2025, 1, 15), *rows)
    assert (past.step, past.last, past.next_day, past.status) == (0, date(2024, 3, 10), date(2025, 3, 10), fu.DUE)
    before_all = _at(date(2024, 1, 1), *rows)
    assert before_all.status == fu.NOT_STARTED


def test_undated_dialogue_gives_no_date() -> None:
    f = _at(date(2026, 1, 1), ("", ""))
    assert (f.status, f.next_day) == (fu.UNDATED, None)
    assert f.sentence() == "Prochain dialogue attendu : inconnu (aucun dialogue daté)"


def test_demo_statuses_at_a_fixed_day(demo) -> None:
    day = date(2026, 12, 7)
    table = fu.follow_up_table(demo, today=day)
    assert len(table) == 81
    assert table.index.equals(demo.territories.index)
    counts = fu.status_counts(demo, today=day)
    assert sum(counts.values()) == 81
    assert counts[fu.NOT_STARTED] == 0 and counts[fu.UNDATED] == 0
    # each late territory's expected day is before the day, each « à prévoir » within three months
    late = table[table["statut"] == fu.LATE]
    assert (late["prochain_dialogue"] < day).all()
    due = table[table["statut"] == fu.DUE]
    assert ((due["prochain_dialogue"] >= day) & (due["prochain_dialogue"] <= date(2027, 3, 7))).all()
    # a past day: the programme at that day, later dialogues do not exist
    early = demo.at(date(2024, 6, 30))
    early_counts = fu.status_counts(early)
    assert early_counts[fu.NOT_STARTED] == int((~early.territories["evalue"]).sum()) > 0


def test_plan_is_sorted_by_date_and_holds_late_and_due(demo) -> None:
    day = date(2026, 12, 7)
    plan = fu.to_plan(demo, today=day)
    counts = fu.status_counts(demo, today=day)
    assert len(plan) == counts[fu.LATE] + counts[fu.DUE]
    assert list(plan["Prochain dialogue"]) == sorted(plan["Prochain dialogue"])
    assert set(plan.columns) >= {"Territoire", "Statut", "Dernier dialogue", "Contact", "Étape attendue"}


def test_cycle_progress_counts_territories_that_reached_each_step(demo) -> None:
    day = date(2026, 12, 7)
    progress = fu.cycle_progress(demo, today=day)
    programme = progress[progress["groupe"] == "Programme"].set_index("etape")
    assert list(programme.index) == ["T0", "T+12", "T+24", "T+36"]
    table = fu.follow_up_table(demo, today=day)
    assert programme.loc["T0", "n"] == 81
    assert programme.loc["T+24", "n"] == int((table["etape_atteinte"] >= 24).sum())
    assert (programme["n"].diff().dropna() <= 0).all()  # reaching T+24 means having reached T+12
    segments = progress[progress["groupe"] != "Programme"]
    for step in ("T0", "T+12", "T+24", "T+36"):
        assert segments[segments["etape"] == step]["n"].sum() == programme.loc[step, "n"]
    wide = fu.progress_table(progress)
    assert list(wide.columns) == ["Territoires", "T0", "T+12", "T+24", "T+36"]
    assert wide.iloc[0]["T0"] == "81 sur 81"
    chart = fu.progress_chart(progress, {s.label: s.colour for s in demo.definition.segments}).to_dict()
    bars, _totals = chart["layer"]
    assert bars["encoding"]["color"]["scale"]["range"] == [s.colour for s in demo.definition.segments]
    assert bars["encoding"]["x"]["sort"] == ["T0", "T+12", "T+24", "T+36"]
    rows = chart["datasets"][chart["data"]["name"]]
    assert [r["n"] for r in rows if r["rang"] < 0] == list(programme["n"])  # the totals drawn on top


def test_demo_shows_every_status_of_a_started_cycle(demo) -> None:
    """The demo's follow-up rule (scripts/make_demo.py): some late, some due soon, some complete."""
    counts = fu.status_counts(demo, today=date(2026, 12, 7))
    assert counts == {
        fu.LATE: 5,
        fu.DUE: 6,
        fu.UP_TO_DATE: 67,
        fu.DONE: 3,
        fu.NOT_STARTED: 0,
        fu.UNDATED: 0,
    }
    table = fu.follow_up_table(demo, today=date(2026, 12, 7))
    assert set(table.index[table["statut"] == fu.DONE]) == {"246200364", "57", "200066116"}
    assert sorted(table["retard_mois"].dropna().astype(int)) == [1, 1, 2, 3, 3]
