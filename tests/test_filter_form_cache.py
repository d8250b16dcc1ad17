"""The lists' filter forms drawn once and reused ({% cached_filter_form %}, registry/templatetags/
registry_forms.py): the same markup as drawing them afresh, never stale, and a hit builds no form."""

import re
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, reset_queries
from django.db.models.functions import Length
from django.db.models.sql.query import Query
from django.forms.boundfield import BoundField
from django.http import QueryDict
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django_filters.filterset import BaseFilterSet

from registry import access
from registry.filters.cooperatives import CooperativeFilter
from registry.models import Assessment, Cooperative, Desa, Kecamatan, RubricVersion
from registry.templatetags.registry_forms import FORMS_CACHE
from registry.widgets import QuickSelect, query_identity

from .builders import (
    MUARA_WAHAU,
    SANGATTA_SELATAN,
    SANGATTA_UTARA,
    first_desa,
    make_cooperative,
    make_finding,
    make_member,
    make_partnership,
    make_training,
    make_user,
)

# Every list with a filter form (the import history has none): a query string with valid values,
# and one the form refuses.
LISTS = {
    "/koperasi/": (f"jenis=konsumen&kecamatan={SANGATTA_UTARA}&q=a+%26+b&rat_tahun=2024&urut=-nama",
                   "jenis=bukan&q=sawit"),
    "/anggota/": (f"jenis_kelamin=P&kecamatan={SANGATTA_UTARA}&aktif=true", "jenis_kelamin=X"),
    "/penilaian/": ("tahun=2024&predikat=sehat&status=draf", "predikat=bukan"),
    "/kemitraan/": ("status=aktif&mitra=koperasi&tahun=2024", f"status=bukan&kecamatan={SANGATTA_UTARA}"),
    "/pelatihan/": ("topik=manajemen&tahun=2025&q=bimtek", "topik=bukan"),
    "/temuan/": ("lewat_batas=true&q=kas", "lewat_batas=bukan"),
}
ROLES = ("Admin Dinas", "Petugas", "Pimpinan")

FORM = re.compile(r'<form method="get" class="filter-form.*?</form>', re.DOTALL)


def clear_caches():
    cache.clear()
    caches[FORMS_CACHE].clear()


def filter_form(response):
    """The list's filter form as the page shows it."""
    found = FORM.search(response.content.decode())
    assert found, "no filter form on the page"
    return found.group(0)


@contextmanager
def uncached():
    """Every filter form drawn afresh, as before the cache."""
    with mock.patch("registry.templatetags.registry_forms.filter_form_cache_key", return_value=None):
        yield


@contextmanager
def counting_filter_form_work():
    """Counts the filter forms built, their fields (a form checks its values through them too) and
    the widgets drawn."""
    counts = {"forms": 0, "bound_fields": 0, "widgets": 0}
    get_form_class, bound_field_init = BaseFilterSet.get_form_class, BoundField.__init__
    as_widget = BoundField.as_widget

    def form_class(self):
        counts["forms"] += 1
        return get_form_class(self)

    def bound_field(self, form, field, name):
        if type(form).__name__.endswith("FilterForm"):
            counts["bound_fields"] += 1
        bound_field_init(self, form, field, name)

    def widget(self, *args, **kwargs):
        if type(self.form).__name__.endswith("FilterForm"):
            counts["widgets"] += 1
        return as_widget(self, *args, **kwargs)

    with mock.patch.object(BaseFilterSet, "get_form_class", form_class), \
            mock.patch.object(BoundField, "__init__", bound_field), mock.patch.object(BoundField, "as_widget", widget):
        yield counts


class FormsCacheTests(TestCase):
    def test_the_forms_have_a_cache_of_their_own_and_leave_the_access_data_alone(self):
        clear_caches()
        self.client.force_login(make_user("Petugas"))
        self.assertEqual(self.client.get("/koperasi/").status_code, 200)
        forms = caches[FORMS_CACHE]
        self.assertIsNot(forms, cache)
        self.assertTrue(any("filter" in key for key in forms._cache), list(forms._cache))
        self.assertFalse(any("filter" in key for key in cache._cache), list(cache._cache))
        for n in range(forms._max_entries + 10):  # many different searches: old forms go, never the access data
            forms.set(f"other-form-{n}", "x")
        self.assertTrue(any(":access:" in key for key in cache._cache))


class Fixture(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cooperative = make_cooperative(kecamatan=SANGATTA_UTARA)
        cls.other = make_cooperative(kecamatan=MUARA_WAHAU)
        make_member(cls.cooperative, sex="P")
        make_partnership(cls.cooperative, partner=cls.other)
        make_training()
        make_finding(cls.cooperative)
        rubric = RubricVersion.objects.order_by("year").first()
        for year in (2023, 2024):
            Assessment.objects.create(cooperative=cls.cooperative, year=year, rubric=rubric)
        cls.petugas = make_user("Petugas")
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        cls.limited_elsewhere = make_user("Petugas", kecamatan=[MUARA_WAHAU])

    def setUp(self):
        clear_caches()

    def english(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


class SameMarkupTests(Fixture):
    def test_the_kept_form_is_the_form_drawn_afresh_for_every_list_language_and_role(self):
        users = [(role, make_user(role)) for role in ROLES] + [("Petugas of one kecamatan", self.limited)]
        compared = set()
        for language in ("id", "en"):
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            for role, user in users:
                self.client.force_login(user)
                for path, (valid, refused) in LISTS.items():
                    for query in ("", valid, "page=1&setelah=", refused):
                        url = f"{path}?{query}" if query else path
                        with self.subTest(url=url, language=language, role=role):
                            first = self.client.get(url)  # drawn and kept
                            if first.status_code == 403:
                                continue
                            self.assertEqual(first.status_code, 200)
                            with counting_filter_form_work() as counts:
                                kept = filter_form(self.client.get(url))
                            with uncached():
                                fresh = filter_form(self.client.get(url))
                            self.assertEqual(kept, fresh)
                            self.assertEqual(filter_form(first), fresh)
                            if query == refused:
                                self.assertIn("errorlist", fresh)  # drawn afresh, messages and all
                            else:
                                self.assertEqual(counts["widgets"], 0, "the form was drawn again")
                            compared.add((path, language))
        self.assertEqual(compared, {(path, language) for path in LISTS for language in ("id", "en")})

    def test_a_hit_without_filters_builds_no_form_at_all(self):
        self.client.force_login(self.petugas)
        for path in LISTS:
            with self.subTest(path=path):
                self.client.get(path)
                with counting_filter_form_work() as counts:
                    self.assertEqual(self.client.get(path).status_code, 200)
                # The assessment list's FilterSet builds its form to hand the year choices it read
                # (once, also for the first page's years: filters/assessments.py); nothing of the form
                # is drawn or bound on a hit.
                forms = 1 if path == "/penilaian/" else 0
                self.assertEqual(counts, {"forms": forms, "bound_fields": 0, "widgets": 0})

    def test_the_cache_adds_no_query(self):
        self.client.force_login(self.limited)
        for path, (valid, _refused) in LISTS.items():
            for url in (path, f"{path}?{valid}"):
                with self.subTest(url=url):
                    reset_queries()  # the log a request starts with (request_started empties it)
                    with uncached(), CaptureQueriesContext(connection) as fresh:
                        self.client.get(url)
                    self.client.get(url)
                    reset_queries()
                    with CaptureQueriesContext(connection) as kept:
                        self.client.get(url)
                    self.assertLessEqual(len(kept), len(fresh), [q["sql"] for q in kept.captured_queries])

    def test_empty_values_and_page_positions_share_the_form_of_no_filter(self):
        self.client.force_login(self.petugas)
        self.client.get("/koperasi/?page=1")
        for url in ("/koperasi/?setelah=", "/koperasi/?q=&jenis=&page=1", "/koperasi/?sebelum="):
            with self.subTest(url=url), counting_filter_form_work() as counts:
                self.assertEqual(self.client.get(url).status_code, 200)
                self.assertEqual(counts["widgets"], 0)


class NeverStaleTests(Fixture):
    def test_a_renamed_kecamatan_shows_at_once(self):
        self.client.force_login(self.petugas)
        for path in LISTS:
            self.client.get(path)
        kecamatan = Kecamatan.objects.get(code=MUARA_WAHAU)
        kecamatan.name = "Wahau Baru"
        kecamatan.save()
        for path in LISTS:
            with self.subTest(path=path):
                self.assertIn(f'<option value="{MUARA_WAHAU}">Wahau Baru</option>',
                              filter_form(self.client.get(path)))

    def test_a_limited_petugas_sees_only_their_kecamatan_and_desa(self):
        self.client.force_login(self.petugas)
        for path in LISTS:
            self.client.get(path)
        own, outside = first_desa(SANGATTA_UTARA), first_desa(MUARA_WAHAU)
        for user, inside, away, desa_in, desa_out in [
            (self.limited, SANGATTA_UTARA, MUARA_WAHAU, own, outside),
            (self.limited_elsewhere, MUARA_WAHAU, SANGATTA_UTARA, outside, own),
        ]:
            self.client.force_login(user)
            for path in LISTS:
                with self.subTest(user=user.username, path=path):
                    form = filter_form(self.client.get(path))
                    self.assertIn(f'<option value="{inside}">', form)
                    self.assertNotIn(f'<option value="{away}"', form)
                    self.assertNotIn(f'<option value="{SANGATTA_SELATAN}"', form)
            desa = filter_form(self.client.get("/koperasi/"))
            self.assertIn(f'<option value="{desa_in.code}">', desa)
            self.assertNotIn(f'<option value="{desa_out.code}"', desa)

    def test_a_new_area_shows_at_once(self):
        self.client.force_login(self.limited)
        self.client.get("/kemitraan/")
        self.limited.kecamatan.add(Kecamatan.objects.get(code=MUARA_WAHAU))
        self.assertIn(f'<option value="{MUARA_WAHAU}">', filter_form(self.client.get("/kemitraan/")))

    def test_each_language_has_its_own_form(self):
        self.client.force_login(self.petugas)
        for path in LISTS:
            self.client.get(path)
        self.english()
        form = filter_form(self.client.get("/koperasi/"))
        self.assertIn("Apply filters", form)
        self.assertIn(">Savings and Loans</option>", form)
        self.assertNotIn("Terapkan saringan", form)
        self.assertIn("Apply filters", filter_form(self.client.get("/temuan/")))

    def test_a_changed_value_is_chosen_at_once(self):
        self.client.force_login(self.petugas)
        first = filter_form(self.client.get("/koperasi/?jenis=konsumen&q=sawit"))
        self.assertIn('<option value="konsumen" selected>', first)
        self.assertIn('value="sawit"', first)
        second = filter_form(self.client.get("/koperasi/?jenis=produsen&q=sawit&page=1"))
        self.assertIn('<option value="produsen" selected>', second)
        self.assertNotIn('<option value="konsumen" selected>', second)
        self.assertIn('<option value="konsumen" selected>', filter_form(self.client.get("/koperasi/?jenis=konsumen")))
        self.assertNotIn(" selected", filter_form(self.client.get("/koperasi/")).replace('value="" selected', ""))

    def test_the_panel_opens_with_a_filter_other_than_the_search(self):
        # The same values drawn in the open or the closed panel are two forms (`filters_open`).
        self.client.force_login(self.petugas)
        self.assertNotIn("<details class=\"filter-more\" open>", filter_form(self.client.get("/koperasi/?q=x")))
        self.assertIn("<details class=\"filter-more\" open>", filter_form(self.client.get("/koperasi/?q=x&jenis=jasa")))

    def test_a_year_read_from_the_data_shows_at_once(self):
        self.client.force_login(self.petugas)
        for url in ("/penilaian/", "/penilaian/?predikat=sehat"):
            self.assertNotIn('<option value="2021">', filter_form(self.client.get(url)))
        Assessment.objects.create(cooperative=self.other, year=2021,
                                  rubric=RubricVersion.objects.order_by("year").first())
        for url in ("/penilaian/", "/penilaian/?predikat=sehat"):
            with self.subTest(url=url):
                self.assertIn('<option value="2021">2021</option>', filter_form(self.client.get(url)))

    def test_errors_are_shown_every_time(self):
        self.client.force_login(self.limited)
        for _ in range(2):
            form = filter_form(self.client.get("/koperasi/?jenis=bukan"))
            self.assertIn("errorlist", form)
            form = filter_form(self.client.get(f"/kemitraan/?kecamatan={MUARA_WAHAU}"))
            self.assertIn("errorlist", form)
        self.assertNotIn("errorlist", filter_form(self.client.get("/koperasi/")))


class AssessmentYearTests(Fixture):
    def test_an_asked_year_without_assessments_joins_the_years_and_semua_shows_once(self):
        self.client.force_login(self.petugas)
        form = filter_form(self.client.get("/penilaian/?tahun=2019"))
        select = re.search(r'<select name="tahun".*?</select>', form, re.DOTALL).group(0)
        self.assertEqual(select.count('<option value="">'), 1)
        self.assertIn('<option value="2019" selected>2019</option>', select)
        self.assertIn('<option value="2024">2024</option>', select)

    def test_the_years_are_read_once_per_request(self):
        self.client.force_login(self.petugas)
        for url in ("/penilaian/", "/penilaian/?predikat=sehat", "/penilaian/?tahun=2024"):
            with self.subTest(url=url):
                clear_caches()
                with CaptureQueriesContext(connection) as captured:
                    self.client.get(url)
                years = [q for q in captured.captured_queries
                         if re.search(r'WITH RECURSIVE years\(year\)', q["sql"])]  # filters/assessments.py
                self.assertEqual(len(years), 1, years)


class FormFieldsTests(TestCase):
    """A FilterSet's form takes the fields its filters built for it (registry/filters/base.py)."""

    def test_the_form_takes_the_filters_fields_and_no_other_filterset_shares_them(self):
        data = QueryDict("jenis=konsumen&page=2")
        first = CooperativeFilter(data, queryset=Cooperative.objects.none())
        second = CooperativeFilter(data, queryset=Cooperative.objects.none())
        self.assertTrue(first.is_valid())
        self.assertIs(first.form.fields["jenis"], first.filters["jenis"].field)
        self.assertIsNot(first.form.fields["jenis"], second.form.fields["jenis"])
        self.assertIsNot(first.form.fields["jenis"].widget, second.form.fields["jenis"].widget)
        first.form.fields["jenis"].widget.attrs["data-x"] = "1"
        self.assertNotIn("data-x", second.form.fields["jenis"].widget.attrs)

    def test_a_second_form_of_one_filterset_copies_the_fields(self):
        filterset = CooperativeFilter(QueryDict("jenis=konsumen"), queryset=Cooperative.objects.none())
        form = filterset.form
        again = filterset.get_form_class()(filterset.data)
        self.assertIsNot(again.fields["jenis"], form.fields["jenis"])
        self.assertTrue(again.is_valid() and form.is_valid())


class RegionOptionsKeyTests(TestCase):
    """QuickSelect keys the kecamatan and desa options by their query's parts, not by its SQL."""

    @classmethod
    def setUpTestData(cls):
        cls.limited = make_user("Petugas", kecamatan=[SANGATTA_UTARA])
        cls.elsewhere = make_user("Petugas", kecamatan=[MUARA_WAHAU])
        cls.district = make_user("Petugas")

    def key(self, queryset):
        from django import forms

        field = forms.ModelChoiceField(queryset=queryset, widget=QuickSelect, empty_label="semua")
        token = access.request_token.set("token")
        try:
            return field.widget.options_cache_key()
        finally:
            access.request_token.reset(token)

    def test_no_sql_is_compiled(self):
        with mock.patch.object(Query, "__str__", side_effect=AssertionError("SQL compiled")):
            for user in (self.limited, self.district):
                self.assertIsNotNone(self.key(Kecamatan.objects.for_user(user).order_by("name")))
                self.assertIsNotNone(self.key(Desa.objects.for_user(user).order_by("name")))

    def test_the_key_changes_whenever_the_query_does(self):
        keys = [
            self.key(Desa.objects.for_user(self.limited).order_by("name")),
            self.key(Desa.objects.for_user(self.elsewhere).order_by("name")),
            self.key(Desa.objects.for_user(self.district).order_by("name")),
            self.key(Desa.objects.for_user(self.district).order_by("-name")),
            self.key(Desa.objects.for_user(self.district).order_by("name")[:5]),
            self.key(Desa.objects.for_user(self.district).exclude(code="x").order_by("name")),
            self.key(Desa.objects.filter(kecamatan__name="Sangatta Utara").order_by("name")),
            self.key(Desa.objects.filter(kecamatan__name="Muara Wahau").order_by("name")),
            self.key(Kecamatan.objects.for_user(self.limited).order_by("name")),
        ]
        self.assertEqual(len(set(keys)), len(keys))
        self.assertEqual(keys[0], self.key(Desa.objects.for_user(self.limited).order_by("name")))

    def test_an_unusual_query_is_keyed_by_its_sql(self):
        annotated = Kecamatan.objects.annotate(n=Length("name")).order_by("name")
        self.assertIsNone(query_identity(annotated))
        with mock.patch.object(Query, "__str__", return_value="SELECT 1") as compiled:
            self.assertIsNotNone(self.key(annotated))
        compiled.assert_called()
        self.assertIsNone(self.key(Kecamatan.objects.none()))  # nothing to read, nothing kept

    def test_a_list_page_compiles_no_region_sql(self):
        self.client.force_login(self.limited)
        with mock.patch.object(Query, "__str__", side_effect=AssertionError("SQL compiled")):
            self.assertEqual(self.client.get("/koperasi/").status_code, 200)



class FilterCopyTests(TestCase):
    """Each FilterSet's filters are its own (registry/filters/base.py, copy_filter), as django-filter's
    deep copy made them, without copying what never changes."""

    def test_each_filterset_has_its_own_filters_bound_to_itself(self):
        from registry.filters.cooperatives import CooperativeFilter
        from registry.models import Cooperative

        first = CooperativeFilter({"q": "sawit"}, queryset=Cooperative.objects.all())
        second = CooperativeFilter({"q": "maju"}, queryset=Cooperative.objects.all())
        for name, filter_ in first.filters.items():
            with self.subTest(name):
                other = second.filters[name]
                self.assertIsNot(filter_, other)
                self.assertIsNot(filter_, CooperativeFilter.base_filters[name])
                self.assertIs(filter_.parent, first)
                self.assertIs(other.parent, second)
                self.assertIsNot(filter_.extra, other.extra)
                self.assertEqual(filter_.extra, CooperativeFilter.base_filters[name].extra)
                # Shared, not copied: the form field copies the widget it is given.
                self.assertIs(filter_.extra["widget"], CooperativeFilter.base_filters[name].extra["widget"])
                self.assertIsNot(filter_.field, other.field)
                if filter_.method is not None:
                    # The method filter finds the method on its own FilterSet, not on the other one.
                    self.assertIs(filter_.filter.f, filter_)
                    self.assertEqual(filter_.filter.method.__self__, first)
        self.assertFalse(hasattr(CooperativeFilter.base_filters["q"], "_field"))
        self.assertFalse(hasattr(CooperativeFilter.base_filters["q"], "parent"))

    def test_a_change_to_one_filtersets_filter_leaves_the_others(self):
        from registry.filters.cooperatives import CooperativeFilter
        from registry.models import Cooperative

        first = CooperativeFilter(None, queryset=Cooperative.objects.all())
        first.filters["jenis"].extra["choices"] = [("x", "x")]
        second = CooperativeFilter(None, queryset=Cooperative.objects.all())
        self.assertNotEqual(second.filters["jenis"].extra["choices"], [("x", "x")])

    def test_searches_of_two_filtersets_filter_by_their_own_words(self):
        from registry.filters.cooperatives import CooperativeFilter
        from registry.models import Cooperative

        make_cooperative(name="Koperasi Sawit Jaya")
        make_cooperative(name="Koperasi Maju Bersama")
        first = CooperativeFilter({"q": "sawit"}, queryset=Cooperative.objects.all())
        second = CooperativeFilter({"q": "maju"}, queryset=Cooperative.objects.all())
        self.assertEqual([c.name for c in second.qs], ["Koperasi Maju Bersama"])
        self.assertEqual([c.name for c in first.qs], ["Koperasi Sawit Jaya"])


class UnboundFieldGroupTests(TestCase):
    """The member list's NIK search field, drawn once per language (registry_forms.unbound_field_group)."""

    def test_the_kept_field_is_the_field_drawn_afresh_in_each_language(self):
        from django.utils import translation

        from registry.forms.people import NikSearchForm
        from registry.templatetags.registry_forms import _unbound_field_groups, unbound_field_group

        _unbound_field_groups.clear()
        for language in ("id", "en", "id"):
            with self.subTest(language=language), translation.override(language):
                fresh = NikSearchForm()["nik"].as_field_group()
                self.assertEqual(unbound_field_group(NikSearchForm()["nik"]), fresh)
                self.assertEqual(unbound_field_group(NikSearchForm()["nik"]), fresh)
        self.assertEqual(len(_unbound_field_groups), 2)

    def test_a_bound_form_or_one_with_a_value_is_drawn_afresh(self):
        from registry.forms.people import NikSearchForm
        from registry.templatetags.registry_forms import unbound_field_group

        unbound_field_group(NikSearchForm()["nik"])  # kept
        bound = NikSearchForm(data={"nik": "12"})
        bound.is_valid()
        self.assertIn("errorlist", unbound_field_group(bound["nik"]))
        self.assertEqual(unbound_field_group(bound["nik"]), bound["nik"].as_field_group())
        initial = NikSearchForm(initial={"nik": "x"})
        self.assertEqual(unbound_field_group(initial["nik"]), initial["nik"].as_field_group())

    def test_the_member_lists_search_field_and_its_error_on_the_search_page(self):
        self.client.force_login(make_user("Petugas"))
        self.assertContains(self.client.get("/anggota/"), 'id="id_nik_helptext"')
        response = self.client.post("/anggota/cari-nik/", {"nik": "12"})
        self.assertContains(response, "errorlist")
        self.assertContains(self.client.get("/anggota/"), 'id="id_nik_helptext"')
        self.assertNotContains(self.client.get("/anggota/"), "errorlist")
