"""Open data exports of the published sheets: CSV (validated against its Table Schema), JSON
(the API's detail of each sheet) and XLSX, by the command and the download page."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from frictionless import Resource, Schema, validate
from openpyxl import load_workbook

from maillage.organisations.models import OrganisationKind, Role
from maillage.practices import operations
from maillage.practices.exports import COLUMN_NAMES, TABLE_SCHEMA_PATH, published_sheets
from maillage.practices.models import Licence, OrganisationRole
from tests.organisations.factories import OrganisationFactory, member
from tests.practices.factories import PracticeFactory, published_practice, term
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db

REPOSITORY_SCHEMA = Path(settings.BASE_DIR) / "schemas" / "practice.json"
TRICKY_DESCRIPTION = (
    'Première ligne, avec « guillemets » et "doubles".\nDeuxième ligne ; 3 < 5, c > d & e.'
)


@pytest.fixture
def sheets():
    """Three public sheets, one of them being rewritten, and two that must never go out."""
    geography = small_geography()
    carrier = OrganisationFactory(
        name="Centre social | Arras-Ouest", kind=OrganisationKind.CENTRE_SOCIAL
    )
    funder = OrganisationFactory(name="CAF du Pas-de-Calais", kind=OrganisationKind.CAF)
    garden = published_practice(
        organisation=carrier,
        title="Jardin partagé, « Les mains vertes »",
        summary="Des habitants cultivent ensemble une parcelle prêtée par la commune.",
        description=TRICKY_DESCRIPTION,
        isic_forms=[
            term("isic_form", "groupe_de_socialisation"),
            term("isic_form", "developpement_social_local"),
        ],
        themes=[term("theme", "lien_social"), term("theme", "cadre_de_vie")],
        publics=[term("public", "habitants_d_un_quartier")],
        participation_level=term("participation_level", "co_construction"),
        scale=term("scale", "quartier"),
        territories=[geography.arras, geography.lille, geography.seine_saint_denis],
        organisations=[(carrier, OrganisationRole.CARRIER), (funder, OrganisationRole.FUNDER)],
        sources=[
            {
                "title": "Rapport développement social 2015",
                "url": "https://example.org/rapport.pdf",
                "locator": "L2995–3120",
                "note": "",
            }
        ],
        start_date=date(2013, 3, 1),
        end_date=date(2014, 6, 30),
        participants_count=35,
        contact="Conseillère ESF, centre social",
        licence=Licence.CC_BY_SA,
    )
    formula = published_practice(
        title='=HYPERLINK("http://example.org")', summary="+33 1 23 45 67 89"
    )
    rewritten = published_practice(title="Version publiée", summary="Texte relu.", ongoing=True)
    operations.update_practice(
        actor=rewritten.author, practice=rewritten, title="Version en cours de rédaction"
    )
    archived = published_practice(title="Action archivée")
    operations.archive_practice(actor=member(Role.DOCUMENTALIST), practice=archived)
    PracticeFactory(title="Brouillon jamais publié")
    return garden, formula, rewritten


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("export_practices", *args, stdout=out)
    return out.getvalue()


def test_csv_has_one_row_per_public_sheet_from_its_published_revision(sheets):
    garden, _formula, rewritten = sheets

    rows = {row["id"]: row for row in _csv_rows(_command("--format", "csv"))}

    assert sorted(rows) == sorted(str(sheet.pk) for sheet in sheets)
    assert rows[str(rewritten.pk)]["title"] == "Version publiée"
    assert rows[str(rewritten.pk)]["ongoing"] == "true"
    row = rows[str(garden.pk)]
    assert row["title"] == "Jardin partagé, « Les mains vertes »"
    assert row["description"] == TRICKY_DESCRIPTION
    assert row["isic_forms"] == "groupe_de_socialisation | developpement_social_local"
    assert row["isic_forms_labels"].split(" | ")[0] == "Groupe de socialisation"
    assert row["themes"] == "lien_social | cadre_de_vie"
    assert row["participation_level"] == "co_construction"
    assert row["territories"] == "commune:59350 | commune:62041 | departement:93"
    assert row["territories_names"] == "Lille | Arras | Seine-Saint-Denis"
    assert row["departements"] == "59 | 62 | 93"
    assert row["regions"] == "11 | 32"
    # A vertical bar inside a value would split it in two.
    assert row["carriers"] == "Centre social / Arras-Ouest"
    assert row["funders"] == "CAF du Pas-de-Calais"
    assert row["partners"] == ""
    assert row["sources"] == (
        "Rapport développement social 2015 (L2995–3120) https://example.org/rapport.pdf"
    )
    assert (row["start_date"], row["end_date"]) == ("2013-03-01", "2014-06-30")
    assert row["participants_count"] == "35"
    assert row["licence"] == "CC-BY-SA-4.0"
    assert row["url"] == f"{settings.MAILLAGE_BASE_URL}/pratiques/{garden.pk}/"
    assert row["published_at"].endswith("Z")


def test_csv_is_valid_against_the_published_table_schema(sheets, tmp_path):
    garden = sheets[0]
    # Sheets written before markup was refused, or imported, may hold anything: the CSV must
    # carry it unchanged and stay valid.
    revision = garden.published_revision
    revision.content["comments"] = '<script>alert("x")</script>, "virgule", fin'
    revision.save(update_fields=["content"])
    path = tmp_path / "pratiques.csv"
    call_command("export_practices", "--format", "csv", "--output", str(path), stdout=io.StringIO())

    schema = Schema.from_descriptor(json.loads(REPOSITORY_SCHEMA.read_text(encoding="utf-8")))
    report = validate(Resource(path=path.name, basepath=str(tmp_path), schema=schema))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == 3
    rows = _csv_rows(path.read_text(encoding="utf-8"))
    assert {row["comments"] for row in rows} >= {'<script>alert("x")</script>, "virgule", fin'}


def test_csv_columns_are_the_schema_fields_in_order():
    schema = json.loads(REPOSITORY_SCHEMA.read_text(encoding="utf-8"))
    header = next(csv.reader(io.StringIO(_command("--format", "csv").removeprefix("\ufeff"))))

    assert header == [field["name"] for field in schema["fields"]] == COLUMN_NAMES
    assert all(field.get("title") and field.get("description") for field in schema["fields"])
    assert schema["primaryKey"] == ["id"]


def test_schema_enumerates_the_licences_of_the_model():
    schema = json.loads(REPOSITORY_SCHEMA.read_text(encoding="utf-8"))
    licence = next(field for field in schema["fields"] if field["name"] == "licence")

    assert licence["constraints"]["enum"] == Licence.values


def test_the_package_ships_the_repository_schema():
    assert TABLE_SCHEMA_PATH.read_bytes() == REPOSITORY_SCHEMA.read_bytes()


def test_csv_starts_with_a_byte_order_mark_and_uses_crlf(sheets):
    text = _command("--format", "csv")

    assert text.startswith("\ufeffid,url,revision,")
    assert text.count("\r\n") == 4  # header and three rows; newlines inside cells stay \n


def test_no_public_sheet_gives_a_header_only_csv_and_an_empty_json_list():
    PracticeFactory()

    assert _command("--format", "csv") == "\ufeff" + ",".join(COLUMN_NAMES) + "\r\n"
    assert json.loads(_command("--format", "json")) == []


def test_json_export_is_the_api_detail_of_each_sheet(sheets, client: Client):
    exported = json.loads(_command("--format", "json"))

    assert [sheet["id"] for sheet in exported] == sorted(sheet.pk for sheet in sheets)
    for sheet in exported:
        assert sheet == client.get(f"/api/v1/practices/{sheet['id']}").json()
    garden = exported[0]
    assert garden["description"] == TRICKY_DESCRIPTION
    assert garden["organisations"][0]["role"] == "carrier"


def test_xlsx_holds_the_same_table_with_texts_never_run_as_formulas(sheets, tmp_path):
    garden, formula, _rewritten = sheets
    path = tmp_path / "pratiques.xlsx"
    call_command(
        "export_practices", "--format", "xlsx", "--output", str(path), stdout=io.StringIO()
    )

    rows = list(load_workbook(path).active.iter_rows())

    assert [cell.value for cell in rows[0]] == COLUMN_NAMES
    by_id = {row[0].value: row for row in rows[1:]}
    title = by_id[formula.pk][COLUMN_NAMES.index("title")]
    assert title.value == '=HYPERLINK("http://example.org")'
    assert title.data_type == "s"
    description = by_id[garden.pk][COLUMN_NAMES.index("description")]
    assert description.value == TRICKY_DESCRIPTION


def test_export_reads_sheets_in_chunks_of_bounded_size(django_assert_num_queries):
    for index in range(5):
        published_practice(title=f"Fiche {index}")

    with django_assert_num_queries(3):
        titles = [sheet["title"] for sheet in published_sheets(chunk_size=2)]

    assert titles == [f"Fiche {index}" for index in range(5)]


def test_unknown_format_is_a_french_error():
    with pytest.raises(CommandError, match="Format d'export inconnu : « pdf »"):
        _command("--format", "pdf")


def test_xlsx_needs_an_output_file():
    with pytest.raises(CommandError, match="--output"):
        _command("--format", "xlsx")


def test_unwritable_output_is_a_french_error(tmp_path):
    with pytest.raises(CommandError, match="Impossible d'écrire"):
        _command("--format", "json", "--output", str(tmp_path / "absent" / "x.json"))


def test_command_exits_non_zero_on_a_bad_format():
    completed = subprocess.run(
        [sys.executable, "-m", "django", "export_practices", "--format", "ods"],
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
        cwd=settings.BASE_DIR,
        check=False,
    )

    assert completed.returncode != 0
    assert "Format d'export inconnu : « ods »" in completed.stderr
