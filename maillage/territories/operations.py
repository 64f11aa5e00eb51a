"""Write functions of the territories domain. Each one checks the permission, validates before
writing, writes inside one transaction and records the audit trail.

The official geography is written by `maillage.territories.loading`, a maintenance command
without an actor; custom territories are written here, on behalf of a person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from maillage.organisations import audit
from maillage.organisations.access import can_manage_custom_territories, require
from maillage.organisations.models import User
from maillage.territories.composition import CompositionRow
from maillage.territories.indexing import reindex
from maillage.territories.models import CustomKind, Level, Territory
from maillage.web.plain_text import clean_text, has_markup, markup_message

AUDITED_FIELDS = ("name", "kind", "population", "region", "departement")
_BATCH = 500


@dataclass(frozen=True)
class LineProblem:
    line: int
    code: str
    message: str


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do). Unknown commune codes and codes taken by
    another kind of territory are skipped and listed; the rest is imported."""

    kind: str
    dry_run: bool
    lines: int = 0
    created: list[str] = field(default_factory=list)  # territory codes
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    without_communes: list[str] = field(default_factory=list)  # not imported

    @property
    def kind_label(self) -> str:
        return str(CustomKind(self.kind).label)


@dataclass
class _Planned:
    code: str
    name: str = ""
    commune_ids: set[int] = field(default_factory=set)


def import_custom_territories(
    actor: User | None, rows: Sequence[CompositionRow], kind: str, *, dry_run: bool = False
) -> ImportReport:
    """Create or update the custom territories of `kind` described by `rows` (see
    `maillage.territories.composition`), matched by code. A re-import updates the same
    territories and never deletes one that the file no longer lists.

    `actor` None is the server itself (the `import_territories` command run by whoever
    administers it), which may do anything; the audit trail then records no author."""
    require(
        actor is None or can_manage_custom_territories(actor),
        _(
            "Seuls les coordinateurs départementaux et les administrateurs nationaux importent "
            "des territoires personnalisés."
        ),
    )
    if kind not in CustomKind.values:
        raise ValidationError(
            {"kind": _("Type de territoire inconnu : %(kind)s.") % {"kind": kind}}
        )
    if not rows:
        raise ValidationError(_("Le fichier ne contient aucune ligne de données."))
    report = ImportReport(kind=kind, dry_run=dry_run, lines=len(rows))
    planned = _plan(rows, kind, report)
    with transaction.atomic():
        _write(actor, planned, kind, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _plan(rows: Sequence[CompositionRow], kind: str, report: ImportReport) -> list[_Planned]:
    communes = _commune_ids({row.commune_code for row in rows})
    taken: dict[str, str] = {}
    for chunk in _chunks(sorted({row.territory_code for row in rows})):
        taken.update(
            Territory.objects.filter(level=Level.CUSTOM, code__in=chunk)
            .exclude(kind=kind)
            .values_list("code", "kind")
        )
    planned: dict[str, _Planned] = {}
    for row in rows:
        if row.territory_code in taken:
            report.problems.append(
                LineProblem(
                    row.line,
                    row.territory_code,
                    _("code déjà pris par un territoire de type « %(kind)s »")
                    % {"kind": CustomKind(taken[row.territory_code]).label},
                )
            )
            continue
        territory = planned.setdefault(row.territory_code, _Planned(row.territory_code))
        territory.name = territory.name or row.territory_name
        if row.commune_code in communes:
            territory.commune_ids.add(communes[row.commune_code])
        else:
            report.problems.append(
                LineProblem(row.line, row.commune_code, _("code commune inconnu"))
            )
    report.without_communes = [code for code, item in planned.items() if not item.commune_ids]
    return [item for item in planned.values() if item.commune_ids]


def _commune_ids(codes: set[str]) -> dict[str, int]:
    """Commune codes, and arrondissement codes standing for their commune (some files list
    Paris, Lyon and Marseille by arrondissement)."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(codes)):
        for code, level, pk, parent_id in Territory.objects.filter(
            level__in=[Level.COMMUNE, Level.ARRONDISSEMENT], code__in=chunk, is_current=True
        ).values_list("code", "level", "pk", "parent_id"):
            commune_id = pk if level == Level.COMMUNE else parent_id
            if commune_id is not None:
                found[code] = commune_id
    return found


def _write(actor: User | None, planned: list[_Planned], kind: str, report: ImportReport) -> None:
    existing = _existing(kind, [item.code for item in planned])
    members = _members([territory.pk for territory in existing.values()])
    places = _places({pk for item in planned for pk in item.commune_ids})
    changes: list[tuple[Territory, dict[str, Any] | None, dict[str, Any]]] = []
    for item in planned:
        territory = existing.get(item.code) or Territory(
            level=Level.CUSTOM, kind=kind, code=item.code
        )
        before = (
            None if territory.pk is None else _snapshot(territory, members.get(territory.pk, set()))
        )
        territory.name = item.name or item.code
        territory.population, territory.departement_id, territory.region_id = _summary(
            item.commune_ids, places
        )
        # The communes and their places come from the database: only the text needs checking.
        territory.full_clean(
            exclude=["region", "departement", "epci", "parent"],
            validate_unique=False,
            validate_constraints=False,
        )
        after = _snapshot(territory, item.commune_ids)
        if before == after:
            report.unchanged.append(item.code)
        else:
            changes.append((territory, before, after))
    created = [territory for territory, before, _after in changes if before is None]
    updated = [territory for territory, before, _after in changes if before is not None]
    Territory.objects.bulk_create(created, batch_size=_BATCH)
    Territory.objects.bulk_update(
        updated, ["name", "population", "departement", "region"], batch_size=_BATCH
    )
    _set_members({territory.pk: set(after["communes"]) for territory, _b, after in changes})
    for territory, before, after in changes:
        audit.record(actor, "import_custom_territories", territory, before=before, after=after)
    reindex([territory for territory, _before, _after in changes])
    report.created = [territory.code for territory in created]
    report.updated = [territory.code for territory in updated]


def _existing(kind: str, codes: list[str]) -> dict[str, Territory]:
    found: dict[str, Territory] = {}
    for chunk in _chunks(codes):
        found.update(
            (territory.code, territory)
            for territory in Territory.objects.filter(level=Level.CUSTOM, kind=kind, code__in=chunk)
        )
    return found


def _set_members(members: dict[int, set[int]]) -> None:
    through = Territory.communes.through
    for chunk in _chunks(sorted(members)):
        through.objects.filter(from_territory_id__in=chunk).delete()
    through.objects.bulk_create(
        [
            through(from_territory_id=container, to_territory_id=commune)
            for container, communes in members.items()
            for commune in sorted(communes)
        ],
        batch_size=_BATCH,
    )


def _members(territory_ids: list[int]) -> dict[int, set[int]]:
    through = Territory.communes.through
    members: defaultdict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(territory_ids):
        for container, commune in through.objects.filter(from_territory_id__in=chunk).values_list(
            "from_territory_id", "to_territory_id"
        ):
            members[container].add(commune)
    return members


def _places(commune_ids: set[int]) -> dict[int, tuple[int, int | None, int | None]]:
    """Population, département and région of each commune."""
    places: dict[int, tuple[int, int | None, int | None]] = {}
    for chunk in _chunks(sorted(commune_ids)):
        for pk, population, departement_id, region_id in Territory.objects.filter(
            pk__in=chunk
        ).values_list("pk", "population", "departement_id", "region_id"):
            places[pk] = (population or 0, departement_id, region_id)
    return places


def _summary(
    commune_ids: set[int], places: dict[int, tuple[int, int | None, int | None]]
) -> tuple[int, int | None, int | None]:
    """Total population, and the département (with its région) holding most of it: a bassin de
    vie may straddle départements but is listed in its main one."""
    weight: defaultdict[tuple[int | None, int | None], int] = defaultdict(int)
    for pk in commune_ids:
        population, departement_id, region_id = places[pk]
        weight[(departement_id, region_id)] += population + 1  # + 1: unknown populations count
    departement_id, region_id = max(weight, key=weight.__getitem__)
    return sum(places[pk][0] for pk in commune_ids), departement_id, region_id


def _snapshot(territory: Territory, commune_ids: set[int]) -> dict[str, Any]:
    return {**audit.snapshot(territory, AUDITED_FIELDS), "communes": sorted(commune_ids)}


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]


COMPOSED_CODE_PREFIX = "D-"
# How many times a composition takes the next free code when another one took it meanwhile.
COMPOSED_CODE_ATTEMPTS = 5


def create_custom_territory(
    *, actor: User, name: str, kind: str, communes: Iterable[Territory]
) -> Territory:
    """A custom territory composed by hand from current communes (a bassin de vie drawn for a
    diagnosis, a group of quartiers' communes), without a file. Its code `D-<n>` is generated:
    such territories have no official code, and the codes of imported ones are left free."""
    require(
        can_manage_custom_territories(actor),
        _(
            "Seuls les coordinateurs départementaux et les administrateurs nationaux composent "
            "des territoires personnalisés."
        ),
    )
    name = clean_text(name)
    commune_ids = {
        commune.pk for commune in communes if commune.level == Level.COMMUNE and commune.is_current
    }
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Donnez un nom au territoire.")]
    elif has_markup(name):
        errors["name"] = [markup_message()]
    if kind not in CustomKind.values:
        errors["kind"] = [_("Type de territoire inconnu : %(kind)s.") % {"kind": kind}]
    if len(commune_ids) < 2:
        errors["communes"] = [_("Choisissez au moins deux communes en vigueur.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        territory = Territory(level=Level.CUSTOM, kind=kind, name=name)
        territory.population, territory.departement_id, territory.region_id = _summary(
            commune_ids, _places(commune_ids)
        )
        # The code is ours (`_save_composed`): only the name needs checking.
        territory.full_clean(
            exclude=["region", "departement", "epci", "parent", "code"],
            validate_unique=False,
            validate_constraints=False,
        )
        _save_composed(territory)
        _set_members({territory.pk: commune_ids})
        audit.record(
            actor, "create_custom_territory", territory, after=_snapshot(territory, commune_ids)
        )
        reindex([territory])
    return territory


def _save_composed(territory: Territory) -> None:
    """Save `territory` under the next free `D-<n>` code. Two compositions at once may pick the
    same number: the later insert then fails on the unique (level, code), in a savepoint so that
    the transaction goes on, and takes the next number once the other one is committed."""
    for attempt in range(1, COMPOSED_CODE_ATTEMPTS + 1):
        territory.code = _next_composed_code()
        try:
            with transaction.atomic():
                territory.save()
        except IntegrityError:
            if attempt == COMPOSED_CODE_ATTEMPTS:
                raise
        else:
            return


def _next_composed_code() -> str:
    taken = set(
        Territory.objects.filter(
            level=Level.CUSTOM, code__startswith=COMPOSED_CODE_PREFIX
        ).values_list("code", flat=True)
    )
    number = len(taken) + 1
    while f"{COMPOSED_CODE_PREFIX}{number}" in taken:
        number += 1
    return f"{COMPOSED_CODE_PREFIX}{number}"
