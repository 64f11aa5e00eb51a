# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""The territorial profile in JSON (`/api/v1/diagnostics/profiles/{level}/{code}`): the same
figures as the page, open to everyone (open data)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from maillage.api_errors import ErrorOut
from maillage.diagnostics.models import Indicator
from maillage.diagnostics.profiles import Profile, territory_profile
from maillage.territories.models import Territory
from maillage.territories.schemas import LEVELS_DOC, TerritoryRef

router = Router(tags=["diagnostics"])


class ProfileIndicatorOut(Schema):
    code: str
    label: str
    theme: str
    unit: str
    source: str
    year: int | None
    aggregation: str = Field(description="`sum` (somme des communes) ou `ratio`")
    scale: int = Field(description="Multiplicateur d'un rapport (100 pour un pourcentage)")
    is_sample: bool = Field(description="Données d'exemple, fictives : à ne pas citer")


class ProfileFigureOut(Schema):
    value: float | None = Field(
        description="Somme des communes ; pour un rapport, multiplicateur × Σ numérateur / "
        "Σ dénominateur sur les communes où les deux sont connus (jamais la moyenne des taux)"
    )
    numerator: float | None = Field(description="Σ numérateur (rapport seulement)")
    denominator: float | None = Field(description="Σ dénominateur (rapport seulement)")
    communes_with_value: int = Field(description="Communes où la valeur est connue")
    communes: int = Field(description="Communes du territoire")


class ProfileRowOut(Schema):
    indicator: ProfileIndicatorOut
    here: ProfileFigureOut
    departement: ProfileFigureOut | None = Field(description="Dans le département de comparaison")
    france: ProfileFigureOut | None = Field(
        description="En France, d'après les totaux nationaux de chaque indicateur"
    )


class ProfileOut(Schema):
    territory: TerritoryRef
    communes: int
    departement: TerritoryRef | None = Field(
        description="Département de comparaison : celui du territoire, celui de la plupart de "
        "ses communes pour un territoire personnalisé, aucun pour un département ou une région"
    )
    rows: list[ProfileRowOut]


def _indicators(codes: str) -> list[Indicator] | None:
    """The indicators named in `codes` (comma-separated), in that order; None when empty."""
    wanted = list(dict.fromkeys(code.strip() for code in codes.split(",") if code.strip()))
    if not wanted:
        return None
    found = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(code__in=wanted).select_related(
            "numerator", "denominator"
        )
    }
    if unknown := [code for code in wanted if code not in found]:
        raise ValidationError(
            {"indicators": _("Indicateur inconnu : %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    return [found[code] for code in wanted]


@router.get(
    "/profiles/{level}/{code}",
    response={200: ProfileOut, 404: ErrorOut, 422: ErrorOut},
    summary="Le profil d'un territoire",
    description="Les indicateurs d'un territoire de tout niveau (commune, EPCI, département, "
    "territoire personnalisé…), calculés à partir de ses communes, avec son département et la "
    f"France pour comparaison. `level` : {LEVELS_DOC}.",
)
def profile(
    request: HttpRequest,
    level: str,
    code: str,
    indicators: str = Query(
        "",
        description="Codes d'indicateurs séparés par des virgules ; sans eux, tous ceux qui ont "
        "une valeur dans au moins une commune du territoire",
    ),
) -> Profile:
    territory = Territory.objects.get_for_page(level, code)
    return territory_profile(territory, _indicators(indicators))
