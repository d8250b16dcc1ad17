"""A cooperative moved to a desa of another kecamatan, through each write path that can move it.

`CooperativeMovesTests` is the set every copy of a cooperative's kecamatan must pass
(registry/services/member_areas.py keeps members, partnerships, assessments and findings in step):
the cooperative form, the admin, the import and its undo, a history revert, and its desa moved to
another kecamatan in the admin. After each, the cooperative's rows hold the new kecamatan, a
bystander cooperative's row keeps its own, and no row of the model is misplaced.

Mixed into a `TestCase` (it is not one itself, so pytest does not collect it alone). The test class
gives `make_rows(cooperative)` (the two rows that must move), `make_bystander_row(cooperative)`
(the row that must stay), `kecamatan_of(row)` and `misplaced()` (the model's rows whose copy is not
their cooperative's kecamatan). A model whose rows have more than one side (partnerships) overrides
`setUp` and `assert_moved` instead.
"""

from django.urls import reverse

from registry.models import Cooperative, Desa
from registry.services.history import history_revert
from registry.spreadsheets.commit import import_batch_undo, import_commit
from tests.builders import SANGATTA_SELATAN, SANGATTA_UTARA, first_desa, make_cooperative, make_user
from tests.test_admin import form_data
from tests.test_imports import csv_bytes
from tests.test_write_path import rendered

COOPERATIVE_HEADERS = ["Nama koperasi", "Nomor Induk Koperasi", "Jenis", "Kelompok", "Sektor usaha",
                       "Desa/kelurahan", "Kecamatan"]


def cooperative_row(cooperative, desa):
    return [cooperative.name, cooperative.nomor_induk, "Produsen", "Perkebunan/plasma", "perkebunan_sawit",
            desa.name, desa.kecamatan.name]


class CooperativeMovesTests:
    """A cooperative (or its desa) moved to another kecamatan: its rows follow, a bystander's stay."""

    @classmethod
    def setUpTestData(cls):
        cls.petugas = make_user("Petugas")
        cls.admin = make_user("Admin Dinas", is_staff=True, is_superuser=True)
        cls.there = first_desa(SANGATTA_SELATAN)

    def setUp(self):
        self.cooperative = make_cooperative(kecamatan=SANGATTA_UTARA, nomor_induk="6408040000001")
        self.bystander = make_cooperative(kecamatan=SANGATTA_UTARA)
        self.moving = self.make_rows(self.cooperative)
        self.stays = self.make_bystander_row(self.bystander)

    def assert_moved(self, kecamatan=SANGATTA_SELATAN):
        self.assertEqual({self.kecamatan_of(row) for row in self.moving}, {kecamatan})
        self.assertEqual(self.kecamatan_of(self.stays), SANGATTA_UTARA)
        self.assertEqual(self.misplaced(), [])

    def assert_moved_with_the_desa(self, desa):
        """After `desa` moved to Sangatta Selatan: the cooperative's rows follow; the bystander's
        follow only if make_cooperative put its cooperative in the same desa."""
        self.assertEqual({self.kecamatan_of(row) for row in self.moving}, {SANGATTA_SELATAN})
        shares_the_desa = Cooperative.objects.get(pk=self.bystander.pk).desa_id == desa.pk
        self.assertEqual(self.kecamatan_of(self.stays), SANGATTA_SELATAN if shares_the_desa else SANGATTA_UTARA)
        self.assertEqual(self.misplaced(), [])

    def move_with_the_form(self, desa):
        self.cooperative.refresh_from_db()
        self.client.force_login(self.petugas)
        url = f"/koperasi/{self.cooperative.pk}/ubah/"
        data = {**rendered(self.client.get(url).context["form"]), "kecamatan": desa.kecamatan_id, "desa": desa.code}
        self.assertEqual(self.client.post(url, data).status_code, 302)

    def test_the_cooperative_form(self):
        self.move_with_the_form(self.there)
        self.assert_moved()

    def test_the_admin(self):
        self.client.force_login(self.admin)
        url = reverse("admin:registry_cooperative_change", args=[self.cooperative.pk])
        data = {**form_data(self.client.get(url)), "desa": self.there.code}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assert_moved()

    def test_the_import_and_its_undo(self):
        data = csv_bytes([COOPERATIVE_HEADERS, cooperative_row(self.cooperative, self.there)])
        batch = import_commit(kind="koperasi", data=data, file_name="koperasi.csv", user=self.petugas)
        self.assertEqual(batch.rows_updated, 1)
        self.assert_moved()
        import_batch_undo(batch=batch, user=self.admin)
        self.assert_moved(SANGATTA_UTARA)

    def test_a_history_revert(self):
        self.move_with_the_form(self.there)
        self.assert_moved()
        change = self.cooperative.history.get(version=2)
        history_revert(record=change, instance=Cooperative.objects.get(pk=self.cooperative.pk), user=self.admin)
        self.assert_moved(SANGATTA_UTARA)

    def test_a_desa_moved_to_another_kecamatan_in_the_admin(self):
        desa = self.cooperative.desa
        self.client.force_login(self.admin)
        url = reverse("admin:registry_desa_change", args=[desa.pk])
        data = {**form_data(self.client.get(url)), "kecamatan": SANGATTA_SELATAN}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(Desa.objects.get(pk=desa.pk).kecamatan_id, SANGATTA_SELATAN)
        self.assert_moved_with_the_desa(desa)
