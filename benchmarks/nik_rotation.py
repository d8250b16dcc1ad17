"""Benchmark `rotate_nik_keys`: rows re-encrypted per second, a second run (nothing left to do), and back.

    createdb -h 127.0.0.1 -U postgres kutim_pdp_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kutim_pdp_bench DJANGO_DEBUG=1 \
        .venv/bin/python manage.py seed_demo
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kutim_pdp_bench \
        .venv/bin/python benchmarks/nik_rotation.py [--chunk 1000]

Runs what the command runs (`registry.services.key_rotation.rotate_all`) three times: to a fresh
key put first (every value re-encrypted), again (every value already under it: what a resumed run
pays to skip), and back to the database's own key (so the database stays usable). Prints rows per
table, seconds and rows per second of each run.
"""

import argparse
import os
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kutim_pdp_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # the keys seed_demo encrypted with
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
settings.DEBUG = False  # no query log kept per statement, as in production

from registry.key_check import key_problems  # noqa: E402
from registry.services.key_rotation import rotate_all  # noqa: E402


def run(label, keys, chunk):
    settings.NIK_ENCRYPTION_KEYS = keys
    started = time.perf_counter()
    results = rotate_all(chunk=chunk)
    seconds = time.perf_counter() - started
    rows = sum(c.rotated + c.current for c in results.values())
    rotated = sum(c.rotated for c in results.values())
    detail = ", ".join(f"{name} {c.rotated}/{c.rotated + c.current}" for name, c in results.items())
    print(f"{label}: {rows} rows ({rotated} re-encrypted) in {seconds:.1f} s, {rows / seconds:,.0f} rows/s [{detail}]")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunk", type=int, default=1000)
    args = parser.parse_args()
    own = list(settings.NIK_ENCRYPTION_KEYS)
    assert not key_problems(), key_problems()
    fresh = Fernet.generate_key().decode()
    print(f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, chunk {args.chunk}")
    run("to a new key", [fresh, *own], args.chunk)
    run("again (all current)", [fresh, *own], args.chunk)
    run("back to the database's key", [*own, fresh], args.chunk)
    settings.NIK_ENCRYPTION_KEYS = own
    assert not key_problems(), key_problems()


if __name__ == "__main__":
    main()
