"""The pooling of contributions: counted by the database by theme × kind, commune, place and
component, published ones only unless asked; the texts grouped by theme."""

from __future__ import annotations

import pytest

from maillage.diagnostics.models import ContributionStatus
from maillage.diagnostics.reports.pooling import pooled_contributions
from tests.diagnostics.factories import ContributionFactory, open_diagnosis
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db


def _published(diagnosis, **fields):
    return ContributionFactory(diagnosis=diagnosis, status=ContributionStatus.PUBLISHED, **fields)


def test_figures_by_theme_kind_place_and_component(django_assert_num_queries) -> None:
    geo = small_geography()
    diagnosis = open_diagnosis(territory=geo.cu_arras)
    _published(diagnosis, theme="sante", kind="need", commune=geo.arras, place="Quartier Ouest")
    _published(diagnosis, theme="sante", kind="need", commune=geo.arras, place="quartier ouest ")
    _published(diagnosis, theme="sante", kind="gap", commune=geo.dainville, component="flux")
    _published(diagnosis, theme="mobilite", kind="problem", component="flux")
    _published(diagnosis, kind="resource", component="population")
    ContributionFactory(diagnosis=diagnosis, theme="sante", text="en attente")
    ContributionFactory(diagnosis=diagnosis, status=ContributionStatus.REJECTED, theme="sante")
    _published(open_diagnosis(), theme="sante")  # another diagnosis

    with django_assert_num_queries(5):
        pooling = pooled_contributions(diagnosis)

    assert pooling.total == 5
    kinds = pooling.kinds
    rows = {row.label: dict(zip(kinds, row.counts, strict=True)) for row in pooling.by_theme_kind}
    assert [row.label for row in pooling.by_theme_kind] == ["Santé", "Mobilité", "Sans thème"]
    assert rows["Santé"]["Un besoin"] == 2 and rows["Santé"]["Un service qui manque"] == 1
    assert rows["Mobilité"]["Un problème"] == 1
    assert rows["Sans thème"]["Une ressource, ce qui marche"] == 1
    assert [(bar.label, bar.value) for bar in pooling.by_theme] == [
        ("Santé", 3),
        ("Mobilité", 1),
        ("Sans thème", 1),
    ]
    assert [(bar.label, bar.value) for bar in pooling.by_commune] == [
        ("Arras", 2),
        ("Dainville", 1),
    ]
    # The same place typed twice, with other capitals and spaces, is one place.
    assert [(bar.label.strip().lower(), bar.value) for bar in pooling.by_place] == [
        ("quartier ouest", 2)
    ]
    assert [(bar.label, bar.value) for bar in pooling.by_component] == [
        ("Les flux de biens, de services et de personnes", 2),
        ("Les intérêts, attentes et problèmes de la population", 1),
    ]
    assert [(theme, len(texts)) for theme, texts in pooling.texts_by_theme] == [
        ("Santé", 3),
        ("Mobilité", 1),
        ("Sans thème", 1),
    ]
    assert "en attente" not in [c.text for _theme, texts in pooling.texts_by_theme for c in texts]


def test_moderators_may_pool_pending_ones_too_but_never_rejected_ones() -> None:
    diagnosis = open_diagnosis()
    _published(diagnosis)
    ContributionFactory(diagnosis=diagnosis)
    ContributionFactory(diagnosis=diagnosis, status=ContributionStatus.REJECTED)
    assert pooled_contributions(diagnosis, published_only=False).total == 2


def test_nothing_published_gives_empty_figures() -> None:
    pooling = pooled_contributions(open_diagnosis())
    assert pooling.total == 0 and pooling.by_theme_kind == [] and pooling.texts_by_theme == []
