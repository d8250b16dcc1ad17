"""The member list's statements at national size, each under EXPLAIN (ANALYZE, BUFFERS).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kutim_bench_seed \
        .venv/bin/python benchmarks/member_counts.py [--user petugas] [--runs 5] [--plans] [--all] \
        [--only TEXT] [--try "CREATE INDEX ..."]

For each page of the member list (the first page, filtered by kecamatan and sex, by kecamatan,
cooperative, sex or active alone, searched by name), the statements of one request are captured through
Django's test client (signed in as --user), then each is run again under EXPLAIN (ANALYZE, BUFFERS)
--runs times: the median execution time and the buffers of the count (--all: of every statement but
the session's and the user's; --plans: the whole plans). Everything runs in one transaction that is
rolled back: the database is only read. --try runs SQL first inside that transaction (an index to
try, for example: CREATE INDEX inside a transaction locks the table until the rollback, so keep it
short on a shared database).
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kutim_bench_seed")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # the development keys seed_demo used (NIK masks decrypt)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from registry.models import Cooperative, User  # noqa: E402

KECAMATAN = "64.08.04"


def pages():
    listed = Cooperative.objects.filter(desa__kecamatan=KECAMATAN, members__isnull=False)
    cooperative = listed.order_by("id").values_list("id", flat=True).first()
    return [
        ("first page", "/anggota/"),
        ("kecamatan + sex", f"/anggota/?kecamatan={KECAMATAN}&jenis_kelamin=P"),
        ("kecamatan", f"/anggota/?kecamatan={KECAMATAN}"),
        ("sex", "/anggota/?jenis_kelamin=P"),
        ("active", "/anggota/?aktif=true"),
        ("cooperative", f"/anggota/?koperasi={cooperative}"),
        ("searched siti", "/anggota/?q=siti"),
        ("searched budi hartono", "/anggota/?q=budi+hartono"),
    ]


# The session's and the user's reads: the same on every page, not the list's.
NOT_THE_LIST = re.compile(r'FROM "(django_session|registry_user|auth_|django_content_type|registry_kecamatan")')


def explain(sql, runs):
    """Median execution time (ms) of `runs` EXPLAIN ANALYZE, and the last plan."""
    times, plan = [], []
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
            times.append(float(re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1)))
    return statistics.median(times), plan


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--user", default="petugas")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plans", action="store_true", help="print each whole plan")
    parser.add_argument("--all", action="store_true", help="every statement of the list, not only the count")
    parser.add_argument("--pages", type=int, default=0, metavar="N",
                        help="also the median wall time of N requests of each page through the test client")
    parser.add_argument("--only", metavar="TEXT", help="only the pages whose label holds TEXT")
    parser.add_argument("--path", action="append", default=[], help="these pages instead (repeatable)")
    parser.add_argument("--try", dest="trial", action="append", default=[], metavar="SQL",
                        help="SQL run first inside the rolled-back transaction (repeatable)")
    args = parser.parse_args()
    setup_test_environment(debug=True)  # responses carry their context (the paginator's count)
    with transaction.atomic():
        with connection.cursor() as cursor:
            for sql in args.trial:
                cursor.execute(sql)
        client = Client()
        client.force_login(User.objects.get(username=args.user))
        print(f"user {args.user}, medians of {args.runs} EXPLAIN (ANALYZE, BUFFERS)"
              + "".join(f"\ntried: {sql}" for sql in args.trial))
        for label, path in [(path, path) for path in args.path] or pages():
            if args.only and args.only not in label:
                continue
            client.get(path)  # warm: caches, buffers
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            statements = [query["sql"] for query in captured.captured_queries]  # before the next request resets them
            paginator = response.context["paginator"]
            exact = getattr(paginator, "count_is_exact", True)
            shown = f"{paginator.count:,}" if exact else f"more than {paginator.count_limit:,}"
            if getattr(paginator, "count_is_estimate", False):
                shown = f"about {paginator.count:,}"
            print(f"\n{label}: {path}  (count {shown})")
            if args.pages:
                samples = []
                for _ in range(args.pages):
                    start = time.perf_counter()
                    client.get(path)
                    samples.append((time.perf_counter() - start) * 1000)
                print(f"  page  {statistics.median(samples):7.2f} ms  (median of {args.pages} requests, in process)")
            for sql in statements:
                is_count = sql.startswith("SELECT COUNT(*) FROM (SELECT")
                if not (is_count or (args.all and not NOT_THE_LIST.search(sql))):
                    continue
                median, plan = explain(sql, args.runs)
                buffers = next((line.strip() for line in plan if "Buffers:" in line), "")
                kind = "count" if is_count else "other"
                print(f"  {kind} {median:7.2f} ms  {buffers}  {' '.join(sql.split())[:110]}")
                if args.plans:
                    print("\n".join(f"      {line}" for line in plan))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
