"""Search hits: what a result list shows of a sheet, read from the index documents."""

from __future__ import annotations

from collections.abc import Sequence

from maillage.practices.search.models import SearchDocument
from maillage.practices.search.query import Clause, Hit, highlight_stems
from maillage.practices.search.snippets import snippet


def hits(ids: Sequence[int], clauses: Sequence[Clause]) -> list[Hit]:
    """The hits of these documents, in this order, with snippets for the clauses."""
    documents = SearchDocument.objects.in_bulk(ids)
    exact, prefixes = highlight_stems(clauses)
    found = []
    for pk in ids:
        if (doc := documents.get(pk)) is None:
            continue
        found.append(
            Hit(
                practice_id=pk,
                title=doc.title,
                summary=doc.summary,
                snippet=snippet(f"{doc.summary}\n\n{doc.body}", exact, prefixes),
                published_at=doc.published_at,
                territories=doc.display.get("territories", []),
                isic_forms=doc.display.get("isic_forms", []),
            )
        )
    return found
