# A document is stored only once read: its state, progress and error were never anything but
# « lu », 100 and empty. A file's progress and refusal are kept on its `ImportBatch`.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ingestion", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="document", name="status"),
        migrations.RemoveField(model_name="document", name="progress"),
        migrations.RemoveField(model_name="document", name="error"),
    ]
