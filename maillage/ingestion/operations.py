"""Write functions of the import: store what a file yields, queue uploads for the worker, and the
documentalist's review (edit, accept into a draft sheet, reject, merge; merge library records).

Each one checks the permission (`maillage.ingestion.access`), validates before the first write,
writes inside one transaction and leaves an audit entry. `actor=None` is the server itself (the
`import_documents` command), which may import.
"""

from __future__ import annotations

import datetime
import os
import shutil
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.ingestion import access, dedup
from maillage.ingestion.extraction import ExtractionContext
from maillage.ingestion.found import CandidateDraft, FoundReference, UnreadableDocument
from maillage.ingestion.models import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_COUNT,
    OPEN_STATUSES,
    TERM_FIELDS,
    CandidatePractice,
    CandidateStatus,
    Citation,
    Document,
    DocumentType,
    ImportBatch,
    Reference,
    Segment,
)
from maillage.ingestion.pipeline import Analysis, analyse, fingerprint
from maillage.ingestion.reading.limits import MAX_FILE_BYTES, too_large_message
from maillage.ingestion.references import reference_key
from maillage.ingestion.segmenting import RULES as PASSAGE_RULES
from maillage.organisations import audit
from maillage.organisations.access import is_national_admin, organisation_ids, require
from maillage.organisations.models import Organisation, User
from maillage.practices.models import Practice
from maillage.practices.operations import create_practice, text_errors
from maillage.practices.snapshot import SECTION_FIELDS
from maillage.referential.models import Term
from maillage.territories.models import Territory
from maillage.web.plain_text import clean_text

YEAR_FIELDS = ("start_year", "end_year")
NUMBER_FIELDS = (*YEAR_FIELDS, "participants_count", "inhabitants_count")
CANDIDATE_FIELDS = frozenset(
    {"title", "summary", "fields", *TERM_FIELDS, "territories", *NUMBER_FIELDS}
)
REFERENCE_FIELDS = ("authors", "event", "place", "date_text", "year", "pages", "url")
DOCUMENT_FIELDS = ("title", "authors", "date", "year", "document_type")
UPLOAD_CHUNK = 1 << 20


def upload_directory(batch_id: int) -> Path:
    """Where a batch's files wait for the worker: private, named by position, never by the name
    the sender gave."""
    return Path(settings.DATA_DIR) / "ingestion" / str(batch_id)


def _safe_name(file_name: str) -> str:
    """The file's own name without any folder a sender may have put before it."""
    return file_name.replace("\\", "/").rsplit("/", 1)[-1][:255] or "document"


def _require_importer(actor: User | None, organisation: Organisation | None) -> None:
    if actor is None:
        return
    require(
        access.can_import(actor),
        _("Seuls les documentalistes et les coordinateurs importent des documents."),
    )
    if organisation is not None:
        require(
            is_national_admin(actor) or organisation.pk in organisation_ids(actor),
            _("Vous ne pouvez importer que pour une organisation dont vous êtes membre."),
        )


# Import ------------------------------------------------------------------------------------


def import_document(
    *,
    actor: User | None,
    data: bytes,
    file_name: str,
    organisation: Organisation | None = None,
    document_type: str = "",
    title: str = "",
    authors: str = "",
    context: ExtractionContext | None = None,
) -> Document:
    """Read one file and store it with its passages, candidate sheets, references and citations.

    The same file (same hash) imported again for the same organisation (or, `organisation=None`,
    among the imports without one) returns the stored document and writes nothing; another
    organisation gets its own document, so that nobody learns what others imported. A file that
    cannot be read raises ValidationError with the French reason and writes nothing."""
    _require_importer(actor, organisation)
    _check_document_type(document_type)
    existing = same_file(fingerprint(data), organisation)
    if existing is not None:
        return _known(existing, actor)
    try:
        analysis = analyse(data, file_name, context or ExtractionContext.load())
    except UnreadableDocument as error:
        raise ValidationError(error.message) from error
    matches = _earlier_matches(analysis.drafts, _importer(actor), organisation)
    try:
        with transaction.atomic():
            return _store(
                analysis,
                matches,
                actor=actor,
                file_name=_safe_name(file_name),
                size=len(data),
                organisation=organisation,
                document_type=document_type,
                title=title,
                authors=authors,
            )
    except IntegrityError:
        # The same file stored meanwhile by another import: that one stands.
        existing = same_file(analysis.sha256, organisation)
        if existing is None:
            raise
        return _known(existing, actor)


def same_file(sha256: str, organisation: Organisation | None) -> Document | None:
    """The document already stored from these bytes under the same owner (the model's
    `document_once_per_organisation` constraint): what an import of them returns, storing
    nothing (`import_documents --dry-run` says so too)."""
    return Document.objects.filter(sha256=sha256, organisation=organisation).first()


def _known(document: Document, actor: User | None) -> Document:
    """The stored copy, when `actor` reads it. Without an organisation one copy stands for the
    whole server: someone else's private import of the same file is neither shown nor doubled."""
    if actor is not None and not access.visible_documents(actor).filter(pk=document.pk).exists():
        raise ValidationError(
            _(
                "Ce fichier a déjà été importé sans organisation par une autre personne : "
                "importez-le pour votre organisation."
            )
        )
    return document


def _iso_date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _importer(actor: User | None) -> User | None:
    """Who a document is recorded as imported by: nobody for the server."""
    return actor if actor is not None and actor.pk else None


# For each draft: the published sheet, or else the stored candidate, it likely repeats, and how
# alike they are.
Match = tuple[Practice | None, CandidatePractice | None, float | None]


def _earlier_matches(
    drafts: list[CandidateDraft], importer: User | None, organisation: Organisation | None
) -> list[Match]:
    """What each draft likely repeats among the published sheets and the candidates of the same
    owner: the same organisation or, for a document without one, the same person (or the
    server). These reads (a few queries a draft) run before the write transaction, so that they
    do not hold the write lock (on SQLite, the whole database's). The flags only advise the
    reviewer: a similar candidate stored meanwhile by another import may go unflagged, as it
    would inside the transaction, which does not see another's uncommitted rows either."""
    among = Document.objects.filter(organisation=organisation)
    if organisation is None:
        among = among.filter(imported_by=importer)
    matches: list[Match] = []
    for draft in drafts:
        if sheet := dedup.similar_practice(draft):
            matches.append((sheet[0], None, sheet[1]))
        elif candidate := dedup.similar_candidate(draft, among=among):
            matches.append((None, candidate[0], candidate[1]))
        else:
            matches.append((None, None, None))
    return matches


def _store(
    analysis: Analysis,
    matches: list[Match],
    *,
    actor: User | None,
    file_name: str,
    size: int,
    organisation: Organisation | None,
    document_type: str,
    title: str,
    authors: str,
) -> Document:
    read = analysis.document
    pages = [line.page for line in read.lines]
    has_pages = any(page is not None for page in pages)
    document = Document.objects.create(
        title=(title or read.meta.title or Path(file_name).stem)[:300],
        authors=(authors or read.meta.authors)[:300],
        date=_iso_date(read.meta.date),
        year=read.meta.year,
        document_type=document_type or DocumentType.OTHER,
        file_name=file_name,
        file_format=read.file_format,
        encoding=read.encoding[:40],
        sha256=analysis.sha256,
        size=size,
        pages=read.pages,
        lines=len(read.lines),
        text="\n".join(line.text for line in read.lines),
        line_pages=pages if has_pages else [],
        imported_by=_importer(actor),
        organisation=organisation,
    )

    def page(line: int) -> int | None:
        return pages[line - 1] if has_pages and 0 < line <= len(pages) else None

    segments = Segment.objects.bulk_create(
        Segment(
            document=document,
            kind=found.kind,
            start_line=found.start_line,
            end_line=found.end_line,
            start_page=page(found.start_line),
            heading=found.heading[:500],
            text=found.text,
        )
        for found in analysis.segments
    )
    by_range = {(s.kind, s.start_line, s.end_line): s for s in segments}
    candidates = _store_candidates(document, analysis.drafts, matches, by_range, page)
    references = _store_references(document, analysis.references, segments)
    audit.record(
        actor,
        "import_document",
        document,
        after={
            "file_name": file_name,
            "sha256": analysis.sha256,
            "segments": len(segments),
            "candidates": candidates,
            "references": references,
        },
    )
    return document


def _store_candidates(
    document: Document,
    drafts: list[CandidateDraft],
    matches: list[Match],
    by_range: Mapping[tuple[str, int, int], Segment],
    page: Callable[[int], int | None],
) -> int:
    codes = {place.code for draft in drafts for place in draft.places}
    territories = {
        (territory.level, territory.code): territory
        for territory in Territory.objects.filter(code__in=codes)
    }
    rows = []
    for draft, (practice, known, similarity) in zip(drafts, matches, strict=True):
        found = draft.segment
        rows.append(
            CandidatePractice(
                document=document,
                segment=by_range[(found.kind, found.start_line, found.end_line)],
                status=CandidateStatus.PENDING if similarity is None else CandidateStatus.DUPLICATE,
                title=draft.title[:300],
                summary=draft.summary,
                fields=draft.fields,
                isic_forms=draft.isic_forms,
                publics=draft.publics,
                themes=draft.themes,
                places=[
                    {
                        "text": place.text,
                        "level": place.level,
                        "code": place.code,
                        "name": place.name,
                        "line": place.line,
                        "why": place.why,
                    }
                    for place in draft.places
                ],
                organisations=draft.organisations,
                start_year=draft.start_year,
                end_year=draft.end_year,
                participants_count=draft.participants_count,
                inhabitants_count=draft.inhabitants_count,
                provenance=_provenance(draft, page),
                similar_practice=practice,
                similar_candidate=known,
                similarity=similarity,
            )
        )
    candidates = CandidatePractice.objects.bulk_create(rows)
    repeats = dedup.similar_drafts(drafts)
    for index, (earlier, similarity) in repeats.items():
        candidate = candidates[index]
        if candidate.status == CandidateStatus.PENDING:
            candidate.status = CandidateStatus.DUPLICATE
            candidate.similar_candidate = candidates[earlier]
            candidate.similarity = similarity
    CandidatePractice.objects.bulk_update(
        [candidates[index] for index in repeats],
        ["status", "similar_candidate", "similarity"],
    )
    links = CandidatePractice.territories.through
    links.objects.bulk_create(
        {
            (candidate.pk, territories[key].pk): links(
                candidatepractice_id=candidate.pk, territory_id=territories[key].pk
            )
            for candidate, draft in zip(candidates, drafts, strict=True)
            for key in ((place.level, place.code) for place in draft.places)
            if key in territories
        }.values()
    )
    return len(candidates)


def _provenance(draft: CandidateDraft, page: Callable[[int], int | None]) -> dict[str, Any]:
    """Where each field came from and, under `passage`, the rule that found the whole passage:
    the reviewer sees why it was taken for a practice."""
    origins = {
        name: {
            "start_line": where.start_line,
            "end_line": where.end_line,
            "page": page(where.start_line),
            "why": where.why,
        }
        for name, where in draft.provenance.items()
    }
    found = draft.segment
    if found.rule in PASSAGE_RULES:
        origins["passage"] = {
            "start_line": found.start_line,
            "end_line": found.end_line,
            "page": page(found.start_line),
            "why": str(PASSAGE_RULES[found.rule]),
        }
    return origins


def _reference_values(found: FoundReference) -> dict[str, Any]:
    return {
        "authors": found.authors[:300],
        "title": (found.title or found.raw_text)[:500],
        "event": found.event[:300],
        "place": found.place[:200],
        "date_text": found.date_text[:60],
        "year": found.year,
        "pages": found.pages[:60],
        "url": found.url[:500] if found.url.startswith(("http://", "https://")) else "",
        "document_type": found.document_type
        if found.document_type in DocumentType.values
        else DocumentType.OTHER,
    }


def _store_references(
    document: Document, found_references: list[FoundReference], segments: list[Segment]
) -> int:
    """Library records merged by key: a variant already known only fills its empty fields (a
    filled one is never overwritten); each mention becomes a citation."""
    keyed = [
        ((found.key or reference_key(found.authors, found.title or found.raw_text))[:300], found)
        for found in found_references
    ]
    keyed = [(key, found) for key, found in keyed if key]
    stored = {r.key: r for r in Reference.objects.filter(key__in={key for key, _ in keyed})}
    targets = {
        r.pk: r
        for r in Reference.objects.filter(
            pk__in={r.merged_into_id for r in stored.values() if r.merged_into_id}
        )
    }
    new: dict[str, dict[str, Any]] = {}
    changed: dict[int, Reference] = {}
    for key, found in keyed:
        values = _reference_values(found)
        if key in stored:
            reference = stored[key]
            for name in REFERENCE_FIELDS:
                if not getattr(reference, name) and values[name]:
                    setattr(reference, name, values[name])
                    changed[reference.pk] = reference
        elif key not in new:
            new[key] = values
    if changed:
        Reference.objects.bulk_update(list(changed.values()), list(REFERENCE_FIELDS))
    for key, defaults in new.items():
        # Another import may create the same key meanwhile: `get_or_create` inserts in a
        # savepoint and, on the unique key's IntegrityError, reads the other one's record,
        # instead of failing the whole file.
        stored[key], _created = Reference.objects.get_or_create(key=key, defaults=defaults)
    passages = [s for s in segments if s.kind == "reference"]
    starts = [s.start_line for s in passages]

    def passage(line: int) -> Segment | None:
        position = bisect_right(starts, line) - 1
        return passages[position] if position >= 0 and passages[position].end_line >= line else None

    Citation.objects.bulk_create(
        Citation(
            reference=targets.get(stored[key].merged_into_id, stored[key]),
            document=document,
            segment=passage(found.start_line),
            raw_text=found.raw_text,
            start_line=found.start_line,
            end_line=found.end_line,
        )
        for key, found in keyed
    )
    return len({key for key, _ in keyed})


def _check_document_type(document_type: str) -> None:
    if document_type and document_type not in DocumentType.values:
        raise ValidationError({"document_type": _("Type de document inconnu.")})


def enqueue_import(
    *,
    actor: User,
    organisation: Organisation | None,
    files: Iterable[UploadedFile],
    document_type: str = "",
) -> ImportBatch:
    """Save the uploads where only the server reads them and queue their reading; the batch
    page follows the progress. Every file of the batch gets `document_type` (blank: « autre »).

    An empty file or one over `MAX_FILE_BYTES` is not saved: its error is in the batch's results
    at once and the other files are read as usual. If saving fails, the files already saved are
    removed with the batch."""
    # The task module imports this one: it is imported when first needed.
    from maillage.ingestion.tasks import run_import_batch

    _require_importer(actor, organisation)
    _check_document_type(document_type)
    uploads = list(files)
    if not uploads:
        raise ValidationError({"files": _("Choisissez au moins un fichier.")})
    refusals = [_size_refusal(upload) for upload in uploads]
    directory: Path | None = None
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                created_by=actor,
                organisation=organisation,
                document_type=document_type,
                files_total=len(uploads),
                results=[
                    {
                        "file_name": _safe_name(upload.name or ""),
                        "document": None,
                        "error": refusal,
                        "candidates": 0,
                    }
                    for upload, refusal in zip(uploads, refusals, strict=True)
                ],
            )
            directory = upload_directory(batch.pk)
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            for position, upload in enumerate(uploads):
                if not refusals[position]:
                    _save(upload, directory / str(position))
            audit.record(
                actor,
                "enqueue_import",
                batch,
                after={"files": batch.results, "document_type": document_type},
            )
            transaction.on_commit(lambda: run_import_batch.enqueue(batch.pk))
    except BaseException:
        # Files saved for a batch rolled back would stay forever (and on SQLite the next batch
        # takes the same number, and could not save its own files over them).
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)
        raise
    return batch


def _size_refusal(upload: UploadedFile) -> str:
    """Why a file is refused by its size alone (the reader's own words)."""
    size = upload.size or 0
    if size > MAX_FILE_BYTES:
        return too_large_message()
    return "" if size else _("Le fichier est vide.")


def _save(upload: UploadedFile, path: Path) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as saved:
        for chunk in upload.chunks(UPLOAD_CHUNK):
            saved.write(chunk)


# Document details --------------------------------------------------------------------------


def _year_error(year: object) -> str | None:
    if isinstance(year, int) and not isinstance(year, bool) and FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return _("Indiquez une année entre %(first)s et %(last)s.") % {
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
    }


def _document_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not values["title"]:
        errors["title"] = [_("Donnez un titre au document.")]
    elif len(values["title"]) > 300:
        errors["title"] = [_("Le titre ne dépasse pas 300 caractères.")]
    if len(values["authors"]) > 300:
        errors["authors"] = [_("Les auteurs ne dépassent pas 300 caractères.")]
    date, year = values["date"], values["year"]
    if date is not None and not isinstance(date, datetime.date):
        errors["date"] = [_("Indiquez une date valide.")]
    if year is not None and (year_error := _year_error(year)):
        errors["year"] = [year_error]
    elif isinstance(date, datetime.date) and year is not None and date.year != year:
        errors["year"] = [_("L'année ne correspond pas à la date.")]
    if values["document_type"] not in DocumentType.values:
        errors["document_type"] = [_("Type de document inconnu.")]
    return errors


@transaction.atomic
def update_document(*, actor: User, document: Document, **fields: Any) -> Document:
    """Correct what was read from the file: title, authors, date, year, type (only the fields
    given). A new date without a year sets the year. Raises ValidationError by field."""
    unknown = set(fields) - set(DOCUMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown document fields: {sorted(unknown)}")
    # The read text may weigh megabytes and is not edited here: it is not loaded.
    stored = (
        Document.objects.select_for_update()
        .defer("text", "line_pages")
        .filter(pk=document.pk)
        .first()
    )
    if stored is None or not access.can_edit_document(actor, stored):
        raise PermissionDenied(str(access.EDIT_DOCUMENT_REFUSAL))
    before = audit.snapshot(stored, DOCUMENT_FIELDS)
    values = {name: getattr(stored, name) for name in DOCUMENT_FIELDS}
    values.update(fields)
    for name in ("title", "authors"):
        values[name] = str(values[name] or "").strip()
    given_date = values["date"]
    if isinstance(given_date, datetime.date) and ("year" not in fields or values["year"] is None):
        values["year"] = given_date.year
    errors = _document_errors(values)
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(stored, name, value)
    after = audit.snapshot(stored, DOCUMENT_FIELDS)
    if after != before:
        stored.save(update_fields=list(DOCUMENT_FIELDS))
        audit.record(actor, "update_document", stored, before=before, after=after)
    return stored


# Review ------------------------------------------------------------------------------------


def _require_reviewer(actor: User, candidate: CandidatePractice) -> None:
    require(
        access.can_review(actor, candidate),
        _("Seuls les documentalistes et les coordinateurs examinent les propositions."),
    )


def _locked_open(candidate: CandidatePractice) -> CandidatePractice:
    stored = CandidatePractice.objects.select_for_update().get(pk=candidate.pk)
    if stored.status not in OPEN_STATUSES:
        raise ValidationError(
            _("Cette proposition a déjà été examinée (%(status)s).")
            % {"status": stored.get_status_display()}
        )
    return stored


def _snapshot(candidate: CandidatePractice) -> dict[str, Any]:
    return audit.snapshot(
        candidate, ["status", "title", "summary", "fields", *TERM_FIELDS, *NUMBER_FIELDS]
    )


def _clean_texts(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The edited texts among `fields` as the sheet stores them (`clean_text`)."""
    texts: dict[str, Any] = {
        name: clean_text(fields[name]) for name in ("title", "summary") if name in fields
    }
    if "fields" in fields:
        texts["fields"] = {
            name: text for name, value in fields["fields"].items() if (text := clean_text(value))
        }
    return texts


def _apply(candidate: CandidatePractice, fields: Mapping[str, Any]) -> list[Territory] | None:
    """Set the edited fields on `candidate` (not saved); return the territories to set, if
    given. Raises ValidationError with every problem, by field."""
    unknown = set(fields) - CANDIDATE_FIELDS
    if unknown:
        raise TypeError(f"unknown candidate fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    sections_known = "fields" not in fields or (
        isinstance(fields["fields"], Mapping)
        and not set(fields["fields"]) - set(SECTION_FIELDS)
        and all(isinstance(value, str) for value in fields["fields"].values())
    )
    if not sections_known:
        errors["fields"] = [_("Champs de fiche inconnus.")]
    texts = _clean_texts(
        {name: value for name, value in fields.items() if sections_known or name != "fields"}
    )
    # What the practice sheet would refuse is refused at the edit, in the sheet's words; a
    # section's error is under the section's name.
    errors.update(text_errors({**texts, **texts.get("fields", {})}))
    for name, scheme in TERM_FIELDS.items():
        if name in fields:
            codes = list(dict.fromkeys(fields[name] or ()))
            known = set(
                Term.objects.in_scheme(scheme).filter(code__in=codes).values_list("code", flat=True)
            )
            if set(codes) - known:
                errors[name] = [
                    _("Valeur hors du référentiel « %(scheme)s » : %(values)s.")
                    % {"scheme": scheme, "values": ", ".join(sorted(set(codes) - known))}
                ]
    for name in NUMBER_FIELDS:
        value = fields.get(name)
        if value is None:
            continue
        if name in YEAR_FIELDS:
            if year_error := _year_error(value):
                errors[name] = [year_error]
        elif not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
            errors[name] = [_("Indiquez un nombre entier positif.")]
    start = fields.get("start_year", candidate.start_year)
    end = fields.get("end_year", candidate.end_year)
    if start and end and end < start:
        errors["end_year"] = [_("L'année de fin ne peut pas précéder l'année de début.")]
    territories = fields.get("territories")
    if territories is not None and any(
        not isinstance(t, Territory) or t.pk is None for t in territories
    ):
        errors["territories"] = [_("Territoire inconnu.")]
    if errors:
        raise ValidationError(errors)
    for name, value in {**fields, **texts}.items():
        if name == "territories":
            continue
        if name in TERM_FIELDS:
            value = list(dict.fromkeys(value or ()))
        setattr(candidate, name, value)
    return None if territories is None else list(territories)


@transaction.atomic
def update_candidate(
    *, actor: User, candidate: CandidatePractice, **fields: Any
) -> CandidatePractice:
    _require_reviewer(actor, candidate)
    stored = _locked_open(candidate)
    before = _snapshot(stored)
    territories = _apply(stored, fields)
    stored.save()
    if territories is not None:
        stored.territories.set(territories)
    audit.record(actor, "update_candidate", stored, before=before, after=_snapshot(stored))
    return stored


def _locator(segment: Segment, line_pages: list[int | None]) -> str:
    if segment.start_page:
        end_page = line_pages[segment.end_line - 1] if len(line_pages) >= segment.end_line else None
        if end_page and end_page != segment.start_page:
            return _("p. %(start)s–%(end)s") % {"start": segment.start_page, "end": end_page}
        return _("p. %(page)s") % {"page": segment.start_page}
    return f"L{segment.start_line}–{segment.end_line}"


def _reviewed(candidate: CandidatePractice, actor: User, status: str, note: str = "") -> None:
    candidate.status = status
    candidate.reviewed_by = actor
    candidate.reviewed_at = timezone.now()
    candidate.review_note = note[:300]


@transaction.atomic
def accept_candidate(*, actor: User, candidate: CandidatePractice, **edits: Any) -> Practice:
    """Make a *draft* practice sheet of the candidate (after `edits`), its source linked; the
    sheet then follows the practices review workflow."""
    _require_reviewer(actor, candidate)
    stored = _locked_open(candidate)
    before = _snapshot(stored)
    territories = _apply(stored, edits)
    if territories is None:
        territories = list(stored.territories.all())
    document = stored.document
    organisation = document.organisation
    if organisation is not None and not (
        is_national_admin(actor) or organisation.pk in organisation_ids(actor)
    ):
        organisation = None
    # `create_practice` checks what was not edited too (`text_errors`, the words of the edit): a
    # title drawn from the document may be too long, a summary empty.
    practice = create_practice(
        actor=actor,
        organisation=organisation,
        title=stored.title,
        summary=stored.summary,
        **{name: value for name, value in stored.fields.items() if name in SECTION_FIELDS},
        **{
            name: list(Term.objects.in_scheme(scheme).filter(code__in=getattr(stored, name)))
            for name, scheme in TERM_FIELDS.items()
        },
        territories=territories,
        start_date=datetime.date(stored.start_year, 1, 1) if stored.start_year else None,
        end_date=datetime.date(stored.end_year, 12, 31) if stored.end_year else None,
        participants_count=stored.participants_count,
        sources=[
            {
                "title": document.title,
                "url": "",
                "locator": _locator(stored.segment, document.line_pages),
                "note": _("Importé par Maillage"),
            }
        ],
    )
    stored.practice = practice
    _reviewed(stored, actor, CandidateStatus.ACCEPTED)
    stored.save()
    stored.territories.set(territories)
    audit.record(
        actor,
        "accept_candidate",
        stored,
        before=before,
        after={**_snapshot(stored), "practice": practice.pk},
    )
    return practice


@transaction.atomic
def reject_candidate(*, actor: User, candidate: CandidatePractice, note: str = "") -> None:
    _require_reviewer(actor, candidate)
    stored = _locked_open(candidate)
    _reviewed(stored, actor, CandidateStatus.REJECTED, note.strip())
    stored.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit.record(
        actor,
        "reject_candidate",
        stored,
        before={"status": candidate.status},
        after={"status": stored.status, "note": stored.review_note},
    )


@transaction.atomic
def merge_candidates(
    *, actor: User, keep: CandidatePractice, other: CandidatePractice
) -> CandidatePractice:
    """Fill the empty fields of `keep` from `other` (with their provenance), add the territories
    and places of `other`, and mark `other` merged into `keep`."""
    _require_reviewer(actor, keep)
    _require_reviewer(actor, other)
    if keep.pk == other.pk:
        raise ValidationError(_("Une proposition ne peut pas être fusionnée avec elle-même."))
    kept, merged = _locked_open(keep), _locked_open(other)
    before = _snapshot(kept)
    origin = {"document": merged.document_id}
    for name in ("summary", *TERM_FIELDS, *NUMBER_FIELDS):
        if not getattr(kept, name) and getattr(merged, name):
            setattr(kept, name, getattr(merged, name))
            if name in merged.provenance:
                kept.provenance[name] = {**merged.provenance[name], **origin}
    for name, value in merged.fields.items():
        if value and not kept.fields.get(name):
            kept.fields[name] = value
            if name in merged.provenance:
                kept.provenance[name] = {**merged.provenance[name], **origin}
    kept.places = kept.places + [place for place in merged.places if place not in kept.places]
    kept.organisations = kept.organisations + [
        item for item in merged.organisations if item not in kept.organisations
    ]
    kept.save()
    kept.territories.add(*merged.territories.all())
    merged.merged_into = kept
    _reviewed(merged, actor, CandidateStatus.MERGED)
    merged.save(update_fields=["merged_into", "status", "reviewed_by", "reviewed_at"])
    audit.record(actor, "merge_candidates", kept, before=before, after=_snapshot(kept))
    audit.record(
        actor,
        "merge_candidates",
        merged,
        before={"status": other.status},
        after={"status": merged.status, "merged_into": kept.pk},
    )
    return kept


@transaction.atomic
def merge_references(*, actor: User, keep: Reference, other: Reference) -> Reference:
    """One record for two variants of a source: `keep` takes the fields it lacks from `other`
    and all its citations; `other` stays, marked merged, so that its key keeps leading to
    `keep` when a later document cites it again."""
    require(access.can_merge_references(actor), str(access.MERGE_REFUSAL))
    if keep.pk == other.pk:
        raise ValidationError(_("Une notice ne peut pas être fusionnée avec elle-même."))
    kept, merged = (
        Reference.objects.select_for_update().get(pk=keep.pk),
        Reference.objects.select_for_update().get(pk=other.pk),
    )
    if kept.merged_into_id or merged.merged_into_id:
        raise ValidationError(_("Cette notice a déjà été fusionnée dans une autre."))
    if access.visible_references(actor).filter(pk__in=[keep.pk, other.pk]).count() != 2:
        raise PermissionDenied(_("Vous ne lisez aucun document qui cite l'une de ces notices."))
    before = audit.snapshot(kept, REFERENCE_FIELDS)
    for name in REFERENCE_FIELDS:
        if not getattr(kept, name) and getattr(merged, name):
            setattr(kept, name, getattr(merged, name))
    kept.save()
    Citation.objects.filter(reference=merged).update(reference=kept)
    Reference.objects.filter(merged_into=merged).update(merged_into=kept)
    merged.merged_into = kept
    merged.save(update_fields=["merged_into", "updated_at"])
    audit.record(
        actor, "merge_references", kept, before=before, after=audit.snapshot(kept, REFERENCE_FIELDS)
    )
    audit.record(actor, "merge_references", merged, after={"merged_into": kept.pk})
    return kept
