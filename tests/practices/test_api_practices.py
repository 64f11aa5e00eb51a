"""The practices API: the pages' search in JSON, published sheets, and writes by authorised
clients through the workflow's functions."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from maillage.organisations.models import AuditEntry, Role
from maillage.organisations.tokens import create_api_token
from maillage.practices import operations
from maillage.practices.models import Practice, PracticeRevision, Status
from tests.organisations.factories import OrganisationFactory, UserFactory, member
from tests.practices.factories import PracticeFactory, published_practice, term
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db

URL = "/api/v1/practices"


def _bearer(user) -> dict[str, str]:
    _token, key = create_api_token(actor=user, name="logiciel du service")
    return {"Authorization": f"Bearer {key}"}


def _send(client: Client, method: str, url: str, payload: dict, headers: dict | None = None):
    return getattr(client, method)(
        url, json.dumps(payload), content_type="application/json", headers=headers or {}
    )


def _stored_state() -> tuple[int, int, int]:
    return Practice.objects.count(), PracticeRevision.objects.count(), AuditEntry.objects.count()


@pytest.fixture(autouse=True)
def _referential():
    term("isic_form", "travail_social_de_groupe")  # loads the real vocabularies


@pytest.fixture
def geography():
    return small_geography()


# --- search -----------------------------------------------------------------------------------


def test_search_finds_without_accents_and_by_the_parent_form(client: Client, geography):
    parents = published_practice(
        title="L'île aux parents",
        summary="Un lieu d'accueil où les parents parlent de parentalité entre eux.",
        isic_forms=[term("isic_form", "groupe_de_socialisation")],
        themes=[term("theme", "parentalite")],
        territories=[geography.arras],
    )
    published_practice(
        title="Jardin partagé",
        summary="Des habitants cultivent une parcelle.",
        isic_forms=[term("isic_form", "developpement_social_local")],
        territories=[geography.saint_denis],
    )
    PracticeFactory(title="Brouillon sur la parentalité")

    body = client.get(URL, {"q": "parentalite"}).json()

    assert body["total"] == 1
    item = body["items"][0]
    assert item["id"] == parents.pk
    assert item["title"] == "L'île aux parents"
    assert "<mark>" in item["snippet"]
    assert item["url"].endswith(f"/pratiques/{parents.pk}/")
    assert item["territories"] == ["Arras"]
    assert item["isic_forms"] == ["Groupe de socialisation"]

    body = client.get(URL, {"isic_form": "travail_social_de_groupe"}).json()
    assert [item["id"] for item in body["items"]] == [parents.pk]
    forms = {value["value"]: value for value in body["facets"]["isic_form"]}
    assert forms["travail_social_de_groupe"]["selected"] is True


def test_filters_combine_and_facets_count(client: Client, geography):
    for title, theme, place in (
        ("Parents d'Arras", "parentalite", geography.arras),
        ("Parents de Saint-Denis", "parentalite", geography.saint_denis),
        ("Jardin d'Arras", "cadre_de_vie", geography.arras),
    ):
        published_practice(title=title, themes=[term("theme", theme)], territories=[place])

    body = client.get(f"{URL}?theme=parentalite&departement=62").json()

    assert [item["title"] for item in body["items"]] == ["Parents d'Arras"]
    assert set(body["facets"]) >= {"isic_form", "theme", "departement", "region", "period"}
    themes = {value["value"]: value["count"] for value in body["facets"]["theme"]}
    assert themes["parentalite"] == 1
    all_themes = client.get(URL).json()["facets"]["theme"]
    assert {value["value"]: value["count"] for value in all_themes}["parentalite"] == 2


def test_list_is_paginated_in_bounded_queries(client: Client, django_assert_max_num_queries):
    for index in range(7):
        published_practice(title=f"Atelier collectif {index}")

    with django_assert_max_num_queries(6):
        body = client.get(URL, {"per_page": 3, "page": 3, "sort": "date"}).json()

    assert (body["total"], body["page"], body["per_page"]) == (7, 3, 3)
    assert len(body["items"]) == 1
    with django_assert_max_num_queries(6):
        assert len(client.get(URL, {"per_page": 100}).json()["items"]) == 7


@pytest.mark.parametrize(
    "params",
    [{"per_page": 101}, {"page": 0}, {"sort": "titre"}, {"q": "jardin " * 30}],
    ids=["per_page", "page", "sort", "q"],
)
def test_bad_search_parameters_are_a_422_by_field(client: Client, params):
    response = client.get(URL, params)

    assert response.status_code == 422
    assert set(response.json()["errors"]) == set(params)


# --- detail -----------------------------------------------------------------------------------


def test_detail_is_the_published_revision_in_bounded_queries(
    client: Client, django_assert_max_num_queries
):
    practice = published_practice(title="Cent jours cent pour cent gagnants")
    operations.update_practice(
        actor=practice.author, practice=practice, title="Nouvelle version en cours"
    )

    with django_assert_max_num_queries(1):
        response = client.get(f"{URL}/{practice.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Cent jours cent pour cent gagnants"
    assert body["revision"] == 3  # created, submitted, published
    assert body["published_at"] and body["revision_published_at"]
    assert body["isic_forms"] == [
        {"code": "travail_social_de_groupe", "label": "Travail social de groupe"}
    ]
    assert body["licence"] == "CC-BY-4.0"
    assert body["links"]["page"].endswith(f"/pratiques/{practice.pk}/")
    assert body["links"]["api"].endswith(f"/api/v1/practices/{practice.pk}")


def test_drafts_archived_and_unknown_sheets_are_a_french_404(client: Client):
    draft = PracticeFactory()
    archived = published_practice()
    operations.archive_practice(actor=member(Role.DOCUMENTALIST), practice=archived)

    for pk in (draft.pk, archived.pk, 999999):
        response = client.get(f"{URL}/{pk}")
        assert response.status_code == 404
        assert response.json() == {"detail": f"Fiche inconnue ou non publiée : {pk}."}


# --- writes -----------------------------------------------------------------------------------


def _payload(**overrides) -> dict:
    return {
        "title": "Une communauté autour de bébé",
        "summary": "Des parents et des professionnels préparent ensemble l'arrivée d'un enfant.",
        "isic_forms": ["travail_social_de_groupe"],
        "themes": ["parentalite"],
        **overrides,
    }


def test_a_member_creates_a_draft_with_a_token(client: Client, geography):
    organisation = OrganisationFactory()
    author = member(Role.PROFESSIONAL, organisation)
    partner = OrganisationFactory(name="CAF du Nord")

    response = _send(
        client,
        "post",
        URL,
        _payload(
            organisation=organisation.pk,
            territories=[{"level": "commune", "code": "59350"}],
            organisations=[{"id": partner.pk, "role": "funder"}],
            participation_level="concertation",
            sources=[{"title": "Rapport 2015", "locator": "L3001"}],
            start_date="2014-09-01",
            ongoing=True,
        ),
        _bearer(author),
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["revision"]) == (Status.DRAFT, 1)
    assert body["themes"] == [{"code": "parentalite", "label": "Parentalité et vie familiale"}]
    assert body["territories"][0]["name"] == "Lille"
    assert body["organisations"] == [
        {"id": partner.pk, "name": "CAF du Nord", "kind": "ccas", "role": "funder"}
    ]
    practice = Practice.objects.get(pk=body["id"])
    assert (practice.author, practice.organisation) == (author, organisation)
    assert practice.participation_level.code == "concertation"
    # A draft is not public.
    assert client.get(f"{URL}/{practice.pk}").status_code == 404


def test_writes_without_credentials_are_401(client: Client):
    practice = PracticeFactory()
    before = _stored_state()

    assert _send(client, "post", URL, _payload()).status_code == 401
    assert _send(client, "patch", f"{URL}/{practice.pk}", {"title": "X"}).status_code == 401
    response = _send(client, "post", URL, _payload(), {"Authorization": "Bearer mauvaise-clé"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentification requise."}
    assert _stored_state() == before


def test_an_account_without_organisation_may_not_write(client: Client):
    headers = _bearer(UserFactory())
    before = _stored_state()

    response = _send(client, "post", URL, _payload(), headers)

    assert response.status_code == 403
    assert "membres d'une organisation" in response.json()["detail"]
    assert _stored_state() == before


def test_a_summary_longer_than_its_column_is_a_422_and_nothing_is_written(
    client: Client, geography
):
    headers = _bearer(member(Role.PROFESSIONAL))
    before = _stored_state()

    response = _send(client, "post", URL, _payload(summary="mot " * 400), headers)

    assert response.status_code == 422
    assert response.json()["errors"]["summary"] == [
        "Résumé : 1200 caractères au plus dans une fiche (il y en a 1599)."
    ]
    assert _stored_state() == before


def test_unknown_codes_are_a_422_by_field_and_nothing_is_written(client: Client, geography):
    headers = _bearer(member(Role.PROFESSIONAL))
    before = _stored_state()

    response = _send(
        client,
        "post",
        URL,
        _payload(
            isic_forms=["travail_social_de_groupe", "tricot"],
            scale="galaxie",
            territories=[
                {"level": "commune", "code": "62041"},
                {"level": "commune", "code": "99999"},
            ],
            organisations=[{"id": 999999, "role": "partner"}],
            organisation=999998,
        ),
        headers,
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors == {
        "isic_forms": ["Code inconnu dans le vocabulaire « isic_form » : tricot."],
        "scale": ["Code inconnu dans le vocabulaire « scale » : galaxie."],
        "territories": ["Territoire inconnu : commune 99999."],
        "organisations": ["Organisation inconnue : 999999."],
        "organisation": ["Organisation inconnue : 999998."],
    }
    assert _stored_state() == before


def test_a_form_of_intervention_is_required(client: Client):
    response = _send(client, "post", URL, _payload(isic_forms=[]), _bearer(member()))

    assert response.status_code == 422
    assert response.json()["errors"]["isic_forms"] == [
        "Choisissez au moins une forme d'intervention collective."
    ]


@pytest.mark.parametrize(
    "field", ["title", "summary", "description", "contact"], ids=lambda field: field
)
def test_markup_is_refused_in_every_text(client: Client, field):
    headers = _bearer(member())
    before = _stored_state()

    response = _send(
        client,
        "post",
        URL,
        _payload(**{field: 'Atelier <script>alert("x")</script>'}),
        headers,
    )

    assert response.status_code == 422
    assert "balises HTML" in response.json()["errors"][field][0]
    assert _stored_state() == before


def test_plain_text_with_special_characters_is_stored_as_is_and_escaped_in_pages(client: Client):
    author = member(Role.PROFESSIONAL)
    title = 'Parents & enfants : « 3 < 5 » et "ensemble"'
    created = _send(client, "post", URL, _payload(title=title), _bearer(author)).json()
    practice = Practice.objects.get(pk=created["id"])
    operations.submit_practice(actor=author, practice=practice)
    operations.publish_practice(actor=member(Role.DOCUMENTALIST), practice=practice)

    assert practice.title == title
    assert client.get(f"{URL}/{practice.pk}").json()["title"] == title
    page = client.get(f"/pratiques/{practice.pk}/").content.decode()
    assert "Parents &amp; enfants : « 3 &lt; 5 » et &quot;ensemble&quot;" in page


def test_the_author_patches_and_puts_her_draft(client: Client):
    author = member(Role.PROFESSIONAL)
    headers = _bearer(author)
    created = _send(client, "post", URL, _payload(objectives="Rompre l'isolement."), headers)
    url = f"{URL}/{created.json()['id']}"

    patched = _send(client, "patch", url, {"title": "Titre corrigé"}, headers)

    assert patched.status_code == 200, patched.json()
    assert patched.json()["title"] == "Titre corrigé"
    assert patched.json()["objectives"] == "Rompre l'isolement."
    assert patched.json()["revision"] == 2

    replaced = _send(client, "put", url, _payload(title="Tout remplacé"), headers)

    assert replaced.status_code == 200
    assert (replaced.json()["title"], replaced.json()["objectives"]) == ("Tout remplacé", "")
    read = client.get(f"{url}/working-copy", headers=headers).json()
    assert (read["title"], read["revision"]) == ("Tout remplacé", 3)


def test_other_people_cannot_change_a_sheet(client: Client):
    draft = PracticeFactory()
    published = published_practice(title="Publiée")
    stranger = _bearer(member(Role.PROFESSIONAL))
    before = _stored_state()

    # A draft stays unknown to others; a published sheet is known but not theirs.
    response = _send(client, "patch", f"{URL}/{draft.pk}", {"title": "X"}, stranger)
    assert response.status_code == 404
    response = _send(client, "patch", f"{URL}/{published.pk}", {"title": "X"}, stranger)
    assert response.status_code == 403
    assert "Seuls l'auteur" in response.json()["detail"]
    assert _stored_state() == before


def test_editing_a_published_sheet_keeps_the_published_version_online(client: Client):
    practice = published_practice(title="Version relue")

    response = _send(
        client,
        "patch",
        f"{URL}/{practice.pk}",
        {"title": "Version suivante"},
        _bearer(practice.author),
    )

    assert response.json()["status"] == Status.DRAFT
    assert client.get(f"{URL}/{practice.pk}").json()["title"] == "Version relue"
    assert client.get(URL, {"q": "relue"}).json()["total"] == 1


def test_submit_then_publish_through_the_api(client: Client):
    author = member(Role.PROFESSIONAL)
    created = _send(client, "post", URL, _payload(title="Parcours Confiance"), _bearer(author))
    url = f"{URL}/{created.json()['id']}"

    assert _send(client, "post", f"{url}/submit", {}, _bearer(author)).json()["status"] == (
        Status.SUBMITTED
    )
    # An empty body: no comment.
    refused = client.post(
        f"{url}/publish", content_type="application/json", headers=_bearer(author)
    )
    assert refused.status_code == 403
    returned = _send(
        client, "post", f"{url}/return", {"comment": ""}, _bearer(member(Role.DOCUMENTALIST))
    )
    assert returned.status_code == 422
    published = _send(
        client, "post", f"{url}/publish", {"comment": "Relue."}, _bearer(member(Role.DOCUMENTALIST))
    )

    assert published.status_code == 200
    assert published.json()["status"] == Status.PUBLISHED
    assert client.get(url).json()["title"] == "Parcours Confiance"
    assert client.get(URL, {"q": "confiance"}).json()["total"] == 1


def test_openapi_documents_the_endpoints_and_their_errors(client: Client):
    schema = client.get("/api/v1/schema").json()

    collection = schema["paths"]["/api/v1/practices"]
    assert collection["get"]["summary"] == "Chercher des pratiques inspirantes"
    parameters = {parameter["name"] for parameter in collection["get"]["parameters"]}
    assert {"q", "sort", "page", "per_page", "isic_form", "theme", "departement"} <= parameters
    assert {"201", "401", "403", "422"} <= set(collection["post"]["responses"])
    item = schema["paths"]["/api/v1/practices/{practice_id}"]
    assert {"get", "put", "patch"} <= set(item)
    assert "404" in item["get"]["responses"]
    assert "/api/v1/practices/{practice_id}/publish" in schema["paths"]
