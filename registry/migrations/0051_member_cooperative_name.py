"""The member's copy of its cooperative's name, and the index the member list is ordered and paged by.

The column added NOT NULL with an empty default (PostgreSQL adds it without rewriting the table),
filled by one UPDATE ... FROM (SQLite 3.33 and PostgreSQL), then checked never empty and indexed.
Not added to the members' history (excluded there: the cooperative's fact, recorded in its history).
On PostgreSQL the table is then written again in the list's new order (CLUSTER, as 0042 did after
its UPDATE, for the same reason). Run `VACUUM (ANALYZE) registry_member` after the release
(docs/deploy.md, "Upgrading past migration 0051").
"""

from django.db import migrations, models

FILL = """
UPDATE registry_member SET cooperative_name = registry_cooperative.name
FROM registry_cooperative
WHERE registry_cooperative.id = registry_member.cooperative_id
"""


def cluster_in_list_order(apps, schema_editor):
    """PostgreSQL writes each updated row anew, in the order of the UPDATE's join: a cooperative's
    members would end up spread over the table, and each page of the list, and of a cooperative's
    members, read a table page per row. CLUSTER writes the table in the list's order (a
    cooperative's members together) and drops the old rows' space."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CLUSTER registry_member USING member_list_order")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0050_finding_open_due_date"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="cooperative_name",
            field=models.CharField(default="", editable=False, max_length=200, verbose_name="nama koperasi"),
            preserve_default=False,
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="member",
            constraint=models.CheckConstraint(
                condition=models.Q(("cooperative_name", ""), _negated=True), name="member_cooperative_name_copied"
            ),
        ),
        migrations.AlterModelOptions(
            name="member",
            options={
                "ordering": ["cooperative_name", "cooperative_id", "name", "id"],
                "permissions": [
                    ("reveal_nik", "Dapat membuka NIK lengkap anggota"),
                    ("erase_member", "Dapat menghapus data pribadi anggota (atas permintaan)"),
                ],
                "verbose_name": "anggota",
                "verbose_name_plural": "anggota",
            },
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["cooperative_name", "cooperative", "name", "id"], name="member_list_order"),
        ),
        migrations.RunPython(cluster_in_list_order, migrations.RunPython.noop),
    ]
