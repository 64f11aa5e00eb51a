"""The full text keeps only what the word bitmaps cannot answer: phrases, and suggestions.

« Pratiques similaires » and the ingestion's duplicate check now find the sheets sharing words
of a title and summary in the word bitmaps (search/similar.py), on both databases.

PostgreSQL: `head_vector` and its GIN index go. The GIN index of `search_vector` goes too: a
phrase is checked among the sheets holding all its words, which the bitmaps give, by reading
their vectors by key, as the GIN index had to anyway (it keeps no positions); building it took
a sixth of a full rebuild. The vectors themselves do not change (the search writes them in
binary from now on, the same values).

SQLite: `practices_search_head` keeps the folded title words alone, copied from the current
table. Going back puts back the analysed title and summary, from `practices_search_fts`.

The statements are assembled from this module's constants only (hence the `noqa: S608`)."""

from importlib import import_module

from django.db import migrations

HEAD = "practices_search_head"
_head = import_module("maillage.practices.migrations.0004_search_head")


def _replace_head(columns, select):
    # The delete trigger names the table: off while it is replaced (SQLite checks the
    # triggers when a table is renamed), then back as migration 0004 made it.
    return [
        f"DROP TRIGGER IF EXISTS {_head.TRIGGER}",
        *_head._table(f"{HEAD}_new", columns),
        f"INSERT INTO {HEAD}_new (rowid, {', '.join(columns)}) {select}",  # noqa: S608
        f"DROP TABLE {HEAD}",
        f"ALTER TABLE {HEAD}_new RENAME TO {HEAD}",
        _head._trigger(("practices_search_fts", HEAD)),
    ]


SQLITE_FORWARD = _replace_head(
    ("title_words",),
    f"SELECT rowid, title_words FROM {HEAD}",  # noqa: S608
)
SQLITE_BACKWARD = _replace_head(
    ("title", "summary", "title_words"),
    f"SELECT h.rowid, f.title, f.summary, h.title_words FROM {HEAD} h "  # noqa: S608
    "JOIN practices_search_fts f ON f.rowid = h.rowid",
)

AMONG = """CREATE FUNCTION practices_search_ids(vector_query tsquery, among bigint[])
    RETURNS text LANGUAGE sql STABLE SET enable_seqscan = off AS $$
        SELECT string_agg(document_id::text, ',')
        FROM practices_searchvector
        WHERE document_id = ANY(among) AND search_vector @@ vector_query
    $$"""
POSTGRESQL_FORWARD = [
    "DROP INDEX IF EXISTS search_vector_all",
    "DROP INDEX IF EXISTS search_vector_head",
    "ALTER TABLE practices_searchvector DROP COLUMN head_vector",
    "DROP FUNCTION IF EXISTS practices_search_ids(tsquery)",
    # Without sequential scans: the vectors of the other rows are never read (migration 0003).
    AMONG,
]
POSTGRESQL_BACKWARD = [
    "DROP FUNCTION IF EXISTS practices_search_ids(tsquery, bigint[])",
    import_module("maillage.practices.migrations.0005_search_decimal_ids").DECIMAL,
    # The column as 0004 and 0008 left it (in the row, lz4 where the server has it), then the
    # title's and summary's lexemes with their positions, as `head_vector` held them.
    "ALTER TABLE practices_searchvector ADD COLUMN head_vector tsvector NOT NULL "
    "DEFAULT ''::tsvector",
    "ALTER TABLE practices_searchvector ALTER COLUMN head_vector SET STORAGE MAIN",
    "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
    "AND 'lz4' = ANY(enumvals)) THEN "
    "ALTER TABLE practices_searchvector ALTER COLUMN head_vector SET COMPRESSION lz4; "
    "END IF; END $$",
    "UPDATE practices_searchvector SET head_vector = ts_filter(search_vector, '{a,b}')",
    "ALTER TABLE practices_searchvector ALTER COLUMN head_vector DROP DEFAULT",
    "CREATE INDEX search_vector_all ON practices_searchvector USING gin (search_vector)",
    "CREATE INDEX search_vector_head ON practices_searchvector USING gin (head_vector)",
]


def forward(apps, schema_editor):
    _head._run(schema_editor, {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD})


def backward(apps, schema_editor):
    _head._run(schema_editor, {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD})


class Migration(migrations.Migration):
    dependencies = [("practices", "0009_search_word_part")]

    operations = [migrations.RunPython(forward, backward)]
