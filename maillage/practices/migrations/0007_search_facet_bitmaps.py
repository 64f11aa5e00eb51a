"""Facet values become rows of the word table (part « f », key « facet=value »), one bitmap
each, in place of a row per (sheet, value); each document records the values it is filed under,
so that a new version can clear the bits of those it leaves. Filled from the existing rows: no
rebuild needed.

Going back leaves the old table empty: run `maillage reindex_practices` then.

On SQLite, adding the column copies the documents into a new table, which leaves behind the
delete trigger that empties the full-text tables (migration 0004): it is created again.

It writes through the search code of the day (`words.py`, `bitmaps.py`…) on purpose: the index is
derived data, and a later change to its format comes with a migration or a `reindex_practices`."""

import json
from importlib import import_module

from django.db import migrations, models


def fill(apps, schema_editor):
    from maillage.practices.search.bitmaps import encode, from_ids
    from maillage.practices.search.facets import filed_under, key_of

    facet_rows = apps.get_model("practices", "SearchFacet").objects.order_by("document_id")
    holders: dict[tuple[str, str], list[int]] = {}
    filed: dict[int, list[tuple[str, str]]] = {}
    for pk, facet, value in facet_rows.values_list("document_id", "facet", "value").iterator(
        chunk_size=5000
    ):
        holders.setdefault((facet, value), []).append(pk)
        filed.setdefault(pk, []).append((facet, value))
    word = apps.get_model("practices", "SearchWord")
    word.objects.bulk_create(
        word(stem=key_of(*pair).encode(), part="f", documents=encode(from_ids(ids)))
        for pair, ids in holders.items()
    )
    # (The old rows' related name, « facets », hides the new field on the historical model.)
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE practices_searchdocument SET facets = %s WHERE practice_id = %s",
            [(json.dumps(filed_under(pairs)), pk) for pk, pairs in filed.items()],
        )


def trigger_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        head = import_module("maillage.practices.migrations.0004_search_head")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {head.TRIGGER}")
        schema_editor.execute(head._trigger(("practices_search_fts", "practices_search_head")))


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0006_search_words"),
    ]

    operations = [
        # Going back, the column is removed by the same copy: the trigger is made again then.
        migrations.RunPython(migrations.RunPython.noop, trigger_again),
        migrations.AddField(
            model_name="searchdocument",
            name="facets",
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(trigger_again, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="searchword",
            name="part",
            field=models.CharField(
                choices=[("t", "titre"), ("s", "résumé"), ("b", "texte"), ("f", "classement")],
                max_length=1,
            ),
        ),
        migrations.AlterField(
            model_name="searchword",
            name="stem",
            field=models.BinaryField(max_length=100),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.DeleteModel(
            name="SearchFacet",
        ),
    ]
