"""The facets: what a sheet is filed under, and the French labels of the values.

Values are codes: référentiel term codes, COG codes of régions and départements, organisation
kinds, period buckets. A sheet filed under a sub-type of a form of intervention (« groupe de
socialisation ») is filed under its broader form too (« travail social de groupe »), so that
choosing the broader form finds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from maillage.organisations.models import OrganisationKind
from maillage.referential.models import Term
from maillage.territories.models import Level, Territory

FACETS: dict[str, str] = {
    "isic_form": _("Forme d'intervention collective"),
    "theme": _("Thème"),
    "public": _("Public"),
    "region": _("Région"),
    "departement": _("Département"),
    "scale": _("Échelle territoriale"),
    "period": _("Période"),
    "organisation_kind": _("Type d'organisation"),
}

# facet key -> référentiel scheme of its values
TERM_FACETS = {"isic_form": "isic_form", "theme": "theme", "public": "public", "scale": "scale"}

# Buckets of the start year, chosen around the report's landmarks (2015: the report; 2020: the
# following plan). An ongoing sheet is in its start bucket and in « en cours ».
ONGOING = "en-cours"
PERIODS: dict[str, Any] = {
    "avant-2000": _("Avant 2000"),
    "2000-2009": _("2000–2009"),
    "2010-2014": _("2010–2014"),
    "2015-2019": _("2015–2019"),
    "depuis-2020": _("2020 et après"),
    ONGOING: _("En cours"),
}


def period_of(year: int) -> str:
    if year < 2000:
        return "avant-2000"
    if year < 2010:
        return "2000-2009"
    if year < 2015:
        return "2010-2014"
    if year < 2020:
        return "2015-2019"
    return "depuis-2020"


def isic_ancestors() -> dict[str, list[str]]:
    """Each form of intervention's code -> the codes of its broader forms (one query)."""
    broader = dict(
        Term.objects.in_scheme("isic_form", include_inactive=True).values_list(
            "code", "broader__code"
        )
    )
    ancestors: dict[str, list[str]] = {}
    for code in broader:
        chain, parent = [], broader.get(code)
        while parent and parent not in chain:
            chain.append(parent)
            parent = broader.get(parent)
        ancestors[code] = chain
    return ancestors


def facet_values(
    content: Mapping[str, Any], ancestors: Mapping[str, list[str]]
) -> set[tuple[str, str]]:
    """The (facet, value) pairs a revision's content is filed under."""
    values: set[tuple[str, str]] = set()
    for term in content.get("isic_forms") or []:
        values.add(("isic_form", term["code"]))
        values.update(("isic_form", code) for code in ancestors.get(term["code"], ()))
    for facet, field in (("theme", "themes"), ("public", "publics")):
        values.update((facet, term["code"]) for term in content.get(field) or [])
    if content.get("scale"):
        values.add(("scale", content["scale"]["code"]))
    for territory in content.get("territories") or []:
        values.update(("region", code) for code in territory.get("regions", ()))
        values.update(("departement", code) for code in territory.get("departements", ()))
    values.update(
        ("organisation_kind", organisation["kind"])
        for organisation in content.get("organisations") or []
    )
    if content.get("start_date"):
        values.add(("period", period_of(date.fromisoformat(content["start_date"]).year)))
    if content.get("ongoing"):
        values.add(("period", ONGOING))
    return values


def key_of(facet: str, value: str) -> str:
    """The key the index stores a facet value under."""
    return f"{facet}={value}"


def filed_under(values: Iterable[tuple[str, str]]) -> list[str]:
    """The keys of (facet, value) pairs, sorted."""
    return sorted(key_of(facet, value) for facet, value in values)


def facet_of(key: str) -> tuple[str, str]:
    """The (facet, value) of a key of `key_of`."""
    facet, _, value = key.partition("=")
    return facet, value


def labels(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """French labels of facet values: one query for the terms, one for the territories."""
    wanted: dict[str, set[str]] = {}
    for facet, value in pairs:
        wanted.setdefault(facet, set()).add(value)
    found: dict[tuple[str, str], str] = {}
    scheme_facet = {scheme: facet for facet, scheme in TERM_FACETS.items()}
    term_codes = set().union(*(wanted.get(facet, set()) for facet in TERM_FACETS))
    if term_codes:
        rows = Term.objects.filter(
            scheme__code__in=TERM_FACETS.values(), code__in=sorted(term_codes)
        ).values_list("scheme__code", "code", "label")
        for scheme, code, label in rows:
            found[(scheme_facet[scheme], code)] = label
    territory_codes = wanted.get("region", set()) | wanted.get("departement", set())
    if territory_codes:
        rows = Territory.objects.filter(
            level__in=[Level.REGION, Level.DEPARTEMENT], code__in=sorted(territory_codes)
        ).values_list("level", "code", "name")
        for level, code, name in rows:
            found[(level, code)] = name
    kinds = dict(OrganisationKind.choices)
    for value in wanted.get("organisation_kind", ()):
        if value in kinds:
            found[("organisation_kind", value)] = str(kinds[value])
    for value in wanted.get("period", ()):
        if value in PERIODS:
            found[("period", value)] = str(PERIODS[value])
    return found
