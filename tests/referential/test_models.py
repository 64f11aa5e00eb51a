from __future__ import annotations

import pytest
from django.core.exceptions import ObjectDoesNotExist, ValidationError

from maillage.referential.loading import LoadReport
from maillage.referential.models import Term, UnknownTermError
from tests.referential.factories import SchemeFactory, TermFactory

pytestmark = pytest.mark.django_db


def test_in_scheme_lists_the_terms_in_use_in_reading_order(referential: LoadReport) -> None:
    codes = list(Term.objects.in_scheme("participation_level").values_list("code", flat=True))

    assert codes[0] == "information"
    assert codes[-1] == "coproduction"


def test_in_scheme_leaves_out_terms_no_longer_in_use_unless_asked() -> None:
    scheme = SchemeFactory(code="theme")
    TermFactory(scheme=scheme, code="sante")
    TermFactory(scheme=scheme, code="ancien", is_active=False)

    assert [t.code for t in Term.objects.in_scheme("theme")] == ["sante"]
    assert {t.code for t in Term.objects.in_scheme("theme", include_inactive=True)} == {
        "sante",
        "ancien",
    }


def test_get_by_codes_finds_a_term_even_out_of_use() -> None:
    term = TermFactory(scheme=SchemeFactory(code="theme"), code="ancien", is_active=False)

    assert Term.objects.get_by_codes("theme", "ancien") == term


def test_get_by_codes_names_the_missing_term() -> None:
    with pytest.raises(UnknownTermError, match=r"Terme inconnu : isic_form/inexistant\."):
        Term.objects.get_by_codes("isic_form", "inexistant")
    assert issubclass(UnknownTermError, ObjectDoesNotExist)


def test_a_broader_term_must_belong_to_the_same_scheme() -> None:
    term = TermFactory.build(scheme=SchemeFactory(), broader=TermFactory())

    with pytest.raises(ValidationError, match="même vocabulaire"):
        term.clean()


def test_a_term_cannot_be_its_own_ancestor() -> None:
    scheme = SchemeFactory()
    parent = TermFactory(scheme=scheme)
    child = TermFactory(scheme=scheme, broader=parent)
    parent.broader = child

    with pytest.raises(ValidationError, match="propre terme générique"):
        parent.clean()


def test_terms_link_to_their_page() -> None:
    term = TermFactory(scheme=SchemeFactory(code="phase"), code="evaluation")

    assert term.get_absolute_url() == "/referentiel/phase/evaluation/"
    assert term.scheme.get_absolute_url() == "/referentiel/phase/"
