"""An index the cooperative list's search walks in name order without reading the table (PostgreSQL only).

The search is icontains over three columns, `UPPER(col::text) LIKE UPPER('%word%')`. A word in
many names ("sawit": 40% of them at national size, none among the first 29,000 in name order) is
answered by walking the names in order and testing each row: through the name index that reads
the table and computes UPPER three times per row (47 ms for the first page), and the trigram
indexes (0005) find the matches but not their order. This index holds the name order, the id that
breaks its ties and the three UPPER values already computed; the columns themselves are included
because PostgreSQL answers from an index alone only when every column the query names is in it.
The list reads the ids of the first 10,001 matches from it (registry/paginators.py,
MatchingIdsPaginator). SQLite has no such need: skipped there.
"""

from django.db import migrations

INDEX = "cooperative_search_walk"


def add_search_walk_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_cooperative "
        "(name, id, UPPER(name::text), UPPER(nomor_induk::text), UPPER(legal_entity_number::text)) "
        "INCLUDE (nomor_induk, legal_entity_number)"
    )


def drop_search_walk_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0040_cooperative_desa_id_index"),
    ]

    operations = [migrations.RunPython(add_search_walk_index, drop_search_walk_index)]
