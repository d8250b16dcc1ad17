"""The import history's rows, drawn by Jinja2 (templates/jinja2/registry/imports/_rows.html), say
what the Django template they replace said: the same moment in the office's time zone, labels in
each language, the person's name, the numbers, the link, and a file name shown as text."""

import datetime
import re

from django.template import engines
from django.test import RequestFactory, TestCase
from django.utils import timezone, translation

from registry.models import ImportBatch
from tests.builders import make_user

# The rows as the Django template wrote them before (batch_list.html until 1 December 2026).
DJANGO_ROWS = """{% load registry_people registry_format %}{% for batch in object_list %}<tr>
    <td>{{ batch.created_at|date:"d/m/Y H:i" }}</td>
    <th scope="row"><a href="{% url 'registry:importbatch_detail' batch.pk %}">{{ batch.file_name }}</a></th>
    <td>{{ batch.get_kind_display }}</td><td>{% person batch.user %}</td>
    <td class="number">{{ batch.rows_created|angka }}</td><td class="number">{{ batch.rows_updated|angka }}</td>
    <td class="number">{{ batch.rows_skipped|angka }}</td>
    <td>{{ batch.get_status_display }}</td></tr>{% endfor %}"""


def squeezed(html):
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


class ImportHistoryRowsTests(TestCase):
    def test_the_rows_say_what_the_django_template_said(self):
        petugas = make_user("Petugas", first_name="Sri", last_name="Wahyuni")
        batch = ImportBatch.objects.create(kind="anggota", file_name="<b>anggota</b> 2026.xlsx", user=petugas,
                                           rows_created=1234, rows_updated=5, rows_skipped=2)
        # 23:30 UTC on 31 December is 1 January in Sangatta (UTC+8).
        ImportBatch.objects.filter(pk=batch.pk).update(
            created_at=datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC))
        undone = ImportBatch.objects.create(kind="laporan", file_name="laporan.xlsx", user=make_user("Petugas"),
                                            status=ImportBatch.Status.UNDONE, undone_at=timezone.now())
        batches = list(ImportBatch.objects.select_related("user").order_by("pk"))
        request = RequestFactory().get("/impor/riwayat/")
        request.user = petugas
        for language in ("id", "en"):
            with self.subTest(language), translation.override(language):
                context = {"object_list": batches, "request": request}
                jinja = engines["jinja2"].get_template("registry/imports/_rows.html").render(context)
                django = engines["django"].from_string(DJANGO_ROWS).render(context, request)
                self.assertEqual(squeezed(jinja), squeezed(django))
                self.assertIn("01/01/2026 07:30", jinja)
                self.assertIn("&lt;b&gt;anggota&lt;/b&gt;", jinja)
                self.assertIn("Sri Wahyuni", jinja)
        self.assertTrue(undone.pk)

    def test_the_page_lists_the_batches(self):
        petugas = make_user("Petugas")
        ImportBatch.objects.create(kind="anggota", file_name="anggota-maret.xlsx", user=petugas, rows_created=12)
        self.client.force_login(petugas)
        response = self.client.get("/impor/riwayat/")
        self.assertContains(response, "anggota-maret.xlsx")
        self.assertContains(response, '<td class="number">12</td>', html=True)
