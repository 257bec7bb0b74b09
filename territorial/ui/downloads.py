"""Download buttons the pages share: PDF fiche, chart images, map image, workshop pack, all fiches.

Files are made only when someone clicks (``st.download_button`` with a callable:
Streamlit runs it on a worker thread, and ``on_click="ignore"`` spares a rerun).
What the callable needs from Streamlit's caches (the reference, the outlines) is
fetched beforehand, on the script thread. The domain functions used here draw
with matplotlib figures that touch no global state, so threads are safe.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from territorial.cartography.geometry import MapOutlines
from territorial.content.colouring import COLOUR_SEGMENT
from territorial.content.territory_map import map_frame
from territorial.core.fmt import escape_markdown, fr_float, fr_int, slug
from territorial.core.memo import shared
from territorial.model.programme import Programme
from territorial.model.reference import Reference
from territorial.takeaways import images
from territorial.takeaways.fiche_pdf import all_fiches_zip, fiche_filename, fiche_pdf
from territorial.takeaways.workshop_pack import export_outlines, pack_filename, workshop_pack_html
from territorial.ui import data

PDF, PNG, SVG, HTML, ZIP = "application/pdf", "image/png", "image/svg+xml", "text/html", "application/zip"


@shared()
def _export_outlines(_reference: Reference) -> MapOutlines:
    return export_outlines(_reference)


def outlines() -> MapOutlines:
    """Département and région borders for images and the pack (computed once per process)."""
    return _export_outlines(data.reference())


def file_stem(name: str) -> str:
    """The ASCII file name of an image of ``name`` (« image » when nothing is left)."""
    return slug(name) or "image"


def pdf_button(
    programme: Programme, code: str, *, key: str | None = None, label: str = "Télécharger la fiche (PDF)"
) -> None:
    """The territory's one-page fiche, as a PDF made on the server."""
    reference = data.reference()
    st.download_button(
        label,
        data=lambda: fiche_pdf(programme, code, reference=reference),
        file_name=fiche_filename(programme, code),
        mime=PDF,
        on_click="ignore",
        key=key or f"pdf_{code}",
        help="Une page A4 : segment, leviers, carte de situation, comparaison avec les pairs, notes.",
    )


def chart_downloads(chart: Any, name: str, *, title: str | None = None, key: str | None = None) -> None:
    """PNG and SVG buttons for an altair chart; the image gets ``title`` (or ``name``) if it has none.

    Parameters
    ----------
    chart
        An altair chart or a Vega-Lite spec, or a function that makes one (called when an image
        is asked for).
    name
        What the chart shows, in French (file name and fallback title).
    title
        Title drawn on the image when the chart has none (default: ``name``).
    key
        Widget key prefix (default: from ``name``).
    """
    fallback = title or name
    base = key or f"image_{file_stem(name)}"

    def made() -> Any:
        return chart() if callable(chart) else chart

    # One row of buttons (a horizontal container: one element where two columns made three).
    row = st.container(horizontal=True)
    row.download_button(
        "Image PNG",
        data=lambda: images.chart_png(made(), title=fallback),
        file_name=f"{file_stem(name)}.png",
        mime=PNG,
        on_click="ignore",
        key=f"{base}_png",
        help=f"Télécharger « {escape_markdown(name)} » en PNG",
    )
    row.download_button(
        "Image SVG",
        data=lambda: images.chart_svg(made(), title=fallback),
        file_name=f"{file_stem(name)}.svg",
        mime=SVG,
        on_click="ignore",
        key=f"{base}_svg",
        help=f"Télécharger « {escape_markdown(name)} » en SVG (vectoriel, pour l'impression)",
    )


def map_png_button(
    programme: Programme,
    codes: tuple[str, ...] | None = None,
    *,
    mode: str = COLOUR_SEGMENT,
    name: str = "carte-des-territoires",
    heading: str | None = None,
    key: str | None = None,
    label: str = "Télécharger la carte (PNG)",
) -> None:
    """The map as a static PNG: same colours and legend labels as the interactive map.

    Parameters
    ----------
    programme
        The programme shown.
    codes
        The codes of the territories drawn (e.g. after filters); default: all. They are
        looked up when the image is asked for, not at every run.
    mode
        Colouring (:func:`territorial.content.colouring.colour_modes` key).
    name
        File name stem.
    heading
        Title drawn on the image (default: « Territoires du programme — {legend title} »).
    """
    borders = outlines()

    def make() -> bytes:
        shown = programme.territories if codes is None else programme.territories.loc[list(codes)]
        return images.map_png(map_frame(programme, shown, mode=mode), outlines=borders, heading=heading)

    st.download_button(
        label,
        data=make,
        file_name=f"{file_stem(name)}.png",
        mime=PNG,
        on_click="ignore",
        key=key or f"carte_png_{file_stem(name)}_{mode}",
        help="Image de la carte avec sa légende, pour une présentation ou un document.",
    )


def workshop_pack_button(
    programme: Programme,
    *,
    key: str = "pack_atelier",
    label: str = "Télécharger le dossier d'atelier hors ligne (HTML)",
) -> None:
    """One HTML file (map, key figures, tables) that works from a USB stick, without network."""
    borders = outlines()
    st.download_button(
        label,
        data=lambda: workshop_pack_html(programme, outlines=borders),
        file_name=pack_filename(),
        mime=HTML,
        on_click="ignore",
        key=key,
        help="Un seul fichier, à ouvrir dans un navigateur : il fonctionne sans connexion ni serveur.",
    )


@shared(max_entries=1)
def _fiches_zip(programme: Programme, _reference: Reference, _progress: Any) -> bytes:
    """The ZIP of every fiche of one programme version, built once per process and shared:
    sessions asking at the same time wait for the first build (one build at a time)."""
    return all_fiches_zip(programme, reference=_reference, progress=_progress)


def all_fiches_zip_button(programme: Programme, *, key: str = "zip_fiches") -> None:
    """Prepare the fiches of every territory (progress bar), then offer the ZIP.

    The ZIP is the same for everyone who sees this version: it is built once, kept for the
    current version only, and not copied into each session."""
    n = len(programme.territories)
    if not _fiches_zip.has(programme, None, None):
        if not st.button(
            f"Préparer les fiches des {fr_int(n)} territoires (ZIP)",
            key=f"{key}_preparer",
            help="Une fiche PDF par territoire ; compter environ une demi-seconde par fiche.",
        ):
            return
        reference = data.reference()
        bar = st.progress(0.0, text="Préparation des fiches… (si quelqu'un d'autre les prépare déjà, on l'attend)")

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=escape_markdown(message))

        content = _fiches_zip(programme, reference, progress)
        bar.empty()
    else:
        content = _fiches_zip(programme, data.reference(), None)
    size = fr_float(len(content) / 1e6, 1)
    st.download_button(
        f"Télécharger les {fr_int(n)} fiches (ZIP, {size} Mo)",
        data=content,
        file_name="fiches-territoires.zip",
        mime=ZIP,
        on_click="ignore",
        key=f"{key}_telecharger",
    )
