"""From a closed workshop room to proposed dialogues: an editor reviews the levels the room
gave each territory (the median of its answers), then saves them as a new version."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from territorial.content.live_room import proposed_assessments
from territorial.core.fmt import fr_date, plural
from territorial.editing import changes
from territorial.model.problems import ProgrammeFileError
from territorial.model.programme import Programme
from territorial.model.vocabulary import DIALOGUE_DATE
from territorial.storage.rooms import Room, RoomStore
from territorial.ui import data
from territorial.ui.editor import author_fields, save, show_diff, show_problems

STAGE = "Atelier"
#: This session's saved proposals: room code -> (version id, dialogues saved).
_SAVED = "salle_propositions_enregistrees"


def _notes(room: Room) -> str:
    return f"Positionnement des participants en atelier (salle {room.code})."


def _already_saved(table: pd.DataFrame, proposal: pd.DataFrame, room: Room) -> bool:
    """Whether every proposed dialogue is already in ``table`` (saved from this room, same day)."""
    mine = table[table["notes"] == _notes(room)]  # the notes name the room
    saved = set(zip(mine["code"], mine[DIALOGUE_DATE].astype(str).str[:10], strict=True))
    return all((code, day) in saved for code, day in zip(proposal["code"], proposal["room_date"], strict=True))


def _drawn(count: int) -> str:
    return "tirés" if count > 1 else "tiré"


def _saved_notice(text: str) -> None:
    """What was saved, and where to see it (a saved proposal is never checked again)."""
    st.success(text)
    st.page_link("pages/historique.py", label="Voir l'historique des versions")


def proposal_section(programme: Programme, store: RoomStore, room: Room) -> None:
    """The proposal of a closed room, its differences with the current version, and the confirmation."""
    proposal = proposed_assessments(programme, room, store.answers(room, current_round=False))
    day = str(proposal["room_date"].iloc[0]) if len(proposal) else ""
    saved = st.session_state.get(_SAVED, {}).get(room.code)
    if saved is not None:
        version, count = saved
        _saved_notice(
            f"Version {version} enregistrée : {plural(count, 'dialogue')} du {fr_date(day)} (étape « {STAGE} »), "
            f"{_drawn(count)} des réponses de la salle."
        )
        return
    current = data.version(data.current_version_id())
    if len(proposal) and _already_saved(current.table.territories, proposal, room):
        _saved_notice(
            f"Déjà enregistré : la version en vigueur ({current.id}) contient {plural(len(proposal), 'dialogue')} "
            f"du {fr_date(day)} {_drawn(len(proposal))} des réponses de cette salle."
        )
        return
    with st.expander("Proposer des dialogues à partir des réponses de la salle"):
        if proposal.empty:
            st.caption("Aucun territoire du programme n'a répondu à la question des niveaux.")
            return
        st.caption(
            f"Une ligne par territoire du programme qui a répondu : pour chaque levier, le niveau médian de "
            f"ses réponses. Relisez-les : enregistrées, elles deviennent un dialogue du {fr_date(day)} "
            f"(étape « {STAGE} ») de chacun de ces territoires, dans une nouvelle version."
        )
        definition = programme.definition
        shown = pd.DataFrame(
            {
                "Territoire": proposal["code"].map(programme.territories["nom"]),
                "Code": proposal["code"],
                **{f"{lv.id} – {lv.label}": proposal[lv.id].map(definition.level_label) for lv in definition.levers},
                "Réponses": proposal["n_answers"],
            }
        )
        st.dataframe(shown, hide_index=True, width="stretch")
        try:
            table = changes.with_dialogues(
                current.table,
                proposal.rename(columns={"room_date": "date"}),
                definition=definition,
                reference=data.reference(),
                stage=STAGE,
                notes=_notes(room),
            )
        except ProgrammeFileError as exc:
            show_problems(exc, what="Proposition", feminine=True)
            return
        show_diff(current.table, table, title=f"Par rapport à la version en vigueur ({current.id})")
        with st.form(f"salle_proposition_{room.code}"):
            author, comment = author_fields(f"salle_proposition_{room.code}")
            confirmed = st.form_submit_button(
                f"Enregistrer comme nouvelle version ({plural(len(proposal), 'dialogue')})", type="primary"
            )
        if confirmed:
            count = len(proposal)

            def remember(saved) -> None:
                st.session_state.setdefault(_SAVED, {})[room.code] = (saved.id, count)

            text = comment.strip() or f"Dialogues de l'atelier du {fr_date(day)} (salle {room.code})"
            save(
                lambda: data.store().save(
                    table, author=author, comment=text, kind="edition", expected_parent=current.id
                ),
                on_conflict=lambda _exc: st.info(
                    "Une autre version a été enregistrée entre-temps : relisez la proposition et confirmez de nouveau."
                ),
                on_success=remember,
            )
