"""Chart and map images: real PNG and SVG, a title on every image, French number formats."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import altair as alt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from territorial.content.colouring import COLOUR_SEGMENT
from territorial.content.territory_map import map_frame
from territorial.takeaways import images
from territorial.takeaways.workshop_pack import export_outlines

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def chart() -> alt.Chart:
    data = pd.DataFrame(
        {
            "levier": ["Compétences & ingénierie", "Données & méthodes"],
            "population": [1234567, 89000],
            "part": [0.425, 0.8],
        }
    )
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("population:Q", title="Population"),
            y=alt.Y("levier:N", title=None),
        )
        .properties(width="container")
    )


def _svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    return ["".join(el.itertext()) for el in root.iter(f"{SVG_NS}text")]


def test_png_has_signature_and_pixels(chart):
    png = images.chart_png(chart, title="Population par levier")
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width > 600 and image.height > 100
    assert np.asarray(image).std() > 10


def test_svg_has_root_title_and_french_numbers(chart):
    svg = images.chart_svg(chart, title="Population par levier")
    texts = _svg_texts(svg)
    assert "Population par levier" in texts
    assert "Compétences & ingénierie" in texts  # accents and & survive
    # Axis labels use the French thousands separator (narrow no-break space), never a comma.
    numbers = [t for t in texts if re.fullmatch(r"[\d\u202f]+", t)]
    assert "1\u202f000\u202f000" in numbers
    assert not any("," in t for t in texts if re.search(r"\d", t))


def test_chart_title_kept_when_present(chart):
    svg = images.chart_svg(chart.properties(title="Titre du graphique"), title="Titre de secours")
    texts = _svg_texts(svg)
    assert "Titre du graphique" in texts and "Titre de secours" not in texts


def test_percent_format_is_french():
    data = pd.DataFrame({"x": [0.425, 0.9], "y": ["a", "b"]})
    chart = alt.Chart(data).mark_bar().encode(x=alt.X("x:Q", axis=alt.Axis(format="%")), y="y:N")
    texts = _svg_texts(images.chart_svg(chart, title="Parts"))
    assert "40\u00a0%" in texts


def test_a_chart_without_title_is_refused(chart):
    with pytest.raises(images.ImageError):
        images.chart_png(chart)
    with pytest.raises(images.ImageError):
        images.chart_svg(chart, title="")


def test_layered_chart_gets_title(chart):
    layered = alt.layer(chart, chart.mark_point())
    assert "Deux couches" in _svg_texts(images.chart_svg(layered, title="Deux couches"))


def test_segment_map_png(demo, reference):
    outlines = export_outlines(reference)
    png = images.map_png(map_frame(demo, demo.territories, mode=COLOUR_SEGMENT), outlines=outlines)
    assert png.startswith(PNG_SIGNATURE)
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    for segment in demo.definition.segments:  # every segment colour is drawn (map and legend)
        rgb = np.array([int(segment.colour[i : i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(pixels.astype(int) - rgb).sum(axis=1) <= 6).sum() > 100, segment.id


def test_chart_images_of_a_spec_made_only_when_asked_for(demo, monkeypatch):
    """The Segments page gives its levels' image buttons a function: the Vega-Lite spec (≈ 50 ms)
    is made when someone asks for an image, and the image is that chart's."""
    import functools

    from territorial.content import charts
    from territorial.ui import downloads

    made: list[str] = []
    buttons: dict[str, object] = {}

    class Row:
        def download_button(self, label, *, data, **_kwargs):
            buttons[label] = data

    monkeypatch.setattr(downloads.st, "container", lambda **_kwargs: Row())

    def spec(lever: str) -> dict:
        made.append(lever)
        return charts.level_distribution(demo, lever).to_dict()

    downloads.chart_downloads(functools.partial(spec, "L2"), "Niveaux du levier L2 par segment", key="k")
    assert list(buttons) == ["Image PNG", "Image SVG"] and made == []  # nothing made at the page's run
    png = buttons["Image PNG"]()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and made == ["L2"]
    svg = buttons["Image SVG"]()
    assert ">L2 – Données &amp; méthodes partagées : niveaux d'activation par segment</text>" in svg
    assert ">59\u00a0%</text>" in svg  # its first bar's share (59 % of the small territories not activated)
    assert made == ["L2", "L2"]
