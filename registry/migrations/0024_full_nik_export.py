"""A permission of its own for exporting full NIKs (Admin Dinas; granted to others by hand), and the
purpose each such export states, kept in its log."""

from django.db import migrations, models

from registry.roles import sync_roles


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0023_board_accounts'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="exportlog",
            options={
                "default_permissions": ("view",),
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("export_personal_data", "Dapat mengekspor data pribadi anggota"),
                    ("export_full_nik", "Dapat mengekspor NIK lengkap anggota (dengan keperluan, dibatasi per hari)"),
                ],
                "verbose_name": "log ekspor",
                "verbose_name_plural": "log ekspor",
            },
        ),
        migrations.AddField(
            model_name='exportlog',
            name='purpose',
            field=models.TextField(blank=True, verbose_name='keperluan'),
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
