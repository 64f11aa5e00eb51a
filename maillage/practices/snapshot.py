"""The frozen, self-contained content of a practice sheet.

A revision stores this dictionary; the public page, the search index, the exports and the API all
read it. Labels are stored beside codes so that a published sheet reads the same years later,
whatever happens to the vocabularies and the territories.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from maillage.practices.models import Practice, PracticeOrganisation
from maillage.referential.models import Term
from maillage.territories.models import Level, Territory

# The sections of a « fiche action » after its title and summary, in reading order.
SECTION_FIELDS = (
    "objectives",
    "carriers_and_partners",
    "description",
    "feasibility",
    "means",
    "results",
    "pitfalls",
    "voices",
    "evaluation",
    "comments",
)
TEXT_FIELDS = ("title", "summary", *SECTION_FIELDS)
TERM_LIST_FIELDS = ("isic_forms", "methods", "publics", "themes")
TERM_FIELDS = ("participation_level", "scale")


def _term(term: Term | None) -> dict[str, str] | None:
    return None if term is None else {"code": term.code, "label": term.label}


def _departements_of(territory: Territory) -> list[str]:
    """The départements a territory lies in, for the région/département facets."""
    if territory.level == Level.DEPARTEMENT:
        return [territory.code]
    if territory.level in {Level.COMMUNE, Level.ARRONDISSEMENT} and territory.departement_id:
        return [territory.departement.code]  # type: ignore[union-attr]
    if territory.level == Level.REGION:
        return []
    communes = Territory.objects.communes_of(territory)
    return sorted(set(communes.values_list("departement__code", flat=True)) - {None})


def _territory(territory: Territory) -> dict[str, Any]:
    departements = _departements_of(territory)
    regions = (
        [territory.code]
        if territory.level == Level.REGION
        else sorted(
            set(
                Territory.objects.filter(
                    level=Level.DEPARTEMENT, code__in=departements
                ).values_list("region__code", flat=True)
            )
            - {None}
        )
    )
    return {
        "level": territory.level,
        "code": territory.code,
        "name": territory.name,
        "departements": departements,
        "regions": regions,
    }


def practice_for_snapshot(pk: int) -> Practice:
    """Load a practice with everything `snapshot` reads, in a fixed number of queries."""
    return (
        Practice.objects.select_related("participation_level", "scale")
        .prefetch_related(
            *TERM_LIST_FIELDS,
            Prefetch(
                "territories",
                queryset=Territory.objects.select_related("departement").order_by("level", "code"),
            ),
            Prefetch(
                "organisation_links",
                queryset=PracticeOrganisation.objects.select_related("organisation").order_by(
                    "role", "organisation__name"
                ),
            ),
            "sources",
        )
        .get(pk=pk)
    )


def snapshot(practice: Practice) -> dict[str, Any]:
    content: dict[str, Any] = {name: getattr(practice, name) for name in TEXT_FIELDS}
    for name in TERM_LIST_FIELDS:
        content[name] = [
            _term(term)
            for term in sorted(getattr(practice, name).all(), key=lambda t: (t.position, t.code))
        ]
    for name in TERM_FIELDS:
        content[name] = _term(getattr(practice, name))
    content["territories"] = [_territory(territory) for territory in practice.territories.all()]
    content["organisations"] = [
        {
            "id": link.organisation_id,
            "name": link.organisation.name,
            "kind": link.organisation.kind,
            "role": link.role,
        }
        for link in practice.organisation_links.all()
    ]
    content["sources"] = [
        {"title": source.title, "url": source.url, "locator": source.locator, "note": source.note}
        for source in practice.sources.all()
    ]
    content["start_date"] = practice.start_date.isoformat() if practice.start_date else None
    content["end_date"] = practice.end_date.isoformat() if practice.end_date else None
    content["ongoing"] = practice.ongoing
    content["participants_count"] = practice.participants_count
    content["contact"] = practice.contact
    content["licence"] = practice.licence
    return content
