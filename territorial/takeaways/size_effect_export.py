"""The size effect's figures for researchers: CSV (French Excel) and XLSX.

One row per lever × segment (:data:`territorial.content.size_effect.EXPORT_COLUMNS`: shares and
bounds as fractions, the lever's p-values and V repeated on each of its rows). The CSV is the
dashboard's (UTF-8 with BOM, ``;`` separator, formulas neutralised) with a decimal comma, as a
French Excel or R's ``read.csv2`` reads it; the XLSX adds the tests and the sentences.
"""

from __future__ import annotations

import pandas as pd

from territorial.content.size_effect import SizeEffect, export_table, method_label
from territorial.content.size_effect_text import findings, method_text
from territorial.model.programme import Programme
from territorial.takeaways.exports import sheets_to_xlsx, to_csv


def size_effect_csv(effect: SizeEffect, programme: Programme) -> bytes:
    """The lever × segment table as CSV (decimal comma, see module doc)."""
    return to_csv(export_table(effect, programme), decimal=",")


def tests_frame(effect: SizeEffect) -> pd.DataFrame:
    """One row per question (each lever, then the progression): p-values, V, trend, method."""
    rows = []
    for question in effect.questions.values():
        rows.append(
            {
                "question": question.label,
                "territoires": question.n,
                "segments_testes": " ".join(question.tested),
                "p_valeur": question.p,
                "p_holm": question.p_holm,
                "v_cramer": question.v,
                "p_tendance": question.trend_p,
                "p_tendance_holm": question.trend_p_holm,
                "sens_tendance": {1: "hausse avec la taille", -1: "baisse avec la taille"}.get(
                    question.trend_direction, ""
                ),
                "methode": method_label(question),
            }
        )
    return pd.DataFrame(rows)


def size_effect_xlsx(effect: SizeEffect, programme: Programme) -> bytes:
    """Workbook: « Parts par segment », « Tests », « Ce que montrent les données », « Méthode »."""
    definition = programme.definition
    return sheets_to_xlsx(
        {
            "Parts par segment": export_table(effect, programme),
            "Tests": tests_frame(effect),
            "Ce que montrent les données": pd.DataFrame({"phrase": [f.text for f in findings(effect, definition)]}),
            "Méthode": pd.DataFrame({"méthode": method_text(definition)}),
        }
    )
