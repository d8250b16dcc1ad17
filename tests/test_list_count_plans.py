"""The counts of the long lists, as PostgreSQL plans them: answered from an index alone.

A list's bounded count (registry/paginators.py) reads up to 10,001 rows. At national size
(docs/benchmarks.md) the member list filtered by kecamatan and sex took 48 ms while PostgreSQL
read each member's row to test its sex; the index on (cooperative, sex) answers it without the
table (13 ms). The planner is told not to read the table whole, as it would not at that size.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .builders import SANGATTA_UTARA, make_cooperative, make_member, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def count_plan(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    counts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1, captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + counts[0])
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_members_of_a_kecamatan_by_sex_are_counted_from_the_index(client):
    for n in range(3):
        cooperative = make_cooperative(name=f"Koperasi {n}", kecamatan=SANGATTA_UTARA)
        for m in range(4):
            make_member(cooperative, name=f"Anggota {n}-{m}", sex="P" if m % 2 else "L")
    client.force_login(make_user("Petugas"))
    plan = count_plan(client, f"/anggota/?kecamatan={SANGATTA_UTARA}&jenis_kelamin=P")
    assert "Index Only Scan using member_cooperative_sex on registry_member" in plan, plan
