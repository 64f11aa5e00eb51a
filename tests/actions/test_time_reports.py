from __future__ import annotations

import datetime

import pytest

from maillage.actions.forms_time import DashboardFilterForm
from maillage.actions.models import TimeEntry
from maillage.actions.reports.time import duration, grouped_time_totals, time_totals
from tests.actions.factories import ActionFactory, TimeEntryFactory
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.practices.factories import term
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    """Two actions, two people, two teams, two months; the first action on two communes."""
    caf = OrganisationFactory(name="CAF du Nord")
    ccas = OrganisationFactory(name="CCAS de Fives")
    fives, hellemmes, roubaix = (
        CommuneFactory(name="Lille-Fives"),
        CommuneFactory(name="Hellemmes"),
        CommuneFactory(name="Roubaix"),
    )
    parents = ActionFactory(organisation=caf, title="Parents", territories=[fives, hellemmes])
    garden = ActionFactory(organisation=ccas, title="Jardin", territories=[roubaix])
    amina = UserFactory(first_name="Amina", last_name="Benali")
    louis = UserFactory(first_name="Louis", last_name="Martin")
    mobilisation = term("phase", "mobilisation")
    rows = [
        # action, user, organisation, team, date, minutes, activity, phase
        (parents, amina, caf, "Action sociale", datetime.date(2026, 3, 2), 120, "facilitation", mobilisation),
        (parents, amina, caf, "Action sociale", datetime.date(2026, 3, 20), 30, "preparation", None),
        (parents, louis, ccas, "", datetime.date(2026, 4, 1), 90, "facilitation", mobilisation),
        (garden, louis, ccas, "", datetime.date(2026, 4, 15), 45, "writing", None),
        (garden, amina, caf, "Direction", datetime.date(2026, 4, 30), 15, "partnership", None),
    ]  # fmt: skip
    for action, user, organisation, team, date, minutes, activity, phase in rows:
        TimeEntryFactory(
            action=action,
            user=user,
            organisation=organisation,
            team=team,
            date=date,
            minutes=minutes,
            activity=activity,
            phase=phase,
        )
    return {
        "parents": parents,
        "garden": garden,
        "amina": amina,
        "louis": louis,
        "caf": caf,
        "ccas": ccas,
        "communes": (fives, hellemmes, roubaix),
        "mobilisation": mobilisation,
    }


def _pairs(by: str) -> list[tuple[object, str, int]]:
    return [(t.key, t.label, t.minutes) for t in time_totals(TimeEntry.objects.all(), by)]


def test_by_user(scene) -> None:
    assert _pairs("user") == [
        (scene["amina"].pk, "Amina Benali", 120 + 30 + 15),
        (scene["louis"].pk, "Louis Martin", 90 + 45),
    ]


def test_by_team_within_its_organisation(scene) -> None:
    assert _pairs("team") == [
        ((scene["caf"].pk, "Action sociale"), "Action sociale (CAF du Nord)", 150),
        ((scene["ccas"].pk, ""), "Sans équipe précisée (CCAS de Fives)", 135),
        ((scene["caf"].pk, "Direction"), "Direction (CAF du Nord)", 15),
    ]


def test_by_organisation(scene) -> None:
    assert _pairs("organisation") == [
        (scene["caf"].pk, "CAF du Nord", 165),
        (scene["ccas"].pk, "CCAS de Fives", 135),
    ]


def test_by_month_in_date_order(scene) -> None:
    assert _pairs("month") == [
        (datetime.date(2026, 3, 1), "mars 2026", 150),
        (datetime.date(2026, 4, 1), "avril 2026", 150),
    ]


def test_by_territory_counts_an_entry_under_each_territory_of_its_action(scene) -> None:
    fives, hellemmes, roubaix = scene["communes"]
    totals = {key: (label, minutes) for key, label, minutes in _pairs("territory")}
    assert totals == {
        fives.pk: ("Lille-Fives", 240),
        hellemmes.pk: ("Hellemmes", 240),
        roubaix.pk: ("Roubaix", 60),
    }
    # The documented consequence: territory totals exceed the overall total (300).
    assert sum(minutes for _, minutes in totals.values()) == 540


def test_by_activity_action_and_phase(scene) -> None:
    assert _pairs("activity") == [
        ("facilitation", "Animation", 210),
        ("writing", "Écrits", 45),
        ("preparation", "Préparation", 30),
        ("partnership", "Partenariat", 15),
    ]
    assert _pairs("action") == [
        (scene["parents"].pk, "Parents", 240),
        (scene["garden"].pk, "Jardin", 60),
    ]
    assert _pairs("phase") == [
        (scene["mobilisation"].pk, scene["mobilisation"].label, 210),
        (None, "Sans phase précisée", 90),
    ]


def test_totals_follow_the_queryset_filters_and_take_one_query(
    scene, django_assert_num_queries
) -> None:
    entries = TimeEntry.objects.filter(action=scene["garden"])
    with django_assert_num_queries(1):
        assert [t.minutes for t in time_totals(entries, "user")] == [45, 15]


def test_several_groupings_from_one_query_match_each_alone(
    scene, django_assert_num_queries
) -> None:
    entries = TimeEntry.objects.all()
    groupings = ("month", "user", "team", "organisation", "activity", "action", "phase")
    alone = {by: time_totals(entries, by) for by in groupings}
    with django_assert_num_queries(1):
        together = grouped_time_totals(entries, *groupings)
    assert together == alone


def test_territory_is_grouped_apart_so_other_totals_are_not_repeated(
    scene, django_assert_num_queries
) -> None:
    with django_assert_num_queries(2):
        totals = grouped_time_totals(TimeEntry.objects.all(), "organisation", "territory")
    # The first action lies on two communes: joined with the territories, its entries would
    # count twice in the organisations' totals.
    assert [t.minutes for t in totals["organisation"]] == [165, 135]
    assert sum(t.minutes for t in totals["territory"]) == 540


def test_unknown_grouping_is_an_error() -> None:
    with pytest.raises(ValueError):
        time_totals(TimeEntry.objects.all(), "weather")
    with pytest.raises(ValueError):
        grouped_time_totals(TimeEntry.objects.all(), "month", "weather")


def test_dashboard_period_is_written_as_the_browser_date_fields_read_it() -> None:
    """The browser's date field only reads ISO dates: a French « 01/03/2026 » would show an
    empty field."""
    form = DashboardFilterForm(
        initial={"start": datetime.date(2026, 3, 1), "end": datetime.date(2026, 3, 31)}
    )
    html = str(form)
    assert 'value="2026-03-01"' in html
    assert 'value="2026-03-31"' in html


@pytest.mark.parametrize(
    ("minutes", "shown"), [(45, "45 min"), (120, "2 h"), (200, "3 h 20"), (65, "1 h 05")]
)
def test_duration_display(minutes: int, shown: str) -> None:
    assert duration(minutes) == shown
