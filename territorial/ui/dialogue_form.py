"""« Enregistrer un dialogue »: a coordinator records a territory's new dialogue (its date,
stage, the 4 levels and notes) as a new version, without touching the other rows."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from territorial.core.fmt import fr_date
from territorial.editing import changes
from territorial.model.dialogue_dates import start_year, today_in_paris
from territorial.model.problems import ProgrammeFileError
from territorial.storage.store import StoredVersion
from territorial.ui import cached_views, data
from territorial.ui.editor import author_fields, save, show_problems

KEY = "dialogue"


def record_section(current: StoredVersion) -> None:
    """The form, prefilled with the chosen territory's latest levels."""
    programme = data.programme_at(current.id)
    definition = programme.definition
    territories = programme.territories
    labels = cached_views.search_labels(programme)
    code = st.selectbox(
        "Territoire",
        list(labels),
        index=None,
        format_func=labels.__getitem__,
        key=f"{KEY}_territoire",
        placeholder="Choisir un territoire (nom ou code)…",
    )
    if code is None:
        st.caption("Choisissez le territoire rencontré : ses niveaux actuels pré-remplissent le formulaire.")
        return
    history = programme.history_of(code)
    last = history.iloc[-1]
    st.caption(
        f"{len(history)} dialogue(s) enregistré(s) ; le dernier : "
        f"{fr_date(last['date_dialogue']) or 'date non renseignée'}"
        + (f" ({last['etape']})" if last["etape"] else "")
        + "."
    )
    with st.form(f"{KEY}_formulaire"):
        low = dt.date(start_year(definition.period), 1, 1)
        day = st.date_input(
            "Date du dialogue", value=today_in_paris(), min_value=low, max_value=today_in_paris(), format="DD/MM/YYYY"
        )
        stage = st.text_input("Étape (facultatif)", max_chars=40, placeholder="T+12, T+24…")
        levels = {}
        columns = st.columns(len(definition.levers))
        for column, lever in zip(columns, definition.levers, strict=True):
            values = [lv.value for lv in definition.levels]
            levels[lever.id] = column.selectbox(
                f"{lever.id} – {lever.label}",
                values,
                index=values.index(int(last[lever.id])),
                format_func=lambda v: f"{v} – {definition.level_label(v)}",
                key=f"{KEY}_{code}_{lever.id}",
            )
        notes = st.text_area("Notes", max_chars=2000)
        contact = st.text_input("Contact", value=str(last["contact"] or ""), max_chars=200)
        author, comment = author_fields(KEY)
        submitted = st.form_submit_button("Enregistrer ce dialogue", type="primary")
    if not submitted:
        return
    try:
        table = changes.with_dialogue(
            current.table,
            code=code,
            kind=str(territories.at[code, "type"]),
            day=day,
            levels=levels,
            stage=stage,
            notes=notes,
            contact=contact,
            definition=definition,
            reference=data.reference(),
        )
    except ProgrammeFileError as exc:
        show_problems(exc, what="Dialogue")
        return
    text = comment.strip() or f"Dialogue du {fr_date(day)} : {territories.at[code, 'nom']}"
    save(
        lambda: data.store().save(table, author=author, comment=text, kind="edition", expected_parent=current.id),
        on_conflict=lambda _exc: st.info(
            "Une autre version a été enregistrée entre-temps : validez de nouveau pour ajouter ce dialogue "
            "à la version en vigueur."
        ),
    )
