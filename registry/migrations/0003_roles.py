"""Create the roles of the office as groups with their permissions (registry/roles.py).

Accounts are never created here: demo accounts come only from `seed_demo`.
"""

from django.db import migrations

from registry.roles import ROLES, sync_roles


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_regions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(sync_roles, remove_roles)]
