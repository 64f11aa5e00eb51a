"""The practice pages: search, sheet, PDF, edit form, my sheets, review queue, statistics."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from maillage.organisations.models import Notification, Role
from maillage.practices import operations
from maillage.practices.display import sheet
from maillage.practices.models import Practice, PracticeRevision, Status
from maillage.practices.pdf import pdf_html
from maillage.referential.loading import load_referential
from tests.organisations.factories import UserFactory, member
from tests.practices.factories import PracticeFactory, published_practice, term
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"


@pytest.fixture
def geography():
    return small_geography()


@pytest.fixture
def documentalist():
    return member(Role.DOCUMENTALIST)


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# Search ---------------------------------------------------------------------------------------


def test_search_finds_without_accents_and_filters_by_facet(client, geography):
    published_practice(
        title="Groupe de parole sur la parentalité",
        themes=[term("theme", "parentalite")],
        isic_forms=[term("isic_form", "groupe_de_socialisation")],
        territories=[geography.arras],
    )
    published_practice(
        title="Jardin partagé",
        isic_forms=[term("isic_form", "travail_social_communautaire")],
        territories=[geography.lille],
    )

    html = page(client.get("/pratiques/", {"q": "parentalite"}))
    assert "1 pratique trouvée" in html
    assert "parentalité" in html
    assert "Jardin partagé" not in html

    html = page(client.get("/pratiques/", {"isic_form": "travail_social_de_groupe"}))
    assert "1 pratique trouvée" in html
    assert "Groupe de parole sur la parentalité" in html
    # The active filter is a removable tag that keeps the other parameters.
    assert 'class="fr-tag fr-tag--sm fr-tag--dismiss" href="?"' in html

    html = page(client.get("/pratiques/", {"departement": ["62", "59"], "tri": "date"}))
    assert "2 pratiques trouvées" in html
    assert 'value="62" checked' in html


def test_search_page_answers_htmx_with_the_results_region_only(client):
    published_practice(title="Atelier cuisine")
    response = client.get("/pratiques/", {"q": "atelier"}, headers={"HX-Request": "true"})
    html = page(response)
    assert html.startswith('<div id="search-results"')
    assert "<html" not in html
    assert "Atelier cuisine" in html


def test_search_page_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    for number in range(25):
        published_practice(title=f"Groupe d'entraide {number}")
    with django_assert_max_num_queries(12):
        html = page(client.get("/pratiques/", {"q": "entraide"}))
    assert "25 pratiques trouvées" in html
    assert "Page 1 sur 2" in html
    assert "page=2" in html


def test_search_survives_odd_parameters(client):
    html = page(client.get("/pratiques/", {"page": "abc", "tri": "n'importe", "theme": "x" * 500}))
    assert "Aucune pratique ne correspond." in html


def test_suggestions_return_an_option_list(client):
    published_practice(title="Parentalité et numérique")
    html = page(client.get("/pratiques/suggestions", {"q": "parenta"}))
    assert 'role="option"' in html
    assert "Parentalité et numérique" in html
    assert page(client.get("/pratiques/suggestions", {"q": "p"})).strip() == ""


# Sheet page -----------------------------------------------------------------------------------


def test_sheet_page_shows_the_published_revision_with_links(client, geography):
    practice = published_practice(
        title="L'île aux parents",
        objectives="Rompre l'isolement des parents.",
        themes=[term("theme", "parentalite")],
        territories=[geography.arras],
    )
    html = page(client.get(f"/pratiques/{practice.pk}/"))
    assert "L&#x27;île aux parents" in html
    assert "Rompre l&#x27;isolement des parents." in html
    assert 'href="/referentiel/theme/parentalite/"' in html
    assert 'href="/referentiel/isic_form/travail_social_de_groupe/"' in html
    assert 'href="/territoires/commune/62041/"' in html
    assert f'href="/pratiques/{practice.pk}/pdf"' in html
    assert "Creative Commons Attribution 4.0" in html
    assert "Historique des versions" not in html  # the history is for editors and reviewers


def test_a_draft_is_unknown_to_others(client):
    practice = PracticeFactory()
    response = client.get(f"/pratiques/{practice.pk}/")
    assert response.status_code == 404
    assert "Aucune fiche publiée ne porte ce numéro." in response.content.decode()
    client.force_login(member(Role.PROFESSIONAL))
    assert client.get(f"/pratiques/{practice.pk}/").status_code == 404
    assert client.get(f"/pratiques/{practice.pk}/pdf").status_code == 404


def test_editors_see_the_working_version_and_the_history(client, documentalist):
    practice = published_practice(title="Version en ligne", reviewer=documentalist)
    operations.update_practice(actor=practice.author, practice=practice, title="Version de travail")

    html = page(client.get(f"/pratiques/{practice.pk}/"))
    assert "Version en ligne" in html
    assert "Version de travail" not in html

    client.force_login(practice.author)
    html = page(client.get(f"/pratiques/{practice.pk}/"))
    assert "Version en ligne" in html
    assert "Voir la version de travail" in html
    assert "Historique des versions" in html
    html = page(client.get(f"/pratiques/{practice.pk}/", {"version": "travail"}))
    assert "Version de travail" in html


def test_text_is_escaped_on_the_page_and_in_the_pdf(client):
    """Markup never gets in through the write functions; if some came from elsewhere (an import,
    an old revision), it is shown as text."""
    practice = published_practice(title="Sheet")
    revision = practice.published_revision
    revision.content = {**revision.content, "title": XSS, "description": XSS}
    revision.save()
    PracticeRevision.objects.filter(pk=revision.pk).update(content=revision.content)

    html = page(client.get(f"/pratiques/{practice.pk}/"))
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    request = RequestFactory().get("/")
    source = pdf_html(request, practice, sheet(revision.content), working=False)
    assert XSS not in source
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source


def test_pdf_download(client):
    practice = published_practice(title="Une communauté autour de bébé")
    response = client.get(f"/pratiques/{practice.pk}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="pratique-{practice.pk}.pdf"'
    assert response.content.startswith(b"%PDF")


# Edit form ------------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "title": "Cuisine partagée",
        "summary": "Des familles cuisinent ensemble chaque mois.",
        "isic_forms": [str(term("isic_form", "atelier_collectif").pk)],
        "licence": "CC-BY-4.0",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-0-title": "Compte rendu 2014",
        "sources-0-url": "https://example.org/cr",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_create_page_is_for_members_only(client):
    assert client.get("/pratiques/nouvelle/").status_code == 302
    client.force_login(UserFactory())
    response = client.get("/pratiques/nouvelle/")
    assert response.status_code == 403
    assert "membres d&#x27;une organisation" in response.content.decode()


def test_create_then_submit_through_the_form(client, documentalist):
    load_referential()
    author = member(Role.PROFESSIONAL)
    client.force_login(author)
    html = page(client.get("/pratiques/nouvelle/"))
    assert "Travail social de groupe" in html and "Groupe de socialisation" in html

    organisation = author.memberships.get().organisation
    response = client.post("/pratiques/nouvelle/", form_data(organisation=organisation.pk))
    practice = Practice.objects.get()
    assert response.url == f"/pratiques/{practice.pk}/modifier/"
    assert practice.organisation == organisation
    assert practice.sources.get().title == "Compte rendu 2014"

    response = client.post(
        f"/pratiques/{practice.pk}/modifier/",
        form_data(
            title="Cuisine partagée des familles",
            action="submit",
            **{"sources-TOTAL_FORMS": "1", "sources-INITIAL_FORMS": "1"},
        ),
    )
    assert response.url == "/pratiques/mes-fiches/"
    practice.refresh_from_db()
    assert (practice.title, practice.status) == ("Cuisine partagée des familles", "submitted")
    assert Notification.objects.filter(recipient=documentalist).exists()


def test_the_form_shows_refusals_beside_the_fields(client):
    client.force_login(member(Role.PROFESSIONAL))
    html = page(client.post("/pratiques/nouvelle/", form_data(isic_forms=[], description=XSS)))
    assert "Choisissez au moins une forme d&#x27;intervention collective." in html
    assert not Practice.objects.exists()
    html = page(client.post("/pratiques/nouvelle/", form_data(description=XSS)))
    assert "balises HTML" in html
    assert not Practice.objects.exists()


def test_others_cannot_open_the_edit_page(client):
    practice = PracticeFactory()
    client.force_login(member(Role.PROFESSIONAL))
    response = client.get(f"/pratiques/{practice.pk}/modifier/")
    assert response.status_code == 403
    assert "modifient cette fiche" in response.content.decode()


# My sheets, review, statistics ----------------------------------------------------------------


def test_my_sheets_lists_mine_with_statuses(client, django_assert_max_num_queries):
    author = member(Role.PROFESSIONAL)
    for number in range(5):
        PracticeFactory(author=author, title=f"Ma fiche {number}")
    published_practice(author=author, title="Fiche publiée")
    PracticeFactory(title="Fiche d'un autre")
    client.force_login(author)
    with django_assert_max_num_queries(10):
        html = page(client.get("/pratiques/mes-fiches/"))
    assert all(f"Ma fiche {number}" in html for number in range(5))
    assert "Fiche publiée" in html and "Publiée" in html
    assert "Fiche d&#x27;un autre" not in html


def test_review_queue_is_for_reviewers(client):
    client.force_login(member(Role.PROFESSIONAL))
    response = client.get("/pratiques/relecture/")
    assert response.status_code == 403
    assert "documentalistes et aux coordinateurs" in response.content.decode()


def test_review_queue_publishes_and_returns(client, documentalist, django_assert_max_num_queries):
    sheets = []
    for number in range(4):
        practice = PracticeFactory(title=f"À relire {number}")
        operations.submit_practice(actor=practice.author, practice=practice)
        sheets.append(practice)
    client.force_login(documentalist)
    with django_assert_max_num_queries(12):
        html = page(client.get("/pratiques/relecture/"))
    assert "4 fiches à relire" in html

    html = page(client.post(f"/pratiques/{sheets[0].pk}/publier/", {"comment": ""}, follow=True))
    assert "est publiée" in html
    html = page(client.post(f"/pratiques/{sheets[1].pk}/renvoyer/", {"comment": ""}, follow=True))
    assert "Expliquez à l&#x27;auteur ce qu&#x27;il faut reprendre." in html
    assert Practice.objects.get(pk=sheets[1].pk).status == Status.SUBMITTED
    client.post(f"/pratiques/{sheets[1].pk}/renvoyer/", {"comment": "Ajoutez les résultats."})
    assert Practice.objects.get(pk=sheets[1].pk).status == Status.RETURNED
    html = page(client.get("/pratiques/relecture/"))
    assert "2 fiches à relire" in html
    client.post(f"/pratiques/{sheets[0].pk}/archiver/", {"comment": ""})
    assert Practice.objects.get(pk=sheets[0].pk).status == Status.ARCHIVED


def test_a_professional_cannot_publish_through_the_page(client):
    practice = PracticeFactory()
    operations.submit_practice(actor=practice.author, practice=practice)
    client.force_login(member(Role.PROFESSIONAL))
    response = client.post(f"/pratiques/{practice.pk}/publier/", {"comment": ""})
    assert response.status_code == 403
    assert Practice.objects.get(pk=practice.pk).status == Status.SUBMITTED


def test_statistics_map_and_tables(client, geography, django_assert_max_num_queries):
    for _number in range(3):
        published_practice(territories=[geography.arras], themes=[term("theme", "sante")])
    published_practice(territories=[geography.lille])
    with django_assert_max_num_queries(8):
        html = page(client.get("/pratiques/statistiques/"))
    assert "4 fiches publiées." in html
    assert 'class="bucket-2" d="' in html  # Pas-de-Calais: 3 sheets
    assert "Pas-de-Calais (62) : 3 fiches" in html
    assert "Nord (59) : 1 fiche" in html
    assert "Ain (01) : 0 fiche" in html
    assert "<caption>Thème</caption>" in html
    assert "Santé" in html


# Notifications --------------------------------------------------------------------------------


def test_notifications_page_and_header_badge(client, documentalist):
    practice = PracticeFactory(title="Accueil des familles")
    operations.submit_practice(actor=practice.author, practice=practice)
    client.force_login(documentalist)
    html = page(client.get("/"))
    assert "1 non lue" in html
    html = page(client.get("/compte/notifications/"))
    assert f"Fiche à relire : « {practice.title} »" in html
    html = page(client.post("/compte/notifications/", follow=True))
    assert "1 notification marquée comme lue." in html
    assert "non lue" not in html
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_edit_page_shows_the_stored_values(client, geography):
    author = member(Role.PROFESSIONAL)
    carrier = author.memberships.get().organisation
    practice = operations.create_practice(
        actor=author,
        organisation=carrier,
        title="Université populaire",
        summary="Des habitants débattent chaque mois.",
        isic_forms=[term("isic_form", "education_populaire")],
        territories=[geography.arras],
        organisations=[(carrier, "carrier")],
        sources=[{"title": "Compte rendu", "url": "", "locator": "p. 2", "note": ""}],
    )
    client.force_login(author)
    html = page(client.get(f"/pratiques/{practice.pk}/modifier/"))
    assert 'value="Université populaire"' in html
    assert f'value="{term("isic_form", "education_populaire").pk}" id="id_isic_forms_' in html
    assert "Arras" in html
    assert f'<option value="{carrier.pk}" selected>' in html
    assert 'value="Compte rendu"' in html
    assert "Mio au plus" in html


def test_sheet_page_query_count(client, geography, django_assert_max_num_queries):
    practice = published_practice(
        territories=[geography.arras, geography.lille],
        themes=[term("theme", "sante"), term("theme", "parentalite")],
    )
    with django_assert_max_num_queries(8):
        page(client.get(f"/pratiques/{practice.pk}/"))
    client.force_login(practice.author)
    with django_assert_max_num_queries(14):
        page(client.get(f"/pratiques/{practice.pk}/"))


def test_history_restore_gets_the_whole_page(client):
    response = client.get(
        "/pratiques/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in page(response)
    assert "HX-Request" in response["Vary"]
