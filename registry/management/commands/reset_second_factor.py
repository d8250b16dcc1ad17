"""`python manage.py reset_second_factor USERNAME`: when the last Admin Dinas lost phone and backup codes."""

from django.core.management.base import BaseCommand, CommandError

from registry.models import User
from registry.services.second_factor import second_factor_reset


class Command(BaseCommand):
    help = (
        "Remove every second-factor device and backup code of a user (a lost phone). An Admin Dinas "
        "enrols again at the next sign-in. In /admin/ the same is the accounts' action "
        "'Atur ulang verifikasi dua langkah'; this command is for when no Admin Dinas can sign in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        removed = second_factor_reset(user=user)
        self.stdout.write(self.style.SUCCESS(
            f"{username}: {removed} device(s) removed; an Admin Dinas enrols again at the next sign-in."
        ))
