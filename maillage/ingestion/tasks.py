"""Background reading of the files uploaded together (`operations.enqueue_import`): run by
`maillage db_worker` in production, at once in tests."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from maillage.ingestion.extraction import ExtractionContext
from maillage.ingestion.models import ImportBatch
from maillage.ingestion.operations import import_document, upload_directory
from maillage.ingestion.pipeline import read_file

logger = logging.getLogger(__name__)


@task()
def run_import_batch(batch_id: int) -> None:
    """Import each file of the batch in turn, saving the progress after each one (the page
    polls it). A file that fails gets its error and the next one is read all the same; a file
    refused when it was sent (empty, too large) already has its error and is skipped.

    Resumable: a worker killed mid-batch leaves `files_done` at the first file not recorded;
    enqueueing the task again (`run_import_batch.enqueue(batch_id)`) goes on from there. A file
    imported just before the kill is recognised by its hash and not stored twice, since its
    saved copy is deleted only after the progress is saved. A finished batch is left as is."""
    batch = ImportBatch.objects.select_related("created_by", "organisation").get(pk=batch_id)
    if batch.finished_at is not None:
        return
    directory = upload_directory(batch.pk)
    # A worker lives for weeks: territories and référentiel loaded or changed since it started
    # must count, so each batch reads them afresh (about half a second).
    context = ExtractionContext.load(refresh=True)
    for position in range(batch.files_done, batch.files_total):
        result = batch.results[position]
        path = directory / str(position)
        if not result["error"]:
            _import_file(batch, result, path, context)
        batch.files_done = position + 1
        batch.save(update_fields=["results", "files_done"])
        path.unlink(missing_ok=True)
    batch.finished_at = timezone.now()
    batch.save(update_fields=["finished_at"])
    with contextlib.suppress(OSError):
        directory.rmdir()


def _import_file(
    batch: ImportBatch, result: dict[str, Any], path: Path, context: ExtractionContext
) -> None:
    """Import one saved file; its document or its error goes into `result`."""
    try:
        document = import_document(
            actor=batch.created_by,
            data=read_file(path),
            file_name=result["file_name"],
            organisation=batch.organisation,
            document_type=batch.document_type,
            context=context,
        )
    except ValidationError as error:
        result["error"] = " ".join(error.messages)
    except PermissionDenied as error:
        result["error"] = str(error)
    except FileNotFoundError:
        result["error"] = _("Le fichier déposé n'a pas été retrouvé sur le serveur.")
    except Exception:
        # A bug on one file must not stop the others; the log keeps the trace.
        logger.exception("Import of file %s of batch %s failed", result["file_name"], batch.pk)
        result["error"] = _("Erreur inattendue pendant la lecture de ce fichier.")
    else:
        result["document"] = document.pk
        result["candidates"] = document.candidates.count()
