"""Cached maps, charts, tables, figures and texts of the pages (overview, Carte, Segments, fiche search).

A rerun whose inputs did not change reuses what was built before
(:func:`territorial.core.memo.shared`, shared by the sessions and never mutated by the pages): the
key is the programme's fingerprint plus what the view shows (colouring, codes
shown, highlighted territory or cell).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import folium
import pandas as pd

from territorial.cartography.geometry import MapFrame
from territorial.content import charts
from territorial.content.contrast import MIN_GRAPHIC_CONTRAST, palette_contrasts
from territorial.content.fiche import search as fiche_search
from territorial.content.heatmap_table import heatmap_table as _heatmap_table
from territorial.content.html_bars import level_bars
from territorial.content.html_table import html_table
from territorial.content.levers import KeyFigures, segment_lever_matrix
from territorial.content.levers import key_figures as _key_figures
from territorial.content.segment_cards import segment_cards_html
from territorial.content.selection import Filters, apply_filters, kinds_present, regions_present, search_label
from territorial.content.summary import contrasts as _contrasts
from territorial.content.tables import territory_table
from territorial.content.territory_map import context_bounds, map_frame, map_summary, programme_map
from territorial.core import palette
from territorial.core.fmt import escape_markdown, fr_float
from territorial.core.memo import shared
from territorial.model.definition import ProgrammeDefinition
from territorial.model.dialogue_dates import today_in_paris
from territorial.model.programme import Programme
from territorial.ui import data
from territorial.ui.layout import Html, prepared_html


def _today(programme: Programme) -> dt.date | None:
    """Today in Paris when what is shown depends on it (the follow-up's status, at the latest dialogues)."""
    return today_in_paris() if programme.as_of is None else None


@shared(max_entries=64)
def _frame(programme: Programme, mode: str, codes: tuple[str, ...], day: dt.date | None) -> MapFrame:
    return map_frame(programme, programme.territories.loc[list(codes)], mode=mode)


def frame(programme: Programme, *, mode: str, codes: tuple[str, ...]) -> MapFrame:
    """:func:`territorial.content.territory_map.map_frame` of the territories ``codes`` (cached)."""
    return _frame(programme, mode, codes, _today(programme))


@shared(max_entries=64)
def _caption(programme: Programme, mode: str, codes: tuple[str, ...], day: dt.date | None) -> str:
    view = _frame(programme, mode, codes, day)
    return escape_markdown(map_summary(programme, programme.territories.loc[list(codes)], view))


def map_caption(programme: Programme, *, mode: str, codes: tuple[str, ...]) -> str:
    """The sentence saying what the map of ``codes`` coloured by ``mode`` shows, as Markdown (cached)."""
    return _caption(programme, mode, codes, _today(programme))


@shared(max_entries=64)
def _map(
    programme: Programme, mode: str, codes: tuple[str, ...], highlight: str | None, height: int, day: dt.date | None
) -> folium.Map:
    view = _frame(programme, mode, codes, day)
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
    return _map(programme, mode, codes, highlight, height, _today(programme))


@shared(max_entries=64)
def heatmap_choice(programme: Programme, *, segment: str | None, lever: str | None) -> str:
    """The Segments page's heat map: an HTML table whose cells are buttons, the cell (segment,
    lever) pressed (:mod:`territorial.ui.html_choice` shows it; cached, shared)."""
    return _heatmap_table(
        segment_lever_matrix(programme), programme.definition, selected=(segment, lever), clickable=True
    )


@shared(max_entries=32)
def heatmap_spec(programme: Programme, segment: str | None, lever: str | None) -> dict:
    """The same heat map in Vega-Lite, for its images, the cell outlined: made when one is asked
    for (shared: never mutate it)."""
    chart = charts.segment_lever_heatmap(
        segment_lever_matrix(programme), programme.definition, selected=(segment, lever)
    )
    return chart.to_dict()


@shared(max_entries=8)
def heatmap_table(programme: Programme) -> Html:
    """The segment × lever heat map as a plain HTML table (the overview's: no chart code to load;
    cached, for ``st.html``)."""
    return prepared_html(_heatmap_table(segment_lever_matrix(programme), programme.definition))


@shared(max_entries=16)
def level_distribution(programme: Programme, lever: str) -> Html:
    """The levels of one lever by segment, as stacked bars in HTML (no chart code; cached)."""
    return prepared_html(level_bars(programme, lever))


@shared(max_entries=16)
def level_distribution_spec(programme: Programme, lever: str) -> dict:
    """The same chart in Vega-Lite, for its images: made when one is asked for (shared: never mutate it)."""
    return charts.level_distribution(programme, lever).to_dict()


@shared(max_entries=16)
def key_figures(programme: Programme) -> KeyFigures:
    """:func:`territorial.content.levers.key_figures` of the whole programme (cached)."""
    return _key_figures(programme)


@shared(max_entries=4)
def segment_cards(programme: Programme) -> Html:
    """The Segments page's cards, one HTML block (:mod:`territorial.content.segment_cards`, cached)."""
    return prepared_html(segment_cards_html(programme))


@shared(max_entries=64)
def lever_selection(programme: Programme, *, segment: str | None, lever: str) -> tuple[int, tuple[str, ...]]:
    """Territories of ``segment`` (all when None): how many, and the codes of those activating ``lever`` (cached)."""
    segments = (segment,) if segment else ()
    pool = apply_filters(programme, Filters(segments=segments))
    active = apply_filters(programme, Filters(segments=segments, lever=lever))
    return len(pool), tuple(active.index)


@dataclass(frozen=True)
class Selection:
    """The territories matching a page's filters (shared: never mutate it)."""

    codes: tuple[str, ...]  # in the programme's order
    population_column: str  # « Population 2023 » of these territories


@shared(max_entries=64)
def selection(programme: Programme, filters: Filters) -> Selection:
    """:func:`territorial.content.selection.apply_filters`, as codes (cached)."""
    shown = apply_filters(programme, filters)
    return Selection(codes=tuple(shown.index), population_column=programme.population_column(shown))


@shared(max_entries=4)
def contrasts(programme: Programme) -> str:
    """:func:`territorial.content.summary.contrasts` of the whole programme, as a Markdown list (cached)."""
    return "\n".join(f"- {escape_markdown(sentence)}" for sentence in _contrasts(programme))


@shared(max_entries=4)
def search_labels(programme: Programme) -> dict[str, str]:
    """Code → « Nom (Type, département) », in name order (cached)."""
    data = programme.territories.sort_values("nom")
    return {code: search_label(row) for code, row in data.iterrows()}


@shared(max_entries=64)
def _search(programme: Programme, query: str, limit: int) -> dict[str, str]:
    return fiche_search(programme, query, limit=limit)


def search(programme: Programme, query: str, *, limit: int = 50) -> dict[str, str]:
    """:func:`territorial.content.fiche.search` (cached: the list of every territory, the fiche's
    search box with nothing typed, is built once, not at every view of a fiche)."""
    return _search(programme, query.strip(), limit)


@shared(max_entries=4)
def regions(programme: Programme) -> dict[str, str]:
    """:func:`territorial.content.selection.regions_present` (cached)."""
    return regions_present(programme)


@shared(max_entries=4)
def kinds(programme: Programme) -> dict[str, str]:
    """:func:`territorial.content.selection.kinds_present` (cached: a set of a column at every run otherwise)."""
    return kinds_present(programme)


@shared(max_entries=64)
def _table(programme: Programme, codes: tuple[str, ...], day: dt.date | None) -> pd.DataFrame:
    return territory_table(programme, programme.territories.loc[list(codes)])


def table(programme: Programme, codes: tuple[str, ...]) -> pd.DataFrame:
    """:func:`territorial.content.tables.territory_table` of the territories ``codes`` (cached; do not modify)."""
    return _table(programme, codes, _today(programme))


@shared(max_entries=64)
def _table_html(
    programme: Programme,
    codes: tuple[str, ...],
    columns: tuple[str, ...] | None,
    renamed: tuple[tuple[str, str], ...],
    caption: str,
    max_height: int,
    day: dt.date | None,
) -> Html:
    table = _table(programme, codes, day)
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
        programme, codes, columns, tuple((renamed or {}).items()), caption, max_height, _today(programme)
    )


@dataclass(frozen=True)
class ContrastTable:
    """The Accessibilité page's table of the data colours' contrasts (shared: never mutate it)."""

    html: Html  # an HTML table: French headers, each row's « Aperçu » cell in its colour
    n: int  # colours
    n_weak: int  # under the threshold


@shared(max_entries=4)
def contrast_table(definition: ProgrammeDefinition) -> ContrastTable:
    """:func:`territorial.content.contrast.palette_contrasts` of ``definition`` and the ordinal
    palette, as the page shows it (built once per definition)."""
    contrasts = palette_contrasts(definition, palette.ORDINAL)
    table = contrasts.assign(
        contraste=[f"{fr_float(c, 2)}:1" for c in contrasts["contraste"]],
        suffisant=contrasts["suffisant"].map({True: "oui", False: "non"}),
        aperçu="",
    )[["groupe", "élément", "aperçu", "couleur", "contraste", "suffisant"]]
    table.columns = ["Groupe", "Élément", "Aperçu", "Couleur", "Contraste", f"≥ {fr_float(MIN_GRAPHIC_CONTRAST, 0)}:1"]
    swatches = [f"background-color: {c}" for c in contrasts["couleur"]]  # validated #rrggbb colours
    return ContrastTable(
        # Plain HTML built once, not a pandas Styler that Streamlit renders again at every run (≈ 8 ms).
        html=prepared_html(
            html_table(
                table,
                caption="Contraste de chaque couleur de données sur fond blanc",
                row_header="Élément",
                max_height=900,
                cell_styles={"Aperçu": swatches},
            )
        ),
        n=len(contrasts),
        n_weak=int((~contrasts["suffisant"]).sum()),
    )


def clear() -> None:
    """Forget every cached view (tests)."""
    for cached in (
        key_figures,
        segment_cards,
        lever_selection,
        selection,
        _frame,
        _caption,
        _map,
        heatmap_choice,
        heatmap_spec,
        heatmap_table,
        level_distribution,
        level_distribution_spec,
        contrasts,
        search_labels,
        _search,
        regions,
        kinds,
        _table,
        _table_html,
        contrast_table,
    ):
        cached.clear()
