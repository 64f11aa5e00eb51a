"""The download page of the open data, its files and the Table Schema served beside them."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from maillage.practices.exports import COLUMN_NAMES, TABLE_SCHEMA_PATH
from tests.practices.factories import PracticeFactory, published_practice

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_page_explains_licence_and_schema_and_links_every_file(
    client: Client, django_assert_max_num_queries
):
    published_practice()
    published_practice()
    PracticeFactory()

    with django_assert_max_num_queries(1):
        response = client.get("/pratiques/telecharger/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "2 fiches publiées" in page
    for href in ("/pratiques/export.csv", "/pratiques/export.json", "/pratiques/export.xlsx"):
        assert f'href="{href}"' in page
    assert 'href="/pratiques/schema.json"' in page
    assert "CC BY 4.0" in page
    # The columns of the CSV, as the schema describes them.
    assert "<code>isic_forms</code>" in page
    assert "Formes d&#x27;intervention collective (codes)" in page


def test_csv_download_streams_the_same_bytes_as_the_command(client: Client):
    published_practice(title="Jardin de Saint-Caprais")
    command_output = io.StringIO()
    call_command("export_practices", "--format", "csv", stdout=command_output)

    response = client.get("/pratiques/export.csv")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="pratiques-inspirantes-maillage.csv"'
    )
    body = _body(response)
    assert body.startswith(b"\xef\xbb\xbfid,url,")
    assert body.decode("utf-8") == command_output.getvalue()


def test_json_and_xlsx_downloads(client: Client):
    practice = published_practice(title="L'Avenir en Soi")

    data = json.loads(_body(client.get("/pratiques/export.json")))
    assert [(sheet["id"], sheet["title"]) for sheet in data] == [(practice.pk, "L'Avenir en Soi")]

    response = client.get("/pratiques/export.xlsx")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    rows = list(load_workbook(io.BytesIO(_body(response))).active.values)
    assert list(rows[0]) == COLUMN_NAMES
    assert rows[1][COLUMN_NAMES.index("title")] == "L'Avenir en Soi"


def test_unknown_download_format_is_a_404(client: Client):
    assert client.get("/pratiques/export.ods").status_code == 404


def test_table_schema_is_served_as_json(client: Client):
    response = client.get("/pratiques/schema.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(_body(response)) == json.loads(TABLE_SCHEMA_PATH.read_text(encoding="utf-8"))
