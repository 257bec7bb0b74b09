"""Import of a programme file: upload within the limits, validation report, preview of the
changes, confirmation.
"""

from __future__ import annotations

import streamlit as st

from territorial.core.fmt import fr_int, plural
from territorial.editing import changes
from territorial.model import xlsx_reader
from territorial.model.definition import DefinitionError
from territorial.model.definition_file import render_definition
from territorial.model.file_reading import MAX_BYTES, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from territorial.model.problems import ProgrammeFileError
from territorial.model.programme import resolve
from territorial.storage.store import ConflictError, StoredVersion
from territorial.ui import data, definition_editor, name_review, upload_guard
from territorial.ui.editor import author_fields, bounded_table, save, show_diff, show_problems, show_warnings

PENDING = "donnees_import"
UPLOAD_ROUND = "donnees_fichier_tour"
UPLOAD_HELP = (
    f"Limites : {MAX_BYTES // (1024 * 1024)} Mo, {fr_int(MAX_ROWS)} lignes (territoires × dialogues), "
    f"{MAX_COLUMNS} colonnes, "
    f"{fr_int(MAX_CELL_CHARS)} caractères par cellule ; pour un classeur XLSX, "
    f"{xlsx_reader.MAX_UNCOMPRESSED // (1024 * 1024)} Mo une fois décompressé. Un fichier plus grand "
    "est refusé sans être lu."
)


def import_section(current: StoredVersion) -> None:
    """Upload, validate, preview and confirm a programme file."""
    round_ = st.session_state.setdefault(UPLOAD_ROUND, 0)  # a new key empties the uploader after a save
    upload_guard.allow()  # only a session shown this uploader (an editor's) may send a file
    uploaded = st.file_uploader(
        "Fichier du programme (CSV ou XLSX, 5 Mo au plus)",
        type=["csv", "xlsx", "txt"],
        key=f"donnees_fichier_{round_}",
        help=UPLOAD_HELP,
    )
    if uploaded is None:
        st.caption(
            "Colonnes attendues : code, type, L1…L4 ; facultatives : nom, membres, segment, "
            "date_dialogue, notes, contact. Le plus simple est de partir d'un export ci-dessus. "
            "Un fichier qui donne les territoires par leur nom (colonne nom, et si besoin departement "
            "et type) est accepté : chaque nom est rapproché du référentiel et vérifié avec vous "
            "avant l'import. " + UPLOAD_HELP
        )
        return
    content = uploaded.getvalue()
    sheets = changes.sheet_names(content, filename=uploaded.name)
    sheet = None
    if len(sheets) > 1:
        preferred = next((i for i, s in enumerate(sheets) if s.strip().lower() in ("programme", "territoires")), 0)
        sheet = st.selectbox("Feuille à lire", sheets, index=preferred, key="donnees_feuille")
    key = (uploaded.file_id, uploaded.name, len(content), sheet)
    pending = st.session_state.get(PENDING)
    if not pending or pending["key"] != key:
        pending = {"key": key, "result": None, "names": None, "base": current.id, "definition": None}
        with st.status("Lecture et validation du fichier…") as status:
            try:
                # a workbook exported by another installation carries its definition (« Définition »)
                carried = changes.upload_definition(content, filename=uploaded.name)
                if carried != data.definition_of(current):
                    pending["definition"] = carried  # None: no definition in the file, or the same one
                raw = changes.read_upload(content, filename=uploaded.name, sheet=sheet)
                # territories given by name: a review first, then the same validation (name_review)
                pending["names"] = changes.names_to_review(raw, index=name_review.name_index())
                if pending["names"] is None:
                    pending["result"] = changes.validate_read(
                        raw,
                        filename=uploaded.name,
                        definition=pending["definition"] or data.definition_of(current),
                        reference=data.reference(),
                    )
            except (ProgrammeFileError, DefinitionError) as exc:
                pending["result"] = exc
            status.update(label="Fichier lu.", state="complete")
        st.session_state[PENDING] = pending
    if pending.get("names") is not None:
        if name_review.review_section(pending, filename=uploaded.name):
            confirm_import(pending, current, filename=uploaded.name)
        return
    confirm_import(pending, current, filename=uploaded.name)


def confirm_import(pending: dict, current: StoredVersion, *, filename: str) -> None:
    """The validation report, the preview, and the confirmation of a new version."""
    result = pending["result"]
    if isinstance(result, ProgrammeFileError):
        show_problems(result, what="Fichier")
        return
    if isinstance(result, DefinitionError):
        definition_editor.show_definition_problems(result.problems, what="Définition du classeur")
        return
    n = len(result.territories)
    st.success(f"Fichier valide : {plural(n, 'territoire')}. Vérifiez l'aperçu, puis confirmez.")
    show_warnings(result)
    with st.expander("Aperçu du fichier validé", expanded=False):
        bounded_table(result.territories, what="territoires")
    show_diff(current.table, result, title=f"Par rapport à la version en vigueur ({current.id})")
    carried = pending.get("definition")
    if carried is not None:
        st.info(
            "Le classeur porte sa définition du programme (feuille « Définition ») : elle sera "
            "enregistrée avec ses données."
        )
        after = resolve(result, reference=data.reference(), definition=carried)  # what it does, before saving
        definition_editor.show_effect(data.programme_at(current.id), after)
    with st.form("donnees_import_confirmation"):
        author, comment = author_fields("import")
        confirmed = st.form_submit_button("Enregistrer comme nouvelle version", type="primary")
    if confirmed:

        def conflict(exc: ConflictError) -> None:
            assert exc.current is not None  # a version was saved since: there is one
            show_diff(
                data.version(pending["base"]).table,
                data.version(exc.current).table,
                title="Modifications enregistrées entre-temps",
            )
            pending["base"] = exc.current
            st.info("Confirmez de nouveau pour remplacer la version en vigueur par votre fichier.")

        def done(_saved: StoredVersion) -> None:
            st.session_state.pop(PENDING, None)
            st.session_state[UPLOAD_ROUND] = st.session_state.get(UPLOAD_ROUND, 0) + 1

        text = comment.strip() or f"Import du fichier « {filename} »"
        save(
            lambda: data.store().save(
                result,
                author=author,
                comment=text,
                kind="import",
                expected_parent=pending["base"],
                definition=None if carried is None else render_definition(carried),
            ),
            on_conflict=conflict,
            on_success=done,
        )
