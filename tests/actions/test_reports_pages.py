"""The report pages, their exports and the refusal of a funder one may not see."""

from __future__ import annotations

import csv
import io

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook

from maillage.actions.reports.exports import Table, csv_text
from maillage.organisations.models import Role
from tests.actions.test_reports_figures import example  # noqa: F401 — the shared scene
from tests.organisations.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_client(client, example):  # noqa: F811
    client.force_login(example["worker"])
    return client


def test_action_report_page_shows_counts_and_charts(worker_client, example):  # noqa: F811
    response = worker_client.get(reverse("actions:report", args=[example["a"].pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-current="page"' in page
    assert "4 personnes ont participé" in page
    assert "Participants par tranche d&#x27;âge" in page or "Participants par tranche d'âge" in page
    assert "<figure" in page and "fr-sr-only" in page
    # Counts only: no pseudonym on a report.
    assert "Participante" not in page


def test_action_report_period_filter(worker_client, example):  # noqa: F811
    response = worker_client.get(
        reverse("actions:report", args=[example["a"].pk]),
        {"debut": "2026-03-01", "fin": "2026-03-31"},
    )

    assert "3 personnes ont participé sur la période" in response.content.decode()


def test_action_report_is_hidden_from_strangers(client, example):  # noqa: F811
    client.force_login(member(Role.PROFESSIONAL))

    assert client.get(reverse("actions:report", args=[example["a"].pk])).status_code == 404


def test_csv_export_for_french_spreadsheets(worker_client, example):  # noqa: F811
    response = worker_client.get(
        reverse("actions:report", args=[example["a"].pk]), {"format": "csv"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Synthèse"]
    assert rows[1] == ["Indicateur", "Valeur"]
    assert ["Participants (personnes distinctes)", "4"] in rows
    assert ["Tranche d'âge", "Participants"] in rows


def test_xlsx_export_has_one_sheet_per_table(worker_client, example):  # noqa: F811
    response = worker_client.get(
        reverse("actions:report", args=[example["a"].pk]), {"format": "xlsx"}
    )

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:3] == [
        "Synthèse",
        "Participants par tranche d'âge",
        "Participants par commune",
    ]
    rows = list(workbook["Financeurs"].values)
    assert rows == [("Organisation", "Actions", "Montant (€)"), ("CAF du Pas-de-Calais", 1, 5000)]


def test_pdf_export(worker_client, example):  # noqa: F811
    response = worker_client.get(
        reverse("actions:funder_report", args=[example["caf"].pk]), {"format": "pdf"}
    )

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_unknown_format_is_refused(worker_client, example):  # noqa: F811
    response = worker_client.get(
        reverse("actions:report", args=[example["a"].pk]), {"format": "odt"}
    )

    assert response.status_code == 404


def test_funder_report_page_shows_eligible_beside_everyone(worker_client, example):  # noqa: F811
    response = worker_client.get(reverse("actions:funder_report", args=[example["caf"].pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "personne n&#x27;est écarté" in page or "personne n'est écarté" in page
    assert '<p class="fr-callout__title">2</p>' in page
    assert '<p class="fr-callout__title">4</p>' in page


def test_funder_choice_redirects_to_its_report(worker_client, example):  # noqa: F811
    url = reverse("actions:funder_report", args=[example["caf"].pk])

    response = worker_client.get(url, {"financeur": "999999"})

    assert response.status_code == 302
    assert response["Location"] == reverse("actions:funder_report", args=[999999])


def test_funder_report_refused_for_an_unseen_funder(client, example):  # noqa: F811
    client.force_login(member(Role.PROFESSIONAL))

    response = client.get(reverse("actions:funder_report", args=[example["caf"].pk]))

    assert response.status_code == 403
    assert "Vous ne pouvez pas consulter le bilan de ce financeur." in response.content.decode()


def test_dashboard_for_a_coordinator(client, example):  # noqa: F811
    coordinator = member(Role.COORDINATOR, example["carrier"])
    client.force_login(coordinator)

    response = client.get(reverse("actions:dashboard"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "2 actions" in page
    assert "Pas-de-Calais" in page
    assert "Travail social de groupe" in page
    departement = example["a"].territories.get().departement_id
    assert f"territoire={departement}" in page


def test_dashboard_drills_down_and_exports(client, example):  # noqa: F811
    coordinator = member(Role.COORDINATOR, example["carrier"])
    client.force_login(coordinator)
    departement = example["a"].territories.get().departement

    response = client.get(
        reverse("actions:dashboard"),
        {"debut": "2026-01-01", "fin": "2026-12-31", "territoire": departement.pk, "format": "csv"},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode()[1:]), delimiter=";"))
    assert ["EPCI", "Actions"] in rows
    assert ["CU d'Arras", "2"] in rows


def test_bar_chart_scales_to_the_largest_value_and_gives_a_table():
    html = render_to_string(
        "actions/_bars.html",
        {
            "caption": "Temps par mois",
            "unit": "heures",
            "rows": [
                {"label": "Janvier", "value": 30, "display": "30 min"},
                {"label": "Février", "value": 120, "display": "2 h"},
            ],
        },
    )

    assert "<figcaption" in html and "Temps par mois" in html
    assert "width: 25%" in html and "width: 100%" in html
    assert '<th scope="row">Février</th><td>2 h</td>' in html
    assert '<th scope="col">heures</th>' in html


def test_bar_chart_says_when_there_is_nothing():
    html = render_to_string("actions/_bars.html", {"caption": "Temps", "rows": []})

    assert "Aucune donnée pour cette période." in html


def test_csv_export_keeps_a_text_that_looks_like_a_formula_as_text():
    label = '=HYPERLINK("http://exemple.invalid","cliquez")'
    table = Table(title="@titre", headers=["Nom", "Valeur"], rows=[[label, -3], ["Lens", 2.5]])

    rows = list(csv.reader(io.StringIO(csv_text([table])[1:]), delimiter=";"))

    assert rows[0] == ["'@titre"]
    assert rows[2] == ["'" + label, "-3"]
    assert rows[3] == ["Lens", "2,5"]
