"""The editor role: the login form, its per-client throttle and the session's role."""

from __future__ import annotations

import functools

import streamlit as st

from territorial.core.memo import shared
from territorial.editing import access
from territorial.storage import throttles
from territorial.storage.store import StoreError
from territorial.ui import data, upload_guard

ROLE = "editeur_empreinte"
_PASSWORD, _REFUSAL = "editeur_mot_de_passe", "editeur_refus"


@shared()
def _login_guard(key: str, _engine) -> access.LoginGuard:
    if not throttles.create_tables(_engine):  # a read-only database: this process's counters
        return access.LoginGuard()
    return access.LoginGuard(shared=functools.partial(throttles.SharedThrottle, _engine))


def login_guard() -> access.LoginGuard:
    """Failures per client address and for the account (a new tab does not reset them), kept in
    the programme's database: every server process shares them."""
    try:
        store = data.store()
    except StoreError:
        return _process_guard()
    return _login_guard(f"{data.database_url() or ''}|{store.token}", store.engine)


@shared()
def _process_guard() -> access.LoginGuard:
    return access.LoginGuard()


def _clear_login_guards() -> None:
    _login_guard.clear()
    _process_guard.clear()


login_guard.clear = _clear_login_guards  # type: ignore[attr-defined]  # cleared by the tests, like the memos


def _session_throttle() -> access.Throttle:
    return st.session_state.setdefault("editeur_tentatives", access.Throttle())


@shared()
def check_proxies() -> tuple:
    """The trusted proxies setting, read and logged once per process (at its first page)."""
    networks = access.trusted_proxies(data.secret(access.TRUSTED_PROXIES_SECRET))
    access.log.warning(access.describe_proxies(networks))
    return networks


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


def _login(encoded: str) -> None:
    """The login button's callback (before the page runs): check, then empty the field, so that
    a typed password never stays on screen after a failure."""
    password = st.session_state.get(_PASSWORD) or ""
    st.session_state[_PASSWORD] = ""
    try:
        login_guard().check(password, encoded, client=client(), session=_session_throttle())
    except access.AccessError as exc:
        st.session_state[_REFUSAL] = str(exc)
    else:
        st.session_state[ROLE] = encoded


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
        st.text_input("Mot de passe d'éditeur", type="password", key=_PASSWORD)
        st.form_submit_button("Se connecter", on_click=_login, args=(encoded,))
    refusal = st.session_state.pop(_REFUSAL, None)
    if refusal:
        st.error(refusal)
    return False
