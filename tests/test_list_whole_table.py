"""Which lists are their whole table (registry/paginators.py, `is_whole_table`: those may show the
table's estimate beyond the count's bound), and the assessment list's count beside its average line.
On both databases; the estimate itself is PostgreSQL's (tests/test_table_estimate.py)."""

from unittest import mock

from django.conf import settings
from django.db.models import Count, F
from django.test import TestCase

from registry.models import Assessment, Partnership
from registry.paginators import BoundedCountPaginator, is_whole_table
from registry.views.assessments import AssessmentListView
from tests.builders import SANGATTA_SELATAN, SANGATTA_UTARA, make_cooperative, make_user
from tests.test_dashboard import make_assessment

BOUND = 5


class WholeTableTests(TestCase):
    def test_columns_joined_or_computed_keep_the_whole_table(self):
        rows = Partnership.objects.all()
        for whole in (rows, rows.select_related("outside_party"), rows.only("status"),
                      rows.annotate(name=F("cooperative__name")), rows.order_by("-start_date")):
            with self.subTest(query=str(whole.query)):
                self.assertTrue(is_whole_table(whole))

    def test_a_condition_a_grouping_a_distinct_or_a_slice_does_not(self):
        rows = Partnership.objects.all()
        for part in (rows.filter(status="aktif"), rows.exclude(status="aktif"), rows.none(),
                     rows.values("status").annotate(n=Count("pk")), rows.distinct(), rows[:10],
                     rows.union(rows)):
            with self.subTest(query=part.query.__class__.__name__):
                self.assertFalse(is_whole_table(part))


class AssessmentListCountTests(TestCase):
    """The count above the assessment list says what it is: exact, "more than" the bound, or "about"."""

    def setUp(self):
        for patcher in (mock.patch.object(AssessmentListView, "paginate_by", 3),
                        mock.patch.object(BoundedCountPaginator, "count_limit", BOUND)):
            patcher.start()
            self.addCleanup(patcher.stop)

    def assess(self, n, year, kecamatan=SANGATTA_UTARA):
        for _ in range(n):
            make_assessment(make_cooperative(kecamatan=kecamatan), year, "70.00", "cukup_sehat")

    def test_a_year_beyond_the_bound_shows_its_exact_number(self):
        # The statement of the average line counted every row of the year: the same number as the
        # dashboard's figure that links here, not "more than the bound".
        self.assess(BOUND + 2, 2025)
        self.assess(1, 2024)
        self.client.force_login(make_user("Petugas"))
        response = self.client.get("/penilaian/?tahun=2025")
        self.assertContains(response, "<strong>7</strong> penilaian</p>", html=False)
        paginator = response.context["paginator"]
        self.assertEqual((paginator.count, paginator.count_is_exact, paginator.num_pages), (7, True, 3))

    def test_a_year_at_the_bound_shows_its_exact_number(self):
        self.assess(BOUND, 2025)
        self.client.force_login(make_user("Petugas"))
        response = self.client.get("/penilaian/?tahun=2025")
        self.assertContains(response, "<strong>5</strong> penilaian</p>", html=False)

    def test_an_area_beyond_the_bound_shows_more_than_the_bound(self):
        self.assess(BOUND + 1, 2025)
        self.assess(3, 2025, kecamatan=SANGATTA_SELATAN)
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
        response = self.client.get("/penilaian/")
        self.assertContains(response, "lebih dari 5 penilaian")
        self.assertNotContains(response, "6 penilaian")
        self.assertFalse(response.context["paginator"].count_is_exact)

    def test_an_area_at_the_bound_shows_its_exact_number(self):
        self.assess(BOUND, 2025)
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
        response = self.client.get("/penilaian/")
        self.assertContains(response, "<strong>5</strong> penilaian</p>", html=False)
        self.assertNotContains(response, "lebih dari")
        self.assertEqual(Assessment.objects.count(), 5)

    def test_english_says_more_than_the_bound_in_the_plural(self):
        self.assess(BOUND + 1, 2025)
        self.client.force_login(make_user("Petugas", kecamatan=[SANGATTA_UTARA]))
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch's cookie
        response = self.client.get("/penilaian/")
        self.assertContains(response, "more than 5 assessments")
