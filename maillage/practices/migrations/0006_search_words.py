"""The word bitmaps of the search (`practices/search/words.py`), filled from the documents
already indexed, so that an existing index keeps finding its sheets without a rebuild.

It writes through the search code of the day (`words.py`, `bitmaps.py`…) on purpose: the index is
derived data, and a later change to its format comes with a migration or a `reindex_practices`."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from maillage.practices.search.analysis import Lexicon
    from maillage.practices.search.backends import current
    from maillage.practices.search.documents import grouped
    from maillage.practices.search.words import Postings, rows

    documents = (
        apps.get_model("practices", "SearchDocument")
        .objects.order_by("pk")
        .values_list("pk", "title", "summary", "body")
    )
    lexicon = Lexicon()
    postings = Postings(lexicon)
    for pk, *text in documents.iterator(chunk_size=2000):
        numbers = tuple(lexicon.numbers(part) for part in text)
        postings.add(pk, grouped(numbers).keys(), ())
    current().insert_words(rows([postings.gathered()]))


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0005_search_decimal_ids"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("stem", models.BinaryField(max_length=64)),
                (
                    "part",
                    models.CharField(
                        choices=[("t", "titre"), ("s", "résumé"), ("b", "texte")], max_length=1
                    ),
                ),
                ("documents", models.BinaryField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("stem", "part"), name="search_word_unique")
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
