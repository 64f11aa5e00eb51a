"""The title of a candidate sheet: the name the passage gives its action, tried rule by rule
(`title.RULES`), each on a passage written for it."""

from __future__ import annotations

import pytest

from maillage.ingestion.extraction.title import RULES, word


def titled(*texts: str) -> tuple[str, str]:
    worded = word(list(enumerate(texts, start=1)))
    return worded.title, worded.provenance["title"].why


def test_the_named_action_may_have_an_adjective_before_its_quoted_name():
    assert titled(
        "Qu’en est-il de l’atelier éducatif « À la découverte de l’Europe » où huit adolescents "
        "sont devenus acteurs de ce projet ?"
    ) == ("À la découverte de l’Europe", str(RULES["named"]))


def test_a_named_place_in_a_testimony_comes_before_its_heading():
    assert titled(
        "La parole des habitants",
        "Christine, habitante d'un village, témoigne de son expérience :",
        "« Un jour, une assistante sociale m’a dit : Et si vous veniez au Jardin de Saint "
        "Caprais ? J’y suis allée. »",
    ) == ("Jardin de Saint Caprais", str(RULES["named_place"]))


def test_a_quoted_action_in_the_first_lines_comes_before_a_short_heading():
    assert titled(
        "Soutenir la parentalité",
        "La CAF a lancé le projet « Café des parents » dans trois quartiers.",
    ) == ("Café des parents", str(RULES["named"]))


def test_a_presented_document_is_titled_by_its_title_not_its_author():
    assert titled(
        "Conseil départemental de la Somme, Former les agents aux droits culturels, 2 p.",
        "Cette contribution présente une action réalisée de 2014 à 2016.",
    ) == ("Former les agents aux droits culturels", str(RULES["document"]))


def test_a_presented_document_naming_its_action_is_titled_by_the_action():
    assert (
        titled(
            "Parents solos Niort, Évaluation de l’action, 32 p.",
            "Ce document dresse le bilan de l’action « Parents solos » de la CAF.",
        )[0]
        == "Parents solos"
    )


@pytest.mark.parametrize(
    ("texts", "title"),
    [
        (
            ("Croiser les discours", "Exemple : outils pédagogiques de « Laisse ton empreinte »."),
            "outils pédagogiques de « Laisse ton empreinte »",
        ),
        (
            (
                "Mettre en œuvre des actions collectives",
                "L’expérience des travailleurs pairs, contrat d’un an, peut être rappelée.",
            ),
            "L’expérience des travailleurs pairs",
        ),
    ],
)
def test_what_an_example_or_an_experience_names_comes_before_a_recommendation(texts, title):
    assert titled(*texts) == (title, str(RULES["example"]))


def test_a_participation_body_names_its_passage():
    assert titled(
        "Ce sont aussi les travaux du conseil départemental des collégiens que je citerai."
    ) == ("conseil départemental des collégiens", str(RULES["named_place"]))


def test_a_short_heading_stays_the_title_when_nothing_is_named_under_it():
    assert titled(
        "Une action pilote à Lille-Fives :",
        "Depuis 2008, l'association ATD Quart Monde y anime un groupe de parole.",
    ) == ("Une action pilote à Lille-Fives", str(RULES["first_line"]))


def test_every_title_rule_is_explained_in_french():
    assert all(str(why) for why in RULES.values())
