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
        "caf59",
        "CAF du Nord",
        OrganisationKind.CAF,
        "Caisse d'allocations familiales : soutien à la parentalité et animation de la vie sociale "
        "sur le département du Nord.",
        (("departement", "59"),),
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
    # Carriers and partners of the demo practice sheets (maillage/demo/data/practices.json).
    DemoOrganisation(
        "cd59",
        "Conseil départemental du Nord",
        OrganisationKind.CONSEIL_DEPARTEMENTAL,
        "Chef de file de l'action sociale ; son conseil consultatif du développement social a "
        "formulé le développement social local en 23 principes d'action.",
        (("departement", "59"),),
    ),
    DemoOrganisation(
        "cd54",
        "Conseil départemental de Meurthe-et-Moselle",
        OrganisationKind.CONSEIL_DEPARTEMENTAL,
        "Premier département à installer, avec l'État, un conseil départemental du développement "
        "social, appuyé sur six conférences territoriales.",
        (("departement", "54"),),
    ),
    DemoOrganisation(
        "cd33",
        "Conseil départemental de la Gironde",
        OrganisationKind.CONSEIL_DEPARTEMENTAL,
        "Service social de secteur engagé dans des actions de développement social de quartier.",
        (("departement", "33"),),
    ),
    DemoOrganisation(
        "cd76",
        "Conseil départemental de la Seine-Maritime",
        OrganisationKind.CONSEIL_DEPARTEMENTAL,
        "Sensibilise les professionnels de l'action sociale aux droits culturels des personnes.",
        (("departement", "76"),),
    ),
    DemoOrganisation(
        "caf79",
        "CAF des Deux-Sèvres",
        OrganisationKind.CAF,
        "Caisse d'allocations familiales ; porte l'action « Parents solos » pour des mères seules.",
        (("departement", "79"),),
    ),
    DemoOrganisation(
        "caf13",
        "CAF des Bouches-du-Rhône",
        OrganisationKind.CAF,
        "Caisse d'allocations familiales attentive aux compétences des personnes accompagnées.",
        (("departement", "13"),),
    ),
    DemoOrganisation(
        "ccmsa",
        "Caisse centrale de la Mutualité sociale agricole (CCMSA)",
        OrganisationKind.MSA,
        "Tête du réseau des caisses de MSA ; appelle les caisses à développer des actions "
        "collectives reproductibles pour les actifs agricoles fragilisés.",
        (),
    ),
    DemoOrganisation(
        "carsat-centre-ouest",
        "CARSAT Centre-Ouest",
        OrganisationKind.CPAM_CARSAT,
        "Caisse de retraite et de santé au travail ; soutient le projet « Bien vieillir » des "
        "centres sociaux de Poitou-Charentes.",
        (),
    ),
    DemoOrganisation(
        "urecso",
        "Union régionale des centres sociaux de Poitou-Charentes (URECSO)",
        OrganisationKind.CENTRE_SOCIAL,
        "Réseau régional des centres sociaux.",
        (
            ("departement", "16"),
            ("departement", "17"),
            ("departement", "79"),
            ("departement", "86"),
        ),
    ),
    DemoOrganisation(
        "atd-quart-monde",
        "ATD Quart Monde",
        OrganisationKind.ASSOCIATION,
        "Mouvement de lutte contre la misère fondé par Joseph Wresinski ; Université populaire "
        "Quart Monde, croisement des savoirs et des pratiques.",
        (),
    ),
    DemoOrganisation(
        "spisc",
        "Séminaire pour la promotion de l'intervention sociale communautaire (SPISC)",
        OrganisationKind.ASSOCIATION,
        "Collectif de professionnels, d'universitaires et de formateurs qui promeut "
        "l'intervention sociale communautaire.",
        (),
    ),
    DemoOrganisation(
        "cnlaps",
        "Comité national des acteurs de la prévention spécialisée (CNLAPS)",
        OrganisationKind.TETE_DE_RESEAU,
        "Réseau national des associations de prévention spécialisée.",
        (),
    ),
    DemoOrganisation(
        "cnle",
        "Conseil national des politiques de lutte contre la pauvreté et l'exclusion sociale (CNLE)",
        OrganisationKind.SERVICE_ETAT,
        "Instance consultative nationale, dotée d'un collège de personnes en situation de pauvreté.",
        (),
    ),
    DemoOrganisation(
        "adf",
        "Assemblée des départements de France (ADF)",
        OrganisationKind.TETE_DE_RESEAU,
        "Association des présidents de conseils départementaux ; partenaire de la démarche AGILLE.",
        (),
    ),
    DemoOrganisation(
        "education-nationale",
        "Service social en faveur des élèves (Éducation nationale)",
        OrganisationKind.SERVICE_ETAT,
        "Assistants sociaux des établissements scolaires : accompagnement des élèves, actions "
        "collectives et soutien aux parents.",
        (),
    ),
    DemoOrganisation(
        "drjscs-corse",
        "DRJSCS de Corse",
        OrganisationKind.SERVICE_ETAT,
        "Direction régionale de la jeunesse, des sports et de la cohésion sociale.",
        (("region", "94"),),
    ),
    DemoOrganisation(
        "drjscs-npdc",
        "DRJSCS Nord – Pas-de-Calais",
        OrganisationKind.SERVICE_ETAT,
        "Direction régionale de la jeunesse, des sports et de la cohésion sociale.",
        (("departement", "59"), ("departement", "62")),
    ),
    DemoOrganisation(
        "ansa",
        "Agence nouvelle des solidarités actives (ANSA)",
        OrganisationKind.ASSOCIATION,
        "Association d'appui aux acteurs des solidarités ; a analysé les travaux des assises.",
        (),
    ),
    DemoOrganisation(
        "univ-catholique-lille",
        "Université catholique de Lille",
        OrganisationKind.ORGANISME_FORMATION,
        "Recherche et formation ; a conduit une méthode d'analyse en groupe avec des travailleurs "
        "sociaux.",
        (("commune", "59350"),),
    ),
    DemoOrganisation(
        "ids-normandie",
        "Institut du développement social (IDS) de Haute-Normandie",
        OrganisationKind.ORGANISME_FORMATION,
        "Établissement de formation en travail social.",
        (),
    ),
    DemoOrganisation(
        "cnam-marseille",
        "Conservatoire national des arts et métiers (Cnam) — Marseille",
        OrganisationKind.ORGANISME_FORMATION,
        "Formation et recherche sur l'activité des animateurs d'actions collectives.",
        (("commune", "13055"),),
    ),
    DemoOrganisation(
        "regie-bethune",
        "Régie de quartier de Béthune",
        OrganisationKind.ASSOCIATION,
        "Régie de quartier qui travaille avec les jeunes et l'ensemble des habitants.",
        (("commune", "62119"),),
    ),
    DemoOrganisation(
        "alliance-citoyenne",
        "Alliance citoyenne",
        OrganisationKind.COLLECTIF_HABITANTS,
        "Organisation d'habitants selon la méthode du community organizing.",
        (("commune", "38185"),),
    ),
    DemoOrganisation(
        "collectif-idees",
        "Collectif « Idées »",
        OrganisationKind.COLLECTIF_HABITANTS,
        "Collectif d'habitants pratiquant le community organizing.",
        (("commune", "93071"),),
    ),
    DemoOrganisation(
        "bistrots-de-pays",
        "Fédération nationale des Bistrots de Pays",
        OrganisationKind.ASSOCIATION,
        "Fédère les cafés de village labellisés Bistrot de Pays.",
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
    # Facilitators of the demo collective actions (maillage/demo/data/actions.json): each sees
    # the participants of the groups they run.
    DemoAccount(
        "assistante.sociale@maillage.test", "Élise", "Assistante sociale", Role.PROFESSIONAL, "cd62"
    ),
    DemoAccount(
        "msa@maillage.test", "Agnès", "Travailleuse sociale", Role.PROFESSIONAL, "msa-npdc"
    ),
    DemoAccount("atd@maillage.test", "Thomas", "Volontaire", Role.PROFESSIONAL, "atd-lille-fives"),
)
