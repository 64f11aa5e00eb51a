"""PostgreSQL: the tsvectors move from generated columns of the documents to a narrow table of
their own (see `SearchVector`), with a second vector of the title and summary alone, the first
tier of a ranking by relevance. Nothing changes on SQLite, whose FTS5 table is its own."""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = [
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE practices_searchdocument DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE practices_searchvector ADD COLUMN search_vector tsvector NOT NULL",
    "ALTER TABLE practices_searchvector ADD COLUMN head_vector tsvector NOT NULL",
    # Rows of a few dozen bytes: the vectors go to the TOAST table, out of the heap's way.
    "ALTER TABLE practices_searchvector SET (toast_tuple_target = 128)",
    "CREATE INDEX search_vector_all ON practices_searchvector USING gin (search_vector)",
    "CREATE INDEX search_vector_head ON practices_searchvector USING gin (head_vector)",
    # The ids of the documents whose vector matches, aggregated as 8 hexadecimal digits each
    # (search/bitmaps.py). Planned without sequential scans: the table is so small that the
    # planner would read it whole, not counting that every row's vector must then be fetched
    # from the TOAST table and decompressed; the GIN index needs only the small heap.
    """CREATE FUNCTION practices_search_ids(vector_query tsquery) RETURNS text
    LANGUAGE sql STABLE SET enable_seqscan = off AS $$
        SELECT string_agg(lpad(to_hex(document_id), 8, '0'), '')
        FROM practices_searchvector WHERE search_vector @@ vector_query
    $$""",
    # The documents are written again by `maillage reindex_practices`.
    "DELETE FROM practices_searchfacet",
    "DELETE FROM practices_searchdocument",
]
BACKWARD = [
    "DROP FUNCTION IF EXISTS practices_search_ids(tsquery)",
    "DELETE FROM practices_searchfacet",
    "DELETE FROM practices_searchdocument",
    """ALTER TABLE practices_searchdocument ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('public.maillage_french', title), 'A')
        || setweight(to_tsvector('public.maillage_french', summary), 'B')
        || setweight(to_tsvector('public.maillage_french', body), 'C')
    ) STORED""",
    "CREATE INDEX search_document_vector ON practices_searchdocument USING gin (search_vector)",
]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("practices", "0002_search_index")]

    operations = [
        migrations.CreateModel(
            name="SearchVector",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="practices.searchdocument",
                    ),
                ),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]
