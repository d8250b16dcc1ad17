"""Who may open which page of the staff workspace (issue 3), and the kecamatan limit on each."""

import datetime

from django.test import TestCase

from tests.builders import (
    MUARA_WAHAU,
    SANGATTA_SELATAN,
    SANGATTA_UTARA,
    make_board_member,
    make_cooperative,
    make_member,
    make_report,
    make_user,
)

ROLES = ["Admin Dinas", "Petugas", "Pimpinan", "Verifikator"]
LIMITED = "Petugas (Sangatta)"
NO_ROLE = "tanpa peran"
EVERYONE = ROLES + [LIMITED, NO_ROLE]

# Expected status per kind of page and who asks. 302 = sent to the login page.
READ = {None: 302, NO_ROLE: 403, **{role: 200 for role in ROLES + [LIMITED]}}
EDIT = {None: 302, NO_ROLE: 403, "Pimpinan": 403, "Verifikator": 403, "Admin Dinas": 200, "Petugas": 200, LIMITED: 200}
ADMIN_ONLY = {None: 302, "Admin Dinas": 200, **{who: 403 for who in EVERYONE if who != "Admin Dinas"}}
# The same page for a record outside the limited Petugas's kecamatan: 404, never a 403 that confirms it exists.
OUTSIDE_READ = {**READ, LIMITED: 404}
OUTSIDE_EDIT = {**EDIT, LIMITED: 404}


class WorkspacePermissionMatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_user(role) for role in ROLES}
        cls.users[LIMITED] = make_user("Petugas", kecamatan=[SANGATTA_UTARA, SANGATTA_SELATAN])
        cls.users[NO_ROLE] = make_user(None)
        cls.records = {}
        for where, kecamatan in (("inside", SANGATTA_UTARA), ("outside", MUARA_WAHAU)):
            cooperative = make_cooperative(kecamatan=kecamatan)
            cls.records[where] = {
                "cooperative": cooperative,
                "board": make_board_member(cooperative, "ketua"),
                "report": make_report(cooperative, 2024),
                "member": make_member(cooperative, nik="6408041203900001"),
            }
            cooperative.phone = "0811"
            cooperative._change_reason = "uji"
            cooperative.save()
            cls.records[where]["change"] = cooperative.history.order_by("-history_id").first()

    def pages(self, where):
        r = self.records[where]
        c = r["cooperative"].pk
        return {
            f"/koperasi/{c}/": READ,
            f"/koperasi/{c}/ubah/": EDIT,
            f"/koperasi/{c}/status/": EDIT,
            f"/koperasi/{c}/pengurus/tambah/": EDIT,
            f"/koperasi/{c}/pengurus/{r['board'].pk}/ubah/": EDIT,
            f"/koperasi/{c}/pengurus/{r['board'].pk}/akhiri/": EDIT,
            f"/koperasi/{c}/laporan/tambah/": EDIT,
            f"/koperasi/{c}/laporan/{r['report'].pk}/ubah/": EDIT,
            f"/koperasi/{c}/anggota/tambah/": EDIT,
            f"/koperasi/{c}/riwayat/koperasi/{r['change'].history_id}/kembalikan/": ADMIN_ONLY,
            f"/anggota/{r['member'].pk}/": READ,
            f"/anggota/{r['member'].pk}/ubah/": EDIT,
            f"/anggota/{r['member'].pk}/keluar/": EDIT,
        }

    def check(self, method, path, expected):
        for who, status in expected.items():
            with self.subTest(method=method, path=path, who=who):
                self.client.logout()
                if who:
                    self.client.force_login(self.users[who])
                response = getattr(self.client, method)(path)
                self.assertEqual(response.status_code, status)
                if status == 302:
                    self.assertIn("/accounts/login/", response["Location"])

    def test_lists(self):
        for path in ["/koperasi/", "/anggota/", "/anggota/ganda/"]:
            self.check("get", path, READ)
        self.check("get", "/koperasi/tambah/", EDIT)
        self.check("get", "/anggota/log-nik/", ADMIN_ONLY)

    def test_record_pages_inside_the_area(self):
        for path, expected in self.pages("inside").items():
            self.check("get", path, expected)

    def test_record_pages_outside_the_area_are_not_found(self):
        for path, expected in self.pages("outside").items():
            if expected is READ:
                expected = OUTSIDE_READ
            elif expected is EDIT:
                expected = OUTSIDE_EDIT
            self.check("get", path, expected)

    def test_nik_reveal_is_for_admin_and_petugas_only(self):
        reveal = {None: 302, NO_ROLE: 403, "Pimpinan": 403, "Verifikator": 403, "Admin Dinas": 200, "Petugas": 200,
                  LIMITED: 200}
        self.check("post", f"/anggota/{self.records['inside']['member'].pk}/buka-nik/", reveal)
        self.check("post", f"/anggota/{self.records['outside']['member'].pk}/buka-nik/", {**reveal, LIMITED: 404})

    def test_limited_petugas_cannot_post_edits_outside(self):
        outside = self.records["outside"]["cooperative"]
        self.client.force_login(self.users[LIMITED])
        response = self.client.post(f"/koperasi/{outside.pk}/ubah/", {"name": "Diambil alih", "version": 1})
        self.assertEqual(response.status_code, 404)
        response = self.client.post(
            f"/koperasi/{outside.pk}/status/",
            {"to_status": "tidak_aktif", "changed_on": datetime.date.today().isoformat(), "reason": "uji",
             "version": 1},
        )
        self.assertEqual(response.status_code, 404)
        outside.refresh_from_db()
        self.assertEqual((outside.name != "Diambil alih", outside.status), (True, "aktif"))
