# Covering and partial indexes for the reports: time sums read only the index, presences are
# counted from an index of the present rows alone.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="timeentry",
            name="time_action_date",
        ),
        migrations.AddIndex(
            model_name="attendance",
            index=models.Index(
                condition=models.Q(("status", "present")),
                fields=["session"],
                name="attendance_present",
            ),
        ),
        migrations.AddIndex(
            model_name="timeentry",
            index=models.Index(
                fields=["action", "date", "minutes"], name="time_action_date_minutes"
            ),
        ),
        migrations.AddIndex(
            model_name="timeentry",
            index=models.Index(
                fields=["date", "action", "organisation", "minutes"], name="time_date_covering"
            ),
        ),
    ]
