"""The library: search of the references cited by documents one reads, a record with its citations, merging variants."""

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


def _reader_document(role: str = Role.PROFESSIONAL):
    """A member and a document of their organisation, which they read."""
    reader = member(role)
    return reader, DocumentFactory(organisation=reader.memberships.get().organisation)


def test_a_reader_searches_by_title_or_author_without_accents(
    client, django_assert_max_num_queries
):
    reader, document = _reader_document()
    for reference in [
        ReferenceFactory(
            key="csts le developpement social local",
            title="Le développement social local",
            authors="CSTS",
            year=2010,
        ),
        ReferenceFactory(
            key="dubasque le travail social",
            title="Le travail social",
            authors="Dubasque",
            year=2014,
        ),
        *(ReferenceFactory() for _ in range(35)),
    ]:
        CitationFactory(reference=reference, document=document)
    hidden = CitationFactory(document=DocumentFactory(organisation=OrganisationFactory()))
    client.force_login(reader)

    with django_assert_max_num_queries(7):
        html = page(client.get("/documents/bibliotheque/"))
    assert "37 notices" in html
    assert "Page 1 sur 2" in html

    html = page(client.get("/documents/bibliotheque/", {"q": "developpement social"}))
    assert "Le développement social local" in html and "Le travail social<" not in html
    html = page(client.get("/documents/bibliotheque/", {"q": "dubasque"}))
    assert "1 notice" in html and "Le travail social" in html
    html = page(client.get("/documents/bibliotheque/", {"annee": "2014", "type": "report"}))
    assert "1 notice" in html
    assert hidden.reference.title not in page(client.get("/documents/bibliotheque/"))


@pytest.mark.parametrize("year", ["²", "٢٠١٤x", "1" * 5000, "-3", "20 14"])
def test_a_year_that_is_not_a_number_filters_nothing(client, year):
    reader, document = _reader_document()
    CitationFactory(reference=ReferenceFactory(year=2014), document=document)
    client.force_login(reader)

    html = page(client.get("/documents/bibliotheque/", {"annee": year}))

    assert "1 notice" in html


def test_a_merged_variant_leaves_the_list_and_leads_to_the_record_kept(client):
    kept = ReferenceFactory(title="Rapport Bourguignon")
    variant = ReferenceFactory(title="Rapport Bourguignon (2015)", merged_into=kept)
    reader, document = _reader_document()
    CitationFactory(reference=kept, document=document)
    client.force_login(reader)

    html = page(client.get("/documents/bibliotheque/"))
    assert "Rapport Bourguignon (2015)" not in html
    response = client.get(f"/documents/bibliotheque/{variant.pk}/")
    assert response["Location"] == f"/documents/bibliotheque/{kept.pk}/"


def test_a_variant_of_a_record_one_may_not_see_answers_the_french_404_and_no_number(client):
    hidden = ReferenceFactory()
    CitationFactory(reference=hidden, document=DocumentFactory(organisation=OrganisationFactory()))
    variant = ReferenceFactory(merged_into=hidden)
    client.force_login(_reader_document()[0])

    response = client.get(f"/documents/bibliotheque/{variant.pk}/")
    unknown = client.get(f"/documents/bibliotheque/{variant.pk + 1000}/")

    assert response.status_code == unknown.status_code == 404
    assert "Aucune notice ne porte ce numéro." in response.content.decode()
    assert "Aucune notice ne porte ce numéro." in unknown.content.decode()


def test_a_record_and_its_citations_are_shown_only_to_those_who_read_a_citing_document(
    client,
):
    organisation = OrganisationFactory()
    reference = ReferenceFactory(title="Les groupes de parole")
    document = DocumentFactory(title="Note interne du CCAS", organisation=organisation)
    CitationFactory(reference=reference, document=document, raw_text="Les groupes de parole, 2012")

    assert client.get(f"/documents/bibliotheque/{reference.pk}/").status_code == 404
    client.force_login(member(Role.PROFESSIONAL))
    assert client.get(f"/documents/bibliotheque/{reference.pk}/").status_code == 404

    client.force_login(member(Role.PROFESSIONAL, organisation))
    html = page(client.get(f"/documents/bibliotheque/{reference.pk}/"))
    assert "Les groupes de parole, 2012" in html
    assert f'href="/documents/{document.pk}/">Note interne du CCAS</a>' in html
    assert "Fusionner" not in html


def test_a_documentalist_merges_a_variant_and_its_citations_follow(client):
    kept = ReferenceFactory(title="Le développement social local", url="")
    variant = ReferenceFactory(
        title="Développement social local (CSTS)", url="https://example.org/dsl"
    )
    documentalist, document = _reader_document(Role.DOCUMENTALIST)
    CitationFactory(reference=kept, document=document)
    CitationFactory(reference=variant, document=document)
    client.force_login(documentalist)

    response = client.post(f"/documents/bibliotheque/{kept.pk}/", {"other": variant.pk})

    assert response["Location"] == f"/documents/bibliotheque/{kept.pk}/"
    kept.refresh_from_db()
    assert kept.url == "https://example.org/dsl"
    assert set(Citation.objects.values_list("reference", flat=True)) == {kept.pk}
    assert Reference.objects.get(pk=variant.pk).merged_into == kept


def test_others_may_not_merge(client):
    kept, variant = ReferenceFactory(), ReferenceFactory()
    professional, document = _reader_document()
    CitationFactory(reference=kept, document=document)
    CitationFactory(reference=variant, document=document)
    client.force_login(professional)
    response = client.post(f"/documents/bibliotheque/{kept.pk}/", {"other": variant.pk})
    assert response.status_code == 403
    assert Reference.objects.get(pk=variant.pk).merged_into is None
