"""Benchmark `seed_demo` at national scale on PostgreSQL: time, rows per second, peak memory.

    .venv/bin/python benchmarks/seed_scale.py [--cooperatives 130000] [--members-per-cooperative 23] [--fresh]

The database comes from DATABASE_URL (default postgres://postgres@127.0.0.1:5432/kutim_bench_seed);
it is created when missing, migrated, then seeded. `--fresh` drops and recreates it first, and
only for a database whose name contains "bench", so a slip of DATABASE_URL cannot drop real data.
Without `--fresh` a second run measures the idempotent path (nothing to add).
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kutim_bench_seed"


def prepare_database(url, *, fresh):
    """Create the database if missing (dropping it first with `fresh`); return its name."""
    config = dj_database_url.parse(url)
    name = config["NAME"]
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(f"This benchmark needs PostgreSQL, not {config['ENGINE']}.")
    if fresh and "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: --fresh only drops databases named *bench*.")
    maintenance = psycopg.connect(
        dbname="postgres", user=config["USER"] or None, password=config["PASSWORD"] or None,
        host=config["HOST"] or None, port=config["PORT"] or None, autocommit=True,
    )
    with maintenance:
        if fresh:
            maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        exists = maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cooperatives", type=int, default=130_000)
    parser.add_argument("--members-per-cooperative", type=int, default=23)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the benchmark database first")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    name = prepare_database(url, fresh=args.fresh)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # development settings: the demo seed refuses production's
    sys.path.insert(0, str(PROJECT))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from registry.models import (
        Assessment,
        BoardMember,
        Cooperative,
        Finding,
        ImportBatch,
        IndicatorScore,
        Member,
        Partnership,
        StatusChange,
        Training,
        TrainingParticipant,
        YearlyReport,
    )

    models = (Cooperative, Cooperative.history.model, StatusChange, YearlyReport, BoardMember, Member, Assessment,
              IndicatorScore, Partnership, Training, TrainingParticipant, Finding, ImportBatch)

    def rows():
        return {model._meta.db_table: model.objects.count() for model in models}

    call_command("migrate", verbosity=0)
    before = rows()
    print(f"Seeding {name}: {args.cooperatives:,} cooperatives x {args.members_per_cooperative} members "
          f"(DEBUG={settings.DEBUG})", flush=True)
    started = time.monotonic()
    call_command(
        "seed_demo", cooperatives=args.cooperatives, members_per_cooperative=args.members_per_cooperative,
        yes=True,
    )
    seconds = time.monotonic() - started
    after = rows()
    written = sum(after.values()) - sum(before.values())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB

    print()
    for table, count in after.items():
        print(f"  {table:<32} {count:>12,} rows (+{count - before[table]:,})")
    print(f"Time:       {seconds:,.1f} s")
    print(f"Rows:       {written:,} written, {written / seconds:,.0f} rows/s, "
          f"{(after['registry_cooperative'] - before['registry_cooperative']) / seconds:,.0f} cooperatives/s")
    print(f"Peak RSS:   {peak_mib:,.0f} MiB")
    print(f"Database:   {size / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
