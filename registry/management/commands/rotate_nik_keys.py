"""python manage.py rotate_nik_keys: re-encrypt every stored NIK under the newest NIK_ENCRYPTION_KEY."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.key_check import key_problems
from registry.services.key_rotation import CHUNK, rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypt members' NIKs, their history rows, import rows and pending uploads under the first key of "
        "NIK_ENCRYPTION_KEY (set it to 'new,old' and restart first), in chunks, with progress. Safe while the "
        "site runs; run it again to continue after an interruption. Then remove the old key (README.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=CHUNK, help=f"Rows per transaction (default {CHUNK}).")

    def progress(self, name, done, total):
        width = 30
        filled = width * done // total if total else width
        percent = 100 * done // total if total else 100
        line = f"{name:<22} [{'#' * filled}{'.' * (width - filled)}] {percent:3d}% {done}/{total}"
        if getattr(self.stdout, "isatty", lambda: False)():
            self.stdout.write("\r" + line, ending="\n" if done >= total else "")
        else:
            self.stdout.write(line)

    def handle(self, *args, chunk=CHUNK, **options):
        if chunk < 1:
            raise CommandError("--chunk must be at least 1.")
        problems = key_problems()
        if problems:
            raise CommandError(" ".join(problems))
        if len(settings.NIK_ENCRYPTION_KEYS) < 2:
            self.stdout.write("Only one key in NIK_ENCRYPTION_KEY: values already under it are left as they are. "
                              "To rotate, set NIK_ENCRYPTION_KEY=new,old, restart, then run this command.")
        results = rotate_all(chunk=chunk, progress=self.progress)
        unreadable = False
        for name, counts in results.items():
            self.stdout.write(f"{name}: {counts.rotated} re-encrypted, {counts.current} already under the newest key"
                              + (f", {len(counts.unreadable)} unreadable (ids {counts.unreadable[:20]})"
                                 if counts.unreadable else ""))
            unreadable = unreadable or bool(counts.unreadable)
        if unreadable:
            raise CommandError("Some values no configured key decrypts: keep every old key until they are "
                               "explained (README.md, 'When a NIK key is lost').")
        self.stdout.write("Every stored value is under the newest key: the old key(s) may now be removed from "
                          "NIK_ENCRYPTION_KEY (restart after).")
