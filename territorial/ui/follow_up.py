"""The coordinators' follow-up view (page « Suivi »): statuses, territories to contact, the
cycle's progress, the calendar of expected dialogues."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import streamlit as st

from territorial.content import follow_up as fu
from territorial.core.fmt import escape_markdown, fr_date, plural
from territorial.core.memo import shared
from territorial.model.programme import Programme
from territorial.model.stages import stage_label
from territorial.takeaways import follow_up_calendar
from territorial.ui import live_room, vega
from territorial.ui.published import base_path


@dataclass(frozen=True)
class _Views:
    """What the view shows of a programme at a day (shared by the sessions: never mutate it)."""

    counts: dict[str, int]
    plan: pa.Table  # as shown: dates in French, a link to each fiche (Arrow: st.dataframe sends it as is)
    plan_rows: int
    progress: pd.DataFrame
    chart: vega.Chart
    progress_table: pa.Table


@shared(max_entries=16)
def _views(programme: Programme, day: dt.date, base: str) -> _Views:
    plan = fu.to_plan(programme, today=day)
    table = plan.reset_index()
    table["Prochain dialogue"] = table["Prochain dialogue"].map(fr_date)
    table["Dernier dialogue"] = table["Dernier dialogue"].map(fr_date)
    table["Fiche"] = [f"{base}/fiche?territoire={code}" for code in table["Code"]]
    order = ["Prochain dialogue", "Statut", "Territoire", "Étape attendue", "Dernier dialogue", "Contact"]
    progress = fu.cycle_progress(programme, today=day)
    colours = {s.label: s.colour for s in programme.definition.segments}
    return _Views(
        counts=fu.status_counts(programme, today=day),
        plan=pa.Table.from_pandas(table[[*order, "Fiche", "Segment", "Code"]]),
        plan_rows=len(table),
        progress=progress,
        chart=vega.prepare(fu.progress_chart(progress, colours).to_dict()),
        progress_table=pa.Table.from_pandas(fu.progress_table(progress)),
    )


def _public_base() -> str:
    """Where the fiches are reached: TERRITORIAL_PUBLIC_URL, else the address this browser used."""
    return live_room.address(lan=False).base


def show(programme: Programme) -> None:
    """The whole view, for the programme at the day shown (``?au=``, else today in Paris)."""
    day = fu.reference_day(programme)
    views = _views(programme, day, base_path())
    counts, progress = views.counts, views.progress
    months = programme.definition.follow_up_months
    st.markdown(
        f"Chaque territoire est revu tous les **{plural(months, 'mois', 'mois')}** après son dernier dialogue "
        f"(étapes {', '.join(stage_label(m) for m in fu.cycle_steps(programme))}), jusqu'à "
        f"{stage_label(fu.CYCLE_MONTHS)}. Situation au **{fr_date(day)}**."
    )
    st.caption(
        "L'intervalle se règle dans la définition du programme (`[suivi] intervalle_mois`). L'étape est celle "
        "de la colonne « etape » du fichier, sinon les mois écoulés depuis le premier dialogue arrondis à "
        f"l'intervalle. « À prévoir » : attendu d'ici {fu.DUE_WITHIN_MONTHS} mois."
    )
    shown = [k for k in fu.STATUS_LABELS if k in (fu.LATE, fu.DUE, fu.UP_TO_DATE, fu.DONE) or counts[k]]
    for column, key in zip(st.columns(len(shown)), shown, strict=True):
        column.metric(fu.STATUS_LABELS[key].capitalize(), counts[key])

    st.header("À relancer : en retard ou à prévoir", anchor=False)
    if not views.plan_rows:
        st.success(f"Aucun territoire en retard ni attendu d'ici {fu.DUE_WITHIN_MONTHS} mois.")
    else:
        st.caption(
            f"{plural(views.plan_rows, 'territoire')}, du dialogue attendu le plus ancien au plus lointain, "
            "avec leur dernier dialogue et leur contact."
        )
        st.dataframe(
            views.plan,
            hide_index=True,
            column_config={"Fiche": st.column_config.LinkColumn("Fiche", display_text="Ouvrir la fiche")},
        )

    st.header("Calendrier des dialogues attendus", anchor=False)
    st.caption(
        "Un événement d'une journée par territoire, le jour où son prochain dialogue est attendu (ceux en "
        "retard gardent leur date passée), avec l'adresse de sa fiche ; à importer dans Outlook, Thunderbird "
        "ou Google Agenda (réimporter un fichier plus récent met les événements à jour)."
    )
    base = _public_base()
    stem = f"dialogues_attendus_{day:%Y-%m-%d}"
    files = (
        ("Calendrier (.ics)", "ics", "text/calendar", follow_up_calendar.to_ics),
        ("Tableau (CSV)", "csv", "text/csv", follow_up_calendar.to_calendar_csv),
    )
    for column, (label, extension, mime, make) in zip(st.columns(len(files)), files, strict=True):
        column.download_button(
            label,
            data=functools.partial(make, programme, base_url=base, today=day),
            file_name=f"{stem}.{extension}",
            mime=mime,
            on_click="ignore",
            key=f"suivi_{extension}",
        )

    st.header("Avancement du cycle", anchor=False)
    programme_row = progress[progress["groupe"] == "Programme"]
    reached = ", ".join(f"{e} : {n}" for e, n in zip(programme_row["etape"], programme_row["n"], strict=True))
    st.caption(
        escape_markdown(
            f"Territoires ayant atteint chaque étape au {fr_date(day)}, pour le programme puis par segment "
            f"(programme : {reached} sur {len(programme.territories)})."
        )
    )
    vega.show(views.chart, width="stretch")
    st.dataframe(views.progress_table, hide_index=True)
