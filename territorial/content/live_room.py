"""What a live workshop room shows and computes, without Streamlit.

* the questions and their texts (levels of the 4 levers, then the lever to strengthen first);
* the territories a participant may choose (programme territories, searchable by name or code,
  or « autre territoire » with its size band) and the checks of what they send;
* the results: answers and participants, each lever's distribution, the room compared with the
  programme's figures **for the same segments**, the priority levers, the map of the territories
  that answered;
* for a closed room, one proposed assessment per programme territory that answered (the median
  of its answers), for an editor to review;
* the participation address the QR code carries.

Texts typed by participants are plain text here: the pages escape them.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import folium
import pandas as pd
from branca.element import Element

from territorial.cartography.geometry import MapFrame, MapOutlines
from territorial.content.colouring import COLOUR_SEGMENT
from territorial.content.territory_map import map_frame, programme_map
from territorial.content.workshop import MAP_CSS
from territorial.core import palette
from territorial.core.clock import paris_day
from territorial.core.fmt import escape_html, fr_float, fr_int, plural
from territorial.model.programme import Programme
from territorial.storage.rooms import LEVELS, OTHER, PRIORITY, Room, RoomError, Territory

QUESTION_TITLES = {
    LEVELS: "Où en est votre territoire sur chacun des 4 leviers ?",
    PRIORITY: "Quel levier voulez-vous renforcer en priorité ?",
}
#: What the participant page says is kept (no account, no personal data).
KEPT_TEXT = (
    "**Ce qui est gardé** : le territoire choisi, vos réponses et leur heure, et un identifiant tiré au "
    "hasard pour ce navigateur (dans l'adresse de la page), qui permet de modifier votre réponse au lieu "
    "d'en ajouter une. Ni compte, ni nom, ni adresse électronique, ni adresse IP. Les réponses restent "
    "dans le tableau de bord du programme comme compte rendu de l'atelier."
)
PARTICIPATION_PATH = "participer"
ROOM_PARAM = "salle"


def question_title(question: int) -> str:
    return QUESTION_TITLES[question]


def territory_options(programme: Programme) -> dict[str, str]:
    """Programme territories, code → « Nom (Nature, dép.) – code » (searchable by name or code), by name."""
    data = programme.territories.sort_values("nom")
    out = {}
    for code, row in data.iterrows():
        where = next((str(v) for v in (row.get("departement"), row.get("region")) if isinstance(v, str) and v), "")
        out[str(code)] = f"{row['nom']} ({row['type_label']}{', ' + where if where else ''}) – {code}"
    return out


def segment_options(programme: Programme) -> dict[str, str]:
    """Size bands for an « autre territoire »: segment id → « Petits territoires (< 50 000 hab.) »."""
    return {s.id: f"{s.label} ({s.bounds_label})" for s in programme.definition.segments}


def level_options(programme: Programme) -> dict[int, str]:
    return {lv.value: f"{lv.value} – {lv.label}" for lv in programme.definition.levels}


def participant_territory(programme: Programme, choice: str | None, *, segment: str | None, name: str) -> Territory:
    """The territory a participant answers for; a French :class:`RoomError` when the choice is unusable."""
    if not choice:
        raise RoomError("Choisissez d'abord votre territoire (ou « Autre territoire »).")
    if choice == OTHER:
        if segment not in programme.definition.segment_ids:
            raise RoomError("Autre territoire : choisissez sa taille (nombre d'habitants).")
        return Territory(None, OTHER, name or "", segment)
    data = programme.territories
    if choice not in data.index:
        raise RoomError("Ce territoire ne fait pas partie du programme : choisissez-le dans la liste.")
    row = data.loc[choice]
    return Territory(str(choice), str(row["type"]), str(row["nom"]), str(row["segment"]))


def checked_levels(programme: Programme, levels: Mapping[str, object]) -> dict[str, int]:
    """One level per lever, each a level of the definition; French error naming what is missing."""
    definition = programme.definition
    allowed = {lv.value for lv in definition.levels}
    missing = [lv.label for lv in definition.levers if levels.get(lv.id) not in allowed]
    if missing:
        raise RoomError("Réponse incomplète : choisissez un niveau pour « " + " », « ".join(missing) + " ».")
    return {lv.id: int(levels[lv.id]) for lv in definition.levers}  # type: ignore[call-overload]  # values of allowed: ints


def checked_priority(programme: Programme, lever: object) -> str:
    if lever not in programme.definition.lever_ids:
        raise RoomError("Choisissez le levier que vous voulez renforcer en priorité.")
    return str(lever)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RoomResults:
    question: int
    n_answers: int
    #: lever id → level → count (LEVELS), every lever and level present
    distribution: pd.DataFrame
    #: per lever: room mean, programme mean over the same segments (weighted like the room), n
    comparison: pd.DataFrame
    #: lever id → count (PRIORITY)
    priorities: pd.Series
    #: programme code → answers for it
    answered: pd.Series
    #: answers for an « autre territoire »
    others: int
    #: segment id → answers
    segments: pd.Series


def room_results(programme: Programme, answers: pd.DataFrame, question: int) -> RoomResults:
    """Aggregate the answers to one question (one current answer per participant already)."""
    definition = programme.definition
    levers, levels = definition.lever_ids, [lv.value for lv in definition.levels]
    n = len(answers)
    codes = answers["territory_code"].dropna() if n else pd.Series(dtype=object)
    answered = codes[codes.isin(programme.territories.index)].value_counts()
    segments = (
        answers["segment"].value_counts().reindex(definition.segment_ids, fill_value=0)
        if n
        else pd.Series(0, index=definition.segment_ids)
    )
    distribution = pd.DataFrame(0, index=levers, columns=levels)
    comparison = pd.DataFrame({"room": math.nan, "programme": math.nan, "n": 0}, index=levers, dtype=object).astype(
        {"room": float, "programme": float, "n": int}
    )
    priorities = pd.Series(0, index=levers)
    if question == LEVELS and n:
        table = pd.DataFrame([a or {} for a in answers["levels"]], columns=levers)
        for lever in levers:
            counts = table[lever].dropna().astype(int).value_counts()
            distribution.loc[lever] = counts.reindex(levels, fill_value=0).to_numpy()
        comparison = _comparison(programme, table, answers["segment"].reset_index(drop=True))
    elif question == PRIORITY and n:
        priorities = answers["priority"].value_counts().reindex(levers, fill_value=0)
    return RoomResults(question, n, distribution, comparison, priorities, answered, int(n - codes.size), segments)


def _comparison(programme: Programme, table: pd.DataFrame, segments: pd.Series) -> pd.DataFrame:
    """Per lever: the room's mean level, and the programme's mean level in the room's segments,
    each segment weighted by its share of the room's answers (so both sides have the same mix)."""
    data = programme.territories
    weights = segments.value_counts(normalize=True)
    rows = {}
    for lever in programme.lever_ids:
        by_segment = data.groupby("segment")[lever].mean()
        present = [s for s in weights.index if s in by_segment.index]
        total = weights[present].sum()
        reference = float(sum(by_segment[s] * weights[s] for s in present) / total) if present and total else math.nan
        rows[lever] = {"room": float(table[lever].mean()), "programme": reference, "n": int(table[lever].count())}
    return pd.DataFrame.from_dict(rows, orient="index")


def comparison_sentence(programme: Programme, results: RoomResults, lever: str) -> str:
    """« Salle : 1,8 — programme, mêmes segments : 1,4 » (mean levels)."""
    row = results.comparison.loc[lever]
    if not row["n"]:
        return "Pas encore de réponse."
    reference = "–" if math.isnan(row["programme"]) else fr_float(row["programme"])
    return f"Salle : {fr_float(row['room'])} — programme, mêmes segments : {reference}"


def results_sentence(programme: Programme, results: RoomResults) -> str:
    """The text alternative of the results: answers, territories, what the room says."""
    parts = [plural(results.n_answers, "réponse")]
    parts.append(f"{plural(len(results.answered), 'territoire')} du programme")
    if results.others:
        parts.append(f"{plural(results.others, 'réponse')} pour un autre territoire")
    return ", ".join(parts) + "."


# --------------------------------------------------------------------------- map


def room_map(programme: Programme, answered: pd.Series, *, outlines: MapOutlines, height: int) -> folium.Map:
    """The programme's territories: those that answered in their segment's colour, the others grey."""
    data = programme.territories
    view = map_frame(programme, data, mode=COLOUR_SEGMENT)
    codes = view.shapes["code"]
    inside = codes.isin(answered.index)
    view.shapes.loc[~inside, "couleur"] = palette.NOT_IN_PROGRAMME
    n_in = int(answered.index.isin(data.index).sum())
    legend = [
        ("#1f4e79", f"Ont répondu : {fr_int(n_in)} (couleur de leur segment)"),
        (palette.NOT_IN_PROGRAMME, f"Sans réponse : {fr_int(len(data) - n_in)}"),
    ]
    m = programme_map(MapFrame(view.shapes, legend, "Territoires de la salle"), outlines=outlines, height=height)
    m.get_root().header.add_child(Element(f"<style>{MAP_CSS}</style>"), name="atelier_css")
    return m


def map_caption(programme: Programme, results: RoomResults) -> str:
    n_in = len(results.answered)
    text = (
        f"Carte : en couleur (celle de leur segment), les {plural(n_in, 'territoire')} du programme dont "
        "quelqu'un a répondu ; en gris, les autres."
    )
    if results.others:
        text += f" {plural(results.others, 'réponse')} pour un territoire hors programme (pas sur la carte)."
    return text


# --------------------------------------------------------------------------- after the room


def proposed_assessments(programme: Programme, room: Room, answers: pd.DataFrame) -> pd.DataFrame:
    """For a **closed** room: one proposed row per programme territory that answered the levels question.

    Columns: code, type, one per lever (the median of the answers, rounded half up), n_answers
    (answers for this territory), room_date (the room's opening day in Paris, ISO). Answers of the
    latest round only; « autre territoire » answers are left out (no code). A proposal, for an
    editor to review before it becomes a new version.
    """
    if room.closed_at is None:
        raise RoomError("La salle n'est pas encore fermée : fermez-la avant de proposer une évaluation.")
    levers = programme.lever_ids
    columns = ["code", "type", *levers, "n_answers", "room_date"]
    mine = answers[
        (answers["question"] == LEVELS)
        & (answers["round"] == room.round)
        & answers["territory_code"].isin(programme.territories.index)
    ]
    rows = []
    for code, group in mine.groupby("territory_code", sort=True):
        table = pd.DataFrame(list(group["levels"]), columns=levers)
        row = {"code": code, "type": programme.territories.at[code, "type"]}
        row |= {lever: int(math.floor(table[lever].median() + 0.5)) for lever in levers}
        row |= {"n_answers": len(group), "room_date": paris_day(room.created_at).isoformat()}
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------- address


@dataclass(frozen=True)
class Address:
    base: str  # « http://192.168.1.20:8501 »
    source: str  # what the page says about where it comes from
    reachable: bool  # False when only this machine can open it


def participation_address(
    *, configured: str | None, host: str | None, lan_ip: str | None, port: int, scheme: str = "http"
) -> Address:
    """The address phones open: the configured public URL, else the server's network address.

    ``host`` is the ``Host`` header the facilitator's browser used (kept when it is not a loopback
    name: the phones can use it too); ``lan_ip`` the machine's address on the local network.
    """
    if configured:
        parts = urlsplit(configured.strip())
        if parts.scheme in ("http", "https") and parts.netloc:
            return Address(
                configured.strip().rstrip("/"),
                "adresse publique configurée (TERRITORIAL_PUBLIC_URL)",
                True,
            )
    if host and not _loopback(host.rsplit(":", 1)[0].strip("[]")):
        return Address(f"{scheme}://{host}", "adresse utilisée par ce navigateur pour joindre le serveur", True)
    if lan_ip and not _loopback(lan_ip):
        return Address(
            f"{scheme}://{_host(lan_ip)}:{port}",
            "adresse de ce serveur sur le réseau local, détectée automatiquement : les téléphones doivent être "
            "sur le même réseau (Wi-Fi ou partage de connexion)",
            True,
        )
    return Address(
        f"{scheme}://localhost:{port}",
        "aucune adresse réseau trouvée : seule cette machine peut ouvrir ce lien. Connectez-la à un réseau "
        "Wi-Fi (ou activez son partage de connexion) ou définissez TERRITORIAL_PUBLIC_URL",
        False,
    )


def participation_url(address: Address, code: str) -> str:
    return f"{address.base}/{PARTICIPATION_PATH}?{urlencode({ROOM_PARAM: code})}"


def _loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host(ip: str) -> str:
    try:
        return f"[{ip}]" if ipaddress.ip_address(ip).version == 6 else ip
    except ValueError:
        return ip


# --------------------------------------------------------------------------- the projector's tables


def _bar(count: int, total: int) -> str:
    width = 0 if not total else round(100 * count / total)
    return f'<span class="salle-barre" style="width:{width}%"></span>'


def levels_table(programme: Programme, results: RoomResults) -> str:
    """Each lever: how many answers at each level (bars), and the room against the programme."""
    definition = programme.definition
    head = "".join(f'<th scope="col">{escape_html(lv.label)}</th>' for lv in definition.levels)
    rows = []
    for lever in definition.levers:
        counts = results.distribution.loc[lever.id]
        total = int(counts.sum())
        cells = "".join(
            f"<td>{_bar(int(counts[lv.value]), total)}<span>{fr_int(int(counts[lv.value]))}</span></td>"
            for lv in definition.levels
        )
        compare = escape_html(comparison_sentence(programme, results, lever.id))
        rows.append(f'<tr><th scope="row">{escape_html(lever.label)}<br><small>{compare}</small></th>{cells}</tr>')
    return (
        '<table class="salle-table"><caption>Réponses par levier et par niveau d\'activation ; niveau moyen '
        f"(0 à {definition.max_level}) de la salle et des territoires du programme des mêmes segments</caption>"
        f'<thead><tr><th scope="col">Levier</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def priority_table(programme: Programme, results: RoomResults) -> str:
    total = int(results.priorities.sum())
    counts = {lv.id: int(results.priorities[lv.id]) for lv in programme.definition.levers}
    rows = "".join(
        f'<tr><th scope="row">{escape_html(lv.label)}</th>'
        f"<td>{_bar(counts[lv.id], total)}<span>{fr_int(counts[lv.id])}</span></td></tr>"
        for lv in programme.definition.levers
    )
    return (
        '<table class="salle-table"><caption>Levier à renforcer en priorité</caption>'
        f'<thead><tr><th scope="col">Levier</th><th scope="col">Réponses</th></tr></thead><tbody>{rows}</tbody></table>'
    )
