"""Bibliographic references: where they are found, how they are cut, and the key that merges the
variants of one source."""

from __future__ import annotations

from maillage.ingestion.found import Line, ReadDocument
from maillage.ingestion.references import (
    RULES,
    find_references,
    parse_reference,
    reference_key,
)


def document(*lines: str | Line) -> ReadDocument:
    return ReadDocument(
        file_format="txt",
        lines=[line if isinstance(line, Line) else Line(line) for line in lines],
    )


def parsed(text: str):
    reference = parse_reference(text, 1, 1)
    assert reference is not None
    return reference


def test_a_report_entry_is_cut_into_organisation_title_event_place_date_and_pages():
    reference = parsed(
        "FNARS, Pour une R-évolution du travail social. Premières préconisations issues des "
        "journées du travail social de la FNARS, Valence, novembre 2013, 11 p."
    )

    assert (reference.authors, reference.title) == (
        "FNARS",
        "Pour une R-évolution du travail social",
    )
    assert reference.event == "journées du travail social de la FNARS"
    assert (reference.place, reference.date_text, reference.year) == (
        "Valence",
        "novembre 2013",
        2013,
    )
    assert reference.pages == "11 p."


def test_an_article_keeps_its_authors_quoted_title_and_pages():
    reference = parsed(
        "Dubasque D., « L'intervention sociale d'intérêt collectif : un mode d'intervention en "
        "travail social pour retrouver le sens du vivre ensemble ? », Informations sociales "
        "2/2009 (n° 152), p. 106-114."
    )

    assert reference.authors == "Dubasque D."
    assert reference.title.startswith("L'intervention sociale d'intérêt collectif")
    assert reference.pages == "p. 106-114"
    assert reference.document_type == "article"


def test_several_authors_a_publisher_city_and_a_url_are_found():
    book = parsed(
        "Bacqué M.H., Biewener C., L’empowerment, une pratique émancipatrice, Paris, "
        "La Découverte, 2013."
    )
    web = parsed("Groupe de travail Gouvernance, www.cnle.gouv.fr/IMG/pdf/Rapport_gouvernance.pdf.")

    assert (book.authors, book.title, book.place) == (
        "Bacqué M.H., Biewener C.",
        "L’empowerment, une pratique émancipatrice",
        "Paris",
    )
    assert web.url == "www.cnle.gouv.fr/IMG/pdf/Rapport_gouvernance.pdf"


def test_the_document_type_is_guessed_from_its_words():
    assert parsed("ATD Quart Monde, Rapport annuel 2012, avril 2013, 40 p.").document_type == (
        "activity_report"
    )
    assert (
        parsed(
            "Institut du développement social, Actes de la journée d’étude, 2014, 71 p."
        ).document_type
        == "proceedings"
    )
    assert parsed("Parents solos, Évaluation de l’action, 32 p.").document_type == "evaluation"
    assert (
        parsed(
            "Conseil général du Nord, Répertoire des pratiques inspirantes, 258 p."
        ).document_type
        == "repertoire"
    )
    assert (
        parsed("CNAPE, Contribution pour les États généraux du travail social, 6 p.").document_type
        == "contribution"
    )


def test_variants_of_one_source_share_a_key():
    """Written differently in annex 3.1, annex 3.2 and the footnotes of the 2015 report."""
    variants = [
        (
            "ATD Quart Monde, Projet de promotion familiale, sociale et culturelle de Lille-Fives. "
            "Agir et apprendre avec tous dans un quartier. Évaluation intermédiaire 2008-2012, juin "
            "2013, 95 p."
        ),
        (
            "ATD Quart Monde, Projet de promotion familiale, sociale et culturelle de Lille-Fives. "
            "Agir et apprendre avec tous dans un quartier. Evaluation intermédiaire 2008-2012, juin "
            "2013."
        ),
    ]
    dinet = [
        (
            "M. Dinet, M. Thierry (rapporteur Guy Janvier), Gouvernance des politiques de "
            "solidarité, Conférence nationale de lutte contre la pauvreté, décembre 2012."
        ),
        (
            "Dinet M. et Thierry M., (rapporteur Guy Janvier), « Gouvernance des politiques de "
            "solidarité », rapport pour la conférence du 10 et 11 décembre 2012."
        ),
    ]
    fnars = [
        (
            "FNARS, Pour une R-évolution du travail social. Premières préconisations issues des "
            "journées du travail social de la FNARS, novembre 2013, 11 p."
        ),
        (
            "FNARS, Pour une R-évolution du travail social. Premières préconisations issues des "
            "journées du travail social de la FNARS, Valence, novembre 2013."
        ),
    ]
    for group in (variants, dinet, fnars):
        assert len({parsed(text).key for text in group}) == 1, group
    assert len({parsed(group[0]).key for group in (variants, dinet, fnars)}) == 3


def test_the_key_folds_accents_case_punctuation_articles_and_author_order():
    assert reference_key("Thierry M., Dinet M.", "La Gouvernance des politiques") == reference_key(
        "DINET, THIERRY", "gouvernance des politiques !"
    )
    assert reference_key("IGAS", "L’intervention sociale") != reference_key("IGAS", "Rapport 2005")


def test_footnotes_that_cite_are_references_and_footnotes_that_explain_are_not():
    references = find_references(
        document(
            "Le plan pluriannuel[4] est évalué chaque année[10].",
            Line(
                "[4] Chérèque F., Vanackere S., Évaluation de la 1re année du plan, IGAS, 2014.",
                "footnote",
            ),
            Line(
                "[10] Même si, soulignons-le, le développement social n’a pas cette finalité.",
                "footnote",
            ),
            "Un texte exporté garde la note dans la ligne[11: C. Avenel, « Les dynamiques du "
            "travail social », Informations Sociales, n°152, mars 2009.] et continue.",
        )
    )

    assert [(r.start_line, r.authors, r.year) for r in references] == [
        (2, "Chérèque F., Vanackere S.", 2014),
        (4, "C. Avenel", 2009),
    ]


def test_one_footnote_citing_two_works_gives_two_references():
    references = find_references(
        document(
            Line(
                "[39] Brodeur C., Rousseau R., L’intervention de réseaux, Montréal, 1984. "
                "Sanicola L., L’intervention de réseau, Paris, Bayard, 1994.",
                "footnote",
            )
        )
    )

    assert [(r.authors, r.year) for r in references] == [
        ("Brodeur C., Rousseau R.", 1984),
        ("Sanicola L.", 1994),
    ]


def test_source_lines_bibliographies_document_lists_and_source_cells():
    found = find_references(
        document(
            "Source : INSEE, Recensement de la population 2011.",
            "Bibliographie",
            "- Alinsky S., Pour une action directe non violente, Paris, Seuil, 1980.",
            "- Donzelot J., Police des familles, Paris, Editions de Minuit, 1977.",
            "Les contributions sur les freins et les leviers du développement social montrent "
            "que les professionnels partagent les mêmes constats, 2014.",
            "Perce-bitume, Récits d’actions collectives de solidarité, 113 p.",
            "PRÉCONISATION",
            "SOURCE",
            "Valoriser la participation des usagers",
            "DRJSCS Corse, ANSA, Restitution des travaux de la Corse, EGTS 2014.",
        )
    )

    assert [(r.start_line, r.authors, r.title, r.rule) for r in found] == [
        (1, "INSEE", "Recensement de la population 2011", "source"),
        (3, "Alinsky S.", "Pour une action directe non violente", "bibliography"),
        (4, "Donzelot J.", "Police des familles", "bibliography"),
        (6, "Perce-bitume", "Récits d’actions collectives de solidarité", "document_list"),
        (10, "DRJSCS Corse, ANSA", "Restitution des travaux de la Corse", "table_source"),
    ]
    assert all(str(RULES[r.rule]) for r in found)


def test_a_source_cell_cut_after_a_comma_goes_on_over_the_next_line():
    references = find_references(
        document("SOURCE", "Assises interrégion Sud,", "Atelier Compétences des usagers")
    )

    assert [(r.start_line, r.end_line, r.authors, r.title) for r in references] == [
        (2, 3, "Assises interrégion Sud", "Atelier Compétences des usagers")
    ]


def test_the_people_who_wrote_a_document_for_an_organisation_are_authors_not_its_title():
    reference = parse_reference(
        "DRJSCS Bretagne, travaux coordonnés par Anne Martin, Paul Durand et Léa Petit "
        "(Université de Rennes), Enjeux du travail social collectif, 23 juin 2014, 166 p.",
        1,
        1,
        authors_first=True,
    )

    assert reference is not None
    assert reference.title == "Enjeux du travail social collectif"
    assert reference.authors.startswith("DRJSCS Bretagne, travaux coordonnés par Anne Martin")
    assert "Léa Petit" in reference.authors


def test_an_in_text_citation_points_to_the_documents_reference_by_author_and_year():
    found = find_references(
        document(
            "Le mot recouvre plusieurs projets (Jaeger, 2009) et d’autres (Bacqué, Biewener, 2013, "
            "p. 21 ; Inconnu, 2001).",
            "Bibliographie",
            "- Alinsky S, Pour une action directe non violente, Paris, Seuil, 1980 [1971].",
            "- Bacqué M.H., Biewener C., L’empowerment, une pratique émancipatrice, 2013.",
            "- Jaeger M., Participation : parcours d’un mot, 2009.",
        )
    )
    in_text = [(r.start_line, r.title, r.rule) for r in found if r.start_line == 1]
    keys = {r.title: {other.key for other in found if other.title == r.title} for r in found}

    assert in_text == [
        (1, "Participation : parcours d’un mot", "author_date"),
        (1, "L’empowerment, une pratique émancipatrice", "author_date"),
    ]  # « Inconnu, 2001 »: no reference in the document, no record
    assert all(len(shared) == 1 for shared in keys.values())
    assert ("Alinsky S", "Pour une action directe non violente") in {
        (r.authors, r.title) for r in found
    }


def test_a_source_cell_may_open_with_a_university_or_an_institute():
    found = find_references(
        document(
            "SOURCE",
            "Valoriser la parole des personnes",
            "\tUniversité Catholique de Lille, Région Nord : « Parole des travailleurs sociaux »",
        )
    )

    assert [(r.start_line, r.authors) for r in found] == [(3, "Université Catholique de Lille")]


def test_a_long_title_names_its_source_however_its_author_is_written():
    title = (
        "Actes de la journée d’étude interprofessionnelle : la participation des usagers et des "
        "familles dans l’action sociale"
    )

    assert reference_key("Institut du développement social", title) == reference_key(
        "Institut du développement social de Normandie", title
    )
    assert reference_key("IGAS", "Rapport 2005") != reference_key("CSTS", "Rapport 2005")
