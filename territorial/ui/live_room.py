"""Live workshop room: the participant's form (``/participer``) and the facilitator's projector (``/salle``).

Rooms and answers live in the programme's database (:mod:`territorial.storage.rooms`), so that
several server processes serve the same room. Opening, closing and driving a room need the
editor role (the facilitator logs in once on the projecting laptop); showing the results does not.
The participant's token is carried in the page's address (``?jeton=``, through
:mod:`territorial.ui.url_state`): a reload or a copied tab keeps it, so it never counts twice.
"""

from __future__ import annotations

import base64
import dataclasses
import fcntl
import io
import os
import socket
import struct
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import folium
import pandas as pd
import segno
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from territorial.content import live_room
from territorial.content.live_room import (
    KEPT_TEXT,
    OTHER,
    ROOM_PARAM,
    Address,
    RoomResults,
    participation_address,
    participation_url,
)
from territorial.core.fmt import escape_html, escape_markdown, fr_int, plural
from territorial.core.memo import shared
from territorial.model.programme import Programme
from territorial.storage.rooms import (
    LEVELS,
    QUESTIONS,
    Burst,
    Room,
    RoomError,
    RoomStore,
    new_token,
    normalise_code,
    valid_token,
)
from territorial.storage.store import StoreError
from territorial.takeaways import room_exports
from territorial.ui import data, editor_role, room_proposal, url_state
from territorial.ui.layout import show_map
from territorial.ui.published import base_path

TOKEN_PARAM = "jeton"
PUBLIC_URL_ENV, PUBLIC_URL_SECRET = "TERRITORIAL_PUBLIC_URL", "public_url"
#: Seconds between two refreshes of the projector, and of a participant's page (new question?).
PROJECTOR_EVERY, PARTICIPANT_EVERY = 1.5, 5.0
MAP_HEIGHT = 560
PARIS = ZoneInfo("Europe/Paris")
_TOKEN_KEY, _TERRITORY_KEY, _SEGMENT_KEY, _NAME_KEY = "salle_jeton", "salle_territoire", "salle_taille", "salle_nom"
_SEEN_KEY, _FEEDBACK_KEY, _RESET_KEY = "salle_vu", "salle_retour", "salle_confirmer_rz"


# --------------------------------------------------------------------------- shared


@shared()
def _rooms(key: str) -> RoomStore:
    return RoomStore(data.store().engine)


def rooms() -> RoomStore:
    """The rooms of the programme's database (one object per process and database)."""
    try:
        return _rooms(data._store_key())
    except (RoomError, StoreError) as exc:
        st.error(str(exc))
        st.stop()


def visitor() -> tuple[str, str]:
    """This visitor's network (client address, see :func:`editor_role.client`) and browser session id."""
    ctx = get_script_run_ctx()
    return editor_role.client(), (ctx.session_id if ctx is not None else "")


def local(when: datetime) -> str:
    """« 14 h 32 min 05 s » in Paris time."""
    return when.astimezone(PARIS).strftime("%H h %M min %S s")


def _room_code() -> tuple[str | None, str | None]:
    """The room code of the URL (normalised), or None, with a French message when unusable."""
    value, _ = url_state.text(ROOM_PARAM, max_length=1_000_000)  # any length: one message, quoted and cut
    if not value.strip():
        return None, None
    code = normalise_code(value)
    if code is None:
        return None, url_state.message(
            ROOM_PARAM, [value], "n'est pas un code de salle (6 lettres et chiffres)", "elle a été ignorée"
        )
    return code, None


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


# --------------------------------------------------------------------------- participant


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
    st.html(f"<style>{BUTTON_CSS}{PARTICIPANT_CSS}</style>")
    code, note = _room_code()
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
    """The room as read once per process and second: what the phones' watch compares with."""
    return _rooms(key).get(code)


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
def _territory_options(_programme: Programme, fingerprint: int) -> dict[str, str]:
    """The territory selector's options, once per programme version and process (each of a
    phone's page runs rebuilt them row by row: 25 ms of its 70 ms, issue 25)."""
    return live_room.territory_options(_programme)


def _territory_choice(programme: Programme, store: RoomStore, room: Room, token: str) -> live_room.Territory | None:
    options = _territory_options(programme, programme.fingerprint)
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


# --------------------------------------------------------------------------- facilitator and projector


def _lan_ip() -> str | None:
    """This machine's address on a local network (not loopback), or None."""
    for target in ("10.254.254.254", "172.31.254.254", "192.168.254.254"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.connect((target, 9))  # no packet is sent: only the route is looked up
                ip = sock.getsockname()[0]
        except OSError:
            continue
        if not ip.startswith("127."):
            return ip
    try:  # no route at all (a hotspot without internet): the first interface with an address
        for _, name in socket.if_nameindex():
            if name == "lo":
                continue
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                packed = struct.pack("256s", name[:15].encode())
                try:
                    ip = socket.inet_ntoa(fcntl.ioctl(sock.fileno(), 0x8915, packed)[20:24])  # SIOCGIFADDR
                except OSError:
                    continue
                if not ip.startswith("127."):
                    return ip
    except OSError:
        pass
    return None


def address(*, lan: bool = True) -> Address:
    """Where phones reach this dashboard (see :func:`live_room.participation_address`); without
    ``lan``, the address this browser used rather than the machine's address on the local network."""
    configured = os.environ.get(PUBLIC_URL_ENV, "").strip() or data.secret(PUBLIC_URL_SECRET)
    forwarded = st.context.headers.get("X-Forwarded-Proto")
    found = participation_address(
        configured=configured,
        host=st.context.headers.get("Host"),
        lan_ip=_lan_ip() if lan else None,
        port=int(st.get_option("server.port")),
        scheme="https" if forwarded == "https" else "http",
    )
    # Published under a path (behind nginx, /territoires/): the pages are there too. A configured
    # public address already says where the dashboard is.
    return found if configured else dataclasses.replace(found, base=found.base + base_path())


@st.cache_data(show_spinner=False, max_entries=32)
def qr_png(url: str) -> bytes:
    """The QR code of ``url``, as a PNG made here (segno, no network)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=2, dark="#000000", light="#ffffff")
    return buffer.getvalue()


def facilitator_page(programme: Programme) -> None:
    """``/salle``: open a room (editor), the rooms kept as dated records, or one room's projector."""
    st.html(f"<style>{BUTTON_CSS}</style>")
    code, note = _room_code()
    url_state.warn([note])
    if code is not None:
        projector(programme, code)
        return
    st.title("Atelier — faire répondre la salle", anchor=False)
    st.markdown(
        "Les participants répondent depuis leur téléphone (sans compte) ; l'écran projeté montre les "
        "réponses en direct, sur la carte et face aux chiffres du programme."
    )
    store = rooms()
    if editor_role.password_hash() is None or not editor_role.is_editor():
        st.markdown("**Ouvrir une salle est réservé à l'animateur** (rôle d'éditeur) :")
    if not editor_role.editor_gate():
        # Room codes are given by the facilitator, never listed: without the role, no record, no export.
        st.markdown("Participant ? Ouvrez l'adresse ou le QR code affichés à l'écran de l'atelier.")
        return
    if st.button("Ouvrir une salle", type="primary", key="salle_ouvrir"):
        try:
            room = store.open_room(opened_by="animateur", programme_version=data.current_version_id())
        except RoomError as exc:
            st.error(escape_markdown(str(exc)))
        else:
            url_state.sync({ROOM_PARAM: room.code})
            st.rerun()
    records(programme, store)


def records(programme: Programme, store: RoomStore) -> None:
    """Every room as a dated record: status, answers, participants, link, exports."""
    kept = store.rooms()
    st.header("Salles des ateliers", anchor=False)
    if not kept:
        st.caption("Aucune salle n'a encore été ouverte.")
        return
    counts, now = store.counts(), store.now()
    for room in kept:
        answers, people = counts.get(room.id, (0, 0))
        with st.container(border=True):
            left, right = st.columns([3, 2], vertical_alignment="center")
            left.markdown(
                f"**Salle {room.code}** — ouverte le {room.created_at.astimezone(PARIS):%d/%m/%Y à %H h %M}, "
                f"{room.status(now)} — {plural(answers, 'réponse')}, {plural(people, 'participant')}"
            )
            left.page_link("pages/salle.py", label=f"Voir la salle {room.code}", query_params={ROOM_PARAM: room.code})
            with right:
                export_buttons(programme, store, room)


def export_buttons(programme: Programme, store: RoomStore, room: Room) -> None:
    definition = programme.definition
    csv, xlsx = st.columns(2)
    csv.download_button(
        "Réponses (CSV)",
        data=lambda: room_exports.to_csv(definition, room, store.answers(room, current_round=False)),
        file_name=room_exports.filename(room, "csv"),
        mime="text/csv",
        on_click="ignore",
        key=f"salle_csv_{room.code}",
    )
    xlsx.download_button(
        "Réponses (XLSX)",
        data=lambda: room_exports.to_xlsx(definition, room, store.answers(room, current_round=False)),
        file_name=room_exports.filename(room, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key=f"salle_xlsx_{room.code}",
    )


def projector(programme: Programme, code: str) -> None:
    """One room on the projector: code, QR code, controls (facilitator), live results."""
    st.html(f"<style>{PROJECTOR_CSS}</style>")
    store = rooms()
    editor = bool(editor_role.password_hash()) and editor_role.is_editor()
    client, session = visitor()
    try:
        room = store.get(code) if editor else store.lookup(code, client=client, session=session)
    except RoomError as exc:
        st.title("Salle introuvable", anchor=False)
        st.error(escape_markdown(str(exc)))
        st.page_link("pages/salle.py", label="Toutes les salles", query_params={})
        return
    now = store.now()
    where = address()
    url = participation_url(where, room.code)
    qr, join = st.columns([1, 5], vertical_alignment="center")
    with qr:
        picture = base64.b64encode(qr_png(url)).decode("ascii")
        st.html(
            f'<img class="salle-qr" src="data:image/png;base64,{picture}" width="190" height="190" '
            f'alt="QR code de l\'adresse de participation : {escape_html(url)}">'
        )
    with join:
        st.html(
            f'<p class="salle-code">Salle <strong>{escape_html(room.code)}</strong></p>'
            f'<p class="salle-lien">Sur votre téléphone : <strong>{escape_html(url)}</strong></p>'
        )
        st.caption(escape_markdown(f"Adresse : {where.source}."))
        if not where.reachable:
            st.warning(escape_markdown(where.source[0].upper() + where.source[1:] + "."))
    if editor:
        controls(store, room)
    else:
        with st.expander("Commandes de l'animateur (rôle d'éditeur)"):
            editor_role.editor_gate()
    if not room.is_open(now):
        st.info(f"Salle {room.status(now)} : les réponses ne sont plus acceptées. Ses résultats restent ici.")
        if editor:  # the answers' exports are the facilitator's
            export_buttons(programme, store, room)
        if room.closed_at is not None and editor:
            room_proposal.proposal_section(programme, store, room)
    live(programme, room.code)


def _act(action, *args) -> None:
    """Callback of a control: run it, keep its French refusal for the next run."""
    try:
        action(*args)
    except RoomError as exc:
        st.session_state["salle_erreur"] = str(exc)


def _reset(store: RoomStore, code: str) -> None:
    if st.session_state.get(_RESET_KEY) == code:
        st.session_state.pop(_RESET_KEY, None)
        _act(store.reset, code)
    else:
        st.session_state[_RESET_KEY] = code


def controls(store: RoomStore, room: Room) -> None:
    """The facilitator's buttons, each with a keyboard shortcut."""
    is_open = room.is_open(store.now())
    cells = st.columns(6)
    cells[0].button(
        "◀ Précédente",
        key="salle_precedente",
        on_click=_act,
        args=(store.previous_question, room.code),
        disabled=not is_open or room.question == QUESTIONS[0],
        shortcut="PageUp",
        use_container_width=True,
    )
    cells[1].button(
        "Clore la question" if room.question_open else "Rouvrir la question",
        key="salle_clore",
        on_click=_act,
        args=(store.set_question_open, room.code, not room.question_open),
        disabled=not is_open,
        shortcut="f",
        use_container_width=True,
    )
    cells[2].button(
        "Suivante ▶",
        key="salle_suivante",
        on_click=_act,
        args=(store.next_question, room.code),
        disabled=not is_open or room.last_question,
        shortcut="PageDown",
        use_container_width=True,
    )
    cells[3].button(
        "Masquer les résultats" if room.results_visible else "Afficher les résultats",
        key="salle_masquer",
        on_click=_act,
        args=(store.set_results_visible, room.code, not room.results_visible),
        shortcut="m",
        use_container_width=True,
    )
    armed = st.session_state.get(_RESET_KEY) == room.code
    cells[4].button(
        "Confirmer la remise à zéro" if armed else "Remettre à zéro",
        key="salle_zero",
        on_click=_reset,
        args=(store, room.code),
        disabled=not is_open,
        shortcut="z",
        use_container_width=True,
        help="Les compteurs repartent de zéro (une nouvelle manche) ; les réponses d'avant restent dans l'export.",
    )
    cells[5].button(
        "Fermer la salle",
        key="salle_fermer",
        on_click=_act,
        args=(store.close_room, room.code),
        disabled=room.closed_at is not None,
        use_container_width=True,
    )
    if armed:
        st.warning("Appuyez encore sur « Remettre à zéro » (touche Z) pour confirmer : les compteurs repartiront de 0.")
    error = st.session_state.pop("salle_erreur", None)
    if error:
        st.error(escape_markdown(error))
    bursts(store, room)


def _burst_text(burst: Burst) -> str:
    return (
        f"{plural(len(burst.participants), 'nouveau participant', 'nouveaux participants')} depuis un même réseau "
        f"(réseau n° {burst.network}) dans la minute de {burst.minute.astimezone(PARIS):%H h %M}"
    )


def bursts(store: RoomStore, room: Room) -> None:
    """Arrivals en masse from one network: the facilitator may take them out of the round."""
    found = store.bursts(room)
    if not found:
        return
    with st.expander(f"Arrivées groupées : {plural(len(found), 'groupe')} à vérifier", expanded=True):
        st.caption(
            "Un même réseau (le Wi-Fi de la salle, par exemple) peut légitimement amener beaucoup de participants. "
            "Retirez un groupe seulement s'il ne correspond à personne dans la salle : ses réponses de cette "
            "manche sont effacées et ses places libérées."
        )
        for i, burst in enumerate(found[:5]):
            text, button = st.columns([3, 1], vertical_alignment="center")
            text.markdown(_burst_text(burst))
            button.button(
                f"Retirer ces {fr_int(len(burst.participants))}",
                key=f"salle_retirer_{i}",
                on_click=_act,
                args=(store.remove_participants, room.code, burst.participants),
                use_container_width=True,
            )


@shared(max_entries=16)
def _room_map(_programme: Programme, fingerprint: int, codes: tuple[str, ...], height: int) -> folium.Map:
    return live_room.room_map(_programme, pd.Series(1, index=list(codes)), outlines=data.base_outlines(), height=height)


@st.fragment(run_every=PROJECTOR_EVERY)
def live(programme: Programme, code: str) -> None:
    """The results, redrawn every :data:`PROJECTOR_EVERY` s without reloading the page."""
    try:
        room, answers = rooms().snapshot(code)
    except RoomError as exc:
        st.error(escape_markdown(str(exc)))
        return
    results = live_room.room_results(programme, answers, room.question)
    status = "ouverte" if room.question_open and room.is_open(rooms().now()) else "close"
    head, count = st.columns([3, 1], vertical_alignment="center")
    head.header(
        f"Question {room.question} sur {len(QUESTIONS)} ({status}) : {live_room.question_title(room.question)}",
        anchor=False,
    )
    with count, st.container(key="salle_compte"):
        st.metric("Réponses", fr_int(results.n_answers))
    if not room.results_visible:
        st.info("Résultats masqués par l'animateur : les réponses continuent d'arriver.")
        return
    text, picture = st.columns([1, 1], gap="large")
    with text:
        if room.question == LEVELS:
            st.html(levels_table(programme, results))
        else:
            st.html(priority_table(programme, results))
        st.caption(escape_markdown(live_room.results_sentence(programme, results)))
    with picture, st.container(key="salle_carte"):
        codes = tuple(sorted(results.answered.index))
        show_map(
            _room_map(programme, programme.fingerprint, codes, MAP_HEIGHT),
            title="Carte des territoires de la salle",
            height=MAP_HEIGHT,
        )
        st.caption(escape_markdown(live_room.map_caption(programme, results)))


def _bar(count: int, total: int) -> str:
    width = 0 if not total else round(100 * count / total)
    return f'<span class="salle-barre" style="width:{width}%"></span>'


def levels_table(programme: Programme, results: RoomResults) -> str:
    """Each lever: how many answers at each level (bars), and the room against the programme."""
    definition = programme.definition
    head = "".join(f'<th scope="col">{escape_html(lv.label)}</th>' for lv in definition.levels)
    rows = []
    for lever in definition.levers:
        counts = results.distribution.loc[lever.id]
        total = int(counts.sum())
        cells = "".join(
            f"<td>{_bar(int(counts[lv.value]), total)}<span>{fr_int(int(counts[lv.value]))}</span></td>"
            for lv in definition.levels
        )
        compare = escape_html(live_room.comparison_sentence(programme, results, lever.id))
        rows.append(f'<tr><th scope="row">{escape_html(lever.label)}<br><small>{compare}</small></th>{cells}</tr>')
    return (
        '<table class="salle-table"><caption>Réponses par levier et par niveau d\'activation ; niveau moyen '
        f"(0 à {definition.max_level}) de la salle et des territoires du programme des mêmes segments</caption>"
        f'<thead><tr><th scope="col">Levier</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def priority_table(programme: Programme, results: RoomResults) -> str:
    total = int(results.priorities.sum())
    counts = {lv.id: int(results.priorities[lv.id]) for lv in programme.definition.levers}
    rows = "".join(
        f'<tr><th scope="row">{escape_html(lv.label)}</th>'
        f"<td>{_bar(counts[lv.id], total)}<span>{fr_int(counts[lv.id])}</span></td></tr>"
        for lv in programme.definition.levers
    )
    return (
        '<table class="salle-table"><caption>Levier à renforcer en priorité</caption>'
        f'<thead><tr><th scope="col">Levier</th><th scope="col">Réponses</th></tr></thead><tbody>{rows}</tbody></table>'
    )


#: A primary button's text keeps the button's own colour (the projection style blackens paragraphs).
BUTTON_CSS = """
[data-testid^="stBaseButton-primary"] p { color: inherit !important; }
"""
#: Constant CSS of the participant page: large targets for a thumb (≥ 48 px), large type.
PARTICIPANT_CSS = """
[data-testid="stMain"] [data-testid="stRadio"] label { min-height: 48px; align-items: center; padding: 4px 0; }
[data-testid="stMain"] [data-testid="stRadio"] label p { font-size: 19px; }
[data-testid="stMain"] [data-testid="stWidgetLabel"] p { font-size: 19px; font-weight: 600; }
[data-testid="stMain"] h1 { font-size: 34px; }
[data-testid="stMain"] h3 { font-size: 24px; }
[data-testid="stMain"] button { min-height: 52px; }
[data-testid="stMain"] button p { font-size: 20px; }
[data-testid="stSelectbox"] [role="group"], [data-testid="stTextInput"] input { min-height: 52px; font-size: 19px; }
"""

#: Constant CSS of the projector (never data).
PROJECTOR_CSS = """
.salle-qr { image-rendering: pixelated; display: block; }
.salle-code { font-size: 40px; margin: 0; line-height: 1.1; }
.salle-code strong { letter-spacing: 0.12em; font-size: 56px; }
.salle-lien { font-size: 26px; margin: 0.3rem 0; word-break: break-all; }
.salle-table { border-collapse: collapse; width: 100%; font-size: 22px; }
.salle-table caption { text-align: left; font-weight: 700; font-size: 24px; padding-bottom: 6px; }
.salle-table th, .salle-table td { border-bottom: 1px solid var(--filet); padding: 5px 6px; text-align: left;
  vertical-align: middle; }
.salle-table th small { font-weight: 400; font-size: 17px; color: var(--texte); }
.salle-table td { min-width: 90px; }
.salle-table td span:last-child { font-weight: 700; margin-left: 6px; }
.salle-barre { display: inline-block; height: 18px; background: var(--lien); vertical-align: middle; max-width: 70%; }
.st-key-salle_compte [data-testid="stMetricValue"] div { font-size: 72px !important; }
"""
