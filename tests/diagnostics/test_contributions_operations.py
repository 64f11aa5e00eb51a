"""The write functions of contributions: the public questionnaire (closed, bad input, personal
data flagged, rate limit without storing the address), signed-in contributions and moderation."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone

from maillage.diagnostics import quota
from maillage.diagnostics.models import (
    Contribution,
    ContributionQuota,
    ContributionStatus,
    ContributorKind,
    DiagnosisStatus,
)
from maillage.diagnostics.operations.contributions import (
    moderate_contribution,
    submit_contribution,
    submit_public_contribution,
)
from maillage.organisations.models import AuditEntry, Role
from tests.diagnostics.factories import ContributionFactory, DiagnosisFactory, open_diagnosis
from tests.organisations.factories import OrganisationFactory, UserFactory, member
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
TEXT = "Il n'y a plus de permanence sociale le samedi matin au centre."


def _public(diagnosis, address: str = ADDRESS, **fields) -> Contribution:
    fields.setdefault("kind", "gap")
    fields.setdefault("contributor_kind", "inhabitant")
    fields.setdefault("text", TEXT)
    return submit_public_contribution(
        token=diagnosis.public_token, client_address=address, **fields
    )


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


def test_a_public_contribution_waits_for_moderation_without_author() -> None:
    geo = small_geography()
    diagnosis = open_diagnosis(territory=geo.cu_arras)
    contribution = _public(diagnosis, theme="sante", commune=geo.dainville, place="  Gare  ")
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PENDING
    assert contribution.author is None and contribution.organisation is None
    assert contribution.commune == geo.dainville and contribution.place == "Gare"
    entry = AuditEntry.objects.get(action="submit_public_contribution")
    assert entry.actor is None


def test_an_unknown_link_is_a_404() -> None:
    open_diagnosis()
    with pytest.raises(Http404):
        submit_public_contribution(
            token="inconnu",
            client_address=ADDRESS,
            kind="need",
            contributor_kind="inhabitant",
            text=TEXT,
        )


@pytest.mark.parametrize(
    "status",
    [
        DiagnosisStatus.PREPARATION,
        DiagnosisStatus.ANALYSIS,
        DiagnosisStatus.PUBLISHED,
        DiagnosisStatus.ARCHIVED,
    ],
)
def test_a_closed_diagnosis_refuses_in_french(status) -> None:
    diagnosis = DiagnosisFactory(status=status)
    with pytest.raises(ValidationError) as excinfo:
        _public(diagnosis)
    assert "Les contributions sont fermées" in excinfo.value.messages[0]
    assert not Contribution.objects.exists()


def test_contributions_close_after_their_end_date() -> None:
    today = timezone.localdate()
    _public(open_diagnosis(end_date=today))
    with pytest.raises(ValidationError):
        _public(open_diagnosis(end_date=today - datetime.timedelta(days=1)))
    assert Contribution.objects.count() == 1


def test_bad_input_is_refused_field_by_field_and_nothing_is_written() -> None:
    geo = small_geography()
    diagnosis = open_diagnosis(territory=geo.cu_arras)
    with pytest.raises(ValidationError) as excinfo:
        _public(
            diagnosis,
            kind="gossip",
            contributor_kind="robot",
            text="<script>alert(1)</script> un texte",
            theme="météo",
            component="ailleurs",
            place="<b>ici</b>",
            commune=geo.lille,
        )
    errors = _errors(excinfo)
    assert set(errors) == {
        "kind",
        "contributor_kind",
        "text",
        "theme",
        "component",
        "place",
        "commune",
    }
    assert "balises HTML" in errors["text"][0]
    assert "pas sur le territoire du diagnostic" in errors["commune"][0]
    assert not Contribution.objects.exists()
    assert not ContributionQuota.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"), [("Trop peu", "au moins 10"), ("x" * 2001, "trop long")]
)
def test_text_length_is_checked(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _public(open_diagnosis(), text=text)
    assert message in _errors(excinfo)["text"][0]


def test_personal_data_is_kept_but_flagged_and_never_copied_to_the_audit() -> None:
    diagnosis = open_diagnosis()
    text = "Appelez-moi au 06 12 34 56 78 ou écrivez à marie.dupont@example.fr svp"
    contribution = _public(diagnosis, text=text)
    contribution.refresh_from_db()
    assert contribution.text == text
    assert contribution.flags == ["phone", "email"]
    assert contribution.status == ContributionStatus.PENDING
    entry = AuditEntry.objects.get(action="submit_public_contribution")
    assert "06 12" not in str(entry.after) and "marie" not in str(entry.after)


def test_personal_data_in_the_place_is_flagged_as_the_place_s() -> None:
    """The place is published beside the text: a home address or a number in it is flagged
    too, and the flag says it was found in the place."""
    contribution = _public(open_diagnosis(), place="12 rue des Lilas, Mme Martin 06 12 34 56 78")
    contribution.refresh_from_db()
    assert contribution.flags == ["place:phone", "place:address"]
    both = _public(open_diagnosis(), text=TEXT + " Tél. 06 11 22 33 44", place="a.b@example.fr")
    assert both.flags == ["phone", "place:email"]
    entry = AuditEntry.objects.filter(action="submit_public_contribution").first()
    assert "Lilas" not in str(entry.after) and "Martin" not in str(entry.after)


def test_the_audit_repr_does_not_carry_the_text() -> None:
    _public(open_diagnosis(), text="Appelez-moi au 06 12 34 56 78 le soir svp")
    assert "06 12" not in AuditEntry.objects.get(action="submit_public_contribution").object_repr


def _fill(diagnosis, count: int, address: str = ADDRESS) -> None:
    for _ in range(count):
        _public(diagnosis, address=address)


def test_the_n_plus_1th_contribution_of_a_client_is_refused_and_nothing_written() -> None:
    diagnosis = open_diagnosis()
    limit = quota.WINDOWS[0].limit
    _fill(diagnosis, limit)
    quotas_before = list(ContributionQuota.objects.values_list("pk", "count"))
    with pytest.raises(quota.QuotaExceeded) as excinfo:
        _public(diagnosis)
    assert "beaucoup de messages" in str(excinfo.value)
    assert 0 < excinfo.value.retry_after <= 600
    assert Contribution.objects.count() == limit
    assert list(ContributionQuota.objects.values_list("pk", "count")) == quotas_before
    # Another client, and the same client on another diagnosis, still contribute.
    _public(diagnosis, address="198.51.100.4")
    _public(open_diagnosis())


def test_a_new_window_lets_the_client_contribute_again_until_the_daily_limit() -> None:
    diagnosis = open_diagnosis()
    short, day = quota.WINDOWS
    start = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
    sent = 0
    with mock.patch("maillage.diagnostics.quota.timezone.now") as now:
        for window in range(day.limit // short.limit):
            now.return_value = start + window * short.length
            _fill(diagnosis, short.limit)
            sent += short.limit
        now.return_value = start + (day.limit // short.limit) * short.length
        with pytest.raises(quota.QuotaExceeded):
            _public(diagnosis)
        # Tomorrow, the rows of yesterday are deleted and the client writes again.
        now.return_value = start + datetime.timedelta(days=1, hours=1)
        _public(diagnosis)
    assert Contribution.objects.count() == sent + 1
    assert all(
        row.window_start >= start + datetime.timedelta(hours=1)
        for row in ContributionQuota.objects.all()
    )


def test_the_client_address_is_stored_nowhere() -> None:
    diagnosis = open_diagnosis()
    _fill(diagnosis, 2)
    with connection.cursor() as cursor:
        for table in (
            ContributionQuota._meta.db_table,
            Contribution._meta.db_table,
            AuditEntry._meta.db_table,
        ):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - our own table names
            assert ADDRESS not in repr(cursor.fetchall())
    keys = set(ContributionQuota.objects.values_list("client_key", flat=True))
    assert len(keys) == len(quota.WINDOWS)
    assert all(len(key) == 64 and ADDRESS not in key for key in keys)


def test_an_ipv6_client_counts_by_its_64_network() -> None:
    """A household owns a whole /64: changing the end of its address changes nothing."""
    diagnosis = open_diagnosis()
    limit = quota.WINDOWS[0].limit
    for n in range(limit):
        _public(diagnosis, address=f"2001:db8:5:6:{n:x}::{n + 1:x}")
    with pytest.raises(quota.QuotaExceeded):
        _public(diagnosis, address="2001:0DB8:0005:0006:ffff:ffff:ffff:ffff")
    # The next /64 is another client; IPv4 clients still count one address each.
    _public(diagnosis, address="2001:db8:5:7::1")
    _fill(diagnosis, limit, address="198.51.100.4")
    _public(diagnosis, address="198.51.100.5")
    assert Contribution.objects.count() == 2 * limit + 2


def test_an_ipv4_address_written_in_ipv6_is_the_ipv4_client() -> None:
    window = quota.WINDOWS[0]
    today = timezone.now().date()
    assert quota.client_key("::ffff:192.0.2.1", today, window) == quota.client_key(
        "192.0.2.1", today, window
    )
    assert quota.client_key("192.0.2.1", today, window) != quota.client_key(
        "192.0.2.2", today, window
    )


def test_the_key_of_a_client_changes_every_day() -> None:
    window = quota.WINDOWS[0]
    today = timezone.now().date()
    assert quota.client_key(ADDRESS, today, window) != quota.client_key(
        ADDRESS, today + datetime.timedelta(days=1), window
    )


def test_a_professional_contributes_with_her_organisation() -> None:
    diagnosis = open_diagnosis()
    professional = member(Role.PROFESSIONAL, diagnosis.organisation)
    contribution = submit_contribution(
        actor=professional, diagnosis=diagnosis, kind="resource", text=TEXT, component="pratiques"
    )
    assert contribution.author == professional
    assert contribution.organisation == diagnosis.organisation
    assert contribution.contributor_kind == ContributorKind.PROFESSIONAL
    assert contribution.status == ContributionStatus.PENDING
    assert AuditEntry.objects.get(action="submit_contribution").actor == professional


def test_a_partner_of_a_sharing_organisation_contributes_as_partner() -> None:
    diagnosis = open_diagnosis()
    partner_organisation = OrganisationFactory()
    diagnosis.shared_with.add(partner_organisation)
    partner = member(Role.PARTNER, partner_organisation)
    contribution = submit_contribution(actor=partner, diagnosis=diagnosis, kind="need", text=TEXT)
    assert contribution.organisation == partner_organisation
    assert contribution.contributor_kind == ContributorKind.PARTNER


def test_someone_outside_the_diagnosis_cannot_contribute_signed_in() -> None:
    diagnosis = open_diagnosis()
    with pytest.raises(PermissionDenied):
        submit_contribution(actor=member(), diagnosis=diagnosis, kind="need", text=TEXT)
    assert not Contribution.objects.exists()


def test_signed_in_contributions_also_need_an_open_diagnosis() -> None:
    diagnosis = DiagnosisFactory()
    with pytest.raises(ValidationError):
        submit_contribution(
            actor=member(Role.PROFESSIONAL, diagnosis.organisation),
            diagnosis=diagnosis,
            kind="need",
            text=TEXT,
        )


def test_only_those_who_conduct_the_diagnosis_moderate() -> None:
    contribution = ContributionFactory(diagnosis=open_diagnosis())
    partner = member(Role.PARTNER, contribution.diagnosis.organisation)
    for outsider in (partner, member(), UserFactory()):
        with pytest.raises(PermissionDenied):
            moderate_contribution(actor=outsider, contribution=contribution, decision="publish")
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PENDING


def test_publishing_a_flagged_text_unchanged_needs_a_confirmation() -> None:
    diagnosis = open_diagnosis()
    moderator = member(Role.COORDINATOR, diagnosis.organisation)
    contribution = ContributionFactory(
        diagnosis=diagnosis, text="Appelez Mme X au 06 12 34 56 78 pour la garde", flags=["phone"]
    )
    with pytest.raises(ValidationError) as excinfo:
        moderate_contribution(actor=moderator, contribution=contribution, decision="publish")
    assert "numéro de téléphone" in _errors(excinfo)["text"][0]
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PENDING
    moderate_contribution(
        actor=moderator, contribution=contribution, decision="publish", confirmed=True
    )
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PUBLISHED and contribution.flags == ["phone"]


def test_publishing_a_flagged_place_unchanged_needs_a_confirmation() -> None:
    diagnosis = open_diagnosis()
    moderator = member(Role.COORDINATOR, diagnosis.organisation)
    contribution = _public(diagnosis, place="12 rue des Lilas, Mme Martin 06 12 34 56 78")
    for edits in ({}, {"text": TEXT + " Merci."}, {"place": "12 rue des Lilas"}):
        with pytest.raises(ValidationError) as excinfo:
            moderate_contribution(
                actor=moderator, contribution=contribution, decision="publish", **edits
            )
        assert set(_errors(excinfo)) == {"place"}
        assert "Le lieu contient" in _errors(excinfo)["place"][0]
        assert "adresse postale dans le lieu" in _errors(excinfo)["place"][0]
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PENDING
    assert contribution.place == "12 rue des Lilas, Mme Martin 06 12 34 56 78"
    moderate_contribution(
        actor=moderator, contribution=contribution, decision="publish", confirmed=True
    )
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PUBLISHED
    assert contribution.flags == ["place:phone", "place:address"]


def test_the_moderator_edits_personal_data_out_of_the_place_then_publishes() -> None:
    diagnosis = open_diagnosis()
    moderator = member(Role.COORDINATOR, diagnosis.organisation)
    contribution = _public(diagnosis, place="12 rue des Lilas, Mme Martin 06 12 34 56 78")
    with pytest.raises(ValidationError) as excinfo:
        moderate_contribution(
            actor=moderator, contribution=contribution, decision="publish", place="<b>Lilas</b>"
        )
    assert "place" in _errors(excinfo)
    moderate_contribution(
        actor=moderator, contribution=contribution, decision="publish", place=" Quartier des Lilas "
    )
    contribution.refresh_from_db()
    assert contribution.place == "Quartier des Lilas" and contribution.flags == []
    assert contribution.status == ContributionStatus.PUBLISHED
    entry = AuditEntry.objects.get(action="publish_contribution")
    assert entry.after["place_changed"] is True and entry.after["text_changed"] is False
    assert "Lilas" not in str(entry.before) + str(entry.after)


def test_the_moderator_edits_personal_data_out_then_publishes() -> None:
    diagnosis = open_diagnosis()
    moderator = member(Role.PROFESSIONAL, diagnosis.organisation)
    contribution = ContributionFactory(
        diagnosis=diagnosis, text="Appelez Mme X au 06 12 34 56 78 pour la garde", flags=["phone"]
    )
    moderate_contribution(
        actor=moderator,
        contribution=contribution,
        decision="publish",
        text="Il faut un relais pour la garde.",
    )
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PUBLISHED
    assert contribution.text == "Il faut un relais pour la garde." and contribution.flags == []
    assert contribution.moderated_by == moderator and contribution.moderated_at is not None
    entry = AuditEntry.objects.get(action="publish_contribution")
    assert entry.actor == moderator
    assert entry.after["text_changed"] is True and entry.after["status"] == "published"
    assert "06 12" not in str(entry.before) + str(entry.after)


def test_rejecting_needs_a_reason() -> None:
    diagnosis = open_diagnosis()
    moderator = member(Role.PROFESSIONAL, diagnosis.organisation)
    contribution = ContributionFactory(diagnosis=diagnosis)
    with pytest.raises(ValidationError) as excinfo:
        moderate_contribution(actor=moderator, contribution=contribution, decision="reject")
    assert "pourquoi" in _errors(excinfo)["note"][0]
    moderate_contribution(
        actor=moderator, contribution=contribution, decision="reject", note="Hors sujet"
    )
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.REJECTED
    assert contribution.moderation_note == "Hors sujet"


def test_an_unknown_decision_or_markup_is_refused() -> None:
    diagnosis = open_diagnosis()
    moderator = member(Role.PROFESSIONAL, diagnosis.organisation)
    contribution = ContributionFactory(diagnosis=diagnosis)
    with pytest.raises(ValidationError) as excinfo:
        moderate_contribution(
            actor=moderator,
            contribution=contribution,
            decision="archive",
            text="<i>ok</i> texte assez long",
        )
    assert set(_errors(excinfo)) == {"decision", "text"}
