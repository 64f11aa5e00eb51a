"""A revision's content (see `snapshot`) arranged for reading: the sections of the sheet, its
terms and territories with their links. The sheet page and its PDF both show this."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.practices.models import Licence, OrganisationRole, Practice
from maillage.practices.snapshot import SECTION_FIELDS

LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/deed.fr",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/deed.fr",
    Licence.ETALAB: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
TERM_FIELDS = (
    ("isic_forms", "isic_form"),
    ("methods", "method"),
    ("publics", "public"),
    ("themes", "theme"),
    ("participation_level", "participation_level"),
    ("scale", "scale"),
)


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Section:
    label: str
    text: str


@dataclass(frozen=True)
class LinkGroup:
    label: str
    links: list[Link]


@dataclass(frozen=True)
class Sheet:
    title: str
    summary: str
    sections: list[Section]
    terms: list[LinkGroup]
    territories: list[Link]
    organisations: list[LinkGroup]
    sources: list[dict[str, str]]
    period: str
    participants_count: int | None
    contact: str
    licence: Link


def _label(name: str) -> str:
    return str(Practice._meta.get_field(name).verbose_name).capitalize()


def _date(value: str | None) -> str:
    return date_format(datetime.date.fromisoformat(value)) if value else ""


def _period(content: dict[str, Any]) -> str:
    start, end = _date(content.get("start_date")), _date(content.get("end_date"))
    if start and end:
        return _("du %(start)s au %(end)s") % {"start": start, "end": end}
    if start:
        return (
            _("depuis le %(start)s (en cours)")
            if content.get("ongoing")
            else _("depuis le %(start)s")
        ) % {"start": start}
    if end:
        return _("jusqu'au %(end)s") % {"end": end}
    return _("en cours") if content.get("ongoing") else ""


def _terms(content: dict[str, Any]) -> list[LinkGroup]:
    groups = []
    for name, scheme in TERM_FIELDS:
        value = content.get(name)
        terms = value if isinstance(value, list) else [value] if value else []
        if terms:
            groups.append(
                LinkGroup(
                    _label(name),
                    [
                        Link(
                            term["label"], reverse("referential:term", args=[scheme, term["code"]])
                        )
                        for term in terms
                    ],
                )
            )
    return groups


def _organisations(content: dict[str, Any]) -> list[LinkGroup]:
    groups = []
    for role, label in OrganisationRole.choices:
        links = [
            Link(item["name"], reverse("organisations:detail", args=[item["id"]]))
            for item in content.get("organisations", [])
            if item["role"] == role
        ]
        if links:
            groups.append(LinkGroup(str(label), links))
    return groups


def sheet(content: dict[str, Any]) -> Sheet:
    licence = content.get("licence") or Licence.CC_BY
    return Sheet(
        title=content["title"],
        summary=content["summary"],
        sections=[
            Section(_label(name), content[name]) for name in SECTION_FIELDS if content.get(name)
        ],
        terms=_terms(content),
        territories=[
            Link(
                territory["name"],
                reverse("territories:detail", args=[territory["level"], territory["code"]]),
            )
            for territory in content.get("territories", [])
        ],
        organisations=_organisations(content),
        sources=content.get("sources", []),
        period=_period(content),
        participants_count=content.get("participants_count"),
        contact=content.get("contact", ""),
        licence=Link(str(Licence(licence).label), LICENCE_URLS[Licence(licence)]),
    )
