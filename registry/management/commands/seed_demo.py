"""`python manage.py seed_demo`: the demo district of Kutai Timur (never run it in production)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from registry.demo.accounts import DEMO_PASSWORD, ensure_demo_accounts
from registry.demo.assessments import seed_assessments
from registry.demo.cooperatives import MAX_COOPERATIVES
from registry.demo.district import CHUNK_SIZE, seed_district
from registry.demo.imports import seed_import_history
from registry.demo.partnerships import seed_partnerships, seed_partnerships_at_scale
from registry.demo.portal import seed_portal
from registry.demo.profiles import DEFAULT_SEED, DISTRICT_SIZE, FIRST_REPORT_YEAR
from registry.models import BoardMember, Cooperative, Member, YearlyReport, last_full_year
from registry.services.summary import summary_refresh

# Scale mode assesses the last book years (the demo district: three). Each year is about 2.7 million
# indicator scores at national size: see docs/benchmarks.md for the time one takes.
SCALE_ASSESSED_YEARS = 1


class Command(BaseCommand):
    help = (
        "Build the demo district of Kutai Timur: 1,150 cooperatives (667 active) with yearly reports "
        "from 2019, boards, status history, listed members and the demo accounts (password "
        f"'{DEMO_PASSWORD}'). Deterministic and idempotent: a second run adds only what is missing. "
        "With --members-per-cooperative it scales up for benchmarks. Fictitious data: never in production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cooperatives", type=int, default=DISTRICT_SIZE,
            help=f"How many cooperatives (default {DISTRICT_SIZE}, the 2021 figure).",
        )
        parser.add_argument(
            "--members-per-cooperative", type=int, default=None, metavar="M",
            help="List M members in every cooperative (scale mode, no history rows; partnerships, trainings and "
            "findings at the demo's rate per cooperative, the last book year's assessments, finished imports). "
            "Default: 10-60 members for about a quarter of the cooperatives.",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED,
            help=f"Random seed (default {DEFAULT_SEED}). One database holds one seed's district.",
        )
        parser.add_argument(
            "--until-year", type=int, default=None,
            help="Last book year with yearly reports; the district is drawn as it stood at its end "
            "(default: the last full year).",
        )
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Seed only a database without any cooperative (make run): never mix demo and real records.",
        )
        parser.add_argument(
            "--yes", action="store_true",
            help="Confirm when DEBUG is off (the settings look like production).",
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        cooperatives = options["cooperatives"]
        members = options["members_per_cooperative"]
        until_year = options["until_year"] or last_full_year(today)
        if not 0 < cooperatives <= MAX_COOPERATIVES:
            raise CommandError(f"--cooperatives must be between 1 and {MAX_COOPERATIVES:,}.")
        if members is not None and members < 0:
            raise CommandError("--members-per-cooperative cannot be negative.")
        if not FIRST_REPORT_YEAR <= until_year <= last_full_year(today):
            raise CommandError(
                f"--until-year must be a full book year between {FIRST_REPORT_YEAR} and {last_full_year(today)}."
            )
        if not settings.DEBUG:
            self.stderr.write(self.style.WARNING(
                "DEBUG is off: these settings look like production. seed_demo writes fictitious "
                f"cooperatives, members and accounts with the known password '{DEMO_PASSWORD}'."
            ))
            if not options["yes"]:
                raise CommandError("Refusing to seed demo data without --yes. Never do this on the office's database.")
        if options["if_empty"] and Cooperative.objects.exists():
            count = Cooperative.objects.count()
            self.stdout.write(f"The database already holds {count:,} cooperatives: --if-empty leaves it as it is.")
            return

        started = time.monotonic()
        chunks = -(-cooperatives // CHUNK_SIZE)

        def progress(done, created):
            if chunks > 1 and options["verbosity"] >= 1:
                self.stdout.write(f"  {done:,}/{cooperatives:,} cooperatives, {created['member']:,} members written")

        result = seed_district(
            cooperatives=cooperatives, members_per_cooperative=members, seed=options["seed"],
            until_year=until_year, today=today, progress=progress,
        )
        accounts = ensure_demo_accounts()
        self._summary(result, accounts, cooperatives, time.monotonic() - started)
        # Partnerships, kecamatan neighbours, trainings and findings: once per database,
        # before the assessments, whose trained-board, partnership and findings indicators read them.
        self.stdout.write(f"Added: {seed_partnerships(seed=options['seed'], today=today)}")
        if members is not None:  # scale mode: the same for every further block of the demo district's size
            self._timed("partnerships, trainings and findings at scale",
                        lambda: seed_partnerships_at_scale(seed=options["seed"], today=today))
        self.stdout.write(f"Added: {seed_portal(today=today, seed=options['seed'])}")
        if members is None:
            assessed = seed_assessments(seed=options["seed"], today=today)
            self.stdout.write(f"Assessments of the last three book years: {assessed.created:,} added.")
        else:
            # Millions of indicator rows at national size: the last book year only, without history rows.
            last = last_full_year(today)
            years = list(range(last - SCALE_ASSESSED_YEARS + 1, last + 1))
            self._timed(f"assessments of {', '.join(map(str, years))}", lambda: seed_assessments(
                years=years, seed=options["seed"], today=today, with_history=False))
            self._timed("finished imports", lambda: seed_import_history(
                cooperatives=cooperatives, seed=options["seed"], today=today))
        # The dashboard sums precomputed figures: count the district just seeded,
        # last, after every kind of record.
        refreshed = summary_refresh()  # single-flight: waits for a refresh running elsewhere
        self.stdout.write(f"Dashboard summary refreshed: {refreshed.cells:,} rows in {refreshed.seconds:.1f} s.")

    def _timed(self, what, seed):
        started = time.monotonic()
        result = seed()
        self.stdout.write(f"Added {what}: {result} in {time.monotonic() - started:.1f} s.")

    def _summary(self, result, accounts, cooperatives, seconds):
        created = result.created
        if not created and not accounts:
            self.stdout.write(self.style.SUCCESS(
                f"Nothing to add: the {cooperatives:,} demo cooperatives and the demo accounts are already present."
            ))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Added {created['cooperatives']:,} cooperatives ({created['active']:,} active; "
                f"{result.skipped:,} already present), {created['yearlyreport']:,} yearly reports, "
                f"{created['boardmember']:,} board members, {created['member']:,} members, "
                f"{created['statuschange']:,} status changes; accounts created: {', '.join(accounts) or 'none'}."
            ))
        total = Cooperative.objects.count()
        active = Cooperative.objects.filter(status=Cooperative.Status.ACTIVE).count()
        self.stdout.write(
            f"In the database: {total:,} cooperatives ({active:,} active), {Member.objects.count():,} members, "
            f"{YearlyReport.objects.count():,} yearly reports, {BoardMember.objects.count():,} board members. "
            f"Time: {seconds:.1f} s."
        )
