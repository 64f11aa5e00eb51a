from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from rdflib import Graph

from maillage.referential.loading import LoadReport
from maillage.referential.models import Scheme, Term

pytestmark = pytest.mark.django_db


def test_the_index_lists_every_scheme_with_its_term_count(
    client: Client, referential: LoadReport, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(2):
        response = client.get(reverse("referential:index"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Référentiel du travail social collectif" in html
    for scheme in Scheme.objects.all():
        assert scheme.label.replace("'", "&#x27;") in html
        assert f'href="/referentiel/{scheme.code}/"' in html
    assert "6 termes" in html  # participation levels
    for extension in ("json", "csv", "ttl"):
        assert f'href="/referentiel/export.{extension}"' in html


def test_the_search_ignores_accents_case_and_ligatures(
    client: Client, referential: LoadReport, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(2):
        response = client.get(reverse("referential:index"), {"q": "MISE EN OEUVRE"})

    assert response.context["results"][0].code == "mise_en_oeuvre"
    assert "pour « MISE EN OEUVRE »" in response.content.decode()


def test_the_search_matches_other_names_before_definitions(
    client: Client, referential: LoadReport
) -> None:
    results = client.get(reverse("referential:index"), {"q": "pouvoir d’agir"}).context["results"]

    assert results[0].code == "developpement_du_pouvoir_d_agir"
    empty = client.get(reverse("referential:index"), {"q": "zzzz"})
    assert empty.context["results"] == []
    assert "Aucun terme ne correspond" in empty.content.decode()


def test_the_scheme_page_nests_sub_types_with_anchors(
    client: Client, referential: LoadReport, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(2):
        response = client.get(reverse("referential:scheme", args=["isic_form"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<li id="groupe_d_interet"' in html
    assert 'href="#groupe_d_interet"' in html
    tree = response.context["tree"]
    group_work = next(node for node in tree if node.term.code == "travail_social_de_groupe")
    assert [child.term.code for child in group_work.children] == [
        "groupe_de_socialisation",
        "groupe_d_interet",
        "groupe_de_solidarite",
    ]
    assert group_work.heading == 2 and group_work.children[0].heading == 3


def test_the_term_page_shows_definition_names_neighbours_and_source(
    client: Client, referential: LoadReport, django_assert_max_num_queries
) -> None:
    term = Term.objects.get_by_codes("isic_form", "travail_social_communautaire")

    with django_assert_max_num_queries(2):
        response = client.get(term.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert term.definition.replace("'", "&#x27;") in html
    assert "organisation communautaire" in html
    assert 'href="/referentiel/isic_form/strategie_conflictuelle/"' in html
    assert "L648–657" in html

    child = client.get(reverse("referential:term", args=["isic_form", "groupe_d_interet"]))
    assert 'href="/referentiel/isic_form/travail_social_de_groupe/"' in child.content.decode()


def test_a_term_out_of_use_keeps_its_page_with_a_notice(
    client: Client, referential: LoadReport
) -> None:
    Term.objects.filter(code="sante").update(is_active=False)

    response = client.get(reverse("referential:term", args=["theme", "sante"]))

    assert response.status_code == 200
    assert "n’est plus en usage" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/referentiel/inconnu/", "/referentiel/isic_form/inconnu/", "/referentiel/export.xml"],
)
def test_unknown_codes_give_a_french_404(client: Client, referential: LoadReport, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_exports_are_downloads(client: Client, referential: LoadReport) -> None:
    turtle = client.get(reverse("referential:export", args=["ttl"]))
    assert turtle["Content-Type"].startswith("text/turtle")
    assert 'filename="referentiel-maillage.ttl"' in turtle["Content-Disposition"]
    assert len(Graph().parse(data=turtle.content.decode(), format="turtle")) > 1000

    table = client.get(reverse("referential:export", args=["csv"])).content.decode("utf-8")
    assert table.startswith("\ufeff")
    assert len(list(csv.reader(io.StringIO(table[1:])))) == Term.objects.active().count() + 1

    data = json.loads(client.get(reverse("referential:export", args=["json"])).content)
    assert len(data["schemes"]) == Scheme.objects.count()
