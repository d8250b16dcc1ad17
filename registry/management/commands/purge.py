"""python manage.py purge: remove what is kept only for a while (hourly timer, docs/deploy.md)."""

from django.core.management.base import BaseCommand, CommandError

from registry.services.purge import purge


class Command(BaseCommand):
    help = (
        "Delete abandoned uploads, expired export files (their logs stay), finished task rows older than "
        "14 days (failed: 30) and expired sessions; mark exports that never finished as failed."
    )

    def handle(self, *args, **options):
        done = purge()
        self.stdout.write(" ".join(f"{name}={value}" for name, value in done.items()))
        failed = [name for name, value in done.items() if isinstance(value, str)]
        if failed:
            raise CommandError(f"Purge failed for: {', '.join(failed)} (see the log).")
