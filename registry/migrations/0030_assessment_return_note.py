"""An assessment returned by the verifier: its own status (unlocked for the assessor) and the note,
who returned it and when, shown on the entry page. History rows get the same."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

RETURNED_BY = dict(blank=True, null=True, related_name="+", to=settings.AUTH_USER_MODEL,
                   verbose_name="dikembalikan oleh")
STATUS = dict(
    choices=[("draf", "Draf"), ("diajukan", "Diajukan"), ("dikembalikan", "Dikembalikan"),
             ("diverifikasi", "Diverifikasi")],
    db_index=True, default="draf", max_length=12, verbose_name="status",
)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0029_office_settings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *(
            operation
            for model in ("assessment", "historicalassessment")
            for operation in (
                migrations.AddField(
                    model_name=model, name="return_note",
                    field=models.TextField(blank=True, verbose_name="catatan pengembalian"),
                ),
                migrations.AddField(
                    model_name=model, name="returned_at",
                    field=models.DateTimeField(blank=True, null=True, verbose_name="dikembalikan pada"),
                ),
                migrations.AlterField(model_name=model, name="status", field=models.CharField(**STATUS)),
            )
        ),
        migrations.AddField(
            model_name="assessment", name="returned_by",
            field=models.ForeignKey(on_delete=django.db.models.deletion.SET_NULL, **RETURNED_BY),
        ),
        migrations.AddField(
            model_name="historicalassessment", name="returned_by",
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                    **RETURNED_BY),
        ),
    ]
