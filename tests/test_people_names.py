"""People by their names: every page that shows who did something writes their full name."""

import datetime

from django.template import Context, Template, engines
from django.test import RequestFactory, TestCase

from registry.models import ImportBatch, NikReveal, StatusChange
from registry.templatetags.registry_people import person_name, shared_full_names
from tests.builders import make_cooperative, make_member, make_user


class PersonNameTests(TestCase):
    def test_full_name_username_only_where_shared_or_no_name(self):
        budi = make_user(username="budi.s", first_name="Budi", last_name="Santoso")
        other_budi = make_user(username="budi.s2", first_name=" budi", last_name="SANTOSO ")
        siti = make_user(username="siti", first_name="Siti", last_name="Aminah")
        nameless = make_user(username="operator7")
        shared = shared_full_names()
        self.assertEqual(shared, {("budi", "santoso")})
        self.assertEqual(person_name(budi, shared), "Budi Santoso (budi.s)")
        self.assertEqual(person_name(other_budi, shared), "budi SANTOSO (budi.s2)")
        self.assertEqual(person_name(siti, shared), "Siti Aminah")
        self.assertEqual(person_name(nameless, shared), "operator7")

    def test_nameless_accounts_are_not_namesakes(self):
        make_user(username="a")
        make_user(username="b")
        self.assertEqual(shared_full_names(), set())

    def test_tag_reads_the_shared_names_once_per_request(self):
        people = [make_user(first_name="Orang", last_name=str(i)) for i in range(5)]
        template = Template("{% load registry_people %}{% for p in people %}{% person p %};{% endfor %}"
                            "{% person nobody %}|{% person nobody 'sistem' %}")
        request = RequestFactory().get("/")
        with self.assertNumQueries(1):
            text = template.render(Context({"people": people, "nobody": None, "request": request}))
        self.assertEqual(text, "Orang 0;Orang 1;Orang 2;Orang 3;Orang 4;–|sistem")

    def test_jinja_partials_write_the_same_and_share_the_requests_names(self):
        people = [make_user(first_name="Orang", last_name=str(i)) for i in range(3)]
        people.append(make_user(username="orang.sama", first_name="Orang", last_name="0"))
        django_page = Template("{% load registry_people %}{% for p in people %}{% person p %};{% endfor %}")
        jinja_rows = engines["jinja2"].from_string("{% for p in people %}{{ person(request, p) }};{% endfor %}")
        request = RequestFactory().get("/")
        with self.assertNumQueries(1):  # the shared names, read by whichever engine comes first
            jinja_text = jinja_rows.render({"people": people, "request": request})
            django_text = django_page.render(Context({"people": people, "request": request}))
        self.assertEqual(jinja_text, django_text)
        self.assertIn("Orang 0 (orang.sama);", jinja_text)


class PagesShowFullNamesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("Admin Dinas", username="adm.dinas", first_name="Rahmawati", last_name="Putri")
        cls.namesake = make_user("Petugas", username="rahma.p", first_name="Rahmawati", last_name="Putri")
        cls.petugas = make_user("Petugas", username="petugas1", first_name="Andi", last_name="Wijaya")
        cls.cooperative = make_cooperative()

    def test_import_batches_list_and_detail(self):
        batch = ImportBatch.objects.create(kind="anggota", file_name="a.csv", user=self.petugas)
        self.client.force_login(self.admin)
        self.assertContains(self.client.get("/impor/riwayat/"), "<td>Andi Wijaya</td>", html=True)
        response = self.client.get(f"/impor/riwayat/{batch.pk}/")
        self.assertContains(response, "Andi Wijaya")
        self.assertNotContains(response, "petugas1")

    def test_namesakes_carry_their_username(self):
        ImportBatch.objects.create(kind="anggota", file_name="a.csv", user=self.namesake)
        self.client.force_login(self.admin)
        self.assertContains(self.client.get("/impor/riwayat/"), "<td>Rahmawati Putri (rahma.p)</td>", html=True)

    def test_reveal_log(self):
        member = make_member(self.cooperative)
        NikReveal.objects.create(user=self.petugas, member=member)
        self.client.force_login(self.admin)
        response = self.client.get("/anggota/log-nik/")
        self.assertContains(response, "<td>Andi Wijaya</td>", html=True)

    def test_profile_status_steps_and_history(self):
        StatusChange.objects.create(cooperative=self.cooperative, changed_on=datetime.date(2025, 1, 2),
                                    from_status="aktif", to_status="tidak_aktif", reason="Uji",
                                    changed_by=self.namesake)
        self.client.force_login(self.petugas)
        data = {"name": "Koperasi Ganti Nama", "jenis": self.cooperative.jenis, "kelompok": self.cooperative.kelompok,
                "desa": self.cooperative.desa_id, "version": self.cooperative.version}
        form = self.client.get(f"/koperasi/{self.cooperative.pk}/ubah/").context["form"]
        data = {**{k: v for k, v in form.initial.items() if v is not None}, **data}
        response = self.client.post(f"/koperasi/{self.cooperative.pk}/ubah/", data)
        self.assertEqual(response.status_code, 302)
        response = self.client.get(f"/koperasi/{self.cooperative.pk}/")
        self.assertContains(response, "<td>Rahmawati Putri (rahma.p)</td>", html=True)
        history = self.client.get(f"/koperasi/{self.cooperative.pk}/riwayat/")
        self.assertContains(history, "<strong>Andi Wijaya</strong>", html=True)
