"""The published sheets as open data: one dictionary per sheet, read from its published revision.

The API's detail and the JSON export are this dictionary, and the CSV and XLSX tables are
flattened from it, so every way out of Maillage says the same thing about a sheet. A sheet whose
next version is being written still goes out as its published revision.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import get_script_prefix, reverse

from maillage.practices.models import Practice, Status

# Rows are read by primary key ranges of this size: memory stays constant whatever the volume,
# and no database cursor is held open while a slow client downloads.
CHUNK_SIZE = 500


def public_practices() -> QuerySet[Practice]:
    """The sheets anyone reads: published once, and not archived since."""
    return Practice.objects.filter(published_revision__isnull=False).exclude(status=Status.ARCHIVED)


def with_published_revision(practices: QuerySet[Practice]) -> QuerySet[Practice]:
    return practices.select_related("published_revision").only(
        "pk",
        "published_at",
        "published_revision__number",
        "published_revision__content",
        "published_revision__created_at",
    )


# Exports build two addresses per sheet, and `reverse` costs more than all the rest of a row:
# each address is reversed once, around a placeholder identifier, then completed per sheet.
_PLACEHOLDER = "2147483647"


@cache
def _address_parts(name: str, base_url: str, script_prefix: str) -> tuple[str, str]:
    before, after = reverse(name, args=[_PLACEHOLDER]).split(_PLACEHOLDER)
    return f"{base_url}{before}", after


def _address(name: str, practice_id: int) -> str:
    before, after = _address_parts(name, settings.MAILLAGE_BASE_URL, get_script_prefix())
    return f"{before}{practice_id}{after}"


def page_url(practice_id: int) -> str:
    return _address("practices:detail", practice_id)


def links(practice_id: int) -> dict[str, str]:
    return {"page": page_url(practice_id), "api": _address("api:practice", practice_id)}


def published_sheet(practice: Practice) -> dict[str, Any]:
    """`practice` must come from `with_published_revision(public_practices())`."""
    revision = practice.published_revision
    return {
        "id": practice.pk,
        "revision": revision.number,  # type: ignore[union-attr]
        "published_at": practice.published_at,
        "revision_published_at": revision.created_at,  # type: ignore[union-attr]
        "links": links(practice.pk),
        **revision.content,  # type: ignore[union-attr]
    }


def published_sheets(chunk_size: int = CHUNK_SIZE) -> Iterator[dict[str, Any]]:
    """Every published sheet in identifier order."""
    practices = with_published_revision(public_practices()).order_by("pk")
    last_pk = 0
    while True:
        chunk = list(practices.filter(pk__gt=last_pk)[:chunk_size])
        for practice in chunk:
            yield published_sheet(practice)
        if len(chunk) < chunk_size:
            return
        last_pk = chunk[-1].pk
