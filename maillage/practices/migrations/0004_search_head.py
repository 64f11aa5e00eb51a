"""The first tier of a ranking by relevance (title and summary) gets storage of its own.

SQLite: the full text splits into two FTS5 tables (see search/backends/sqlite.py):
`practices_search_fts` keeps title, summary and body, so that the whole text is matched without
a column filter, and `practices_search_head` holds title, summary and the folded title words
(suggestions). Both are filled from the existing table, in SQL: no re-indexing is needed. The
delete trigger now empties both.

PostgreSQL: `head_vector` (600 bytes on average) is kept in the row, compressed, instead of in
the TOAST table: ranking the first tier reads every matching sheet's head vector, and fetching
each one from the TOAST table took ten times longer than the ranking itself. The big
`search_vector` stays out of line. The UPDATE writes the existing vectors again, in the row.

The statements are assembled from this module's constants only (hence the `noqa: S608`)."""

from django.db import migrations, models

TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"
# As `HASHSIZE` in search/backends/sqlite.py: fewer, larger segments when copying every row.
HASHSIZE = 64 * 1024 * 1024
TRIGGER = "practices_search_fts_delete"


def _trigger(tables):
    deletes = [f"DELETE FROM {table} WHERE rowid = old.practice_id;" for table in tables]  # noqa: S608
    # Also changes the token of the facet bitmaps (maillage/practices/search/bitmaps.py).
    statements = [
        *deletes,
        "UPDATE practices_searchindexstate SET token = lower(hex(randomblob(16)));",
    ]
    body = "\n        ".join(statements)
    return f"""CREATE TRIGGER {TRIGGER} AFTER DELETE ON practices_searchdocument
    BEGIN
        {body}
    END"""


def _table(name, columns):
    return [
        f"CREATE VIRTUAL TABLE {name} USING fts5({', '.join(columns)}, {TOKENIZE})",
        f"INSERT INTO {name}({name}, rank) VALUES ('hashsize', {HASHSIZE})",  # noqa: S608
    ]


def _replace_fts(columns, source_columns):
    """The full-text table again, with these columns, copied from the current one."""
    return [
        *_table("practices_search_fts_new", columns),
        f"INSERT INTO practices_search_fts_new (rowid, {', '.join(columns)}) "  # noqa: S608
        f"SELECT rowid, {', '.join(source_columns)} FROM practices_search_fts",
        "DROP TABLE practices_search_fts",
        "ALTER TABLE practices_search_fts_new RENAME TO practices_search_fts",
    ]


HEAD = ("title", "summary", "title_words")
SQLITE_FORWARD = [
    f"DROP TRIGGER IF EXISTS {TRIGGER}",
    *_table("practices_search_head", HEAD),
    "INSERT INTO practices_search_head (rowid, title, summary, title_words) "
    "SELECT rowid, title, summary, title_words FROM practices_search_fts",
    *_replace_fts(("title", "summary", "body"), ("title", "summary", "body")),
    _trigger(("practices_search_fts", "practices_search_head")),
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TRIGGER}",
    *_replace_fts(
        ("title", "summary", "body", "title_words"),
        (
            "title",
            "summary",
            "body",
            "(SELECT h.title_words FROM practices_search_head h "
            "WHERE h.rowid = practices_search_fts.rowid)",
        ),
    ),
    "DROP TABLE practices_search_head",
    _trigger(("practices_search_fts",)),
]


POSTGRESQL_FORWARD = [
    "ALTER TABLE practices_searchvector ALTER COLUMN head_vector SET STORAGE MAIN",
    # A new value (|| gives one) is stored as the column now says; the same value would not be.
    "UPDATE practices_searchvector SET head_vector = head_vector || ''::tsvector",
]
POSTGRESQL_BACKWARD = [
    "ALTER TABLE practices_searchvector ALTER COLUMN head_vector SET STORAGE EXTENDED",
    "UPDATE practices_searchvector SET head_vector = head_vector || ''::tsvector",
]


def _run(schema_editor, statements):
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD})


def backward(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD})


class Migration(migrations.Migration):
    dependencies = [("practices", "0003_search_vectors")]

    operations = [
        migrations.RunPython(forward, backward),
        # Pages by date read the index in order, ties on the date included, with no sort step
        # (PostgreSQL otherwise sorted in parallel workers, and read far more rows).
        migrations.RemoveIndex(model_name="searchdocument", name="search_document_published"),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(
                fields=["-published_at", "-practice"], name="search_document_published"
            ),
        ),
    ]
