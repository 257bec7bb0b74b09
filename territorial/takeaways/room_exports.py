"""Export of a live workshop room's answers: one row per answer, timestamped (CSV, XLSX).

Written through :mod:`territorial.takeaways.exports` (formulas neutralised in CSV, text cells in
XLSX): a name typed by a participant (« =HYPERLINK(…) ») never runs in a spreadsheet. The
participants' tokens are not exported: each participant is « P1 », « P2 »… in the order of
their first answer.
"""

from __future__ import annotations

import pandas as pd

from territorial.content.live_room import question_title
from territorial.core.clock import in_paris, paris_day
from territorial.model.definition import ProgrammeDefinition
from territorial.storage.rooms import LEVELS, OTHER, Room
from territorial.takeaways import exports


def _when(value) -> str:
    """Paris time with its offset, sortable: « 2026-12-07 00:30:00+01:00 »."""
    return in_paris(value).isoformat(sep=" ", timespec="seconds")


def answers_frame(definition: ProgrammeDefinition, room: Room, answers: pd.DataFrame) -> pd.DataFrame:
    """Every answer of the room (all questions and rounds), French headers, oldest first."""
    segments = {s.id: s.label for s in definition.segments}
    levers = {lv.id: lv.label for lv in definition.levers}
    order = answers.sort_values(["first_at"], kind="stable")
    numbers = {p: f"P{i}" for i, p in enumerate(dict.fromkeys(order["participant"]), 1)}
    rows = []
    for answer in order.itertuples(index=False):
        levels = answer.levels or {}
        rows.append(
            {
                "Salle": room.code,
                "Ouverte le": _when(room.created_at),
                "Manche": int(answer.round),
                "Question": question_title(int(answer.question)),
                "Participant": numbers[answer.participant],
                "Code du territoire": answer.territory_code or "",
                "Type": "autre territoire" if answer.territory_type == OTHER else answer.territory_type,
                "Territoire": answer.territory_name,
                "Segment": segments.get(answer.segment, answer.segment),
                **{
                    f"{lid} – {label}": levels.get(lid, "") if answer.question == LEVELS else ""
                    for lid, label in levers.items()
                },
                "Levier prioritaire": levers.get(answer.priority, "") if answer.priority else "",
                "Première réponse": _when(answer.first_at),
                "Dernière modification": _when(answer.updated_at),
                "Modifications": int(answer.changes) - 1,
            }
        )
    columns = [
        "Salle", "Ouverte le", "Manche", "Question", "Participant", "Code du territoire", "Type", "Territoire",
        "Segment", *[f"{lid} – {label}" for lid, label in levers.items()], "Levier prioritaire",
        "Première réponse", "Dernière modification", "Modifications",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def room_meta(room: Room) -> dict[str, str]:
    return {
        "salle": room.code,
        "ouverte": _when(room.created_at),
        "fermee": _when(room.closed_at) if room.closed_at else "",
        "version_du_programme": str(room.programme_version or ""),
    }


def to_csv(definition: ProgrammeDefinition, room: Room, answers: pd.DataFrame) -> bytes:
    return exports.to_csv(answers_frame(definition, room, answers), meta=room_meta(room))


def to_xlsx(definition: ProgrammeDefinition, room: Room, answers: pd.DataFrame) -> bytes:
    info = room_meta(room)
    return exports.sheets_to_xlsx(
        {
            "Réponses": answers_frame(definition, room, answers),
            "Informations": pd.DataFrame({"Clé": list(info), "Valeur": list(info.values())}, dtype=object),
        }
    )


def filename(room: Room, extension: str) -> str:
    return f"salle-{room.code}-{paris_day(room.created_at).isoformat()}.{extension}"  # the day in Paris
