"""Masks from stored digits, and the log of searches by NIK.

`nik_last4` keeps the four digits a mask shows beside the ciphertext, so no list, page or masked
export decrypts a NIK (filled here by decrypting each stored NIK once). `NikSearch` logs each
search by full NIK (who, when, its keyed hash, how many memberships it found).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import migrations, models

from registry.roles import sync_roles

CHUNK = 2000


def fill_last4(apps, schema_editor):
    from registry import nik as nik_codec

    for name in ("Member", "HistoricalMember"):
        model = apps.get_model("registry", name)
        pk = model._meta.pk.name
        rows = model.objects.exclude(nik_encrypted="").only(pk, "nik_encrypted").order_by(pk)
        batch = []
        for row in rows.iterator(chunk_size=CHUNK):
            nik = nik_codec.decrypt_nik(row.nik_encrypted)
            if nik is None:
                raise ImproperlyConfigured(
                    f"registry.{name} {row.pk}: the stored NIK cannot be read with NIK_ENCRYPTION_KEY. Migrate with "
                    "the key(s) the NIKs were encrypted with (README.md, Configuration)."
                )
            row.nik_last4 = nik_codec.last4(nik)
            batch.append(row)
            if len(batch) == CHUNK:
                model.objects.bulk_update(batch, ["nik_last4"])
                batch = []
        model.objects.bulk_update(batch, ["nik_last4"])


LAST4 = models.CharField(blank=True, editable=False, max_length=4, verbose_name="4 angka terakhir NIK")


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0018_pending_imports"),
    ]

    operations = [
        migrations.CreateModel(
            name="NikSearch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("searched_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now,
                                                     verbose_name="waktu")),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True, verbose_name="alamat IP")),
                ("nik_hash", models.CharField(blank=True, db_index=True, max_length=64, null=True,
                                              verbose_name="hash NIK")),
                ("found", models.PositiveIntegerField(default=0, verbose_name="keanggotaan ditemukan")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                           to=settings.AUTH_USER_MODEL, verbose_name="oleh")),
            ],
            options={
                "verbose_name": "pencarian NIK",
                "verbose_name_plural": "log pencarian NIK",
                "ordering": ["-searched_at", "-id"],
                "default_permissions": ("view",),
            },
        ),
        migrations.RemoveConstraint(model_name="member", name="member_nik_recorded_or_explicitly_absent"),
        migrations.AddField(model_name="historicalmember", name="nik_last4", field=LAST4),
        migrations.AddField(model_name="member", name="nik_last4", field=LAST4),
        migrations.RunPython(fill_last4, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="member",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("has_nik", True), ("nik_hash__isnull", False),
                             models.Q(("nik_encrypted", ""), _negated=True),
                             models.Q(("nik_last4", ""), _negated=True)),
                    models.Q(("has_nik", False), ("nik_hash__isnull", True), ("nik_encrypted", ""), ("nik_last4", "")),
                    _connector="OR",
                ),
                name="member_nik_recorded_or_explicitly_absent",
            ),
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
