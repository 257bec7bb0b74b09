"""Cached maps, charts, tables, figures and texts of the pages (overview, Carte, Segments, fiche search).

A rerun whose inputs did not change reuses what was built before
(:func:`territorial.core.memo.shared`, shared by the sessions and never mutated by the pages): the
key is the programme's content token plus what the view shows (colouring, codes
shown, highlighted territory or cell).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import folium
import pandas as pd
import pyarrow as pa

from territorial.cartography.geometry import MapFrame
from territorial.content import charts
from territorial.content.fiche import search as fiche_search
from territorial.content.html_table import html_table
from territorial.content.levers import KeyFigures, segment_lever_matrix, segment_summary
from territorial.content.levers import key_figures as _key_figures
from territorial.content.selection import Filters, apply_filters, regions_present, search_label
from territorial.content.summary import contrasts as _contrasts
from territorial.content.tables import territory_table
from territorial.content.territory_map import context_bounds, map_frame, map_summary, programme_map
from territorial.core.fmt import escape_markdown
from territorial.core.memo import shared
from territorial.model.dialogue_dates import today_in_paris
from territorial.model.programme import Programme
from territorial.ui import data, vega
from territorial.ui.layout import Html, prepared_html


def _today(programme: Programme) -> dt.date | None:
    """Today in Paris when what is shown depends on it (the follow-up's status, at the latest dialogues)."""
    return today_in_paris() if programme.as_of is None else None


@shared(max_entries=64)
def _frame(_programme: Programme, token: int, mode: str, codes: tuple[str, ...], day: dt.date | None) -> MapFrame:
    return map_frame(_programme, _programme.territories.loc[list(codes)], mode=mode)


def frame(programme: Programme, *, mode: str, codes: tuple[str, ...]) -> MapFrame:
    """:func:`territorial.content.territory_map.map_frame` of the territories ``codes`` (cached)."""
    return _frame(programme, programme.fingerprint, mode, codes, _today(programme))


@shared(max_entries=64)
def _caption(_programme: Programme, token: int, mode: str, codes: tuple[str, ...], day: dt.date | None) -> str:
    view = _frame(_programme, token, mode, codes, day)
    return escape_markdown(map_summary(_programme, _programme.territories.loc[list(codes)], view))


def map_caption(programme: Programme, *, mode: str, codes: tuple[str, ...]) -> str:
    """The sentence saying what the map of ``codes`` coloured by ``mode`` shows, as Markdown (cached)."""
    return _caption(programme, programme.fingerprint, mode, codes, _today(programme))


@shared(max_entries=64)
def _map(
    _programme: Programme,
    token: int,
    mode: str,
    codes: tuple[str, ...],
    highlight: str | None,
    height: int,
    day: dt.date | None,
) -> folium.Map:
    view = _frame(_programme, token, mode, codes, day)
    return programme_map(
        view, outlines=data.base_outlines(), height=height, highlight=highlight, bounds=context_bounds(view.shapes)
    )


def territories_map(
    programme: Programme, *, mode: str, codes: tuple[str, ...], highlight: str | None = None, height: int = 600
) -> folium.Map:
    """The map of the territories ``codes`` coloured by ``mode``.

    Built once per set of inputs and shared: never mutate it
    (:func:`territorial.ui.layout.show_map` renders a copy).
    """
    return _map(programme, programme.fingerprint, mode, codes, highlight, height, _today(programme))


@shared(max_entries=32)
def _heatmap(
    _programme: Programme, token: int, segment: str | None, lever: str | None, clickable: bool, row_height: int
) -> vega.Chart:
    matrix = segment_lever_matrix(_programme)
    chart = charts.segment_lever_heatmap(
        matrix, _programme.definition, selected=(segment, lever), clickable=clickable, row_height=row_height
    )
    return vega.prepare(chart.to_dict())


def heatmap(
    programme: Programme, *, segment: str | None, lever: str | None, clickable: bool = True, row_height: int = 64
) -> vega.Chart:
    """The segment × lever heat map, the cell (segment, lever) outlined (shown by :func:`vega.show`).

    Specs, not altair charts: ``st.altair_chart`` validates the chart at every
    rerun (about 20 ms a chart); the spec is validated once, its rows turned into Arrow
    once (:mod:`territorial.ui.vega`). Shared: never mutate it. ``clickable=False``: no
    invitation to click a cell (the overview shows the chart without selection); ``row_height``
    in pixels.
    """
    return _heatmap(programme, programme.fingerprint, segment, lever, clickable, row_height)


@shared(max_entries=16)
def _levels(_programme: Programme, token: int, lever: str) -> vega.Chart:
    return vega.prepare(charts.level_distribution(_programme, lever).to_dict())


def level_distribution(programme: Programme, lever: str) -> vega.Chart:
    """The levels of one lever by segment, as stacked bars (shared: never mutate it)."""
    return _levels(programme, programme.fingerprint, lever)


@shared(max_entries=16)
def _figures(_programme: Programme, token: int) -> KeyFigures:
    return _key_figures(_programme)


def key_figures(programme: Programme) -> KeyFigures:
    """:func:`territorial.content.levers.key_figures` of the whole programme (cached)."""
    return _figures(programme, programme.fingerprint)


@dataclass(frozen=True)
class SegmentCard:
    """What the Segments page's card of one segment says (shared: never mutate it)."""

    n: int
    population: int
    population_short: str  # « population municipale 2023 » of its territories


@shared(max_entries=4)
def _segment_cards(_programme: Programme, token: int) -> dict[str, SegmentCard]:
    summary = segment_summary(_programme)
    data = _programme.territories
    return {
        segment: SegmentCard(
            n=int(summary.at[segment, "n"]),
            population=int(summary.at[segment, "population"]),
            population_short=_programme.population_short(data[data["segment"] == segment]),
        )
        for segment in _programme.definition.segment_ids
    }


def segment_cards(programme: Programme) -> dict[str, SegmentCard]:
    """Segment id → its card: territories, population covered and its year (cached)."""
    return _segment_cards(programme, programme.fingerprint)


@shared(max_entries=64)
def _lever_selection(_programme: Programme, token: int, segment: str | None, lever: str) -> tuple[int, tuple[str, ...]]:
    segments = (segment,) if segment else ()
    pool = apply_filters(_programme, Filters(segments=segments))
    active = apply_filters(_programme, Filters(segments=segments, lever=lever))
    return len(pool), tuple(active.index)


def lever_selection(programme: Programme, *, segment: str | None, lever: str) -> tuple[int, tuple[str, ...]]:
    """Territories of ``segment`` (all when None): how many, and the codes of those activating ``lever`` (cached)."""
    return _lever_selection(programme, programme.fingerprint, segment, lever)


@dataclass(frozen=True)
class Selection:
    """The territories matching a page's filters (shared: never mutate it)."""

    codes: tuple[str, ...]  # in the programme's order
    population_column: str  # « Population 2023 » of these territories


@shared(max_entries=64)
def _selection(_programme: Programme, token: int, filters: Filters) -> Selection:
    shown = apply_filters(_programme, filters)
    return Selection(codes=tuple(shown.index), population_column=_programme.population_column(shown))


def selection(programme: Programme, filters: Filters) -> Selection:
    """:func:`territorial.content.selection.apply_filters`, as codes (cached)."""
    return _selection(programme, programme.fingerprint, filters)


@shared(max_entries=64)
def _table_arrow(_programme: Programme, token: int, codes: tuple[str, ...], day: dt.date | None) -> pa.Table:
    return pa.Table.from_pandas(_table(_programme, token, codes, day))


def table_arrow(programme: Programme, codes: tuple[str, ...]) -> pa.Table:
    """:func:`table` as an Arrow table, for ``st.dataframe`` (which takes one as it is: the same
    bytes as from the DataFrame, converted once rather than at every run)."""
    return _table_arrow(programme, programme.fingerprint, codes, _today(programme))


@shared(max_entries=4)
def _contrasts_of(_programme: Programme, token: int) -> str:
    return "\n".join(f"- {escape_markdown(sentence)}" for sentence in _contrasts(_programme))


def contrasts(programme: Programme) -> str:
    """:func:`territorial.content.summary.contrasts` of the whole programme, as a Markdown list (cached)."""
    return _contrasts_of(programme, programme.fingerprint)


@shared(max_entries=4)
def _labels(_programme: Programme, token: int) -> dict[str, str]:
    data = _programme.territories.sort_values("nom")
    return {code: search_label(row) for code, row in data.iterrows()}


def search_labels(programme: Programme) -> dict[str, str]:
    """Code → « Nom (Type, département) », in name order (cached)."""
    return _labels(programme, programme.fingerprint)


@shared(max_entries=64)
def _search(_programme: Programme, token: int, query: str, limit: int) -> dict[str, str]:
    return fiche_search(_programme, query, limit=limit)


def search(programme: Programme, query: str, *, limit: int = 50) -> dict[str, str]:
    """:func:`territorial.content.fiche.search` (cached: the list of every territory, the fiche's
    search box with nothing typed, is built once, not at every view of a fiche)."""
    return _search(programme, programme.fingerprint, query.strip(), limit)


@shared(max_entries=4)
def _regions(_programme: Programme, token: int) -> dict[str, str]:
    return regions_present(_programme)


def regions(programme: Programme) -> dict[str, str]:
    """:func:`territorial.content.selection.regions_present` (cached)."""
    return _regions(programme, programme.fingerprint)


@shared(max_entries=64)
def _table(_programme: Programme, token: int, codes: tuple[str, ...], day: dt.date | None) -> pd.DataFrame:
    return territory_table(_programme, _programme.territories.loc[list(codes)])


def table(programme: Programme, codes: tuple[str, ...]) -> pd.DataFrame:
    """:func:`territorial.content.tables.territory_table` of the territories ``codes`` (cached; do not modify)."""
    return _table(programme, programme.fingerprint, codes, _today(programme))


@shared(max_entries=64)
def _table_html(
    _programme: Programme,
    token: int,
    codes: tuple[str, ...],
    columns: tuple[str, ...] | None,
    renamed: tuple[tuple[str, str], ...],
    caption: str,
    max_height: int,
    day: dt.date | None,
) -> Html:
    table = _table(_programme, token, codes, day)
    if columns is not None:
        table = table[list(columns)]
    return prepared_html(
        html_table(table.rename(columns=dict(renamed)), caption=caption, row_header="Territoire", max_height=max_height)
    )


def table_html(
    programme: Programme,
    codes: tuple[str, ...],
    *,
    caption: str,
    columns: tuple[str, ...] | None = None,
    renamed: dict[str, str] | None = None,
    max_height: int = 480,
) -> Html:
    """:func:`table` as a plain HTML table (a map's text alternative; cached, for ``st.html``)."""
    return _table_html(
        programme,
        programme.fingerprint,
        codes,
        columns,
        tuple((renamed or {}).items()),
        caption,
        max_height,
        _today(programme),
    )


def clear() -> None:
    """Forget every cached view (tests)."""
    for cached in (
        _figures,
        _segment_cards,
        _lever_selection,
        _selection,
        _table_arrow,
        _frame,
        _caption,
        _map,
        _heatmap,
        _levels,
        _contrasts_of,
        _labels,
        _search,
        _regions,
        _table,
        _table_html,
    ):
        cached.clear()
