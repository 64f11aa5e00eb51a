from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.referential.loading import (
    DATA_FILE,
    LoadReport,
    ReferentialDataError,
    load_referential,
)
from maillage.referential.models import Scheme, Term
from tests.referential.samples import small_referential

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def writes_in(context: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in context.captured_queries if query["sql"].startswith(WRITES)]


def test_the_first_load_creates_every_scheme_and_term() -> None:
    expected = json.loads(DATA_FILE.read_text(encoding="utf-8"))["schemes"]

    report = load_referential()

    assert report.schemes.created == len(expected) == Scheme.objects.count()
    assert report.terms.created == sum(len(s["terms"]) for s in expected) == Term.objects.count()
    group = Term.objects.get_by_codes("isic_form", "groupe_d_interet")
    assert group.broader == Term.objects.get_by_codes("isic_form", "travail_social_de_groupe")


def test_a_second_load_writes_nothing(referential: LoadReport) -> None:
    with CaptureQueriesContext(connection) as context:
        report = load_referential()

    assert writes_in(context) == []
    assert report.schemes.unchanged == referential.schemes.created
    assert report.terms.unchanged == referential.terms.created
    assert report.terms.written == report.schemes.written == 0


def test_a_changed_definition_updates_only_that_term(
    data_file: Callable[[Any], Path],
) -> None:
    data = small_referential()
    load_referential(data_file(data))
    data["schemes"][0]["terms"][1]["definition"] = "Une définition revue."

    with CaptureQueriesContext(connection) as context:
        report = load_referential(data_file(data))

    assert (report.terms.updated, report.terms.unchanged) == (1, 2)
    assert len(writes_in(context)) == 1
    assert Term.objects.get(code="groupe_d_interet").definition == "Une définition revue."


def test_a_term_can_move_under_another_broader_term(data_file: Callable[[Any], Path]) -> None:
    data = small_referential()
    load_referential(data_file(data))
    del data["schemes"][0]["terms"][1]["broader"]

    report = load_referential(data_file(data))

    assert report.terms.updated == 1
    assert Term.objects.get_by_codes("isic_form", "groupe_d_interet").broader is None


def test_a_term_removed_from_the_file_is_kept_but_no_longer_in_use(
    data_file: Callable[[Any], Path],
) -> None:
    data = small_referential()
    load_referential(data_file(data))
    kept_pk = Term.objects.get(code="groupe_d_interet").pk
    del data["schemes"][0]["terms"][1]

    report = load_referential(data_file(data))

    assert report.terms.deactivated == 1
    term = Term.objects.get(pk=kept_pk)
    assert term.is_active is False
    assert "groupe_d_interet" not in {t.code for t in Term.objects.in_scheme("isic_form")}


def test_a_term_back_in_the_file_is_in_use_again(data_file: Callable[[Any], Path]) -> None:
    data = small_referential()
    load_referential(data_file(data))
    removed = json.loads(json.dumps(data))
    del removed["schemes"][1]
    load_referential(data_file(removed))
    assert not Scheme.objects.get(code="phase").is_active

    report = load_referential(data_file(data))

    assert (report.schemes.updated, report.terms.updated) == (1, 1)
    assert Term.objects.get_by_codes("phase", "evaluation").is_active


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["schemes"][0]["terms"].append(dict(d["schemes"][0]["terms"][0])),
            "code en double",
        ),
        (
            lambda d: d["schemes"][1]["terms"][0].update(broader="travail_social_de_groupe"),
            "le terme générique « travail_social_de_groupe » doit être un terme du même vocabulaire",
        ),
        (
            lambda d: d["schemes"][0]["terms"][0].update(broader="groupe_d_interet"),
            "déclaré plus haut",
        ),
        (lambda d: d["schemes"][0]["terms"][0].update(definition="  "), "« definition » est"),
        (lambda d: d["schemes"][0]["terms"][0].update(brodaer="x"), "clé inconnue « brodaer »"),
        (lambda d: d["schemes"][0].update(code="Formes"), "ne doit contenir que des minuscules"),
        (lambda d: d["schemes"][0]["terms"][0].update(alt_labels="TSG"), "« alt_labels »"),
        (lambda d: d["schemes"].append(dict(d["schemes"][1])), "vocabulaire « phase » : code en"),
    ],
)
def test_an_invalid_file_is_rejected_before_anything_is_written(
    data_file: Callable[[Any], Path], change: Callable[[dict[str, Any]], None], message: str
) -> None:
    data = small_referential()
    change(data)

    with CaptureQueriesContext(connection) as context, pytest.raises(ReferentialDataError) as error:
        load_referential(data_file(data))

    assert message in str(error.value)
    assert context.captured_queries == []
    assert not Term.objects.exists()


def test_every_problem_is_reported_at_once(data_file: Callable[[Any], Path]) -> None:
    data = small_referential()
    data["schemes"][0]["terms"][0]["label"] = ""
    data["schemes"][1]["terms"][0]["code"] = "Évaluation"

    with pytest.raises(ReferentialDataError) as error:
        load_referential(data_file(data))

    assert len(error.value.errors) == 2


def test_a_malformed_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"schemes": [', encoding="utf-8")

    with pytest.raises(ReferentialDataError, match="mal formé"):
        load_referential(path)


def test_the_command_prints_its_counts() -> None:
    out = io.StringIO()
    call_command("load_referential", stdout=out)
    call_command("load_referential", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Vocabulaires — créés : 11,")
    assert "Termes — créés : 0, modifiés : 0, inchangés :" in lines[4]
    assert lines[-1] == "Le référentiel était déjà à jour."


def test_the_command_fails_in_french_and_changes_nothing(
    data_file: Callable[[Any], Path],
) -> None:
    data = small_referential()
    data["schemes"][0]["terms"][1]["broader"] = "inconnu"

    with pytest.raises(CommandError, match="Référentiel non chargé, rien n'a été modifié"):
        call_command("load_referential", "--file", str(data_file(data)))
    with pytest.raises(CommandError, match="Fichier du référentiel illisible"):
        call_command("load_referential", "--file", "/nonexistent/referential.json")
    assert not Scheme.objects.exists()
