"""Import of a programme file: upload within the limits, validation report, preview of the
changes, confirmation.
"""

from __future__ import annotations

import streamlit as st

from territorial.core.fmt import fr_int, plural
from territorial.model import xlsx_reader
from territorial.model.file_reading import MAX_BYTES, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from territorial.model.problems import ProgrammeFileError
from territorial.model.programme_file import ProgrammeTable
from territorial.storage import editing
from territorial.storage.store import ConflictError, StoredVersion
from territorial.ui import data, upload_guard
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
            "Colonnes attendues : code, type, L1…L4 ; facultatives : nom, membres, "
            "date_dialogue, notes, contact. Le plus simple est de partir d'un export ci-dessus. " + UPLOAD_HELP
        )
        return
    content = uploaded.getvalue()
    sheets = editing.sheet_names(content, filename=uploaded.name)
    sheet = None
    if len(sheets) > 1:
        preferred = next((i for i, s in enumerate(sheets) if s.strip().lower() in ("programme", "territoires")), 0)
        sheet = st.selectbox("Feuille à lire", sheets, index=preferred, key="donnees_feuille")
    key = (uploaded.file_id, uploaded.name, len(content), sheet)
    pending = st.session_state.get(PENDING)
    if not pending or pending["key"] != key:
        with st.status("Lecture et validation du fichier…") as status:
            try:
                table = editing.validate_upload(
                    content,
                    filename=uploaded.name,
                    sheet=sheet,
                    definition=data.definition(),
                    reference=data.reference(),
                )
                result: ProgrammeTable | ProgrammeFileError = table
            except ProgrammeFileError as exc:
                result = exc
            status.update(label="Fichier lu.", state="complete")
        pending = {"key": key, "result": result, "base": current.id}
        st.session_state[PENDING] = pending
    confirm_import(pending, current, filename=uploaded.name)


def confirm_import(pending: dict, current: StoredVersion, *, filename: str) -> None:
    """The validation report, the preview, and the confirmation of a new version."""
    result = pending["result"]
    if isinstance(result, ProgrammeFileError):
        show_problems(result, what="Fichier")
        return
    n = len(result.territories)
    st.success(f"Fichier valide : {plural(n, 'territoire')}. Vérifiez l'aperçu, puis confirmez.")
    show_warnings(result)
    with st.expander("Aperçu du fichier validé", expanded=False):
        bounded_table(result.territories, what="territoires")
    show_diff(current.table, result, title=f"Par rapport à la version en vigueur ({current.id})")
    with st.form("donnees_import_confirmation"):
        author, comment = author_fields("import")
        confirmed = st.form_submit_button("Enregistrer comme nouvelle version", type="primary")
    if confirmed:

        def conflict(exc: ConflictError) -> None:
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
                result, author=author, comment=text, kind="import", expected_parent=pending["base"]
            ),
            on_conflict=conflict,
            on_success=done,
        )
