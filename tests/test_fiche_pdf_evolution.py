"""The PDF fiche's « Évolution au fil des dialogues »: the sentence and the small vector timeline."""

from __future__ import annotations

import datetime as dt
import io
import re

from pypdf import PdfReader
from reportlab.graphics.shapes import PolyLine, String
from reportlab.lib import colors

from territorial.content.evolution import change_sentence
from territorial.core.fmt import fr_date
from territorial.model.programme import resolve
from territorial.takeaways.fiche_pdf import fiche_pdf
from territorial.takeaways.timeline_drawing import timeline_drawing

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
