"""Load the demo practice sheets, written from the practices named in the 2015 report.

Each sheet goes through the write functions of the practices (create, submit, publish), so the
demo shows revisions, the audit trail and the search index exactly as real use produces them.
The whole data file is checked before the first write: a code that the database does not know
stops the load with a message naming the sheet and the code. A sheet whose title is already used
is skipped, so loading twice creates nothing the second time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from maillage.demo.content import ORGANISATIONS
from maillage.organisations.access import is_national_admin, organisation_ids
from maillage.organisations.models import Organisation, User
from maillage.practices import operations
from maillage.practices.models import OrganisationRole, Practice
from maillage.practices.snapshot import TEXT_FIELDS
from maillage.referential.models import Term
from maillage.territories.models import Territory

DATA_FILE = Path(__file__).resolve().parent / "data" / "practices.json"

TERM_LIST_SCHEMES = {
    "isic_forms": "isic_form",
    "methods": "method",
    "publics": "public",
    "themes": "theme",
}
TERM_SCHEMES = {"participation_level": "participation_level", "scale": "scale"}
PLAIN_FIELDS = ("ongoing", "participants_count", "contact", "licence", "sources")
DATE_FIELDS = ("start_date", "end_date")
KNOWN_KEYS = frozenset(
    {
        *TEXT_FIELDS,
        *TERM_LIST_SCHEMES,
        *TERM_SCHEMES,
        *PLAIN_FIELDS,
        *DATE_FIELDS,
        "territories",
        "organisations",
    }
)


class DemoDataError(ValueError):
    """The data file names something unknown; the message, in French, lists every problem."""


def read_sheets(path: Path | None = None) -> list[dict[str, Any]]:
    return json.loads((path or DATA_FILE).read_text(encoding="utf-8"))["sheets"]


class _Resolver:
    """Turns the codes of the data file into database objects, each kind in one query, and
    collects every problem instead of stopping at the first."""

    def __init__(self, sheets: list[dict[str, Any]]) -> None:
        self.problems: list[str] = []
        self.terms = {
            (term.scheme.code, term.code): term
            for term in Term.objects.filter(
                scheme__code__in={*TERM_LIST_SCHEMES.values(), *TERM_SCHEMES.values()},
                is_active=True,
            ).select_related("scheme")
        }
        wanted: dict[str, set[str]] = {}
        for sheet in sheets:
            for level, code in sheet.get("territories", ()):
                wanted.setdefault(level, set()).add(code)
        self.territories = {
            (territory.level, territory.code): territory
            for level, codes in wanted.items()
            for territory in Territory.objects.filter(level=level, code__in=codes)
        }
        specs = {spec.key: spec for spec in ORGANISATIONS}
        by_name = {
            (organisation.name, organisation.kind): organisation
            for organisation in Organisation.objects.filter(
                name__in=[spec.name for spec in ORGANISATIONS]
            )
        }
        self.organisations = {
            key: by_name[(spec.name, spec.kind)]
            for key, spec in specs.items()
            if (spec.name, spec.kind) in by_name
        }

    def _problem(self, sheet: Mapping[str, Any], message: str) -> None:
        self.problems.append(
            _("Fiche « %(title)s » : %(message)s")
            % {"title": sheet.get("title", "?"), "message": message}
        )

    def _term(self, sheet: Mapping[str, Any], field: str, scheme: str, code: str) -> Term | None:
        term = self.terms.get((scheme, code))
        if term is None:
            self._problem(
                sheet,
                _("code « %(code)s » inconnu dans le référentiel « %(scheme)s » (%(field)s).")
                % {"code": code, "scheme": scheme, "field": field},
            )
        return term

    def _territories(self, sheet: Mapping[str, Any]) -> list[Territory]:
        found = []
        for level, code in sheet.get("territories", ()):
            territory = self.territories.get((level, code))
            if territory is None:
                self._problem(
                    sheet,
                    _("territoire inconnu : %(level)s %(code)s.") % {"level": level, "code": code},
                )
            else:
                found.append(territory)
        return found

    def _organisations(self, sheet: Mapping[str, Any]) -> list[tuple[Organisation, str]]:
        pairs = []
        for key, role in sheet.get("organisations", ()):
            organisation = self.organisations.get(key)
            if organisation is None:
                self._problem(
                    sheet,
                    _("organisation de démonstration inconnue ou pas encore créée : %(key)s.")
                    % {"key": key},
                )
            elif role not in OrganisationRole.values:
                self._problem(sheet, _("rôle d'organisation inconnu : %(role)s.") % {"role": role})
            else:
                pairs.append((organisation, role))
        return pairs

    def _dates(self, sheet: Mapping[str, Any]) -> dict[str, date]:
        dates = {}
        for field in DATE_FIELDS:
            if sheet.get(field):
                try:
                    dates[field] = date.fromisoformat(sheet[field])
                except ValueError:
                    self._problem(
                        sheet,
                        _("date invalide pour %(field)s : %(value)s.")
                        % {"field": field, "value": sheet[field]},
                    )
        return dates

    def fields(self, sheet: Mapping[str, Any]) -> dict[str, Any]:
        """The keyword arguments of `create_practice` for one sheet of the data file."""
        if unknown := sorted(set(sheet) - KNOWN_KEYS):
            self._problem(sheet, _("champs inconnus : %(keys)s.") % {"keys": ", ".join(unknown)})
        fields: dict[str, Any] = {
            name: sheet[name] for name in (*TEXT_FIELDS, *PLAIN_FIELDS) if name in sheet
        }
        for field, scheme in TERM_LIST_SCHEMES.items():
            fields[field] = [
                term
                for code in sheet.get(field, ())
                if (term := self._term(sheet, field, scheme, code)) is not None
            ]
        for field, scheme in TERM_SCHEMES.items():
            code = sheet.get(field)
            fields[field] = self._term(sheet, field, scheme, code) if code else None
        fields["territories"] = self._territories(sheet)
        fields["organisations"] = self._organisations(sheet)
        fields.update(self._dates(sheet))
        return fields


def _attached_organisation(
    author: User, pairs: Iterable[tuple[Organisation, str]]
) -> Organisation | None:
    """The sheet's carrier, when the author may attach the sheet to it (so its members edit it)."""
    for organisation, role in pairs:
        if role == OrganisationRole.CARRIER and (
            is_national_admin(author) or organisation.pk in organisation_ids(author)
        ):
            return organisation
    return None


@transaction.atomic
def load_demo_practices(author: User, reviewer: User) -> int:
    """Create, submit (as `author`) and publish (as `reviewer`) every sheet of the data file whose
    title is not used yet; return how many were created. Raises DemoDataError, before writing
    anything, if the file names a term, a territory or an organisation that does not exist."""
    sheets = read_sheets(DATA_FILE)
    resolver = _Resolver(sheets)
    prepared = [(sheet["title"], resolver.fields(sheet)) for sheet in sheets]
    if resolver.problems:
        raise DemoDataError("\n".join(resolver.problems))
    existing = set(
        Practice.objects.filter(title__in=[title for title, _fields in prepared]).values_list(
            "title", flat=True
        )
    )
    created = 0
    for title, fields in prepared:
        if title in existing:
            continue
        practice = operations.create_practice(
            actor=author,
            organisation=_attached_organisation(author, fields["organisations"]),
            **fields,
        )
        operations.submit_practice(actor=author, practice=practice)
        operations.publish_practice(actor=reviewer, practice=practice)
        existing.add(title)
        created += 1
    return created
