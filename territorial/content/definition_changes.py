"""What a change of the programme's definition does, in French: the fields changed, the
territories that change segment, the counts per segment, and whether the current table
still fits the new definition (its levers, segments and levels).
"""

from __future__ import annotations

import pandas as pd

from territorial.core.fmt import fr_int, fr_pop
from territorial.model.definition import ProgrammeDefinition
from territorial.model.programme import Programme
from territorial.model.programme_file import ProgrammeTable

_SEGMENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("label", "libellé"),
    ("minimum", "seuil (borne basse)"),
    ("colour", "couleur"),
)
_SEGMENT_FIELDS += (("description", "description"),)
_LEVER_FIELDS = (("label", "libellé"), ("short", "texte court"), ("description", "description"), ("colour", "couleur"))
_PROGRAMME_FIELDS = (("name", "nom du programme"), ("sponsor", "porteur"), ("period", "période"))
#: Columns of :func:`segment_moves`.
MOVE_COLUMNS = ["Territoire", "Code", "Population", "Segment avant", "Segment après"]


def _shown(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return fr_int(value)
    text = str(value)
    return f"« {text if len(text) <= 80 else text[:79] + '…'} »"


def _fields(what: str, before: object, after: object, fields: tuple[tuple[str, str], ...]) -> list[str]:
    out = []
    for attribute, name in fields:
        was, now = getattr(before, attribute), getattr(after, attribute)
        if was != now:
            out.append(f"{what} : {name} {_shown(was)} → {_shown(now)}")
    return out


def definition_changes(before: ProgrammeDefinition, after: ProgrammeDefinition) -> list[str]:
    """Every difference between two definitions, one French sentence each (empty: identical)."""
    out = _fields("Programme", before, after, _PROGRAMME_FIELDS)
    for kind, old, new, fields in (
        ("Segment", before.segments, after.segments, _SEGMENT_FIELDS),
        ("Levier", before.levers, after.levers, _LEVER_FIELDS),
    ):
        old_by_id, new_by_id = {x.id: x for x in old}, {x.id: x for x in new}
        for ident, item in new_by_id.items():
            if ident not in old_by_id:
                out.append(f"{kind} {ident} ajouté : « {item.label} »")
            else:
                out += _fields(f"{kind} {ident}", old_by_id[ident], item, fields)
        out += [
            f"{kind} {ident} retiré : « {item.label} »" for ident, item in old_by_id.items() if ident not in new_by_id
        ]
    old_levels, new_levels = {lv.value: lv.label for lv in before.levels}, {lv.value: lv.label for lv in after.levels}
    for value in sorted(old_levels.keys() | new_levels.keys()):
        was, now = old_levels.get(value), new_levels.get(value)
        if was is None:
            out.append(f"Niveau d'activation {value} ajouté : « {now} »")
        elif now is None:
            out.append(f"Niveau d'activation {value} retiré : « {was} »")
        elif was != now:
            out.append(f"Niveau d'activation {value} : libellé « {was} » → « {now} »")
    if before.active_from != after.active_from:
        out.append(f"Seuil d'activation d'un levier : niveau {before.active_from} → {after.active_from}")
    if before.follow_up_months != after.follow_up_months:
        out.append(f"Intervalle entre deux dialogues : {before.follow_up_months} → {after.follow_up_months} mois")
    if before.proxy != after.proxy:
        out.append("Définition approchée (proxy) : " + ("oui → non" if before.proxy else "non → oui"))
    return out


def _written(value: int) -> set[str]:
    """How a number of inhabitants may be written in a description (« 50 000 », « 50000 »…)."""
    grouped = f"{value:,}"
    return {str(value), *(grouped.replace(",", sep) for sep in (" ", "\u00a0", "\u202f", "."))}


def stale_mentions(before: ProgrammeDefinition, after: ProgrammeDefinition) -> list[str]:
    """Descriptions of ``after`` that still write a threshold the change moved (a guess, said as one)."""
    old = {s.id: s.minimum for s in before.segments}
    moved = {old[s.id] for s in after.segments if s.id in old and old[s.id] != s.minimum and old[s.id] > 0}
    out = []
    for segment in after.segments:
        for value in sorted(moved):
            cited = sorted(w for v in (value, value - 1) for w in _written(v) if w in segment.description)
            if cited:
                out.append(
                    f"la description du segment {segment.id} cite encore « {cited[0]} », un seuil déplacé : à vérifier"
                )
    return out


def change_summary(changes: list[str], *, limit: int = 3) -> str:
    """The first changes for a version's comment (« …, et 4 autres »)."""
    head = " ; ".join(changes[:limit])
    rest = len(changes) - limit
    return head + (f" ; et {rest} autre{'s' if rest > 1 else ''}" if rest > 0 else "")


def segment_moves(before: Programme, after: Programme) -> pd.DataFrame:
    """The territories whose segment differs between two resolutions of the same table, largest first."""
    old, new = before.territories, after.territories
    common = old.index.intersection(new.index)
    moved = common[(old.loc[common, "segment"] != new.loc[common, "segment"]).to_numpy()]
    rows = old.loc[moved].sort_values("population", ascending=False)
    old_labels = {s.id: s.label for s in before.definition.segments}
    new_labels = {s.id: s.label for s in after.definition.segments}
    return pd.DataFrame(
        {
            "Territoire": rows["nom"].astype(str).tolist(),
            "Code": [str(c) for c in rows.index],
            "Population": [fr_pop(int(p)) for p in rows["population"]],
            "Segment avant": [old_labels.get(s, s) for s in rows["segment"]],
            "Segment après": [new_labels.get(s, s) for s in new.loc[rows.index, "segment"]],
        },
        columns=MOVE_COLUMNS,
    )


def segment_counts(before: Programme, after: Programme) -> pd.DataFrame:
    """Territories per segment before and after (segments of both definitions, in the new order)."""
    old_counts = before.territories["segment"].value_counts()
    new_counts = after.territories["segment"].value_counts()
    ids = [s.id for s in after.definition.segments]
    ids += [s.id for s in before.definition.segments if s.id not in ids]
    labels = {s.id: s.label for s in before.definition.segments} | {s.id: s.label for s in after.definition.segments}
    return pd.DataFrame(
        {
            "Segment": [f"{i} – {labels[i]}" for i in ids],
            "Avant": [int(old_counts.get(i, 0)) for i in ids],
            "Après": [int(new_counts.get(i, 0)) for i in ids],
        }
    )


def usage_problems(table: ProgrammeTable, before: ProgrammeDefinition, after: ProgrammeDefinition) -> list[str]:
    """Why ``after`` cannot replace ``before`` for ``table`` (French; empty: it can).

    A lever may be removed only if no territory has it above the lowest level; a segment
    only if no territory is placed in it by the table; a level only if no territory has it.
    """
    rows = table.territories
    problems = []
    for lever in before.levers:
        if lever.id not in after.lever_ids and lever.id in rows and (rows[lever.id] > before.min_level).any():
            n = int((rows[lever.id] > before.min_level).sum())
            problems.append(
                f"le levier {lever.id} (« {lever.label} ») est retiré, mais {fr_int(n)} ligne(s) du "
                "programme en vigueur l'activent : gardez-le, ou remettez d'abord ces niveaux à "
                f"{before.min_level}"
            )
    if "segment" in rows:
        used = {str(s).strip() for s in rows["segment"] if str(s).strip()}
        labels = {s.label.casefold(): s.id for s in before.segments}
        used = {labels.get(s.casefold(), s) for s in used}
        for ident in sorted(used - set(after.segment_ids)):
            problems.append(
                f"le segment {ident} est retiré, mais des territoires du programme en vigueur y sont placés "
                "(colonne segment) : gardez-le, ou changez d'abord ces territoires de segment"
            )
    values = {lv.value for lv in after.levels}
    for lever_id in (lv for lv in before.lever_ids if lv in rows):
        used_levels = sorted(set(int(v) for v in rows[lever_id]) - values)
        if used_levels and lever_id in after.lever_ids:
            problems.append(
                f"le levier {lever_id} a des territoires au niveau {', '.join(map(str, used_levels))}, "
                "que la nouvelle définition ne connaît plus"
            )
    return problems


def adapted_table(table: ProgrammeTable, before: ProgrammeDefinition, after: ProgrammeDefinition) -> ProgrammeTable:
    """``table`` with the lever columns of ``after``: a new lever at the lowest level, a removed one dropped.

    Call it once :func:`usage_problems` is empty (a removed lever is then nowhere active).
    """
    rows = table.territories.copy()
    rows = rows.drop(columns=[lv for lv in before.lever_ids if lv not in after.lever_ids and lv in rows])
    first_dialogue_column = next((i for i, c in enumerate(rows.columns) if c in ("date_dialogue",)), len(rows.columns))
    for offset, lever in enumerate(lv for lv in after.lever_ids if lv not in rows):
        rows.insert(first_dialogue_column + offset, lever, after.min_level)
        rows[lever] = rows[lever].astype("int64")
    return ProgrammeTable(
        rows, meta=dict(table.meta), warnings=list(table.warnings), extra_columns=list(table.extra_columns)
    )


__all__ = [
    "MOVE_COLUMNS",
    "adapted_table",
    "change_summary",
    "definition_changes",
    "segment_counts",
    "segment_moves",
    "stale_mentions",
    "usage_problems",
]
