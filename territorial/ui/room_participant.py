"""Live workshop room, the participant's form (``/participer``, phone first).

The participant's token is carried in the page's address (``?jeton=``, through
:mod:`territorial.ui.url_state`): a reload or a copied tab keeps it, so it never counts twice.
Shared with the projector: :mod:`territorial.ui.live_room`.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from territorial.content import live_room
from territorial.content.live_room import KEPT_TEXT, OTHER, ROOM_PARAM
from territorial.core.fmt import escape_markdown, fr_int
from territorial.core.memo import shared
from territorial.core.paths import ASSETS_DIR
from territorial.model.programme import Programme
from territorial.storage.rooms import (
    LEVELS,
    QUESTIONS,
    Room,
    RoomError,
    RoomStore,
    new_token,
    normalise_code,
    valid_token,
)
from territorial.ui import data, url_state
from territorial.ui.live_room import local, room_code, rooms, style, visitor

TOKEN_PARAM = "jeton"
#: Seconds between two refreshes of a participant's page (new question?).
PARTICIPANT_EVERY = 5.0
#: Constant CSS of the participant page: large targets for a thumb (≥ 48 px), large type.
CSS_FILE = ASSETS_DIR / "participer.css"
_TOKEN_KEY, _TERRITORY_KEY, _SEGMENT_KEY, _NAME_KEY = "salle_jeton", "salle_territoire", "salle_taille", "salle_nom"
_SEEN_KEY, _FEEDBACK_KEY = "salle_vu", "salle_retour"


def _join_form(key: str) -> None:
    """« Code de la salle » → ``?salle=CODE``."""
    with st.form(key):
        typed = st.text_input("Code de la salle (affiché à l'écran)", max_chars=40, placeholder="par ex. K7M4QX")
        go = st.form_submit_button("Rejoindre la salle", type="primary", use_container_width=True)
    if go:
        code = normalise_code(typed)
        if code is None:
            st.error(
                f"{escape_markdown(typed, limit=40) or 'Ce code'} n'est pas un code de salle : 6 caractères, "
                "lettres et chiffres, comme affiché à l'écran."
            )
            return
        url_state.sync({ROOM_PARAM: code})
        st.rerun()


def _token() -> tuple[str, str | None]:
    """This browser tab's participant token: the session's, else the URL's, else a new one."""
    note = None
    token = st.session_state.get(_TOKEN_KEY)
    if token is None:
        value, _ = url_state.text(TOKEN_PARAM, max_length=64)
        if valid_token(value):
            token = value
        else:
            if value:
                note = url_state.message(
                    TOKEN_PARAM, [value], "n'est pas un identifiant de participant", "un nouvel identifiant est utilisé"
                )
            token = new_token()
        st.session_state[_TOKEN_KEY] = token
    url_state.sync({TOKEN_PARAM: token})
    return token, note


def participant_page(programme: Programme) -> None:
    """The whole participant page (phone first)."""
    style(CSS_FILE)
    code, note = room_code()
    url_state.warn([note])
    if code is None:
        st.title("Participer à l'atelier", anchor=False)
        st.markdown("Tapez le code de la salle affiché à l'écran, ou scannez son QR code.")
        _join_form("salle_rejoindre")
        st.caption(KEPT_TEXT)
        return
    store = rooms()
    client, session = visitor()
    try:
        room = store.joinable(code, client=client, session=session)
    except RoomError as exc:
        st.title("Salle indisponible", anchor=False)
        st.error(escape_markdown(str(exc)))
        st.markdown("Un autre code ?")
        url_state.sync({TOKEN_PARAM: None})
        _join_form("salle_autre_code")
        return
    url_state.sync({ROOM_PARAM: room.code})
    token, token_note = _token()
    url_state.warn([token_note])
    st.title(f"Atelier — salle {room.code}", anchor=False)
    st.session_state[_SEEN_KEY] = (room.code, room.question, room.question_open, room.round)
    _watch(room.code)
    territory = _territory_choice(programme, store, room, token)
    st.header(
        f"Question {room.question} sur {len(QUESTIONS)} : {live_room.question_title(room.question)}", anchor=False
    )
    mine = store.participant_answer(room, token)
    if not room.question_open:
        st.info("Cette question est close : l'animateur va passer à la suite. Votre réponse est gardée.")
        _show_answer(programme, mine)
    elif territory is not None:
        _answer_form(programme, store, room, token, territory, mine)
    feedback = st.session_state.pop(_FEEDBACK_KEY, None)
    if feedback:  # under the button just pressed
        st.success(feedback)
    if mine is not None and room.question_open:
        _show_answer(programme, mine)
    st.caption(KEPT_TEXT)


@shared(max_entries=64)
def _room_at(key: str, code: str, second: int) -> Room:
    """The room as read once per process and second (``key``: the store's): what the phones' watch compares with."""
    return rooms().get(code)


def _unchanged(room: Room) -> bool:
    seen = (room.code, room.question, room.question_open, room.round)
    return st.session_state.get(_SEEN_KEY) == seen and room.is_open(rooms().now())


@st.fragment(run_every=PARTICIPANT_EVERY)
def _watch(code: str) -> None:
    """Every few seconds: has the facilitator moved on (new question, closed)? Then the page redraws.

    The phones of a process share one reading of the room per second (300 phones polling every
    5 s made 60 database transactions a second, each waiting for the busy process: issue 25);
    a change seen there is confirmed on the database before the page redraws.
    """
    try:
        if _unchanged(_room_at(data._store_key(), code, int(time.monotonic()))):
            return
        room = rooms().get(code)
    except RoomError:
        return
    if not _unchanged(room):
        st.rerun(scope="app")


@shared(max_entries=4)
def _territory_options(programme: Programme) -> dict[str, str]:
    """The territory selector's options, once per programme version and process (each of a
    phone's page runs rebuilt them row by row: 25 ms of its 70 ms, issue 25)."""
    return live_room.territory_options(programme)


def _territory_choice(programme: Programme, store: RoomStore, room: Room, token: str) -> live_room.Territory | None:
    options = _territory_options(programme)
    choices = [*options, OTHER]
    if _TERRITORY_KEY not in st.session_state:  # back after a reload: the territory already answered for
        known = store.last_territory(room, token)
        if known is not None:
            st.session_state[_TERRITORY_KEY] = known.code or OTHER
            if known.code is None:
                st.session_state[_SEGMENT_KEY] = known.segment
                st.session_state[_NAME_KEY] = known.name
    choice = st.selectbox(
        "Votre territoire (tapez son nom ou son code)",
        choices,
        format_func=lambda c: "Autre territoire (hors programme)" if c == OTHER else options[c],
        index=None,
        placeholder="Choisir votre territoire…",
        key=_TERRITORY_KEY,
    )
    segment, name = None, ""
    if choice == OTHER:
        segments = live_room.segment_options(programme)
        segment = st.radio(
            "Taille de votre territoire (habitants)",
            list(segments),
            format_func=segments.__getitem__,
            index=None,
            key=_SEGMENT_KEY,
        )
        name = st.text_input(
            "Nom de votre territoire (facultatif)",
            max_chars=store.limits.name_length,
            key=_NAME_KEY,
            help=f"{fr_int(store.limits.name_length)} caractères au plus.",
        )
    if choice is None:
        st.info("Choisissez d'abord votre territoire : la question s'affiche ensuite.")
        return None
    try:
        return live_room.participant_territory(programme, choice, segment=segment, name=name or "")
    except RoomError as exc:
        st.info(escape_markdown(str(exc)))
        return None


def _answer_form(programme: Programme, store: RoomStore, room: Room, token: str, territory, mine) -> None:
    definition = programme.definition
    with st.form(f"salle_reponse_{room.question}"):
        if room.question == LEVELS:
            levels = live_room.level_options(programme)
            chosen = {}
            for lever in definition.levers:
                previous = (mine.levels or {}).get(lever.id) if mine else None
                chosen[lever.id] = st.radio(
                    f"{lever.id} – {lever.label}",
                    list(levels),
                    format_func=levels.__getitem__,
                    index=list(levels).index(previous) if previous in levels else None,
                    key=f"salle_niveau_{lever.id}",
                )
                st.caption(escape_markdown(lever.description))
        else:
            labels = {lv.id: f"{lv.id} – {lv.label}" for lv in definition.levers}
            previous = mine.priority if mine else None
            priority = st.radio(
                "Le levier que vous voulez renforcer en priorité",
                list(labels),
                format_func=labels.__getitem__,
                index=list(labels).index(previous) if previous in labels else None,
                key="salle_priorite",
                captions=[lv.description for lv in definition.levers],
            )
        label = "Modifier ma réponse" if mine else "Envoyer ma réponse"
        sent = st.form_submit_button(label, type="primary", use_container_width=True)
    if not sent:
        return
    client, session = visitor()
    try:
        given: dict[str, Any]  # the answer to the room's question: levels, or a priority
        if room.question == LEVELS:
            given = {"levels": live_room.checked_levels(programme, chosen)}
        else:
            given = {"priority": live_room.checked_priority(programme, priority)}
        answer = store.answer(
            room.code, token, territory, question=room.question, client=client, session=session, **given
        )
    except RoomError as exc:
        st.error(escape_markdown(str(exc)))
        return
    verb = "modifiée" if answer.changes > 1 else "enregistrée"
    st.session_state[_FEEDBACK_KEY] = (
        f"Réponse {verb} à {local(answer.updated_at)}. Vous pouvez la modifier tant que la question est ouverte."
    )
    st.rerun()


def _show_answer(programme: Programme, answer) -> None:
    if answer is None:
        return
    definition = programme.definition
    where = escape_markdown(answer.territory.name or "autre territoire", limit=80)
    if answer.levels:
        what = " ; ".join(f"{lv.label} : {definition.level_label(answer.levels[lv.id])}" for lv in definition.levers)
    else:
        what = f"à renforcer en priorité : {definition.lever(answer.priority).label}"
    st.caption(f"Votre réponse actuelle ({where}, {local(answer.updated_at)}) — {escape_markdown(what)}")
