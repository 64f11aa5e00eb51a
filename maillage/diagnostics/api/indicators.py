# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""The indicator catalogue and its values per commune in JSON (`/api/v1/diagnostics/indicators`).

Reading is open to everyone, like the pages (open data). Writes go through
`maillage.diagnostics.operations.indicators`, with the same permissions as the pages: national
indicators by national administrators, an organisation's indicators by its coordinators."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import Field, File, Form, PatchDict, Query, Router, Schema, Status, UploadedFile
from ninja.security import django_auth

from maillage.api_errors import ErrorOut
from maillage.diagnostics import access
from maillage.diagnostics.forms_indicators import MAX_IMPORT_BYTES
from maillage.diagnostics.indicator_files import read_indicator_table
from maillage.diagnostics.lookups import indicator_by_code
from maillage.diagnostics.models import Aggregation, Indicator, IndicatorValue, Theme
from maillage.diagnostics.operations import indicators as operations
from maillage.organisations.access import require
from maillage.organisations.models import Organisation, User
from maillage.organisations.tokens import TokenAuth
from maillage.territories.models import Level, Territory

router = Router(tags=["diagnostics"])
AUTH = [TokenAuth(), django_auth]
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class CatalogueIndicatorOut(Schema):
    code: str
    label: str
    theme: str
    theme_label: str
    unit: str
    source: str
    year: int | None
    definition: str
    aggregation: str = Field(description="`sum` (somme des communes) ou `ratio`")
    numerator: str | None = Field(description="Code du numérateur d'un rapport")
    denominator: str | None = Field(description="Code du dénominateur d'un rapport")
    scale: int = Field(description="Multiplicateur d'un rapport (100 pour un pourcentage)")
    is_sample: bool = Field(description="Données d'exemple, fictives")
    organisation: int | None = Field(description="Organisation responsable ; vide si national")
    national_total: float | None = Field(
        description="Somme des communes ; pour un rapport, somme de son numérateur sur les "
        "communes où ses deux termes sont connus"
    )
    national_denominator: float | None = Field(
        description="Pour un rapport : somme de son dénominateur sur ces mêmes communes"
    )
    national_count: int = Field(
        description="Communes renseignées ; pour un rapport, celles où ses deux termes le sont"
    )
    url: str


class CatalogueIndicatorIn(Schema):
    code: str = Field(description="Minuscules, chiffres, « _ » ou « - » ; ne change plus")
    label: str
    theme: Theme
    aggregation: Aggregation = Aggregation.SUM
    numerator: str | None = Field(None, description="Code d'un indicateur de somme")
    denominator: str | None = Field(None, description="Code d'un indicateur de somme")
    scale: int = 1
    unit: str = ""
    source: str = ""
    year: int | None = None
    definition: str = ""
    organisation: int | None = Field(None, description="Vide : national (administrateurs)")
    is_sample: bool = False


class CatalogueIndicatorPatchIn(Schema):
    label: str
    theme: Theme
    aggregation: Aggregation
    numerator: str | None = None
    denominator: str | None = None
    scale: int
    unit: str
    source: str
    year: int | None = None
    definition: str
    is_sample: bool


class CommuneValueOut(Schema):
    commune: str = Field(description="Code INSEE de la commune")
    name: str
    value: float | None
    numerator: float | None = Field(None, description="Pour un rapport")
    denominator: float | None = Field(None, description="Pour un rapport")


class CommuneValuesOut(Schema):
    indicator: str
    total: int = Field(description="Communes ayant une valeur")
    page: int
    per_page: int
    items: list[CommuneValueOut]


class CommuneValuesParams(Schema):
    level: Level | None = Field(None, description="Niveau du territoire ; vide : toute la France")
    code: str = Field("", description="Code du territoire (avec `level`)")
    page: int = Field(1, ge=1)
    per_page: int = Field(100, ge=1, le=1000, description="Communes par page, 1 000 au plus")


class ValueImportProblemOut(Schema):
    line: int = Field(description="Ligne du fichier (1 : l'en-tête)")
    column: str
    code: str = Field(
        description="unknown_commune, merged_commune, arrondissement, missing_commune, "
        "duplicate, not_a_number, unknown_indicator, forbidden_indicator, ratio_indicator"
    )
    message: str


class ValueImportOut(Schema):
    file_name: str
    file_format: str
    encoding: str = Field(description="Encodage lu (CSV)")
    layout: str = Field(description="`large` (une colonne par indicateur) ou `long`")
    rows_read: int
    empty_values: int = Field(description="Cases sans valeur (s, nd, vide), laissées de côté")
    values_to_write: int
    values_written: int
    problems: list[ValueImportProblemOut]
    refused_lines: list[int]
    indicators: list[str]
    dry_run: bool
    import_id: int | None


class ValueImportRefusedOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None
    report: ValueImportOut | None = None


def _indicator_out(indicator: Indicator) -> dict[str, Any]:
    return {
        **{
            name: getattr(indicator, name)
            for name in (
                "code",
                "label",
                "theme",
                "unit",
                "source",
                "year",
                "definition",
                "aggregation",
                "scale",
                "is_sample",
                "national_total",
                "national_denominator",
                "national_count",
            )
        },
        "theme_label": indicator.get_theme_display(),
        "numerator": indicator.numerator.code if indicator.numerator else None,
        "denominator": indicator.denominator.code if indicator.denominator else None,
        "organisation": indicator.organisation_id,
        "url": indicator.get_absolute_url(),
    }


def _catalogue() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("numerator", "denominator")


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    """Codes and ids of the payload → the objects the write functions take."""
    errors: dict[str, list[str]] = {}
    for name in ("numerator", "denominator"):
        if data.get(name):
            term = Indicator.objects.filter(code=data[name]).first()
            if term is None:
                errors[name] = [_("Indicateur inconnu : %(code)s.") % {"code": data[name]}]
            data[name] = term
    if data.get("organisation") is not None:
        data["organisation"] = Organisation.objects.filter(pk=data["organisation"]).first()
        if data["organisation"] is None:
            errors["organisation"] = [_("Organisation inconnue.")]
    if errors:
        raise ValidationError(errors)
    return data


@router.get(
    "/indicators",
    response=list[CatalogueIndicatorOut],
    summary="Le catalogue des indicateurs",
    description="Tous les indicateurs, nationaux et des organisations, par thème. Ouvert à tous.",
)
def list_indicators(request: HttpRequest, theme: Theme | None = None) -> list[dict[str, Any]]:
    indicators = _catalogue().order_by("theme", "label")
    if theme:
        indicators = indicators.filter(theme=theme)
    return [_indicator_out(indicator) for indicator in indicators]


@router.post(
    "/indicators",
    response={201: CatalogueIndicatorOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Créer un indicateur",
    description="Par un administrateur national (indicateur national si `organisation` est "
    "vide) ou un coordinateur (indicateur de son organisation). Un rapport nomme deux "
    "indicateurs de somme par leurs codes.",
)
def create_indicator(request: HttpRequest, payload: CatalogueIndicatorIn) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    indicator = operations.create_indicator(actor=actor, **_resolve(payload.dict()))
    return Status(201, _indicator_out(indicator))


# Before `/indicators/{code}`: the fixed path must match first.
@router.post(
    "/indicators/import",
    response={200: ValueImportOut, 401: ErrorOut, 403: ErrorOut, 422: ValueImportRefusedOut},
    auth=AUTH,
    summary="Importer un fichier de valeurs",
    description="Un fichier CSV (`;`, `,` ou tabulation ; UTF-8 ou Windows-1252) ou XLSX, une "
    "colonne par indicateur ou une ligne par valeur, en multipart (`file`). Les lignes en erreur "
    "sont listées dans `problems` et ne sont pas écrites ; les autres le sont ensemble. Avec "
    "`dry_run`, rien n'est écrit. Un fichier illisible, ou sans aucune valeur valide, répond 422.",
)
def import_values(
    request: HttpRequest, file: File[UploadedFile], dry_run: Form[bool] = False
) -> Any:
    actor: User = request.auth  # type: ignore[attr-defined]
    require(access.can_create_indicator(actor), str(operations.FILL_REFUSAL))
    if file.size > MAX_IMPORT_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("Le fichier dépasse %(limit)s.") % {"limit": filesizeformat(MAX_IMPORT_BYTES)}
                ]
            }
        )
    name = file.name or "fichier"
    table = read_indicator_table(file.read(), name)
    report = operations.import_indicator_values(
        actor=actor, table=table, file_name=name, dry_run=dry_run
    )
    if not report.values_to_write:
        return Status(
            422,
            {
                "detail": _("Aucune valeur valide dans ce fichier : rien n'est importé."),
                "report": report.as_dict(),
            },
        )
    return report.as_dict()


@router.get(
    "/indicators/{code}",
    response={200: CatalogueIndicatorOut, 404: ErrorOut},
    summary="Un indicateur",
)
def get_indicator(request: HttpRequest, code: str) -> dict[str, Any]:
    return _indicator_out(indicator_by_code(code, _catalogue()))


@router.patch(
    "/indicators/{code}",
    response={200: CatalogueIndicatorOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Modifier un indicateur",
    description="Ne change que les champs envoyés. Le code et l'organisation ne changent pas ; "
    "le mode d'agrégation non plus une fois l'indicateur rempli ou utilisé par un rapport.",
)
def update_indicator(
    request: HttpRequest, code: str, payload: PatchDict[CatalogueIndicatorPatchIn]
) -> dict[str, Any]:
    indicator = indicator_by_code(code, _catalogue())
    operations.update_indicator(
        actor=request.auth,  # type: ignore[attr-defined]
        indicator=indicator,
        **_resolve(dict(payload)),
    )
    return _indicator_out(indicator_by_code(code, _catalogue()))


def _values(indicator: Indicator, communes: QuerySet[Territory]) -> QuerySet[Any]:
    """(commune code, name, value[, numerator, denominator]) ordered by code; a ratio is
    computed per commune where both terms are known."""
    if not indicator.is_ratio:
        return (
            IndicatorValue.objects.filter(indicator=indicator, commune__in=communes)
            .order_by("commune__code")
            .values("value", code=F("commune__code"), name=F("commune__name"))
        )
    denominator = IndicatorValue.objects.filter(
        indicator_id=indicator.denominator_id, commune_id=OuterRef("commune_id")
    ).values("value")[:1]
    return (
        IndicatorValue.objects.filter(indicator_id=indicator.numerator_id, commune__in=communes)
        .annotate(bottom=Subquery(denominator))
        .filter(bottom__isnull=False)
        .order_by("commune__code")
        .values("value", "bottom", code=F("commune__code"), name=F("commune__name"))
    )


@router.get(
    "/indicators/{code}/values",
    response={200: CommuneValuesOut, 404: ErrorOut, 422: ErrorOut},
    summary="Les valeurs d'un indicateur par commune",
    description="Les communes d'un territoire (`level` et `code`, par exemple `epci` et "
    "`200033579`) ou de toute la France, par code, avec leur valeur. Pour un rapport, la valeur "
    "de chaque commune où numérateur et dénominateur sont connus, avec les deux termes.",
)
def indicator_values(
    request: HttpRequest, code: str, params: Query[CommuneValuesParams]
) -> dict[str, Any]:
    indicator = indicator_by_code(code)
    communes = Territory.objects.filter(level=Level.COMMUNE)
    if params.level:
        communes = Territory.objects.communes_of(
            Territory.objects.get_for_page(params.level, params.code)
        )
    rows = _values(indicator, communes)
    start = (params.page - 1) * params.per_page
    items = []
    for row in rows[start : start + params.per_page]:
        item = {"commune": row["code"], "name": row["name"], "value": row["value"]}
        if indicator.is_ratio:
            top, bottom = row["value"], row["bottom"]
            item.update(
                numerator=top,
                denominator=bottom,
                value=indicator.scale * top / bottom if bottom else None,
            )
        items.append(item)
    return {
        "indicator": indicator.code,
        "total": rows.count(),
        "page": params.page,
        "per_page": params.per_page,
        "items": items,
    }
