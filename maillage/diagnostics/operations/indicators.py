"""Write functions of the indicator catalogue and of its values per commune.

`create_indicator` and `update_indicator` check the permission (`access.can_create_indicator`,
`access.can_fill_indicator`), validate everything before writing and record the audit trail.

`import_indicator_values` writes a file read by `indicator_files.read_indicator_table`. Each line
with a problem (unknown or merged commune, duplicate, value that is not a number…) is listed in
the report and not written; a column naming an unknown, forbidden or ratio indicator is listed
once and skipped. The other values are written in one transaction, replacing the stored value of
the same (indicator, commune), then the national totals of the indicators touched are computed
again in one GROUP BY. One `IndicatorImport` row and one audit entry record the import (not one
per value: a file holds up to 35 000 communes × several indicators).

A ratio indicator never stores values: its numerator and denominator are imported instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.diagnostics import access
from maillage.diagnostics.indicator_files import WIDE, IndicatorTable
from maillage.diagnostics.models import (
    Aggregation,
    Indicator,
    IndicatorImport,
    IndicatorValue,
    Theme,
)
from maillage.organisations import audit
from maillage.organisations.access import is_national_admin, organisation_ids, require
from maillage.organisations.models import Organisation, Role, User
from maillage.territories.commune_codes import is_commune_code
from maillage.territories.models import Level, Territory
from maillage.web.plain_text import clean_text, markup_errors

RESERVED_CODES = frozenset({"nouveau", "importer"})
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
TEXT_FIELDS = ("label", "unit", "source", "definition")
UPDATABLE_FIELDS = frozenset(
    {*TEXT_FIELDS, "theme", "year", "numerator", "denominator", "scale", "is_sample", "aggregation"}
)
AUDITED_FIELDS = (
    "code",
    "label",
    "theme",
    "unit",
    "source",
    "year",
    "definition",
    "aggregation",
    "numerator",
    "denominator",
    "scale",
    "is_sample",
    "organisation",
)
WRITE_BATCH = 2000
POPULATION = "population"

CREATE_REFUSAL = gettext_lazy(
    "Seuls les coordinateurs d'une organisation et les administrateurs nationaux créent des "
    "indicateurs."
)
FILL_REFUSAL = gettext_lazy(
    "Seuls les administrateurs nationaux modifient les indicateurs nationaux ; les indicateurs "
    "d'une organisation le sont par ses coordinateurs."
)


def _add(errors: dict[str, list[str]], name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _check_terms(errors: dict[str, list[str]], values: dict[str, Any], pk: int | None) -> None:
    """A ratio divides two different sum indicators, national or of its own organisation."""
    if values["aggregation"] != Aggregation.RATIO:
        if values.get("numerator") is not None or values.get("denominator") is not None:
            _add(
                errors,
                "numerator",
                _("Une somme n'a ni numérateur ni dénominateur : choisissez « rapport »."),
            )
        return
    for name in ("numerator", "denominator"):
        term = values.get(name)
        if term is None:
            _add(errors, name, _("Choisissez l'indicateur à diviser et celui qui le divise."))
        elif pk is not None and term.pk == pk:
            _add(errors, name, _("Un indicateur ne peut pas entrer dans son propre calcul."))
        elif term.aggregation != Aggregation.SUM:
            _add(
                errors,
                name,
                _("« %(label)s » est lui-même un rapport : choisissez un indicateur de somme.")
                % {"label": term.label},
            )
        elif term.organisation_id not in (None, values.get("organisation_id")):
            _add(
                errors,
                name,
                _("« %(label)s » appartient à une autre organisation.") % {"label": term.label},
            )
    numerator, denominator = values.get("numerator"), values.get("denominator")
    if numerator is not None and denominator is not None and numerator.pk == denominator.pk:
        _add(errors, "denominator", _("Le numérateur et le dénominateur doivent être différents."))
    if not isinstance(values.get("scale"), int) or values["scale"] < 1:
        _add(errors, "scale", _("Le multiplicateur est un nombre entier d'au moins 1."))


def _check(values: dict[str, Any], pk: int | None) -> None:
    errors = markup_errors(values, TEXT_FIELDS)
    if not str(values.get("label") or "").strip():
        _add(errors, "label", _("Donnez un libellé à l'indicateur."))
    if values.get("theme") not in Theme.values:
        _add(errors, "theme", _("Choisissez un thème de la liste."))
    if values.get("aggregation") not in Aggregation.values:
        _add(errors, "aggregation", _("Choisissez « somme » ou « rapport »."))
    year = values.get("year")
    if year is not None and not (isinstance(year, int) and 1900 <= year <= 2100):
        _add(errors, "year", _("Indiquez une année sur quatre chiffres."))
    if values.get("aggregation") in Aggregation.values:
        _check_terms(errors, values, pk)
    if errors:
        raise ValidationError(errors)


def _check_code(code: str) -> None:
    if not _CODE.match(code or ""):
        raise ValidationError(
            {
                "code": [
                    _(
                        "Le code s'écrit en minuscules sans accents : lettres, chiffres, « _ » "
                        "ou « - » (par exemple « menages_pauvres »)."
                    )
                ]
            }
        )
    if code in RESERVED_CODES:
        raise ValidationError(
            {"code": [_("« %(code)s » est réservé : choisissez un autre code.") % {"code": code}]}
        )
    if Indicator.objects.filter(code=code).exists():
        raise ValidationError(
            {"code": [_("Un indicateur porte déjà le code « %(code)s ».") % {"code": code}]}
        )


def _owner(actor: User, organisation: Organisation | None) -> Organisation | None:
    """National indicators are the national administrators'; a coordinator's belong to her
    organisation (the only one she coordinates when she does not say which)."""
    if is_national_admin(actor):
        return organisation
    coordinated = organisation_ids(actor, {Role.COORDINATOR})
    if organisation is None and len(coordinated) == 1:
        return Organisation.objects.get(pk=next(iter(coordinated)))
    if organisation is None:
        raise ValidationError(
            {"organisation": [_("Choisissez l'organisation responsable de l'indicateur.")]}
        )
    require(
        organisation.pk in coordinated,
        _("Vous ne coordonnez pas « %(name)s ».") % {"name": organisation.name},
    )
    return organisation


def create_indicator(
    *,
    actor: User,
    code: str,
    label: str,
    theme: str,
    aggregation: str = Aggregation.SUM,
    numerator: Indicator | None = None,
    denominator: Indicator | None = None,
    scale: int = 1,
    unit: str = "",
    source: str = "",
    year: int | None = None,
    definition: str = "",
    organisation: Organisation | None = None,
    is_sample: bool = False,
) -> Indicator:
    require(access.can_create_indicator(actor), str(CREATE_REFUSAL))
    owner = _owner(actor, organisation)
    code = (code or "").strip()
    _check_code(code)
    values = {
        "label": clean_text(label),
        "theme": theme,
        "aggregation": aggregation,
        "numerator": numerator,
        "denominator": denominator,
        "scale": scale if aggregation == Aggregation.RATIO else 1,
        "unit": clean_text(unit),
        "source": clean_text(source),
        "year": year,
        "definition": clean_text(definition),
        "is_sample": bool(is_sample),
        "organisation_id": owner.pk if owner else None,
    }
    _check(values, None)
    with transaction.atomic():
        indicator = Indicator.objects.create(code=code, **values)
        if indicator.is_ratio:
            refresh_ratio_totals([indicator])
        audit.record(
            actor, "create_indicator", indicator, after=audit.snapshot(indicator, AUDITED_FIELDS)
        )
    return indicator


def update_indicator(*, actor: User, indicator: Indicator, **fields: Any) -> Indicator:
    """Changes the description and, while it has no values and is no term of a ratio, the way
    it aggregates. The code and the organisation stay: files and other indicators name them."""
    require(access.can_fill_indicator(actor, indicator), str(FILL_REFUSAL))
    unknown = sorted(set(fields) - UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {name: [_("Ce champ ne peut pas être modifié ici.")] for name in unknown}
        )
    values = {name: getattr(indicator, name) for name in UPDATABLE_FIELDS if name not in fields} | {
        name: clean_text(value) if name in TEXT_FIELDS else value for name, value in fields.items()
    }
    values["organisation_id"] = indicator.organisation_id
    if values["aggregation"] != Aggregation.RATIO:
        values["scale"] = 1
        values.update({name: None for name in ("numerator", "denominator") if name not in fields})
    _check(values, indicator.pk)
    if values["aggregation"] != indicator.aggregation:
        used = Indicator.objects.filter(numerator=indicator) | Indicator.objects.filter(
            denominator=indicator
        )
        if indicator.values.exists() or used.exists():
            raise ValidationError(
                {
                    "aggregation": [
                        _(
                            "Cet indicateur a des valeurs ou entre dans un rapport : son mode "
                            "d'agrégation ne peut plus changer."
                        )
                    ]
                }
            )
    before = audit.snapshot(indicator, AUDITED_FIELDS)
    del values["organisation_id"]
    for name, value in values.items():
        setattr(indicator, name, value)
    with transaction.atomic():
        indicator.save()
        if indicator.is_ratio:
            refresh_ratio_totals([indicator])
        audit.record(
            actor,
            "update_indicator",
            indicator,
            before=before,
            after=audit.snapshot(indicator, AUDITED_FIELDS),
        )
    return indicator


# --- Import of values ------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    code: str
    message: str


@dataclass
class ImportReport:
    """What an import read, refused and wrote; `as_dict()` is what the API and the CLI print and
    what `IndicatorImport.report` keeps."""

    file_name: str
    file_format: str
    encoding: str
    layout: str
    rows_read: int = 0
    empty_values: int = 0
    values_to_write: int = 0
    values_written: int = 0
    problems: list[Problem] = field(default_factory=list)
    refused_lines: list[int] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    dry_run: bool = False
    import_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=1)
def former_communes() -> dict[str, tuple[str, str]]:
    """Former communes (delegated or associated) → (current code, current name), read once
    from the package of the administrative division; empty when it is not installed."""
    path = settings.NODE_MODULES_DIR / "@etalab/decoupage-administratif/data/communes.json"
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    names = {
        entry["code"]: entry["nom"] for entry in entries if entry["type"] == "commune-actuelle"
    }
    return {
        entry["code"]: (entry["chefLieu"], names.get(entry["chefLieu"], entry["chefLieu"]))
        for entry in entries
        if entry["type"] in {"commune-deleguee", "commune-associee"} and entry.get("chefLieu")
    }


def _places(codes: set[str]) -> dict[str, tuple[int, str, bool, str]]:
    """code → (pk, level, is_current, parent name) for the communes and arrondissements named.
    A large file reads every commune at once rather than a long IN list."""
    places = Territory.objects.filter(level__in=[Level.COMMUNE, Level.ARRONDISSEMENT])
    if len(codes) <= 500:
        places = places.filter(code__in=codes)
    found: dict[str, tuple[int, str, bool, str]] = {}
    for pk, level, code, is_current, parent in places.values_list(
        "pk", "level", "code", "is_current", "parent__name"
    ):
        # A current commune wins over an arrondissement or a former commune of the same code.
        if code not in found or (level == Level.COMMUNE and is_current):
            found[code] = (pk, level, is_current, parent or "")
    return found


class _Checker:
    """Builds the report of a table: the problems, and the values that may be written."""

    def __init__(self, actor: User | None, table: IndicatorTable, report: ImportReport) -> None:
        self.actor, self.table, self.report = actor, table, report
        self.refused: set[int] = set()

    def problem(self, line: int, column: str, code: str, message: str) -> None:
        self.report.problems.append(Problem(line, column, code, message))
        if line > 1:
            self.refused.add(line)

    def indicators(self) -> dict[str, Indicator]:
        """The indicators that may be filled from this file, by code; each other code is
        reported once (a wide column, or each line of a long file)."""
        codes = {entry.indicator for entry in self.table.entries}
        if self.table.layout == WIDE:
            codes |= {column.strip().lower() for column in self.table.indicator_columns}
        known = {
            indicator.code: indicator
            for indicator in Indicator.objects.filter(code__in=codes).select_related(
                "numerator", "denominator"
            )
        }
        usable: dict[str, Indicator] = {}
        for code in sorted(codes):
            indicator = known.get(code)
            if indicator is None:
                refusal = (
                    "unknown_indicator",
                    _(
                        "L'indicateur « %(code)s » n'existe pas : créez-le d'abord dans le "
                        "catalogue, avec ce code."
                    )
                    % {"code": code},
                )
            elif indicator.is_ratio:
                refusal = (
                    "ratio_indicator",
                    _(
                        "« %(label)s » est un rapport, calculé sur chaque territoire : importez "
                        "plutôt les valeurs de son numérateur (« %(numerator)s ») et de son "
                        "dénominateur (« %(denominator)s »)."
                    )
                    % {
                        "label": indicator.label,
                        "numerator": indicator.numerator.code,  # type: ignore[union-attr]
                        "denominator": indicator.denominator.code,  # type: ignore[union-attr]
                    },
                )
            elif self.actor is not None and not access.can_fill_indicator(self.actor, indicator):
                refusal = (
                    "forbidden_indicator",
                    _("Vous ne pouvez pas importer les valeurs de « %(label)s ».")
                    % {"label": indicator.label},
                )
            else:
                usable[code] = indicator
                continue
            self.indicator_refusal(code, *refusal)
        return usable

    def indicator_refusal(self, code: str, problem: str, message: str) -> None:
        if self.table.layout == WIDE:
            column = next(
                name for name in self.table.indicator_columns if name.strip().lower() == code
            )
            self.problem(1, column, problem, message)
            return
        for entry in self.table.entries:
            if entry.indicator == code:
                self.problem(entry.line, self.table.indicator_columns[0], problem, message)

    def commune_problem(
        self, code: str, place: tuple[int, str, bool, str] | None
    ) -> tuple[str, str]:
        if place is not None and place[1] == Level.ARRONDISSEMENT:
            return (
                "arrondissement",
                _(
                    "%(code)s est un arrondissement municipal : importez la valeur sur la "
                    "commune (%(commune)s), pour tous ses arrondissements ensemble."
                )
                % {"code": code, "commune": place[3] or _("Paris, Lyon ou Marseille")},
            )
        merged = former_communes().get(code)
        if merged is not None or (place is not None and not place[2]):
            if merged is None:
                return (
                    "merged_commune",
                    _(
                        "La commune %(code)s n'existe plus : importez la valeur sur la commune "
                        "qui l'a remplacée."
                    )
                    % {"code": code},
                )
            return (
                "merged_commune",
                _(
                    "La commune %(code)s a fusionné dans %(name)s (%(new)s) : importez la "
                    "valeur sur la commune nouvelle."
                )
                % {"code": code, "name": merged[1], "new": merged[0]},
            )
        if not is_commune_code(code):
            return (
                "unknown_commune",
                _("« %(code)s » n'est pas un code commune (5 caractères, comme 62041 ou 2A004).")
                % {"code": code},
            )
        return ("unknown_commune", _("Aucune commune ne porte le code %(code)s.") % {"code": code})

    def run(self) -> list[tuple[int, int, float, int]]:
        """(indicator pk, commune pk, value, line) of each value that may be written."""
        table, report = self.table, self.report
        usable = self.indicators()
        for line in table.missing_communes:
            self.problem(
                line,
                table.commune_column,
                "missing_commune",
                _("Le code commune est vide."),
            )
        places = _places({entry.commune for entry in table.entries})
        communes = {
            code: place[0]
            for code, place in places.items()
            if place[1] == Level.COMMUNE and place[2]
        }
        reported_lines: set[int] = set()
        first_line: dict[tuple[str, str], int] = {}
        candidates: list[tuple[int, int, float, int]] = []
        for entry in table.entries:
            commune = communes.get(entry.commune)
            if commune is None:
                # One problem per line, not one per column of a wide file.
                if entry.line not in reported_lines:
                    reported_lines.add(entry.line)
                    code, message = self.commune_problem(entry.commune, places.get(entry.commune))
                    self.problem(entry.line, table.commune_column, code, message)
                continue
            indicator = usable.get(entry.indicator)
            if indicator is None:
                continue
            key = (entry.commune, entry.indicator)
            if key in first_line:
                self.problem(
                    entry.line,
                    entry.column,
                    "duplicate",
                    _(
                        "La commune %(commune)s a déjà une valeur de « %(code)s » à la ligne "
                        "%(first)s : aucune des deux n'est importée."
                    )
                    % {"commune": entry.commune, "code": entry.indicator, "first": first_line[key]},
                )
                self.refused.add(first_line[key])
                continue
            first_line[key] = entry.line
            if entry.empty:
                report.empty_values += 1
                continue
            if entry.value is None:
                self.problem(
                    entry.line,
                    entry.column,
                    "not_a_number",
                    _("« %(raw)s » n'est pas un nombre.") % {"raw": entry.raw[:40]},
                )
                continue
            candidates.append((indicator.pk, commune, entry.value, entry.line))
        report.refused_lines = sorted(self.refused)
        report.problems.sort(key=lambda problem: problem.line)
        return [row for row in candidates if row[3] not in self.refused]


def _locked(indicator_ids: Iterable[int]) -> list[Indicator]:
    """The indicators, locked until the end of the transaction, in the order of their keys (two
    imports sharing indicators then never wait for each other in a circle). Two imports of one
    indicator take turns: the second writes its values and sums the national total once the
    first one's values are committed, so that neither total misses the other's values."""
    return list(
        Indicator.objects.select_for_update().filter(pk__in=set(indicator_ids)).order_by("pk")
    )


def _write_values(indicator_ids: Iterable[int], rows: Iterable[tuple[int, int, float]]) -> int:
    """Upsert (indicator, commune, value) rows, then the national totals of `indicator_ids` in one
    GROUP BY. Called inside a transaction."""
    indicators = _locked(indicator_ids)
    objects = [
        IndicatorValue(None, indicator, commune, value) for indicator, commune, value in rows
    ]
    IndicatorValue.objects.bulk_create(
        objects,
        batch_size=WRITE_BATCH,
        update_conflicts=True,
        unique_fields=["indicator", "commune"],
        update_fields=["value"],
    )
    _update_totals(indicators)
    return len(objects)


def _update_totals(indicators: list[Indicator]) -> None:
    """The national totals of `indicators`, locked by the caller (`_locked`)."""
    totals = {
        row["indicator_id"]: row
        for row in IndicatorValue.objects.filter(indicator__in=indicators)
        .values("indicator_id")
        .annotate(total=Sum("value"), count=Count("id"))
    }
    for indicator in indicators:
        row = totals.get(indicator.pk)
        indicator.national_total = row["total"] if row else None
        indicator.national_count = row["count"] if row else 0
    Indicator.objects.bulk_update(indicators, ["national_total", "national_count"])
    refresh_ratio_totals(
        Indicator.objects.filter(
            Q(numerator__in=indicators) | Q(denominator__in=indicators), aggregation="ratio"
        )
    )


def refresh_ratio_totals(ratios: Iterable[Indicator]) -> None:
    """Keep each ratio's national totals: its terms summed over the communes where both are
    known (two queries per ratio, at write time, so that no profile scans the country)."""
    changed = []
    for ratio in ratios:
        both = IndicatorValue.objects.filter(indicator_id=ratio.numerator_id).values("commune_id")
        both = both.filter(
            commune_id__in=IndicatorValue.objects.filter(indicator_id=ratio.denominator_id).values(
                "commune_id"
            )
        )
        top = IndicatorValue.objects.filter(
            indicator_id=ratio.numerator_id, commune_id__in=both
        ).aggregate(total=Sum("value"), count=Count("id"))
        bottom = IndicatorValue.objects.filter(
            indicator_id=ratio.denominator_id, commune_id__in=both
        ).aggregate(total=Sum("value"))
        ratio.national_total = top["total"]
        ratio.national_denominator = bottom["total"]
        ratio.national_count = top["count"]
        changed.append(ratio)
    Indicator.objects.bulk_update(
        changed, ["national_total", "national_denominator", "national_count"]
    )


def import_indicator_values(
    *, actor: User | None, table: IndicatorTable, file_name: str, dry_run: bool = False
) -> ImportReport:
    """Check the table, then (unless `dry_run`) write its valid values. `actor` None is the
    server itself (command line, demo), which fills every indicator."""
    report = ImportReport(
        file_name=file_name,
        file_format=table.file_format,
        encoding=table.encoding,
        layout=table.layout,
        rows_read=table.rows,
        dry_run=dry_run,
    )
    rows = _Checker(actor, table, report).run()
    indicator_ids = {row[0] for row in rows}
    report.values_to_write = len(rows)
    report.indicators = sorted(
        Indicator.objects.filter(pk__in=indicator_ids).values_list("code", flat=True)
    )
    if dry_run or not rows:
        return report
    with transaction.atomic():
        report.values_written = _write_values(
            indicator_ids,
            ((indicator, commune, value) for indicator, commune, value, _line in rows),
        )
        record = IndicatorImport.objects.create(
            file_name=file_name[:255],
            layout=table.layout,
            imported_by=actor if actor is not None and actor.pk else None,
            values_written=report.values_written,
            rows_refused=len(report.refused_lines),
        )
        report.import_id = record.pk
        record.report = report.as_dict()
        record.save(update_fields=["report"])
        record.indicators.set(indicator_ids)
        audit.record(
            actor,
            "import_indicator_values",
            record,
            after={
                "indicators": report.indicators,
                "values_written": report.values_written,
                "rows_refused": len(report.refused_lines),
            },
        )
    return report


def sync_population() -> int:
    """Write the `population` indicator from the population of current communes (the reference
    data loaded with the territories); the values of communes gone are removed."""
    indicator = Indicator.objects.get(code=POPULATION)
    rows = list(
        Territory.objects.filter(
            level=Level.COMMUNE, is_current=True, population__isnull=False
        ).values_list("pk", "population")
    )
    with transaction.atomic():
        _locked([indicator.pk])  # before the deletion, which changes the total too
        IndicatorValue.objects.filter(indicator=indicator).exclude(
            commune_id__in=Territory.objects.filter(
                level=Level.COMMUNE, is_current=True, population__isnull=False
            ).values("pk")
        ).delete()
        return _write_values(
            [indicator.pk], ((indicator.pk, pk, population) for pk, population in rows)
        )
