# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""Diagnoses in JSON (`/api/v1/diagnostics`): the list the « Diagnostics » page shows, one
diagnosis with its steering group and components, and writes through
`maillage.diagnostics.operations.diagnoses`. Same permissions as the pages: a diagnosis you do
not read answers 404, a change you may not make 403 with the reason in French."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, PatchDict, Query, Router, Schema, Status
from ninja.security import django_auth

from maillage.api_errors import ErrorOut
from maillage.diagnostics import access
from maillage.diagnostics.listings import listed_diagnoses
from maillage.diagnostics.models import (
    Component,
    Diagnosis,
    DiagnosisKind,
    DiagnosisSection,
    DiagnosisStatus,
    Indicator,
    SteeringMember,
)
from maillage.diagnostics.operations import contributions as contribution_operations
from maillage.diagnostics.operations import diagnoses as operations
from maillage.organisations.access import require
from maillage.organisations.models import Organisation, User
from maillage.organisations.tokens import TokenAuth
from maillage.practices.api_schemas import TerritoryCode
from maillage.territories.commune_codes import normalise_commune_code
from maillage.territories.models import CustomKind, Level, Territory
from maillage.territories.schemas import TerritoryRef

router = Router(tags=["diagnostics"])
AUTH = [TokenAuth(), django_auth]
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 403: ErrorOut}
STATUS_DOC = "Statut : " + ", ".join(
    f"`{value}` ({label})" for value, label in DiagnosisStatus.choices
)
KIND_DOC = "Type : " + ", ".join(f"`{value}` ({label})" for value, label in DiagnosisKind.choices)
COMPONENT_DOC = "Composante : " + ", ".join(
    f"`{value}` ({label})" for value, label in Component.choices
)


class DiagnosisOrganisationOut(Schema):
    id: int
    name: str


class DiagnosisSummaryOut(Schema):
    id: int
    title: str
    kind: str = Field(description=KIND_DOC)
    status: str = Field(description=STATUS_DOC)
    status_label: str
    territory: TerritoryRef
    organisation: DiagnosisOrganisationOut = Field(description="Organisation porteuse")
    start_date: date | None
    end_date: date | None = Field(description="Fin des contributions")
    published_at: datetime | None
    contributions_published: int
    contributions_received: int
    url: str = Field(description="Page du diagnostic")


class DiagnosisListOut(Schema):
    total: int
    page: int
    per_page: int
    items: list[DiagnosisSummaryOut]


class DiagnosisSteeringMemberOut(Schema):
    organisation: DiagnosisOrganisationOut | None
    user_id: int | None
    name: str = Field(
        description="Nom de la personne ; vide pour qui n'est pas participant du diagnostic"
    )
    role: str


class DiagnosisSectionOut(Schema):
    component: str = Field(description=COMPONENT_DOC)
    label: str
    text: str


class DiagnosisOut(DiagnosisSummaryOut):
    purpose: str
    indicators: list[str] = Field(description="Codes des indicateurs retenus")
    contributions_open: bool = Field(
        description="Le lien public accepte des contributions : statut `open` et date de fin "
        "des contributions, s'il y en a une, pas encore passée"
    )
    synthesis: str
    steering_group: list[DiagnosisSteeringMemberOut]
    sections: list[DiagnosisSectionOut]


class DiagnosisIn(Schema):
    title: str = Field(description="200 caractères au plus")
    kind: DiagnosisKind = Field(DiagnosisKind.SHARED, description=KIND_DOC)
    territory: TerritoryCode = Field(description="Le territoire, par niveau et code")
    purpose: str = ""
    start_date: date | None = None
    end_date: date | None = None
    indicators: list[str] = Field(
        default_factory=list, description="Codes d'indicateurs du catalogue"
    )


class DiagnosisCreateIn(DiagnosisIn):
    organisation: int = Field(
        description="Organisation porteuse : une organisation dont vous êtes professionnel ou "
        "coordinateur"
    )
    territory: TerritoryCode | None = Field(
        None, description="Le territoire, par niveau et code ; ou bien le composer (ci-dessous)"
    )
    territory_name: str = Field(
        "",
        description="Pour composer le territoire à partir de communes (coordinateurs et "
        "administrateurs nationaux), au lieu de `territory` : son nom",
    )
    territory_kind: CustomKind = Field(
        CustomKind.BASSIN_DE_VIE, description="Le type du territoire composé"
    )
    communes: list[str] = Field(
        default_factory=list,
        description="Les codes INSEE des communes du territoire composé, deux au moins ; un "
        "code qui a perdu son zéro initial (1053 pour 01053) est lu comme l'original",
    )


class DiagnosisSteeringMemberIn(Schema):
    organisation: int | None = Field(None, description="Identifiant d'organisation")
    user: int | None = Field(
        None,
        description="Compte d'une personne de l'organisation porteuse ou d'une organisation "
        "du comité",
    )
    name: str = Field("", description="Nom d'une personne sans compte")
    role: str = ""


class DiagnosisSectionIn(Schema):
    text: str


class DiagnosisStatusIn(Schema):
    status: DiagnosisStatus = Field(description=STATUS_DOC)


class DiagnosisListParams(Schema):
    status: DiagnosisStatus | None = Field(None, description=STATUS_DOC)
    page: int = Field(1, ge=1)
    per_page: int = Field(20, ge=1, le=100, description="Diagnostics par page, 100 au plus")


def _summary(diagnosis: Diagnosis) -> dict[str, Any]:
    return {
        "id": diagnosis.pk,
        "title": diagnosis.title,
        "kind": diagnosis.kind,
        "status": diagnosis.status,
        "status_label": diagnosis.get_status_display(),
        "territory": diagnosis.territory,
        "organisation": diagnosis.organisation,
        "start_date": diagnosis.start_date,
        "end_date": diagnosis.end_date,
        "published_at": diagnosis.published_at,
        "contributions_published": diagnosis.contributions_published,
        "contributions_received": diagnosis.contributions_received,
        "url": reverse("diagnostics:detail", args=[diagnosis.pk]),
    }


def _detail(diagnosis: Diagnosis, *, show_names: bool) -> dict[str, Any]:
    return {
        **_summary(diagnosis),
        "purpose": diagnosis.purpose,
        "indicators": [indicator.code for indicator in diagnosis.indicators.all()],
        "contributions_open": contribution_operations.is_open(diagnosis),
        "synthesis": diagnosis.synthesis,
        "steering_group": [
            {
                "organisation": member.organisation,
                "user_id": member.user_id if show_names else None,
                "name": (member.user.display_name if member.user else member.name)
                if show_names
                else "",
                "role": member.role,
            }
            for member in diagnosis.steering_members.all()
        ],
        "sections": [
            {
                "component": section.component,
                "label": section.get_component_display(),
                "text": section.text,
            }
            for section in diagnosis.sections.all()
        ],
    }


def _readable(request: HttpRequest, diagnosis_id: int) -> Diagnosis:
    return access.readable_diagnosis(
        request.auth,  # type: ignore[attr-defined]
        diagnosis_id,
        listed_diagnoses(request.auth).prefetch_related(  # type: ignore[attr-defined]
            Prefetch("indicators", Indicator.objects.order_by("code")),
            Prefetch(
                "steering_members",
                SteeringMember.objects.select_related("organisation", "user").order_by("pk"),
            ),
            Prefetch("sections", DiagnosisSection.objects.order_by("pk")),
        ),
    )


def _detail_for(request: HttpRequest, diagnosis_id: int) -> dict[str, Any]:
    diagnosis = _readable(request, diagnosis_id)
    show_names = access.reads_as_participant(request.auth, diagnosis)  # type: ignore[attr-defined]
    return _detail(diagnosis, show_names=show_names)


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    """Codes and identifiers of the payload turned into objects; every unknown one refused."""
    fields = dict(data)
    errors: dict[str, list[str]] = {}
    if fields.get("territory") is not None:
        place = fields["territory"]
        found, _unknown = Territory.objects.from_codes([(str(place["level"]), place["code"])])
        fields["territory"] = found[0] if found else None
        if not found:
            errors["territory"] = [_("Territoire inconnu : %(level)s %(code)s.") % place]
    if "indicators" in fields:
        codes = list(fields["indicators"] or [])
        indicators = {item.code: item for item in Indicator.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in indicators]
        if unknown:
            errors["indicators"] = [_("Indicateur inconnu : %s.") % ", ".join(unknown)]
        fields["indicators"] = [indicators[code] for code in codes if code in indicators]
    if fields.get("communes"):
        communes, unknown = Territory.objects.from_codes(
            (Level.COMMUNE, normalise_commune_code(code)) for code in fields["communes"]
        )
        if unknown:
            errors["communes"] = [
                _("Commune inconnue : %s.") % ", ".join(code for _level, code in unknown)
            ]
        fields["communes"] = communes
    if "organisation" in fields:
        organisation = Organisation.objects.filter(pk=fields["organisation"]).first()
        if organisation is None:
            errors["organisation"] = [_("Organisation inconnue : %s.") % fields["organisation"]]
        fields["organisation"] = organisation
    if errors:
        raise ValidationError(errors)
    return fields


@router.get(
    "",
    response={200: DiagnosisListOut, 401: ErrorOut, 422: ErrorOut},
    auth=AUTH,
    url_name="list_diagnoses",
    summary="Lister les diagnostics de territoire",
    description="Les diagnostics auxquels vous participez et tous ceux qui sont publiés, les "
    "plus récents d'abord, avec le nombre de contributions reçues et publiées.",
)
def list_diagnoses(request: HttpRequest, params: Query[DiagnosisListParams]) -> dict[str, Any]:
    diagnoses = listed_diagnoses(request.auth)  # type: ignore[attr-defined]
    if params.status:
        diagnoses = diagnoses.filter(status=params.status)
    start = (params.page - 1) * params.per_page
    return {
        "total": diagnoses.count(),
        "page": params.page,
        "per_page": params.per_page,
        "items": [_summary(item) for item in diagnoses[start : start + params.per_page]],
    }


@router.post(
    "",
    response={201: DiagnosisOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Créer un diagnostic",
    description="Réservé aux professionnels et coordinateurs, pour une organisation dont ils "
    "sont membres. Le diagnostic commence « en préparation », avec ses cinq composantes vides "
    "et un lien public fermé. Son territoire est choisi (`territory`) ou composé de communes "
    "(`territory_name`, `territory_kind`, `communes`), par un coordinateur ou un administrateur "
    "national : le territoire et le diagnostic sont enregistrés ensemble. Une donnée invalide "
    "répond 422 et rien n'est enregistré.",
)
def create_diagnosis(request: HttpRequest, payload: DiagnosisCreateIn) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    # Refused before any look-up: 403 whatever the payload names.
    require(access.can_create_diagnosis(actor), str(operations.CREATE_REFUSAL))
    diagnosis = operations.create_diagnosis_where(actor=actor, **_resolve(payload.dict()))
    return Status(201, _detail_for(request, diagnosis.pk))


@router.get(
    "/{int:diagnosis_id}",
    response={200: DiagnosisOut, **READ_ERRORS},
    auth=AUTH,
    url_name="diagnosis",
    summary="Un diagnostic",
    description="Le diagnostic avec son comité de pilotage et ses cinq composantes. Un "
    "diagnostic que vous ne lisez pas répond 404. Les contributions sont sous "
    "`/{diagnosis_id}/contributions`.",
)
def get_diagnosis(request: HttpRequest, diagnosis_id: int) -> dict[str, Any]:
    return _detail_for(request, diagnosis_id)


@router.patch(
    "/{int:diagnosis_id}",
    response={200: DiagnosisOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Modifier un diagnostic",
    description="Ne change que les champs envoyés (l'organisation porteuse et le statut ne "
    "changent pas ici). Un lecteur qui ne peut pas le modifier reçoit 403.",
)
def update_diagnosis(
    request: HttpRequest, diagnosis_id: int, payload: PatchDict[DiagnosisIn]
) -> dict[str, Any]:
    diagnosis = _readable(request, diagnosis_id)
    operations.update_diagnosis(
        actor=request.auth,  # type: ignore[attr-defined]
        diagnosis=diagnosis,
        **_resolve(dict(payload)),
    )
    return _detail_for(request, diagnosis_id)


@router.put(
    "/{int:diagnosis_id}/steering",
    response={200: DiagnosisOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Remplacer le comité de pilotage",
    description="La liste entière des membres : chacun une organisation, un compte ou un nom. "
    "Le diagnostic est partagé avec les organisations du comité, et seulement elles.",
)
def set_steering_group(
    request: HttpRequest, diagnosis_id: int, payload: list[DiagnosisSteeringMemberIn]
) -> dict[str, Any]:
    diagnosis = _readable(request, diagnosis_id)
    actor: User = request.auth  # type: ignore[attr-defined]
    # Refused before any look-up: a reader must not learn which identifiers exist.
    if not access.can_edit_diagnosis(actor, diagnosis):
        raise PermissionDenied(str(operations.EDIT_REFUSAL))
    rows = [item.dict() for item in payload]
    organisations = Organisation.objects.in_bulk({row["organisation"] for row in rows} - {None})
    # Only the accounts the page offers: an unknown one and a stranger's get the same refusal.
    users = operations.steering_accounts(diagnosis, organisations).in_bulk(
        {row["user"] for row in rows} - {None}
    )
    errors = [
        _("Ligne %(line)d : organisation inconnue.") % {"line": line}
        for line, row in enumerate(rows, start=1)
        if row["organisation"] is not None and row["organisation"] not in organisations
    ] + [
        str(operations.STEERING_ACCOUNT_REFUSAL) % {"line": line}
        for line, row in enumerate(rows, start=1)
        if row["user"] is not None and row["user"] not in users
    ]
    if errors:
        raise ValidationError({"members": errors})
    operations.set_steering_group(
        actor=actor,
        diagnosis=diagnosis,
        members=[
            {
                **row,
                "organisation": organisations.get(row["organisation"]),
                "user": users.get(row["user"]),
            }
            for row in rows
        ],
    )
    return _detail_for(request, diagnosis_id)


@router.put(
    "/{int:diagnosis_id}/sections/{component}",
    response={200: DiagnosisOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Écrire une composante",
    description=f"Le texte du comité sur une des cinq composantes. {COMPONENT_DOC}.",
)
def save_section(
    request: HttpRequest, diagnosis_id: int, component: str, payload: DiagnosisSectionIn
) -> dict[str, Any]:
    diagnosis = _readable(request, diagnosis_id)
    operations.save_section(
        actor=request.auth,  # type: ignore[attr-defined]
        diagnosis=diagnosis,
        component=component,
        text=payload.text,
    )
    return _detail_for(request, diagnosis_id)


@router.post(
    "/{int:diagnosis_id}/status",
    response={200: DiagnosisOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Changer le statut d'un diagnostic",
    description="preparation → open → analysis → published → archived, et retour de analysis à "
    "open. Ouvrir accepte les contributions par le lien public ; publier demande une synthèse "
    "et rend la page lisible par tous.",
)
def set_status(
    request: HttpRequest, diagnosis_id: int, payload: DiagnosisStatusIn
) -> dict[str, Any]:
    diagnosis = _readable(request, diagnosis_id)
    operations.set_diagnosis_status(
        actor=request.auth,  # type: ignore[attr-defined]
        diagnosis=diagnosis,
        status=payload.status,
    )
    return _detail_for(request, diagnosis_id)
