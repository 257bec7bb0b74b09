"""The template a coordinator starts from: the columns of a programme file, one example row per
kind of territory (and one given by its name only), and what each column takes, in French.

The columns, the levers, the levels and the segments come from the programme's definition, so
the template speaks the programme's own vocabulary. The rows are real territories (codes of the
2026 reference); their levels and dates are examples, said as such in the « Instructions » sheet.
"""

from __future__ import annotations

import pandas as pd

from territorial.model.definition import ProgrammeDefinition
from territorial.model.vocabulary import DIALOGUE_COLUMNS, IDENTITY_COLUMNS
from territorial.takeaways.exports import sheets_to_xlsx, to_csv

#: The column that helps a name to be found (« Valence » in the Drôme, not in the Charente).
DEPARTEMENT = "departement"

#: One example per kind: code, type, nom, departement, membres, segment, then the dialogue.
_EXAMPLES = [
    ("76351", "commune", "Le Havre", "", "", "", "2025-03-14", "T0", "Exemple : commune donnée par son code INSEE."),
    (
        "243400520",
        "epci",
        "Communauté d'agglomération Lunel Agglo",
        "",
        "",
        "",
        "2025-04-02",
        "T0",
        "Exemple : intercommunalité donnée par son SIREN.",
    ),
    ("33", "departement", "Gironde", "", "", "", "2025-05-20", "T0", "Exemple : département (code INSEE)."),
    ("53", "region", "Bretagne", "", "", "S3", "2025-06-11", "T0", "Exemple : segment attribué par le programme."),
    (
        "PETR-LANGRES",
        "groupement",
        "PETR du Pays de Langres",
        "",
        "200072999 200027308 200070332",
        "",
        "2025-09-23",
        "T0",
        "Exemple : groupement défini par les SIREN de ses intercommunalités membres.",
    ),
    ("", "", "Ville de Valence", "26", "", "", "2025-10-07", "T0", "Exemple : territoire donné par son nom seul."),
]
_LEVELS = [(1, 2, 0, 1), (2, 1, 1, 2), (3, 2, 2, 3), (2, 3, 1, 3), (1, 0, 1, 2), (0, 1, 0, 1)]


def template_frame(definition: ProgrammeDefinition) -> pd.DataFrame:
    """The template's rows: the columns of a programme file plus ``departement``, six examples."""
    columns = [*IDENTITY_COLUMNS[:3], DEPARTEMENT, *IDENTITY_COLUMNS[3:], *definition.lever_ids, *DIALOGUE_COLUMNS]
    rows = []
    for example, levels in zip(_EXAMPLES, _LEVELS, strict=True):
        code, kind, name, departement, members, segment, day, stage, note = example
        levers = {
            lever: min(levels[i % len(levels)], definition.max_level) for i, lever in enumerate(definition.lever_ids)
        }
        rows.append(
            {
                "code": code,
                "type": kind,
                "nom": name,
                DEPARTEMENT: departement,
                "membres": members,
                "segment": segment if segment in definition.segment_ids else "",
                **levers,
                "date_dialogue": day,
                "etape": stage,
                "notes": note,
                "contact": "",
            }
        )
    return pd.DataFrame(rows, columns=columns, dtype=object)


def instructions(definition: ProgrammeDefinition) -> pd.DataFrame:
    """What each column takes, in French: « Colonne », « Obligatoire », « Ce qu'elle contient »."""
    levels = ", ".join(f"{lv.value} ({lv.label})" for lv in definition.levels)
    segments = ", ".join(f"{s.id} ({s.label})" for s in definition.segments)
    rows = [
        (
            "code",
            "oui, sauf si le nom suffit",
            "Code INSEE d'une commune (5 caractères, ex. 76351), d'un département (ex. 33, 2A, 974) ou d'une "
            "région (ex. 53) ; SIREN d'une intercommunalité (9 chiffres) ; identifiant libre d'un groupement. "
            "Laissé vide, le territoire est cherché par son nom et l'import vous demande de confirmer.",
        ),
        (
            "type",
            "oui, sauf si le nom suffit",
            "commune, epci, departement, region ou groupement (PETR, Pays, PNR…).",
        ),
        (
            "nom",
            "pour un groupement, ou sans code",
            "Le nom comme vous l'écrivez (« Ville du Havre », « CC du Grand Langres », « Département de la "
            "Gironde », « Saint-Denis (974) ») : il est rapproché du référentiel officiel ; un nom porté par "
            "plusieurs territoires vous est soumis, jamais choisi seul. Avec un code, le nom officiel est repris.",
        ),
        (
            DEPARTEMENT,
            "non",
            "Le département (code ou nom) d'un territoire donné par son nom : il départage les homonymes "
            "(Valence de la Drôme : 26).",
        ),
        (
            "membres",
            "pour un groupement",
            "Codes de ses communes ou SIREN de ses EPCI membres, séparés par des espaces.",
        ),
        (
            "segment",
            "non",
            f"Le segment du programme, s'il n'est pas celui que donne la population : {segments}. "
            "Vide : le segment est celui de la population municipale officielle.",
        ),
        *(
            (lever.id, "oui", f"{lever.label} : niveau d'activation constaté lors du dialogue, {levels}.")
            for lever in definition.levers
        ),
        (
            "date_dialogue",
            "si un territoire a plusieurs lignes",
            "Date du dialogue de gouvernance : 2025-03-15, 15/03/2025, « 15 mars 2025 » ou « mars 2025 ».",
        ),
        ("etape", "non", "Étape de la méthode : T0, T+12, T+24, T+36."),
        ("notes", "non", "Ce que vous voulez garder du dialogue."),
        ("contact", "non", "La personne à joindre."),
    ]
    frame = pd.DataFrame(rows, columns=["Colonne", "Obligatoire", "Ce qu'elle contient"])
    closing = pd.DataFrame(
        [
            (
                "",
                "",
                "Une ligne par territoire et par dialogue. Les lignes de la feuille « Programme » sont des "
                "exemples (territoires réels, niveaux et dates inventés) : remplacez-les par les vôtres. "
                "Les populations ne se saisissent pas : le tableau de bord utilise les populations légales "
                "de l'INSEE. Une colonne de plus est gardée telle quelle.",
            )
        ],
        columns=frame.columns,
    )
    return pd.concat([frame, closing], ignore_index=True)


def template_csv(definition: ProgrammeDefinition) -> bytes:
    """The template as a CSV for a French Excel (the instructions are in the XLSX)."""
    return to_csv(template_frame(definition))


def template_xlsx(definition: ProgrammeDefinition) -> bytes:
    """The template as a workbook: « Programme » (the rows to replace), « Instructions »."""
    return sheets_to_xlsx({"Programme": template_frame(definition), "Instructions": instructions(definition)})
