"""python manage.py purge_personal_data: erase members who left more than the retention period ago."""

from django.conf import settings
from django.core.management.base import BaseCommand

from registry.services.erasure import erase_past_retention, members_past_retention, retention_cutoff


class Command(BaseCommand):
    help = (
        "Erase the personal data (name, NIK, birth date, desa, member number, sex) of members who left "
        "more than PERSONAL_DATA_RETENTION_YEARS years ago, everywhere it is stored, each erasure logged "
        "(docs/personal-data.md, Retention). Run daily by the purge timer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=None,
                            help=f"Retention in years (default PERSONAL_DATA_RETENTION_YEARS, "
                                 f"now {settings.PERSONAL_DATA_RETENTION_YEARS}).")
        parser.add_argument("--dry-run", action="store_true", help="Only count the members that would be erased.")

    def handle(self, *args, years=None, dry_run=False, **options):
        if years is not None and years < 1:
            self.stderr.write("--years must be at least 1.")
            raise SystemExit(2)
        cutoff = retention_cutoff(years=years)
        if dry_run:
            count = members_past_retention(years=years).count()
            self.stdout.write(f"would erase {count} members who left before {cutoff:%Y-%m-%d}")
            return
        erased = erase_past_retention(years=years)
        self.stdout.write(f"erased {erased} members who left before {cutoff:%Y-%m-%d}")
