"""Documents of a submission (RAT minutes, financial report, photos), stored sealed."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import registry.models.portal
from registry.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0027_nik_key_check"),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalSubmissionDocument",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("berita_acara_rat", "Berita acara RAT"),
                            ("laporan_keuangan", "Laporan keuangan"),
                            ("foto_rat", "Foto RAT"),
                            ("lainnya", "Lainnya"),
                        ],
                        max_length=20,
                        verbose_name="jenis dokumen",
                    ),
                ),
                ("file", models.TextField(max_length=200, verbose_name="berkas")),
                ("original_name", models.CharField(max_length=200, verbose_name="nama berkas")),
                ("content_type", models.CharField(max_length=40, verbose_name="jenis isi")),
                ("size", models.PositiveIntegerField(verbose_name="ukuran (bita)")),
                (
                    "uploaded_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="diunggah"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "submission",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="registry.submission",
                        verbose_name="laporan dari koperasi",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="diunggah oleh",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical dokumen laporan",
                "verbose_name_plural": "historical dokumen laporan",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="SubmissionDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("berita_acara_rat", "Berita acara RAT"),
                            ("laporan_keuangan", "Laporan keuangan"),
                            ("foto_rat", "Foto RAT"),
                            ("lainnya", "Lainnya"),
                        ],
                        max_length=20,
                        verbose_name="jenis dokumen",
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        max_length=200,
                        storage=registry.models.portal.document_storage,
                        upload_to="dokumen/%Y/%m/",
                        verbose_name="berkas",
                    ),
                ),
                ("original_name", models.CharField(max_length=200, verbose_name="nama berkas")),
                ("content_type", models.CharField(max_length=40, verbose_name="jenis isi")),
                ("size", models.PositiveIntegerField(verbose_name="ukuran (bita)")),
                (
                    "uploaded_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="diunggah"),
                ),
                (
                    "submission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="documents",
                        to="registry.submission",
                        verbose_name="laporan dari koperasi",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="diunggah oleh",
                    ),
                ),
            ],
            options={
                "verbose_name": "dokumen laporan",
                "verbose_name_plural": "dokumen laporan",
                "ordering": ["submission", "uploaded_at", "pk"],
            },
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
