"""python manage.py nik_key_check: whether the NIK keys fit the database; after a key loss, accept new keys."""

from django.core.management.base import BaseCommand, CommandError

from registry.key_check import key_problems, write_key_check
from registry.models import Member
from registry.nik import decrypt_nik


class Command(BaseCommand):
    help = (
        "Check NIK_ENCRYPTION_KEY and NIK_HASH_KEY against the key-check value in the database (exit 1 on a "
        "mismatch). With --accept-lost-key, after a key was lost for good, write the value again under the "
        "configured keys so that the application starts (README.md, 'When a NIK key is lost')."
    )

    def add_arguments(self, parser):
        parser.add_argument("--accept-lost-key", action="store_true",
                            help="The old key is gone for good: start with the configured keys; NIKs stored "
                                 "under the lost key stay unreadable until entered again.")

    def handle(self, *args, accept_lost_key=False, **options):
        problems = key_problems()
        if not accept_lost_key:
            if problems:
                raise CommandError(" ".join(problems))
            self.stdout.write("The NIK keys fit the database.")
            return
        if not problems:
            self.stdout.write("The NIK keys fit the database: nothing to accept.")
            return
        unreadable = sum(1 for token in Member.objects.filter(has_nik=True).values_list("nik_encrypted", flat=True)
                         .iterator(chunk_size=2000) if decrypt_nik(token) is None)
        write_key_check(verify=False)
        self.stdout.write(f"Key-check value written under the configured keys. {unreadable} stored NIKs cannot be "
                          "read with them: record the loss as a personal-data incident and have them entered again "
                          "(docs/deploy.md, 'When the NIK keys are lost').")
