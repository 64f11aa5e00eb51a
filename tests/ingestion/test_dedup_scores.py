"""A drafted sheet close to a published sheet, to a stored candidate or to another draft of the
same file is recognised; different actions sharing words are not."""

from __future__ import annotations

import pytest

from maillage.ingestion import dedup
from maillage.ingestion.found import CandidateDraft, FoundSegment, PlaceMatch
from maillage.ingestion.models import CandidateStatus, Document
from tests.ingestion.factories import CandidateFactory
from tests.practices.factories import published_practice
from tests.territories.factories import CommuneFactory

SEGMENT = FoundSegment("example", 1, 3, "", "Exemple : …")


def draft(title: str, *, commune: str = "", organisation: str = "") -> CandidateDraft:
    places = [PlaceMatch(commune, 2, "commune", commune, commune)] if commune else []
    organisations = [{"name": organisation, "kind": "association"}] if organisation else []
    return CandidateDraft(SEGMENT, title, places=places, organisations=organisations)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Jardin de Saint-Caprais", "Le jardin partagé de Saint-Caprais"),
        ("« 100 jours, 100 % gagnants »", "100 jours 100% gagnants"),
        ("L'île aux parents", "Ile aux Parents"),
        ("Une communauté autour de bébé", "Communauté autour du bébé"),
        # A sheet titled « Name » : what it does, a report naming the action alone.
        ("AGILLE", "AGILLE : une expérimentation départementale pour simplifier"),
        (
            "L'action 100 jours 100 % gagnants",
            "« 100 jours 100 % gagnants » : des adultes volontaires parrainent des jeunes",
        ),
    ],
)
def test_one_action_named_two_ways_reaches_the_threshold(one: str, other: str) -> None:
    score = dedup.score(
        dedup.Comparable.of_draft(draft(one)), dedup.Comparable.of_draft(draft(other))
    )
    assert score >= dedup.THRESHOLD


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Atelier cuisine des parents", "Atelier d'écriture des parents"),
        ("Groupe de parents du quartier nord", "Groupe de jeunes du quartier nord"),
        ("Parcours Confiance", "Parcours emploi"),
        # A one-word title is compared whole, not as a subset of a longer one.
        ("Jardin", "Jardin partagé de Saint-Caprais"),
        ("usagers", "« Les clefs pour communiquer » : apprendre aux usagers à prendre la parole"),
    ],
)
def test_different_actions_sharing_words_stay_under_the_threshold(one: str, other: str) -> None:
    score = dedup.score(
        dedup.Comparable.of_draft(draft(one)), dedup.Comparable.of_draft(draft(other))
    )
    assert score < dedup.THRESHOLD


def test_a_shared_commune_and_organisation_tip_a_close_pair_over() -> None:
    apart = dedup.score(
        dedup.Comparable.of_draft(draft("Groupe de parents du quartier nord", commune="59350")),
        dedup.Comparable.of_draft(draft("Groupe de jeunes du quartier nord", commune="13055")),
    )
    together = dedup.score(
        dedup.Comparable.of_draft(
            draft("Groupe de parents du quartier nord", commune="59350", organisation="CAF")
        ),
        dedup.Comparable.of_draft(
            draft("Groupe de jeunes du quartier nord", commune="59350", organisation="caf")
        ),
    )
    assert apart < dedup.THRESHOLD <= together


@pytest.mark.django_db
def test_a_published_sheet_with_the_same_action_is_found_and_another_is_not() -> None:
    sheet = published_practice(title="Le jardin partagé de Saint-Caprais")
    published_practice(title="Atelier d'écriture des parents")

    found = dedup.similar_practice(draft("Jardin de Saint-Caprais"))

    assert found is not None and found[0] == sheet and found[1] >= dedup.THRESHOLD
    assert dedup.similar_practice(draft("Atelier cuisine des parents")) is None


@pytest.mark.django_db
def test_a_stored_candidate_of_another_document_is_found_unless_rejected() -> None:
    commune = CommuneFactory()
    stored = CandidateFactory(title="Une communauté autour de bébé")
    stored.territories.add(commune)
    every = Document.objects.all()

    found = dedup.similar_candidate(draft("Communauté autour du bébé"), among=every)
    assert found is not None and found[0] == stored

    stored.status = CandidateStatus.REJECTED
    stored.save()
    assert dedup.similar_candidate(draft("Communauté autour du bébé"), among=every) is None


@pytest.mark.django_db
def test_a_candidate_outside_the_documents_compared_is_never_found() -> None:
    stored = CandidateFactory(title="Une communauté autour de bébé")
    others = Document.objects.exclude(pk=stored.document_id)

    assert dedup.similar_candidate(draft("Communauté autour du bébé"), among=others) is None


def test_drafts_of_one_file_point_to_the_first_mention() -> None:
    drafts = [
        draft("L'île aux parents"),
        draft("Atelier cuisine des parents"),
        draft("Ile aux Parents"),
        draft("Atelier d'écriture des parents"),
    ]

    repeats = dedup.similar_drafts(drafts)

    assert list(repeats) == [2]
    assert repeats[2][0] == 0
