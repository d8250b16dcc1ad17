"""The assessment's copy of its cooperative's kecamatan, with the index the list's kecamatan and year
average and count from.

As 0042 for members and 0046 for partnerships: the column added without its foreign key
(PostgreSQL adds a NULL column without rewriting the table), filled by one UPDATE ... FROM (SQLite
3.33 and PostgreSQL), then made NOT NULL with its foreign key checked once over the table. Not
added to the assessments' history (excluded there: the cooperative's fact, recorded in its history).
"""

import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE registry_assessment SET kecamatan_id = registry_desa.kecamatan_id
FROM registry_cooperative, registry_desa
WHERE registry_cooperative.id = registry_assessment.cooperative_id
  AND registry_desa.code = registry_cooperative.desa_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0046_partnership_kecamatan"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="kecamatan",
            field=models.ForeignKey(
                db_constraint=False, db_index=False, editable=False, null=True,
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.kecamatan",
                verbose_name="kecamatan koperasi",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="assessment",
            name="kecamatan",
            field=models.ForeignKey(
                db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="registry.kecamatan", verbose_name="kecamatan koperasi",
            ),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                fields=["kecamatan", "year"], include=["score_kelembagaan", "score_keuangan", "score_operasional",
                                                       "score_reputasi", "overall_score"],
                name="assessment_kecamatan_year",
            ),
        ),
    ]
