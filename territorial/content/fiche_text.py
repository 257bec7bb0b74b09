"""The fiche as the page writes it: Markdown and HTML pieces, every data text escaped."""

from __future__ import annotations

from territorial.content.fiche import Fiche, LeverLine
from territorial.content.html_cards import NOTE_CLASS, cards_row
from territorial.core import palette
from territorial.core.fmt import escape_html, escape_markdown, fr_pop, plural
from territorial.model.definition import Segment


def chip_html(segment: Segment) -> str:
    """The segment as a coloured chip followed by its bounds (HTML, escaped)."""
    return (
        f'<p class="fiche-entete"><span class="fiche-segment" style="background: {segment.colour};'
        f' color: {palette.text_on(segment.colour)};">{escape_html(segment.label)}</span> '
        f"<span>{escape_html(segment.bounds_label)}</span></p>"
    )


def facts_markdown(fiche: Fiche) -> str:
    """The key facts as a Markdown list."""
    lines = [
        f"**Nature** : {escape_markdown(fiche.nature)}",
        f"**Population** : {escape_markdown(fiche.population_txt)}",
    ]
    if fiche.threshold_txt:
        lines.append(f"**Seuil** : {escape_markdown(fiche.threshold_txt)}")
    if fiche.place_txt:
        lines.append(f"**Situation** : {escape_markdown(fiche.place_txt)}")
    lines += [
        f"**Segment de taille** : {escape_markdown(fiche.segment.label)} "
        f"({escape_markdown(fiche.segment.bounds_label)})"
        + (f" — {escape_markdown(fiche.segment_note)}" if fiche.segment_note else ""),
        f"**Leviers activés** : {fiche.actives_txt}",
    ]
    if fiche.follow_up:
        head, _, tail = fiche.follow_up.partition(" : ")
        lines.append(f"**{escape_markdown(head)}** : {escape_markdown(tail)}")
    if fiche.members:
        lines.append("**Membres** : " + " ; ".join(escape_markdown(m) for m in fiche.members))
    return "\n".join(f"- {line}" for line in lines)


def _lever_card(lever: LeverLine) -> str:
    """One lever's card: its name, its level as dots and words, its description (HTML, escaped)."""
    if lever.level is None:
        level = f"{'○' * lever.max_level} <strong>{escape_html(lever.level_label)}</strong>"
    else:
        dots = "●" * lever.level + "○" * max(lever.max_level - lever.level, 0)
        level = f"{dots} <strong>{escape_html(lever.level_label)}</strong> (niveau {lever.level} sur {lever.max_level})"
    note = f'<p class="{NOTE_CLASS}">{escape_html(lever.description)}</p>' if lever.description else ""
    return f"<p><strong>{escape_html(lever.id)} – {escape_html(lever.label)}</strong><br>{level}</p>{note}"


def levers_html(fiche: Fiche) -> str:
    """The fiche's levers, two cards a row (one on a phone), as one HTML block."""
    return cards_row((_lever_card(lever) for lever in fiche.levers), columns=2)


def peers_markdown(fiche: Fiche) -> str:
    """Table: each lever, this territory's level, the share of its peers activating it."""
    rows = ["| Levier | Ce territoire | Pairs qui l'activent [intervalle à 95 %] |", "|---|---|---|"]
    rows += [
        f"| {escape_markdown(lv.id)} – {escape_markdown(lv.label)} | {escape_markdown(lv.level_label)} "
        f"| {lv.peer_interval_txt} |"
        for lv in fiche.levers
    ]
    return "\n".join(rows)


def similar_markdown(fiche: Fiche) -> str:
    """The similar territories as a Markdown list of links to their fiches."""
    return "\n".join(
        f"- {s.link} — {escape_markdown(s.nature)}, {fr_pop(s.population)}, "
        f"{plural(s.n_actives, 'levier activé', 'leviers activés')}"
        for s in fiche.similar
    )
