# No `from __future__ import annotations`: ninja reads these signatures at runtime, and
# string annotations do not resolve through its `paginate` wrapper.

from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from maillage.api_errors import ErrorOut
from maillage.territories.models import Level, Territory
from maillage.territories.schemas import LEVELS_DOC, TerritoryDetail, TerritoryOut
from maillage.territories.search import search_territories

router = Router(tags=["territoires"])
LEVEL_HELP = f"Niveaux retenus, répétable (level=commune&level=epci) : {LEVELS_DOC}"


@router.get(
    "",
    response={200: list[TerritoryOut], 422: ErrorOut},
    summary="Rechercher des territoires (sélecteur)",
    description="Les meilleurs territoires pour un début de nom ou un code : correspondance "
    "exacte d'abord, puis par niveau (région, département, EPCI, commune) et population.",
)
def search(
    request: HttpRequest,
    q: str = Query(
        ...,
        min_length=1,
        max_length=100,
        description="Début d'un mot du nom (accents et majuscules indifférents), code commune, "
        "code postal ou numéro de département",
    ),
    level: Annotated[list[str] | None, Query(description=LEVEL_HELP)] = None,
    limit: int = Query(10, ge=1, le=50, description="Nombre de résultats"),
) -> list[Territory]:
    if unknown := sorted(set(level or ()) - set(Level.values)):
        raise ValidationError(
            {
                "level": _("Niveau inconnu : %(unknown)s. Niveaux possibles : %(levels)s.")
                % {"unknown": ", ".join(unknown), "levels": LEVELS_DOC}
            }
        )
    return search_territories(q, levels=level, limit=limit)


@router.get(
    "/{level}/{code}",
    response={200: TerritoryDetail, 404: ErrorOut},
    summary="Un territoire, avec ses parents",
    description=f"`level` : {LEVELS_DOC}.",
)
def detail(request: HttpRequest, level: str, code: str) -> Territory:
    territory = Territory.objects.get_for_page(level, code)
    territory.communes_count = (  # type: ignore[attr-defined]
        Territory.objects.communes_of(territory).count() if territory.has_communes else None
    )
    return territory


@router.get(
    "/{level}/{code}/communes",
    response=list[TerritoryOut],
    summary="Les communes d'un territoire, par pages de 50",
    description=f"`level` : {LEVELS_DOC}. Une commune renvoie elle-même ; un arrondissement, "
    "sa commune.",
    openapi_extra={"responses": {"404": {"description": "Territoire inconnu"}}},
)
@paginate(PageNumberPagination)
def communes(request: HttpRequest, level: str, code: str) -> QuerySet[Territory]:
    return (
        Territory.objects.communes_of(Territory.objects.get_for_page(level, code))
        .select_related("region", "departement")
        .order_by("name", "code")
    )
