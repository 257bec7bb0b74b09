"""In-app editing of the programme table, and the three-way carry of an editor's changes after
a conflict.
"""

from __future__ import annotations

import streamlit as st

from territorial.core.fmt import escape_markdown, plural
from territorial.editing import changes
from territorial.editing.merge import diff_tables, rebase
from territorial.model.problems import ProgrammeFileError
from territorial.model.programme_file import ProgrammeTable
from territorial.model.vocabulary import TERRITORY_KINDS
from territorial.storage.store import ConflictError, StoredVersion
from territorial.takeaways import exports
from territorial.ui import data
from territorial.ui.editor import EDIT_BASE, author_fields, bounded_table, save, show_diff, show_problems

CARRIED = "donnees_edition_reportee"


def _column_config(definition) -> dict:
    levels = [lv.value for lv in definition.levels]
    config: dict = {
        changes.NAME_COLUMN: st.column_config.TextColumn(changes.NAME_COLUMN, disabled=True),
        "code": st.column_config.TextColumn("code", required=True, help="Code INSEE ou SIREN"),
        "type": st.column_config.SelectboxColumn("type", options=list(TERRITORY_KINDS), required=True),
        "nom": st.column_config.TextColumn("nom", help="Nom d'un groupement (ignoré sinon)"),
        "membres": st.column_config.TextColumn("membres", help="Codes des membres d'un groupement"),
        "segment": st.column_config.SelectboxColumn(
            "segment",
            options=definition.segment_ids,
            help="Segment attribué par le programme ; vide : celui que donne la population",
        ),
        "date_dialogue": st.column_config.DateColumn("date_dialogue", format="DD/MM/YYYY"),
    }
    for lever in definition.levers:
        config[lever.id] = st.column_config.SelectboxColumn(
            lever.id,
            help=escape_markdown(lever.label),
            options=levels,
            default=definition.min_level,
            required=True,
            width="medium",
            format_func=lambda v: f"{v} – {definition.level_label(v)}",
        )
    return config


def edit_section(current: StoredVersion) -> None:
    """Edit levels, dates, notes, add or remove territories; save as a new version.

    If someone saved meanwhile, nothing is lost: the edits are carried onto the
    version now current (:func:`territorial.editing.merge.rebase`) for review, conflicts
    listed, and the edited table can be downloaded.
    """
    base_id = st.session_state.setdefault(EDIT_BASE, current.id)
    behind = base_id != current.id
    if behind:
        st.warning(
            f"La version {current.id} a été enregistrée depuis que vous avez commencé à partir "
            f"de la version {base_id}. Vos modifications ne seront pas perdues : « Valider et "
            "enregistrer » les reportera sur la version en vigueur, pour que vous les vérifiiez "
            "avant de les enregistrer."
        )
    base = data.version(base_id)
    carried = st.session_state.get(CARRIED)
    if carried is not None and carried["base"] != base_id:
        carried = None
    if carried is not None:
        _show_carried(carried, base)
    definition = data.definition_of(base)
    names = data.programme_at(base_id).territories["nom"].to_dict()
    start = carried["table"] if carried is not None else base.table
    frame = changes.editor_frame(start, definition=definition, names=names)
    key = f"donnees_editeur_{base_id}" + (f"_reporte_{carried['round']}" if carried is not None else "")
    with st.form("donnees_edition"):
        edited = st.data_editor(
            frame,
            key=key,
            num_rows="dynamic",
            hide_index=True,
            column_config=_column_config(definition),
            width="stretch",
        )
        author, comment = author_fields("edition")
        submitted = st.form_submit_button("Valider et enregistrer", type="primary")
    if not submitted:
        return
    try:
        table = changes.table_from_editor(edited, base=base.table, definition=definition, reference=data.reference())
    except ProgrammeFileError as exc:
        show_problems(exc, what="Tableau modifié")
        return
    if behind:
        if diff_tables(base.table, table).empty:  # nothing of theirs to keep: just move to the current version
            st.session_state[EDIT_BASE] = current.id
            st.rerun()
        _carry(base, table, current)
    if diff_tables(base.table, table).empty:
        st.info("Aucune modification à enregistrer.")
        return
    text = comment.strip() or "Modification dans l'application"

    def conflict(exc: ConflictError) -> None:
        assert exc.current is not None  # a version was saved since: there is one
        _carry(base, table, data.version(exc.current))

    save(
        lambda: data.store().save(table, author=author, comment=text, kind="edition", expected_parent=base.id),
        on_conflict=conflict,
        on_success=lambda _saved: st.session_state.pop(CARRIED, None),
    )


def _carry(base: StoredVersion, table: ProgrammeTable, current: StoredVersion) -> None:
    """Carry this editor's table onto ``current`` and show it for review (rerun)."""
    rebased = rebase(base.table, table, current.table)
    previous = st.session_state.get(CARRIED) or {}
    st.session_state[CARRIED] = {
        "base": current.id,
        "from": base.id,
        "table": rebased.table,
        "conflicts": rebased.conflicts,
        "mine": table,
        "round": previous.get("round", 0) + 1,
    }
    st.session_state[EDIT_BASE] = current.id
    st.rerun()


def _show_carried(carried: dict, base: StoredVersion) -> None:
    """What was carried over, the conflicts, the editor's own table to download, and a way out."""
    st.info(
        f"Rien n'a encore été enregistré : la version {base.id} a été enregistrée pendant que vous "
        f"modifiiez la version {carried['from']}. Vos modifications ont été reportées sur la version "
        "en vigueur, dans le tableau ci-dessous : vérifiez-les, puis validez pour les enregistrer."
    )
    show_diff(base.table, carried["table"], title="Vos modifications reportées (non enregistrées)")
    conflicts = carried["conflicts"]
    if len(conflicts):
        st.warning(
            f"{plural(len(conflicts), 'valeur')} modifiée(s) des deux côtés : la valeur en vigueur "
            "est gardée dans le tableau ; la vôtre est rappelée ci-dessous, ressaisissez-la si elle "
            "doit l'emporter."
        )
        bounded_table(conflicts, what="valeurs")
    mine: ProgrammeTable = carried["mine"]
    left, right = st.columns(2)
    left.download_button(
        "Télécharger votre tableau modifié (CSV, réimportable)",
        data=lambda: exports.to_csv(mine.territories, meta=mine.meta),
        file_name=f"programme_modifications_depuis_v{carried['from']}.csv",
        mime="text/csv",
        key="donnees_reporte_telecharger",
        on_click="ignore",
    )
    if right.button("Abandonner mes modifications", key="donnees_reporte_abandonner"):
        st.session_state.pop(CARRIED, None)
        st.rerun()
