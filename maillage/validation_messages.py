"""French wording of pydantic's validation errors, for the API's 422 answers.

Each message keeps the precision of the original (the expected values, the limits); a type that
has no wording here keeps pydantic's English message rather than a vague French one.
"""

from __future__ import annotations

from typing import Any

_MESSAGES = {
    "missing": "Champ obligatoire.",
    "string_type": "Texte attendu.",
    "int_type": "Nombre entier attendu.",
    "int_parsing": "Nombre entier attendu.",
    "float_parsing": "Nombre attendu.",
    "bool_parsing": "Booléen attendu (true ou false).",
    "list_type": "Liste attendue.",
    "dict_type": "Objet attendu.",
    "model_type": "Objet attendu.",
    "date_from_datetime_parsing": "Date attendue au format AAAA-MM-JJ.",
    "date_parsing": "Date attendue au format AAAA-MM-JJ.",
    "datetime_parsing": "Date et heure attendues au format ISO 8601.",
    "json_invalid": "JSON invalide : {error}.",
    "string_too_short": "Trop court : au moins {min_length} caractère(s).",
    "string_too_long": "Trop long : au plus {max_length} caractères.",
    "too_short": "Au moins {min_length} élément(s) attendu(s).",
    "too_long": "Au plus {max_length} éléments.",
    "greater_than_equal": "Doit être supérieur ou égal à {ge}.",
    "less_than_equal": "Doit être inférieur ou égal à {le}.",
    "greater_than": "Doit être supérieur à {gt}.",
    "less_than": "Doit être inférieur à {lt}.",
    "string_pattern_mismatch": "Format invalide (motif attendu : {pattern}).",
    "enum": "Valeur non reconnue ; valeurs possibles : {expected}.",
    "literal_error": "Valeur non reconnue ; valeurs possibles : {expected}.",
    "url_parsing": "Adresse web invalide.",
    "value_error": "{error}",
}


def french_message(error: dict[str, Any]) -> str:
    template = _MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", ""))
    context = dict(error.get("ctx", {}))
    if "expected" in context:
        context["expected"] = str(context["expected"]).replace(" or ", " ou ")
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return str(error.get("msg", ""))
