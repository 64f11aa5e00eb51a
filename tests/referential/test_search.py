from __future__ import annotations

import pytest

from maillage.referential.loading import LoadReport
from maillage.referential.search import fold, search_terms


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Mise en œuvre", "mise en oeuvre"),
        ("Éducation POPULAIRE", "education populaire"),
        ("pouvoir d’agir", "pouvoir d agir"),
        ("Co-construction", "co construction"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.django_db
def test_words_match_from_their_start(referential: LoadReport) -> None:
    codes = {term.code for term in search_terms("âge")}

    assert "personnes_agees" in codes
    assert "pratique_inspirante" not in codes  # « partage » does not start with « age »


@pytest.mark.django_db
def test_other_names_are_searched(referential: LoadReport) -> None:
    assert search_terms("ISIC")[0].code == "travail_social_collectif"
    assert search_terms("   ") == []
