"""Widgets of the « Données » and « Historique » pages: editor login, import, edition, exports.

Every text that comes from data is shown in ``st.dataframe`` (safe) or escaped
with :func:`territorial.core.fmt.escape_markdown` before it reaches Markdown.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from territorial.core.fmt import escape_markdown, fr_int, plural
from territorial.model import xlsx_reader
from territorial.model.programme import Programme
from territorial.model.programme_file import (
    KINDS,
    MAX_BYTES,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_REPORTED,
    MAX_ROWS,
    ProgrammeFileError,
    ProgrammeTable,
    more_text,
    problems_frame,
)
from territorial.storage import access, editing
from territorial.storage.store import ConflictError, StoredVersion, StoreError, diff_tables
from territorial.takeaways import exports
from territorial.ui import data

ROLE = "editeur_empreinte"
AUTHOR = "editeur_auteur"
PENDING = "donnees_import"
UPLOAD_ROUND = "donnees_fichier_tour"
EDIT_BASE = "donnees_edition_base"
FLASH = "donnees_message"
CARRIED = "donnees_edition_reportee"
#: Rows shown of a preview, of a list of changes or of conflicts (the rest is counted).
SHOWN_ROWS = 500
UPLOAD_HELP = (f"Limites : {MAX_BYTES // (1024 * 1024)} Mo, {fr_int(MAX_ROWS)} territoires, {MAX_COLUMNS} colonnes, "
               f"{fr_int(MAX_CELL_CHARS)} caractères par cellule ; pour un classeur XLSX, "
               f"{xlsx_reader.MAX_UNCOMPRESSED // (1024 * 1024)} Mo une fois décompressé. Un fichier plus grand "
               "est refusé sans être lu.")


@st.cache_resource(show_spinner=False)
def login_guard() -> access.LoginGuard:
    """Failures of every session of this process, per client address (a new tab does not reset them)."""
    return access.LoginGuard()


def _session_throttle() -> access.Throttle:
    return st.session_state.setdefault("editeur_tentatives", access.Throttle())


def client() -> str:
    """The address this session's login attempts count against (see :func:`access.client_key`)."""
    trusted = access.trusted_proxies(data.secret(access.TRUSTED_PROXIES_SECRET))
    return access.client_key(st.context.ip_address, st.context.headers, trusted=trusted)


def password_hash() -> str | None:
    """The configured editor hash (secret ``editor_password_hash``, else the environment)."""
    return access.configured_hash({access.SECRET_KEY: data.secret(access.SECRET_KEY)})


def is_editor() -> bool:
    """Whether this session is logged in with the password currently configured."""
    encoded = password_hash()
    return bool(encoded) and st.session_state.get(ROLE) == encoded


def editor_gate() -> bool:
    """Show the login (or why editing is disabled); True when this session may edit."""
    encoded = password_hash()
    if not encoded:
        st.info(access.EDITING_DISABLED_TEXT, icon=None)
        return False
    if not data.writable():
        st.warning(data.read_only_text())
        return False
    try:
        access.PasswordHash.parse(encoded)
    except access.BadHashError as exc:
        st.error(str(exc))
        return False
    if is_editor():
        left, right = st.columns([4, 1])
        left.success("Vous êtes connecté en éditeur : import, modification et restauration autorisés.")
        if right.button("Se déconnecter", key="editeur_deconnexion"):
            del st.session_state[ROLE]
            st.rerun()
        return True
    with st.form("editeur_connexion"):
        st.markdown("**Mode éditeur** — l'import, la modification et la restauration demandent "
                    "le mot de passe d'éditeur.")
        password = st.text_input("Mot de passe d'éditeur", type="password")
        submitted = st.form_submit_button("Se connecter")
    if submitted:
        try:
            login_guard().check(password, encoded, client=client(), session=_session_throttle())
        except access.AccessError as exc:
            st.error(str(exc))
        else:
            st.session_state[ROLE] = encoded
            st.rerun()
    return False


def flash(message: str | None = None) -> None:
    """Show (and forget) the message left by the previous run, or leave one for the next."""
    if message is not None:
        st.session_state[FLASH] = message
    elif FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH))


#: Longest author and comment typed, and shown in a version's caption (the history table shows all).
AUTHOR_CHARS, COMMENT_CHARS = 200, 500


def author_fields(key: str) -> tuple[str, str]:
    """Author (remembered for the session) and comment of a change."""
    author = st.text_input("Auteur de la modification", value=st.session_state.get(AUTHOR, ""),
                           key=f"{key}_auteur", max_chars=AUTHOR_CHARS)
    comment = st.text_input("Commentaire (ce qui change, et pourquoi)", key=f"{key}_commentaire",
                            max_chars=COMMENT_CHARS)
    return author, comment


def show_problems(error: ProgrammeFileError, *, what: str) -> None:
    """The problems of a refused file or edit, in a table (the first ones, and how many others)."""
    st.error(f"{what} refusé : {plural(error.total, 'problème')} à corriger. Rien n'a été modifié.")
    st.dataframe(error.as_frame(), hide_index=True, width="stretch")
    if error.more:
        st.caption(f"{error.more} : corrigez d'abord ceux-ci, puis importez de nouveau le fichier.")


def bounded_table(frame: pd.DataFrame, *, what: str) -> None:
    """``frame`` in a table, its first SHOWN_ROWS rows only (« … et 12 345 autres {what} »)."""
    st.dataframe(frame.head(SHOWN_ROWS), hide_index=True, width="stretch")
    more = more_text(min(len(frame), SHOWN_ROWS), len(frame), what)
    if more:
        st.caption(f"{more} : seules les {fr_int(SHOWN_ROWS)} premières lignes sont affichées.")


def show_warnings(table: ProgrammeTable) -> None:
    if table.warnings:
        n = len(table.warnings)  # beyond MAX_REPORTED, the last one counts the others
        head = plural(n, "remarque") if n <= MAX_REPORTED else "Nombreuses remarques"
        st.warning(f"{head} (corrections automatiques, colonnes conservées) :")
        st.dataframe(problems_frame(table.warnings), hide_index=True, width="stretch")


def show_diff(before: ProgrammeTable, after: ProgrammeTable, *, title: str) -> pd.DataFrame:
    """A table of what changes between two versions (nothing if identical)."""
    changes = diff_tables(before, after)
    counts = changes["Changement"].value_counts()
    st.markdown(f"**{title}** : {fr_int(counts.get('ajouté', 0))} ajouté(s), "
                f"{fr_int(counts.get('retiré', 0))} retiré(s), "
                f"{fr_int(changes.loc[changes['Changement'] == 'modifié', 'Code'].nunique())} modifié(s).")
    if len(changes):
        bounded_table(changes, what="lignes de changements")
    return changes


def save(action: Callable[[], StoredVersion], *, on_conflict: Callable[[ConflictError], None],
         on_success: Callable[[StoredVersion], None] | None = None) -> None:
    """Run a save with a spinner; report the new version, a conflict or a storage error."""
    try:
        with st.spinner("Enregistrement de la nouvelle version…"):
            saved = action()
    except ConflictError as exc:
        st.error(str(exc))
        on_conflict(exc)
    except (StoreError, ValueError) as exc:
        st.error(str(exc))
    else:
        st.session_state[AUTHOR] = saved.author
        st.session_state[EDIT_BASE] = saved.id  # this session's own change is not a conflict
        if on_success is not None:
            on_success(saved)
        flash(f"Version {saved.id} enregistrée : {plural(len(saved.table.territories), 'territoire')}.")
        st.rerun()


# --------------------------------------------------------------------------- import


def import_section(current: StoredVersion) -> None:
    """Upload, validate, preview and confirm a programme file."""
    round_ = st.session_state.setdefault(UPLOAD_ROUND, 0)  # a new key empties the uploader after a save
    uploaded = st.file_uploader("Fichier du programme (CSV ou XLSX, 5 Mo au plus)", type=["csv", "xlsx", "txt"],
                                key=f"donnees_fichier_{round_}", help=UPLOAD_HELP)
    if uploaded is None:
        st.caption("Colonnes attendues : code, type, L1…L4 ; facultatives : nom, membres, "
                   "date_dialogue, notes, contact. Le plus simple est de partir d'un export ci-dessus. "
                   + UPLOAD_HELP)
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
                table = editing.validate_upload(content, filename=uploaded.name, sheet=sheet,
                                                definition=data.definition(), reference=data.reference())
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
            show_diff(data.version(pending["base"]).table, data.version(exc.current).table,
                      title="Modifications enregistrées entre-temps")
            pending["base"] = exc.current
            st.info("Confirmez de nouveau pour remplacer la version en vigueur par votre fichier.")

        def done(_saved: StoredVersion) -> None:
            st.session_state.pop(PENDING, None)
            st.session_state[UPLOAD_ROUND] = st.session_state.get(UPLOAD_ROUND, 0) + 1

        text = comment.strip() or f"Import du fichier « {filename} »"
        save(lambda: data.store().save(result, author=author, comment=text, kind="import",
                                       expected_parent=pending["base"]), on_conflict=conflict, on_success=done)


# --------------------------------------------------------------------------- edition


def _column_config(definition) -> dict:
    levels = [lv.value for lv in definition.levels]
    config: dict = {
        editing.NAME_COLUMN: st.column_config.TextColumn(editing.NAME_COLUMN, disabled=True),
        "code": st.column_config.TextColumn("code", required=True, help="Code INSEE ou SIREN"),
        "type": st.column_config.SelectboxColumn("type", options=list(KINDS), required=True),
        "nom": st.column_config.TextColumn("nom", help="Nom d'un groupement (ignoré sinon)"),
        "membres": st.column_config.TextColumn("membres", help="Codes des membres d'un groupement"),
        "date_dialogue": st.column_config.DateColumn("date_dialogue", format="DD/MM/YYYY"),
    }
    for lever in definition.levers:
        config[lever.id] = st.column_config.SelectboxColumn(
            lever.id, help=escape_markdown(lever.label), options=levels, default=definition.min_level, required=True,
            width="medium",
            format_func=lambda v: f"{v} – {definition.level_label(v)}")
    return config


def edit_section(current: StoredVersion) -> None:
    """Edit levels, dates, notes, add or remove territories; save as a new version.

    If someone saved meanwhile, nothing is lost: the edits are carried onto the
    version now current (:func:`territorial.storage.editing.rebase`) for review, conflicts
    listed, and the edited table can be downloaded.
    """
    base_id = st.session_state.setdefault(EDIT_BASE, current.id)
    behind = base_id != current.id
    if behind:
        st.warning(f"La version {current.id} a été enregistrée depuis que vous avez commencé à partir "
                   f"de la version {base_id}. Vos modifications ne seront pas perdues : « Valider et "
                   "enregistrer » les reportera sur la version en vigueur, pour que vous les vérifiiez "
                   "avant de les enregistrer.")
    base = data.version(base_id)
    carried = st.session_state.get(CARRIED)
    if carried is not None and carried["base"] != base_id:
        carried = None
    if carried is not None:
        _show_carried(carried, base)
    definition = data.definition()
    names = data.programme_at(base_id).territories["nom"].to_dict()
    start = carried["table"] if carried is not None else base.table
    frame = editing.editor_frame(start, definition=definition, names=names)
    key = f"donnees_editeur_{base_id}" + (f"_reporte_{carried['round']}" if carried is not None else "")
    with st.form("donnees_edition"):
        edited = st.data_editor(frame, key=key, num_rows="dynamic", hide_index=True,
                                column_config=_column_config(definition), width="stretch")
        author, comment = author_fields("edition")
        submitted = st.form_submit_button("Valider et enregistrer", type="primary")
    if not submitted:
        return
    try:
        table = editing.table_from_editor(edited, base=base.table, definition=definition,
                                          reference=data.reference())
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
    save(lambda: data.store().save(table, author=author, comment=text, kind="edition", expected_parent=base.id),
         on_conflict=lambda exc: _carry(base, table, data.version(exc.current)),
         on_success=lambda _saved: st.session_state.pop(CARRIED, None))


def _carry(base: StoredVersion, table: ProgrammeTable, current: StoredVersion) -> None:
    """Carry this editor's table onto ``current`` and show it for review (rerun)."""
    rebased = editing.rebase(base.table, table, current.table)
    previous = st.session_state.get(CARRIED) or {}
    st.session_state[CARRIED] = {"base": current.id, "from": base.id, "table": rebased.table,
                                 "conflicts": rebased.conflicts, "mine": table,
                                 "round": previous.get("round", 0) + 1}
    st.session_state[EDIT_BASE] = current.id
    st.rerun()


def _show_carried(carried: dict, base: StoredVersion) -> None:
    """What was carried over, the conflicts, the editor's own table to download, and a way out."""
    st.info(f"Rien n'a encore été enregistré : la version {base.id} a été enregistrée pendant que vous "
            f"modifiiez la version {carried['from']}. Vos modifications ont été reportées sur la version "
            "en vigueur, dans le tableau ci-dessous : vérifiez-les, puis validez pour les enregistrer.")
    show_diff(base.table, carried["table"], title="Vos modifications reportées (non enregistrées)")
    conflicts = carried["conflicts"]
    if len(conflicts):
        st.warning(f"{plural(len(conflicts), 'valeur')} modifiée(s) des deux côtés : la valeur en vigueur "
                   "est gardée dans le tableau ; la vôtre est rappelée ci-dessous, ressaisissez-la si elle "
                   "doit l'emporter.")
        bounded_table(conflicts, what="valeurs")
    mine: ProgrammeTable = carried["mine"]
    left, right = st.columns(2)
    left.download_button("Télécharger votre tableau modifié (CSV, réimportable)",
                         data=lambda: exports.to_csv(mine.territories, meta=mine.meta),
                         file_name=f"programme_modifications_depuis_v{carried['from']}.csv", mime="text/csv",
                         key="donnees_reporte_telecharger", on_click="ignore")
    if right.button("Abandonner mes modifications", key="donnees_reporte_abandonner"):
        st.session_state.pop(CARRIED, None)
        st.rerun()


# --------------------------------------------------------------------------- exports


def export_buttons(programme: Programme, version: StoredVersion, *, key: str) -> None:
    """Download the programme of ``version`` as CSV, XLSX and GeoJSON (generated on click)."""
    stem = f"programme_v{version.id}_{version.created_at:%Y-%m-%d}"
    info = {"version": str(version.id), "date (UTC)": f"{version.created_at:%Y-%m-%d %H:%M}",
            "auteur": version.author, "commentaire": version.comment,
            "données de démonstration": "oui" if programme.is_demo else "non",
            "sources": "IGN – ADMIN EXPRESS ; INSEE"}
    buttons = [
        ("Programme (CSV, réimportable)", f"{stem}.csv", "text/csv",
         lambda: exports.to_csv(exports.file_frame(programme), meta=programme.meta)),
        ("Tableau des territoires (CSV)", f"{stem}_territoires.csv", "text/csv",
         lambda: exports.to_csv(exports.table_frame(programme))),
        ("Classeur (XLSX)", f"{stem}.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         lambda: exports.to_xlsx(programme, info=info)),
        ("Carte (GeoJSON)", f"{stem}.geojson", "application/geo+json", lambda: exports.to_geojson(programme)),
    ]
    for col, (label, name, mime, make) in zip(st.columns(len(buttons)), buttons, strict=True):
        col.download_button(label, data=make, file_name=name, mime=mime, key=f"{key}_{name}",
                            on_click="ignore")


def version_caption(version: StoredVersion) -> str:
    """« Version 3 du 26/11/2026 à 14:05 (UTC), par … : … » with the data escaped."""
    text = (f"Version **{version.id}** du {version.created_at:%d/%m/%Y à %H:%M} (UTC), "
            f"par {escape_markdown(version.author, limit=AUTHOR_CHARS)}")
    return text + (f" : {escape_markdown(version.comment, limit=COMMENT_CHARS)}" if version.comment else "")
