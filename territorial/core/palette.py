"""The dashboard's colours, named once: pages' maps, charts, the PDF fiche, static maps and
the workshop pack all take them from here; CSS reads them as custom properties
(:func:`css_variables`)."""

from __future__ import annotations

import re

TEXT = "#1a2633"  # body text, dark outlines and the selected territory's edge
MUTED = "#4a5663"  # secondary text (sources, captions)
WHITE = "#ffffff"
BLACK = "#000000"  # text on a pale configured colour (see text_on)
RULE = "#c3ccd5"  # table rules, département borders, light outlines
OUTLINE = "#7b8794"  # région borders, axes, inactive marks
BORDER = "#9aa5b1"  # frames around maps and legends
DARK_OUTLINE = "#5c6773"  # territory contours, legend swatches' edge
INNER_OUTLINE = "#a3adb8"  # inner contours of a territory (its communes)
LINK = "#1f4e79"  # links and headings' rules
SELECTED = "#f28e2b"  # a selected cell in a chart
NOT_IN_PROGRAMME = "#d4d4d4"  # territories outside the programme, other shapes
#: A territory not yet assessed at the day shown: a lighter grey than the lowest level's
#: (ORDINAL[0], 3.0:1 between them), hatched with OUTLINE stripes on maps and in legends.
NOT_ASSESSED = "#f2f2f2"
NOT_ASSESSED_HATCH = OUTLINE
MAP_BACKGROUND = "#eef3f7"
CONTEXT_FILL = "#e4e9ee"  # the département / région a territory sits in
NEIGHBOUR_FILL = "#f6f7f9"
DEMO_FILL = "#fff4d6"  # the « démonstration » notice
DEMO_EDGE = "#8a6100"
DEMO_TEXT = "#3d2b00"
DEMO_TEXT_PDF = "#5c3d00"

#: Sequential palette for ordinal values (activation level, number of levers), light to
#: dark, colour-blind safe (ColorBrewer « Blues », the light end darkened so that every
#: colour has a contrast of at least 3:1 on white).
ORDINAL = ("#8c8c8c", "#4c9dc8", "#2171b5", "#08519c", "#08306b")


def css_variables() -> str:
    """The palette as CSS custom properties (``--texte``…).

    The pages' CSS (``assets/*.css``) and the self-contained workshop pack use these names,
    not colour values.
    """
    names = {
        "texte": TEXT,
        "discret": MUTED,
        "fond": WHITE,
        "noir": BLACK,
        "filet": RULE,
        "cadre": BORDER,
        "contour": OUTLINE,
        "lien": LINK,
        "choix": SELECTED,
        "demo-fond": DEMO_FILL,
        "demo-bord": DEMO_EDGE,
        "demo-texte": DEMO_TEXT,
    }
    return ":root { " + " ".join(f"--{name}: {value};" for name, value in names.items()) + " }"


#: Least contrast of a colour drawn on the white map (a shape, a bar, a swatch: WCAG 1.4.11).
MIN_GRAPHIC_CONTRAST = 3.0
#: Least contrast of text on a colour (WCAG 1.4.3, normal text).
MIN_TEXT_CONTRAST = 4.5
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def relative_luminance(colour: str) -> float:
    """Relative luminance of an sRGB colour ``#rrggbb`` (0 black … 1 white)."""
    if not _HEX.match(colour):
        raise ValueError(f"colour must be #rrggbb, got {colour!r}")

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(colour: str, other: str = WHITE) -> float:
    """WCAG contrast ratio between two colours, from 1 (none) to 21 (black on white)."""
    a, b = relative_luminance(colour), relative_luminance(other)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def text_on(background: str) -> str:
    """White or black, whichever reads best on ``background`` (always at least 4.5:1).

    The better of the two always reaches √21 ≈ 4.58:1; every text shown on a configured
    colour (segment badge, legends, PDF) takes its colour from here.
    """
    return WHITE if contrast_ratio(background, WHITE) >= contrast_ratio(background, BLACK) else BLACK
