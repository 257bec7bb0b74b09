"""The follow-up page (« Suivi des dialogues ») with AppTest: statuses, territories to contact, progress."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from territorial.content import follow_up as fu
from territorial.core.fmt import fr_date
from tests.conftest import open_page

PAGE = "pages/suivi.py"
DAY = "2025-12-31"

pytestmark = pytest.mark.usefixtures("fresh_view_caches")


def test_late_and_due_territories_sorted_with_the_cycle_progress(demo) -> None:
    at = open_page(PAGE, au=DAY)
    assert not at.exception
    assert [t.value for t in at.title] == ["Suivi des dialogues de gouvernance"]
    past = demo.at(dt.date.fromisoformat(DAY))
    counts = fu.status_counts(past)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"En retard": "2", "À prévoir": "12", "À jour": "67", "Suivi achevé": "0"}
    assert counts[fu.LATE] == 2 and counts[fu.DUE] == 12
    plan, progress = at.dataframe
    table = plan.value
    assert len(table) == 14
    expected = fu.to_plan(past)
    assert list(table["Code"]) == list(expected.index)
    assert list(table["Prochain dialogue"]) == [fr_date(d) for d in expected["Prochain dialogue"]]
    assert list(table["Statut"][:3].str.startswith("en retard")) == [True, True, False]  # the oldest first
    assert (table["Fiche"] == "/fiche?territoire=" + table["Code"]).all()
    assert any("Situation au **31 décembre 2025**" in m.value for m in at.markdown)
    # the cycle: every territory did T0; T+12 done by those whose T+12 was before the day
    steps = progress.value.set_index("Territoires")
    reached = fu.cycle_progress(past)
    total = reached[(reached["groupe"] == "Programme") & (reached["etape"] == "T+12")]["n"].iloc[0]
    assert steps.at["Programme", "T0"] == "81 sur 81"
    assert steps.at["Programme", "T+12"] == f"{total} sur 81"
    assert steps.at["Petits territoires", "T0"] == "29 sur 29"
    assert [b.label for b in at.get("download_button")] == ["Calendrier (.ics)", "Tableau (CSV)"]
    specs = [getattr(getattr(e, "proto", None), "spec", "") for e in at.main]
    (chart,) = [json.loads(spec) for spec in specs if spec and "vega-lite" in spec]
    assert chart["layer"][0]["encoding"]["x"]["sort"] == ["T0", "T+12", "T+24", "T+36"]


def test_before_any_dialogue_every_territory_is_to_engage(demo) -> None:
    at = open_page(PAGE, au="2024-01-15")
    assert not at.exception
    engaged = int(demo.at(dt.date(2024, 1, 15)).territories["evalue"].sum())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["À engager"] == str(81 - engaged)
