"""A cooperative's founding date and where it comes from: the legal entity date, else the day it
was registered in the system (its creation), in the office's time zone. History rows get the same."""

import django.utils.timezone
from django.db import migrations, models
from django.utils import timezone


def fill_founded_on(apps, schema_editor):
    for name in ("Cooperative", "HistoricalCooperative"):
        model = apps.get_model("registry", name)
        rows = []
        for row in model.objects.only("pk", "legal_entity_date", "created_at").iterator(chunk_size=2000):
            if row.legal_entity_date:
                row.founded_on, row.founded_on_source = row.legal_entity_date, "badan_hukum"
            else:
                row.founded_on, row.founded_on_source = timezone.localdate(row.created_at), "terdaftar"
            rows.append(row)
            if len(rows) == 2000:
                model.objects.bulk_update(rows, ["founded_on", "founded_on_source"])
                rows = []
        model.objects.bulk_update(rows, ["founded_on", "founded_on_source"])


FOUNDED_ON = dict(
    db_index=True, default=django.utils.timezone.localdate, editable=False,
    help_text="Tanggal badan hukum; bila belum diisi, tanggal koperasi didaftarkan di sistem.",
    verbose_name="berdiri sejak",
)
SOURCE = dict(
    choices=[("badan_hukum", "tanggal badan hukum"), ("terdaftar", "tanggal didaftarkan di sistem")],
    default="terdaftar", editable=False, max_length=12, verbose_name="sumber tanggal berdiri",
)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0019_nik_masks_and_searches"),
    ]

    operations = [
        migrations.AddField(model_name="cooperative", name="founded_on", field=models.DateField(**FOUNDED_ON)),
        migrations.AddField(
            model_name="cooperative", name="founded_on_source", field=models.CharField(**SOURCE),
        ),
        migrations.AddField(
            model_name="historicalcooperative", name="founded_on", field=models.DateField(**FOUNDED_ON),
        ),
        migrations.AddField(
            model_name="historicalcooperative", name="founded_on_source", field=models.CharField(**SOURCE),
        ),
        migrations.RunPython(fill_founded_on, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="cooperative",
            constraint=models.CheckConstraint(
                condition=models.Q(founded_on_source="badan_hukum", founded_on=models.F("legal_entity_date"))
                | models.Q(founded_on_source="terdaftar", legal_entity_date__isnull=True),
                name="cooperative_founded_on_follows_legal_entity_date",
                violation_error_message="Tanggal berdiri harus sama dengan tanggal badan hukum bila ada.",
            ),
        ),
    ]
