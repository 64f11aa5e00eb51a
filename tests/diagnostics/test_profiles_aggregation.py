"""Profiles roll values up from communes: sums add up, ratios divide the sums of their terms."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from maillage.diagnostics.profiles import Figure, commune_values, epci_profiles, territory_profile
from tests.diagnostics.factories import IndicatorFactory, ratio, set_values
from tests.territories.factories import (
    CommuneFactory,
    CustomTerritoryFactory,
    EpciFactory,
    small_geography,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    """Households and poor households in the CU d'Arras (Saint-Laurent-Blangy has no count of
    poor households), in one more commune of the Pas-de-Calais, and in Lille (Nord)."""
    geo = small_geography()
    bethune = CommuneFactory(
        code="62119", name="Béthune", departement=geo.pas_de_calais, region=geo.hauts_de_france
    )
    households = IndicatorFactory(code="menages", label="Ménages", unit="ménages")
    poor = IndicatorFactory(code="menages_pauvres", label="Ménages pauvres", unit="ménages")
    rate = ratio(poor, households, code="taux_pauvrete", label="Taux de pauvreté")
    set_values(
        households,
        {
            geo.arras: 20_000,
            geo.dainville: 2_000,
            geo.saint_laurent_blangy: 3_000,
            bethune: 10_000,
            geo.lille: 100_000,
        },
    )
    set_values(poor, {geo.arras: 4_000, geo.dainville: 100, bethune: 1_000, geo.lille: 25_000})
    return SimpleNamespace(geo=geo, bethune=bethune, households=households, poor=poor, rate=rate)


def row_of(profile, indicator):
    return next(row for row in profile.rows if row.indicator.pk == indicator.pk)


def test_a_ratio_on_an_epci_divides_the_sums_of_its_communes_never_averages_their_ratios(scene):
    geo, poor, rate = scene.geo, scene.poor, scene.rate
    set_values(poor, {geo.saint_laurent_blangy: 300})  # now known everywhere in the EPCI

    here = row_of(territory_profile(geo.cu_arras), rate).here

    # Arras 20 %, Dainville 5 %, Saint-Laurent-Blangy 10 %: the mean of ratios is 11.67 %.
    mean_of_ratios = (20 + 5 + 10) / 3
    assert here == Figure(
        value=pytest.approx(100 * 4_400 / 25_000),
        numerator=4_400,
        denominator=25_000,
        communes_with_value=3,
        communes=3,
    )
    assert here.value == pytest.approx(17.6)
    assert here.value != pytest.approx(mean_of_ratios, abs=0.1)


def test_a_commune_without_a_value_leaves_both_terms_of_a_ratio_and_says_so(scene):
    geo, households, poor, rate = scene.geo, scene.households, scene.poor, scene.rate

    profile = territory_profile(geo.cu_arras)

    # Saint-Laurent-Blangy has households but no poor households: it drops out of the ratio,
    # its households too, otherwise the rate would be understated.
    assert row_of(profile, rate).here == Figure(
        value=pytest.approx(100 * 4_100 / 22_000),
        numerator=4_100,
        denominator=22_000,
        communes_with_value=2,
        communes=3,
    )
    assert row_of(profile, households).here == Figure(25_000, None, None, 3, 3)
    assert row_of(profile, poor).here == Figure(4_100, None, None, 2, 3)
    assert row_of(profile, poor).here.is_partial
    assert not row_of(profile, households).here.is_partial


def test_the_epci_is_compared_with_its_departement_and_france(scene):
    geo, households, rate = scene.geo, scene.households, scene.rate

    profile = territory_profile(geo.cu_arras)

    assert profile.departement == geo.pas_de_calais
    assert profile.communes == 3
    rate_row = row_of(profile, rate)
    assert rate_row.departement == Figure(
        value=pytest.approx(100 * 5_100 / 32_000),
        numerator=5_100,
        denominator=32_000,
        communes_with_value=3,
        communes=4,
    )
    assert row_of(profile, households).departement == Figure(35_000, None, None, 4, 4)
    # France: the national totals kept by every write of values.
    communes_in_france = 6  # the five of the scene and Saint-Denis
    assert row_of(profile, households).france == Figure(135_000, None, None, 5, communes_in_france)
    # The ratio over the four communes that know both terms (not Saint-Laurent-Blangy).
    assert rate_row.france == Figure(
        value=pytest.approx(100 * 30_100 / 132_000),
        numerator=30_100,
        denominator=132_000,
        communes_with_value=4,
        communes=communes_in_france,
    )


def test_a_custom_territory_adds_up_its_communes_and_compares_with_the_departement_of_most(
    scene,
):
    geo, rate = scene.geo, scene.rate
    bassin = CustomTerritoryFactory(communes=[geo.arras, geo.dainville, geo.lille])

    profile = territory_profile(bassin)

    assert profile.communes == 3
    assert profile.departement == geo.pas_de_calais
    assert row_of(profile, rate).here == Figure(
        value=pytest.approx(100 * 29_100 / 122_000),
        numerator=29_100,
        denominator=122_000,
        communes_with_value=3,
        communes=3,
    )


def test_a_departement_and_a_region_have_no_departement_to_compare_with(scene):
    geo = scene.geo

    assert territory_profile(geo.pas_de_calais).departement is None
    region = territory_profile(geo.hauts_de_france)
    assert region.departement is None
    assert region.communes == 5
    assert all(row.departement is None and row.france is not None for row in region.rows)


def test_a_commune_profile_is_its_own_values(scene):
    geo, rate = scene.geo, scene.rate

    profile = territory_profile(geo.dainville)

    assert row_of(profile, rate).here.value == pytest.approx(5)
    assert row_of(profile, rate).departement.communes == 4
    assert profile.departement == geo.pas_de_calais


def test_indicators_without_values_here_are_left_out_unless_asked_for(scene):
    geo, rate = scene.geo, scene.rate
    unknown = IndicatorFactory(code="sans_valeur")
    set_values(unknown, {geo.lille: 5})

    listed = {row.indicator.code for row in territory_profile(geo.cu_arras).rows}
    asked = territory_profile(geo.cu_arras, [unknown, rate], compare=False)

    assert listed == {"menages", "menages_pauvres", "taux_pauvrete"}
    assert [row.indicator.code for row in asked.rows] == ["sans_valeur", "taux_pauvrete"]
    assert asked.rows[0].here == Figure(None, None, None, 0, 3)
    assert asked.rows[0].departement is None and asked.rows[0].france is None


def test_a_ratio_whose_denominator_adds_up_to_zero_has_no_value(scene):
    geo, households, rate = scene.geo, scene.households, scene.rate
    set_values(households, {geo.dainville: 0})

    figure = territory_profile(geo.dainville, [rate], compare=False).rows[0].here

    assert figure.value is None
    assert figure.denominator == 0
    assert figure.communes_with_value == 1


def test_commune_values_give_each_communes_own_ratio_for_the_map(scene):
    geo, bethune, households, rate = scene.geo, scene.bethune, scene.households, scene.rate
    communes = geo.cu_arras.__class__.objects.communes_of(geo.pas_de_calais)

    assert commune_values(rate, communes) == {
        geo.arras.pk: pytest.approx(20),
        geo.dainville.pk: pytest.approx(5),
        bethune.pk: pytest.approx(10),
    }
    assert commune_values(households, communes) == {
        geo.arras.pk: 20_000,
        geo.dainville.pk: 2_000,
        geo.saint_laurent_blangy.pk: 3_000,
        bethune.pk: 10_000,
    }


def test_every_epci_at_once_equals_each_epcis_own_profile(scene, django_assert_num_queries):
    geo, bethune, households, poor, rate = (
        scene.geo,
        scene.bethune,
        scene.households,
        scene.poor,
        scene.rate,
    )
    other = EpciFactory(departement=geo.pas_de_calais, region=geo.hauts_de_france)
    bethune.epci = other
    bethune.save()
    empty = EpciFactory(departement=geo.nord, region=geo.hauts_de_france)
    CommuneFactory(departement=geo.nord, epci=empty)

    # The indicators, the communes per EPCI, the sums, and the values of the ratio's terms to
    # pair them where a commune lacks one (Saint-Laurent-Blangy).
    with django_assert_num_queries(4):
        everyone = epci_profiles()

    assert set(everyone) == {geo.cu_arras.pk, other.pk, empty.pk}
    for epci in (geo.cu_arras, other, empty):
        alone = territory_profile(epci, [households, poor, rate], compare=False)
        assert everyone[epci.pk] == {row.indicator.pk: row.here for row in alone.rows}
    assert everyone[empty.pk][rate.pk] == Figure(None, None, None, 0, 1)


def test_a_profile_costs_a_handful_of_queries_whatever_the_indicators(
    scene, django_assert_num_queries
):
    geo, households = scene.geo, scene.households
    for number in range(10):
        extra = IndicatorFactory(code=f"extra_{number}")
        set_values(extra, {geo.arras: number, geo.lille: number})
        ratio(extra, households, code=f"extra_rate_{number}")

    # The indicators, the communes and the sums for the EPCI, then for its département, and the
    # number of communes in France; the values of the ratios' terms to pair them commune by
    # commune in each place, since some communes lack a term.
    with django_assert_num_queries(8):
        profile = territory_profile(geo.cu_arras)

    assert len(profile.rows) == 23


def test_ratios_known_in_every_commune_need_no_pairing(scene, django_assert_num_queries):
    geo, poor, rate = scene.geo, scene.poor, scene.rate
    set_values(poor, {geo.saint_laurent_blangy: 300})

    # The communes, the sums.
    with django_assert_num_queries(2):
        profile = territory_profile(geo.cu_arras, [rate], compare=False)

    assert profile.rows[0].here.value == pytest.approx(17.6)


def test_a_term_shared_by_ratios_is_paired_with_each_ratios_own_partner(scene):
    geo, households, poor, rate = scene.geo, scene.households, scene.poor, scene.rate
    population = IndicatorFactory(code="population")
    set_values(population, {geo.arras: 40_000, geo.saint_laurent_blangy: 6_000})
    poor_share = ratio(poor, population, code="pauvres_par_habitant")
    households_share = ratio(households, population, code="menages_par_habitant")

    figures = {
        row.indicator.code: row.here
        for row in territory_profile(
            geo.cu_arras, [rate, poor_share, households_share], compare=False
        ).rows
    }

    # Saint-Laurent-Blangy lacks poor households, Dainville its population.
    assert figures["taux_pauvrete"] == Figure(
        pytest.approx(100 * 4_100 / 22_000), 4_100, 22_000, 2, 3
    )
    assert figures["pauvres_par_habitant"] == Figure(pytest.approx(10), 4_000, 40_000, 1, 3)
    assert figures["menages_par_habitant"] == Figure(
        pytest.approx(100 * 23_000 / 46_000), 23_000, 46_000, 2, 3
    )
    assert epci_profiles([rate, poor_share, households_share])[geo.cu_arras.pk] == {
        indicator.pk: figures[indicator.code] for indicator in (rate, poor_share, households_share)
    }


def test_a_merged_commune_kept_for_its_old_data_is_not_counted(scene):
    geo, households = scene.geo, scene.households
    merged = CommuneFactory(
        code="62999",
        departement=geo.pas_de_calais,
        region=geo.hauts_de_france,
        epci=geo.cu_arras,
        is_current=False,
    )
    set_values(households, {merged: 1_000})

    here = next(
        row.here for row in territory_profile(geo.cu_arras).rows if row.indicator == households
    )

    assert here == Figure(25_000, None, None, 3, 3)
    assert epci_profiles([households])[geo.cu_arras.pk][households.pk] == here


def test_france_compares_a_ratio_over_the_communes_where_both_terms_are_known() -> None:
    """A numerator known in two départements over a denominator known everywhere must not make
    France look tiny: both terms are summed over the same communes."""
    geo = small_geography()
    people = IndicatorFactory(code="habitants_bis")
    elderly = IndicatorFactory(code="ages_bis")
    share = ratio(elderly, people, code="part_ages_bis")
    set_values(people, {geo.arras: 1_000, geo.dainville: 1_000, geo.lille: 8_000})
    set_values(elderly, {geo.arras: 100, geo.dainville: 300})
    share.refresh_from_db()  # its national totals were kept by the writes

    row = territory_profile(geo.arras, [share]).rows[0]

    assert row.france.value == pytest.approx(20.0)  # 400 / 2 000, not 400 / 10 000
    assert row.france.communes_with_value == 2
