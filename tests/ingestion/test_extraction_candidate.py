"""A candidate sheet drawn from one passage: its title and summary, the fields of a « fiche
action », forms of intervention, publics, themes, organisations, period and counts — each with
the lines it came from and why."""

from __future__ import annotations

import pytest

from maillage.ingestion.extraction import ExtractionContext, extract_candidate
from maillage.ingestion.found import FoundSegment, Line, ReadDocument
from tests.ingestion.extraction_helpers import extract, fresh_context
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db

LILLE_FIVES = [
    "Une action pilote à Lille-Fives :",
    "une expérience de développement social local impliquant des partenaires très divers, dont "
    "les familles en grande pauvreté habitant le quartier. Depuis 2008, l'association ATD Quart "
    "Monde y anime un groupe de parole avec la CAF du Nord et le CCAS de Lille.",
    "Une quinzaine de participants s'y retrouvent chaque mois, de 2008 à 2012, dans un quartier "
    "de 3 000 habitants.",
]


@pytest.fixture
def context() -> ExtractionContext:
    small_geography()
    return fresh_context()


def test_every_filled_field_says_where_it_came_from(context) -> None:
    draft = extract(context, *LILLE_FIVES)

    filled = {
        "title": draft.title,
        "summary": draft.summary,
        "isic_forms": draft.isic_forms,
        "publics": draft.publics,
        "places": draft.places,
        "organisations": draft.organisations,
        "start_year": draft.start_year,
        "end_year": draft.end_year,
        "participants_count": draft.participants_count,
        "inhabitants_count": draft.inhabitants_count,
    }
    assert all(filled.values())
    for name in filled:
        provenance = draft.provenance[name]
        assert 1 <= provenance.start_line <= provenance.end_line <= len(LILLE_FIVES), name
        assert provenance.why, name
    assert set(draft.provenance) - set(filled) <= {"territories", "themes"}


def test_title_is_the_short_first_line_and_summary_the_next_sentences(context) -> None:
    draft = extract(context, *LILLE_FIVES)

    assert draft.title == "Une action pilote à Lille-Fives"
    assert draft.summary.startswith("une expérience de développement social local")
    assert draft.summary.endswith("le CCAS de Lille.")
    assert draft.provenance["summary"].start_line == 2


def test_title_is_the_named_action(context) -> None:
    draft = extract(
        context,
        "La MSA a mis en place l'action « Parcours Confiance » pour des jeunes ruraux, qui se "
        "réunissent chaque semaine.",
    )

    assert draft.title == "Parcours Confiance"
    assert draft.provenance["title"].why == "le nom donné à l'action"


def test_title_falls_back_to_the_start_of_the_first_sentence(context) -> None:
    draft = extract(
        context,
        "Un groupe de mères isolées du quartier se réunit chaque mardi au centre social, avec "
        "une conseillère en économie sociale et familiale, pour parler budget et santé.",
    )

    assert draft.title == "Un groupe de mères isolées du quartier"
    assert len(extract(context, "mot " * 200 + ".").title) <= 120


def test_footnote_marks_stay_out_of_the_title(context) -> None:
    assert extract(context, "Mallette des parents[92]").title == "Mallette des parents"


def test_organisations_with_their_territory_and_kind(context) -> None:
    draft = extract(context, *LILLE_FIVES)

    assert [(item["name"], item["kind"]) for item in draft.organisations] == [
        ("ATD Quart Monde", "association"),
        ("CAF du Nord", "caf"),
        ("CCAS de Lille", "ccas"),
    ]


def test_institutions_and_named_associations(context) -> None:
    draft = extract(
        context,
        "Le conseil départemental de la Gironde, la MSA, le CIAS et le centre social Les Oliviers "
        "travaillent avec l'association « Voisins citoyens en Méditerranée » et la caisse "
        "d'allocations familiales d'Arras.",
    )

    assert {(item["name"], item["kind"]) for item in draft.organisations} == {
        ("MSA", "msa"),
        ("CIAS", "cias"),
        ("Conseil départemental de la Gironde", "departement"),
        ("Centre social Les Oliviers", "centre_social"),
        ("Voisins citoyens en Méditerranée", "association"),
        ("CAF d'Arras", "caf"),
    }


def test_forms_publics_and_themes_from_words_and_labels(context) -> None:
    draft = extract(
        context,
        "Un jardin partagé créé par des habitants du quartier rompt l'isolement des personnes "
        "âgées ; un groupe de parole réunit des familles monoparentales.",
    )

    assert draft.isic_forms == ["initiative_d_habitants", "groupe_de_parole"]
    assert set(draft.publics) == {
        "habitants_d_un_quartier",
        "personnes_agees",
        "familles_monoparentales",
    }
    assert {"cadre_de_vie", "lien_social"} <= set(draft.themes)
    assert "« jardin partagé » (L1)" in draft.provenance["isic_forms"].why


def test_the_form_comes_from_the_heading_only_when_the_words_give_none(context) -> None:
    heading = "Le travail social de groupe › Exemples"
    silent = extract(context, "Huit mères se retrouvent chaque semaine.", heading=heading)
    assert silent.isic_forms == ["travail_social_de_groupe"]
    assert silent.provenance["isic_forms"].why == "rubrique « travail social de groupe »"

    worded = extract(context, "Un atelier cuisine chaque semaine.", heading=heading)
    assert worded.isic_forms == ["atelier_collectif"]


@pytest.mark.parametrize(
    ("text", "participants", "inhabitants"),
    [
        ("25 familles participent.", 25, None),
        ("Une quinzaine de participants.", 15, None),
        ("Un quartier de 3 000 habitants.", None, 3000),
        ("Un quartier de 12 500 habitants où vivent huit familles.", 8, 12500),
        ("25 % des familles.", None, None),
    ],
)
def test_counts_of_people_and_inhabitants(context, text, participants, inhabitants) -> None:
    draft = extract(context, text)

    assert (draft.participants_count, draft.inhabitants_count) == (participants, inhabitants)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("L'action existe depuis 2009.", 2009, None),
        ("Menée en 2012-2013 avec la CAF.", 2012, 2013),
        ("Un programme de 2010 à 2014.", 2010, 2014),
        ("Voir Castel R., Les métamorphoses, Fayard 1995.", None, None),
    ],
)
def test_period_from_years_after_a_word_of_time(context, text, start, end) -> None:
    draft = extract(context, text)

    assert (draft.start_year, draft.end_year) == (start, end)


def test_fiche_fields_from_their_line_ranges_without_their_headings(context) -> None:
    lines = [
        "Jardin partagé du quartier Saint-Caprais",
        "Objectifs",
        "Rompre l'isolement des habitants.",
        "Créer du lien entre générations.",
        "Porteurs et partenaires",
        "Le centre social, la CAF et la mairie.",
    ]
    document = ReadDocument("txt", [Line(text) for text in lines])
    segment = FoundSegment(
        "fiche",
        1,
        6,
        "",
        "\n".join(lines),
        fields=(("objectives", 2, 4), ("carriers_and_partners", 5, 6)),
    )

    draft = extract_candidate(segment, document, context)

    assert draft.title == "Jardin partagé du quartier Saint-Caprais"
    assert draft.fields == {
        "objectives": "Rompre l'isolement des habitants.\nCréer du lien entre générations.",
        "carriers_and_partners": "Le centre social, la CAF et la mairie.",
    }
    assert (draft.provenance["objectives"].start_line, draft.provenance["objectives"].end_line) == (
        3,
        4,
    )
    assert draft.provenance["carriers_and_partners"].why == "rubrique de la fiche"


def test_an_empty_passage_gives_an_empty_draft(context) -> None:
    draft = extract(context, "")

    assert (draft.title, draft.summary, draft.places, draft.provenance) == ("", "", [], {})
