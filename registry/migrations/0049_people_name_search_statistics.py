"""Finer statistics for the name searches of members and board members (PostgreSQL only).

A search of the member list (`?q=siti`) is `UPPER(name) LIKE '%SITI%'` ordered by cooperative and
name, 50 a page. PostgreSQL picks its plan from how many members it expects to match: many, and it
walks the list in its order and stops at the page's 51st match; few, and it reads every match
through the trigram index and sorts them. It estimates a `LIKE` with a leading wildcard from the
sample of names ANALYZE keeps for the index's expression (at the default target, 100 common names
and 100 histogram bounds). A word in about 1% of 3 million names, but in none of those 200 sampled
names, was estimated at 231 matches instead of 21,329 after a fresh seed: the page read and sorted
all 21,329 members (181 ms of SQL instead of 2 ms; docs/benchmarks.md, "The member search's
estimate"). Which word falls through the sample changes with every ANALYZE, so the same search was
fast on one day and slow the next.

With up to 1,000 common names and 1,000 histogram bounds (972 and 203 on the national database,
whose 1,175 distinct names they then nearly all cover) the estimate follows the names as they are. The
price: ANALYZE of these tables samples 300,000 rows instead of 30,000 (seconds at national size,
once per autovacuum), and planning a name search matches the pattern against up to 2,000 sampled
names (a few tenths of a millisecond). SQLite has no such statistics: skipped there.
"""

from django.db import migrations

# The trigram indexes of migration 0033, on UPPER(name): their one column is the expression the
# searches' LIKE is estimated from.
NAME_SEARCH_INDEXES = [("registry_member", "member_name_trgm"), ("registry_boardmember", "boardmember_name_trgm")]
STATISTICS_TARGET = 1000


def set_statistics(target):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, index in NAME_SEARCH_INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} ALTER COLUMN 1 SET STATISTICS {int(target)}")
            # At once, not at the next autovacuum: until then the old sample would still decide.
            # ANALYZE in the transaction that changed the target still samples at the old one
            # (seen on PostgreSQL 15): hence a migration outside a transaction, each statement
            # committed before the next.
            schema_editor.execute(f"ANALYZE {table}")

    return apply


class Migration(migrations.Migration):
    atomic = False  # see `set_statistics`; each statement can be run again safely

    dependencies = [
        ("registry", "0048_finding_kecamatan"),
    ]

    operations = [migrations.RunPython(set_statistics(STATISTICS_TARGET), set_statistics(-1))]
