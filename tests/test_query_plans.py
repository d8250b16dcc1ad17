"""Queries of the lists and the profile as PostgreSQL plans them at national size: each answered
by an index made for it.

A list's bounded count (registry/paginators.py) reads up to 10,001 rows. At national size
(docs/benchmarks.md) the member list filtered by kecamatan and sex took 48 ms while PostgreSQL
read each member's row to test its sex; the index on (cooperative, sex) answers it without the
table (13 ms), and the index on the cooperative's (desa, id) gives the kecamatan's cooperatives
without reading their rows (12.5 to 5.4 ms; the same for a Petugas limited to some kecamatan).
The profile's check for another cooperative of the same name in the desa read the name's trigram
index (8-16 ms); the index on (desa, UPPER(name)) answers it in a few buffers. The planner is told
not to read a table whole, as it would not at that size.
"""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.filters.assessments import year_choices
from registry.models import Assessment, RubricVersion
from registry.views.assessments import AssessmentListView
from registry.views.members import MemberListView
from registry.views.trainings import TrainingListView

from .builders import (
    SANGATTA_UTARA,
    make_board_member,
    make_cooperative,
    make_finding,
    make_member,
    make_participant,
    make_training,
    make_user,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def plan_of(client, path, starting, also_off=()):
    """The plan of the one statement of the page `path` that starts with `starting`, with the
    planner's methods `also_off` (e.g. "sort") disabled besides a whole-table read."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    statements = [q["sql"] for q in captured.captured_queries if q["sql"].startswith(starting)]
    assert len(statements) == 1, captured.captured_queries
    with connection.cursor() as cursor:
        # Statistics of these few rows: without them two indexes that begin with the same column
        # cost the same to the planner, which then takes either.
        cursor.execute("ANALYZE registry_member")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for method in also_off:
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute("EXPLAIN " + statements[0])
        return "\n".join(row[0] for row in cursor.fetchall())


def count_plan(client, path):
    # Pages of 2 rows: a list that fits on its first page is counted by its rows, without a COUNT
    # (registry/paginators.py, KeysetPaginationMixin._first_page); these lists are longer than that.
    with mock.patch.object(MemberListView, "paginate_by", 2):
        return plan_of(client, path, "SELECT COUNT(*)")


def assert_read_from_a_member_kecamatan_index(plan):
    """The count reads the member table alone, through one of its indexes that begin with the
    member's copy of the kecamatan. Which of them the planner takes for a dozen rows depends on
    what earlier tests left in the statistics (a run failed when other files came first); at
    national size it is (kecamatan, sex) for these filters (docs/benchmarks.md), whose definition
    is checked below."""
    assert "Index Only Scan using member_kecamatan_" in plan or "Index Scan using member_kecamatan_" in plan, plan
    assert "registry_cooperative" not in plan, plan


def test_the_member_kecamatan_sex_index_begins_with_the_kecamatan_then_the_sex():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('member_kecamatan_sex'::regclass)")
        assert "(kecamatan_id, sex)" in cursor.fetchone()[0]


def test_the_members_of_a_kecamatan_by_sex_are_counted_from_one_range_of_an_index(client):
    for n in range(3):
        cooperative = make_cooperative(name=f"Koperasi {n}", kecamatan=SANGATTA_UTARA)
        for m in range(4):
            make_member(cooperative, name=f"Anggota {n}-{m}", sex="P" if m % 2 else "L")
    client.force_login(make_user("Petugas"))
    plan = count_plan(client, f"/anggota/?kecamatan={SANGATTA_UTARA}&jenis_kelamin=P")
    # The member's copy of its cooperative's kecamatan: no lookup per cooperative of the kecamatan.
    assert_read_from_a_member_kecamatan_index(plan)


def test_a_limited_petugas_counts_the_members_of_their_area_from_the_indexes(client):
    for n in range(3):
        cooperative = make_cooperative(name=f"Koperasi {n}", kecamatan=SANGATTA_UTARA)
        for m in range(4):
            make_member(cooperative, name=f"Anggota {n}-{m}", sex="P" if m % 2 else "L")
    client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
    plan = count_plan(client, "/anggota/?jenis_kelamin=P")
    # The area rule reads the member's copy of the kecamatan too (Member.objects).
    assert_read_from_a_member_kecamatan_index(plan)
    plan = count_plan(client, f"/anggota/?kecamatan={SANGATTA_UTARA}&jenis_kelamin=P")
    assert_read_from_a_member_kecamatan_index(plan)


def test_the_active_members_of_an_area_are_counted_from_the_index_never_left_first(client):
    for n in range(3):
        cooperative = make_cooperative(name=f"Koperasi {n}", kecamatan=SANGATTA_UTARA)
        for m in range(4):
            left = {"joined_on": datetime.date(2010, 1, 1), "left_on": datetime.date(2020, 1, 1)} if m == 3 else {}
            make_member(cooperative, name=f"Anggota {n}-{m}", **left)
    client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
    # Which of the member's kecamatan indexes the planner takes for a dozen rows depends on what
    # earlier tests left in the statistics; at national size it is this one (docs/benchmarks.md).
    # What holds at any size: the count reads the member table alone, through an index.
    for active in ("true", "false"):
        plan = count_plan(client, f"/anggota/?aktif={active}")
        assert "using member_kecamatan_" in plan, plan
        assert "registry_cooperative" not in plan, plan
    # Never left (NULL) comes first in the index, so that the active ones are read before those who left.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('member_kecamatan_left_on'::regclass)")
        assert "left_on DESC" in cursor.fetchone()[0]


def test_the_profile_finds_a_same_name_in_the_desa_from_its_index(client):
    cooperative = make_cooperative(name="Koperasi Sawit Makmur", kecamatan=SANGATTA_UTARA)
    make_cooperative(name="koperasi sawit makmur", kecamatan=SANGATTA_UTARA)
    client.force_login(make_user("Petugas"))
    same_name = ('SELECT "registry_cooperative"."id", "registry_cooperative"."name", '
                 '"registry_cooperative"."nomor_induk" FROM')
    plan = plan_of(client, f"/koperasi/{cooperative.pk}/", same_name)
    assert "using cooperative_desa_upper_name on registry_cooperative" in plan, plan


def test_the_districts_overdue_findings_are_counted_from_the_open_findings_due_dates(client):
    today = timezone.localdate()
    cooperative = make_cooperative(kecamatan=SANGATTA_UTARA)
    long_ago = today - datetime.timedelta(days=400)
    for due, status in ((today - datetime.timedelta(days=1), "belum"), (today - datetime.timedelta(days=30), "proses"),
                        (today - datetime.timedelta(days=2), "selesai"), (today, "belum"),
                        (today + datetime.timedelta(days=9), "belum")):
        make_finding(cooperative, found_on=long_ago, due_date=due, follow_up_status=status,
                     followed_up_on=today if status == "selesai" else None)
    client.force_login(make_user("Petugas"))
    # Open (not "selesai") and due before today: the first two. One due today is not late yet.
    assert "2 lewat batas waktu" in client.get("/temuan/").content.decode()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_finding")
    plan = plan_of(client, "/temuan/", 'SELECT COUNT(*) AS "__count" FROM "registry_finding"')
    assert "Index Only Scan using finding_open_due_date on registry_finding" in plan, plan


def test_the_assessment_years_are_read_one_index_entry_per_year(client):
    rubric = RubricVersion.objects.order_by("year").first()
    for n, year in enumerate((2023, 2024, 2024, 2025)):
        Assessment.objects.create(cooperative=make_cooperative(name=f"Koperasi {n}"), year=year, rubric=rubric)
    client.force_login(make_user("Petugas"))
    plan = plan_of(client, "/penilaian/", "WITH RECURSIVE years")
    # Each year found by one step backwards down the index on year, not a DISTINCT over every assessment.
    assert "Index Only Scan Backward using assessment_year on registry_assessment" in plan, plan
    assert "HashAggregate" not in plan and "Unique" not in plan, plan
    assert [value for value, _label in year_choices()] == [2025, 2024, 2023]


def test_the_training_search_is_counted_from_its_trigram_indexes(client):
    for n in range(3):
        make_training(title=f"Bimtek RAT {n}", organiser="Dinas Koperasi", place="Sangatta")
    make_training(title="Pelatihan Kasir", organiser="Dinas Koperasi", place="Sangatta")
    client.force_login(make_user("Petugas"))
    with CaptureQueriesContext(connection) as captured, mock.patch.object(TrainingListView, "paginate_by", 2):
        assert client.get("/pelatihan/?q=rat").status_code == 200
    counts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1, captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_training")
        cursor.execute("SET LOCAL enable_seqscan = off")  # as it would not read 4,522 trainings for a rare word
        cursor.execute("EXPLAIN " + counts[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for column in ("title", "organiser", "place"):
        assert f"Bitmap Index Scan on training_{column}_trgm" in plan, plan


def test_the_training_list_counts_participants_for_the_rows_shown_only(client):
    for n in range(3):
        make_participant(make_training(title=f"Bimtek {n}"),
                         make_board_member(make_cooperative(name=f"Koperasi {n}"), "ketua"))
    client.force_login(make_user("Petugas"))
    plan = plan_of(client, "/pelatihan/", 'SELECT "registry_training"."id"')
    # A subquery per row after the limit, not a join of every participant grouped by training.
    assert "SubPlan" in plan and "Aggregate" in plan, plan
    assert "HashAggregate" not in plan and "GroupAggregate" not in plan and "Hash Right Join" not in plan, plan


def test_the_first_page_of_assessments_is_read_one_year_at_a_time_in_the_lists_order(client):
    rubric = RubricVersion.objects.order_by("year").first()
    names = ["Koperasi Cempaka", "Koperasi Anggrek", "Koperasi Bakung", "Koperasi Dahlia"]
    cooperatives = [make_cooperative(name=name) for name in names]
    for year, assessed in ((2023, cooperatives), (2024, cooperatives[1:3]), (2025, cooperatives[2:])):
        for cooperative in assessed:
            Assessment.objects.create(cooperative=cooperative, year=year, rubric=rubric)
    client.force_login(make_user("Petugas"))
    expected = [(a.year, a.cooperative.name) for a in Assessment.objects.order_by("-year", "cooperative__name", "pk")]
    for size in (1, 2, 3, 5, 10):
        with mock.patch.object(AssessmentListView, "paginate_by", size), \
                CaptureQueriesContext(connection) as captured:
            response = client.get("/penilaian/")
        shown = [(a.year, a.cooperative_name) for a, _changes, _final in response.context["rows"]]
        assert shown == expected[:size]
        assert response.context["paginator"].count == len(expected)
        # Three years, each part limited to the page and one row more (to know of a next page), and the whole.
        rows_read = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("(SELECT")]
        assert len(rows_read) == 1 and rows_read[0].count(f"LIMIT {size + 1}") == 4, rows_read
    # One year asked: that year's rows alone, by the list's plain statement.
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/penilaian/?tahun=2024")
    assert [a.cooperative_name for a, _c, _f in response.context["rows"]] == ["Koperasi Anggrek", "Koperasi Bakung"]
    assert not any(q["sql"].startswith("(SELECT") for q in captured.captured_queries)
    # Pages after and before a row, read by years too: forwards through the whole list, then back.
    with mock.patch.object(AssessmentListView, "paginate_by", 2):
        page = client.get("/penilaian/").context["page_obj"]
        walked, shown = [], []
        while True:
            response = client.get(f"/penilaian/?setelah={page.last_pk}")
            page = response.context["page_obj"]
            shown = [(a.year, a.cooperative_name) for a, _c, _f in response.context["rows"]]
            walked += shown
            if not page.has_next():
                break
        assert walked == expected[2:]
        back = []
        while page.has_previous():
            response = client.get(f"/penilaian/?sebelum={page.first_pk}")
            page = response.context["page_obj"]
            back = [(a.year, a.cooperative_name) for a, _c, _f in response.context["rows"]] + back
        assert back == expected[:len(expected) - len(shown)]


def test_the_member_lists_later_pages_are_read_in_order_from_one_index(client):
    # At national size a page deep in the list sorted through the join to the cooperatives took
    # 21 ms of SQL; on the member's own copy of the cooperative's name one index gives the list's
    # order (6.7 ms for page 500, 0.2 ms after row 25,000: docs/benchmarks.md). For a dozen rows
    # the planner may rather sort them (which index it prefers depends on what earlier tests left
    # in the table), so sorting is ruled out: only an index in the list's order gives the plan
    # without a Sort, and dropping it or ordering through the join again fails here.
    for n in range(3):
        cooperative = make_cooperative(name=f"Koperasi {'CBA'[n]}", kecamatan=SANGATTA_UTARA)
        for m in range(4):
            make_member(cooperative, name=f"Anggota {n}-{m}")
    client.force_login(make_user("Petugas"))
    rows = 'SELECT "registry_member"."id", "registry_member"."cooperative_id"'
    with mock.patch.object(MemberListView, "paginate_by", 2):
        numbered = plan_of(client, "/anggota/?page=3", rows, also_off=["sort"])
        after = client.get("/anggota/?page=3").context["page_obj"].last_pk
        keyset = plan_of(client, f"/anggota/?setelah={after}", rows, also_off=["sort"])
    for plan in (numbered, keyset):
        assert "Index Scan using member_list_order on registry_member" in plan, plan
        assert "Sort" not in plan and "registry_cooperative" not in plan, plan
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('member_list_order'::regclass)")
        assert "(cooperative_name, cooperative_id, name, id)" in cursor.fetchone()[0]
