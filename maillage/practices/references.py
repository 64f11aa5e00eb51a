"""Turn the codes of an API payload into the objects that the write functions take.

Every unknown code is reported, by field, in one `ValidationError` raised before anything is
written; the write functions then check the rest (schemes, required fields, dates, markup).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from maillage.organisations.models import Organisation
from maillage.practices.operations import TERM_SCHEMES
from maillage.referential.models import Term
from maillage.territories.models import Territory


def _codes(value: Any) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _any_of(pairs: set[tuple[str, str]], first: str, second: str) -> Q:
    query = Q(pk__in=[])
    for one, other in pairs:
        query |= Q(**{first: one, second: other})
    return query


def _resolve_terms(fields: dict[str, Any], errors: dict[str, list[str]]) -> None:
    wanted = {
        (scheme, code)
        for name, scheme in TERM_SCHEMES.items()
        if name in fields
        for code in _codes(fields[name])
    }
    found = {
        (term.scheme.code, term.code): term
        for term in Term.objects.select_related("scheme").filter(
            _any_of(wanted, "scheme__code", "code")
        )
    }
    for name, scheme in TERM_SCHEMES.items():
        if name not in fields:
            continue
        codes = _codes(fields[name])
        unknown = [code for code in codes if (scheme, code) not in found]
        if unknown:
            errors[name] = [
                _("Code inconnu dans le vocabulaire « %(scheme)s » : %(codes)s.")
                % {"scheme": scheme, "codes": ", ".join(unknown)}
            ]
            continue
        terms = [found[(scheme, code)] for code in codes]
        fields[name] = terms if isinstance(fields[name], list) else (terms[0] if terms else None)


def _resolve_territories(fields: dict[str, Any], errors: dict[str, list[str]]) -> None:
    pairs = [(str(place["level"]), place["code"]) for place in fields["territories"] or []]
    territories, unknown = Territory.objects.from_codes(pairs)
    if unknown:
        errors["territories"] = [
            _("Territoire inconnu : %(level)s %(code)s.") % {"level": level, "code": code}
            for level, code in unknown
        ]
    else:
        fields["territories"] = territories


def _resolve_organisations(fields: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """`organisations`: the (id, role) links of the action; `organisation`: the author's."""
    links = fields.get("organisations") or []
    own = fields.get("organisation")
    found = Organisation.objects.in_bulk({link["id"] for link in links} | ({own} - {None}))
    unknown = sorted({link["id"] for link in links} - set(found))
    if unknown:
        errors["organisations"] = [
            _("Organisation inconnue : %(id)s.") % {"id": pk} for pk in unknown
        ]
    elif "organisations" in fields:
        fields["organisations"] = [(found[link["id"]], str(link["role"])) for link in links]
    if own is not None and own not in found:
        errors["organisation"] = [_("Organisation inconnue : %(id)s.") % {"id": own}]
    elif "organisation" in fields:
        fields["organisation"] = found.get(own)


def resolve(payload: dict[str, Any]) -> dict[str, Any]:
    """The fields of `payload` (codes and identifiers) with the objects they name."""
    fields = dict(payload)
    errors: dict[str, list[str]] = {}
    _resolve_terms(fields, errors)
    if "territories" in fields:
        _resolve_territories(fields, errors)
    if "organisations" in fields or "organisation" in fields:
        _resolve_organisations(fields, errors)
    if errors:
        raise ValidationError(errors)
    return fields
