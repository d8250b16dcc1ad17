"""Erasure of a member's personal data: the tombstone's date on the member, the log of erasures,
and the permission to erase (Admin Dinas)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from registry.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0024_full_nik_export"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="member",
            options={
                "ordering": ["cooperative", "name", "id"],
                "permissions": [
                    ("reveal_nik", "Dapat membuka NIK lengkap anggota"),
                    ("erase_member", "Dapat menghapus data pribadi anggota (atas permintaan)"),
                ],
                "verbose_name": "anggota",
                "verbose_name_plural": "anggota",
            },
        ),
        migrations.AddField(
            model_name="historicalmember",
            name="erased_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="data pribadi dihapus pada"),
        ),
        migrations.AddField(
            model_name="member",
            name="erased_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="data pribadi dihapus pada"),
        ),
        migrations.CreateModel(
            name="MemberErasure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "erased_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="waktu"),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[("permintaan", "Atas permintaan"), ("retensi", "Masa simpan habis")],
                        max_length=10,
                        verbose_name="dasar",
                    ),
                ),
                ("reason", models.TextField(verbose_name="alasan")),
                (
                    "erased_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="oleh",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="erasures",
                        to="registry.member",
                        verbose_name="anggota (tanda hapus)",
                    ),
                ),
            ],
            options={
                "verbose_name": "penghapusan data pribadi",
                "verbose_name_plural": "log penghapusan data pribadi",
                "ordering": ["-erased_at", "-id"],
                "default_permissions": ("view",),
            },
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
