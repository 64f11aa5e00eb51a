"""The library: public search of the references, a record with its citations, merging variants."""

from __future__ import annotations

import pytest

from maillage.ingestion.models import Citation, Reference
from maillage.organisations.models import Role
from tests.ingestion.factories import CitationFactory, DocumentFactory, ReferenceFactory
from tests.organisations.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_anyone_searches_by_title_or_author_without_accents(client, django_assert_max_num_queries):
    ReferenceFactory(
        key="csts le developpement social local",
        title="Le développement social local",
        authors="CSTS",
        year=2010,
    )
    ReferenceFactory(
        key="dubasque le travail social", title="Le travail social", authors="Dubasque", year=2014
    )
    for _ in range(35):
        ReferenceFactory()

    with django_assert_max_num_queries(4):
        html = page(client.get("/documents/bibliotheque/"))
    assert "37 notices" in html
    assert "Page 1 sur 2" in html

    html = page(client.get("/documents/bibliotheque/", {"q": "developpement social"}))
    assert "Le développement social local" in html and "Le travail social<" not in html
    html = page(client.get("/documents/bibliotheque/", {"q": "dubasque"}))
    assert "1 notice" in html and "Le travail social" in html
    html = page(client.get("/documents/bibliotheque/", {"annee": "2014", "type": "report"}))
    assert "1 notice" in html


def test_a_merged_variant_leaves_the_list_and_leads_to_the_record_kept(client):
    kept = ReferenceFactory(title="Rapport Bourguignon")
    variant = ReferenceFactory(title="Rapport Bourguignon (2015)", merged_into=kept)

    html = page(client.get("/documents/bibliotheque/"))
    assert "Rapport Bourguignon (2015)" not in html
    response = client.get(f"/documents/bibliotheque/{variant.pk}/")
    assert response["Location"] == f"/documents/bibliotheque/{kept.pk}/"


def test_a_citation_links_to_its_document_only_for_those_who_read_it(client):
    organisation = OrganisationFactory()
    reference = ReferenceFactory(title="Les groupes de parole")
    document = DocumentFactory(title="Note interne du CCAS", organisation=organisation)
    CitationFactory(reference=reference, document=document, raw_text="Les groupes de parole, 2012")

    html = page(client.get(f"/documents/bibliotheque/{reference.pk}/"))
    assert "Les groupes de parole, 2012" in html
    assert "Note interne du CCAS" not in html
    assert "un document que vous ne pouvez pas lire" in html
    assert "Fusionner" not in html

    client.force_login(member(Role.PROFESSIONAL, organisation))
    html = page(client.get(f"/documents/bibliotheque/{reference.pk}/"))
    assert f'href="/documents/{document.pk}/">Note interne du CCAS</a>' in html


def test_a_documentalist_merges_a_variant_and_its_citations_follow(client):
    kept = ReferenceFactory(title="Le développement social local", url="")
    variant = ReferenceFactory(
        title="Développement social local (CSTS)", url="https://example.org/dsl"
    )
    CitationFactory(reference=variant)
    client.force_login(member(Role.DOCUMENTALIST))

    response = client.post(f"/documents/bibliotheque/{kept.pk}/", {"other": variant.pk})

    assert response["Location"] == f"/documents/bibliotheque/{kept.pk}/"
    kept.refresh_from_db()
    assert kept.url == "https://example.org/dsl"
    assert Citation.objects.get().reference == kept
    assert Reference.objects.get(pk=variant.pk).merged_into == kept


def test_others_may_not_merge(client):
    kept, variant = ReferenceFactory(), ReferenceFactory()
    client.force_login(member(Role.PROFESSIONAL))
    response = client.post(f"/documents/bibliotheque/{kept.pk}/", {"other": variant.pk})
    assert response.status_code == 403
    assert Reference.objects.get(pk=variant.pk).merged_into is None
