"""What the editing widgets share (« Données », « Historique »): author fields, messages after a
rerun, problems and changes shown bounded, saving with conflict handling, version captions.

The editor role is in :mod:`editor_role`; import, in-app editing and exports have their own
modules. Every data text is escaped with :func:`territorial.core.fmt.escape_markdown`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from territorial.core.fmt import escape_markdown, fr_datetime, fr_int, plural
from territorial.editing.merge import diff_tables
from territorial.model.problems import MAX_REPORTED, ProgrammeFileError, more_text, problems_frame
from territorial.model.programme_file import ProgrammeTable
from territorial.storage.store import ConflictError, StoredVersion, StoreError

AUTHOR = "editeur_auteur"
EDIT_BASE = "donnees_edition_base"  # the version an editing session started from
FLASH = "donnees_message"
#: Rows shown of a preview, of a list of changes or of conflicts (the rest is counted).
SHOWN_ROWS = 500


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
    author = st.text_input(
        "Auteur de la modification", value=st.session_state.get(AUTHOR, ""), key=f"{key}_auteur", max_chars=AUTHOR_CHARS
    )
    comment = st.text_input(
        "Commentaire (ce qui change, et pourquoi)", key=f"{key}_commentaire", max_chars=COMMENT_CHARS
    )
    return author, comment


def show_problems(error: ProgrammeFileError, *, what: str, feminine: bool = False) -> None:
    """The problems of a refused file or edit, in a table (the first ones, and how many others).

    ``what`` is the refused thing (« Fichier »; « Proposition » with ``feminine``: « refusée »).
    """
    refused = "refusée" if feminine else "refusé"
    st.error(f"{what} {refused} : {plural(error.total, 'problème')} à corriger. Rien n'a été modifié.")
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


def size_text(table: ProgrammeTable) -> str:
    """« 81 territoires, 255 dialogues »."""
    rows = table.territories
    return f"{plural(rows['code'].nunique(), 'territoire')}, {plural(len(rows), 'dialogue')}"


def show_diff(before: ProgrammeTable, after: ProgrammeTable, *, title: str) -> pd.DataFrame:
    """A table of what changes between two versions (nothing if identical)."""
    changes = diff_tables(before, after)
    counts = changes["Changement"].value_counts()
    dialogues = ""
    if counts.get("dialogue ajouté", 0) or counts.get("dialogue retiré", 0):
        dialogues = (
            f" ; dialogues : {fr_int(counts.get('dialogue ajouté', 0))} ajouté(s), "
            f"{fr_int(counts.get('dialogue retiré', 0))} retiré(s)"
        )
    st.markdown(
        f"**{title}** : {fr_int(counts.get('ajouté', 0))} ajouté(s), "
        f"{fr_int(counts.get('retiré', 0))} retiré(s), "
        f"{fr_int(changes.loc[changes['Changement'] == 'modifié', 'Code'].nunique())} modifié(s){dialogues}."
    )
    if len(changes):
        bounded_table(changes, what="lignes de changements")
    return changes


def save(
    action: Callable[[], StoredVersion],
    *,
    on_conflict: Callable[[ConflictError], object],
    on_success: Callable[[StoredVersion], None] | None = None,
) -> None:
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
        flash(f"Version {saved.id} enregistrée : {size_text(saved.table)}.")
        st.rerun()


def version_caption(version: StoredVersion) -> str:
    """« Version 3 du 26 novembre 2026 à 15 h 05 (heure de Paris), par … : … », data escaped."""
    text = (
        f"Version **{version.id}** du {fr_datetime(version.created_at)} (heure de Paris), "
        f"par {escape_markdown(version.author, limit=AUTHOR_CHARS)}"
    )
    return text + (f" : {escape_markdown(version.comment, limit=COMMENT_CHARS)}" if version.comment else "")
