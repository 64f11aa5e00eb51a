from __future__ import annotations

import pytest
from django.test import Client

from maillage.referential.loading import LoadReport
from maillage.referential.models import Scheme, Term

pytestmark = pytest.mark.django_db

API = "/api/v1/referential"


def test_schemes_are_listed_with_their_term_counts(
    client: Client, referential: LoadReport, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(1):
        response = client.get(f"{API}/schemes")

    schemes = {scheme["code"]: scheme for scheme in response.json()}
    assert response.status_code == 200
    assert len(schemes) == Scheme.objects.count()
    assert schemes["phase"] == {
        "code": "phase",
        "label": "Phases d'une action collective",
        "url": "/referentiel/phase/",
        "definition": Scheme.objects.get(code="phase").definition,
        "source": "L1469–1507, L2457, L3235, L3847",
        "term_count": 7,
    }


def test_a_scheme_comes_with_its_terms_in_order(
    client: Client, referential: LoadReport, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(2):
        response = client.get(f"{API}/schemes/isic_form")

    data = response.json()
    terms = {term["code"]: term for term in data["terms"]}
    assert response.status_code == 200
    assert data["term_count"] == len(data["terms"]) == Term.objects.in_scheme("isic_form").count()
    assert data["terms"][0]["code"] == "travail_social_de_groupe"
    assert terms["groupe_d_interet"]["broader"]["code"] == "travail_social_de_groupe"
    assert [child["code"] for child in terms["intervention_de_reseau"]["narrower"]] == [
        "pratique_de_pairage",
        "pratique_de_groupe_en_reseau",
        "pratique_de_reseau_primaire",
    ]


def test_a_term_comes_with_its_scheme_and_neighbours(
    client: Client, referential: LoadReport, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(2):
        response = client.get(f"{API}/schemes/isic_form/terms/groupe_d_interet")

    data = response.json()
    assert response.status_code == 200
    assert data["label"] == "Groupe d'intérêt"
    assert data["is_active"] is True
    assert data["scheme"] == {
        "code": "isic_form",
        "label": "Formes d'intervention collective",
        "url": "/referentiel/isic_form/",
    }
    assert data["broader"] == {
        "code": "travail_social_de_groupe",
        "label": "Travail social de groupe",
        "url": "/referentiel/isic_form/travail_social_de_groupe/",
    }
    assert data["narrower"] == []
    assert data["url"] == "/referentiel/isic_form/groupe_d_interet/"


def test_unknown_codes_give_a_json_404_in_french(client: Client, referential: LoadReport) -> None:
    scheme = client.get(f"{API}/schemes/xyz")
    term = client.get(f"{API}/schemes/isic_form/terms/xyz")

    assert (scheme.status_code, scheme.json()) == (404, {"detail": "Vocabulaire inconnu : xyz."})
    assert (term.status_code, term.json()) == (404, {"detail": "Terme inconnu : isic_form/xyz."})
