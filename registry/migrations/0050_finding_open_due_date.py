"""The open findings' due dates: the district's overdue count above the findings list reads a
range of this index instead of every finding (registry/models/findings.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0049_people_name_search_statistics"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="finding",
            index=models.Index(
                condition=models.Q(("follow_up_status", "selesai"), _negated=True),
                fields=["due_date"],
                name="finding_open_due_date",
            ),
        ),
    ]
