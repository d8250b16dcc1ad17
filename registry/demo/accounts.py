"""The demo sign-ins: one per role, all with the published password (never in production)."""

from dataclasses import dataclass

from django.contrib.auth.models import Group

from ..models import Kecamatan, User

DEMO_PASSWORD = "koperasi-kutim"


@dataclass(frozen=True)
class DemoAccount:
    """A demo sign-in: one role group, optionally limited to some kecamatan."""

    username: str
    first_name: str
    last_name: str
    group: str
    superuser: bool = False
    kecamatan: tuple = ()


DEMO_ACCOUNTS = (
    DemoAccount("admin", "Rahmat", "Hidayat", "Admin Dinas", superuser=True),
    DemoAccount("petugas", "Sri", "Wahyuni", "Petugas"),
    DemoAccount("petugas_sangatta", "Andi", "Baso", "Petugas", kecamatan=("64.08.04", "64.08.12")),
    DemoAccount("pimpinan", "Awang", "Syahrani", "Pimpinan"),
    DemoAccount("verifikator", "Yohanes", "Lejie", "Verifikator"),
)


def ensure_demo_accounts():
    """Create the demo accounts that are missing; existing ones (and their passwords) stay as they are.

    Returns the usernames created.
    """
    created = []
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        create = User.objects.create_superuser if account.superuser else User.objects.create_user
        user = create(
            username=account.username, password=DEMO_PASSWORD,
            first_name=account.first_name, last_name=account.last_name,
        )
        user.groups.add(Group.objects.get(name=account.group))
        if account.kecamatan:
            user.kecamatan.set(Kecamatan.objects.filter(code__in=account.kecamatan))
        created.append(account.username)
    return created
