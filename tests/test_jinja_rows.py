"""The Jinja2 rows of the lists (registry/jinja_environment.py): the same filters, translations,
URLs and escaping as the Django templates they replace."""

import datetime
import decimal
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template import engines
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from registry.models import Cooperative
from tests.builders import make_cooperative, make_user

PROJECT = Path(__file__).resolve().parents[1]


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


class FilterTests(SimpleTestCase):
    def test_numbers_and_money_in_each_language(self):
        source = "{{ n|angka }} {{ m|rupiah }} {{ s|persen }} {{ none|angka }}"
        with translation.override("id"):
            self.assertEqual(render(source, n=1150, m=-1234567, s=0.58, none=None), "1.150 -Rp 1.234.567 58,0% –")
        with translation.override("en"):
            self.assertEqual(render(source, n=1150, m=-1234567, s=0.58, none=None), "1,150 -Rp 1,234,567 58.0% –")

    def test_choice_labels_and_status_codes_in_each_language(self):
        cooperative = Cooperative(status=Cooperative.Status.INACTIVE, jenis=Cooperative.Jenis.PRODUCER)
        source = ('{{ c|display("status") }} / {{ c|display("jenis") }} / {{ "tidak_aktif"|status_label }}'
                  ' / {{ "x"|status_label }}')
        with translation.override("id"):
            self.assertEqual(render(source, c=cooperative), "Tidak aktif / Produsen / Tidak aktif / x")
        with translation.override("en"):
            self.assertEqual(render(source, c=cooperative), "Inactive / Producer / Inactive / x")

    def test_dates_are_day_first_in_the_offices_time_zone(self):
        late_evening_utc = datetime.datetime(2026, 11, 30, 20, 0, tzinfo=ZoneInfo("UTC"))  # 04:00 WITA next day
        source = '{{ d|date("d/m/Y") }} {{ t|date("d/m/Y") }} {{ t|date("d/m/Y H:i") }} [{{ none|date("d/m/Y") }}]'
        self.assertEqual(render(source, d=datetime.date(2026, 3, 7), t=late_evening_utc, none=None),
                         "07/03/2026 01/12/2026 01/12/2026 04:00 []")

    def test_history_moments_as_djangos_date_filter_writes_them(self):
        moments = [datetime.datetime(2026, 11, 30, 20, 0, tzinfo=ZoneInfo("UTC")),
                   datetime.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=ZoneInfo("UTC"))]
        django_source = engines["django"].from_string('{{ t|date:"c" }} {{ t|date:"d/m/Y H:i" }} {{ t|capfirst }}')
        for moment in moments:
            with self.subTest(moment=moment):
                self.assertEqual(render('{{ t|date("c") }} {{ t|date("d/m/Y H:i") }} {{ t|capfirst }}', t=moment),
                                 django_source.render({"t": moment}))
        self.assertEqual(render('{{ t|date("c") }}', t=moments[0]), "2026-12-01T04:00:00+08:00")

    def test_default_add_and_truncatechars_as_in_django(self):
        source = ('{{ a|default("–", true) }} {{ b|default("–", true) }} {{ 3|add(4) }} {{ none|add(none)|angka }}'
                  ' {{ long|truncatechars(5) }}')
        self.assertEqual(render(source, a="", b="12", none=None, long="abcdefgh"), "– 12 7 – abcd…")

    def test_truncatechars_writes_what_django_writes(self):
        django_source = engines["django"].from_string("{{ t|truncatechars:n }}")
        texts = ["", "pendek", "a" * 120, "a" * 121, "Cafe\u0301 " * 30, "e\u0301" * 120, "é" * 121,
                 mark_safe("<b>aman</b>"), mark_safe("<b>" + "x" * 200 + "</b>"), "<b>teks</b>", 12345]
        for text in texts:
            for n in (0, 5, 120):
                with self.subTest(text=text, n=n):
                    self.assertEqual(render("{{ t|truncatechars(n) }}", t=text, n=n),
                                     django_source.render({"t": text, "n": n}))

    def test_decimals_as_djangos_engine_writes_them(self):
        """The profile's coordinates: a decimal in the language's format, as `{{ value }}` in Django."""
        django_source = engines["django"].from_string("{{ d }}")
        for language, expected in (("id", "-0,5123456"), ("en", "-0.5123456")):
            with self.subTest(language=language), translation.override(language):
                value = decimal.Decimal("-0.5123456")
                self.assertEqual(render("{{ d|localize }}", d=value), expected)
                self.assertEqual(django_source.render({"d": value}), expected)

    def test_a_missing_attribute_is_empty_as_in_django(self):
        self.assertEqual(render("[{{ c.desa.kecamatan.name }}]", c=Cooperative()), "[]")


class TranslationTests(SimpleTestCase):
    def test_indonesian_and_english_from_the_same_catalogue(self):
        source = '{{ _("Ubah") }} · {{ _("pada akhir tahun: %(status)s", status="Aktif") }}'
        with translation.override("id"):
            self.assertEqual(render(source), "Ubah · pada akhir tahun: Aktif")
        with translation.override("en"):
            self.assertEqual(render(source), "Edit · at the year end: Aktif")

    def test_a_translation_is_escaped_as_the_translate_tag_escapes_it_and_so_are_its_values(self):
        with translation.override("id"):
            self.assertEqual(render('{{ _("a & b") }}'), "a &amp; b")
            self.assertEqual(render('{{ _("x %(v)s", v=v) }}', v="<b>"), "x &lt;b&gt;")

    def test_a_message_is_formatted_as_jinjas_newstyle_gettext_formats_it(self):
        # Kept per language and message, and formatted even without values, as the i18n extension does.
        with translation.override("id"):
            for _n in range(2):
                self.assertEqual(render('{{ _("100%% lengkap") }}|{{ _("%(n)s%%", n=5) }}'), "100% lengkap|5%")
                self.assertEqual(render('{{ _("x %(v)s", v=v) }}', v=mark_safe("<b>")), "x <b>")
            with self.assertRaises(KeyError):
                render('{{ _("tanpa %(nilai)s") }}')
        with translation.override("en"):
            self.assertEqual(render('{{ _("Ubah") }}'), "Edit")

    def test_every_string_of_the_jinja_templates_has_an_english_translation(self):
        """makemessages reads `_("...")` of these templates only when it has no arguments; the
        catalogue must keep every msgid they use, or English pages fall back to Indonesian."""
        catalogue = (PROJECT / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text()
        used = set()
        for template in (PROJECT / "templates" / "jinja2").rglob("*.html"):
            used.update(re.findall(r'_\("((?:[^"\\]|\\.)*)"', template.read_text()))
        self.assertTrue(used)
        for msgid in used:
            entry = re.search(r'^msgid "' + re.escape(msgid) + r'"\nmsgstr "(.+)"$', catalogue, re.MULTILINE)
            self.assertIsNotNone(entry, f"no English translation of {msgid!r}")


class EscapingTests(SimpleTestCase):
    def test_text_is_escaped_and_safe_strings_are_kept(self):
        self.assertEqual(render("{{ a }} {{ b }}", a="<script>", b=mark_safe("<b>x</b>")), "&lt;script&gt; <b>x</b>")


class UrlTests(SimpleTestCase):
    def test_the_same_urls_as_reverse(self):
        for name, args in [("registry:cooperative_detail", (7,)), ("registry:cooperative_detail", (123456789012,)),
                           ("registry:finding_update", (3, 41)), ("registry:cooperative_list", ()),
                           ("registry:list_export", ("koperasi", "xlsx")),
                           ("registry:list_export", ("anggota", "csv"))]:
            with self.subTest(name=name, args=args):
                self.assertEqual(render("{{ url(name, *args) }}", name=name, args=args), reverse(name, args=args))

    def test_text_arguments_are_reversed_once_safe_strings_included(self):
        from unittest import mock

        from registry import jinja_environment

        # A kind handed down from a Django template arrives as a SafeString (the export links).
        kind = mark_safe("pelatihan")
        with mock.patch.object(jinja_environment, "reverse", wraps=jinja_environment.reverse) as reversing:
            urls = {render('{{ url("registry:list_export", kind, "xlsx") }}', kind=kind) for _ in range(3)}
        self.assertEqual(urls, {reverse("registry:list_export", args=("pelatihan", "xlsx"))})
        self.assertLessEqual(reversing.call_count, 1)

    def test_a_url_under_a_script_prefix(self):
        from django.urls import get_script_prefix, set_script_prefix
        before = get_script_prefix()
        set_script_prefix("/kantor/")
        try:
            self.assertEqual(render('{{ url("registry:cooperative_detail", 5) }}'), "/kantor/koperasi/5/")
            self.assertEqual(render('{{ url("registry:account") }}'), "/kantor/akun/")
            self.assertEqual(render('{{ url("registry:list_export", "temuan", "csv") }}'), "/kantor/ekspor/temuan/csv/")
        finally:
            set_script_prefix(before)
        self.assertEqual(render('{{ url("registry:account") }}'), "/akun/")  # a URL without arguments too
        self.assertEqual(render('{{ url("registry:list_export", "temuan", "csv") }}'), "/ekspor/temuan/csv/")


class HeaderToolsTests(TestCase):
    """The language switch and the user's box (includes/_header_tools.html) as Django's tags wrote them."""

    def test_signed_in_page(self):
        user = make_user("Petugas", first_name="Rina", last_name="Wati")
        self.client.force_login(user)
        page = self.client.get("/akun/?tab=1&x=<b>").content.decode()
        self.assertRegex(page, r'<form class="language-switch" action="/i18n/setlang/" method="post">'
                               r'<input type="hidden" name="csrfmiddlewaretoken" value="\w{64}">')
        self.assertIn('<input name="next" type="hidden" value="/akun/?tab=1&amp;x=%3Cb%3E">', page)
        self.assertIn('<button type="submit" name="language" value="id" lang="id" title="Bahasa Indonesia" '
                      'aria-pressed="true">ID</button>', page)
        self.assertIn('<button type="submit" name="language" value="en" lang="en" title="Inggris">EN</button>', page)
        self.assertIn('<a class="user-name" href="/akun/" title="Akun saya">Rina Wati</a>', page)
        self.assertIn('<span class="user-meta">Petugas · ', page)
        self.assertEqual(page.count('name="csrfmiddlewaretoken"'), 2)  # the language switch and "Keluar"

    def test_page_without_a_request(self):
        from django.template import loader
        page = loader.get_template("400.html").render()  # as Django's bad_request renders it
        self.assertIn('<form class="language-switch" action="/i18n/setlang/" method="post">\n', page)
        self.assertIn('<input name="next" type="hidden" value="">', page)
        self.assertNotIn("csrfmiddlewaretoken", page)
        self.assertNotIn("user-box", page)


class CooperativeRowsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("Petugas")
        cls.cooperative = make_cooperative(name="<script>alert(1)</script> & Co", merah_putih=True)

    def setUp(self):
        self.client.force_login(self.user)

    def test_a_name_with_markup_is_shown_as_text(self):
        response = self.client.get("/koperasi/")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</a>")
        self.assertNotContains(response, "<script>alert(1)")

    def test_the_row_in_indonesian_and_in_english(self):
        row = f'<a href="/koperasi/{self.cooperative.pk}/">'
        response = self.client.get("/koperasi/")
        self.assertContains(response, row)
        self.assertContains(response, '<span class="badge status-aktif">Aktif</span>')
        self.assertContains(response, '<span class="badge badge-mp">Merah Putih</span>')
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get("/koperasi/")
        self.assertContains(response, row)
        self.assertContains(response, '<span class="badge status-aktif">Active</span>')
        self.assertContains(response, "Producer")


class RenderScopeTests(TestCase):
    """A partial reads the language, URL prefix and time zone once (registry/render_scope.py): the
    same output as asking Django for each cell, at the cost of one read per partial, not per row."""

    SOURCE = ('{{ n|angka }} {{ m|rupiah }} {{ s|persen }} {{ c|display("status") }} {{ _("aktif") }} '
              '{{ t|date("d/m/Y H:i") }} {{ t|date("c") }} {{ url("registry:cooperative_detail", 5) }}')

    def context(self):
        return {"n": 1150, "m": -1234567, "s": 0.58, "c": Cooperative(status=Cooperative.Status.INACTIVE),
                "t": datetime.datetime(2026, 11, 30, 20, 0, tzinfo=ZoneInfo("UTC"))}

    def test_the_same_output_inside_a_scope_in_each_language_time_zone_and_prefix(self):
        from django.urls import get_script_prefix, set_script_prefix
        from django.utils import timezone

        from registry.render_scope import render_scope

        before = get_script_prefix()
        try:
            for language, zone, prefix in [("id", "Asia/Makassar", "/"), ("en", "Asia/Jakarta", "/kantor/")]:
                set_script_prefix(prefix)
                with self.subTest(language=language, zone=zone, prefix=prefix), translation.override(language), \
                        timezone.override(ZoneInfo(zone)):
                    outside = render(self.SOURCE, **self.context())
                    with render_scope():
                        self.assertEqual(render(self.SOURCE, **self.context()), outside)
                    self.assertIn(f"{prefix}koperasi/5/", outside)
        finally:
            set_script_prefix(before)

    def test_a_scope_keeps_what_it_read_until_it_ends(self):
        from registry.render_scope import current_language, render_scope

        with translation.override("id"):
            with render_scope():
                with translation.override("en"):  # nothing in a render does this; the scope ignores it
                    self.assertEqual(current_language(), "id")
                    self.assertEqual(render("{{ n|angka }}", n=1150), "1.150")
                    with render_scope():  # a nested partial reads afresh, then the outer scope returns
                        self.assertEqual(render("{{ n|angka }}", n=1150), "1,150")
                    self.assertEqual(render("{{ n|angka }}", n=1150), "1.150")
            with translation.override("en"):
                self.assertEqual(current_language(), "en")
                self.assertEqual(render("{{ n|angka }}", n=1150), "1,150")

    def test_a_scope_writes_moments_in_its_own_time_zone_without_asking_django_again(self):
        from unittest import mock

        from django.utils import timezone

        from registry.render_scope import render_scope

        moments = [datetime.datetime(2026, 12, 31, 16, 30, tzinfo=ZoneInfo("UTC"))] * 3
        rows = '{% for t in moments %}{{ t|date("d/m/Y H:i") }}|{{ t|date("d/m/Y") }}|{{ t|date("c") }};{% endfor %}'
        with timezone.override(ZoneInfo("Asia/Makassar")):
            with render_scope():
                asked = mock.patch.object(timezone, "get_current_timezone", wraps=timezone.get_current_timezone)
                with timezone.override(ZoneInfo("UTC")), asked as read:
                    written = render(rows, moments=moments)
        # 16:30 UTC on 31 December is already 1 January in Makassar (UTC+8): the scope's zone, read
        # when the partial started, not the zone made current inside it nor a read per moment.
        self.assertEqual(written, "01/01/2027 00:30|01/01/2027|2027-01-01T00:30:00+08:00;" * 3)
        self.assertEqual(read.call_count, 0)

    def test_without_time_zones_a_scope_leaves_moments_as_they_are(self):
        from django.test import override_settings
        from django.utils import timezone

        from registry.render_scope import render_scope

        moment = datetime.datetime(2026, 12, 31, 16, 30, tzinfo=ZoneInfo("UTC"))
        with override_settings(USE_TZ=False), timezone.override(ZoneInfo("Asia/Makassar")):
            outside = render('{{ t|date("d/m/Y H:i") }}', t=moment)
            with render_scope():
                self.assertEqual(render('{{ t|date("d/m/Y H:i") }}', t=moment), outside)
        self.assertEqual(outside, "31/12/2026 16:30")

    def test_a_list_page_reads_the_language_once_per_partial_not_per_row(self):
        from unittest import mock

        from registry import render_scope

        self.client.force_login(make_user("Petugas"))

        def reads():
            with mock.patch.object(render_scope, "get_language", wraps=render_scope.get_language) as read:
                self.assertEqual(self.client.get("/koperasi/").status_code, 200)
            return read.call_count

        make_cooperative()
        few = reads()
        for _ in range(5):
            make_cooperative()
        self.assertEqual(reads(), few)
