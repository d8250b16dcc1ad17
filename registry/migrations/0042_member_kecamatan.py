"""The member's copy of its cooperative's kecamatan, with the index the member list's kecamatan filter counts from.

Added in three steps so that 3 million members cost one pass each, not one trigger call each:
the column without its foreign key (PostgreSQL adds a NULL column without rewriting the table),
filled by one UPDATE ... FROM (SQLite 3.33 and PostgreSQL), then made NOT NULL with its foreign
key checked once over the table. Not added to the members' history (excluded there: it is the
cooperative's fact, recorded in the cooperative's history).
"""

import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE registry_member SET kecamatan_id = registry_desa.kecamatan_id
FROM registry_cooperative, registry_desa
WHERE registry_cooperative.id = registry_member.cooperative_id AND registry_desa.code = registry_cooperative.desa_id
"""


def cluster_by_cooperative(apps, schema_editor):
    """PostgreSQL writes each updated row anew, in the order of the UPDATE's join: a cooperative's
    members end up spread over the table and the member list's walk by cooperative read 30 times
    more pages at national size (`?q=siti` 2.6 to 69 ms). CLUSTER writes the table again in the
    list's order (members of a cooperative together), as the seed and the imports wrote them, and
    drops the old rows' space. Run `VACUUM (ANALYZE) registry_member` after the release
    (docs/deploy.md): index-only counts need the visibility map, which a transaction cannot set."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CLUSTER registry_member USING member_cooperative_name")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0041_cooperative_search_walk_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="kecamatan",
            field=models.ForeignKey(
                db_constraint=False, db_index=False, editable=False, null=True,
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.kecamatan",
                verbose_name="kecamatan koperasi",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="member",
            name="kecamatan",
            field=models.ForeignKey(
                db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="registry.kecamatan", verbose_name="kecamatan koperasi",
            ),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["kecamatan", "sex"], name="member_kecamatan_sex"),
        ),
        migrations.RunPython(cluster_by_cooperative, migrations.RunPython.noop),
    ]
