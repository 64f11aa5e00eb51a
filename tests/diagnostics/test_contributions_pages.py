"""The contribution pages: the public questionnaire (no account, no personal data asked, kind
pages when closed, 429 when flooded), signed-in contributions, sharing, moderation and pooling."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from maillage.diagnostics import quota
from maillage.diagnostics.models import Contribution, ContributionStatus, DiagnosisStatus
from maillage.organisations.models import AuditEntry, Role
from tests.diagnostics.factories import ContributionFactory, DiagnosisFactory, open_diagnosis
from tests.organisations.factories import OrganisationFactory, member
from tests.territories.factories import CommuneFactory, CustomTerritoryFactory, small_geography

pytestmark = pytest.mark.django_db

TEXT = "Le centre social ferme trop tôt pour les parents qui travaillent."


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _contribute_url(diagnosis) -> str:
    return reverse("diagnostics:contribute", args=[diagnosis.public_token])


def _answers(**fields) -> dict:
    return {"contributor_kind": "inhabitant", "kind": "need", "text": TEXT, **fields}


def test_the_public_questionnaire_asks_no_personal_data(client: Client) -> None:
    geo = small_geography()
    diagnosis = open_diagnosis(
        territory=geo.cu_arras, purpose="Comprendre ce qui manque aux familles."
    )
    response = client.get(_contribute_url(diagnosis))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ne donnez pas de nom, de téléphone ni d'adresse." in html
    assert "Votre message" in html and "Envoyer" in html
    assert "Vous êtes" in html and "Vous voulez parler de" in html
    assert "Comprendre ce qui manque aux familles." in html
    names = set(re.findall(r'<(?:input|textarea|select)[^>]*name="([^"]+)"', html))
    assert names == {
        "csrfmiddlewaretoken",
        "contributor_kind",
        "kind",
        "text",
        "theme",
        "commune",
        "place",
        "site_web",
    }
    assert not re.search(r'type="(?:email|tel)"', html)
    assert not re.search(r'name="[^"]*(?:nom|name|mail|phone|tel)', html, re.IGNORECASE)
    # The communes of the territory are offered, no other.
    assert "Dainville" in html and "Lille" not in html


def test_a_territory_of_many_communes_asks_the_place_as_text(client: Client) -> None:
    territory = CustomTerritoryFactory(communes=[CommuneFactory() for _ in range(61)])
    html = client.get(_contribute_url(open_diagnosis(territory=territory))).content.decode()
    assert 'name="commune"' not in html
    assert "Le quartier, la rue ou le lieu" in html


def test_an_inhabitant_contributes_without_an_account(client: Client) -> None:
    geo = small_geography()
    diagnosis = open_diagnosis(territory=geo.cu_arras)
    response = client.post(
        _contribute_url(diagnosis),
        _answers(theme="familles", commune=geo.arras.pk, place="Quartier Ouest"),
    )
    thanks = reverse("diagnostics:contribute_thanks", args=[diagnosis.public_token])
    assert response.status_code == 302 and response.url == thanks
    contribution = Contribution.objects.get()
    assert (contribution.status, contribution.commune, contribution.author) == (
        ContributionStatus.PENDING,
        geo.arras,
        None,
    )
    page = client.get(thanks).content.decode()
    assert "Merci" in page and _contribute_url(diagnosis) in page


def test_bad_answers_are_shown_on_the_form_and_nothing_is_written(client: Client) -> None:
    diagnosis = open_diagnosis()
    response = client.post(_contribute_url(diagnosis), _answers(text="<b>Bonjour</b> à tous ici"))
    assert response.status_code == 200
    assert "balises HTML" in response.content.decode()
    assert not Contribution.objects.exists()


def test_the_honeypot_thanks_a_robot_and_writes_nothing(client: Client) -> None:
    diagnosis = open_diagnosis()
    response = client.post(_contribute_url(diagnosis), _answers(site_web="http://spam.example"))
    assert response.status_code == 302
    assert not Contribution.objects.exists()


def test_closed_and_unknown_links_answer_kind_pages(client: Client) -> None:
    closed = DiagnosisFactory(status=DiagnosisStatus.ANALYSIS)
    response = client.get(_contribute_url(closed))
    assert response.status_code == 200
    assert "On ne peut pas donner son avis en ce moment" in response.content.decode()
    response = client.post(_contribute_url(closed), _answers())
    assert not Contribution.objects.exists()
    response = client.get(reverse("diagnostics:contribute", args=["lien-perime"]))
    assert response.status_code == 404
    assert "Ce lien ne marche pas" in response.content.decode()


def test_a_flood_gets_a_french_429_page(client: Client) -> None:
    diagnosis = open_diagnosis()
    for _ in range(quota.WINDOWS[0].limit):
        assert client.post(_contribute_url(diagnosis), _answers()).status_code == 302
    response = client.post(_contribute_url(diagnosis), _answers())
    assert response.status_code == 429
    assert "beaucoup de messages" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert Contribution.objects.count() == quota.WINDOWS[0].limit


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client: Client, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    diagnosis = open_diagnosis()
    limit = quota.WINDOWS[0].limit
    for index in range(limit):
        # A browser cannot escape the limit by forging the first addresses of the header.
        forged = f"10.0.0.{index}, 198.51.100.9"
        assert (
            client.post(
                _contribute_url(diagnosis), _answers(), HTTP_X_FORWARDED_FOR=forged
            ).status_code
            == 302
        )
    blocked = client.post(
        _contribute_url(diagnosis), _answers(), HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert blocked.status_code == 429
    other = client.post(
        _contribute_url(diagnosis), _answers(), HTTP_X_FORWARDED_FOR="198.51.100.10"
    )
    assert other.status_code == 302


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client: Client) -> None:
    diagnosis = open_diagnosis()
    for index in range(quota.WINDOWS[0].limit):
        client.post(_contribute_url(diagnosis), _answers(), HTTP_X_FORWARDED_FOR=f"10.0.0.{index}")
    response = client.post(_contribute_url(diagnosis), _answers(), HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429


def test_a_professional_contributes_with_her_account() -> None:
    diagnosis = open_diagnosis()
    professional = member(Role.PROFESSIONAL, diagnosis.organisation)
    client = _signed_in(professional)
    url = reverse("diagnostics:contribute_signed_in", args=[diagnosis.pk])
    response = client.get(url)
    assert (
        response.status_code == 200 and 'name="contributor_kind"' not in response.content.decode()
    )
    response = client.post(url, {"kind": "resource", "text": TEXT, "component": "pratiques"})
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert (
        contribution.author == professional and contribution.organisation == diagnosis.organisation
    )
    assert TEXT[:40] in client.get(url).content.decode()


def test_signed_in_contribution_is_refused_to_outsiders() -> None:
    diagnosis = open_diagnosis()
    url = reverse("diagnostics:contribute_signed_in", args=[diagnosis.pk])
    assert _signed_in(member()).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_share_page_shows_the_link_and_the_qr_code_to_editors() -> None:
    diagnosis = open_diagnosis()
    editor = member(Role.COORDINATOR, diagnosis.organisation)
    client = _signed_in(editor)
    html = client.get(reverse("diagnostics:share", args=[diagnosis.pk])).content.decode()
    assert f"http://testserver{_contribute_url(diagnosis)}" in html
    assert '<svg viewBox="0 0' in html and "Copier le lien" in html
    svg = client.get(reverse("diagnostics:share_qr", args=[diagnosis.pk]))
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<?xml")
    poster = client.get(reverse("diagnostics:share_poster", args=[diagnosis.pk])).content.decode()
    assert "Donnez votre avis" in poster and "@page { size: A4" in poster


def test_share_page_says_why_the_link_is_closed() -> None:
    diagnosis = open_diagnosis(end_date=datetime.date(2020, 1, 31))
    client = _signed_in(member(Role.COORDINATOR, diagnosis.organisation))
    html = client.get(reverse("diagnostics:share", args=[diagnosis.pk])).content.decode()
    assert "La date de fin des contributions (31/01/2020) est passée" in html
    preparing = DiagnosisFactory(organisation=diagnosis.organisation)
    html = client.get(reverse("diagnostics:share", args=[preparing.pk])).content.decode()
    assert "Ouvrir les contributions" in html


def test_share_page_is_refused_to_readers() -> None:
    diagnosis = open_diagnosis()
    partner_organisation = OrganisationFactory()
    diagnosis.shared_with.add(partner_organisation)
    reader = _signed_in(member(Role.PARTNER, partner_organisation))
    assert reader.get(reverse("diagnostics:share", args=[diagnosis.pk])).status_code == 403
    assert reader.get(reverse("diagnostics:share_qr", args=[diagnosis.pk])).status_code == 403
    assert (
        _signed_in(member()).get(reverse("diagnostics:share", args=[diagnosis.pk])).status_code
        == 404
    )


def test_renewing_the_link_cuts_the_old_one(client: Client) -> None:
    diagnosis = open_diagnosis()
    old = _contribute_url(diagnosis)
    editor = _signed_in(member(Role.PROFESSIONAL, diagnosis.organisation))
    assert editor.post(reverse("diagnostics:share", args=[diagnosis.pk])).status_code == 302
    diagnosis.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(_contribute_url(diagnosis)).status_code == 200


def _scene():
    diagnosis = open_diagnosis()
    moderator = member(Role.PROFESSIONAL, diagnosis.organisation)
    partner_organisation = OrganisationFactory()
    diagnosis.shared_with.add(partner_organisation)
    reader = member(Role.PARTNER, partner_organisation)
    return diagnosis, moderator, reader


def test_moderation_lists_pending_first_with_personal_data_marked(
    django_assert_max_num_queries,
) -> None:
    diagnosis, moderator, _reader = _scene()
    flagged = ContributionFactory(
        diagnosis=diagnosis, text="Appelez-moi au 06 12 34 56 78, merci", flags=["phone"]
    )
    for index in range(15):
        ContributionFactory(diagnosis=diagnosis, text=f"Besoin numéro {index} du quartier")
    ContributionFactory(
        diagnosis=diagnosis, status=ContributionStatus.PUBLISHED, text="Déjà publiée ici"
    )
    client = _signed_in(moderator)
    url = reverse("diagnostics:moderation", args=[diagnosis.pk])
    with django_assert_max_num_queries(20):
        response = client.get(url)
    html = response.content.decode()
    assert "À modérer (16)" in html and "Publiées (1)" in html
    assert f'id="contribution-{flagged.pk}" class="moderation-row moderation-row--flagged' in html
    assert '">06 12 34 56 78</mark>' in html
    assert "Déjà publiée ici" not in html
    assert "Déjà publiée ici" in client.get(url, {"statut": "publiees"}).content.decode()


def test_moderation_is_refused_to_readers_and_outsiders() -> None:
    diagnosis, _moderator, reader = _scene()
    contribution = ContributionFactory(diagnosis=diagnosis)
    url = reverse("diagnostics:moderation", args=[diagnosis.pk])
    assert _signed_in(reader).get(url).status_code == 403
    assert _signed_in(member()).get(url).status_code == 404
    decide = reverse("diagnostics:contribution_moderate", args=[contribution.pk])
    post = {
        f"c{contribution.pk}-decision": "publish",
        f"c{contribution.pk}-text": contribution.text,
    }
    assert _signed_in(reader).post(decide, post).status_code == 403
    assert _signed_in(member()).post(decide, post).status_code == 404
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PENDING


def test_moderating_without_javascript_returns_to_the_list() -> None:
    diagnosis, moderator, _reader = _scene()
    contribution = ContributionFactory(diagnosis=diagnosis)
    prefix = f"c{contribution.pk}"
    response = _signed_in(moderator).post(
        reverse("diagnostics:contribution_moderate", args=[contribution.pk]),
        {
            f"{prefix}-decision": "reject",
            f"{prefix}-text": contribution.text,
            f"{prefix}-note": "Doublon",
        },
    )
    assert response.status_code == 302 and response.url.endswith(f"#contribution-{contribution.pk}")
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.REJECTED
    assert AuditEntry.objects.filter(action="reject_contribution", actor=moderator).exists()


def test_moderating_with_htmx_swaps_the_row_and_shows_refusals_in_it() -> None:
    diagnosis, moderator, _reader = _scene()
    contribution = ContributionFactory(
        diagnosis=diagnosis, text="Écrivez-moi à a.b@example.fr svp", flags=["email"]
    )
    prefix = f"c{contribution.pk}"
    client = _signed_in(moderator)
    url = reverse("diagnostics:contribution_moderate", args=[contribution.pk])
    refused = client.post(
        url,
        {f"{prefix}-decision": "publish", f"{prefix}-text": contribution.text},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert html.startswith(f'<li id="contribution-{contribution.pk}"') and "Pas enregistré" in html
    published = client.post(
        url,
        {f"{prefix}-decision": "publish", f"{prefix}-text": "Il faudrait une permanence le soir."},
        HTTP_HX_REQUEST="true",
    )
    assert "Contribution publiée." in published.content.decode()
    assert 'name="csrfmiddlewaretoken"' in published.content.decode()
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PUBLISHED and contribution.flags == []


def test_pending_contributions_are_never_shown_to_readers() -> None:
    diagnosis, _moderator, reader = _scene()
    ContributionFactory(diagnosis=diagnosis, text="Texte en attente de modération")
    ContributionFactory(
        diagnosis=diagnosis, status=ContributionStatus.PUBLISHED, text="Texte publié pour tous"
    )
    html = (
        _signed_in(reader).get(reverse("diagnostics:pooling", args=[diagnosis.pk])).content.decode()
    )
    assert "Texte publié pour tous" in html
    assert "Texte en attente" not in html
    assert reverse("diagnostics:contribute_signed_in", args=[diagnosis.pk]) in html


def test_pooling_page_counts_published_contributions(django_assert_max_num_queries) -> None:
    geo = small_geography()
    diagnosis = DiagnosisFactory(
        territory=geo.cu_arras, status=DiagnosisStatus.PUBLISHED, synthesis="Fin"
    )
    for _ in range(3):
        ContributionFactory(
            diagnosis=diagnosis,
            status=ContributionStatus.PUBLISHED,
            theme="sante",
            commune=geo.arras,
        )
    ContributionFactory(
        diagnosis=diagnosis, status=ContributionStatus.PUBLISHED, kind="gap", place="Gare"
    )
    client = Client()  # a published diagnosis is read by everyone
    with django_assert_max_num_queries(12):
        response = client.get(reverse("diagnostics:pooling", args=[diagnosis.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "4 contributions publiées" in html
    assert '<th scope="row">Santé</th><td>3</td>' in html
    assert '<th scope="row">Arras</th><td>3</td>' in html
    assert '<th scope="row">Gare</th><td>1</td>' in html


def test_pooling_of_an_unpublished_diagnosis_is_for_its_readers_only(client: Client) -> None:
    diagnosis = open_diagnosis()
    assert client.get(reverse("diagnostics:pooling", args=[diagnosis.pk])).status_code == 404


def test_the_moderator_sees_the_place_marked_and_edits_it() -> None:
    diagnosis, moderator, reader = _scene()
    contribution = ContributionFactory(
        diagnosis=diagnosis,
        text="Il manque une halte-garderie dans le quartier.",
        place="12 rue des Lilas, Mme Martin 06 12 34 56 78",
        flags=["place:phone", "place:address"],
    )
    client = _signed_in(moderator)
    html = client.get(reverse("diagnostics:moderation", args=[diagnosis.pk])).content.decode()
    assert '">12 rue</mark> des Lilas, Mme Martin <mark' in html
    assert '">06 12 34 56 78</mark>' in html
    assert "une adresse postale dans le lieu" in html
    prefix = f"c{contribution.pk}"
    assert f'name="{prefix}-place"' in html and 'value="12 rue des Lilas, Mme Martin' in html
    url = reverse("diagnostics:contribution_moderate", args=[contribution.pk])
    unchanged = {
        f"{prefix}-decision": "publish",
        f"{prefix}-text": contribution.text,
        f"{prefix}-place": contribution.place,
    }
    refused = client.post(url, unchanged, HTTP_HX_REQUEST="true").content.decode()
    assert "Pas enregistré" in refused and "Le lieu contient" in refused
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PENDING
    client.post(url, {**unchanged, f"{prefix}-place": "Quartier des Lilas"})
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PUBLISHED
    assert (contribution.place, contribution.flags) == ("Quartier des Lilas", [])
    pooling = _signed_in(reader).get(reverse("diagnostics:pooling", args=[diagnosis.pk]))
    assert "Quartier des Lilas" in pooling.content.decode()
    assert "Martin" not in pooling.content.decode()


def test_a_moderation_without_the_place_field_keeps_the_place() -> None:
    diagnosis, moderator, _reader = _scene()
    contribution = ContributionFactory(diagnosis=diagnosis, place="Place de la mairie")
    prefix = f"c{contribution.pk}"
    _signed_in(moderator).post(
        reverse("diagnostics:contribution_moderate", args=[contribution.pk]),
        {f"{prefix}-decision": "publish", f"{prefix}-text": contribution.text},
    )
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PUBLISHED
    assert contribution.place == "Place de la mairie"
