"""The review of a file whose territories are given by name (page Données, import tab).

Every row by name is shown with the territory proposed (official name, type, département,
population and its year, segment) and how sure the match is: « sûr », « à choisir »,
« introuvable ». Ambiguous rows offer their candidates (largest first); a row not found lets
the coordinator search the reference or declare a groupement by its members' names. Nothing
is validated nor saved until every row is settled; then the settled table goes through the
usual validation, preview and confirmation (:mod:`territorial.ui.importer`), and can be
downloaded with its codes so that the next import is exact. Text from the file is escaped.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath

import pandas as pd
import streamlit as st

from territorial.core.codes import is_code, normalise_code
from territorial.core.fmt import escape_markdown, fr_pop, plural
from territorial.editing import changes
from territorial.model.definition import ProgrammeDefinition
from territorial.model.names import AMBIGUOUS, CERTAIN, Candidate, Match, NameIndex
from territorial.model.names_file import Groupement, NamesFile, certain_count, groupement_code, members_of
from territorial.model.populations import years_text
from territorial.model.problems import ProgrammeFileError
from territorial.model.reference import Reference
from territorial.takeaways.exports import to_csv
from territorial.ui import data
from territorial.ui.editor import bounded_table

#: How sure a match is, as the review says it.
SURENESS = {CERTAIN: "sûr", AMBIGUOUS: "à choisir", "introuvable": "introuvable"}
SEARCH = "__chercher__"
GROUPEMENT = "__groupement__"
#: Rows to settle shown at once (the next ones appear as these are settled).
SHOWN = 40


@st.cache_resource(show_spinner="Préparation de la recherche des territoires par nom…")
def _index(_reference: Reference, key: str) -> NameIndex:
    return NameIndex(_reference)


def name_index() -> NameIndex:
    """The name index of the reference in use (built once per process)."""
    reference = data.reference()
    return _index(reference, reference.populations.key)


def candidate_label(candidate: Candidate) -> str:
    """« Saint-Denis — Commune, La Réunion (974), 155 634 hab. (2023) » (plain text, for a list)."""
    where = {
        "region": "",
        "departement": f" ({candidate.code})",
    }.get(candidate.kind, f", {candidate.departement_name} ({candidate.departement})")
    return f"{candidate.name} — {candidate.kind_label}{where}, {fr_pop(candidate.population)} ({candidate.year})"


def _choices(found: NamesFile, prefix: str, index: NameIndex) -> dict[int, Candidate | Groupement]:
    """What the coordinator chose so far, read from the widgets' state."""
    out: dict[int, Candidate | Groupement] = {}
    for position in found.review:
        choice = st.session_state.get(f"{prefix}_{position}")
        if choice == SEARCH:
            choice = st.session_state.get(f"{prefix}_{position}_resultat")
        if choice == GROUPEMENT:
            code = normalise_code(st.session_state.get(f"{prefix}_{position}_code", ""))
            members, problems = members_of(st.session_state.get(f"{prefix}_{position}_membres", ""), index)
            if is_code(code) and members and not problems:
                out[position] = Groupement(code, tuple(m.code for m in members))
        elif choice:
            kind, _, code = str(choice).partition(":")
            candidate = index.candidate(kind, code)
            if candidate is not None:
                out[position] = candidate
    return out


def _population_of(choice: Candidate | Groupement, index: NameIndex) -> tuple[int, str]:
    if isinstance(choice, Candidate):
        return choice.population, choice.year
    found = [index.candidate("epci" if len(c) == 9 else "commune", c) for c in choice.members]
    members = [m for m in found if m is not None]
    return sum(m.population for m in members), years_text(m.year for m in members)


def review_frame(
    found: NamesFile,
    choices: dict[int, Candidate | Groupement],
    *,
    index: NameIndex,
    definition: ProgrammeDefinition,
    reference: Reference,
) -> pd.DataFrame:
    """One row per row by name: as written, the territory retained, its type, département,
    population (with its year), segment, and how sure the match was."""
    rows = []
    years = []
    for position in found.review:
        match: Match = found.matches[position]
        choice = choices.get(position) or match.chosen
        population, year = _population_of(choice, index) if choice is not None else (None, "")
        if year:
            years.append(year)
        if isinstance(choice, Groupement):
            name, kind, where = f"{found.written[position]} ({choice.code})", "Groupement", ""
            name += f", {plural(len(choice.members), 'membre')}"
        elif choice is not None:
            name, kind = choice.name, choice.kind_label
            where = f"{choice.departement_name} ({choice.departement})" if choice.departement else ""
        else:
            n = len(match.candidates)
            name, kind, where = (f"— ({plural(n, 'candidat')})" if n else "—"), "", ""
        rows.append(
            {
                "Ligne": found.rows[position],
                "Nom écrit": found.written[position],
                "Territoire retenu": name,
                "Type": kind,
                "Département": where,
                "population": fr_pop(population) + f" ({year})" if population is not None else "",
                "Segment": definition.segment_of(population).label if population is not None else "",
                "Sûreté": SURENESS[match.status] + (" → choisi" if position in choices else ""),
            }
        )
    frame = pd.DataFrame(rows)
    return frame.rename(columns={"population": reference.populations.column(years_text(years))})


def _chosen_name(found: NamesFile, row: int) -> str:
    """The name of the territory chosen for a row that has one (a sure row)."""
    chosen = found.matches[row].chosen
    assert chosen is not None, row
    return chosen.name


def review_section(pending: dict, *, filename: str) -> bool:
    """Show the review of a file of names; True once every row is settled and the file validated
    (``pending["result"]`` then holds the validated table or its problems)."""
    found: NamesFile = pending["names"]
    index = name_index()
    definition = pending.get("definition") or data.definition_of(data.version(pending["base"]))
    reference = data.reference()
    prefix = "noms_" + hashlib.sha1(repr(pending["key"]).encode()).hexdigest()[:10]
    total, certain = len(found.review), certain_count(found)
    st.info(
        f"Territoires donnés par leur nom : {plural(total, 'ligne')} à rapprocher du référentiel — "
        f"{certain} sûre(s), {total - certain} à régler. Rien n'est enregistré avant que chaque ligne soit réglée."
    )
    others = len(found.table) - total
    if others:
        st.caption(f"{plural(others, 'autre ligne')} du fichier ont déjà un code : elles sont gardées telles quelles.")
    if "departement" in found.columns:
        st.caption(
            f"La colonne « {escape_markdown(found.columns['departement'])} » sert à reconnaître les noms ; "
            "le fichier validé ne la garde pas (le code dit le département)."
        )
    unsettled = [p for p in found.review if found.matches[p].status != CERTAIN]
    _prefill(found, prefix)
    sure = [p for p in found.review if p not in unsettled]
    kept = set(unsettled) | set(st.session_state.get(f"{prefix}_corriger", []))  # a sure row once reopened
    chosen = {p: c for p, c in _choices(found, prefix, index).items() if p in kept}  # this run's state already
    bounded_table(review_frame(found, chosen, index=index, definition=definition, reference=reference), what="lignes")
    reopened = (
        st.multiselect(
            "Corriger une ligne sûre",
            sure,
            format_func=lambda p: f"Ligne {found.rows[p]} : {found.written[p]} → {_chosen_name(found, p)}",
            key=f"{prefix}_corriger",
            placeholder="Choisir une ou plusieurs lignes…",
            help="Une ligne reconnue sans doute possible peut quand même désigner un autre territoire "
            "(« Lyon » pour la Métropole de Lyon) : choisissez-la pour la corriger.",
        )
        if sure
        else []
    )
    waiting = [p for p in unsettled if p not in chosen][:SHOWN]
    if unsettled or reopened:
        st.markdown("**Lignes à régler**")
    for position in found.review:  # a choice's widgets stay, or Streamlit would forget it
        if position in reopened or position in unsettled and (position in chosen or position in waiting):
            _settle_row(found, position, prefix, index)
    choices = {p: c for p, c in _choices(found, prefix, index).items() if p in unsettled or p in reopened}
    left = [p for p in unsettled if p not in choices]
    if left:
        st.warning(f"Encore {plural(len(left), 'ligne')} à régler avant la validation du fichier.")
        return False
    signature = tuple(sorted((p, repr(c)) for p, c in choices.items()))
    if pending.get("signature") != signature:
        try:
            pending["result"] = changes.validate_settled(
                found, choices, filename=filename, definition=definition, reference=reference
            )
        except ProgrammeFileError as exc:
            pending["result"] = exc
        pending["signature"] = signature
    st.download_button(
        "Télécharger le fichier avec les codes (CSV)",
        data=to_csv(found.settled(choices)),
        file_name=f"{PurePath(filename).stem}-avec-codes.csv",
        mime="text/csv",
        key=f"{prefix}_telecharger",
        help="Le même fichier, les codes et les types remplis : le prochain import sera exact.",
    )
    return True


def _prefill(found: NamesFile, prefix: str) -> None:
    """A groupement being declared starts with a code made from its name and the file's own members."""
    for position in found.review:
        if found.matches[position].groupement:  # a PETR, a park… or the type column says so
            st.session_state.setdefault(f"{prefix}_{position}", GROUPEMENT)
        if st.session_state.get(f"{prefix}_{position}") == GROUPEMENT:
            st.session_state.setdefault(f"{prefix}_{position}_code", groupement_code(found.written[position]))
            st.session_state.setdefault(
                f"{prefix}_{position}_membres", "\n".join(found.members.get(position, "").split())
            )


def _settle_row(found: NamesFile, position: int, prefix: str, index: NameIndex) -> None:
    """The widgets that settle one row: its candidates, a search of the reference, or a groupement."""
    match = found.matches[position]
    row, written = found.rows[position], found.written[position]
    st.markdown(f"**Ligne {row}** : « {escape_markdown(written)} » — {escape_markdown(match.reason)}")
    options = [c.key for c in match.candidates] + [SEARCH, GROUPEMENT]
    labels = {c.key: candidate_label(c) for c in match.candidates}
    labels |= {SEARCH: "Chercher un autre territoire dans le référentiel…", GROUPEMENT: "Déclarer un groupement…"}
    choice = st.selectbox(
        f"Territoire de la ligne {row}",
        options,
        index=None,
        format_func=labels.__getitem__,
        placeholder="À choisir…",
        key=f"{prefix}_{position}",
    )
    if choice == SEARCH:
        text = st.text_input(f"Chercher par nom (ligne {row})", key=f"{prefix}_{position}_recherche")
        results = index.search(text) if text else []
        if text and not results:
            st.caption("Aucun territoire trouvé : essayez une partie du nom.")
        if results:
            st.selectbox(
                f"Résultats (ligne {row})",
                [c.key for c in results],
                index=None,
                format_func={c.key: candidate_label(c) for c in results}.__getitem__,
                placeholder="Choisissez un territoire…",
                key=f"{prefix}_{position}_resultat",
            )
    elif choice == GROUPEMENT:
        code_key = f"{prefix}_{position}_code"
        st.text_input(f"Code du groupement (ligne {row})", key=code_key, max_chars=40)
        if not is_code(normalise_code(st.session_state.get(code_key, ""))):
            st.caption("Code : lettres sans accent, chiffres, tirets (-) ; 40 caractères au plus.")
        members_key = f"{prefix}_{position}_membres"
        members = st.text_area(
            f"Membres du groupement (ligne {row}) : un nom ou un code de commune ou d'EPCI par ligne",
            key=members_key,
        )
        found_members, problems = members_of(members, index)
        if found_members:
            st.caption(
                "Membres reconnus : "
                + escape_markdown(" ; ".join(f"{m.name} ({m.departement})" for m in found_members))
            )
        for problem in problems:
            st.warning(escape_markdown(problem))
