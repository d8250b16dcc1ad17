"""The count above every list, in both languages (templates/includes/_result_count.html).

Indonesian says "1 koperasi" and "2 koperasi" alike; English must say "1 cooperative" but
"2 cooperatives", and "more than 10,000 cooperatives" past the bound. The English count of the
cooperatives', members', partnerships' and trainings' lists read "about 130,000 cooperative"."""

import contextlib
from unittest import mock

import pytest
from django.conf import settings
from django.db import transaction
from django.test import TestCase
from django.urls import resolve

from registry.models import Assessment, Cooperative, Member, Partnership
from registry.paginators import BoundedCountPaginator
from tests.builders import (
    make_cooperative,
    make_finding,
    make_member,
    make_partnership,
    make_training,
    make_user,
    pin_table_estimates,
)
from tests.test_dashboard import make_assessment

BOUND = 3

# The tables whose whole list shows PostgreSQL's estimate beyond the bound (the cooperatives',
# members', assessments' and partnerships' lists of the whole district).
ESTIMATED = {
    "/koperasi/": Cooperative, "/anggota/": Member, "/penilaian/": Assessment, "/kemitraan/": Partnership}


def cooperatives(n):
    for _ in range(n):
        make_cooperative()


def members(n):
    cooperative = make_cooperative()
    for _ in range(n):
        make_member(cooperative)


def assessments(n):
    for _ in range(n):
        make_assessment(make_cooperative(), 2025, "70.00", "cukup_sehat")


def partnerships(n):
    for _ in range(n):
        make_partnership(make_cooperative(), partner=make_cooperative())


def trainings(n):
    for _ in range(n):
        make_training()


def findings(n):
    cooperative = make_cooperative()
    for _ in range(n):
        make_finding(cooperative)


def people_in_two_cooperatives(n):
    first, second = make_cooperative(), make_cooperative()
    for person in range(n):
        nik = f"64080412039{person + 10:05d}"
        make_member(first, nik=nik)
        make_member(second, nik=nik)


def active_cooperatives_of_2025(n):
    cooperatives(n)


# url, rows of the list, the English singular and plural, the Indonesian noun. The RAT season's
# list (the cooperatives due a RAT, at most the district's ~1,450) is counted exactly.
LISTS = [
    ("/koperasi/", cooperatives, "cooperative", "cooperatives", "koperasi"),
    ("/anggota/", members, "member", "members", "anggota"),
    ("/penilaian/", assessments, "assessment", "assessments", "penilaian"),
    ("/kemitraan/", partnerships, "partnership", "partnerships", "kemitraan"),
    ("/pelatihan/", trainings, "training", "trainings", "pelatihan"),
    ("/temuan/", findings, "finding", "findings", "temuan"),
    ("/anggota/ganda/", people_in_two_cooperatives, "person", "people", "orang"),
    ("/rat/?tahun=2025", active_cooperatives_of_2025, "cooperative", "cooperatives", "koperasi"),
]


class ResultCountWordingTests(TestCase):
    def setUp(self):
        patcher = mock.patch.object(BoundedCountPaginator, "count_limit", BOUND)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.client.force_login(make_user("Admin Dinas"))
        pin_table_estimates(-1, *ESTIMATED.values())  # never analysed: counted

    def count_line(self, url, language):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the language switch's cookie
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response

    def check(self, rows, expected, lists=LISTS):
        for url, build, one, many, indonesian in lists:
            # A page that is not full knows its count; two rows a page make the bound count.
            view = resolve(url.split("?")[0]).func.view_class
            two_a_page = (mock.patch.object(view, "paginate_by", 2) if hasattr(view, "paginate_by")
                          else contextlib.nullcontext())
            with self.subTest(url=url, rows=rows), transaction.atomic(), two_a_page:
                build(rows)
                wording = expected(one=one, many=many, indonesian=indonesian)
                for language, sentence in wording.items():
                    self.assertContains(self.count_line(url, language), sentence, html=False)
                transaction.set_rollback(True)  # each list counts only its own rows

    def test_one_row_is_singular_in_english(self):
        self.check(1, lambda one, many, indonesian: {
            "en": f"<strong>1</strong> {one}</p>", "id": f"<strong>1</strong> {indonesian}</p>"})

    def test_two_rows_are_plural_in_english(self):
        self.check(2, lambda one, many, indonesian: {
            "en": f"<strong>2</strong> {many}</p>", "id": f"<strong>2</strong> {indonesian}</p>"})

    def test_beyond_the_bound_says_more_than_it_in_the_plural(self):
        self.check(BOUND + 1, lambda one, many, indonesian: {
            "en": f"more than {BOUND} {many} ", "id": f"lebih dari {BOUND} {indonesian} "},
            lists=[row for row in LISTS if not row[0].startswith("/rat/")])

    @pytest.mark.postgres
    def test_a_whole_table_far_beyond_the_bound_says_about_its_estimate_in_the_plural(self):
        pin_table_estimates(130_000, *ESTIMATED.values())  # over twice the bound: the count, not counted
        self.check(BOUND + 1, lambda one, many, indonesian: {
            "en": f"about 130,000 {many} ", "id": f"sekitar 130.000 {indonesian} "},
            lists=[row for row in LISTS if row[0] in ESTIMATED])
