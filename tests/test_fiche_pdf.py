"""The PDF fiche: one A4 page, the right text, a map that is not blank, every fiche in a ZIP."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile

import numpy as np
import pytest
from pypdf import PdfReader

from territorial.core.fmt import fr_date, slug
from territorial.takeaways.fiche_pdf import all_fiches_zip, fiche_filename, fiche_pdf, markup

CODE = "200046977"  # Métropole de Lyon
TODAY = dt.date(2026, 2, 7)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return reader.pages[0].extract_text()


def _flat(text: str) -> str:
    """Extracted text with line breaks and every kind of space as one space."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


@pytest.fixture(scope="module")
def lyon_pdf(demo, reference) -> bytes:
    return fiche_pdf(demo, CODE, reference=reference, today=TODAY)


def test_one_a4_page_with_name_segment_and_levers(lyon_pdf, demo):
    reader = PdfReader(io.BytesIO(lyon_pdf))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)
    text = _flat(_text(lyon_pdf))
    row = demo.territories.loc[CODE]
    assert row["nom"] in text
    assert demo.definition.segment(row["segment"]).label in text
    for lever in demo.definition.levers:
        assert lever.label in text, lever.label
        assert demo.definition.level_label(int(row[lever.id])) in text
    assert "1 436 354 hab." in text  # French number format, current legal population
    assert "population municipale 2023 en vigueur au 1er janvier 2026, INSEE" in text  # its year
    assert "IGN – ADMIN EXPRESS ; INSEE ; DGCL" in text
    assert "Données de démonstration" in text  # the demo programme says so
    assert "Fiche éditée le 7 février 2026" in text
    assert reader.metadata.title == f"Fiche territoire – {row['nom']}"


def test_map_image_is_not_blank_and_shows_the_segment_colour(lyon_pdf, demo):
    images = [img.image.convert("RGB") for img in PdfReader(io.BytesIO(lyon_pdf)).pages[0].images]
    maps = [img for img in images if abs(img.width / img.height - 1) < 0.05]
    assert len(maps) == 1, [im.size for im in images]
    pixels = np.asarray(maps[0]).reshape(-1, 3)
    assert pixels.std() > 20
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    assert (counts > 50).sum() >= 4  # background, context fill, neighbours, territory, outlines
    segment_hex = demo.definition.segment(demo.territories.at[CODE, "segment"]).colour
    rgb = np.array([int(segment_hex[i : i + 2], 16) for i in (1, 3, 5)])
    assert (np.abs(pixels.astype(int) - rgb).sum(axis=1) <= 6).sum() > 500


def test_demo_notice_only_for_demo_data(demo, reference):
    real = dataclasses.replace(demo, is_demo=False)
    text = _flat(_text(fiche_pdf(real, CODE, reference=reference, today=TODAY)))
    assert "Données de démonstration" not in text
    assert demo.territories.at[CODE, "nom"] in text


def test_long_note_still_one_page_and_cut_with_ellipsis(demo, reference):
    territories = demo.territories.copy()
    note = ("Atelier <b>n°1</b> & suivi « été » : " + "mots " * 2000)[:5000]
    assert len(note) == 5000
    territories.loc[CODE, "notes"] = note
    territories.loc[CODE, "nom"] = "Lyon <script>&amp; co</script>"
    pdf = fiche_pdf(dataclasses.replace(demo, territories=territories), CODE, reference=reference, today=TODAY)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = _flat(_text(pdf))
    assert "Atelier <b>n°1</b> & suivi « été »" in text  # mark-up in data stays text
    assert "Lyon <script>&amp; co</script>" in text
    assert "… (notes abrégées pour tenir sur une page)" in text
    assert text.count("mots") < 2000


@pytest.mark.parametrize("code", ["04116", "PETR-LANGRES", "23", "53", "971", "200054781"])
def test_every_kind_of_territory_fits_one_page(demo, reference, code):
    pdf = fiche_pdf(demo, code, reference=reference, today=TODAY)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert demo.territories.at[code, "nom"] in _flat(reader.pages[0].extract_text())


def test_unknown_code_is_refused(demo, reference):
    with pytest.raises(KeyError):
        fiche_pdf(demo, "99999", reference=reference)


def test_zip_has_one_pdf_per_territory(demo, reference):
    calls: list[float] = []
    data = all_fiches_zip(demo, reference=reference, today=TODAY, progress=lambda f, _msg: calls.append(f))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert len(names) == len(demo.territories) == 81
        assert len(set(names)) == 81
        assert all(n.endswith(".pdf") and n.isascii() for n in names)
        first = archive.read(fiche_filename(demo, "04116"))
    assert first.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(first)).pages) == 1
    assert len(calls) == 81 and calls[-1] == 1.0


def test_helpers():
    assert fr_date("2026-02-07") == "7 février 2026"
    assert fr_date("2025-11-01") == "1er novembre 2025"
    assert fr_date("") == ""
    assert markup("a < b & c\nd") == "a &lt; b &amp; c<br/>d"


def test_file_names_are_ascii_slugs(demo):
    assert slug("Part des territoires (%)") == "part-des-territoires"
    assert slug("Île-d’Aubigné — Sèvre") == "ile-d-aubigne-sevre"
    assert slug("漢字") == ""
    assert slug("a" * 70 + " b", limit=60) == "a" * 60
    assert fiche_filename(demo, "04116") == "fiche-04116-les-mees.pdf"


def test_a_fiche_at_a_date_before_the_first_dialogue_hatches_its_territory(demo, reference):
    """Not yet assessed on the day shown: the PDF's map does not show it in its segment's colour."""
    from territorial.core import palette

    early = demo.at(dt.date(2024, 6, 1))
    code = next(c for c, ok in early.territories["evalue"].items() if not ok)
    pdf = fiche_pdf(early, code, reference=reference, today=TODAY)
    images = [img.image.convert("RGB") for img in PdfReader(io.BytesIO(pdf)).pages[0].images]
    (image,) = [img for img in images if abs(img.width / img.height - 1) < 0.05]
    pixels = np.asarray(image).reshape(-1, 3).astype(int)

    def count(hex_colour: str) -> int:
        rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
        return int((np.abs(pixels - rgb).sum(axis=1) <= 6).sum())

    assert count(demo.definition.segment(early.territories.at[code, "segment"]).colour) == 0
    assert count(palette.NOT_ASSESSED) > 50  # its light fill, under the stripes


def test_follow_up_line_on_the_pdf(demo, reference):
    text = _flat(_text(fiche_pdf(demo, CODE, reference=reference, today=dt.date(2027, 8, 1))))
    assert "Prochain dialogue attendu : mai 2027 (T+36), en retard de 2 mois" in text
