"""Data-quality warnings: whether a member's NIK agrees with their birth date and sex (filled for the
members already recorded), and the permission to read the district's data-quality list."""

from django.db import migrations, models

from registry.roles import sync_roles


def compare_recorded_niks(apps, schema_editor):
    """Fill the check for members already recorded: decrypt each NIK once, in chunks."""
    from registry import data_quality
    from registry import nik as nik_codec

    Member = apps.get_model("registry", "Member")
    last = 0
    while True:
        chunk = list(Member.objects.filter(pk__gt=last, has_nik=True).order_by("pk")
                     .only("id", "nik_encrypted", "birth_date", "sex")[:2000])
        if not chunk:
            return
        for member in chunk:
            member.nik_birth_agrees = data_quality.nik_birth_agrees(
                nik_codec.decrypt_nik(member.nik_encrypted), member.birth_date, member.sex)
        Member.objects.bulk_update(chunk, ["nik_birth_agrees"])
        last = chunk[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0020_cooperative_founded_on'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalmember',
            name='nik_birth_agrees',
            field=models.BooleanField(blank=True, editable=False, null=True, verbose_name='bagian lahir NIK cocok'),
        ),
        migrations.AddField(
            model_name='member',
            name='nik_birth_agrees',
            field=models.BooleanField(blank=True, editable=False, null=True, verbose_name='bagian lahir NIK cocok'),
        ),
        migrations.RunPython(compare_recorded_niks, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name='cooperative',
            options={
                'ordering': ['name', 'id'],
                'permissions': [
                    ('view_dashboard', 'Dapat melihat dasbor kabupaten'),
                    ('export_data', 'Dapat mengekspor data'),
                    ('change_status', 'Dapat mengubah status koperasi'),
                    ('revert_change', 'Dapat mengembalikan satu perubahan dari riwayat'),
                    ('view_data_quality', 'Dapat melihat daftar mutu data kabupaten'),
                ],
                'verbose_name': 'koperasi',
                'verbose_name_plural': 'koperasi',
            },
        ),
        # The new permission reaches Admin Dinas (all registry permissions).
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
