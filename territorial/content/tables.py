"""The territories as tables and cards for people: the table of a page, a territory's card
(Markdown, every data text escaped), shares as text.
"""

from __future__ import annotations

import pandas as pd

from territorial.content.dialogues import NOT_ASSESSED, not_assessed_label
from territorial.content.follow_up import follow_up_of, follow_up_table
from territorial.content.segment_text import segment_labels, segment_note
from territorial.core.codes import fiche_link
from territorial.core.fmt import escape_markdown, fr_date, fr_pct, fr_pop, plural
from territorial.model.programme import Programme


def territory_table(programme: Programme, data: pd.DataFrame) -> pd.DataFrame:
    """The table of territories shown next to a map (also its text alternative)."""
    definition = programme.definition
    table = pd.DataFrame(
        {
            "Code": data.index,
            "Territoire": data["nom"].to_numpy(),
            "Nature": data["nature"].to_numpy(),
            "Département": data["departement_nom"].to_numpy(),
            "Région": data["region_nom"].to_numpy(),
            programme.population_column(data): data["population"].to_numpy(),
            "Segment": segment_labels(data, definition).to_numpy(),
            "Leviers activés": data["n_actives"].to_numpy(),
            "Dernier dialogue": data["date_dialogue"].map(fr_date).to_numpy(),
        }
    )
    for lever in definition.levers:
        table[f"{lever.id} – {lever.label}"] = (
            data[lever.id].map(lambda v: NOT_ASSESSED if pd.isna(v) else definition.level_label(int(v))).to_numpy()
        )
    follow = follow_up_table(programme).reindex(data.index)
    table["Prochain dialogue"] = follow["prochain_txt"].to_numpy()
    table["Statut du suivi"] = follow["statut_txt"].to_numpy()
    return table


def share_text(share: float) -> str:
    return "–" if pd.isna(share) else fr_pct(share)


def territory_card(programme: Programme, code: str) -> str:
    """A territory's card in Markdown (every data text escaped), with a link to its fiche."""
    definition = programme.definition
    row = programme.territories.loc[code]
    segment = definition.segment(row["segment"])
    where = [
        f"{row['departement_nom']} ({row['departement']})" if row["departement_nom"] else "",
        row["region_nom"] or "",
    ]
    assessed = bool(row["evalue"])
    levers = [
        f"- {escape_markdown(lv.label)} : **{escape_markdown(definition.level_label(int(row[lv.id])))}**"
        for lv in definition.levers
        if assessed
    ]
    count = (
        plural(int(row["n_actives"]), "levier activé", "leviers activés")
        if assessed
        else not_assessed_label(programme).lower()
    )
    lines = [
        f"### {escape_markdown(row['nom'])}",
        f"{escape_markdown(row['nature'])} · {escape_markdown(fr_pop(row['population']))} "
        f"(population {escape_markdown(row['annee_population'])})  ",
        " · ".join(escape_markdown(w) for w in where if w) + "  ",
        f"Segment : **{escape_markdown(segment.label)}** ({escape_markdown(segment.bounds_label)})"
        + (f"  \n{escape_markdown(note)}" if (note := segment_note(row, definition)) else ""),
        "",
        f"**Leviers** ({escape_markdown(count)}) :",
        "",
        *levers,
        "",
        escape_markdown(follow_up_of(programme, code).sentence()),
        "",
        fiche_link(code, "Ouvrir la fiche"),
    ]
    return "\n".join(lines)
