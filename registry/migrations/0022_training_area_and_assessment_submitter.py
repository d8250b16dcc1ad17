"""Who submitted an assessment (so that they do not verify it too), and the kecamatan a training is
held in (the area in which it may be changed). History rows get the same."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SUBMITTED_BY = dict(blank=True, null=True, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="diajukan oleh")
TRAINING_KECAMATAN = dict(
    blank=True, null=True, to="registry.kecamatan", verbose_name="kecamatan penyelenggaraan",
    help_text="Kosongkan untuk pelatihan tingkat kabupaten. Petugas kecamatan hanya dapat mengubah pelatihan "
    "di kecamatannya.",
)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0021_member_nik_birth_check"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="submitted_by",
            field=models.ForeignKey(on_delete=django.db.models.deletion.SET_NULL, **SUBMITTED_BY),
        ),
        migrations.AddField(
            model_name="historicalassessment",
            name="submitted_by",
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                    **SUBMITTED_BY),
        ),
        migrations.AddField(
            model_name="historicaltraining",
            name="kecamatan",
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                    **{**TRAINING_KECAMATAN, "related_name": "+"}),
        ),
        migrations.AddField(
            model_name="training",
            name="kecamatan",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="trainings",
                                    **TRAINING_KECAMATAN),
        ),
    ]
