"""The key-check value of the NIK keys (registry.key_check): written after migrate, not here."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0026_cooperative_submissions"),
    ]

    operations = [
        migrations.CreateModel(
            name="NikKeyCheck",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("encrypted", models.TextField(verbose_name="nilai uji terenkripsi")),
                ("hash", models.CharField(max_length=64, verbose_name="nilai uji hash")),
                ("written_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="ditulis")),
            ],
            options={
                "verbose_name": "nilai uji kunci NIK",
                "default_permissions": (),
            },
        ),
    ]
