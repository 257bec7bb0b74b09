"""The dashboard's colours, named once: pages' maps, charts, the PDF fiche, static maps and
the workshop pack all take them from here; CSS reads them as custom properties
(:func:`css_variables`)."""

from __future__ import annotations

TEXT = "#1a2633"  # body text, dark outlines and the selected territory's edge
MUTED = "#4a5663"  # secondary text (sources, captions)
WHITE = "#ffffff"
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
        "filet": RULE,
        "cadre": BORDER,
        "contour": OUTLINE,
        "lien": LINK,
        "demo-fond": DEMO_FILL,
        "demo-bord": DEMO_EDGE,
        "demo-texte": DEMO_TEXT,
    }
    return ":root { " + " ".join(f"--{name}: {value};" for name, value in names.items()) + " }"
