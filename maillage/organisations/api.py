# No `from __future__ import annotations`: ninja reads these signatures at runtime, and
# string annotations do not resolve through its `paginate` wrapper.

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from maillage.api_errors import ErrorOut
from maillage.organisations import operations
from maillage.organisations.models import Organisation, OrganisationKind, User
from maillage.organisations.tokens import TokenAuth
from maillage.territories.models import Territory
from maillage.territories.schemas import TerritoryRef

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str = Field(description="Type d'organisation : " + ", ".join(OrganisationKind.values))
    kind_label: str = Field(alias="get_kind_display")
    siret: str
    website: str
    description: str
    territories: list[TerritoryRef]


class OrganisationTerritoryCode(Schema):
    level: str
    code: str


class OrganisationIn(Schema):
    name: str = Field(min_length=2, max_length=200)
    kind: OrganisationKind
    siret: str = Field("", pattern=r"^(\d{14})?$")
    website: str = ""
    description: str = ""
    territories: list[OrganisationTerritoryCode] = Field(
        default_factory=list, description="Territoires couverts, désignés par niveau et code."
    )


class OrganisationFilter(Schema):
    kind: OrganisationKind | None = Field(None, description="Type d'organisation")
    q: str | None = Field(None, description="Partie du nom")


def _organisations() -> object:
    return Organisation.objects.prefetch_related(
        Prefetch("territories", queryset=Territory.objects.order_by("level", "code"))
    ).order_by("name")


@router.get("", response=list[OrganisationOut], summary="Annuaire des organisations")
@paginate(PageNumberPagination)
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilter]) -> object:
    organisations = _organisations()
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)  # type: ignore[attr-defined]
    if filters.q:
        organisations = organisations.filter(name__icontains=filters.q)  # type: ignore[attr-defined]
    return organisations


@router.get("/{int:organisation_id}", response={200: OrganisationOut, 404: ErrorOut})
def get_organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    organisation = _organisations().filter(pk=organisation_id).first()  # type: ignore[attr-defined]
    if organisation is None:
        raise Http404(f"Organisation inconnue : {organisation_id}.")
    return organisation


def _resolve(codes: list[OrganisationTerritoryCode]) -> list[Territory]:
    territories, unknown = Territory.objects.from_codes((ref.level, ref.code) for ref in codes)
    if unknown:
        raise ValidationError(
            {"territories": [f"Territoire inconnu : {level} {code}." for level, code in unknown]}
        )
    return territories


@router.post(
    "",
    response={201: OrganisationOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    auth=[TokenAuth(), django_auth],
    summary="Créer une organisation (coordinateurs, administrateurs nationaux)",
)
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Status:
    actor: User = request.auth  # type: ignore[attr-defined]
    data = payload.dict()
    data["territories"] = _resolve(payload.territories)
    organisation = operations.create_organisation(actor=actor, **data)
    return Status(201, _organisations().get(pk=organisation.pk))  # type: ignore[attr-defined]
