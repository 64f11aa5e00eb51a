"""Who imports documents, reviews what is drawn from them, and reads the library.

- Documentalists, coordinators and national administrators import documents. A document, and
  the candidate sheets drawn from it, are corrected and reviewed by the documentalists and
  coordinators *of its organisation*, by the person who imported it and by national
  administrators: being documentalist elsewhere gives no hand on another organisation's papers.
- A document may be an internal paper: it and its candidates are read by the members of the
  organisation it was imported for, by the person who imported it, and by national
  administrators.
- An upload (`ImportBatch`) is followed by the person who sent it and national administrators.
- Library records (bibliographic references) are listed to whoever reads at least one document
  citing them (`visible_references`): a private note cited in an internal paper stays private.
  Documentalists merge their variants.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.ingestion.models import CandidatePractice, Citation, Document, ImportBatch, Reference
from maillage.organisations.access import has_role, is_national_admin, organisation_ids
from maillage.organisations.models import Role, User

IMPORTER_ROLES = (Role.DOCUMENTALIST, Role.COORDINATOR)


def can_import(user: User | AnonymousUser) -> bool:
    return is_national_admin(user) or any(has_role(user, role) for role in IMPORTER_ROLES)


MERGE_REFUSAL = gettext_lazy(
    "Seuls les documentalistes et les administrateurs nationaux fusionnent des notices."
)


def can_merge_references(user: User | AnonymousUser) -> bool:
    return is_national_admin(user) or has_role(user, Role.DOCUMENTALIST)


def visible_documents(user: User | AnonymousUser) -> models.QuerySet[Document]:
    documents = Document.objects.all()
    if is_national_admin(user):
        return documents
    if not user.is_authenticated:
        return documents.none()
    return documents.filter(
        models.Q(organisation_id__in=organisation_ids(user)) | models.Q(imported_by_id=user.pk)
    )


def visible_candidates(user: User | AnonymousUser) -> models.QuerySet[CandidatePractice]:
    return CandidatePractice.objects.filter(document__in=visible_documents(user))


EDIT_DOCUMENT_REFUSAL = gettext_lazy(
    "Seuls les documentalistes et les coordinateurs de l'organisation du document, la personne "
    "qui l'a importé et les administrateurs nationaux le modifient."
)


def can_edit_document(user: User | AnonymousUser, document: Document) -> bool:
    """Correct the document's details and review its candidates (see the module's note)."""
    if is_national_admin(user):
        return True
    if not user.is_authenticated:
        return False
    if document.imported_by_id is not None and document.imported_by_id == user.pk:
        return True
    return document.organisation_id in organisation_ids(user, set(IMPORTER_ROLES))


def can_review(user: User | AnonymousUser, candidate: CandidatePractice) -> bool:
    return can_edit_document(user, candidate.document)


def visible_references(user: User | AnonymousUser) -> models.QuerySet[Reference]:
    """The library records (merged variants included) cited by at least one document `user`
    reads, with `citation_count`: how many of those citations `user` reads."""
    return Reference.objects.filter(
        models.Exists(visible_citations(user).filter(reference=models.OuterRef("pk")))
    ).annotate(
        citation_count=models.Count(
            "citations", filter=models.Q(citations__document__in=visible_documents(user))
        )
    )


def visible_citations(user: User | AnonymousUser) -> models.QuerySet[Citation]:
    return Citation.objects.filter(document__in=visible_documents(user))


def readable_document(user: User | AnonymousUser, pk: int) -> Document:
    """The document `pk` if `user` reads it; the same 404 whether it exists or not."""
    document = visible_documents(user).filter(pk=pk).first()
    if document is None:
        raise Http404(_("Aucun document ne porte ce numéro."))
    return document


def readable_batch(user: User | AnonymousUser, pk: int) -> ImportBatch:
    """The upload `pk` if `user` sent it (or administers the platform); else one 404."""
    batches = ImportBatch.objects.all()
    if not is_national_admin(user):
        batches = batches.filter(created_by_id=user.pk) if user.is_authenticated else batches.none()
    batch = batches.filter(pk=pk).first()
    if batch is None:
        raise Http404(_("Aucun envoi ne porte ce numéro."))
    return batch
