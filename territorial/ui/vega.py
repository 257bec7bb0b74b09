"""Vega-Lite charts built once and shown at every run without converting their data again.

``st.vega_lite_chart(spec)`` with the rows inside the spec (altair's ``to_dict()`` puts them
in ``datasets``) turns those rows into a pandas DataFrame and then into Arrow at every run:
most of a warm rerun of the Segments page (seven charts). Its documented ``data`` argument
takes « anything supported by st.dataframe », a ``pyarrow.Table`` among them, which it only
writes out. So a chart is prepared once per process, next to the cached spec it comes from:
the spec without its rows, and the rows as an immutable Arrow table, both shared by the
sessions. The browser gets the same chart (the rows travel as Arrow either way).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st


@dataclass(frozen=True)
class Chart:
    """A chart ready to show: ``spec`` whole (images, tests), ``shown`` without rows, ``rows``."""

    spec: dict
    shown: dict
    rows: pa.Table | None


def prepare(spec: dict) -> Chart:
    """Split a Vega-Lite spec's top-level rows from it (once per cached chart).

    A spec whose rows are not one top-level dataset (several datasets, no data) is kept as it is.
    """
    values = _top_level_rows(spec)
    if values is None:
        return Chart(spec=spec, shown=spec, rows=None)
    shown = {key: value for key, value in spec.items() if key not in ("data", "datasets")}
    return Chart(spec=spec, shown=shown, rows=pa.Table.from_pandas(pd.DataFrame(values)))


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
    return st.vega_lite_chart(chart.rows, spec, **kwargs)
