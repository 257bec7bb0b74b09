"""The programme's vocabulary, in one place: kinds of territory and the columns of a
programme table (file, store, editor and exports all use these names)."""

from __future__ import annotations

from collections.abc import Iterable

#: Kinds of territory a programme can hold (the ``type`` column).
TERRITORY_KINDS = ("commune", "epci", "departement", "region", "groupement")
#: A kind as a table shows it.
KIND_LABELS = {
    "commune": "Commune",
    "epci": "Intercommunalité",
    "departement": "Département",
    "region": "Région",
    "groupement": "Groupement",
}
#: A kind in a sentence (« … est une commune »).
KIND_IN_A_SENTENCE = {
    "commune": "une commune",
    "epci": "une intercommunalité (EPCI)",
    "departement": "un département",
    "region": "une région",
    "groupement": "un groupement",
}
#: A ``type`` cell (or a kind in brackets), folded, and the kind (and EPCI nature) it means.
KIND_WORDS: dict[str, tuple[str, str]] = {
    "commune": ("commune", ""),
    "com": ("commune", ""),
    "ville": ("commune", ""),
    "epci": ("epci", ""),
    "intercommunalite": ("epci", ""),
    "interco": ("epci", ""),
    "cc": ("epci", "CC"),
    "communaute de communes": ("epci", "CC"),
    "ca": ("epci", "CA"),
    "communaute d'agglomeration": ("epci", "CA"),
    "agglomeration": ("epci", "CA"),
    "cu": ("epci", "CU"),
    "communaute urbaine": ("epci", "CU"),
    "me": ("epci", "ME"),
    "metropole": ("epci", "ME"),
    "departement": ("departement", ""),
    "dep": ("departement", ""),
    "dept": ("departement", ""),
    "region": ("region", ""),
    "reg": ("region", ""),
    "groupement": ("groupement", ""),
    "petr": ("groupement", ""),
    "pays": ("groupement", ""),
    "pnr": ("groupement", ""),
}

#: The reference layer holding the codes of a kind (a groupement is made of members).
LAYER_OF_KIND = {"commune": "communes", "epci": "epci", "departement": "departements", "region": "regions"}

#: Columns of a programme table, in file order: identity, the levers (from the
#: definition), then the dialogue they were assessed in. One row per territory and
#: dialogue (long form); a file with one row per territory is the same with one dialogue each.
IDENTITY_COLUMNS = ("code", "type", "nom", "membres", "segment")
#: The programme's own segment of a territory (an id of the definition), whatever its population;
#: empty: the population rule of the definition places it.
PROGRAMME_SEGMENT = "segment"
DIALOGUE_DATE = "date_dialogue"
#: Optional label of the dialogue's stage in the method (« T0 », « T+12 »…).
DIALOGUE_STAGE = "etape"
DIALOGUE_TEXTS = (DIALOGUE_STAGE, "notes", "contact")
DIALOGUE_COLUMNS = (DIALOGUE_DATE, *DIALOGUE_TEXTS)
#: The columns a programme file names itself (the levers' ids come from the definition).
NAMED_COLUMNS = (*IDENTITY_COLUMNS, *DIALOGUE_COLUMNS)


def programme_columns(lever_ids: Iterable[str]) -> list[str]:
    """Every column of a programme table, in file order."""
    return [*IDENTITY_COLUMNS, *lever_ids, *DIALOGUE_COLUMNS]
