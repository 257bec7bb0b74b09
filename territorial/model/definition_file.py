"""The programme's definition as a TOML text, in the format of ``data/programme.toml``.

:func:`render_definition` writes a definition (``parse(render(d)) == d``);
:func:`definition_from_text` reads and validates one (a stored version's, an imported
file's); :func:`definition_data` gives the plain structure both share, which the
editor's form changes before it is validated again by :func:`parse_definition`.
"""

from __future__ import annotations

import tomllib

from territorial.core.fmt import toml_string
from territorial.model.definition import DefinitionError, ProgrammeDefinition, parse_definition

HEADER = (
    "# Définition du programme, au format de data/programme.toml.\n"
    "# Écrite par le tableau de bord ; elle peut être modifiée puis importée de nouveau (page Données).\n"
)


def definition_from_text(text: str, *, source: str = "") -> ProgrammeDefinition:
    """Read and validate a definition from TOML text; :class:`DefinitionError` lists every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError([f"syntaxe TOML incorrecte : {exc}"], source=source) from exc
    return parse_definition(data, source=source)


def definition_data(definition: ProgrammeDefinition) -> dict:
    """The definition as the structure of its TOML file (the keys of ``data/programme.toml``)."""
    return {
        "programme": {
            "nom": definition.name,
            "porteur": definition.sponsor,
            "periode": definition.period,
            "proxy": definition.proxy,
        },
        "segments": [
            {
                "id": s.id,
                "libelle": s.label,
                "min": s.minimum,
                **({"max": s.maximum} if s.maximum is not None else {}),
                "couleur": s.colour,
                "description": s.description,
            }
            for s in definition.segments
        ],
        "leviers": [
            {"id": lv.id, "libelle": lv.label, "court": lv.short, "description": lv.description, "couleur": lv.colour}
            for lv in definition.levers
        ],
        "activation": {
            "seuil_active": definition.active_from,
            "niveaux": [{"valeur": lv.value, "libelle": lv.label} for lv in definition.levels],
        },
        "suivi": {"intervalle_mois": definition.follow_up_months},
    }


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return toml_string(str(value))


def _pairs(table: dict) -> list[str]:
    return [f"{key} = {_value(value)}" for key, value in table.items()]


def render_definition(definition: ProgrammeDefinition) -> str:
    """The definition as TOML text, in the format of ``data/programme.toml``."""
    data = definition_data(definition)
    lines = [HEADER, "[programme]", *_pairs(data["programme"]), ""]
    lines.append(
        "# Segments : bornes de population [min, max[ ; le premier commence à 0, le dernier n'a pas de maximum."
    )
    for segment in data["segments"]:
        lines += ["[[segments]]", *_pairs(segment), ""]
    lines.append("# Leviers d'action prioritaires.")
    for lever in data["leviers"]:
        lines += ["[[leviers]]", *_pairs(lever), ""]
    lines += ["# Niveaux d'activation d'un levier. Un levier est « activé » à partir du seuil."]
    lines += ["[activation]", f"seuil_active = {data['activation']['seuil_active']}", ""]
    for level in data["activation"]["niveaux"]:
        lines += ["[[activation.niveaux]]", *_pairs(level), ""]
    lines += ["# Délai attendu entre deux dialogues, en mois.", "[suivi]", *_pairs(data["suivi"]), ""]
    return "\n".join(lines)


__all__ = ["HEADER", "definition_data", "definition_from_text", "render_definition"]
