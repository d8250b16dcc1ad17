"""Load the kecamatan and desa/kelurahan of Kutai Timur and the known spelling aliases.

The source is the project's own copy of the Kemendagri list (registry/data/README.md). A later
revision of the list comes as a new migration, so every database can say which list it holds.
"""

import csv
from pathlib import Path

from django.db import migrations

SOURCE = Path(__file__).resolve().parent.parent / "data" / "kutim_wilayah.tsv"

# Spellings seen in the office's spreadsheets (domain brief): accepted on import.
ALIASES = {"Kongbeng": "Kombeng", "Bangalon": "Bengalon", "Sengata": "Sangatta"}


def load_regions(apps, schema_editor):
    Kecamatan = apps.get_model("registry", "Kecamatan")
    Desa = apps.get_model("registry", "Desa")
    RegionAlias = apps.get_model("registry", "RegionAlias")
    with SOURCE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    kecamatan = [Kecamatan(code=r["code"], name=r["name"]) for r in rows if r["level"] == "kecamatan"]
    Kecamatan.objects.bulk_create(kecamatan)
    desa = [
        Desa(code=r["code"], name=r["name"], kecamatan_id=r["code"][:8], level=r["level"])
        for r in rows
        if r["level"] in ("desa", "kelurahan")
    ]
    Desa.objects.bulk_create(desa)
    RegionAlias.objects.bulk_create(RegionAlias(alias=a, canonical=c) for a, c in ALIASES.items())


def unload_regions(apps, schema_editor):
    apps.get_model("registry", "RegionAlias").objects.all().delete()
    apps.get_model("registry", "Desa").objects.all().delete()
    apps.get_model("registry", "Kecamatan").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load_regions, unload_regions)]
