"""Places of a passage resolved to territories: the forms the 2015 report writes (« Lille-Fives »,
« Marseille 3e », « Paris 19e et 20e », « le Pas-de-Calais », « le bassin minier »), homonyms,
and commune names that are common words or people's names."""

from __future__ import annotations

import pytest

from maillage.ingestion.extraction import ExtractionContext
from maillage.territories.models import Level, Territory
from tests.ingestion.extraction_helpers import codes, extract, fresh_context
from tests.territories.factories import (
    CommuneFactory,
    DepartementFactory,
    RegionFactory,
    TerritoryFactory,
    small_geography,
)

pytestmark = pytest.mark.django_db


def _city_with_arrondissements(
    code: str, name: str, departement: Territory, numbers: dict[int, str]
) -> Territory:
    city = CommuneFactory(
        code=code,
        name=name,
        population=800_000,
        departement=departement,
        region=departement.region,
    )
    for number, arrondissement_code in numbers.items():
        ordinal = "1er" if number == 1 else f"{number}e"
        TerritoryFactory(
            level=Level.ARRONDISSEMENT,
            code=arrondissement_code,
            name=f"{name} {ordinal} Arrondissement",
            parent=city,
            departement=departement,
            region=departement.region,
        )
    return city


@pytest.fixture
def context() -> ExtractionContext:
    geography = small_geography()
    paca = RegionFactory(code="93", name="Provence-Alpes-Côte d'Azur")
    bouches_du_rhone = DepartementFactory(code="13", name="Bouches-du-Rhône", region=paca)
    _city_with_arrondissements("13055", "Marseille", bouches_du_rhone, {3: "13203", 1: "13201"})
    paris = DepartementFactory(code="75", name="Paris", region=geography.ile_de_france)
    _city_with_arrondissements("75056", "Paris", paris, {19: "75119", 20: "75120"})
    reunion = RegionFactory(code="04", name="La Réunion")
    CommuneFactory(
        code="97411",
        name="Saint-Denis",
        population=155_634,  # more than the Saint-Denis of Seine-Saint-Denis
        departement=DepartementFactory(code="974", name="La Réunion", region=reunion),
        region=reunion,
    )
    CommuneFactory(code="44220", name="Vue", population=1_700)
    CommuneFactory(code="89387", name="Sens", population=26_000)
    CommuneFactory(code="57751", name="Woippy", population=14_000)
    CommuneFactory(code="38185", name="Grenoble", population=158_000)
    return fresh_context()


def test_a_quartier_written_with_its_commune_gives_the_commune(context) -> None:
    draft = extract(context, "Une action pilote à Lille-Fives :")

    (place,) = draft.places
    assert (place.level, place.code, place.text) == ("commune", "59350", "Lille-Fives")
    assert place.why == "quartier de Lille"


def test_a_quartier_named_before_its_commune_gives_the_commune(context) -> None:
    draft = extract(context, "Dans le quartier de Fives à Lille, les familles se réunissent.")

    assert codes(draft) == {("commune", "59350")}
    assert draft.places[0].why == "quartier de Lille"


def test_arrondissements_after_or_before_the_city(context) -> None:
    draft = extract(
        context,
        "Deux sites, à Marseille 3e arrondissement et à Paris 19e et 20e, par une ONG.",
        "Un autre dans le 1er arrondissement de Marseille.",
    )

    assert codes(draft) == {
        ("arrondissement", "13203"),
        ("arrondissement", "75119"),
        ("arrondissement", "75120"),
        ("arrondissement", "13201"),
    }
    # The city is not added beside its arrondissements.
    assert ("commune", "13055") not in codes(draft)
    assert draft.places[0].why == "arrondissement de Marseille"


def test_a_hyphenated_range_of_arrondissements(context) -> None:
    assert codes(extract(context, "Un site à Paris 19e-20e.")) == {
        ("arrondissement", "75119"),
        ("arrondissement", "75120"),
    }


def test_departements_with_their_article(context) -> None:
    draft = extract(context, "Dans le Pas-de-Calais et le Nord, comme en Seine-Saint-Denis.")

    assert codes(draft) == {
        ("departement", "62"),
        ("departement", "59"),
        ("departement", "93"),
    }
    # « Saint-Denis » inside « Seine-Saint-Denis » is not the commune.
    assert ("commune", "93066") not in codes(draft)


def test_the_bassin_minier_gives_the_departements_it_covers(context) -> None:
    draft = extract(context, "Le drame social du bassin minier n'est pas celui du littoral.")

    assert codes(draft) == {("departement", "59"), ("departement", "62")}
    assert draft.places[0].text == "bassin minier"
    assert draft.places[0].why.startswith("zone naturelle : bassin minier (")


def test_a_former_region_gives_its_departements(context) -> None:
    draft = extract(context, "Les assises du Nord - Pas-de-Calais ont réuni 300 personnes.")

    assert codes(draft) == {("departement", "59"), ("departement", "62")}


def test_a_homonym_goes_to_the_departement_named_in_the_passage(context) -> None:
    draft = extract(context, "En Seine-Saint-Denis, le centre social de Saint-Denis accueille.")

    assert ("commune", "93066") in codes(draft)
    saint_denis = next(place for place in draft.places if place.code == "93066")
    assert saint_denis.why.startswith("2 homonymes : celui du département 93")


def test_a_homonym_without_context_goes_to_the_most_populous_and_says_so(context) -> None:
    draft = extract(context, "Une permanence s'est ouverte à Saint-Denis.")

    assert codes(draft) == {("commune", "97411")}
    assert draft.places[0].why == "2 homonymes : le plus peuplé retenu (département 974)"


def test_a_homonym_uses_the_headings_above_the_passage(context) -> None:
    draft = extract(context, "Une permanence à Saint-Denis.", heading="Île-de-France › Exemples")

    assert codes(draft) == {("commune", "93066")}


def test_commune_names_that_are_common_words_need_a_place_word(context) -> None:
    common = extract(
        context,
        "En ce Sens, les travailleurs sociaux gardent une Vue d'ensemble.",
        "Sens des responsabilités et Vue d'ensemble.",
    )
    assert common.places == []

    placed = extract(context, "Une action à Vue et une autre à Sens.")
    assert codes(placed) == {("commune", "44220"), ("commune", "89387")}


def test_lower_case_words_acronyms_and_people_are_not_places(context) -> None:
    draft = extract(
        context,
        "Selon Bruno Grenoble et G. Woippy, la lille est loin ; LILLE l'a dit.",
        "Grenoble Alpes Métropole, Paris, Dunod, 2012.",
    )

    assert draft.places == []


def test_a_place_is_found_in_its_own_capitalised_words_only(context) -> None:
    # « Woippy » at the start of a sentence is still the commune: only common words need more.
    assert codes(extract(context, "Woippy accueille un des huit sites.")) == {("commune", "57751")}


def test_a_passage_without_place_takes_the_one_just_above() -> None:
    small_geography()
    context = fresh_context()
    from maillage.ingestion.extraction import extract_candidate
    from maillage.ingestion.found import FoundSegment, Line, ReadDocument

    document = ReadDocument(
        "txt",
        [
            Line("Une action pilote à Lille-Fives :"),
            Line("Le « colportage culturel à domicile » : des temps réguliers à domicile."),
        ],
    )
    segment = FoundSegment("example", 2, 2, "", document.lines[1].text)

    draft = extract_candidate(segment, document, context)

    assert codes(draft) == {("commune", "59350")}
    assert draft.places[0].line == 1
    assert draft.provenance["places"].start_line == 1
    assert draft.provenance["places"].why.startswith("cité juste avant le passage")


def test_the_context_is_rebuilt_on_request_and_kept_otherwise() -> None:
    geography = small_geography()
    first = ExtractionContext.load(refresh=True)
    assert ExtractionContext.load() is first

    CommuneFactory(code="57751", name="Woippy", departement=geography.nord)
    assert codes(extract(ExtractionContext.load(), "À Woippy.")) == set()
    assert codes(extract(ExtractionContext.load(refresh=True), "À Woippy.")) == {
        ("commune", "57751")
    }


def test_false_places_seen_on_the_2015_report_stay_out() -> None:
    small_geography()
    for code, name in [("38308", "Plan"), ("47196", "Nicole"), ("80763", "Le Titre")]:
        CommuneFactory(code=code, name=name)
    context = fresh_context()

    draft = extract(
        context,
        "Une mesure phare du Plan pluriannuel de lutte contre la pauvreté.",
        "La circulaire de Nicole Questiaux de 1982.",
        "Le titre de la loi de 2002.",
    )

    assert draft.places == []
    assert codes(extract(context, "Une rencontre à Nicole, près d'Agen.")) == {("commune", "47196")}
