"""Plain builders for test records: sensible defaults, any field overridable."""

import datetime
import itertools

from django.contrib.auth.models import Group

from registry.models import BoardMember, Cooperative, Desa, Kecamatan, Member, User, YearlyReport

_counter = itertools.count(1)

SANGATTA_UTARA = "64.08.04"
SANGATTA_SELATAN = "64.08.12"
MUARA_WAHAU = "64.08.02"
PASSWORD = "kata-sandi-uji-panjang"


def make_user(role=None, *, kecamatan=(), username=None, **fields):
    """A user in a role group ("Petugas", "Pimpinan", ...), optionally limited to kecamatan codes."""
    user = User.objects.create_user(
        username=username or f"user{next(_counter)}", password=PASSWORD, **fields
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    if kecamatan:
        user.kecamatan.set(Kecamatan.objects.filter(code__in=kecamatan))
    return user


def first_desa(kecamatan_code):
    return Desa.objects.filter(kecamatan_id=kecamatan_code).order_by("code").first()


def make_cooperative(*, kecamatan=SANGATTA_UTARA, **fields):
    n = next(_counter)
    defaults = {
        "name": f"Koperasi Uji {n}",
        "jenis": Cooperative.Jenis.PRODUCER,
        "kelompok": Cooperative.Kelompok.PLANTATION,
        "sector": Cooperative.Sector.PALM_OIL,
        "palm_oil": True,
        "status": Cooperative.Status.ACTIVE,
    }
    defaults.update(fields)
    if "desa" not in defaults:
        defaults["desa"] = first_desa(kecamatan)
    return Cooperative.objects.create(**defaults)


def make_member(cooperative, *, nik=None, **fields):
    defaults = {"name": f"Anggota {next(_counter)}", "sex": "L"}
    defaults.update(fields)
    member = Member(cooperative=cooperative, **defaults)
    member.nik = nik
    member.save()
    return member


def make_board_member(cooperative, role, **fields):
    defaults = {"name": f"Pengurus {next(_counter)}", "term_start": datetime.date(2023, 1, 1)}
    defaults.update(fields)
    return BoardMember.objects.create(cooperative=cooperative, role=role, **defaults)


def make_report(cooperative, year, **fields):
    return YearlyReport.objects.create(cooperative=cooperative, year=year, **fields)
