"""Uploads only where an uploader is shown to an editor, bounded per session, freed with it.

Streamlit accepts ``PUT /_stcore/upload_file/<session>/<id>`` from any session that holds
the XSRF cookie (read from ``/_stcore/health``) and keeps every file in memory until the
session ends: an anonymous visitor could make the server hold hundreds of megabytes (issue
23.5). Here the process's upload store refuses a file (HTTP 403) unless this session has been
shown the programme uploader as an editor (:func:`allow`, called by the importer), holds at
most :data:`SESSION_BYTES` per session (HTTP 413 beyond), and forgets a session's files and
permission when Streamlit ends the session (its own ``remove_session_files``).

This leans on Streamlit's private upload store (``Runtime.uploaded_file_mgr`` and its
``add_file`` / ``remove_session_files``): listed in tests/test_private_apis.py.
"""

from __future__ import annotations

import logging
import threading

from starlette.exceptions import HTTPException
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

log = logging.getLogger(__name__)

#: What one session may hold in the upload store: the 5 MB programme file, twice (a file
#: replaced before the browser deletes the previous one).
SESSION_BYTES = 2 * 5 * 1024 * 1024

_lock = threading.Lock()
_allowed: set[str] = set()
_installed: set[int] = set()


def allow() -> None:
    """This session shows an uploader to an editor: it may upload (until it ends)."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        with _lock:
            _allowed.add(ctx.session_id)


def revoke() -> None:
    """This session no longer holds the editor role: refuse its uploads again."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        with _lock:
            _allowed.discard(ctx.session_id)


def allowed(session_id: str) -> bool:
    with _lock:
        return session_id in _allowed


def guard(manager) -> None:
    """Wrap ``manager`` (Streamlit's upload store) once: editor sessions only, bounded, freed."""
    if id(manager) in _installed or not hasattr(manager, "add_file"):
        return
    add_file, remove_session_files = manager.add_file, manager.remove_session_files

    def guarded_add(session_id: str, file) -> None:
        if not allowed(session_id):
            log.warning("Envoi de fichier refusé : la session n'a pas le rôle d'éditeur.")
            raise HTTPException(status_code=403, detail="Envoi de fichier réservé aux éditeurs.")
        held = sum(len(f.data) for f in manager.file_storage.get(session_id, {}).values() if f.file_id != file.file_id)
        if held + len(file.data) > SESSION_BYTES:
            raise HTTPException(status_code=413, detail="Trop de fichiers envoyés par cette session.")
        add_file(session_id, file)

    def guarded_remove(session_id: str) -> None:
        with _lock:
            _allowed.discard(session_id)
        remove_session_files(session_id)

    manager.add_file, manager.remove_session_files = guarded_add, guarded_remove
    _installed.add(id(manager))


def install() -> None:
    """Guard this process's upload store (cheap after the first call)."""
    if Runtime.exists():
        guard(Runtime.instance().uploaded_file_mgr)
