"""python manage.py refresh_summary: recompute the dashboard's summary figures."""

from django.core.management.base import BaseCommand

from registry.services.summary import summary_refresh


class Command(BaseCommand):
    help = "Recompute the dashboard's summary figures from the registry (run after imports, and nightly)."

    def handle(self, *args, **options):
        run = summary_refresh()
        self.stdout.write(self.style.SUCCESS(f"Summary refreshed: {run.cells:,} rows in {run.seconds:.2f} s."))
