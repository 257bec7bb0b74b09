"""The altair charts: the data they carry, their texts and their selection."""

from __future__ import annotations

import pandas as pd
import pytest

from territorial.content import charts
from territorial.content.levers import segment_lever_matrix
from territorial.core.fmt import fr_pct


def _rows(spec: dict) -> list[dict]:
    """The rows of the chart's only dataset."""
    assert len(spec["datasets"]) == 1
    return next(iter(spec["datasets"].values()))


def _expected_shares(demo) -> pd.DataFrame:
    """Share of each segment's territories at level >= 1, computed with pandas alone."""
    data = pd.DataFrame(demo.territories.drop(columns="geometry"))
    active = data[["L1", "L2", "L3", "L4"]].ge(1).groupby(data["segment"]).mean()
    return active.stack().rename("share").rename_axis(["segment", "lever"]).reset_index()


def test_heatmap_has_one_row_per_cell_with_the_right_share(demo) -> None:
    spec = charts.segment_lever_heatmap(segment_lever_matrix(demo), demo.definition).to_dict()
    rows = pd.DataFrame(_rows(spec))
    assert len(rows) == 16
    assert not rows.duplicated(["segment", "lever"]).any()
    merged = rows.merge(_expected_shares(demo), on=["segment", "lever"], suffixes=("", "_expected"))
    assert len(merged) == 16
    assert (merged["share"] - merged["share_expected"]).abs().max() < 1e-12
    # The text written in each cell starts with the share in French.
    for _, row in merged.iterrows():
        percent, rest = row["label"].split("\u00a0%\n")
        assert int(percent) == round(100 * row["share_expected"])
        assert rest.startswith("niveau moyen ")
    # Known values of the demo: 97 % of the small territories activate L4, all metropolises L2.
    cell = rows.set_index(["segment", "lever"])
    assert cell.at[("S1", "L4"), "share_txt"] == fr_pct(28 / 29) == "97\u00a0%"
    assert cell.at[("S4", "L2"), "share_txt"] == "100\u00a0%"


def test_heatmap_titles_and_text_layer(demo) -> None:
    spec = charts.segment_lever_heatmap(segment_lever_matrix(demo), demo.definition).to_dict()
    # The whole title on a wide plot, in short lines on a phone; the subtitle in lines a phone can show.
    assert '("Quels leviers chaque segment active-t-il ?")' in spec["title"]["text"]["expr"]
    assert '["Quels leviers chaque segment", "active-t-il ?"]' in spec["title"]["text"]["expr"]
    assert any("émergent" in line for line in spec["title"]["subtitle"])
    assert max(len(line) for line in spec["title"]["subtitle"]) <= charts.SUBTITLE_CHARS
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rect", "text"]
    # Share and mean level in a cell, the share alone on a phone.
    assert spec["layer"][1]["mark"]["text"]["expr"] == "width < 420 ? (datum.share_txt) : (datum.label)"
    # The axes name every segment and lever, in the definition's order.
    assert [a.replace("|", " ") for a in spec["layer"][0]["encoding"]["y"]["sort"]] == [
        s.label for s in demo.definition.segments
    ]
    assert max(len(line) for a in spec["layer"][0]["encoding"]["y"]["sort"] for line in a.split("|")) <= 20
    assert [a.split("|")[0] for a in spec["layer"][0]["encoding"]["x"]["sort"]] == ["L1", "L2", "L3", "L4"]
    # An image: nothing invites to click (the pages' HTML table is what one clicks).
    assert "params" not in spec
    assert not any("Cliquez" in line for line in spec["title"]["subtitle"])
    # The description is a text alternative with the values.
    assert "Petits territoires" in spec["description"]
    assert "L4 – Coopérations & gouvernance territoriale 97\u00a0%" in spec["description"]


def test_heatmap_outlines_only_the_selected_cell(demo) -> None:
    matrix = segment_lever_matrix(demo)
    data = charts.heatmap_data(matrix, demo.definition, selected=("S2", "L3"))
    assert data.loc[data["selected"], ["segment", "lever"]].values.tolist() == [["S2", "L3"]]
    assert not charts.heatmap_data(matrix, demo.definition, selected=("S2", None))["selected"].any()


def test_heatmap_of_an_empty_segment_writes_a_dash(demo) -> None:
    without_s3 = demo.territories[demo.territories["segment"] != "S3"]
    data = charts.heatmap_data(segment_lever_matrix(demo, without_s3), demo.definition)
    s3 = data[data["segment"] == "S3"]
    assert len(s3) == 4
    assert set(s3["share_txt"]) == {"–"}
    assert set(s3["mean_txt"]) == {"aucun territoire"}


@pytest.mark.parametrize("lever", ["L1", "L2", "L3", "L4"])
def test_level_distribution_counts_and_stacks(demo, lever: str) -> None:
    spec = charts.level_distribution(demo, lever).to_dict()
    rows = pd.DataFrame(_rows(spec))
    data = demo.territories
    for segment, group in rows.groupby("segment"):
        expected = data.loc[data["segment"] == segment, lever].value_counts()
        assert dict(zip(group["level"], group["count"], strict=True)) == expected.to_dict()
        assert group["x1"].max() == pytest.approx(1.0)
        assert group["share"].sum() == pytest.approx(1.0)
    label = demo.definition.lever(lever).label
    assert f'("{lever} – {label} : niveaux d\'activation par segment")' in spec["title"]["text"]["expr"]
    assert spec["description"].startswith("Barres empilées")


def test_level_distribution_texts_are_french(demo) -> None:
    rows = charts.level_distribution_data(demo, "L2")
    s1 = rows[rows["segment"] == "S1"].set_index("level")
    n = (demo.territories["segment"] == "S1").sum()
    zero = (demo.territories.loc[demo.territories["segment"] == "S1", "L2"] == 0).sum()
    assert s1.at[0, "share_txt"] == fr_pct(zero / n)
    assert s1.at[0, "level_label"] == "0 – non activé"
    assert s1.at[0, "count_txt"] == f"{zero} territoires"


def test_axis_label_wraps_long_lever_labels() -> None:
    assert (
        charts.axis_label("L3", "Financement & investissement en commun") == "L3|Financement &|investissement en|commun"
    )
    assert charts.axis_label("L1", "Court") == "L1|Court"
