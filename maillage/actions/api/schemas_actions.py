# No `from __future__ import annotations`: ninja reads schema annotations at runtime, and builds
# the PATCH payload from `ActionIn`.
"""The API's view of a collective action (pydantic schemas, shown in the OpenAPI document).

Terms are named by their codes in the référentiel, territories by (level, code), organisations by
identifier, as in the rest of the API.
"""

from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from maillage.actions.models import ActionStatus, GroupKind, IndicatorKind
from maillage.practices.api_schemas import TermLabelOut, TerritoryCode
from maillage.territories.schemas import TerritoryRef

STATUS_DOC = "Statut : " + ", ".join(
    f"`{value}` ({label})" for value, label in ActionStatus.choices
)

# ---------------------------------------------------------------------------------------------
# Output


class OrganisationNameOut(Schema):
    id: int
    name: str


class OrganisationRefOut(Schema):
    id: int
    name: str
    kind: str = Field(description="Type d'organisation (voir /api/v1/organisations)")


class ActionSummaryOut(Schema):
    id: int
    title: str
    group_name: str = Field(description="Le nom que le groupe s'est choisi")
    status: str = Field(description=STATUS_DOC)
    status_label: str
    isic_form: TermLabelOut = Field(description="Forme d'intervention collective")
    isic_subtype: TermLabelOut | None = Field(description="Sous-type de la forme")
    phase: TermLabelOut | None = Field(description="Phase en cours (vocabulaire phase)")
    organisation: OrganisationRefOut = Field(description="Organisation porteuse")
    territories: list[TerritoryRef]
    start_date: date
    end_date: date | None
    participants_count: int = Field(description="Personnes inscrites")
    sessions_held: int = Field(description="Séances tenues")
    url: str = Field(description="Page de l'action")


class ActionListOut(Schema):
    total: int = Field(description="Nombre d'actions trouvées")
    page: int
    per_page: int
    items: list[ActionSummaryOut]


class IndicatorOut(Schema):
    label: str
    kind: str = Field(description="Nature : " + ", ".join(IndicatorKind.values))
    target: str = Field(description="Cible, chiffrée ou non")


class ObjectiveOut(Schema):
    statement: str
    agreed_by: str = Field(description="Qui a validé l'objectif")
    agreed_on: date | None
    indicators: list[IndicatorOut] = Field(description="Ce qui servira à l'évaluer")


class FacilitatorOut(Schema):
    user_id: int | None = Field(description="Compte de la personne, si elle en a un")
    name: str
    function: str
    organisation: OrganisationRefOut | None


class PartnerOut(Schema):
    organisation: OrganisationRefOut
    role: str


class FunderOut(Schema):
    organisation: OrganisationRefOut
    amount: Decimal | None = Field(description="Montant en euros")
    conditions: str = Field(description="Conditions posées par le financeur")
    start_date: date | None = Field(description="Début du soutien")
    end_date: date | None = Field(description="Fin du soutien")


class PhaseOut(Schema):
    phase: TermLabelOut
    start_date: date
    end_date: date | None
    decisions: str = Field(description="Ce qui a été décidé à cette étape")


class ActionOut(ActionSummaryOut):
    description: str
    publics: list[TermLabelOut]
    themes: list[TermLabelOut]
    group_kind: str = Field(description="Type de groupe : " + ", ".join(GroupKind.values))
    expected_participants: int | None
    planned_withdrawal: date | None = Field(
        description="Retrait prévu des professionnels, quand le groupe prend le relais"
    )
    practice_id: int | None = Field(description="Fiche de pratique issue de l'action")
    objectives: list[ObjectiveOut]
    facilitators: list[FacilitatorOut] = Field(description="Co-animateurs")
    partners: list[PartnerOut]
    funders: list[FunderOut]
    phases: list[PhaseOut] = Field(description="Les phases, de la plus ancienne à la plus récente")


# ---------------------------------------------------------------------------------------------
# Input


class ActionIn(Schema):
    """The fields of an action that its editors change."""

    title: str = Field(description="200 caractères au plus")
    group_name: str = ""
    description: str = ""
    isic_form: str = Field(
        description="Code d'une forme de premier niveau du vocabulaire isic_form, par ex. "
        "« travail_social_de_groupe »"
    )
    isic_subtype: str | None = Field(
        None, description="Code d'un sous-type de cette forme, par ex. « groupe_d_interet »"
    )
    publics: list[str] = Field(default_factory=list, description="Codes du vocabulaire public")
    themes: list[str] = Field(default_factory=list, description="Codes du vocabulaire theme")
    territories: list[TerritoryCode] = Field(description="Au moins un territoire")
    group_kind: GroupKind = GroupKind.CLOSED
    expected_participants: int | None = Field(None, description="Au moins 1")
    start_date: date
    end_date: date | None = None
    planned_withdrawal: date | None = Field(
        None, description="Retrait prévu des professionnels, pendant l'action"
    )
    status: ActionStatus = Field(ActionStatus.PREPARATION, description=STATUS_DOC)


class ActionCreateIn(ActionIn):
    organisation: int = Field(
        description="Organisation porteuse : une organisation dont vous êtes professionnel ou "
        "coordinateur"
    )
