"""The API's view of territories (pydantic schemas, shown in the OpenAPI document)."""

from __future__ import annotations

from ninja import Field, Schema

from maillage.territories.models import Level

LEVELS_DOC = ", ".join(Level.values)


class TerritoryRef(Schema):
    level: str = Field(description=f"Niveau : {LEVELS_DOC}")
    code: str
    name: str


class TerritoryOut(Schema):
    id: int
    level: str = Field(description=f"Niveau : {LEVELS_DOC}")
    level_label: str = Field(description="Niveau, ou type du territoire personnalisé, en clair")
    kind: str = Field(description="Type du territoire personnalisé (vide pour les autres)")
    code: str = Field(
        description="Code officiel géographique ; SIREN pour un EPCI ; code donné par la source "
        "pour un territoire personnalisé"
    )
    name: str
    label: str = Field(
        alias="full_label",
        description="Libellé du sélecteur : « Arras — Commune · 62041 · Pas-de-Calais »",
    )
    population: int | None
    postal_codes: list[str]
    departement: TerritoryRef | None = Field(
        description="Département ; pour un EPCI ou un territoire personnalisé, celui qui en "
        "compte le plus d'habitants"
    )
    region: TerritoryRef | None


class TerritoryDetail(TerritoryOut):
    epci: TerritoryRef | None = Field(description="EPCI dont la commune est membre")
    parent: TerritoryRef | None = Field(description="Commune d'un arrondissement municipal")
    is_current: bool = Field(description="Faux pour un territoire disparu du COG mais gardé")
    communes_count: int | None = Field(
        description="Nombre de communes comprises (sauf pour une commune ou un arrondissement)"
    )
