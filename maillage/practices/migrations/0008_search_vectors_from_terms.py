"""PostgreSQL: the vectors are written from the terms the word bitmaps use (see
search/backends/postgresql.py), no longer by `to_tsvector` with the `maillage_french`
configuration: the existing ones are written again that way, and the configuration, now unused,
is dropped. Going back makes it again and has the database analyse the text again.

The long values of the index (vectors, summaries, bodies) are compressed with lz4 where the
server has it (PostgreSQL 14 and later, built with it as the Debian packages are): writing
them with the default pglz took a sixth of a full rebuild. Nothing to do on SQLite.

It analyses the text through the search code of the day (`analysis.py`) on purpose: the index
is derived data, and a later change to its analysis comes with a `reindex_practices`. The text
form of the vectors it writes is its own (the search writes them in binary since 0010)."""

from importlib import import_module
from itertools import chain

from django.db import migrations

BATCH = 2000
# As migration 0003 wrote them.
ANALYSED_BY_THE_DATABASE = """UPDATE practices_searchvector v SET
    search_vector = h.head || setweight(to_tsvector('public.maillage_french', d.body), 'C'),
    head_vector = h.head
    FROM practices_searchdocument d, LATERAL (SELECT
        setweight(to_tsvector('public.maillage_french', d.title), 'A')
        || setweight(to_tsvector('public.maillage_french', d.summary), 'B') AS head) AS h
    WHERE v.document_id = d.practice_id"""


# PostgreSQL stores positions past this one as this one.
LAST_POSITION = 16383


def _separators(weight):
    """What follows the term at each position, up to the next term: « ':12A ' »."""
    return [f"':{min(position, LAST_POSITION)}{weight} '" for position in range(LAST_POSITION + 2)]


def _literal(terms, separators, start):
    """The terms at their positions from `start` on, one entry per occurrence (the database
    gathers the positions of a term)."""
    if not terms:
        return ""
    following = separators[start : start + len(terms)]
    following += [separators[LAST_POSITION]] * (len(terms) - len(following))
    return "'" + "".join(chain.from_iterable(zip(terms, following, strict=True)))[:-2]


def _vectors(terms, separators):
    """`search_vector` and `head_vector` of a document's terms, as `tsvector` literals: title
    A, summary B, body C, a gap between the parts."""
    title, summary, body = terms
    head = f"{_literal(title, separators['A'], 1)} "
    head += _literal(summary, separators["B"], len(title) + 2)
    whole = f"{head} {_literal(body, separators['C'], len(title) + len(summary) + 3)}"
    return whole, head


def _compression(method, condition):
    """Set the compression of the index's long values, on servers where `condition` holds
    (built from this module's constants only, hence the `noqa: S608`)."""
    columns = {
        "practices_searchvector": ("search_vector", "head_vector"),
        "practices_searchdocument": ("summary", "body"),
    }
    statements = "\n".join(
        f"ALTER TABLE {table} "
        + ", ".join(f"ALTER COLUMN {column} SET COMPRESSION {method}" for column in names)
        + ";"
        for table, names in columns.items()
    )
    return f"""DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'
               AND {condition}) THEN
        {statements}
    END IF;
END $$"""  # noqa: S608


LZ4 = _compression("lz4", "'lz4' = ANY(enumvals)")
PGLZ = _compression("DEFAULT", "TRUE")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(LZ4)
    from maillage.practices.search.documents import terms_of

    separators = {weight: _separators(weight) for weight in "ABC"}

    documents = (
        apps.get_model("practices", "SearchDocument")
        .objects.order_by("pk")
        .values_list("pk", "title", "summary", "body")
    )
    with schema_editor.connection.cursor() as cursor:
        last = 0
        while batch := list(documents.filter(pk__gt=last)[:BATCH]):
            cursor.executemany(
                "UPDATE practices_searchvector SET search_vector = %s::tsvector, "
                "head_vector = %s::tsvector WHERE document_id = %s",
                [(*_vectors(terms_of(*text), separators), pk) for pk, *text in batch],
            )
            last = batch[-1][0]
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS public.maillage_french")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    first = import_module("maillage.practices.migrations.0002_search_index")
    schema_editor.execute(first.POSTGRESQL_FORWARD[1])  # the configuration
    schema_editor.execute(PGLZ)
    schema_editor.execute(ANALYSED_BY_THE_DATABASE)


class Migration(migrations.Migration):
    dependencies = [("practices", "0007_search_facet_bitmaps")]

    operations = [migrations.RunPython(forward, backward)]
