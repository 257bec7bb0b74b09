"""The editor role: the login form, its per-client throttle and the session's role."""

from __future__ import annotations

import streamlit as st

from territorial.core.memo import shared
from territorial.storage import access
from territorial.ui import data, upload_guard

ROLE = "editeur_empreinte"


@shared()
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
            upload_guard.revoke()
            st.rerun()
        return True
    upload_guard.revoke()
    with st.form("editeur_connexion"):
        st.markdown(
            "**Mode éditeur** — l'import, la modification et la restauration demandent le mot de passe d'éditeur."
        )
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
