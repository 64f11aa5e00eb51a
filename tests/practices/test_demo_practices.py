"""The demo practice sheets: a data file written from the 2015 report, loaded through the
workflow by `maillage load_demo` (and so by `make run`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from maillage.demo import practices as demo_practices
from maillage.demo.actions import read_actions
from maillage.demo.content import ORGANISATIONS
from maillage.demo.diagnostics import read_demo_diagnosis
from maillage.demo.loading import load_demo
from maillage.demo.practices import DemoDataError, load_demo_practices, read_sheets
from maillage.organisations.models import Organisation, Role
from maillage.practices.models import Practice, PracticeRevision, RevisionEvent, Status
from maillage.practices.search import SearchQuery, search_practices
from maillage.referential.loading import load_referential
from maillage.referential.models import Term
from maillage.territories.models import Territory
from maillage.territories.package import default_data_dir
from tests.organisations.factories import UserFactory, member
from tests.territories.factories import DepartementFactory, RegionFactory, TerritoryFactory

CORPUS = Path("/work/shared/corpus/rapport-developpement-social-travail-social-collectif-2015.txt")
REPORT = "Rapport du groupe de travail Développement social et travail social collectif (2015)"
SHEETS = read_sheets()
TERM_FIELDS = {
    "isic_forms": "isic_form",
    "methods": "method",
    "publics": "public",
    "themes": "theme",
    "participation_level": "participation_level",
    "scale": "scale",
}


def _sheet(title_part: str) -> dict[str, Any]:
    matches = [sheet for sheet in SHEETS if title_part in sheet["title"]]
    assert len(matches) == 1, f"{len(matches)} fiches contiennent « {title_part} »"
    return matches[0]


def _codes(sheet: dict[str, Any], field: str) -> list[str]:
    value = sheet.get(field)
    return [] if value is None else [value] if isinstance(value, str) else list(value)


@cache
def _cog() -> dict[tuple[str, str], dict[str, Any]]:
    """The official geography (the npm package the territories are loaded from), by (level, code)."""
    data_dir = default_data_dir()
    if not (data_dir / "communes.json").exists():
        pytest.skip("le paquet @etalab/decoupage-administratif n'est pas installé")

    def read(name: str) -> list[dict[str, Any]]:
        return json.loads((data_dir / name).read_text(encoding="utf-8"))

    levels = {"commune-actuelle": "commune", "arrondissement-municipal": "arrondissement"}
    return {
        **{("region", item["code"]): item for item in read("regions.json")},
        **{("departement", item["code"]): item for item in read("departements.json")},
        **{("epci", item["code"]): item for item in read("epci.json")},
        **{
            (levels[item["type"]], item["code"]): item
            for item in read("communes.json")
            if item["type"] in levels
        },
    }


def _geography(pairs: Iterable[tuple[str, str]]) -> None:
    """Create the territories named by `pairs`, with their département, région and commune,
    as the official files describe them."""
    cog = _cog()

    def create(level: str, code: str) -> Territory:
        item = cog[(level, code)]
        if level == "region":
            return RegionFactory(code=code, name=item["nom"])
        region = create("region", item["region"])
        if level == "departement":
            return DepartementFactory(code=code, name=item["nom"], region=region)
        return TerritoryFactory(
            level=level,
            code=code,
            name=item["nom"],
            region=region,
            departement=create("departement", item["departement"]),
            parent=create("commune", item["commune"]) if level == "arrondissement" else None,
        )

    for level, code in pairs:
        create(level, code)


def _demo_geography() -> None:
    actions = read_actions()
    _geography(
        {tuple(pair) for sheet in SHEETS for pair in sheet.get("territories", ())}
        | {pair for spec in ORGANISATIONS for pair in spec.territories}
        # `load_demo` also loads the demo collective actions and their participants' communes.
        | {tuple(pair) for action in actions for pair in action["territories"]}
        | {
            ("commune", person["commune"])
            for action in actions
            for person in action["participants"]
            if person.get("commune")
        }
    )
    # It loads the demo diagnosis too, on the CU d'Arras and the communes its contributions name.
    diagnosis = read_demo_diagnosis()
    communes = {item["commune"] for item in diagnosis["contributions"] if item.get("commune")}
    _geography({("commune", code) for code in communes})
    pas_de_calais = Territory.objects.get(level="departement", code="62")
    epci = TerritoryFactory(
        level=diagnosis["territory"][0],
        code=diagnosis["territory"][1],
        name="CU d'Arras",
        departement=pas_de_calais,
        region=pas_de_calais.region,
    )
    Territory.objects.filter(level="commune", code__in=communes).update(epci=epci)


def test_the_data_file_holds_at_least_forty_distinct_sheets() -> None:
    titles = [sheet["title"] for sheet in SHEETS]
    assert len(titles) >= 40
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda sheet: sheet["title"][:40])
def test_every_sheet_has_a_summary_a_form_and_its_place_in_the_report(
    sheet: dict[str, Any],
) -> None:
    assert 0 < len(sheet["title"]) <= 200
    assert 100 <= len(sheet["summary"]) <= 1200
    assert sheet["isic_forms"]
    assert any(
        source["title"] == REPORT and re.fullmatch(r"L\d+(–\d+)?", source["locator"])
        for source in sheet["sources"]
    )
    if sheet.get("start_date") and sheet.get("end_date"):
        assert sheet["start_date"] <= sheet["end_date"]


@pytest.mark.django_db
def test_every_term_code_is_an_active_term_of_the_right_scheme() -> None:
    load_referential()
    known = set(Term.objects.filter(is_active=True).values_list("scheme__code", "code"))
    unknown = [
        (sheet["title"], field, code)
        for sheet in SHEETS
        for field, scheme in TERM_FIELDS.items()
        for code in _codes(sheet, field)
        if (scheme, code) not in known
    ]
    assert unknown == []


def test_every_territory_code_is_in_the_official_geography() -> None:
    cog = _cog()
    unknown = [
        (sheet["title"], level, code)
        for sheet in SHEETS
        for level, code in sheet.get("territories", ())
        if (level, code) not in cog
    ]
    assert unknown == []


def test_every_organisation_is_a_demo_organisation_with_a_known_role() -> None:
    keys = {spec.key for spec in ORGANISATIONS}
    unknown = [
        (sheet["title"], key, role)
        for sheet in SHEETS
        for key, role in sheet.get("organisations", ())
        if key not in keys or role not in {"carrier", "partner", "funder"}
    ]
    assert unknown == []


@pytest.mark.parametrize(
    ("title_part", "territories"),
    [
        ("Jardin de Saint-Caprais", set()),  # the report does not say where the garden is
        ("100 jours 100 % gagnants", {("departement", "62")}),
        ("L'île aux parents", {("departement", "62")}),
        ("Une communauté autour de bébé", {("departement", "62")}),
        ("À la découverte de l'Europe", {("departement", "62")}),
        ("Promotion familiale, sociale et culturelle à Lille-Fives", {("commune", "59350")}),
        ("Parcours Confiance", set()),  # a national MSA programme
        ("L'Avenir en Soi", set()),
        (
            "recherche-action du SPISC",
            {
                ("commune", "67482"),  # Strasbourg
                ("commune", "92050"),  # Nanterre
                ("commune", "94076"),  # Villejuif
                ("arrondissement", "13203"),  # Marseille 3e
                ("commune", "57751"),  # Woippy
                ("commune", "42218"),  # Saint-Étienne
                ("arrondissement", "75119"),  # Paris 19e
                ("arrondissement", "75120"),  # Paris 20e
                ("commune", "21231"),  # Dijon
            },
        ),
    ],
)
def test_the_practices_named_by_the_report_are_there_with_their_territories(
    title_part: str, territories: set[tuple[str, str]]
) -> None:
    sheet = _sheet(title_part)
    assert {tuple(pair) for pair in sheet.get("territories", ())} == territories


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower().replace("’", "'"))


def test_no_text_repeats_eight_words_in_a_row_from_the_report() -> None:
    if not CORPUS.exists():
        pytest.skip("le rapport de 2015 n'est pas disponible ici")
    size = 8
    words = _words(CORPUS.read_text(encoding="utf-8"))
    runs = {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}
    copied = [
        (sheet["title"][:40], field, " ".join(text[i : i + size]))
        for sheet in SHEETS
        for field, value in sheet.items()
        if isinstance(value, str)
        for text in [_words(value)]
        for i in range(len(text) - size + 1)
        if tuple(text[i : i + size]) in runs
    ]
    assert copied == []


@pytest.mark.django_db
def test_loading_the_demo_twice_publishes_each_sheet_once_and_indexes_it(
    settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path  # where load_demo keeps the demo passwords
    load_referential()
    _demo_geography()

    load_demo()

    assert Practice.objects.count() == len(SHEETS)
    assert set(Practice.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert not Practice.objects.filter(published_revision=None).exists()
    events = PracticeRevision.objects.filter(practice__title=_sheet("Promotion familiale")["title"])
    assert list(events.order_by("number").values_list("event", flat=True)) == [
        RevisionEvent.CREATED,
        RevisionEvent.SUBMITTED,
        RevisionEvent.PUBLISHED,
    ]
    fives = Practice.objects.get(title=_sheet("Promotion familiale")["title"])
    assert fives.organisation == Organisation.objects.get(name="ATD Quart Monde — Lille-Fives")
    assert [t["code"] for t in fives.published_revision.content["territories"]] == ["59350"]
    found = search_practices(SearchQuery(text="jardin caprais")).hits
    assert [hit.title for hit in found][:1] == [_sheet("Saint-Caprais")["title"]]
    counts = (Practice.objects.count(), PracticeRevision.objects.count())

    load_demo()

    assert (Practice.objects.count(), PracticeRevision.objects.count()) == counts


@pytest.mark.django_db
def test_an_unknown_code_stops_the_load_before_anything_is_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    load_referential()
    data = tmp_path / "practices.json"
    data.write_text(
        json.dumps(
            {
                "sheets": [
                    {
                        "title": "Une fiche correcte",
                        "summary": "Un résumé.",
                        "isic_forms": ["travail_social_de_groupe"],
                    },
                    {
                        "title": "Une fiche fautive",
                        "summary": "Un résumé.",
                        "isic_forms": ["groupe_imaginaire"],
                        "territories": [["commune", "99999"]],
                        "organisations": [["organisation-fantome", "carrier"]],
                    },
                ]
            }
        )
    )
    monkeypatch.setattr(demo_practices, "DATA_FILE", data)

    with pytest.raises(DemoDataError) as error:
        load_demo_practices(UserFactory(is_national_admin=True), member(Role.DOCUMENTALIST))

    message = str(error.value)
    assert "Une fiche fautive" in message
    assert "groupe_imaginaire" in message
    assert "99999" in message
    assert "organisation-fantome" in message
    assert "Une fiche correcte" not in message
    assert not Practice.objects.exists()
