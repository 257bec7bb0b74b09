"""From a closed workshop room to proposed dialogues: an editor reviews the levels the room
gave each territory (the median of its answers), then saves them as a new version."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from territorial.content.live_room import proposed_assessments
from territorial.core.fmt import fr_date, plural
from territorial.model.problems import ProgrammeFileError
from territorial.model.programme import Programme
from territorial.storage import editing
from territorial.storage.rooms import Room, RoomStore
from territorial.ui import data
from territorial.ui.editor import author_fields, save, show_diff, show_problems

STAGE = "Atelier"


def proposal_section(programme: Programme, store: RoomStore, room: Room) -> None:
    """The proposal of a closed room, its differences with the current version, and the confirmation."""
    with st.expander("Proposer des dialogues à partir des réponses de la salle"):
        proposal = proposed_assessments(programme, room, store.answers(room, current_round=False))
        if proposal.empty:
            st.caption("Aucun territoire du programme n'a répondu à la question des niveaux.")
            return
        day = str(proposal["room_date"].iloc[0])
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
        current = data.version(data.current_version_id())
        try:
            table = editing.with_dialogues(
                current.table,
                proposal.rename(columns={"room_date": "date"}),
                definition=definition,
                reference=data.reference(),
                stage=STAGE,
                notes=f"Positionnement des participants en atelier (salle {room.code}).",
            )
        except ProgrammeFileError as exc:
            show_problems(exc, what="Proposition")
            return
        show_diff(current.table, table, title=f"Par rapport à la version en vigueur ({current.id})")
        with st.form(f"salle_proposition_{room.code}"):
            author, comment = author_fields(f"salle_proposition_{room.code}")
            confirmed = st.form_submit_button(
                f"Enregistrer comme nouvelle version ({plural(len(proposal), 'dialogue')})", type="primary"
            )
        if confirmed:
            text = comment.strip() or f"Dialogues de l'atelier du {fr_date(day)} (salle {room.code})"
            save(
                lambda: data.store().save(
                    table, author=author, comment=text, kind="edition", expected_parent=current.id
                ),
                on_conflict=lambda _exc: st.info(
                    "Une autre version a été enregistrée entre-temps : relisez la proposition et confirmez de nouveau."
                ),
            )
