"""Live workshop room, the facilitator's page (``/salle``): open a room, the rooms kept as
dated records, and one room's projector (code, QR code, controls, live results).

Opening, closing and driving a room need the editor role (the facilitator logs in once on the
projecting laptop); showing the results does not. Shared with the participant's page:
:mod:`territorial.ui.live_room`.
"""

from __future__ import annotations

import base64

import folium
import pandas as pd
import streamlit as st

from territorial.content import live_room
from territorial.content.live_room import ROOM_PARAM, participation_url
from territorial.core.fmt import escape_html, escape_markdown, fr_int, plural
from territorial.core.memo import shared
from territorial.core.paths import ASSETS_DIR
from territorial.model.programme import Programme
from territorial.storage.rooms import LEVELS, QUESTIONS, Burst, Room, RoomError, RoomStore
from territorial.takeaways import room_exports
from territorial.ui import data, editor_role, room_proposal, url_state
from territorial.ui.layout import show_map
from territorial.ui.live_room import PARIS, address, qr_png, room_code, rooms, style, visitor

#: Seconds between two refreshes of the projector.
PROJECTOR_EVERY = 1.5
MAP_HEIGHT = 560
#: Constant CSS of the facilitator's page and its projector (never data).
CSS_FILE = ASSETS_DIR / "salle.css"
_RESET_KEY = "salle_confirmer_rz"


def facilitator_page(programme: Programme) -> None:
    """``/salle``: open a room (editor), the rooms kept as dated records, or one room's projector."""
    style(CSS_FILE)
    code, note = room_code()
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
def _room_map(programme: Programme, codes: tuple[str, ...], height: int) -> folium.Map:
    return live_room.room_map(programme, pd.Series(1, index=list(codes)), outlines=data.base_outlines(), height=height)


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
            st.html(live_room.levels_table(programme, results))
        else:
            st.html(live_room.priority_table(programme, results))
        st.caption(escape_markdown(live_room.results_sentence(programme, results)))
    with picture, st.container(key="salle_carte"):
        codes = tuple(sorted(results.answered.index))
        show_map(
            _room_map(programme, codes, MAP_HEIGHT),
            title="Carte des territoires de la salle",
            height=MAP_HEIGHT,
        )
        st.caption(escape_markdown(live_room.map_caption(programme, results)))
