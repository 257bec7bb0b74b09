"""The programme's exports (CSV, XLSX, GeoJSON) as download buttons."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from territorial.core.clock import paris_day
from territorial.core.fmt import fr_date, fr_datetime
from territorial.model.definition import ProgrammeDefinition
from territorial.model.dialogue_dates import today_in_paris
from territorial.model.programme import Programme
from territorial.storage.store import StoredVersion
from territorial.takeaways import exports, template
from territorial.ui import as_of


def export_buttons(programme: Programme, version: StoredVersion, *, key: str) -> None:
    """Download the programme of ``version`` as CSV, XLSX and GeoJSON (generated on click)."""
    stem = f"programme_v{version.id}_{paris_day(version.created_at).isoformat()}"  # the day in Paris
    info = {
        "version": str(version.id),
        "date (heure de Paris)": fr_datetime(version.created_at),
        "auteur": version.author,
        "commentaire": version.comment,
        "données de démonstration": "oui" if programme.is_demo else "non",
        "sources": "IGN – ADMIN EXPRESS ; INSEE",
    }
    buttons = [
        (
            "Programme, tous les dialogues (CSV, réimportable)",
            f"{stem}.csv",
            "text/csv",
            lambda: exports.to_csv(exports.file_frame(programme), meta=programme.meta),
        ),
        (
            "Tableau des territoires, dernier dialogue (CSV)",
            f"{stem}_territoires.csv",
            "text/csv",
            lambda: exports.to_csv(exports.table_frame(programme)),
        ),
        (
            "Classeur (XLSX)",
            f"{stem}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            lambda: exports.to_xlsx(programme, info=info),
        ),
        ("Carte (GeoJSON)", f"{stem}.geojson", "application/geo+json", lambda: exports.to_geojson(programme)),
    ]
    _buttons(buttons, key=key)


def as_of_button(programme: Programme, *, key: str) -> None:
    """The wide table (one row per territory) as of a day the visitor chooses."""
    low = min(programme.dialogue_dates, default=today_in_paris())
    day = st.date_input(
        "Situation au",
        value=today_in_paris(),
        min_value=low,
        max_value=today_in_paris(),
        format="DD/MM/YYYY",
        key=f"{key}_jour",
        help="Chaque territoire tel qu'évalué lors de son dernier dialogue à cette date ; "
        "ceux rencontrés plus tard sont « non encore évalués » (niveaux vides).",
    )
    shown = as_of.at(programme, day)
    st.download_button(
        f"Situation au {fr_date(day)} (CSV, un territoire par ligne)",
        data=lambda: exports.to_csv(exports.table_frame(shown)),
        file_name=f"situation_{day:%Y-%m-%d}.csv",
        mime="text/csv",
        key=f"{key}_situation",
        on_click="ignore",
    )


def template_buttons(definition: ProgrammeDefinition, *, key: str) -> None:
    """The template of a programme file, XLSX (with its « Instructions » sheet) and CSV."""
    buttons = [
        (
            "Modèle de fichier (XLSX, avec instructions)",
            "modele_programme.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            lambda: template.template_xlsx(definition),
        ),
        ("Modèle de fichier (CSV)", "modele_programme.csv", "text/csv", lambda: template.template_csv(definition)),
    ]
    _buttons(buttons, key=key)


def _buttons(buttons: list[tuple[str, str, str, Callable[[], bytes]]], *, key: str) -> None:
    """Download buttons side by side: (label, file name, MIME type, what makes the file on click)."""
    for col, (label, name, mime, make) in zip(st.columns(len(buttons)), buttons, strict=True):
        col.download_button(label, data=make, file_name=name, mime=mime, key=f"{key}_{name}", on_click="ignore")
