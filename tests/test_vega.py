"""Charts prepared once (territorial/ui/vega.py): same rows and spec in the browser, the shared chart untouched."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from territorial.ui import vega

ROWS = pd.DataFrame({"segment": ["S1", "S2", "S3"], "part": [0.25, 0.5, None], "texte": ["25 %", "50 %", "–"]})


def _bars() -> dict:
    """One top-level encoding with a null legend title: what Streamlit patches in place."""
    return (
        alt.Chart(ROWS)
        .mark_bar()
        .encode(x="segment:N", y="part:Q", color=alt.Color("segment:N", legend=alt.Legend(title=None)))
        .to_dict()
    )


def test_prepare_takes_the_rows_out_of_the_spec() -> None:
    spec = _bars()
    chart = vega.prepare(spec)
    assert "data" not in chart.shown and "datasets" not in chart.shown
    assert chart.shown["mark"] == spec["mark"] and chart.spec is spec
    assert convert_arrow_bytes_to_pandas_df(chart.arrow).to_dict("records")[:2] == [
        {"segment": "S1", "part": 0.25, "texte": "25 %"},
        {"segment": "S2", "part": 0.5, "texte": "50 %"},
    ]


def test_a_spec_with_inline_values_or_without_one_dataset_is_handled() -> None:
    inline = {"data": {"values": [{"a": 1}, {"a": 2}]}, "mark": "bar"}
    assert len(convert_arrow_bytes_to_pandas_df(vega.prepare(inline).arrow)) == 2
    two = {"data": {"name": "x"}, "datasets": {"x": [{"a": 1}], "y": [{"b": 2}]}, "mark": "bar"}
    kept = vega.prepare(two)
    assert kept.arrow is None and kept.shown is two


def _page() -> None:
    import copy
    import json

    import altair as alt
    import pandas as pd
    import streamlit as st

    from territorial.ui import vega

    rows = pd.DataFrame({"segment": ["S1", "S2", "S3"], "part": [0.25, 0.5, None], "texte": ["25 %", "50 %", "–"]})
    spec = (
        alt.Chart(rows)
        .mark_bar()
        .encode(x="segment:N", y="part:Q", color=alt.Color("segment:N", legend=alt.Legend(title=None)))
        .add_params(alt.selection_point(name="cellule", fields=["segment"]))
        .to_dict()
    )
    chart = vega.prepare(spec)
    before = copy.deepcopy(chart)
    vega.show(chart)
    vega.show(chart, key="again", on_select="rerun")
    st.text(json.dumps({"unchanged": chart.spec == before.spec and chart.shown == before.shown}))


def test_the_browser_gets_the_same_rows_and_the_shared_chart_is_unchanged() -> None:
    at = AppTest.from_function(_page).run()
    assert not at.exception
    sent = [e.proto for e in at.main if getattr(getattr(e, "proto", None), "spec", "")]
    assert len(sent) == 2
    # The rows travel as the chart's one named dataset, the bytes written once by prepare().
    assert not sent[0].data.data and [d.name for d in sent[0].datasets] == [vega.DATASET]
    rows = convert_arrow_bytes_to_pandas_df(sent[0].datasets[0].data.data)
    assert list(rows["segment"]) == ["S1", "S2", "S3"] and list(rows["texte"]) == ["25 %", "50 %", "–"]
    assert rows["part"].iloc[:2].tolist() == [0.25, 0.5] and pd.isna(rows["part"].iloc[2])
    spec = json.loads(sent[0].spec)
    assert spec["mark"] == {"type": "bar"} and spec["encoding"]["color"]["legend"]["title"] == " "
    assert spec["data"] == {"name": vega.DATASET} and "datasets" not in spec
    assert json.loads(at.text[0].value) == {"unchanged": True}
