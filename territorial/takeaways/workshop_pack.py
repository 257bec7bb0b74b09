"""The offline workshop pack: one self-contained HTML file for a venue with no Wi-Fi.

It opens from a USB stick in any browser, with no server and no network: the
map is the dashboard's folium map with Leaflet inlined
(:func:`territorial.cartography.maps.standalone_html`) over vector outlines (no tiles), and
the key figures per segment and per lever are plain HTML tables, which are also
the map's text alternative. Every text that comes from data or from the
programme definition is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from territorial.cartography import maps
from territorial.cartography.geometry import MapOutlines, national_outlines
from territorial.content import colouring, tables, territory_map
from territorial.content.levers import key_figures, segment_lever_matrix, segment_summary
from territorial.content.size_effect import size_effect
from territorial.content.size_effect_charts import intervals_table
from territorial.content.size_effect_text import findings, method_text
from territorial.core import palette
from territorial.core.clock import today_in_paris
from territorial.core.fmt import escape_html as esc
from territorial.core.fmt import fr_date, fr_int, fr_pct, fr_pop, plural
from territorial.model.programme import Programme
from territorial.model.reference import CREDIT, Reference

MAP_HEIGHT = 640
_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>', flags=re.DOTALL)

PACK_CSS = (
    palette.css_variables()
    + """
html, body { height: auto; }
body { margin: 0; padding: 0; background: var(--fond); color: var(--texte);
  font: 18px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 28px 40px; }
.surtitre { margin: 0; color: var(--discret); font-size: 16px; }
h1 { margin: 4px 0 4px; font-size: 34px; line-height: 1.2; }
h2 { margin: 36px 0 10px; font-size: 26px; border-bottom: 2px solid var(--lien); padding-bottom: 4px; }
.demo { border: 2px solid var(--demo-bord); background: var(--demo-fond); color: var(--demo-texte); padding: 10px 14px;
  border-radius: 4px; font-weight: 600; }
.chiffres { display: flex; flex-wrap: wrap; gap: 16px; margin: 16px 0 0; padding: 0; list-style: none; }
.chiffres li { flex: 1 1 200px; border: 1px solid var(--filet); border-radius: 6px; padding: 10px 14px; }
.chiffres .valeur { display: block; font-size: 32px; font-weight: 700; font-variant-numeric: tabular-nums; }
.carte { border: 1px solid var(--cadre); }
.resume { color: var(--texte); }
table.donnees { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-variant-numeric: tabular-nums; }
.donnees caption { text-align: left; font-weight: 700; padding: 4px 0; }
.donnees th, .donnees td { border-bottom: 1px solid var(--filet); padding: 6px 8px; text-align: left;
  vertical-align: top; }
.donnees thead th { border-bottom: 2px solid var(--texte); }
.donnees .nombre { text-align: right; }
.donnees td.nombre { white-space: nowrap; }
.donnees tbody th { min-width: 12em; }
.pastille { display: inline-block; width: 14px; height: 14px; margin-right: 6px; vertical-align: -1px;
  border: 1px solid var(--texte); border-radius: 2px; }
.petit { font-size: 15px; color: var(--discret); }
footer { margin-top: 40px; border-top: 1px solid var(--filet); padding-top: 10px; font-size: 15px;
  color: var(--discret); }
.tableau-defilant { overflow-x: auto; }
.constats li { margin-bottom: 8px; }
details { margin: 12px 0; } summary { cursor: pointer; font-weight: 700; }
a { color: var(--lien); }
@media print { .carte { page-break-inside: avoid; } h2 { page-break-after: avoid; } }
"""
)


def _chip(colour: str) -> str:
    return f'<span class="pastille" style="background: {esc(colour)};" aria-hidden="true"></span>'


def _segments_table(programme: Programme) -> str:
    definition = programme.definition
    summary = segment_summary(programme)
    matrix = segment_lever_matrix(programme).set_index(["segment", "lever"])
    head = "".join(f'<th scope="col" class="nombre">{esc(lv.id)} – {esc(lv.label)}</th>' for lv in definition.levers)
    rows = []
    for segment in definition.segments:
        n = int(summary.at[segment.id, "n"])
        cells = []
        for lever in definition.levers:
            cell = matrix.loc[(segment.id, lever.id)]
            share = tables.share_text(cell["share"])
            cells.append(
                f'<td class="nombre">{esc(share)}<br><span class="petit">'
                f"{esc(fr_int(cell['n_actives']))} sur {esc(fr_int(n))}</span></td>"
            )
        rows.append(
            f'<tr><th scope="row">{_chip(segment.colour)}{esc(segment.label)}<br>'
            f'<span class="petit">{esc(segment.bounds_label)}</span></th>'
            f'<td class="nombre">{esc(fr_int(n))}</td>'
            f'<td class="nombre">{esc(fr_pop(summary.at[segment.id, "population"]))}</td>{"".join(cells)}</tr>'
        )
    return (
        '<div class="tableau-defilant"><table class="donnees"><caption>Territoires par segment de taille, '
        "et part de ceux qui activent chaque levier</caption><thead><tr>"
        '<th scope="col">Segment</th><th scope="col" class="nombre">Territoires</th>'
        f'<th scope="col" class="nombre">Population couverte</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _levers_table(programme: Programme) -> str:
    definition = programme.definition
    data = programme.territories
    n = len(data)
    head = "".join(f'<th scope="col" class="nombre">{esc(lv.value)} – {esc(lv.label)}</th>' for lv in definition.levels)
    rows = []
    for lever in definition.levers:
        counts = data[lever.id].value_counts()
        active = int((data[lever.id] >= definition.active_from).sum())
        share = fr_pct(active / n) if n else "–"
        levels = "".join(f'<td class="nombre">{esc(fr_int(counts.get(lv.value, 0)))}</td>' for lv in definition.levels)
        rows.append(
            f'<tr><th scope="row">{esc(lever.id)} – {esc(lever.label)}<br>'
            f'<span class="petit">{esc(lever.short or lever.description)}</span></th>'
            f'<td class="nombre">{esc(fr_int(active))}<br><span class="petit">{esc(share)}</span></td>{levels}</tr>'
        )
    return (
        '<div class="tableau-defilant"><table class="donnees"><caption>Territoires activant chaque levier, '
        "et nombre de territoires par niveau d'activation</caption><thead><tr>"
        f'<th scope="col">Levier</th><th scope="col" class="nombre">Territoires qui l\'activent</th>{head}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _territories_table(programme: Programme) -> str:
    table = tables.territory_table(programme, programme.territories.sort_values("nom", key=lambda s: s.str.lower()))
    population = programme.population_column()
    numeric = {population, "Leviers activés"}
    head = "".join(f'<th scope="col"{" class=nombre" if c in numeric else ""}>{esc(c)}</th>' for c in table.columns)
    rows = []
    for record in table.itertuples(index=False):
        cells = []
        for column, value in zip(table.columns, record, strict=True):
            if column == "Territoire":
                cells.append(f'<th scope="row">{esc(value)}</th>')
            elif column == population:
                cells.append(f'<td class="nombre">{esc(fr_pop(value))}</td>')
            elif column in numeric:  # no count for a territory not yet assessed (pack made at a date)
                cells.append(f'<td class="nombre">{esc("–" if pd.isna(value) else fr_int(value))}</td>')
            else:
                cells.append(f"<td>{esc('' if pd.isna(value) else value)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        '<div class="tableau-defilant"><table class="donnees">'
        f"<caption>Les {esc(fr_int(len(table)))} territoires du programme"
        f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _evidence(programme: Programme) -> str:
    """« Ce que montrent les données »: the computed sentences, the shares with their intervals, the method."""
    definition = programme.definition
    effect = size_effect(programme)
    items = "".join(f"<li>{esc(f.text)}</li>" for f in findings(effect, definition))
    table = intervals_table(effect, definition)
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in table.columns)
    rows = "".join(
        f'<tr><th scope="row">{esc(record[0])}</th>{"".join(f"<td>{esc(v)}</td>" for v in record[1:])}</tr>'
        for record in table.itertuples(index=False, name=None)
    )
    method = "".join(f"<p>{esc(paragraph)}</p>" for paragraph in method_text(definition))
    return (
        f'<ul class="constats">{items}</ul>'
        '<div class="tableau-defilant"><table class="donnees"><caption>Part des territoires de chaque segment '
        "qui activent chaque levier, intervalle à 95 % et effectifs (actifs sur évalués)</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
        f"<details><summary>Méthode</summary>{method}</details>"
    )


def _key_figures(programme: Programme) -> str:
    figures = key_figures(programme)
    items = [
        (fr_int(figures.n), "territoires"),
        (fr_pop(figures.population), f"population couverte (somme des territoires ; {programme.population_label()})"),
        (fr_int(len(programme.definition.segments)), "segments de taille"),
        (fr_int(figures.all_levers), "territoires activant les " + plural(len(programme.definition.levers), "levier")),
    ]
    return (
        '<ul class="chiffres">'
        + "".join(f'<li><span class="valeur">{esc(value)}</span>{esc(label)}</li>' for value, label in items)
        + "</ul>"
    )


def workshop_pack_html(programme: Programme, *, outlines: MapOutlines, generated: dt.date | None = None) -> str:
    """The workshop pack as one HTML document (map, key figures, tables, credits).

    Parameters
    ----------
    programme
        The programme shown.
    outlines
        ``departements`` and ``regions`` outline lines and the overseas ``insets``
        (``territorial.ui.data.base_outlines()``).
    generated
        Date printed as the generation date (default: today in Paris).

    Returns
    -------
    str
        A complete HTML document that needs no server and no network.
    """
    definition = programme.definition
    generated = generated or today_in_paris()
    data = programme.territories
    view = territory_map.map_frame(programme, data, mode=colouring.COLOUR_SEGMENT)
    doc = maps.standalone_html(territory_map.programme_map(view, outlines=outlines, height=MAP_HEIGHT))
    summary = territory_map.map_summary(programme, data, view)
    n_drawn, n_missing = len(view.shapes), len(data) - len(view.shapes)
    missing = f" {plural(n_missing, 'territoire')} sans contour ne figure pas sur la carte." if n_missing else ""

    demo = (
        '<p class="demo" role="note">Données de démonstration — les territoires, leurs populations et leurs '
        "contours sont réels, mais les niveaux d'activation des leviers sont illustratifs.</p>"
        if programme.is_demo
        else ""
    )
    before = (
        "<main>"
        f'<p class="surtitre">Dossier d\'atelier hors ligne · {esc(definition.sponsor)} · {esc(definition.period)}</p>'
        f"<h1>{esc(definition.name)}</h1>"
        f'<p class="petit">Généré le {esc(fr_date(generated))}. Ce fichier s\'ouvre dans un navigateur, '
        "sans connexion ni serveur.</p>"
        f"{demo}"
        f"<h2>Chiffres clés</h2>{_key_figures(programme)}"
        '<h2 id="carte-titre">Carte des territoires par segment de taille</h2>'
        f'<p class="resume" id="carte-resume">{esc(summary)}{esc(missing)} Survolez un territoire pour '
        "afficher son nom ; le tableau en bas de page donne les mêmes informations.</p>"
        '<div class="carte" role="region" aria-labelledby="carte-titre" aria-describedby="carte-resume">'
    )
    proxy = (
        " Les segments et les leviers sont une approximation documentée (les définitions exactes du "
        "RAMEAU ne sont pas publiques)."
        if definition.proxy
        else ""
    )
    after = (
        "</div>"
        f"<h2>Les segments de taille</h2>{_segments_table(programme)}"
        f"<h2>Les leviers d'action prioritaires</h2>{_levers_table(programme)}"
        f"<h2>Ce que montrent les données</h2>{_evidence(programme)}"
        f"<h2>Liste des territoires</h2>{_territories_table(programme)}"
        f"<footer><p>Sources : {esc(CREDIT)}. {esc(programme.populations.sources())}{esc(proxy)}</p>"
        f"<p>Carte : Leaflet (BSD-2-Clause), incluse dans ce fichier ; {esc(fr_int(n_drawn))} territoires "
        "dessinés sur les contours des départements et des régions, sans fond de carte en ligne.</p></footer>"
        "</main>"
    )
    head = (
        f"<title>{esc(definition.name)} — dossier d'atelier</title>"
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{PACK_CSS}</style>"
    )
    if doc.count("<body>") != 1 or doc.count("</body>") != 1 or "</head>" not in doc:
        raise ValueError("unexpected map document layout")
    doc = _VIEWPORT.sub("", doc)  # folium's forbids zooming (an accessibility failure)
    doc = doc.replace("<html>", '<html lang="fr">', 1)
    doc = doc.replace("</head>", f"{head}</head>", 1)
    doc = doc.replace("<body>", f"<body>{before}", 1)
    return doc.replace("</body>", f"{after}</body>", 1)


def export_outlines(reference: Reference) -> MapOutlines:
    """Département and région borders (overseas in insets) for maps that are taken away.

    Heavier than the dashboard's base (département borders included): a file is
    downloaded once, not sent at every rerun.
    """
    return national_outlines(reference.departements, reference.regions, tolerance=0.02)


def pack_filename(generated: dt.date | None = None) -> str:
    """« atelier-territoires-2026-02-07.html »."""
    return f"atelier-territoires-{(generated or today_in_paris()).isoformat()}.html"


__all__ = ["export_outlines", "pack_filename", "workshop_pack_html"]
