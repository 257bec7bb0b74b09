"""The fiche's timeline of the levers, drawn with reportlab graphics for the PDF.

The same chart as the page's (:func:`territorial.content.evolution.timeline_chart`): x the
dialogue dates (French, with their stage), y the levels named by the definition, one line
and one point shape per lever in its colour, each line labelled with its lever's id at its end
(the fiche names the levers just above). Vector shapes and text
in the PDF: no browser, no network, no image.
"""

from __future__ import annotations

from datetime import date

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

    for level in definition.levels:
        y = y_of(level.value)
        drawing.add(Line(left, y, right, y, strokeColor=rule, strokeWidth=0.4))
        label = _fit(level.label, LABEL_WIDTH - 4)
        drawing.add(
            String(
                left - 3, y - FONT_SIZE / 3, label, fontName=FONT, fontSize=FONT_SIZE, fillColor=muted, textAnchor="end"
            )
        )
    for day in days:
        x = x_of(day)
        drawing.add(Line(x, bottom, x, top, strokeColor=rule, strokeWidth=0.3))
        rows = data[data["when"] == day]
        label = _axis_date(date.fromordinal(int(day)))
        drawing.add(
            String(
                x,
                bottom - FONT_SIZE - 2,
                label,
                fontName=FONT,
                fontSize=FONT_SIZE,
                fillColor=muted,
                textAnchor="middle",
            )
        )
        stage = rows["etape"].iloc[0]
        if stage != "–":
            drawing.add(
                String(
                    x,
                    bottom - 2 * FONT_SIZE - 3,
                    _fit(stage, 50),
                    fontName=FONT,
                    fontSize=FONT_SIZE,
                    fillColor=muted,
                    textAnchor="middle",
                )
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
