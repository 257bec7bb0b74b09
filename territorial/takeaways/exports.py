"""Exports of a programme: CSV, XLSX and GeoJSON.

* The **programme file** (CSV or the « Programme » sheet of the XLSX) has the
  columns of an import (``code``, ``type``, ``nom``, ``membres``, levers,
  ``date_dialogue``, ``notes``, ``contact``, extra columns): it can be edited in
  a spreadsheet and imported again.
* The **table of territories** adds what is resolved from the reference: name,
  nature, population and its year, segment, département, région (French headers), and the
  follow-up: next dialogue expected (ISO date), its step and the status (:mod:`territorial.content.follow_up`).
* The **GeoJSON** has the same properties plus the simplified geometry.

CSV files are UTF-8 with a BOM and ``;`` separators, so that a French Excel
opens them correctly. In CSV, a text cell that a spreadsheet would evaluate
(``=HYPERLINK(…)``, ``+33 1 23…``, ``@SUM(…)``, full-width ``＝``…) gets a leading
single quote, which the import removes again (:mod:`territorial.core.spreadsheet_text`:
export then import gives back the same table). In XLSX, every text is a text cell,
never a formula, and is written as it is. Characters that an XLSX file cannot hold
(control characters) are removed from both.
"""

from __future__ import annotations

import io
import json

import geopandas as gpd
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from territorial.cartography.geometry import simplify, tolerance_for
from territorial.content.follow_up import follow_up_table
from territorial.core.spreadsheet_text import clean, neutralise
from territorial.model.definition import ProgrammeDefinition
from territorial.model.definition_file import render_definition
from territorial.model.file_reading import DEFINITION_SHEET
from territorial.model.programme import FOLLOW_UP_COLUMNS, PLACE_COLUMNS, Programme, file_name
from territorial.model.vocabulary import NAMED_COLUMNS, PROGRAMME_SEGMENT, programme_columns
from territorial.model.xlsx_reader import escape

CSV_SEPARATOR = ";"
#: Header of the « Définition » sheet (its first column: one line of TOML per row).
DEFINITION_HEADER = "Définition du programme (format TOML de data/programme.toml, une ligne par cellule)"
_RESOLVED = {*NAMED_COLUMNS, *PLACE_COLUMNS, *FOLLOW_UP_COLUMNS, "n_actives", "geometry"}


def _text_cells(frame: pd.DataFrame, convert) -> pd.DataFrame:
    """``convert`` applied to every text cell and header (numbers are left as numbers)."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map(convert).astype(object)
    out.columns = [convert(str(c)) for c in out.columns]
    return out


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as written to a CSV file: text cleaned, formulas neutralised."""
    return _text_cells(frame, lambda v: neutralise(clean(v)))


def clean_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cleaned of what XML cannot hold (GeoJSON)."""
    return _text_cells(frame, clean)


def _xlsx_text(value: object) -> object:
    """Text for an XLSX cell: cleaned, and ``_x0041_`` kept literal (XLSX's own escapes, see xlsx_reader)."""
    value = clean(value)
    return escape(value) if isinstance(value, str) else value


def extra_columns(programme: Programme) -> list[str]:
    """The programme file's extra columns, in their order, as kept in the programme's frames
    (:func:`~territorial.model.programme.file_name` gives each one's name in the file)."""
    known = _RESOLVED | set(programme.lever_ids)
    return [c for c in programme.territories.columns if c not in known]


def file_frame(programme: Programme) -> pd.DataFrame:
    """The programme as an importable file: every dialogue, one row per territory and
    dialogue, in the territories' order (``nom`` holds the resolved name, ``segment`` the
    programme's own segment, empty where the population places the territory)."""
    data = programme.territories
    identity = pd.DataFrame(data[["type", "nom", "membres"]])
    identity[PROGRAMME_SEGMENT] = data["segment"].where(data["segment_attribue"], "")
    dialogues = programme.assessments.drop(columns="n_actives")
    order = pd.Series(range(len(identity)), index=identity.index)
    dialogues = dialogues.assign(_order=dialogues["code"].map(order)).sort_values("_order", kind="stable")
    frame = dialogues.join(identity, on="code")
    extras = extra_columns(programme)
    frame = frame[[*programme_columns(programme.lever_ids), *extras]].reset_index(drop=True).fillna("")
    return frame.rename(columns={c: file_name(c) for c in extras})


def _resolved(programme: Programme) -> pd.DataFrame:
    """Each territory with what is resolved from the reference, one column per field."""
    data = programme.territories
    definition = programme.definition
    segments = {s.id: s.label for s in definition.segments}
    return pd.DataFrame(
        {
            "code": data.index.to_numpy(),
            "type": data["type"].to_numpy(),
            "type_libelle": data["type_label"].to_numpy(),
            "nom": data["nom"].to_numpy(),
            "nature": data["nature"].to_numpy(),
            "population": data["population"].astype("int64").to_numpy(),
            "annee_population": data["annee_population"].to_numpy(),
            "segment": data["segment"].to_numpy(),
            "segment_libelle": data["segment"].map(segments).to_numpy(),
            "segment_attribue": data["segment_attribue"].map({True: "oui", False: "non"}).to_numpy(),
            "segment_population": data["segment_population"].to_numpy(),
            "segment_population_libelle": data["segment_population"].map(segments).to_numpy(),
            "departement": data["departement"].fillna("").to_numpy(),
            "departement_nom": data["departement_nom"].to_numpy(),
            "region": data["region"].fillna("").to_numpy(),
            "region_nom": data["region_nom"].to_numpy(),
            # a territory not yet assessed at the programme's date has empty levels (never 0)
            **{lever: data[lever].astype("Int64").array for lever in definition.lever_ids},
            "n_actives": data["n_actives"].astype("Int64").array,
            "evalue": data["evalue"].map({True: "oui", False: "non"}).to_numpy(),
            "date_dialogue": data["date_dialogue"].fillna("").to_numpy(),
            "etape": data["etape"].fillna("").to_numpy(),
            "n_dialogues": data["n_dialogues"].astype("int64").to_numpy(),
            "notes": data["notes"].fillna("").to_numpy(),
            "contact": data["contact"].fillna("").to_numpy(),
        },
        index=data.index,
    )


def table_frame(programme: Programme) -> pd.DataFrame:
    """The territories with what is resolved from the reference, French headers: one row per
    territory, at its latest dialogue up to the programme's date (the wide table)."""
    headers = {
        "code": "Code",
        "type_libelle": "Type",
        "nom": "Territoire",
        "nature": "Nature",
        "population": "Population municipale (INSEE)",
        "annee_population": "Année de la population",
        "segment": "Segment",
        "segment_libelle": "Libellé du segment",
        "segment_attribue": "Segment attribué par le programme",
        "segment_population_libelle": "Segment selon sa population",
        "departement": "Département",
        "departement_nom": "Nom du département",
        "region": "Région",
        "region_nom": "Nom de la région",
        **{lv.id: f"{lv.id} – {lv.label}" for lv in programme.definition.levers},
        "n_actives": "Leviers activés",
        "evalue": "Évalué à cette date",
        "date_dialogue": "Date du dialogue",
        "etape": "Étape",
        "n_dialogues": "Dialogues à cette date",
        "notes": "Notes",
        "contact": "Contact",
    }
    frame = _resolved(programme)[list(headers)].rename(columns=headers).reset_index(drop=True)
    follow = follow_up_table(programme).reindex(programme.territories.index)
    frame["Prochain dialogue"] = follow["prochain_dialogue"].map(lambda d: d.isoformat() if d else "").to_numpy()
    frame["Étape attendue"] = follow["prochaine_etape"].to_numpy()
    frame["Statut du suivi"] = follow["statut_txt"].to_numpy()
    for extra in extra_columns(programme):
        name = file_name(extra)
        frame[f"{name} (fichier)" if name in frame.columns else name] = (
            programme.territories[extra].fillna("").to_numpy()
        )
    return frame


def to_csv(frame: pd.DataFrame, *, meta: dict[str, str] | None = None, decimal: str = ".") -> bytes:
    """CSV for a French Excel: UTF-8 with BOM, ``;`` separator, formulas neutralised.

    ``meta`` is written first as ``# clé: valeur`` lines (read back by an import);
    ``decimal`` is the decimal mark of the numbers (« , » for figures read in a French Excel).
    """
    buffer = io.StringIO()
    for key, value in (meta or {}).items():
        buffer.write(meta_line(key, value) + "\r\n")
    neutralise_frame(frame).to_csv(buffer, sep=CSV_SEPARATOR, decimal=decimal, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")


def meta_line(key: object, value: object) -> str:
    """``# clé: valeur`` as one CSV cell (quoted if it holds ``;`` or ``"``): never split, never a formula.

    Unquoted, ``# note: a;=1+1`` would give a spreadsheet a second cell, ``=1+1``.
    """
    line = f"# {' '.join(str(clean(key)).split())}: {' '.join(str(clean(value)).split())}"
    if CSV_SEPARATOR in line or '"' in line:
        return '"' + line.replace('"', '""') + '"'
    return line


def _write_sheet(book: Workbook, title: str, frame: pd.DataFrame) -> None:
    sheet = book.create_sheet(title)
    safe = _text_cells(frame, _xlsx_text)
    sheet.append(list(safe.columns))
    for row in safe.itertuples(index=False):
        sheet.append([None if isinstance(v, float) and pd.isna(v) else v for v in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # never a formula, whatever the text
    sheet.freeze_panes = "A2"


def definition_frame(definition: ProgrammeDefinition) -> pd.DataFrame:
    """The « Définition » sheet: the definition's TOML text, one line per row (read back on import)."""
    return pd.DataFrame({DEFINITION_HEADER: render_definition(definition).splitlines()}, dtype=object)


def to_xlsx(programme: Programme, *, info: dict[str, str] | None = None) -> bytes:
    """Workbook: « Programme » (importable), « Territoires » (resolved), « Informations », « Définition »
    (the programme's definition: importing the workbook applies it too)."""
    book = Workbook()
    book.remove(book.active)
    _write_sheet(book, "Programme", file_frame(programme))
    _write_sheet(book, "Territoires", table_frame(programme))
    details = {**(info or {}), **{f"meta.{k}": v for k, v in programme.meta.items()}}
    _write_sheet(
        book, "Informations", pd.DataFrame({"Clé": list(details), "Valeur": list(details.values())}, dtype=object)
    )
    _write_sheet(book, DEFINITION_SHEET, definition_frame(programme.definition))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_geojson(programme: Programme, *, tolerance: float | None = None) -> bytes:
    """GeoJSON FeatureCollection (EPSG:4326), feature id = code, simplified geometry."""
    data = programme.territories
    props = clean_frame(_resolved(programme).drop(columns="type_libelle"))
    geometry = simplify(data.geometry, tolerance=tolerance if tolerance is not None else tolerance_for(len(data)))
    frame = gpd.GeoDataFrame(props, geometry=geometry.to_numpy(), crs=data.crs).to_crs(4326)
    collection = json.loads(frame.to_json(na="null", show_bbox=False, drop_id=False))
    collection["metadata"] = {"source": "IGN – ADMIN EXPRESS ; INSEE", "demonstration": programme.is_demo}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sheets_to_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook of the given sheets (title → frame), every text a text cell (live workshop rooms)."""
    book = Workbook()
    book.remove(book.active)
    for title, frame in sheets.items():
        _write_sheet(book, title, frame)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
