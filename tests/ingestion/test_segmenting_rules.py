"""Each rule that finds a practice's passage, on small documents written for it."""

from __future__ import annotations

from maillage.ingestion.found import Line, ReadDocument
from maillage.ingestion.segmenting import RULES, find_segments


def document(*lines: str | Line) -> ReadDocument:
    return ReadDocument(
        file_format="txt",
        lines=[line if isinstance(line, Line) else Line(line) for line in lines],
    )


def found(*lines: str | Line) -> list[tuple[int, int, str, str]]:
    return [
        (segment.start_line, segment.end_line, segment.kind, segment.rule)
        for segment in find_segments(document(*lines))
    ]


def test_a_fiche_action_is_one_passage_from_its_title_with_each_field_mapped():
    segments = find_segments(
        document(
            Line("Annexe 3", "heading", 1),
            "Un texte d’introduction qui ne décrit aucune action précise.",
            "Aménager des espaces « neutres » dans les structures d’accueil",
            "Objectifs de la proposition/action",
            Line("Permettre l’expression et le recueil de la parole.", "list_item", 1),
            "Porteurs et partenaires impliqués",
            Line("Centres sociaux, maisons de quartier, CCAS.", "list_item", 1),
            "Description :",
            Line("Optimiser les activités culturelles du quartier.", "list_item", 1),
            "Résultats",
            Line("Une quarantaine d’habitants viennent chaque semaine.", "list_item", 1),
            Line("Annexe 4", "heading", 1),
        )
    )

    assert [(s.kind, s.start_line, s.end_line, s.heading) for s in segments] == [
        ("fiche", 3, 11, "Annexe 3")
    ]
    assert segments[0].fields == (
        ("objectives", 4, 5),
        ("carriers_and_partners", 6, 7),
        ("description", 8, 9),
        ("results", 10, 11),
    )


def test_one_headed_word_alone_is_no_fiche():
    assert (
        found(
            "Objectifs",
            "Le développement social doit être reconnu comme une politique à part entière.",
        )
        == []
    )


def test_an_action_title_takes_the_paragraphs_under_it_up_to_the_next_title():
    assert found(
        Line("Exemples", "heading", 2),
        "L’action « L’Avenir en Soi »",
        "« L’Avenir en Soi » est une action collective pour un groupe de 8 à 12 participants.",
        "Au terme des séances, les participants présentent leur projet au groupe.",
        "L’action « Parcours Confiance »",
        "« Parcours Confiance » est une action collective pour 8 à 10 participants.",
    ) == [(2, 4, "named_action", "action_title"), (5, 6, "named_action", "action_title")]


def test_a_quoted_action_in_a_sentence_is_its_paragraph():
    assert found(
        "Le développement social est une politique publique.",
        "Les professionnels mettent en place le projet « L’île aux parents » et des ateliers "
        "d’échange à destination des parents du quartier.",
        "Le développement social est aussi une affaire d’élus.",
    ) == [(2, 2, "named_action", "quoted_action")]


def test_a_paragraph_naming_two_actions_in_two_sentences_gives_two_passages():
    segments = find_segments(
        document(
            "Les parents animent le projet « L’île aux parents » chaque mercredi. "
            "La PMI porte le programme « Une communauté autour de bébé » depuis 2012."
        )
    )

    assert [s.text for s in segments] == [
        "Les parents animent le projet « L’île aux parents » chaque mercredi.",
        "La PMI porte le programme « Une communauté autour de bébé » depuis 2012.",
    ]
    assert {(s.start_line, s.end_line) for s in segments} == {(1, 1)}


def test_a_sentence_listing_actions_in_clauses_gives_one_passage_per_action():
    segments = find_segments(
        document(
            "Qu’en est-il de l’atelier éducatif « À la découverte de l’Europe » où des adolescents "
            "sont devenus acteurs, des professionnels qui mettent en place le projet « L’île aux "
            "parents » et des ateliers d’échange ou encore le programme « Une communauté autour "
            "de bébé » qui change les regards et les pratiques ?"
        )
    )

    assert [s.text for s in segments] == [
        "Qu’en est-il de l’atelier éducatif « À la découverte de l’Europe » où des adolescents "
        "sont devenus acteurs",
        "des professionnels qui mettent en place le projet « L’île aux parents » et des ateliers "
        "d’échange",
        "le programme « Une communauté autour de bébé » qui change les regards et les pratiques ?",
    ]


def test_a_list_of_collectives_gives_one_passage_per_collective():
    segments = find_segments(
        document(
            "Trois expériences sont menées par les collectifs « Stop le contrôle au faciès », "
            "« Idées » à Sevran, « Alliance citoyenne » à Grenoble."
        )
    )

    assert [s.text for s in segments][1:] == [
        "« Idées » à Sevran",
        "« Alliance citoyenne » à Grenoble.",
    ]


def test_a_sentence_of_its_own_naming_a_body_or_a_quoted_name_beside_an_action_is_split():
    segments = find_segments(
        document(
            "Une conférence a réuni 150 collégiens autour du thème « Grandir avec le numérique ». "
            "Tout aussi éclairante est la réflexion de 250 personnes « Le pouvoir d’agir ». "
            "Je pourrais citer les travaux du conseil départemental des collégiens."
        )
    )

    assert len(segments) == 3
    assert (
        segments[2].text == "Je pourrais citer les travaux du conseil départemental des collégiens."
    )


def test_two_actions_sharing_a_clause_stay_one_passage():
    assert [
        s.text
        for s in find_segments(
            document(
                "Le projet « Café des parents » complète le projet « Ludothèque » du quartier."
            )
        )
    ] == ["Le projet « Café des parents » complète le projet « Ludothèque » du quartier."]


def test_a_quoted_notion_is_no_action():
    assert (
        found(
            "Il faut une démarche d’« aller vers » les publics et une expérimentation du "
            "« hors normes ».",
            "Le groupe de travail « Gouvernance des politiques de solidarité » a rendu son rapport.",
        )
        == []
    )


def test_an_action_opening_its_paragraph_takes_the_testimonies_after_it():
    assert found(
        "L’action 100 jours 100 % gagnants, mise en place dans le département du "
        "Pas-de-Calais, propose aux jeunes d’être parrainés par des adultes.",
        "Deux parrains témoignent :",
        "Le parrainage permet aux jeunes de prendre confiance.",
        Line("2.5.3. En quoi le travail social contribue-t-il ?", "heading", 3),
        "Si les travailleurs sociaux développent des approches collectives, il reste à faire.",
    ) == [(1, 3, "named_action", "unquoted_action")]


def test_a_testimony_goes_from_its_title_to_the_end_of_the_quotation():
    assert found(
        "Un paragraphe général sur l’accompagnement individuel.",
        "La parole des habitants",
        "Christine, habitante d'un village en zone rurale, témoigne de son expérience :",
        "« Et si vous veniez au Jardin de Saint Caprais ? J'y suis allée, timidement.",
        "On jardine, on sème, on récolte et on se partage les légumes. »",
        "Du côté du professionnel, le travail collectif est un outil supplémentaire.",
    ) == [(2, 5, "named_action", "testimony")]


def test_a_testimony_stops_where_the_next_witness_is_introduced():
    assert found(
        "Sabrina, assistante sociale, parle de son expérience dans un quartier :",
        "« Le contexte de cette initiative est celui que nous connaissons tous.",
        "« Ce projet envisage la personne dans son lieu de vie.",
        "La parole des habitants : Christine, habitante d'un village, a témoigné, voici son "
        "intervention :",
        "« Et si vous veniez au Jardin de Saint Caprais ? J'y suis allée. »",
    ) == [(1, 3, "named_action", "testimony"), (4, 5, "named_action", "testimony")]


def test_a_named_place_of_collective_work_is_a_passage():
    assert found(
        "Les familles se retrouvent chaque semaine à la Maison des Familles de Chambéry.",
    ) == [(1, 1, "named_action", "named_place")]


def test_an_example_is_kept_only_when_it_names_something_concrete():
    assert found(
        "Par exemple, la loi 2002-2 est présentée comme un outil de citoyenneté.",
        "Par exemple, à Nanterre, le centre social réunit les habitants autour d’un journal.",
    ) == [(2, 2, "example", "example")]


def test_the_items_after_examples_that_name_an_action_are_passages():
    assert found(
        "Exemples :",
        "Le « colportage culturel à domicile » : ce sont des temps réguliers proposés à domicile "
        "pour la famille.",
        Line(
            "le groupe de parents : ce groupe permet aux parents de partager leurs questions.",
            "list_item",
            1,
        ),
        "Ces actions sont co-construites avec les familles.",
    ) == [(2, 2, "example", "listed_action"), (3, 3, "example", "listed_action")]


def test_a_table_row_that_gives_an_example_is_a_passage_and_its_source_ends_it():
    assert found(
        "PRÉCONISATION",
        "LEVIERS",
        "SOURCE",
        "Valoriser la participation des usagers",
        "Valoriser les parcours des personnes.",
        "Livrable interrégion Sud Est.",
        "Croiser les discours des personnes accompagnées et des travailleurs sociaux. "
        "Exemple : outils pédagogiques de « Laisse ton empreinte ».",
        "Livrable interrégion Ouest.",
    ) == [(7, 8, "table_row", "table_row")]


def test_a_document_entry_whose_presentation_tells_of_an_action_is_a_passage():
    assert found(
        "Conseil départemental de la Seine-Maritime, Sensibiliser aux droits culturels, 2 p.",
        "Cette contribution présente une action réalisée de 2014 à 2016 et son contexte.",
        "FNADES, Communication aux États généraux du travail social, mai 2014, 2 p.",
        "Dans cette note, la FNADES repère cinq éléments d’évolution du travail social.",
    ) == [(1, 2, "named_action", "document_entry")]


def test_a_passage_carries_the_headings_above_it():
    segments = find_segments(
        document(
            Line("Partie 2", "heading", 1),
            Line("Les groupes", "heading", 2),
            "Le projet « L’île aux parents » réunit des parents chaque semaine.",
            Line("Partie 3", "heading", 1),
        )
    )

    assert [s.heading for s in segments] == ["Partie 2 › Les groupes"]


def test_every_rule_is_explained():
    rules = {
        segment.rule
        for segment in find_segments(
            document(
                "Par exemple, à Nanterre, le centre social réunit les habitants.",
                "Le projet « L’île aux parents » réunit des parents chaque semaine.",
            )
        )
    }

    assert rules == {"quoted_action", "example"}
    assert rules <= RULES.keys()
    assert all(str(RULES[rule]) for rule in rules)
