"""Demo organisations and accounts, drawn from the actors named in the 2015 report."""

from __future__ import annotations

from dataclasses import dataclass

from maillage.organisations.models import OrganisationKind, Role


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    kind: str
    description: str
    territories: tuple[tuple[str, str], ...]  # (level, code)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: str | None  # None: national administrator
    organisation: str | None


ORGANISATIONS = (
    DemoOrganisation(
        "cd62",
        "Conseil départemental du Pas-de-Calais",
        OrganisationKind.CONSEIL_DEPARTEMENTAL,
        "Chef de file de l'action sociale et du développement social sur le département ; "
        "porte notamment le pacte départemental pour la jeunesse.",
        (("departement", "62"),),
    ),
    DemoOrganisation(
        "ccas-arras",
        "CCAS d'Arras",
        OrganisationKind.CCAS,
        "Centre communal d'action sociale : accueil, accompagnement et actions collectives "
        "avec les habitants de la ville.",
        (("commune", "62041"),),
    ),
    DemoOrganisation(
        "caf62",
        "CAF du Pas-de-Calais",
        OrganisationKind.CAF,
        "Caisse d'allocations familiales : finance et anime des actions de soutien à la "
        "parentalité et d'animation de la vie sociale.",
        (("departement", "62"),),
    ),
    DemoOrganisation(
        "msa-npdc",
        "MSA Nord-Pas de Calais",
        OrganisationKind.MSA,
        "Mutualité sociale agricole : action sanitaire et sociale en milieu rural, dont les "
        "actions collectives « Parcours Confiance » et « L'Avenir en Soi ».",
        (("departement", "59"), ("departement", "62")),
    ),
    DemoOrganisation(
        "atd-lille-fives",
        "ATD Quart Monde — Lille-Fives",
        OrganisationKind.ASSOCIATION,
        "Projet de promotion familiale, sociale et culturelle mené avec les familles du "
        "quartier de Fives, en co-construction avec les partenaires.",
        (("commune", "59350"),),
    ),
    DemoOrganisation(
        "apriles",
        "APRILES",
        OrganisationKind.TETE_DE_RESEAU,
        "Réseau de repérage et de diffusion des pratiques innovantes de l'action sociale.",
        (),
    ),
)

ACCOUNTS = (
    DemoAccount("admin@maillage.test", "Camille", "Administratrice", None, None),
    DemoAccount("coordinatrice@maillage.test", "Nadia", "Coordinatrice", Role.COORDINATOR, "cd62"),
    DemoAccount(
        "professionnelle@maillage.test", "Léa", "Professionnelle", Role.PROFESSIONAL, "ccas-arras"
    ),
    DemoAccount("partenaire@maillage.test", "Karim", "Partenaire", Role.PARTNER, "caf62"),
    DemoAccount(
        "documentaliste@maillage.test", "Sophie", "Documentaliste", Role.DOCUMENTALIST, "apriles"
    ),
    DemoAccount("jury@maillage.test", "Paul", "Juré", Role.JURY_MEMBER, "cd62"),
)
