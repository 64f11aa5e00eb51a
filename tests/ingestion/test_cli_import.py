"""`maillage import_documents`: folders walked, the issue's JSON with --dry-run and nothing
stored, a French summary otherwise (of what would be stored, with --dry-run), an error per
unreadable file naming it, a missing path refused before anything is imported, exit code 1 only
when every file failed."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from maillage.ingestion.management.commands import import_documents
from maillage.ingestion.models import CandidatePractice, Citation, Document, Reference, Segment
from maillage.organisations.models import AuditEntry
from tests.ingestion.builders import docx_bytes
from tests.ingestion.stub_analysis import draft, place, reference, stub_analysis
from tests.organisations.factories import OrganisationFactory
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db

TEXT = "Les actions\nExemple : le jardin de Saint-Caprais à Arras.\nCSTS, Le DSL, 2010.\n"


def _rows() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Document, Segment, CandidatePractice, Reference, Citation, AuditEntry)
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "actions.txt").write_text(TEXT)
    (tmp_path / "a-vide.txt").write_bytes(b"")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "ignore.txt").write_text(TEXT)
    return tmp_path


def test_dry_run_prints_the_json_of_the_issue_and_stores_nothing(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    geography = small_geography()
    stub_analysis(
        monkeypatch,
        drafts=[
            draft(
                "Jardin de Saint-Caprais",
                2,
                2,
                summary="Un jardin partagé.",
                isic_forms=["travail_social_communautaire"],
                places=[place(geography.arras, 2), place(geography.arras, 2)],
                publics=["familles"],
                organisations=[{"name": "CAF", "kind": "caf"}],
            )
        ],
        references=[reference("Le DSL", 3, authors="CSTS", year=2010)],
    )
    before = _rows()
    out = StringIO()

    call_command("import_documents", str(folder), "--dry-run", "--format", "json", stdout=out)

    report = json.loads(out.getvalue())
    assert set(report) == {"documents", "practices", "references", "errors"}
    assert [d["path"] for d in report["documents"]] == [str(folder / "b" / "actions.txt")]
    assert report["errors"] == [
        {"path": str(folder / "a-vide.txt"), "error": "Le fichier est vide."}
    ]
    (practice,) = report["practices"]
    assert practice == {
        "title": "Jardin de Saint-Caprais",
        "summary": "Un jardin partagé.",
        "isic_forms": ["travail_social_communautaire"],
        "territories": [{"level": "commune", "code": geography.arras.code, "name": "Arras"}],
        "publics": ["familles"],
        "themes": [],
        "organisations": [{"name": "CAF", "kind": "caf"}],
        "source": {"path": str(folder / "b" / "actions.txt"), "start_line": 2, "end_line": 2},
    }
    (found,) = report["references"]
    assert (found["title"], found["authors"], found["year"]) == ("Le DSL", "CSTS", 2010)
    assert found["source"]["start_line"] == 3
    assert _rows() == before


def test_without_dry_run_files_are_imported_with_a_french_summary(folder: Path) -> None:
    organisation = OrganisationFactory()
    out, err = StringIO(), StringIO()

    call_command(
        "import_documents",
        str(folder),
        "--organisation",
        str(organisation.pk),
        stdout=out,
        stderr=err,
    )

    document = Document.objects.get()
    assert document.organisation == organisation and document.imported_by is None
    assert f"document n° {document.pk}" in out.getvalue()
    assert "a-vide.txt : Le fichier est vide." in err.getvalue()

    again = StringIO()
    call_command(
        "import_documents", str(folder / "b"), "--organisation", str(organisation.pk), stdout=again
    )
    assert "déjà importé" in again.getvalue() and Document.objects.count() == 1


def test_the_real_stages_run_on_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "repertoire.docx"
    path.write_bytes(docx_bytes([("h1", "Actions"), ("p", "Exemple : un groupe de parents.")]))
    out = StringIO()

    call_command("import_documents", str(path), "--dry-run", "--format", "json", stdout=out)

    report = json.loads(out.getvalue())
    assert report["errors"] == [] and report["documents"][0]["format"] == "docx"
    assert Document.objects.count() == 0


def test_exit_code_1_only_when_every_file_failed(tmp_path: Path) -> None:
    (tmp_path / "vide.txt").write_bytes(b"")
    (tmp_path / "blanc.txt").write_text("  \n")

    with pytest.raises(CommandError, match="Aucun fichier n'a pu être lu"):
        call_command("import_documents", str(tmp_path), stderr=StringIO())
    assert Document.objects.count() == 0


def test_a_path_that_does_not_exist_is_named_and_nothing_is_imported(folder: Path) -> None:
    missing = folder / "absent.txt"
    before = _rows()

    with pytest.raises(CommandError) as raised:
        call_command("import_documents", str(folder), str(missing), stdout=StringIO())

    assert str(raised.value) == f"Introuvable : « {missing} ». Rien n'a été importé."
    assert _rows() == before


def test_a_file_the_system_will_not_give_is_reported_in_french_with_its_path(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = folder / "b" / "actions.txt"

    def refused(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(import_documents, "read_file", refused)
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("import_documents", str(locked), "--format", "json", stdout=out)

    assert json.loads(out.getvalue())["errors"] == [
        {
            "path": str(locked),
            "error": "Le fichier ne peut pas être lu : droits d'accès insuffisants.",
        }
    ]


def test_a_dry_run_in_text_says_what_would_be_imported(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub_analysis(
        monkeypatch,
        drafts=[draft("Jardin de Saint-Caprais", 2, 2)],
        references=[reference("Le DSL", 3, authors="CSTS", year=2010)],
    )
    before = _rows()
    out, err = StringIO(), StringIO()

    call_command("import_documents", str(folder), "--dry-run", stdout=out, stderr=err)

    assert out.getvalue().splitlines() == [
        f"{folder / 'b' / 'actions.txt'} : serait importé (essai, rien n'est enregistré) ; "
        "1 proposition de fiche, 1 référence citée."
    ]
    assert "a-vide.txt : Le fichier est vide." in err.getvalue()
    assert _rows() == before


def test_a_dry_run_says_a_file_already_imported_for_the_same_owner_would_not_be_again(
    folder: Path,
) -> None:
    organisation = OrganisationFactory()
    actions = folder / "b" / "actions.txt"
    call_command(
        "import_documents", str(actions), "--organisation", str(organisation.pk), stdout=StringIO()
    )
    document = Document.objects.get()
    before = _rows()
    out, report = StringIO(), StringIO()

    call_command(
        "import_documents",
        str(actions),
        "--dry-run",
        "--organisation",
        str(organisation.pk),
        stdout=out,
    )
    call_command(
        "import_documents",
        str(actions),
        "--dry-run",
        "--format",
        "json",
        "--organisation",
        str(organisation.pk),
        stdout=report,
    )

    assert out.getvalue().splitlines() == [
        f"{actions} : déjà importé (document n° {document.pk}), ne serait pas importé de "
        "nouveau (essai, rien n'est enregistré)."
    ]
    assert json.loads(report.getvalue())["documents"] == [
        {
            "path": str(actions),
            "document": document.pk,
            "already_imported": True,
            "candidates": document.candidates.count(),
            "citations": document.citations.count(),
        }
    ]
    assert _rows() == before
    elsewhere = StringIO()
    call_command("import_documents", str(actions), "--dry-run", stdout=elsewhere)
    assert "serait importé (essai" in elsewhere.getvalue()


def test_a_system_error_without_a_number_is_reported_without_one(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(path: Path) -> bytes:
        raise OSError("the disk went away")

    monkeypatch.setattr(import_documents, "read_file", refused)
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("import_documents", str(folder / "b"), "--format", "json", stdout=out)

    (error,) = json.loads(out.getvalue())["errors"]
    assert error["error"] == "Le fichier n'a pas pu être lu."


def test_a_system_error_after_the_file_was_read_is_not_called_a_read_error(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(import_documents, "import_document", failing)
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("import_documents", str(folder / "b"), "--format", "json", stdout=out)

    (error,) = json.loads(out.getvalue())["errors"]
    assert "erreur inattendue" in error["error"]
    assert "n'a pas pu être lu" not in error["error"]
