from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0001_initial"),
    ]

    operations = [
        # Search terms are derived data: drop them, `load_territories` rebuilds them since no
        # ReferenceLoad exists yet.
        migrations.RunSQL("DELETE FROM territories_searchterm", migrations.RunSQL.noop),
        migrations.AddField(
            model_name="searchterm",
            name="level",
            field=models.CharField(
                choices=[
                    ("region", "Région"),
                    ("departement", "Département"),
                    ("epci", "EPCI"),
                    ("commune", "Commune"),
                    ("arrondissement", "Arrondissement municipal"),
                    ("custom", "Territoire personnalisé"),
                ],
                default="",
                max_length=16,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="searchterm",
            name="rank",
            field=models.PositiveBigIntegerField(
                default=0,
                help_text="Order among the matches of one prefix; see maillage.territories.indexing.",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="searchterm",
            name="term",
            field=models.CharField(max_length=200),
        ),
        migrations.AddIndex(
            model_name="searchterm",
            index=models.Index(
                fields=["term", "level", "rank", "territory"],
                name="search_term_prefix",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "int8_ops", "int8_ops"],
            ),
        ),
        migrations.AddField(
            model_name="territory",
            name="is_current",
            field=models.BooleanField(
                default=True,
                help_text="Faux pour un territoire disparu du code officiel géographique mais gardé parce que des données y font référence.",
                verbose_name="en vigueur",
            ),
        ),
        migrations.CreateModel(
            name="ReferenceLoad",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("source", models.CharField(max_length=100, verbose_name="source")),
                ("version", models.CharField(max_length=50, verbose_name="version")),
                (
                    "content_hash",
                    models.CharField(max_length=64, verbose_name="empreinte du contenu"),
                ),
                (
                    "departements",
                    models.CharField(
                        blank=True,
                        help_text="Vide : tous.",
                        max_length=400,
                        verbose_name="départements chargés",
                    ),
                ),
                ("loaded_at", models.DateTimeField(auto_now_add=True, verbose_name="chargé le")),
                ("counts", models.JSONField(default=dict, verbose_name="décompte")),
            ],
            options={
                "verbose_name": "chargement du référentiel géographique",
                "verbose_name_plural": "chargements du référentiel géographique",
                "get_latest_by": ["loaded_at", "pk"],
            },
        ),
    ]
