"""One file failing in a way nobody foresaw becomes that file's entry in the report: logged for
the operator without its content, told in general French terms, and the batch goes on."""

from __future__ import annotations

import json
import logging
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from maillage.ingestion.management.commands import import_documents
from maillage.ingestion.pipeline import analyse

pytestmark = pytest.mark.django_db

SECRET = "Mme Durand, 12 rue des Lilas"


def test_an_unexpected_error_in_one_file_is_reported_and_the_batch_continues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a-casse.txt").write_text(f"{SECRET}\n")
    (tmp_path / "b-bon.txt").write_text("Les actions\nExemple : un jardin partagé à Arras.\n")

    def failing_on_one(data: bytes, file_name: str, context: object):
        if file_name == "a-casse.txt":
            raise RuntimeError("an unforeseen failure")
        return analyse(data, file_name, context)

    monkeypatch.setattr(import_documents, "analyse", failing_on_one)
    out = StringIO()

    with caplog.at_level(logging.ERROR):
        call_command("import_documents", str(tmp_path), "--dry-run", "--format", "json", stdout=out)

    report = json.loads(out.getvalue())
    assert [d["path"] for d in report["documents"]] == [str(tmp_path / "b-bon.txt")]
    (error,) = report["errors"]
    assert error["path"] == str(tmp_path / "a-casse.txt")
    assert "erreur inattendue" in error["error"] and SECRET not in error["error"]
    assert any(record.exc_info for record in caplog.records)
    assert SECRET not in caplog.text
