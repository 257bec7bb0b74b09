"""The programme's definition edited in the application (page « Données »): the form, the
TOML export and import, what the change does before it is saved, and the new version.

Ids and the number of segments and levers are not edited in the form; a TOML file can
change them, refused if it removes a lever or a segment the current table still uses.
"""

from __future__ import annotations

import streamlit as st

from territorial.content.definition_changes import (
    adapted_table,
    change_summary,
    definition_changes,
    segment_counts,
    segment_moves,
    stale_mentions,
    usage_problems,
)
from territorial.core.fmt import escape_markdown, plural
from territorial.model.definition import DefinitionError, ProgrammeDefinition, parse_definition
from territorial.model.definition_file import definition_data, definition_from_text, render_definition
from territorial.model.programme import Programme
from territorial.storage.store import StoredVersion
from territorial.ui import data, upload_guard
from territorial.ui.editor import author_fields, bounded_table, save

#: Session key of the definition checked and waiting for confirmation.
PENDING = "definition_en_attente"
#: Session key of the last definition file proposed (uploader file id, version).
READ_FILE = "definition_fichier_lu"
#: Longest TOML file read, in megabytes (a definition is a few kilobytes).
MAX_TOML_MB = 1


def definition_section(current: StoredVersion) -> None:
    """Export, import and edit the definition of the current version; save it as a new version."""
    definition = data.definition_of(current)
    st.download_button(
        "Télécharger la définition (TOML)",
        data=lambda: render_definition(definition).encode("utf-8"),
        file_name=f"definition_programme_v{current.id}.toml",
        mime="application/toml",
        key="definition_telecharger",
        on_click="ignore",
    )
    _import(current, definition)
    _form(current, definition)
    pending = st.session_state.get(PENDING)
    if pending is not None and pending["base"] == current.id:
        _preview_and_save(current, definition, pending)


def show_definition_problems(problems: list[str], *, what: str) -> None:
    """The problems of a refused definition, every one listed (French, data escaped)."""
    st.error(
        f"{what} refusée : {plural(len(problems), 'problème')} à corriger. Rien n'a été modifié.\n\n"
        + "\n".join(f"- {escape_markdown(p)}" for p in problems)
    )


def _import(current: StoredVersion, definition: ProgrammeDefinition) -> None:
    upload_guard.allow()  # an editor's uploader: this session may send a file
    uploaded = st.file_uploader(
        "Importer une définition (fichier TOML, au format de data/programme.toml)",
        type=["toml"],
        key=f"definition_fichier_{current.id}",
        max_upload_size=MAX_TOML_MB,
        help="Le plus simple est de partir de la définition téléchargée ci-dessus.",
    )
    if uploaded is None:
        return
    content = uploaded.getvalue()
    if len(content) > MAX_TOML_MB * 1024 * 1024:  # the uploader refuses it first
        show_definition_problems([f"fichier trop grand ({MAX_TOML_MB} Mo au plus)"], what="Définition")
        return
    try:
        new = definition_from_text(content.decode("utf-8-sig"), source=uploaded.name)
    except UnicodeDecodeError:
        show_definition_problems(["le fichier n'est pas un texte en UTF-8"], what="Définition")
        return
    except DefinitionError as exc:
        show_definition_problems(exc.problems, what="Définition")
        return
    problems = usage_problems(current.table, definition, new)
    if problems:  # said at every run while the file is there
        show_definition_problems(problems, what="Définition")
        return
    key = (uploaded.file_id, current.id)
    if st.session_state.get(READ_FILE) != key:  # proposed once: the form may replace it afterwards
        st.session_state[READ_FILE] = key
        _propose(current, definition, new, key=key, origin=f"import du fichier « {uploaded.name} »")


def _propose(
    current: StoredVersion, definition: ProgrammeDefinition, new: ProgrammeDefinition, *, key: object, origin: str
) -> None:
    """Check that ``new`` fits the current table; keep it for the preview."""
    problems = usage_problems(current.table, definition, new)
    if problems:
        st.session_state.pop(PENDING, None)
        show_definition_problems(problems, what="Définition")
        return
    if new == definition:
        st.session_state.pop(PENDING, None)
        st.info("Aucune modification : la définition est celle de la version en vigueur.")
        return
    st.session_state[PENDING] = {"base": current.id, "definition": new, "key": key, "origin": origin}


def _form(current: StoredVersion, definition: ProgrammeDefinition) -> None:
    """The form: labels, thresholds, colours, descriptions, level names, follow-up interval."""
    raw = definition_data(definition)
    prefix = f"definition_v{current.id}"
    with st.form(f"{prefix}_formulaire"):
        st.markdown("**Segments** (seuil : population à partir de laquelle un territoire entre dans le segment)")
        for i, segment in enumerate(raw["segments"]):
            where = f"{prefix}_segment_{segment['id']}"
            st.markdown(f"Segment {escape_markdown(segment['id'])}")
            left, middle, right = st.columns([3, 2, 1])
            segment["libelle"] = left.text_input(
                f"Libellé du segment {segment['id']}", segment["libelle"], key=f"{where}_libelle"
            )
            if i == 0:
                middle.caption("Seuil : 0 habitant (premier segment)")
            else:
                segment["min"] = int(
                    middle.number_input(
                        f"Seuil du segment {segment['id']} (habitants)",
                        min_value=1,
                        value=int(segment["min"]),
                        step=1000,
                        key=f"{where}_seuil",
                    )
                )
            segment["couleur"] = right.color_picker(
                f"Couleur du segment {segment['id']}", segment["couleur"], key=f"{where}_couleur"
            )
            segment["description"] = st.text_area(
                f"Description du segment {segment['id']}", segment["description"], key=f"{where}_description", height=68
            )
        for before, after in zip(raw["segments"], raw["segments"][1:], strict=False):
            before["max"] = after["min"]  # the bands follow each other: a segment ends where the next starts
        st.markdown("**Leviers**")
        for lever in raw["leviers"]:
            where = f"{prefix}_levier_{lever['id']}"
            st.markdown(f"Levier {escape_markdown(lever['id'])}")
            left, right = st.columns([5, 1])
            lever["libelle"] = left.text_input(
                f"Libellé du levier {lever['id']}", lever["libelle"], key=f"{where}_libelle"
            )
            lever["couleur"] = right.color_picker(
                f"Couleur du levier {lever['id']}", lever["couleur"], key=f"{where}_couleur"
            )
            lever["court"] = st.text_input(f"Texte court du levier {lever['id']}", lever["court"], key=f"{where}_court")
            lever["description"] = st.text_area(
                f"Description du levier {lever['id']}", lever["description"], key=f"{where}_description", height=68
            )
        st.markdown("**Niveaux d'activation**")
        columns = st.columns(len(raw["activation"]["niveaux"]))
        for column, level in zip(columns, raw["activation"]["niveaux"], strict=True):
            level["libelle"] = column.text_input(
                f"Niveau {level['valeur']}", level["libelle"], key=f"{prefix}_niveau_{level['valeur']}"
            )
        raw["suivi"]["intervalle_mois"] = int(
            st.number_input(
                "Intervalle attendu entre deux dialogues (mois)",
                min_value=1,
                max_value=60,
                value=int(raw["suivi"]["intervalle_mois"]),
                key=f"{prefix}_intervalle",
            )
        )
        raw["programme"]["proxy"] = st.checkbox(
            "Ces segments et leviers sont une approximation, pas encore ceux du programme",
            value=bool(raw["programme"].get("proxy", False)),
            key=f"{prefix}_proxy",
            help="Coché, chaque page le rappelle en bas de page ; décochez-le une fois la définition du "
            "programme saisie.",
        )
        submitted = st.form_submit_button("Vérifier la modification")
    if not submitted:
        return
    try:
        new = parse_definition(raw, source="formulaire")
    except DefinitionError as exc:
        st.session_state.pop(PENDING, None)
        show_definition_problems(exc.problems, what="Modification de la définition")
        return
    _propose(current, definition, new, key=("formulaire", current.id, render_definition(new)), origin="formulaire")


def show_effect(before: Programme, after: Programme) -> None:
    """What a new definition does: the fields changed, the territories that change segment, the counts."""
    changes = definition_changes(before.definition, after.definition)
    st.markdown(f"**Ce que la modification change** ({plural(len(changes), 'changement')}) :")
    st.markdown("\n".join(f"- {escape_markdown(c)}" for c in changes))
    stale = stale_mentions(before.definition, after.definition)
    if stale:
        st.warning(
            "Le tableau de bord le devine, à vérifier avant d'enregistrer :\n\n"
            + "\n".join(f"- {escape_markdown(m)}" for m in stale)
        )
    moves = segment_moves(before, after)
    if moves.empty:
        st.markdown("Aucun territoire ne change de segment.")
    else:
        st.markdown(f"**{plural(len(moves), 'territoire')} change(nt) de segment :**")
        bounded_table(moves, what="territoires")
    st.markdown("**Territoires par segment, avant et après :**")
    st.dataframe(segment_counts(before, after), hide_index=True, width="content")


def show_definition_diff(before: StoredVersion, after: StoredVersion) -> None:
    """What changed in the definition between two versions (« Historique »), in French."""
    try:
        changes = definition_changes(data.definition_of(before), data.definition_of(after))
    except DefinitionError as exc:  # a damaged stored definition: say so, the rest goes on
        st.error("La définition d'une de ces versions ne peut pas être lue : " + escape_markdown(str(exc)))
        return
    if not changes:
        st.markdown("**Définition du programme** : inchangée.")
        return
    st.markdown(
        f"**Définition du programme** : {plural(len(changes), 'changement')}.\n\n"
        + "\n".join(f"- {escape_markdown(c)}" for c in changes)
    )


def _preview_and_save(current: StoredVersion, definition: ProgrammeDefinition, pending: dict) -> None:
    new: ProgrammeDefinition = pending["definition"]
    st.success(
        f"Définition valide ({escape_markdown(pending['origin'])}). Vérifiez ce qu'elle change, puis enregistrez."
    )
    before = data.programme_at(current.id)
    with st.spinner("Calcul des segments avec la nouvelle définition…"):
        after = data.programme_with(current.id, new)
    show_effect(before, after)
    with st.form("definition_confirmation"):
        author, comment = author_fields("definition")
        confirmed = st.form_submit_button("Enregistrer la définition comme nouvelle version", type="primary")
    if not confirmed:
        return
    table = adapted_table(current.table, definition, new)
    text = comment.strip() or "Définition modifiée : " + change_summary(definition_changes(definition, new))
    save(
        lambda: data.store().save(
            table,
            author=author,
            comment=text,
            kind="edition",
            expected_parent=current.id,
            definition=render_definition(new),
        ),
        on_conflict=lambda _exc: st.session_state.pop(PENDING, None),
        on_success=lambda _saved: st.session_state.pop(PENDING, None),
    )
