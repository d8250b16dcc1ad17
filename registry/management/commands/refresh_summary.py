"""python manage.py refresh_summary: recompute the dashboard's summary figures (the nightly rebuild)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.services.summary import summary_refresh, summary_refresh_request


class Command(BaseCommand):
    help = (
        "Recompute the dashboard's summary figures from the registry (nightly). Single-flight: waits for a "
        "refresh already running elsewhere, then runs. --queue hands it to the task worker instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="store_true", help="Queue the refresh for the task worker and return.")
        parser.add_argument(
            "--wait", type=float, default=None,
            help="Seconds to wait for a refresh already running (default: as long as its lease).",
        )
        parser.add_argument(
            "--read-from", default=None,
            help="Database alias the records are read from (default: the read replica when DATABASE_REPLICA_URL "
                 "is set, else the primary). The figures are always written to the primary.",
        )

    def handle(self, *args, queue, wait, read_from, **options):
        if queue:
            result = summary_refresh_request()
            self.stdout.write("A refresh was already queued." if result is None else f"Queued: task {result.id}.")
            return
        run = summary_refresh(wait=wait, read_from=read_from or settings.REPLICA_DATABASE)
        if run is None:
            raise CommandError("Another summary refresh kept running; nothing done (try again, or --wait longer).")
        self.stdout.write(self.style.SUCCESS(f"Summary refreshed: {run.cells:,} rows in {run.seconds:.2f} s."))
