"""Board accounts of the cooperatives' portal, and the role group Pengurus Koperasi."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from registry.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0022_training_area_and_assessment_submitter"),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalCooperativeAccount",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="email")),
                ("code_expires_at", models.DateTimeField(verbose_name="kode berlaku sampai")),
                ("code_used_at", models.DateTimeField(blank=True, null=True, verbose_name="kode dipakai")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="dibuat"),
                ),
                ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="berakhir")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "board_member",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="registry.boardmember",
                        verbose_name="masa jabatan",
                    ),
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
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="pengguna",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical akun pengurus koperasi",
                "verbose_name_plural": "historical akun pengurus koperasi",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="CooperativeAccount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="email")),
                (
                    "code_hash",
                    models.CharField(editable=False, max_length=64, unique=True, verbose_name="hash kode undangan"),
                ),
                ("code_expires_at", models.DateTimeField(verbose_name="kode berlaku sampai")),
                ("code_used_at", models.DateTimeField(blank=True, null=True, verbose_name="kode dipakai")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="dibuat"),
                ),
                ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="berakhir")),
                (
                    "board_member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="accounts",
                        to="registry.boardmember",
                        verbose_name="masa jabatan",
                    ),
                ),
                (
                    "cooperative",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="accounts",
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
                    "user",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cooperative_account",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="pengguna",
                    ),
                ),
            ],
            options={
                "verbose_name": "akun pengurus koperasi",
                "verbose_name_plural": "akun pengurus koperasi",
                "ordering": ["cooperative", "-created_at"],
                "permissions": [("use_portal", "Dapat memakai portal koperasi")],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("ended_at__isnull", True)),
                        fields=("board_member",),
                        name="cooperativeaccount_one_per_term",
                        violation_error_message="Pengurus ini sudah punya akun atau undangan yang berlaku.",
                    )
                ],
            },
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
