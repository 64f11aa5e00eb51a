"""The library as both the pages and the API read it: the records a person sees (those cited by
a document she reads, `access.visible_references`), searched by title or author, one record by
its number, and the citations of it she may read."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from maillage.ingestion import access
from maillage.ingestion.models import Citation, Reference
from maillage.organisations.models import User
from maillage.territories.folding import fold


def records(user: User | AnonymousUser) -> QuerySet[Reference]:
    """The records `user` sees, without the variants merged into another."""
    return access.visible_references(user).filter(merged_into__isnull=True)


def search(
    user: User | AnonymousUser,
    *,
    text: str = "",
    document_type: str = "",
    year: int | None = None,
) -> QuerySet[Reference]:
    """The records `user` sees whose title or authors hold `text`, by title."""
    references = records(user)
    text = text.strip()
    if text:
        # The key is the folded authors and title: accents and case do not matter.
        references = references.filter(
            Q(key__contains=fold(text)) | Q(title__icontains=text) | Q(authors__icontains=text)
        )
    if document_type:
        references = references.filter(document_type=document_type)
    if year is not None:
        references = references.filter(year=year)
    return references.order_by("title", "pk")


def readable_reference(
    user: User | AnonymousUser, pk: int, *, follow_merge: bool = True
) -> Reference:
    """The record `pk` if `user` sees it; the same 404 otherwise. A variant merged into another
    answers the record it was merged into, or with `follow_merge=False` (a record to merge) the
    404. Visibility is checked in the query that follows the merge, so that the number of a
    record `user` may not see is never given away."""
    wanted = Q(pk=pk)
    if follow_merge:
        wanted |= Q(
            pk__in=Reference.objects.filter(pk=pk, merged_into__isnull=False).values("merged_into")
        )
    reference = records(user).filter(wanted).first()
    if reference is None:
        raise Http404(_("Aucune notice ne porte ce numéro."))
    return reference


def citations(user: User | AnonymousUser, reference: Reference) -> QuerySet[Citation]:
    """Where the documents `user` reads cite `reference`: a citation's words may quote an
    internal paper."""
    return (
        access.visible_citations(user)
        .filter(reference=reference)
        .select_related("document")
        .defer("document__text", "document__line_pages")
    )
