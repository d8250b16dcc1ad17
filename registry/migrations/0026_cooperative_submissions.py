"""What cooperatives submit through the portal (yearly report and RAT), reviewed by the Dinas."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from registry.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0025_member_erasure"),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalSubmission",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(verbose_name="tahun buku")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draf", "Draf"),
                            ("disampaikan", "Disampaikan, menunggu tinjauan"),
                            ("diterima", "Diterima"),
                            ("dikembalikan", "Dikembalikan untuk diperbaiki"),
                        ],
                        default="draf",
                        max_length=12,
                        verbose_name="keadaan",
                    ),
                ),
                ("members_male", models.PositiveIntegerField(blank=True, null=True, verbose_name="anggota laki-laki")),
                (
                    "members_female",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="anggota perempuan"),
                ),
                ("employees", models.PositiveIntegerField(blank=True, null=True, verbose_name="karyawan")),
                ("managers", models.PositiveIntegerField(blank=True, null=True, verbose_name="manajer")),
                ("modal_sendiri", models.BigIntegerField(blank=True, null=True, verbose_name="modal sendiri (Rp)")),
                ("modal_luar", models.BigIntegerField(blank=True, null=True, verbose_name="modal luar (Rp)")),
                ("total_assets", models.BigIntegerField(blank=True, null=True, verbose_name="total aset (Rp)")),
                ("business_volume", models.BigIntegerField(blank=True, null=True, verbose_name="volume usaha (Rp)")),
                ("revenue", models.BigIntegerField(blank=True, null=True, verbose_name="pendapatan (Rp)")),
                ("expenses", models.BigIntegerField(blank=True, null=True, verbose_name="biaya (Rp)")),
                (
                    "shu",
                    models.BigIntegerField(
                        blank=True, help_text="Boleh negatif (rugi).", null=True, verbose_name="SHU (Rp)"
                    ),
                ),
                ("cash", models.BigIntegerField(blank=True, null=True, verbose_name="kas (Rp)")),
                (
                    "rat_date",
                    models.DateField(
                        blank=True,
                        help_text="Kosongkan bila RAT tidak diadakan.",
                        null=True,
                        verbose_name="tanggal RAT",
                    ),
                ),
                ("rat_attendance", models.PositiveIntegerField(blank=True, null=True, verbose_name="hadir dalam RAT")),
                ("rat_quorum", models.BooleanField(blank=True, null=True, verbose_name="RAT kuorum")),
                ("rat_decisions", models.TextField(blank=True, max_length=4000, verbose_name="keputusan RAT")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="dibuat"),
                ),
                ("submitted_at", models.DateTimeField(blank=True, null=True, verbose_name="disampaikan")),
                ("reviewed_at", models.DateTimeField(blank=True, null=True, verbose_name="ditinjau")),
                ("review_note", models.TextField(blank=True, verbose_name="catatan Dinas")),
                ("version", models.PositiveIntegerField(default=1, editable=False, verbose_name="versi")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "cooperative",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="registry.cooperative",
                        verbose_name="koperasi",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="dibuat oleh",
                    ),
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
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="ditinjau oleh",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="disampaikan oleh",
                    ),
                ),
                (
                    "yearly_report",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="registry.yearlyreport",
                        verbose_name="laporan tahunan",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical laporan dari koperasi",
                "verbose_name_plural": "historical laporan dari koperasi",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Submission",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(verbose_name="tahun buku")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draf", "Draf"),
                            ("disampaikan", "Disampaikan, menunggu tinjauan"),
                            ("diterima", "Diterima"),
                            ("dikembalikan", "Dikembalikan untuk diperbaiki"),
                        ],
                        default="draf",
                        max_length=12,
                        verbose_name="keadaan",
                    ),
                ),
                ("members_male", models.PositiveIntegerField(blank=True, null=True, verbose_name="anggota laki-laki")),
                (
                    "members_female",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="anggota perempuan"),
                ),
                ("employees", models.PositiveIntegerField(blank=True, null=True, verbose_name="karyawan")),
                ("managers", models.PositiveIntegerField(blank=True, null=True, verbose_name="manajer")),
                ("modal_sendiri", models.BigIntegerField(blank=True, null=True, verbose_name="modal sendiri (Rp)")),
                ("modal_luar", models.BigIntegerField(blank=True, null=True, verbose_name="modal luar (Rp)")),
                ("total_assets", models.BigIntegerField(blank=True, null=True, verbose_name="total aset (Rp)")),
                ("business_volume", models.BigIntegerField(blank=True, null=True, verbose_name="volume usaha (Rp)")),
                ("revenue", models.BigIntegerField(blank=True, null=True, verbose_name="pendapatan (Rp)")),
                ("expenses", models.BigIntegerField(blank=True, null=True, verbose_name="biaya (Rp)")),
                (
                    "shu",
                    models.BigIntegerField(
                        blank=True, help_text="Boleh negatif (rugi).", null=True, verbose_name="SHU (Rp)"
                    ),
                ),
                ("cash", models.BigIntegerField(blank=True, null=True, verbose_name="kas (Rp)")),
                (
                    "rat_date",
                    models.DateField(
                        blank=True,
                        help_text="Kosongkan bila RAT tidak diadakan.",
                        null=True,
                        verbose_name="tanggal RAT",
                    ),
                ),
                ("rat_attendance", models.PositiveIntegerField(blank=True, null=True, verbose_name="hadir dalam RAT")),
                ("rat_quorum", models.BooleanField(blank=True, null=True, verbose_name="RAT kuorum")),
                ("rat_decisions", models.TextField(blank=True, max_length=4000, verbose_name="keputusan RAT")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="dibuat"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="diperbarui")),
                ("submitted_at", models.DateTimeField(blank=True, null=True, verbose_name="disampaikan")),
                ("reviewed_at", models.DateTimeField(blank=True, null=True, verbose_name="ditinjau")),
                ("review_note", models.TextField(blank=True, verbose_name="catatan Dinas")),
                ("version", models.PositiveIntegerField(default=1, editable=False, verbose_name="versi")),
                (
                    "cooperative",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="submissions",
                        to="registry.cooperative",
                        verbose_name="koperasi",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="dibuat oleh",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="ditinjau oleh",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="disampaikan oleh",
                    ),
                ),
                (
                    "yearly_report",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="submissions",
                        to="registry.yearlyreport",
                        verbose_name="laporan tahunan",
                    ),
                ),
            ],
            options={
                "verbose_name": "laporan dari koperasi",
                "verbose_name_plural": "laporan dari koperasi",
                "ordering": ["-year", "-created_at"],
                "permissions": [("review_submission", "Dapat meninjau laporan dari koperasi")],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "diterima"), _negated=True),
                        fields=("cooperative", "year"),
                        name="submission_one_open_per_year",
                        violation_error_message="Laporan tahun buku ini sedang disiapkan atau ditinjau.",
                    )
                ],
            },
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
