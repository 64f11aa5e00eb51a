"""The API's view of practice sheets (pydantic schemas, shown in the OpenAPI document).

The output schemas describe the content of a revision (`maillage.practices.snapshot`); the input
schemas name terms, territories and organisations by their codes and identifiers.
"""

# No `from __future__ import annotations`: ninja builds the PATCH payload model from
# `PracticeIn`, and string annotations of nested schemas do not resolve there.

from datetime import date, datetime

from ninja import Field, Schema

from maillage.practices.models import Licence, OrganisationRole, Status
from maillage.territories.models import Level

# ---------------------------------------------------------------------------------------------
# Output


class TermLabelOut(Schema):
    code: str = Field(description="Code du terme dans le référentiel")
    label: str


class PlaceOut(Schema):
    level: str = Field(description="Niveau : " + ", ".join(Level.values))
    code: str = Field(description="Code officiel géographique ; SIREN pour un EPCI")
    name: str
    departements: list[str] = Field(description="Codes des départements où il se situe")
    regions: list[str] = Field(description="Codes des régions où il se situe")


class PracticeOrganisationOut(Schema):
    id: int
    name: str
    kind: str = Field(description="Type d'organisation (voir /api/v1/organisations)")
    role: str = Field(description="Rôle dans l'action : " + ", ".join(OrganisationRole.values))


class SourceOut(Schema):
    title: str
    url: str
    locator: str = Field(description="Page ou lignes dans le document")
    note: str


class LinksOut(Schema):
    page: str = Field(description="Page publique de la fiche")
    api: str = Field(description="La fiche publiée dans l'API")


class ContentOut(Schema):
    """The fields of a sheet, as a revision froze them."""

    title: str
    summary: str
    objectives: str
    carriers_and_partners: str
    description: str = Field(description="Description de la démarche")
    feasibility: str = Field(description="Faisabilité et conditions de reproductibilité")
    means: str = Field(description="Moyens et impacts organisationnels (temps, personnel, budget)")
    results: str = Field(description="Résultats et enseignements")
    pitfalls: str = Field(description="Écueils rencontrés et ressources trouvées")
    voices: str = Field(description="Paroles d'habitants et d'institutions")
    evaluation: str
    comments: str
    isic_forms: list[TermLabelOut] = Field(description="Formes d'intervention collective")
    methods: list[TermLabelOut]
    publics: list[TermLabelOut]
    themes: list[TermLabelOut]
    participation_level: TermLabelOut | None
    scale: TermLabelOut | None = Field(description="Échelle territoriale")
    territories: list[PlaceOut]
    organisations: list[PracticeOrganisationOut]
    sources: list[SourceOut]
    start_date: date | None
    end_date: date | None
    ongoing: bool = Field(description="Vrai si l'action continue")
    participants_count: int | None
    contact: str
    licence: str = Field(description="Licence du texte : " + ", ".join(Licence.values))


class PracticeOut(ContentOut):
    """A published sheet: the content of its published revision."""

    id: int
    revision: int = Field(description="Numéro de la version publiée")
    published_at: datetime | None = Field(description="Première publication de la fiche")
    revision_published_at: datetime = Field(description="Publication de cette version")
    links: LinksOut


class WorkingCopyOut(ContentOut):
    """The version being written or reviewed, as its editors see it."""

    id: int
    status: str = Field(description="Étape de relecture : " + ", ".join(Status.values))
    status_label: str
    revision: int = Field(description="Numéro de la dernière version enregistrée")
    links: LinksOut


class HitOut(Schema):
    id: int
    title: str
    summary: str
    snippet: str = Field(
        description="Extrait en HTML : les mots trouvés entre <mark> et </mark>, le reste échappé"
    )
    url: str = Field(description="Page publique de la fiche")
    published_at: datetime | None
    territories: list[str] = Field(description="Noms des territoires")
    isic_forms: list[str] = Field(description="Libellés des formes d'intervention collective")


class FacetValueOut(Schema):
    value: str = Field(description="Code à passer en filtre")
    label: str
    count: int = Field(description="Nombre de fiches de la recherche qui ont cette valeur")
    selected: bool


class PracticeListOut(Schema):
    total: int = Field(description="Nombre de fiches trouvées")
    page: int
    per_page: int
    items: list[HitOut]
    facets: dict[str, list[FacetValueOut]] = Field(
        description="Pour chaque facette, ses valeurs avec leur nombre de fiches"
    )


# ---------------------------------------------------------------------------------------------
# Input


class TerritoryCode(Schema):
    level: Level
    code: str = Field(description="Code officiel géographique ; SIREN pour un EPCI")


class OrganisationLink(Schema):
    id: int = Field(description="Identifiant de l'organisation (voir /api/v1/organisations)")
    role: OrganisationRole


class SourceIn(Schema):
    title: str
    url: str = ""
    locator: str = Field("", description="Page ou lignes, par ex. « p. 12 »")
    note: str = ""


class PracticeIn(Schema):
    """A sheet's fields. Texts are plain text: markup is refused."""

    title: str = Field(description="200 caractères au plus")
    summary: str
    objectives: str = ""
    carriers_and_partners: str = ""
    description: str = ""
    feasibility: str = ""
    means: str = ""
    results: str = ""
    pitfalls: str = ""
    voices: str = ""
    evaluation: str = ""
    comments: str = ""
    isic_forms: list[str] = Field(
        description="Codes du vocabulaire isic_form (au moins un), par ex. "
        "« travail_social_de_groupe »"
    )
    methods: list[str] = Field(default_factory=list, description="Codes du vocabulaire method")
    publics: list[str] = Field(default_factory=list, description="Codes du vocabulaire public")
    themes: list[str] = Field(default_factory=list, description="Codes du vocabulaire theme")
    participation_level: str | None = Field(
        None, description="Code du vocabulaire participation_level"
    )
    scale: str | None = Field(None, description="Code du vocabulaire scale")
    territories: list[TerritoryCode] = Field(default_factory=list)
    organisations: list[OrganisationLink] = Field(default_factory=list)
    sources: list[SourceIn] = Field(default_factory=list)
    start_date: date | None = None
    end_date: date | None = None
    ongoing: bool = False
    participants_count: int | None = Field(None, ge=0)
    contact: str = ""
    licence: Licence = Licence.CC_BY


class PracticeCreateIn(PracticeIn):
    organisation: int | None = Field(
        None,
        description="Organisation de l'auteur, dont les membres pourront aussi modifier la fiche",
    )


class CommentIn(Schema):
    comment: str = ""
