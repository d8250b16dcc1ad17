"""Plain builders for test records: sensible defaults, any field overridable."""

import datetime
import itertools

from django.contrib.auth.models import Group
from django.db import connection

from registry.models import BoardMember, Cooperative, Desa, Kecamatan, Member, User, YearlyReport

_counter = itertools.count(1)

SANGATTA_UTARA = "64.08.04"
SANGATTA_SELATAN = "64.08.12"
MUARA_WAHAU = "64.08.02"
PASSWORD = "kata-sandi-uji-panjang"
FOUNDED = datetime.date(2005, 3, 1)


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
        # Founded long before any book year a test uses (the time rules refuse records before it).
        "legal_entity_date": FOUNDED,
    }
    defaults.update(fields)
    if "desa" not in defaults:
        defaults["desa"] = first_desa(kecamatan)
    cooperative = Cooperative(**defaults)
    if "founded_on" not in fields:
        cooperative.set_founded_on()
    cooperative.save()
    return cooperative


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


# Partnerships, trainings and findings


def make_outside_party(**fields):
    from registry.models import OutsideParty

    defaults = {"name": f"PT Mitra Uji {next(_counter)}", "kind": OutsideParty.Kind.PLANTATION}
    defaults.update(fields)
    return OutsideParty.objects.create(**defaults)


def make_partnership(cooperative, *, partner=None, outside_party=None, **fields):
    """A partnership with another cooperative (`partner`) or an outside party (a new one by default)."""
    from registry.models import Partnership

    if partner is None and outside_party is None:
        outside_party = make_outside_party()
    defaults = {
        "kind": Partnership.Kind.BETWEEN_COOPERATIVES if partner else Partnership.Kind.PLASMA,
        "status": Partnership.Status.ACTIVE,
        "start_date": datetime.date(2024, 1, 1),
    }
    defaults.update(fields)
    return Partnership.objects.create(
        cooperative=cooperative, partner_cooperative=partner, outside_party=outside_party, **defaults
    )


def make_training(**fields):
    from registry.models import Training

    defaults = {
        "title": f"Bimtek Uji {next(_counter)}", "topic": Training.Topic.MANAGEMENT,
        "start_date": datetime.date(2025, 5, 5), "end_date": datetime.date(2025, 5, 6), "organiser": "Dinas",
    }
    defaults.update(fields)
    return Training.objects.create(**defaults)


def make_participant(training, board_member=None, *, cooperative=None, **fields):
    from registry.models import TrainingParticipant

    cooperative = cooperative or board_member.cooperative
    defaults = {"name": board_member.name if board_member else f"Staf {next(_counter)}", "attended": True}
    defaults.update(fields)
    return TrainingParticipant.objects.create(
        training=training, cooperative=cooperative, board_member=board_member, **defaults
    )


def make_finding(cooperative, **fields):
    from registry.models import Finding

    defaults = {
        "found_on": datetime.date(2025, 1, 10), "description": "Buku kas tidak mutakhir",
        "due_date": datetime.date(2025, 3, 10),
    }
    defaults.update(fields)
    return Finding.objects.create(cooperative=cooperative, **defaults)


def rubric_indicators():
    """The indicators of the rubric the migrations load (in force for every book year), by code."""
    from registry.models import RubricIndicator

    return {i.code: i for i in RubricIndicator.objects.filter(condition__rubric__year=2020)}


def make_board_account(cooperative=None, *, role="ketua", username=None, **term):
    """A board member's running portal account (its user in the group Pengurus Koperasi), bound to
    `cooperative` (a new one in Sangatta Utara by default) through a sitting term of `role`."""
    from django.utils import timezone

    from registry.models import CooperativeAccount
    from registry.services.board_accounts import CODE_VALIDITY, code_hash, new_code

    cooperative = cooperative or make_cooperative()
    board_member = make_board_member(cooperative, role, **term)
    user = make_user("Pengurus Koperasi", username=username, first_name=board_member.name)
    now = timezone.now()
    return CooperativeAccount.objects.create(
        cooperative=cooperative, board_member=board_member, user=user, code_hash=code_hash(new_code()),
        code_expires_at=now + CODE_VALIDITY, code_used_at=now,
    )


def make_submission(cooperative, year, *, status="draf", **fields):
    """A cooperative's submission of a yearly report (a draft by default; `status="disampaikan"` waits for review)."""
    from django.utils import timezone

    from registry.models import Submission

    defaults = {
        "members_male": 60, "members_female": 40, "employees": 3, "managers": 1, "modal_sendiri": 500_000_000,
        "modal_luar": 250_000_000, "total_assets": 900_000_000, "business_volume": 1_250_000_000,
        "revenue": 400_000_000, "expenses": 300_000_000, "shu": 100_000_000, "cash": 50_000_000,
    }
    if status != "draf":
        defaults["submitted_at"] = timezone.now()
    defaults.update(fields)
    return Submission.objects.create(cooperative=cooperative, year=year, status=status, **defaults)


PDF = b"%PDF-1.4\n% berita acara RAT uji\n"


def make_document(submission, *, data=PDF, kind="berita_acara_rat", name="berita-acara.pdf"):
    """A document of `submission`, stored sealed as the upload would store it (whatever the submission's state)."""
    import uuid

    from django.core.files.base import ContentFile

    from registry.models import SubmissionDocument
    from registry.models.portal import document_storage
    from registry.services.documents import sniff
    from registry.services.import_jobs import seal

    stored = document_storage().save(f"uji/{uuid.uuid4().hex}", ContentFile(seal(data)))
    return SubmissionDocument.objects.create(
        submission=submission, kind=kind, file=stored, original_name=name, content_type=sniff(data) or "",
        size=len(data),
    )


def make_change_request(cooperative, kind="kontak", *, status="draf", **fields):
    """A cooperative's request to change its board or contact details, made now (its `base_values`
    the record as it stands); `status="disampaikan"` waits for review."""
    from django.utils import timezone

    from registry.models import ChangeRequest
    from registry.services.change_requests import record_values

    change_request = ChangeRequest(cooperative=cooperative, kind=kind, status=status, **fields)
    if kind == "kontak":
        for name in ("address", "postcode", "phone", "email"):
            if name not in fields:
                setattr(change_request, name, getattr(cooperative, name))
    change_request.base_values = record_values(change_request)
    if status != "draf":
        change_request.submitted_at = timezone.now()
    change_request.save()
    return change_request


def pin_table_estimates(rows, *models):
    """PostgreSQL's estimate of each model's table (pg_class.reltuples), rolled back with the test.

    A whole table's list shows that estimate as its count ("about N") once it is over twice the
    count's bound. Left alone it is whatever the tests before made it: an ANALYZE updates pg_class
    in place, so a test's ANALYZE of many rows outlives its rollback, and a later test with a bound of
    3 read "about 20" where it expected "more than 3". -1 is a table never analysed: counted, as
    on SQLite (where this does nothing)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute("UPDATE pg_class SET reltuples = %s WHERE relname = %s", [rows, model._meta.db_table])
