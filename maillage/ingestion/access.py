"""Who imports documents, reviews what is drawn from them, and reads the library.

- Documentalists, coordinators and national administrators import documents and review the
  candidate sheets and library records drawn from them (« tête de réseau » work).
- A document may be an internal paper: it and its candidates are read by the members of the
  organisation it was imported for, by the person who imported it, and by national
  administrators.
- Library records (bibliographic references) are public, as a bibliography is; documentalists
  merge their variants.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from maillage.ingestion.models import CandidatePractice, Document
from maillage.organisations.access import has_role, is_national_admin, organisation_ids
from maillage.organisations.models import Role, User

IMPORTER_ROLES = (Role.DOCUMENTALIST, Role.COORDINATOR)


def can_import(user: User | AnonymousUser) -> bool:
    return is_national_admin(user) or any(has_role(user, role) for role in IMPORTER_ROLES)


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


def can_review(user: User | AnonymousUser, candidate: CandidatePractice) -> bool:
    return can_import(user) and visible_documents(user).filter(pk=candidate.document_id).exists()


def readable_document(user: User | AnonymousUser, pk: int) -> Document:
    """The document `pk` if `user` reads it; the same 404 whether it exists or not."""
    document = visible_documents(user).filter(pk=pk).first()
    if document is None:
        raise Http404(_("Aucun document ne porte ce numéro."))
    return document
