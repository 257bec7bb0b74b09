"""The PDF fiche's « Évolution au fil des dialogues »: the sentence and the small vector timeline."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from reportlab.graphics.shapes import PolyLine, String
from reportlab.lib import colors

from territorial.content.evolution import change_sentence
from territorial.core.fmt import fr_date
from territorial.model.programme import resolve
from territorial.takeaways.fiche_pdf import fiche_pdf, register_fonts
from territorial.takeaways.timeline_drawing import timeline_drawing, timeline_image

LYON = "200046977"
TODAY = dt.date(2026, 2, 7)
ONE_DIALOGUE = """code,type,nom,membres,L1,L2,L3,L4,date_dialogue,etape,notes,contact
04113,commune,,,1,0,2,1,2024-05-02,T0,,
14097,commune,,,1,1,1,1,2024-05-02,T0,,
"""


def _flat(pdf: bytes) -> str:
    (page,) = PdfReader(io.BytesIO(pdf)).pages
    text = page.extract_text()
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def test_lyon_pdf_has_the_sentence_and_the_timeline(demo, reference) -> None:
    text = _flat(fiche_pdf(demo, LYON, reference=reference, today=TODAY))
    assert "Évolution au fil des dialogues" in text
    sentence = change_sentence(demo, LYON)
    assert sentence.startswith("Entre le ")
    assert _plain(sentence) in text
    # The timeline's axes: every dialogue's date (short French form) and stage, the level names.
    history = demo.history_of(LYON)
    for iso, stage in zip(history["date_dialogue"], history["etape"], strict=True):
        day = dt.date.fromisoformat(iso)
        assert f"{day.year}" in text and stage in text
    for level in demo.definition.levels:
        assert level.label in text
    first = dt.date.fromisoformat(history["date_dialogue"].iloc[0])
    short = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
    assert f"{first.day} {short[first.month - 1]} {first.year}" in text


def test_drawing_has_one_line_per_lever_in_its_colour(demo) -> None:
    drawing = timeline_drawing(demo, LYON, width=300, height=70)
    lines = [shape for shape in drawing.contents if isinstance(shape, PolyLine)]
    assert [line.strokeColor for line in lines] == [colors.HexColor(lv.colour) for lv in demo.definition.levers]
    n = len(demo.history_of(LYON))
    assert all(len(line.points) == 2 * n for line in lines)
    # Each line is labelled with its lever's id at its end.
    labels = {s.text for s in drawing.contents if isinstance(s, String)}
    assert set(demo.definition.lever_ids) <= labels
    # Higher levels are drawn higher: L2 went from « engagé » to « structurant ».
    l2 = lines[1].points
    assert l2[-1] > l2[1]


def test_one_dialogue_gives_the_sentence_and_no_chart(load_csv, reference, definition) -> None:
    programme = resolve(load_csv(ONE_DIALOGUE), reference=reference, definition=definition)
    assert timeline_drawing(programme, "04113", width=300, height=70) is None
    pdf = fiche_pdf(programme, "04113", reference=reference, today=TODAY)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = _flat(pdf)
    assert "Un seul dialogue à ce jour, le 2 mai 2024 (T0)." in text
    assert "non activé émergent engagé structurant" not in text  # no axis of levels


def test_the_fiche_as_of_a_date_stops_at_that_date(demo, reference) -> None:
    history = demo.history_of(LYON)
    second = dt.date.fromisoformat(history["date_dialogue"].iloc[1])
    early = demo.at(second)
    text = _flat(fiche_pdf(early, LYON, reference=reference, today=TODAY))
    first = dt.date.fromisoformat(history["date_dialogue"].iloc[0])
    sentence = change_sentence(early, LYON)
    stages = history["etape"].tolist()
    assert sentence.startswith(f"Entre le {fr_date(first)} ({stages[0]}) et le {fr_date(second)} ({stages[1]}) : ")
    assert _plain(sentence) in text


@pytest.fixture(autouse=True)
def _fonts() -> None:
    """The drawings measure their text in the PDF's fonts."""
    from territorial.takeaways.fiche_pdf import register_fonts

    register_fonts()


def _text_boxes(drawing) -> list[tuple[str, float, float, float, float]]:
    """(text, x0, y0, x1, y1) of every string of the drawing, as reportlab lays it out."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    boxes = []
    for s in drawing.contents:
        if isinstance(s, String):
            w = stringWidth(s.text, s.fontName, s.fontSize)
            x0 = {"start": s.x, "middle": s.x - w / 2, "end": s.x - w}[s.textAnchor]
            boxes.append((s.text, x0, s.y - 0.25 * s.fontSize, x0 + w, s.y + 0.8 * s.fontSize))
    return boxes


def _overlaps(boxes) -> list[tuple[str, str]]:
    return [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]


def test_close_dialogues_do_not_overlap_their_date_labels(demo) -> None:
    """Châtillon-Coligny (45085): « 6 août 2024 » was drawn over « 25 déc. 2024 »."""
    from reportlab.lib.units import mm

    from territorial.takeaways import fiche_pdf as pdf_module

    # The fiche's size: the frame less the sentence's column (72 mm) and the gap (4 mm).
    size = {"width": pdf_module.FRAME_WIDTH - 76 * mm, "height": pdf_module.TIMELINE_HEIGHT}
    drawing = timeline_drawing(demo, "45085", **size)
    boxes = _text_boxes(drawing)
    dates = [b for b in boxes if re.search(r"\b20\d\d$", b[0])]
    assert {"6 août 2024", "25 déc. 2024"} <= {b[0] for b in dates}
    assert _overlaps(boxes) == []
    assert all(0 <= b[1] and b[3] <= size["width"] and b[2] >= 0 for b in boxes)  # inside the drawing
    # Every territory of the demo, at the fiche's size: no text over another.
    for code in demo.territories.index:
        drawing = timeline_drawing(demo, code, **size)
        if drawing is not None:
            assert _overlaps(_text_boxes(drawing)) == [], code


def test_many_close_dialogues_are_staggered_inside_the_drawing(load_csv, reference, definition) -> None:
    days = ["2024-05-02", "2024-05-20", "2024-06-03", "2024-06-17", "2024-07-01", "2025-05-02"]
    rows = "".join(f"04113,commune,,,1,{k % 4},2,1,{day},T{k},,\n" for k, day in enumerate(days))
    programme = resolve(
        load_csv(ONE_DIALOGUE.splitlines()[0] + "\n" + rows), reference=reference, definition=definition
    )
    drawing = timeline_drawing(programme, "04113", width=220, height=68)
    boxes = _text_boxes(drawing)
    assert _overlaps(boxes) == []
    assert all(0 <= b[1] and b[3] <= 220 and b[2] >= 0 for b in boxes)
    assert len({round(b[2]) for b in boxes if b[0] in ("2 mai 2024", "20 mai 2024")}) == 2  # two rows


def test_the_pages_image_of_the_timeline_runs_nothing_and_escapes_its_name(demo) -> None:
    """The fiche page shows the same drawing as an SVG image; its alternative text is escaped."""
    register_fonts()
    hostile = '"><script>alert(1)</script>'
    tag = timeline_image(demo, LYON, width=230, height=190, label=hostile, css_class="x")
    assert tag is not None and tag.startswith('<img class="x" src="data:image/svg+xml;base64,')
    assert "<script>" not in tag and 'alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in tag
    svg = base64.b64decode(re.search(r"base64,([^\"]+)", tag).group(1)).decode("utf-8")
    assert svg.count("<polyline") == len(demo.definition.levers)
    assert "DejaVuSans;" not in svg  # the browser's name of the font
    for level in demo.definition.levels:
        assert level.label in svg
