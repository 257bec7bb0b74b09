"""Images to take away: altair charts as PNG/SVG, programme maps as PNG.

Charts are rendered by vl-convert (the Vega-Lite compiler and renderer in a
Python wheel: no browser, no network), with French number and date formats. Every
image carries a title: a chart without one gets the title given here, and asking
for an image with no title at all is an error.
"""

from __future__ import annotations

import copy
from typing import Any, Final

import vl_convert as vlc

from territorial.cartography import static_maps
from territorial.cartography.geometry import MapFrame, MapOutlines
from territorial.core import palette

#: d3-format locale: « 12 345,6 » and « 42 % », like :mod:`territorial.core.fmt`.
FORMAT_LOCALE = {
    "decimal": ",",
    "thousands": "\u202f",
    "grouping": [3],
    "currency": ["", "\u00a0€"],
    "percent": "\u00a0%",
}
TIME_LOCALE: Final = "fr-FR"
DEFAULT_WIDTH = 640  # a chart sized to its container has no width outside a page
PNG_SCALE = 2.0
#: Vega-Lite version given to vl-convert (altair 6 writes v6 specs).
VL_VERSION = "6.4"


class ImageError(ValueError):
    """The chart cannot be turned into an image (e.g. it has no title)."""


def _fix_widths(spec: Any) -> Any:
    """Replace ``width``/``height`` = "container" (meaningless outside a page) by numbers."""
    if isinstance(spec, dict):
        out = {}
        for key, value in spec.items():
            if key in ("width", "height") and value == "container":
                out[key] = DEFAULT_WIDTH if key == "width" else DEFAULT_WIDTH // 2
            else:
                out[key] = _fix_widths(value)
        return out
    if isinstance(spec, list):
        return [_fix_widths(v) for v in spec]
    return spec


def chart_spec(chart: Any, *, title: str | None = None) -> dict:
    """The chart's Vega-Lite spec, titled, sized, on a white background.

    Parameters
    ----------
    chart
        An altair chart (any top-level kind) or a Vega-Lite spec as a dict.
    title
        Title used when the chart has none.

    Raises
    ------
    ImageError
        When neither the chart nor ``title`` gives a title.
    """
    spec = copy.deepcopy(chart) if isinstance(chart, dict) else chart.to_dict()
    current = spec.get("title")
    text = current.get("text") if isinstance(current, dict) else current
    if not text:
        if not title:
            raise ImageError("une image doit avoir un titre : donnez-en un au graphique")
        spec["title"] = {"text": title, "anchor": "start"}
    spec.setdefault("background", "white")
    return _fix_widths(spec)


def chart_png(chart: Any, *, title: str | None = None, scale: float = PNG_SCALE) -> bytes:
    """The chart as PNG bytes (French number formats, a title)."""
    return vlc.vegalite_to_png(
        chart_spec(chart, title=title),
        vl_version=VL_VERSION,
        scale=scale,
        format_locale=FORMAT_LOCALE,
        time_format_locale=TIME_LOCALE,
        allowed_base_urls=[],
    )


def chart_svg(chart: Any, *, title: str | None = None) -> str:
    """The chart as an SVG document (text stays text; French number formats, a title)."""
    return vlc.vegalite_to_svg(
        chart_spec(chart, title=title),
        vl_version=VL_VERSION,
        format_locale=FORMAT_LOCALE,
        time_format_locale=TIME_LOCALE,
        allowed_base_urls=[],
    )


def map_png(view: MapFrame, *, outlines: MapOutlines, heading: str | None = None, dpi: int = 150) -> bytes:
    """A programme map as PNG: same colours and legend labels as the interactive map.

    Parameters
    ----------
    view
        As returned by :func:`territorial.content.territory_map.map_frame`.
    outlines
        Département and région borders (:func:`territorial.takeaways.workshop_pack.export_outlines`).
    heading
        The image's title; defaults to « Territoires du programme — {title} ».
    """
    fig = static_maps.programme_figure(view, outlines=outlines, heading=heading, hatched_fill=palette.NOT_ASSESSED)
    return static_maps.figure_png(fig, dpi=dpi)


__all__ = ["ImageError", "chart_png", "chart_spec", "chart_svg", "map_png"]
