"""The printable fiche of a territory: one A4 page in French, as PDF, made on the server.

Made with reportlab (Platypus): pure Python wheels, maintained since 2000, embeds
and subsets TrueType fonts, and its ``KeepInFrame`` lets us guarantee a single
page whatever the length of the notes. The font is DejaVu Sans shipped with
matplotlib (accents, « », narrow no-break space) so nothing is installed
system-wide.

Every text that comes from data (names, notes, contact) and from the definition
is escaped for reportlab's paragraph mark-up before it is laid out.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import textwrap
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepInFrame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from territorial.cartography import static_maps
from territorial.content.evolution import change_sentence
from territorial.content.fiche import Fiche, fiche_data
from territorial.core import palette
from territorial.core.clock import today_in_paris
from territorial.core.fmt import fr_date, fr_int, fr_pop, slug
from territorial.model.definition import ProgrammeDefinition
from territorial.model.programme import Programme
from territorial.model.reference import CREDIT, SOURCE_PACKAGE, SOURCE_VERSION, Reference
from territorial.takeaways.timeline_drawing import timeline_drawing

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT, FONT_BOLD, FONT_ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 14 * mm
FOOTER_HEIGHT = 19 * mm
TIMELINE_HEIGHT = 24 * mm
MIN_NOTES_HEIGHT = 28 * mm  # long notes get at least this; the page then shrinks a little
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - 2 * MARGIN - FOOTER_HEIGHT
TEXT = colors.HexColor(palette.TEXT)
MUTED = colors.HexColor(palette.MUTED)
RULE = colors.HexColor(palette.RULE)
DEMO_FILL = colors.HexColor(palette.DEMO_FILL)
DEMO_EDGE = colors.HexColor(palette.DEMO_EDGE)
ELLIPSIS = "…"
DEMO_TEXT = (
    "Données de démonstration : les territoires, leurs populations et leurs contours sont réels, "
    "mais les niveaux d'activation des leviers sont illustratifs."
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

Progress = Callable[[float, str], None]


@cache
def register_fonts() -> None:
    """DejaVu (accents, « », narrow no-break spaces) for the PDF and its drawings (once)."""
    for name, file in [
        (FONT, "DejaVuSans.ttf"),
        (FONT_BOLD, "DejaVuSans-Bold.ttf"),
        (FONT_ITALIC, "DejaVuSans-Oblique.ttf"),
    ]:
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12, textColor=TEXT, alignment=TA_LEFT)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "kicker": ParagraphStyle("kicker", parent=base, fontSize=8, leading=10, textColor=MUTED),
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=18, leading=22, spaceBefore=2, spaceAfter=2
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10, leading=13, textColor=MUTED),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=7, spaceAfter=3
        ),
        "label": ParagraphStyle("label", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=11),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "demo": ParagraphStyle(
            "demo",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=9,
            leading=12,
            textColor=colors.HexColor(palette.DEMO_TEXT_PDF),
        ),
    }


def markup(text: object) -> str:
    """Escape a data text for reportlab's paragraph mark-up (line breaks kept)."""
    value = _CONTROL.sub("", "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text))
    return escape(value).replace("\n", "<br/>")


# --------------------------------------------------------------------------- chart


def peer_chart_figure(
    fiche: Fiche, definition: ProgrammeDefinition, *, width_in: float = 7.0, height_in: float = 1.9
) -> Figure:
    """Two bar charts side by side, one row per lever: this territory's level, and the
    share of its segment's peers (itself excluded) that activate the lever."""
    levers = list(fiche.levers)
    y = np.arange(len(levers))[::-1]
    fig = static_maps.new_figure(width_in, height_in)
    left, right = fig.subplots(1, 2, sharey=True, gridspec_kw={"wspace": 0.08})
    fig.subplots_adjust(left=0.235, right=0.97, top=0.8, bottom=0.17)
    levels = [lever.level or 0 for lever in levers]  # not yet assessed: no bar, its label says so
    left.barh(y, levels, color=fiche.segment.colour, height=0.6)
    left.set_xlim(0, definition.max_level * 1.4 + 0.01)  # room for the level's name
    left.set_xticks([lv.value for lv in definition.levels])
    left.set_yticks(y, [textwrap.fill(f"{lv.id} – {lv.label}", 25) for lv in levers], fontsize=7)
    left.set_title("Niveau de ce territoire", fontsize=8, loc="left", color=palette.TEXT)
    for yi, lever in zip(y, levers, strict=True):
        left.text((lever.level or 0) + 0.05, yi, lever.level_label, va="center", fontsize=7, color=palette.TEXT)
    values = [0.0 if pd.isna(lever.peer_share) else lever.peer_share for lever in levers]
    right.barh(y, values, color=palette.DARK_OUTLINE, height=0.6)
    right.set_xlim(0, 1.0)
    right.tick_params(axis="y", length=0)
    right.set_xticks([0, 0.5, 1.0], ["0\u00a0%", "50\u00a0%", "100\u00a0%"])
    if any(lever.peer_interval is not None for lever in levers):
        right.set_xlabel("trait : intervalle à 95 %", fontsize=6, color=palette.MUTED, labelpad=1)
    right.set_title(
        f"Part des {fr_int(fiche.n_peers)} pairs du segment qui l'activent", fontsize=8, loc="left", color=palette.TEXT
    )
    for yi, value, lever in zip(y, values, levers, strict=True):
        if lever.peer_interval is not None:  # Wilson 95 % interval: a thin line under the share's text
            low, high = lever.peer_interval
            right.errorbar(
                value,
                yi - 0.2,
                xerr=[[max(value - low, 0.0)], [max(high - value, 0.0)]],
                fmt="none",
                ecolor=palette.TEXT,
                elinewidth=0.8,
                capsize=1.5,
            )
        if value > 0.8:  # inside the bar, in the colour that reads on it
            right.text(
                value - 0.02,
                yi,
                lever.peer_share_txt,
                va="center",
                ha="right",
                fontsize=7,
                color=palette.text_on(palette.DARK_OUTLINE),
            )
        else:
            right.text(value + 0.02, yi, lever.peer_share_txt, va="center", fontsize=7, color=palette.TEXT)
    for ax in (left, right):
        ax.tick_params(labelsize=7, length=2, colors=palette.MUTED)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.spines["left"].set_color(palette.OUTLINE)
        ax.spines["bottom"].set_color(palette.OUTLINE)
    return fig


def peer_sentence(fiche: Fiche) -> str:
    """The chart in words (its text alternative)."""
    parts = [f"{lever.id} : {lever.level_label} ; pairs {lever.peer_interval_txt}" for lever in fiche.levers]
    return "Niveau de ce territoire et part des pairs qui activent le levier — " + " · ".join(parts) + "."


# --------------------------------------------------------------------------- page


def _image(png: bytes, width: float, height: float) -> Image:
    return Image(io.BytesIO(png), width=width, height=height)


def _height(flowables: list[Flowable], width: float) -> float:
    total = 0.0
    for flowable in flowables:
        _, h = flowable.wrap(width, FRAME_HEIGHT)
        total += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def _fit_text(text: str, style: ParagraphStyle, width: float, height: float) -> Paragraph | None:
    """The longest prefix of ``text`` (cut at a word, ending « … ») that fits in ``height``."""

    def para(n: int) -> Paragraph:
        if n >= len(text):
            return Paragraph(markup(text), style)
        cut = text[:n].rsplit(" ", 1)[0].rstrip(" ,;:.")
        return Paragraph(f"{markup(cut)} {ELLIPSIS} <i>(notes abrégées pour tenir sur une page)</i>", style)

    if height <= style.leading:
        return None
    if para(len(text)).wrap(width, height)[1] <= height:
        return para(len(text))
    low, high = 0, len(text)
    while high - low > 1:
        mid = (low + high) // 2
        if para(mid).wrap(width, height)[1] <= height:
            low = mid
        else:
            high = mid
    return para(low) if low else None


def _facts(fiche: Fiche, s: dict[str, ParagraphStyle], width: float) -> Table:
    segment = fiche.segment
    where = ", ".join(x for x in [fiche.departement_nom, fiche.region_nom] if x)
    facts = [
        (
            "Population",
            f"{markup(fr_pop(fiche.population))} <font size=7 color='{palette.MUTED}'>("
            f"{markup(fiche.population_label)})</font>"
            + (f"<br/><font size=7.5>{markup(fiche.threshold_txt)}</font>" if fiche.threshold_txt else ""),
        ),
        (
            "Segment de taille",
            f"<font color='{segment.colour}'>■</font> <b>{markup(segment.label)}</b><br/>"
            f"{markup(segment.bounds_label)}<br/>"
            + (f"<i>{markup(fiche.segment_note)}</i><br/>" if fiche.segment_note else "")
            + f"<font size=7.5 color='{palette.MUTED}'>{markup(segment.description)}</font>",
        ),
        ("Leviers activés", markup(f"{fiche.n_actives} sur {len(fiche.levers)}")),
        (
            "Dialogue de gouvernance",
            markup(fiche.date_dialogue or "date non renseignée")
            + (f"<br/><font size=7.5>{markup(fiche.follow_up)}</font>" if fiche.follow_up else ""),
        ),
    ]
    if where:
        facts.insert(0, ("Situation", markup(where)))
    data = [[Paragraph(markup(k), s["label"]), Paragraph(v, s["cell"])] for k, v in facts]
    table = Table(data, colWidths=[32 * mm, width - 32 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _levers_table(fiche: Fiche, definition: ProgrammeDefinition, s: dict[str, ParagraphStyle]) -> Table:
    header = [Paragraph(h, s["label"]) for h in ("Levier d'action prioritaire", "Niveau", "Description")]
    rows = [header]
    shorts = {lever.id: lever.short or lever.description for lever in definition.levers}
    for lever in fiche.levers:
        level = lever.level or 0
        dots = "●" * level + "○" * max(lever.max_level - level, 0)
        out_of = "—" if lever.level is None else f"{lever.level}/{lever.max_level}"
        rows.append(
            [
                Paragraph(f"<b>{markup(lever.id)} – {markup(lever.label)}</b>", s["cell"]),
                Paragraph(
                    f"<font color='{lever.colour if lever.active else palette.OUTLINE}'>{dots}</font><br/>"
                    f"{markup(lever.level_label)} ({out_of})",
                    s["cell"],
                ),
                Paragraph(markup(shorts[lever.id]), s["cell"]),
            ]
        )
    table = Table(rows, colWidths=[48 * mm, 28 * mm, FRAME_WIDTH - 76 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, TEXT),
                ("LINEBELOW", (0, 1), (-1, -2), 0.4, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


def _evolution(programme: Programme, code: str, s: dict[str, ParagraphStyle]) -> Table:
    """« Évolution au fil des dialogues »: what changed (in words) beside the timeline of the levers."""
    text_width = 72 * mm
    heading = ParagraphStyle("h2-cell", parent=s["h2"], spaceBefore=0, spaceAfter=2)
    words = [
        Paragraph("Évolution au fil des dialogues", heading),
        Paragraph(markup(change_sentence(programme, code)), s["small"]),
    ]
    timeline = timeline_drawing(programme, code, width=FRAME_WIDTH - text_width - 4 * mm, height=TIMELINE_HEIGHT)
    row = [words, timeline] if timeline is not None else [words, ""]
    table = Table([row], colWidths=[text_width + 4 * mm, FRAME_WIDTH - text_width - 4 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 4 * mm),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _demo_box(s: dict[str, ParagraphStyle]) -> Table:
    box = Table([[Paragraph(markup(DEMO_TEXT), s["demo"])]], colWidths=[FRAME_WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), DEMO_FILL),
                ("BOX", (0, 0), (-1, -1), 0.8, DEMO_EDGE),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return box


def _footer_text(programme: Programme, today: dt.date) -> str:
    definition = programme.definition
    parts = [
        f"<b>Sources et crédits</b> : {markup(CREDIT)}. {markup(programme.populations.sources())} "
        f"Contours : {markup(SOURCE_PACKAGE)} {markup(SOURCE_VERSION)}.",
    ]
    data_date = programme.meta.get("date") or programme.meta.get("mise_a_jour")
    dates = f"Données du programme du {markup(fr_date(data_date))}. " if data_date else ""
    parts.append(f"{dates}Fiche éditée le {markup(fr_date(today))}.")
    if definition.proxy:
        parts.append(
            "Segments et leviers : approximation documentée (définitions exactes du RAMEAU non "
            "publiques), modifiable dans data/programme.toml."
        )
    if programme.is_demo:
        parts.append("<b>Données de démonstration</b> : niveaux d'activation illustratifs.")
    return " ".join(parts)


def fiche_pdf(programme: Programme, code: str, *, reference: Reference, today: dt.date | None = None) -> bytes:
    """The fiche of one territory: a single A4 page, as PDF bytes.

    Parameters
    ----------
    programme
        The programme shown.
    code
        The territory's code (index of ``programme.territories``).
    reference
        Reference geography (outlines of the map around the territory).
    today
        Date printed as the edition date, and of the follow-up's line when the fiche shows the
        latest dialogues (default: today in Paris).

    Returns
    -------
    bytes
        A one-page PDF. Long notes are cut (ending « … ») so that the page never overflows.
    """
    register_fonts()
    today = today or today_in_paris()
    fiche = fiche_data(programme, code, reference=reference, today=today)
    s = _styles()
    definition = programme.definition

    story: list[Flowable] = [
        Paragraph(
            f"{markup(definition.name)} · {markup(definition.sponsor)} · {markup(definition.period)}"
            " — fiche territoire",
            s["kicker"],
        ),
        Paragraph(markup(fiche.nom), s["title"]),
        Paragraph(f"{markup(fiche.nature)} · {markup(fiche.code_kind)} {markup(code)}", s["subtitle"]),
        Spacer(0, 3 * mm),
    ]
    if programme.is_demo:
        story += [_demo_box(s), Spacer(0, 3 * mm)]

    map_size = 58 * mm
    facts_width = FRAME_WIDTH - map_size - 6 * mm
    map_png = static_maps.territory_png(
        programme, code, reference=reference, width_in=map_size / 72, height_in=map_size / 72, dpi=200
    )
    context = static_maps.territory_context(programme, code, reference=reference)
    map_cell = [_image(map_png, map_size, map_size), Paragraph(markup(f"Situation dans {context}"), s["small"])]
    top = Table([[_facts(fiche, s, facts_width), map_cell]], colWidths=[facts_width + 6 * mm, map_size])
    top.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [top, Paragraph("Leviers d'action prioritaires", s["h2"]), _levers_table(fiche, definition, s)]
    story.append(_evolution(programme, code, s))

    chart_w, chart_h = FRAME_WIDTH, 40 * mm
    chart_png = static_maps.figure_png(
        peer_chart_figure(fiche, definition, width_in=chart_w / 72, height_in=chart_h / 72), dpi=160
    )
    story += [
        Paragraph(f"Comparaison avec les pairs du segment « {markup(fiche.segment.label)} »", s["h2"]),
        _image(chart_png, chart_w, chart_h),
        Paragraph(markup(peer_sentence(fiche)), s["small"]),
    ]
    if fiche.contact:
        story.append(Paragraph(f"<b>Contact</b> : {markup(fiche.contact)}", s["cell"]))

    notes = fiche.notes
    heading = Paragraph("Notes", s["h2"])
    room = FRAME_HEIGHT - _height(story, FRAME_WIDTH) - _height([heading], FRAME_WIDTH) - 4 * mm
    room = max(room, MIN_NOTES_HEIGHT)
    if notes:
        fitted = _fit_text(notes, s["base"], FRAME_WIDTH, room)
        if fitted is not None:
            story += [heading, fitted]

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + FOOTER_HEIGHT,
        title=f"Fiche territoire – {fiche.nom}",
        author=definition.sponsor,
        subject=definition.name,
        creator="Tableau de bord territorial",
        lang="fr-FR",
        displayDocTitle=True,
    )
    footer = Paragraph(_footer_text(programme, today), s["small"])

    def on_page(canvas, _doc) -> None:
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, MARGIN + FOOTER_HEIGHT - 2 * mm, PAGE_WIDTH - MARGIN, MARGIN + FOOTER_HEIGHT - 2 * mm)
        _, h = footer.wrap(FRAME_WIDTH, FOOTER_HEIGHT)
        footer.drawOn(canvas, MARGIN, MARGIN + FOOTER_HEIGHT - 4 * mm - h)
        canvas.restoreState()

    frame = Frame(
        MARGIN,
        MARGIN + FOOTER_HEIGHT,
        FRAME_WIDTH,
        FRAME_HEIGHT,
        id="fiche",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="fiche", frames=[frame], onPage=on_page)])
    # Safety net: whatever the content, it is shrunk into the single frame of the page.
    doc.build([KeepInFrame(FRAME_WIDTH, FRAME_HEIGHT - 1, story, mode="shrink")])
    return buffer.getvalue()


def fiche_filename(programme: Programme, code: str) -> str:
    """« fiche-04113-marcoux.pdf »: code first (names are not unique), ASCII only."""
    name = slug(programme.territories.at[code, "nom"])
    safe_code = re.sub(r"[^A-Za-z0-9_-]+", "-", code)
    return f"fiche-{safe_code}-{name}.pdf" if name else f"fiche-{safe_code}.pdf"


def all_fiches_zip(
    programme: Programme, *, reference: Reference, progress: Progress | None = None, today: dt.date | None = None
) -> bytes:
    """The fiches of every territory of the programme, one PDF each, in a ZIP archive.

    ``progress`` is called with (fraction done, French message) after each fiche.
    """
    codes = list(programme.territories.index)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i, code in enumerate(codes, 1):
            archive.writestr(
                fiche_filename(programme, code), fiche_pdf(programme, code, reference=reference, today=today)
            )
            if progress is not None:
                progress(i / len(codes), f"Fiche {i} sur {len(codes)} : {programme.territories.at[code, 'nom']}")
    return buffer.getvalue()
