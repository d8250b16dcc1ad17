"""The Jinja2 row partials of the lists, timed alone: what a page's rows cost to write.

    .venv/bin/python benchmarks/rows_render.py [--runs 300] [--user petugas] [PATH ...]

Each page (default: the lists of issue 15's table) is requested once through Django's test client
(signed in as --user, DEBUG off, everything in a transaction rolled back), the context its
`{% jinja_include %}` partials got is kept, and each partial is then rendered --runs times as the
tag renders it (registry/templatetags/registry_jinja.py). Prints the median milliseconds per render
and the rows the partial wrote. The rows are read by the page's own request, so the figure is the
writing alone: no SQL.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kutim_bench_seed")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kutim_koperasi.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # the development keys seed_demo used (NIK masks decrypt)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
settings.DEBUG = False

from unittest import mock  # noqa: E402

import jinja2  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from registry.models import User  # noqa: E402
from registry.templatetags import registry_jinja  # noqa: E402

PAGES = ["/koperasi/", "/anggota/", "/penilaian/", "/kemitraan/", "/pelatihan/", "/temuan/", "/impor/riwayat/"]


class Rollback(Exception):
    pass


def captured_partials(client, path):
    """(partial, the context it was rendered with) of each Jinja2 partial the page included."""
    partials, render = [], jinja2.Template.render

    def keep(template, *args, **kwargs):
        partials.append((template, dict(*args, **kwargs)))
        return render(template, *args, **kwargs)

    with mock.patch.object(jinja2.Template, "render", keep):
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return partials


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--user", default="petugas")
    parser.add_argument("paths", nargs="*", default=PAGES)
    args = parser.parse_args()
    try:
        with transaction.atomic():
            client = Client()
            client.force_login(User.objects.get(username=args.user))
            print(f"{'partial':45} {'rows':>5} {'median ms':>10} {'min ms':>8}")
            for path in args.paths:
                for partial, context in captured_partials(client, path):
                    template_name = partial.name
                    render = getattr(registry_jinja, "render_scope", None)
                    samples = []
                    for _ in range(args.runs):
                        started = time.perf_counter()
                        if render is None:
                            html = partial.render(context)
                        else:
                            with render():
                                html = partial.render(context)
                        samples.append(time.perf_counter() - started)
                    rows = html.count("<tr")
                    label = f"{path} {'/'.join(template_name.split('/')[-2:])}"
                    print(f"{label:45} "
                          f"{rows:5} {statistics.median(samples) * 1000:10.3f} {min(samples) * 1000:8.3f}", flush=True)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
