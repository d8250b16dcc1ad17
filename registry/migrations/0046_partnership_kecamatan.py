"""Both sides' kecamatan copied onto the partnership, with the indexes the area rule reads.

As 0042 for members: the columns added without their foreign keys (PostgreSQL adds NULL columns
without rewriting the table), filled by one UPDATE ... FROM (SQLite 3.33 and PostgreSQL),
then `kecamatan` made NOT NULL and both foreign keys checked once over the table.
`partner_kecamatan` stays NULL for a partnership with an outside party. Not added to the
partnerships' history (excluded there: the cooperatives' facts, recorded in their history).
"""

import django.db.models.deletion
from django.db import migrations, models

# One statement for both columns: a second UPDATE of the rows the first wrote in this transaction
# queues PostgreSQL's deferred foreign-key checks on each of them, and the ALTER TABLE after it
# then fails ("pending trigger events"), as tried on the national database.
FILL = """
UPDATE registry_partnership SET
    kecamatan_id = registry_desa.kecamatan_id,
    partner_kecamatan_id = (
        SELECT partner_desa.kecamatan_id FROM registry_cooperative AS partner
        JOIN registry_desa AS partner_desa ON partner_desa.code = partner.desa_id
        WHERE partner.id = registry_partnership.partner_cooperative_id
    )
FROM registry_cooperative, registry_desa
WHERE registry_cooperative.id = registry_partnership.cooperative_id
  AND registry_desa.code = registry_cooperative.desa_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0045_training_search_trigram_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnership",
            name="kecamatan",
            field=models.ForeignKey(
                db_constraint=False, db_index=False, editable=False, null=True,
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.kecamatan",
                verbose_name="kecamatan koperasi",
            ),
        ),
        migrations.AddField(
            model_name="partnership",
            name="partner_kecamatan",
            field=models.ForeignKey(
                blank=True, db_constraint=False, db_index=False, editable=False, null=True,
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.kecamatan",
                verbose_name="kecamatan koperasi mitra",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="partnership",
            name="kecamatan",
            field=models.ForeignKey(
                db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="registry.kecamatan", verbose_name="kecamatan koperasi",
            ),
        ),
        migrations.AlterField(
            model_name="partnership",
            name="partner_kecamatan",
            field=models.ForeignKey(
                blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="registry.kecamatan", verbose_name="kecamatan koperasi mitra",
            ),
        ),
        migrations.AddIndex(
            model_name="partnership",
            index=models.Index(fields=["kecamatan", "status"], name="partnership_kecamatan_status"),
        ),
        migrations.AddIndex(
            model_name="partnership",
            index=models.Index(fields=["partner_kecamatan", "status"], name="partnership_partner_kec_status"),
        ),
    ]
