"""The Segments page's HTML bars: a lever's levels by segment, the shares with their intervals."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest

from territorial.content.colouring import level_palette
from territorial.content.html_bars import READER_ONLY, interval_bars, level_bars
from territorial.content.size_effect import size_effect
from territorial.core import palette
from territorial.core.fmt import fr_pct
from tests.conftest import hostile_definition

_ROW = re.compile(r'<tr><th scope="row">([^<]*)</th><td><span class="niveaux-levier-barre">(.*?)</span></td></tr>')
_PART = re.compile(
    r'<span class="niveaux-levier-part" style="width:([0-9.]+)%;background:(#[0-9a-f]{6});color:(#[0-9a-f]{6})" '
    rf'title="([^"]*)"><span class="{READER_ONLY}">([^<]*)</span><span aria-hidden="true">([^<]*)</span></span>'
)


def _rows(text: str) -> dict[str, list[tuple[str, ...]]]:
    return {html.unescape(name): _PART.findall(bar) for name, bar in _ROW.findall(text)}


@pytest.mark.parametrize("lever", ["L1", "L2", "L3", "L4"])
def test_each_segment_is_one_bar_of_its_levels(demo, lever: str) -> None:
    text = level_bars(demo, lever)
    rows = _rows(text)
    definition = demo.definition
    assert list(rows) == [s.label for s in definition.segments]
    colours = level_palette(definition)
    data = demo.territories
    for segment in definition.segments:
        counts = data.loc[data["segment"] == segment.id, lever].value_counts()
        parts = rows[segment.label]
        levels = [lv for lv in definition.levels if counts.get(lv.value, 0)]
        assert len(parts) == len(levels)
        assert sum(float(width) for width, *_ in parts) == pytest.approx(100.0, abs=0.01)
        for level, (width, background, colour, title, said, shown) in zip(levels, parts, strict=True):
            share = counts[level.value] / counts.sum()
            assert float(width) == pytest.approx(100 * share, abs=0.001)
            assert background == colours[level.value] and colour == palette.text_on(background)
            assert palette.contrast_ratio(background, colour) >= palette.MIN_TEXT_CONTRAST
            # A screen reader hears the level, the share and the count; a mouse gets the segment too.
            words = f"{level.value} – {level.label} : {fr_pct(share)} ({counts[level.value]} territoire"
            assert html.unescape(said).startswith(words)
            assert html.unescape(title) == f"{segment.label} · {html.unescape(said)}"
            assert shown == (fr_pct(share) if share >= 0.08 else "")
    label = definition.lever(lever).label
    assert html.escape(f"{lever} – {label} : niveaux d'activation par segment") in text
    assert "Part des territoires du segment" in text and "100\u00a0%" in text
    for level in definition.levels:
        assert html.escape(f"{level.value} – {level.label}") in text  # the legend


def test_a_segment_without_assessed_territories_says_so(demo) -> None:
    without_s3 = demo.territories[demo.territories["segment"] != "S3"]
    text = level_bars(dataclasses.replace(demo, territories=without_s3), "L1")
    s3 = demo.definition.segments[2].label
    assert _rows(text)[s3] == []
    assert f'<th scope="row">{s3}</th><td><span class="niveaux-levier-barre">' in text
    assert "aucun territoire évalué" in text


_TRACK = re.compile(
    r'<span class="intervalles-piste"(?: title="([^"]*)")?><span class="lecteur-ecran">([^<]*)</span>'
    r'(?:<span class="intervalles-barre" style="width:([0-9.]+)%;background:(#[0-9a-fA-F]{6})"></span>'
    r'<span class="intervalles-trait" style="left:([0-9.]+)%;width:([0-9.]+)%"></span>)?</span>'
)


def test_each_share_is_a_bar_with_its_interval(demo) -> None:
    effect = size_effect(demo)
    definition = demo.definition
    text = interval_bars(effect, definition)
    groups = re.findall(r"<tbody>(.*?)</tbody>", text)
    assert len(groups) == len(definition.levers)
    for lever, group in zip(definition.levers, groups, strict=True):
        assert f'<th scope="rowgroup" rowspan="4">{html.escape(f"{lever.id} – {lever.label}")}</th>' in group
        tracks = _TRACK.findall(group)
        assert len(tracks) == len(definition.segments)
        rows = effect.rows(lever.id).set_index("segment")
        for segment, (title, said, width, colour, left, span) in zip(definition.segments, tracks, strict=True):
            line = rows.loc[segment.id]
            assert line["enough"]  # the demo has enough territories everywhere
            assert float(width) == pytest.approx(100 * line["part"], abs=0.001)
            assert float(left) == pytest.approx(100 * line["ic_bas"], abs=0.001)
            assert float(left) + float(span) == pytest.approx(100 * line["ic_haut"], abs=0.002)
            assert colour == segment.colour
            assert html.unescape(said).startswith(f"{segment.label} : {fr_pct(line['part'])} [")
            assert html.unescape(title) == f"{lever.id} – {lever.label} · {html.unescape(said)}"
    small_l3 = html.unescape(_TRACK.findall(groups[2])[0][1])
    assert small_l3 == "Petits territoires : 45\u00a0% [28–62\u00a0%] (13 sur 29 territoires évalués)"
    assert "Parts et intervalles à 95 %" in text and "Part des territoires du segment qui activent le levier" in text


def test_a_segment_with_too_few_territories_has_no_bar_and_says_so(demo) -> None:
    data = demo.territories
    kept = data[data["segment"] != "S4"].index.append(data[data["segment"] == "S4"].index[:2])
    shown = dataclasses.replace(demo, territories=data.loc[kept])
    text = interval_bars(size_effect(shown), shown.definition)
    s4 = demo.definition.segments[3].label
    tracks = [t for t in _TRACK.findall(text) if html.unescape(t[1]).startswith(s4)]
    assert len(tracks) == 4
    assert all(t == ("", f"{html.escape(s4)} : trop peu de territoires évalués", "", "", "", "") for t in tracks)
    assert text.count('class="intervalles-barre"') == 12


def test_labels_from_the_definition_are_escaped(demo) -> None:
    shown = dataclasses.replace(demo, definition=hostile_definition(demo.definition))
    for text in (level_bars(shown, "L1"), interval_bars(size_effect(shown), shown.definition)):
        assert "<img" not in text
        assert "&lt;img src=x onerror=alert(1)&gt;" in text and "&quot;&lt;img" in text
