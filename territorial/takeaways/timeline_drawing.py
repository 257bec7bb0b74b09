"""The fiche's timeline of the levers, drawn with reportlab graphics for the PDF.

The same chart as the page's (:func:`territorial.content.evolution.timeline_chart`): x the
dialogue dates (French, with their stage), y the levels named by the definition, one line
and one point shape per lever in its colour, each line labelled with its lever's id at its end
(the fiche names the levers just above). Vector shapes and text
in the PDF: no browser, no network, no image.
"""

from __future__ import annotations

import base64
import html
from datetime import date

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from territorial.content.evolution import SHORT_MONTHS, timeline_data
from territorial.core import palette
from territorial.model.programme import Programme

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"  # registered by territorial.takeaways.fiche_pdf
FONT_SIZE = 6.5
END_LABELS = 48.0  # room for the levers' ids at the end of the lines
LABEL_WIDTH = 52.0  # room for the level names on the left


def _axis_date(day: date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {SHORT_MONTHS[day.month - 1]} {day.year}"


def _marker(shape: int, x: float, y: float, size: float, colour: colors.Color) -> object:
    """Circle, square, triangle, diamond (the page's shapes), then circles again."""
    r = size / 2
    if shape % 4 == 1:
        return Rect(x - r, y - r, size, size, fillColor=colour, strokeColor=None)
    if shape % 4 == 2:
        return Polygon([x - r, y - r, x + r, y - r, x, y + r], fillColor=colour, strokeColor=None)
    if shape % 4 == 3:
        return Polygon(
            [x, y - r * 1.2, x + r * 1.2, y, x, y + r * 1.2, x - r * 1.2, y], fillColor=colour, strokeColor=None
        )
    return Circle(x, y, r, fillColor=colour, strokeColor=None)


def _fit(text: str, width: float, size: float = FONT_SIZE) -> str:
    """``text`` cut (ending « … ») to fit in ``width`` points."""
    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


GAP = 4.0  # least room between two dates' labels


def place_labels(centres: list[float], widths: list[float], *, low: float, high: float) -> list[float]:
    """Label centres as near their ticks as possible with no two labels overlapping.

    Labels keep their order; each is pushed right of the previous one (``GAP`` apart), then the
    row is pulled back inside [``low``, ``high``] from the right. When they cannot all fit side by
    side, the row is as tight as possible (the caller then staggers them on two rows).
    """
    placed: list[float] = []
    for centre, width in zip(centres, widths, strict=True):
        if placed:
            centre = max(centre, placed[-1] + widths[len(placed) - 1] / 2 + GAP + width / 2)
        placed.append(max(centre, low + width / 2))
    limit = high
    for i in range(len(placed) - 1, -1, -1):
        placed[i] = min(placed[i], limit - widths[i] / 2)
        limit = placed[i] - widths[i] / 2 - GAP
    return placed


def _fits(centres: list[float], widths: list[float], *, low: float, high: float) -> bool:
    """Whether labels so placed stay inside [low, high] and apart."""
    inside = centres[0] - widths[0] / 2 >= low - 0.01 and centres[-1] + widths[-1] / 2 <= high + 0.01
    return inside and all(
        centres[i] + widths[i] / 2 + GAP / 2 <= centres[i + 1] - widths[i + 1] / 2 for i in range(len(centres) - 1)
    )


def timeline_drawing(programme: Programme, code: str, *, width: float, height: float) -> Drawing | None:
    """Each lever's level at each dated dialogue of ``code``; None below two dated dialogues.

    Parameters
    ----------
    programme
        The programme (its date, when it has one, bounds the dialogues drawn).
    code
        The territory's code.
    width, height
        Size of the drawing in points.
    """
    data = timeline_data(programme, code)
    days = sorted(data["when"].unique())
    if len(days) < 2:
        return None
    definition = programme.definition
    levels = [lv.value for lv in definition.levels]
    drawing = Drawing(width, height)
    muted = colors.HexColor(palette.MUTED)
    rule = colors.HexColor(palette.RULE)
    left, right = LABEL_WIDTH, width - END_LABELS
    bottom, top = 2.6 * FONT_SIZE + 4, height - 5
    pad = max((days[-1] - days[0]) * 0.06, 20)
    x0, x1 = days[0] - pad, days[-1] + pad
    low, high = levels[0] - 0.4, levels[-1] + 0.4

    def x_of(day: float) -> float:
        return left + (day - x0) / (x1 - x0) * (right - left)

    def y_of(value: float) -> float:
        return bottom + (value - low) / (high - low) * (top - bottom)

    # Each dialogue's date and stage under its tick; close dialogues (« 6 août 2024 » and
    # « 25 déc. 2024 ») have their labels moved apart, with a short line to their tick, and on
    # two alternate rows when side by side is not enough.
    ticks = [x_of(day) for day in days]
    labels = []
    for day in days:
        stage = data.loc[data["when"] == day, "etape"].iloc[0]
        labels.append((_axis_date(date.fromordinal(int(day))), "" if stage == "–" else _fit(stage, 50)))
    widths = [max(stringWidth(text, FONT, FONT_SIZE) for text in pair) for pair in labels]
    centres = place_labels(ticks, widths, low=0, high=width)
    staggered = not _fits(centres, widths, low=0, high=width)
    if staggered:  # every other label one row lower: each row only needs room for half of them
        centres = [0.0] * len(days)
        for parity in (0, 1):
            chosen = list(range(parity, len(days), 2))
            row = place_labels([ticks[i] for i in chosen], [widths[i] for i in chosen], low=0, high=width)
            for i, centre in zip(chosen, row, strict=True):
                centres[i] = centre
        bottom += 2 * FONT_SIZE + 2  # room for the second row
    for level in definition.levels:
        y = y_of(level.value)
        drawing.add(Line(left, y, right, y, strokeColor=rule, strokeWidth=0.4))
        label = _fit(level.label, LABEL_WIDTH - 4)
        drawing.add(
            String(
                left - 3, y - FONT_SIZE / 3, label, fontName=FONT, fontSize=FONT_SIZE, fillColor=muted, textAnchor="end"
            )
        )
    for k, (x, centre, (when, stage)) in enumerate(zip(ticks, centres, labels, strict=True)):
        drawing.add(Line(x, bottom, x, top, strokeColor=rule, strokeWidth=0.3))
        baseline = bottom - FONT_SIZE - 2 - (2 * FONT_SIZE + 2 if staggered and k % 2 else 0)
        if abs(centre - x) > 0.5 or baseline < bottom - FONT_SIZE - 2:
            drawing.add(Line(x, bottom, centre, baseline + FONT_SIZE, strokeColor=rule, strokeWidth=0.3))
        for text, y in ((when, baseline), (stage, baseline - FONT_SIZE - 1)):
            if text:
                drawing.add(
                    String(centre, y, text, fontName=FONT, fontSize=FONT_SIZE, fillColor=muted, textAnchor="middle")
                )
    drawing.add(Line(left, bottom, right, bottom, strokeColor=colors.HexColor(palette.OUTLINE), strokeWidth=0.6))
    for i, lever in enumerate(definition.levers):
        colour = colors.HexColor(lever.colour)
        rows = data[data["lever"] == lever.id].sort_values("when")
        points = [(x_of(w), y_of(y)) for w, y in zip(rows["when"], rows["y"], strict=True)]
        drawing.add(PolyLine([v for p in points for v in p], strokeColor=colour, strokeWidth=1.4))
        for x, y in points:
            drawing.add(_marker(i, x, y, 4.2, colour))
    # Direct labels at the end of the lines (the levers' names are in the table above):
    # the levers ending at the same level side by side, each in its colour.
    last = data[data["when"] == days[-1]]
    for level, rows in last.groupby("level"):
        x = x_of(days[-1]) + 6
        for lever_id in rows["lever"]:
            colour = colors.HexColor(definition.lever(lever_id).colour)
            drawing.add(
                String(
                    x, y_of(level) - FONT_SIZE / 3, lever_id, fontName=FONT_BOLD, fontSize=FONT_SIZE, fillColor=colour
                )
            )
            x += stringWidth(lever_id, FONT_BOLD, FONT_SIZE) + 3
    return drawing


#: The drawing's fonts in a browser: the PDF's (its widths are measured in it), else any sans-serif.
WEB_FONT = "'DejaVu Sans', Verdana, sans-serif"


def timeline_image(
    programme: Programme, code: str, *, width: float, height: float, label: str, css_class: str
) -> str | None:
    """:func:`timeline_drawing` as an ``<img>`` of SVG for a web page (no chart code to load).

    An image, so that nothing in it can run, whatever its texts (stages come from the programme
    file); its ``alt`` is ``label`` (escaped here). It scales with its box, so ``width`` and
    ``height`` set the text's size relative to the box: a narrower drawing for a phone keeps its
    text readable. Fonts must be registered (``fiche_pdf.register_fonts``).
    """
    drawing = timeline_drawing(programme, code, width=width, height=height)
    if drawing is None:
        return None
    svg = renderSVG.drawToString(drawing)
    svg = svg.replace("font-family: DejaVuSans-Bold;", f"font-family: {WEB_FONT}; font-weight: bold;")
    svg = svg.replace("font-family: DejaVuSans;", f"font-family: {WEB_FONT};")
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img class="{html.escape(css_class)}" src="data:image/svg+xml;base64,{data}" '
        f'width="{width:g}" height="{height:g}" alt="{html.escape(label)}">'
    )
