"""Vega-Lite charts built once and shown at every run without converting their data again.

``st.vega_lite_chart(spec)`` with the rows inside the spec (altair's ``to_dict()`` puts them
in ``datasets``) turns those rows into a pandas DataFrame and then into Arrow at every run.
A ``pyarrow.Table`` (« anything supported by st.dataframe ») skips the DataFrame but is still
written out as Arrow IPC bytes at every run. So a chart is prepared once per process, next
to the cached spec it comes from: the spec without its rows, and the rows already written as
Arrow IPC bytes, shared by the sessions. They are given back to Streamlit as the chart's one
named dataset: Streamlit passes bytes found in ``datasets`` as they are (its altair path puts
them there), where it would convert anything else (tests/test_private_apis.py watches that).
The browser gets the same chart and the same rows.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit import dataframe_util

#: The name of a prepared chart's dataset (one per chart: the name need not be unique).
DATASET = "lignes"


@dataclass(frozen=True)
class Chart:
    """A chart ready to show: ``spec`` whole (images, tests), ``shown`` without its rows, and
    ``arrow``, the rows as Arrow IPC bytes (None when the spec is kept whole, rows and all)."""

    spec: dict
    shown: dict
    arrow: bytes | None


def prepare(spec: dict) -> Chart:
    """Split a Vega-Lite spec's top-level rows from it and write them as Arrow (once per cached chart).

    A spec whose rows are not one top-level dataset (several datasets, no data) is kept as it is.
    """
    values = _top_level_rows(spec)
    if values is None:
        return Chart(spec=spec, shown=spec, arrow=None)
    shown = {key: value for key, value in spec.items() if key not in ("data", "datasets")}
    # Streamlit's own writer: the bytes are those it would have made at every run.
    arrow = dataframe_util.convert_arrow_table_to_arrow_bytes(pa.Table.from_pandas(pd.DataFrame(values)))
    return Chart(spec=spec, shown=shown, arrow=arrow)


def _top_level_rows(spec: dict) -> list | None:
    data = spec.get("data")
    if not isinstance(data, dict):
        return None
    datasets = spec.get("datasets") or {}
    if "values" in data and not datasets and isinstance(data["values"], list):
        return data["values"]
    if set(data) == {"name"} and list(datasets) == [data["name"]] and isinstance(datasets[data["name"]], list):
        return datasets[data["name"]]
    return None


def show(chart: Chart, **kwargs: Any) -> Any:
    """``st.vega_lite_chart`` of a prepared chart, which stays as it was (it is shared).

    Streamlit works on a copy of the spec's top level, and changes one thing below it: null
    legend titles of a top-level ``encoding`` (tests/test_vega.py checks that a shown chart is
    unchanged). So only that part is copied, not the whole spec at every run.
    """
    spec = chart.shown
    if isinstance(spec.get("encoding"), dict):
        spec = {**spec, "encoding": copy.deepcopy(spec["encoding"])}
    if chart.arrow is None:
        return st.vega_lite_chart(spec, **kwargs)
    return st.vega_lite_chart({**spec, "data": {"name": DATASET}, "datasets": {DATASET: chart.arrow}}, **kwargs)
