"""The finding's copy of its cooperative's kecamatan, with the index a kecamatan's findings are
listed and counted from.

As 0047 for assessments: the column added without its foreign key (PostgreSQL adds a NULL column
without rewriting the table), filled by one UPDATE ... FROM (SQLite 3.33 and PostgreSQL), then made
NOT NULL with its foreign key checked once over the table. Not added to the findings' history
(excluded there: the cooperative's fact, recorded in its history).
"""

import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE registry_finding SET kecamatan_id = registry_desa.kecamatan_id
FROM registry_cooperative, registry_desa
WHERE registry_cooperative.id = registry_finding.cooperative_id
  AND registry_desa.code = registry_cooperative.desa_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0047_assessment_kecamatan"),
    ]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="kecamatan",
            field=models.ForeignKey(
                db_constraint=False, db_index=False, editable=False, null=True,
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.kecamatan",
                verbose_name="kecamatan koperasi",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="finding",
            name="kecamatan",
            field=models.ForeignKey(
                db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="registry.kecamatan", verbose_name="kecamatan koperasi",
            ),
        ),
        migrations.AddIndex(
            model_name="finding",
            index=models.Index(
                fields=["kecamatan", "due_date", "id"], include=["follow_up_status"],
                name="finding_kecamatan_due_date",
            ),
        ),
    ]
