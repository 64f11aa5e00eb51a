"""PostgreSQL: `practices_search_ids` lists the matching ids in decimal, separated by commas
(see `bitmaps.from_id_list`), instead of as 8 hexadecimal digits each: `to_hex` and `lpad` for
every matching sheet cost a quarter of the query for a common word. Nothing to do on SQLite,
whose queries build the list themselves."""

from django.db import migrations

DECIMAL = """CREATE OR REPLACE FUNCTION practices_search_ids(vector_query tsquery) RETURNS text
    LANGUAGE sql STABLE SET enable_seqscan = off AS $$
        SELECT string_agg(document_id::text, ',')
        FROM practices_searchvector WHERE search_vector @@ vector_query
    $$"""
# As migration 0003 created it.
HEXADECIMAL = """CREATE OR REPLACE FUNCTION practices_search_ids(vector_query tsquery) RETURNS text
    LANGUAGE sql STABLE SET enable_seqscan = off AS $$
        SELECT string_agg(lpad(to_hex(document_id), 8, '0'), '')
        FROM practices_searchvector WHERE search_vector @@ vector_query
    $$"""


def _run(schema_editor, statement):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, DECIMAL)


def backward(apps, schema_editor):
    _run(schema_editor, HEXADECIMAL)


class Migration(migrations.Migration):
    dependencies = [("practices", "0004_search_head")]

    operations = [migrations.RunPython(forward, backward)]
