"""The search index's own tables: derived data, rebuilt by `reindex_practices`.

One row per published sheet (`SearchDocument`), and one per word and part of the text, and per
facet value, listing the sheets that hold it (`SearchWord`). The full-text part is
backend-specific and created by the migrations: on SQLite two FTS5 tables whose rowid is the
practice id (emptied by a trigger when documents are deleted); on PostgreSQL the weighted
`tsvector`s of `SearchVector`.
"""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    practice = models.OneToOneField(
        "practices.Practice", models.CASCADE, primary_key=True, related_name="search_document"
    )
    title = models.CharField(max_length=200)
    title_words = models.CharField(max_length=400)
    summary = models.TextField()
    body = models.TextField()
    published_at = models.DateTimeField(null=True)
    display = models.JSONField(default=dict)
    # The facet values it is filed under (`facets.filed_under`): the keys whose bits a new
    # version or its removal clears (`words.change`).
    facets = models.JSONField(default=list)

    class Meta:
        # The order of pages by date, ties included: read in order, no sort.
        indexes = [
            models.Index(fields=["-published_at", "-practice"], name="search_document_published")
        ]

    def __str__(self) -> str:
        return self.title


class SearchIndexState(models.Model):
    """A single row whose token changes with every write to the index, in the same
    transaction: each process compares it with the token of its facet bitmaps (`bitmaps.py`)
    to know whether they are still those of the index."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


class SearchVector(models.Model):
    """PostgreSQL only: the weighted `tsvector` of a document, in a table of its own whose
    column `search_vector` (title A, summary B, body C, stored out of line) the migrations add.
    It checks quoted phrases, among the sheets holding their words; words, similar sheets and
    the order of results come from `SearchWord` (`words.py`). Empty on SQLite."""

    document = models.OneToOneField(
        SearchDocument, models.CASCADE, primary_key=True, related_name="+"
    )

    def __str__(self) -> str:
        return str(self.document_id)


class SearchWord(models.Model):
    """The sheets holding a word (a stem of `analysis.terms`) in one part of their text, or
    filed under a facet value (part FACET, stem « facet=value »): a bitmap of practice ids
    (see `words.py`). The stem is stored as ASCII bytes, which every database compares byte by
    byte: a word being typed reads the range of stems it begins."""

    class Part(models.TextChoices):
        TITLE = "t", "titre"
        SUMMARY = "s", "résumé"
        BODY = "b", "texte"
        FACET = "f", "classement"

    stem = models.BinaryField(max_length=100)
    part = models.CharField(max_length=1, choices=Part.choices)
    documents = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stem", "part"], name="search_word_unique")]
        # The facet values' rows, which every process reads after a write to the index.
        indexes = [models.Index(fields=["part", "stem"], name="search_word_part")]

    def __str__(self) -> str:
        return f"{bytes(self.stem).decode()}/{self.part}"
