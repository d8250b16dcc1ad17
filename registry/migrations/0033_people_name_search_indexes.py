"""Trigram indexes for searching members and board members by name (PostgreSQL only).

Django admin's search is icontains, written as UPPER(col::text) LIKE UPPER('%word%'), as for the
cooperatives (0005): without an index on that expression a search reads all 3 million members at
national size. SQLite has no pg_trgm: skipped there.
"""

from django.db import migrations

TRIGRAM_COLUMNS = [("registry_member", "name"), ("registry_boardmember", "name")]


def index_name(table, column):
    return f"{table.removeprefix('registry_')}_{column}_trgm"


def add_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in TRIGRAM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index_name(table, column)} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index_name(table, column)}")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0032_change_requests"),
    ]

    operations = [migrations.RunPython(add_search_indexes, drop_search_indexes)]
