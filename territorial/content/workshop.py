"""The workshop sequence: what a facilitator projects, step by step.

Programme overview → each segment → each lever → one chosen territory. Each
:class:`Step` carries a title, a short text, 2 to 4 key figures and what its map
shows; :func:`step_map` draws that map with :mod:`territorial.cartography.maps` (offline).
Texts that come from the definition or the data are plain text: the page escapes
them before rendering.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import pandas as pd
from branca.element import Element
from branca.element import Figure as Page

from territorial.cartography.geometry import MapFrame, MapOutlines
from territorial.content.colouring import COLOUR_COUNT, COLOUR_SEGMENT, NOT_ASSESSED_FILL
from territorial.content.dialogues import not_assessed_label
from territorial.content.fiche_map import context_map
from territorial.content.levers import segment_lever_matrix
from territorial.content.selection import search_label
from territorial.content.size_effect import size_effect
from territorial.content.size_effect_text import findings
from territorial.content.territory_map import map_frame, programme_map
from territorial.core import palette
from territorial.core.fmt import fr_date, fr_float, fr_int, fr_pct, fr_pop, plural
from territorial.model.programme import Programme
from territorial.model.reference import Reference

OVERVIEW, SEGMENT, LEVER, CHANGES, TERRITORY = "overview", "segment", "lever", "changes", "territory"
EVIDENCE = "evidence"
#: Constant CSS added inside the projected maps: legend and tooltips readable from afar.
MAP_CSS = (
    ".folium-map { height: 100vh !important; }"  # the frame's height: fits the projector (atelier.css)
    " .carte-legende > div { font-size: 22px !important; max-width: 460px !important; }"
    " .carte-legende span { width: 22px !important; height: 22px !important; }"
    " .leaflet-tooltip { font-size: 20px !important; }"
    # A smaller screen gives a smaller map (atelier.css): a legend that leaves it room.
    " @media (max-height: 660px) { .carte-legende > div { font-size: 17px !important;"
    " max-width: 340px !important; } .carte-legende span { width: 17px !important;"
    " height: 17px !important; } }"
)


@dataclass(frozen=True)
class Figure:
    """A key figure: a big value, its label, and an optional detail line."""

    label: str
    value: str
    detail: str = ""


@dataclass(frozen=True)
class Step:
    """One step of the sequence (``number`` starts at 1, as in the URL ``?etape=``)."""

    number: int
    kind: str
    key: str
    title: str
    subtitle: str
    body: str
    figures: tuple[Figure, ...]
    points: tuple[str, ...] = ()  # sentences shown as a list under the body

    @property
    def label(self) -> str:
        """« 3. Territoires intermédiaires », for the step selector."""
        return f"{self.number}. {self.title}"


def steps(programme: Programme, *, territory: str | None = None) -> list[Step]:
    """The whole sequence: 1 + segments + levers + what changed + 1 (the chosen territory, possibly none)
    + what the data shows (last, so that the earlier steps keep their numbers in saved links)."""
    definition = programme.definition
    matrix = segment_lever_matrix(programme)
    out = [_overview(programme)]
    out += [_segment(programme, matrix, segment.id) for segment in definition.segments]
    out += [_lever(programme, matrix, lever.id) for lever in definition.levers]
    out.append(_changes(programme))
    out.append(_territory(programme, territory))
    out.append(_evidence(programme))
    return [Step(i, s.kind, s.key, s.title, s.subtitle, s.body, s.figures, s.points) for i, s in enumerate(out, 1)]


def step_map(
    programme: Programme, step: Step, *, outlines: MapOutlines, reference: Reference, height: int = 760
) -> folium.Map:
    """The map of a step: by segment (overview), one segment highlighted, one lever's levels,
    or the chosen territory in its context."""
    if step.kind == TERRITORY and step.key:
        m = context_map(programme, reference, step.key, height=height)
    else:
        m = _national_map(programme, step, outlines=outlines, height=height)
    root = m.get_root()
    assert isinstance(root, Page)  # a map's root is its page
    root.header.add_child(Element(f"<style>{MAP_CSS}</style>"), name="atelier_css")
    return m


def _national_map(programme: Programme, step: Step, *, outlines: MapOutlines, height: int) -> folium.Map:
    data = programme.territories
    view = map_frame(programme, data, mode=step.key if step.kind == LEVER else COLOUR_SEGMENT)
    if step.kind == SEGMENT:
        segment = programme.definition.segment(step.key)
        inside = view.shapes["code"].map(data["segment"]) == segment.id
        view.shapes.loc[~inside, "couleur"] = palette.NOT_IN_PROGRAMME
        assessed = view.shapes["code"].map(data["evalue"]).astype(bool)
        legend = [
            (segment.colour, f"{segment.label} : {int((inside & assessed).sum())}"),
            (palette.NOT_IN_PROGRAMME, f"Autres segments : {int((~inside).sum())}"),
        ]
        waiting = int((inside & ~assessed).sum())  # this segment's territories not yet assessed (hatched)
        if waiting:
            legend.append((NOT_ASSESSED_FILL, f"{not_assessed_label(programme)} : {waiting}"))
        view = MapFrame(view.shapes, legend, "Segment de taille")
    return programme_map(view, outlines=outlines, height=height)


def before_after_views(programme: Programme) -> tuple[MapFrame, MapFrame]:
    """The « Ce qui a changé » maps: levers activated at each territory's first dialogue, and at
    the day shown (its latest dialogue by default), on one colour scale."""
    before = programme.at_first_dialogue()
    return (
        map_frame(before, before.territories, mode=COLOUR_COUNT),
        map_frame(programme, programme.territories, mode=COLOUR_COUNT),
    )


def changes_map(view: MapFrame, *, outlines: MapOutlines, height: int) -> folium.Map:
    """One of the two maps of the « Ce qui a changé » step, styled for the projector."""
    m = programme_map(view, outlines=outlines, height=height)
    m.get_root().header.add_child(Element(f"<style>{MAP_CSS}</style>"), name="atelier_css")
    return m


def after_label(programme: Programme) -> str:
    """« Au 30 juin 2025 » or « Au dernier dialogue »."""
    return f"Au {fr_date(programme.as_of)}" if programme.as_of else "Au dernier dialogue"


def map_caption(programme: Programme, step: Step) -> str:
    """What the step's map shows, in one sentence (its text alternative)."""
    if step.kind == CHANGES:
        return (
            "Cartes : à gauche, le nombre de leviers activés par chaque territoire lors de son premier "
            f"dialogue ; à droite, {after_label(programme).lower()} (même échelle de couleurs)."
        )
    if step.kind == SEGMENT:
        segment = programme.definition.segment(step.key)
        return f"Carte : en couleur, les territoires du segment « {segment.label} » ; en gris, les autres."
    if step.kind == LEVER:
        return (
            f"Carte : chaque territoire coloré selon son niveau d'activation du levier "
            f"« {programme.definition.lever(step.key).label} » (du gris « non activé » au bleu foncé)."
        )
    if step.kind == TERRITORY and step.key:
        return f"Carte : {programme.territories.at[step.key, 'nom']} (contour foncé) et les territoires voisins."
    if step.kind == EVIDENCE:
        return (
            "Graphique : la part des territoires de chaque segment qui activent chaque levier, et son "
            "intervalle à 95 % (trait noir)."
        )
    return "Carte : les territoires du programme colorés selon leur segment de taille."


def territory_options(programme: Programme) -> dict[str, str]:
    """Territories to choose from for the last step: code → label (by name)."""
    data = programme.territories.sort_values("nom")
    return {str(code): search_label(row) for code, row in data.iterrows()}


# --------------------------------------------------------------------------- steps


def _population(total: float, detail: str, *, label: str = "Habitants couverts") -> Figure:
    """A population as a big figure: « 2,5 millions », its year and exact count in the detail line."""
    if total >= 1_000_000:
        millions = total / 1_000_000
        return Figure(
            label, f"{fr_float(millions)} million{'s' if millions >= 2 else ''}", f"{fr_pop(total)}, {detail}"
        )
    return Figure(label, fr_int(total), detail)


def _overview(programme: Programme) -> Step:
    data = programme.territories
    definition = programme.definition
    n_levers = len(definition.levers)
    body = (
        f"{plural(len(data), 'territoire')} engagés dans des dialogues de gouvernance, "
        f"répartis en {len(definition.segments)} segments de taille. La taille compte : "
        f"selon leur segment, les territoires activent différemment les {n_levers} leviers "
        "d'action prioritaires."
    )
    regions = data["region"].replace("", pd.NA).dropna().nunique()
    subtitle = " · ".join(part for part in (definition.name, definition.period) if part)
    return Step(
        0,
        OVERVIEW,
        "",
        "Vue d'ensemble du programme",
        subtitle,
        body,
        (
            Figure("Territoires", fr_int(len(data))),
            _population(data["population"].sum(), programme.population_short()),
            Figure("Régions représentées", fr_int(regions)),
            Figure("Leviers activés en moyenne", fr_float(data["n_actives"].mean()), f"sur {n_levers}"),
        ),
    )


def _segment(programme: Programme, matrix: pd.DataFrame, segment_id: str) -> Step:
    data = programme.territories
    segment = programme.definition.segment(segment_id)
    members = data[data["segment"] == segment_id]
    figures = [
        Figure("Territoires", fr_int(len(members)), f"{fr_pct(len(members) / len(data))} du programme"),
        _population(members["population"].sum(), programme.population_short(members)),
    ]
    rows = matrix[(matrix["segment"] == segment_id) & (matrix["n"] > 0)]
    if len(rows):
        top = rows.sort_values("share", ascending=False, kind="stable").iloc[0]
        figures += [
            Figure(
                "Leviers activés en moyenne",
                fr_float(members["n_actives"].mean()),
                f"sur {len(programme.definition.levers)}",
            ),
            Figure("Levier le plus activé", fr_pct(top["share"]), f"{top['lever']} – {top['lever_label']}"),
        ]
    subtitle = f"Segment de taille : {segment.bounds_label}"
    return Step(0, SEGMENT, segment_id, segment.label, subtitle, segment.description, tuple(figures))


def _lever(programme: Programme, matrix: pd.DataFrame, lever_id: str) -> Step:
    data = programme.territories
    definition = programme.definition
    lever = definition.lever(lever_id)
    data = data[data["evalue"]]  # the territories assessed at the day shown
    active = int((data[lever_id] >= definition.active_from).sum())
    top_level = definition.levels[-1]
    share = f"{fr_pct(active / len(data))} des territoires évalués" if len(data) else "aucun territoire évalué"
    figures = [
        Figure("Territoires qui l'activent", fr_int(active), share),
        Figure(f"Niveau « {top_level.label} »", fr_int(int((data[lever_id] == top_level.value).sum())), "territoires"),
    ]
    rows = matrix[(matrix["lever"] == lever_id) & (matrix["n"] > 0)].sort_values("share", kind="stable")
    if len(rows) > 1:
        most, least = rows.iloc[-1], rows.iloc[0]
        figures += [
            Figure("Segment qui l'active le plus", fr_pct(most["share"]), most["segment_label"]),
            Figure("Segment qui l'active le moins", fr_pct(least["share"]), least["segment_label"]),
        ]
    return Step(
        0,
        LEVER,
        lever_id,
        f"Levier {lever.id} : {lever.label}",
        "Levier d'action prioritaire",
        lever.description,
        tuple(figures),
    )


def _changes(programme: Programme) -> Step:
    """What changed since each territory's first dialogue: levers gained, territories that progressed."""
    definition = programme.definition
    data = programme.assessed
    first = programme.at_first_dialogue().territories.loc[data.index]
    n_levers = len(definition.levers)
    if data.empty:
        body = "Aucun territoire n'était encore évalué à cette date."
        return Step(0, CHANGES, "", "Ce qui a changé", after_label(programme), body, ())
    progressed = int((data["progression"] > 0).sum())
    receded = int((data["progression"] < 0).sum())
    again = int((data["n_dialogues"] > 1).sum())
    gains = {
        lever.id: int((data[lever.id] >= definition.active_from).sum())
        - int((first[lever.id] >= definition.active_from).sum())
        for lever in definition.levers
    }
    top = max(gains, key=lambda k: gains[k])  # first in definition order on a tie
    lever = definition.lever(top)
    body = (
        f"Depuis leur premier dialogue, {plural(progressed, 'territoire a', 'territoires ont')} activé au moins "
        f"un levier de plus"
        + (f", {plural(receded, 'territoire en a', 'territoires en ont')} perdu" if receded else "")
        + f". {plural(again, 'territoire a', 'territoires ont')} eu plusieurs dialogues."
    )
    figures = (
        Figure(
            "Leviers activés en moyenne",
            f"{fr_float(first['n_actives'].mean())} → {fr_float(data['n_actives'].mean())}",
            f"sur {n_levers}, du premier dialogue à aujourd'hui" if programme.as_of is None else f"sur {n_levers}",
        ),
        Figure(
            "Territoires en progression",
            fr_int(progressed),
            f"sur {plural(len(data), 'territoire évalué', 'territoires évalués')}",
        ),
        Figure(
            "Levier le plus gagné",
            f"+{fr_int(gains[top])}" if gains[top] >= 0 else fr_int(gains[top]),
            f"{lever.id} – {lever.label} (territoires qui l'activent)",
        ),
    )
    return Step(
        0, CHANGES, "", "Ce qui a changé", f"Du premier dialogue · {after_label(programme).lower()}", body, figures
    )


def _territory(programme: Programme, code: str | None) -> Step:
    data = programme.territories
    definition = programme.definition
    if not code or code not in data.index:
        return Step(
            0,
            TERRITORY,
            "",
            "Un territoire du programme",
            "",
            "Choisissez un territoire dans la liste pour le présenter.",
            (),
        )
    row = data.loc[code]
    segment = definition.segment(row["segment"])
    assessed = bool(row["evalue"])
    actives = [lv.label for lv in definition.levers if assessed and row[lv.id] >= definition.active_from]
    place = ", ".join(
        p
        for p in (
            row["departement_nom"] if row["type"] != "departement" else "",
            row["region_nom"] if row["type"] != "region" else "",
        )
        if p
    )
    subtitle = " – ".join(p for p in (str(row["nature"]), place) if p)
    body = f"Segment « {segment.label} » ({segment.bounds_label}). " + (
        f"Leviers activés : {', '.join(actives)}."
        if actives
        else "Aucun levier activé."
        if assessed
        else f"{not_assessed_label(programme)} : son premier dialogue est postérieur."
    )
    peers = int((data["segment"] == segment.id).sum()) - 1
    return Step(
        0,
        TERRITORY,
        code,
        str(row["nom"]),
        subtitle,
        body,
        (
            _population(
                row["population"], programme.populations.short(str(row["annee_population"])), label="Habitants"
            ),
            Figure("Leviers activés", f"{int(row['n_actives'])} / {len(definition.levers)}" if assessed else "—"),
            Figure("Territoires de même taille", fr_int(peers), f"dans le segment « {segment.label} »"),
        ),
    )


def _evidence(programme: Programme) -> Step:
    """What the data shows about size, and what it cannot show (computed sentences)."""
    effect = size_effect(programme)
    sentences = tuple(f.text for f in findings(effect, programme.definition))
    subtitle = (
        f"Ce que les {plural(effect.n_assessed, 'territoire évalué', 'territoires évalués')} permettent "
        f"d'affirmer sur l'effet de taille, et ce qu'ils ne permettent pas encore · {after_label(programme).lower()}"
    )
    return Step(0, EVIDENCE, "", "Ce que montrent les données", subtitle, "", (), sentences)


__all__ = [
    "EVIDENCE",
    "Figure",
    "Step",
    "after_label",
    "before_after_views",
    "changes_map",
    "map_caption",
    "step_map",
    "steps",
    "territory_options",
]
