"""The overview's segment × lever heat map as an HTML table: figures, colours, contrast, escaping."""

from __future__ import annotations

import re

import pandas as pd

from territorial.content.heatmap_table import BLUES, heatmap_table, share_colour
from territorial.content.levers import segment_lever_matrix
from territorial.core import palette
from territorial.core.fmt import fr_pct
from tests.conftest import hostile_definition

_CELL = re.compile(r'<td style="background:(#[0-9a-f]{6});color:(#[0-9a-f]{6})" title="([^"]*)">([^<]*)</td>')


def _cells(text: str) -> list[tuple[str, str, str, str]]:
    return _CELL.findall(text)


def test_every_cell_writes_its_segments_share_in_its_colour(demo) -> None:
    text = heatmap_table(segment_lever_matrix(demo), demo.definition)
    data = pd.DataFrame(demo.territories.drop(columns="geometry"))
    shares = data[["L1", "L2", "L3", "L4"]].ge(1).groupby(data["segment"]).mean()
    cells = _cells(text)
    assert len(cells) == 16
    # Row by row (segments in the definition's order), lever by lever.
    expected = [(s.id, lv.id) for s in demo.definition.segments for lv in demo.definition.levers]
    for (segment, lever), (background, colour, title, shown) in zip(expected, cells, strict=True):
        share = shares.loc[segment, lever]
        assert shown == fr_pct(share)
        assert background == share_colour(share)
        assert colour == palette.text_on(background)
        assert palette.contrast_ratio(background, colour) >= palette.MIN_TEXT_CONTRAST
        assert demo.definition.lever(lever).label.replace("&", "&amp;") in title
        assert "intervalle à 95 %" in title and "niveau moyen" in title
    # Segments name the rows, levers the columns; title and legend are there.
    for segment in demo.definition.segments:
        assert f'<th scope="row">{segment.label}</th>' in text
    assert text.count('<th scope="col">') == 4
    assert "<caption>" in text and "Quels leviers chaque segment active-t-il ?" in text
    assert "Part des territoires" in text and "100\u00a0%" in text


def test_the_scale_runs_from_pale_to_dark_blue() -> None:
    assert share_colour(0) == BLUES[0] and share_colour(1) == BLUES[-1]
    assert share_colour(-1) == BLUES[0] and share_colour(2) == BLUES[-1]
    lum = [palette.relative_luminance(share_colour(x / 20)) for x in range(21)]
    assert lum == sorted(lum, reverse=True)  # darker as the share grows
    assert palette.text_on(share_colour(0)) == palette.BLACK and palette.text_on(share_colour(1)) == palette.WHITE


def test_an_empty_segment_writes_a_dash_on_white(demo) -> None:
    without_s3 = demo.territories[demo.territories["segment"] != "S3"]
    cells = _cells(heatmap_table(segment_lever_matrix(demo, without_s3), demo.definition))
    s3 = cells[8:12]  # the third row
    assert [shown for *_, shown in s3] == ["–"] * 4
    assert {background for background, *_ in s3} == {palette.WHITE}
    assert all(title.endswith(": – (0 sur 0 territoire)") for _, _, title, _ in s3), s3


def test_labels_from_the_definition_are_escaped(demo) -> None:
    text = heatmap_table(segment_lever_matrix(demo), hostile_definition(demo.definition))
    assert "<img" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


_BUTTON = re.compile(
    r'<td( class="matrice-leviers-choisie")?><button type="button" '
    r'style="background:(#[0-9a-f]{6});color:(#[0-9a-f]{6})" '
    r'data-segment="([^"]*)" data-levier="([^"]*)" aria-pressed="(true|false)" title="([^"]*)" aria-label="([^"]*)">'
    r'([^<]*)<span class="matrice-leviers-moyen">([^<]*)</span></button></td>'
)


def test_on_the_segments_page_every_cell_is_a_button_choosing_its_segment_and_lever(demo) -> None:
    matrix = segment_lever_matrix(demo)
    text = heatmap_table(matrix, demo.definition, selected=("S2", "L3"), clickable=True)
    buttons = _BUTTON.findall(text)
    assert len(buttons) == 16 and text.count("<button") == 16 + 4  # the cells, the levers' headers
    expected = [(s.id, lv.id) for s in demo.definition.segments for lv in demo.definition.levers]
    assert [(b[3], b[4]) for b in buttons] == expected
    # The chosen cell, and only it, is pressed and outlined; what a screen reader hears is its detail.
    assert [(b[3], b[4]) for b in buttons if b[5] == "true"] == [("S2", "L3")]
    assert [(b[3], b[4]) for b in buttons if b[0]] == [("S2", "L3")]
    assert all(b[6] == b[7] for b in buttons)
    same = _cells(heatmap_table(matrix, demo.definition))  # the overview's table: the same figures and colours
    for (_, background, colour, *_rest, shown, mean), (bg, fg, title, share) in zip(buttons, same, strict=True):
        assert (background, colour, shown) == (bg, fg, share)
        assert mean.startswith("niveau moyen ") and mean in title
    assert "Choisissez une case" in text
    # Each lever's column header is a button choosing it in all segments, its name written below.
    for lever in demo.definition.levers:
        name = f"{lever.id} – {lever.label}".replace("&", "&amp;")
        assert (
            f'<th scope="col"><button type="button" data-levier="{lever.id}" aria-pressed="false" '
            f'title="{name} : tous les segments" aria-label="{name} : tous les segments">{lever.id}'
            f'<span class="matrice-leviers-libelle" aria-hidden="true">{lever.label.replace("&", "&amp;")}</span>'
            "</button></th>"
        ) in text
    # All segments: no cell is pressed, the lever's header is.
    whole = heatmap_table(matrix, demo.definition, selected=(None, "L1"), clickable=True)
    assert (
        whole.count('aria-pressed="true"') == 1
        and '<button type="button" data-levier="L1" aria-pressed="true"' in whole
    )


def test_the_buttons_labels_are_escaped(demo) -> None:
    text = heatmap_table(segment_lever_matrix(demo), hostile_definition(demo.definition), clickable=True)
    assert "<img" not in text and text.count("<button") == 20
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
