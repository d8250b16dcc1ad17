"""Reference regions: the Kemendagri list of Kutai Timur loaded by migration 0002."""

from django.test import TestCase

from registry.models import Desa, Kecamatan, RegionAlias


class RegionTests(TestCase):
    def test_eighteen_kecamatan_and_141_desa(self):
        self.assertEqual(Kecamatan.objects.count(), 18)
        self.assertEqual(Desa.objects.count(), 141)

    def test_codes_follow_kemendagri_not_bps(self):
        for code in Kecamatan.objects.values_list("code", flat=True):
            self.assertRegex(code, r"^64\.08\.\d{2}$")
        for code, kecamatan in Desa.objects.values_list("code", "kecamatan_id"):
            self.assertRegex(code, r"^64\.08\.\d{2}\.\d{4}$")
            self.assertTrue(code.startswith(kecamatan + "."))
        self.assertFalse(Kecamatan.objects.filter(code__startswith="6404").exists())

    def test_known_names(self):
        self.assertEqual(Kecamatan.objects.get(code="64.08.04").name, "Sangatta Utara")
        self.assertEqual(Kecamatan.objects.get(code="64.08.12").name, "Sangatta Selatan")
        self.assertEqual(Kecamatan.objects.get(code="64.08.08").name, "Kombeng")

    def test_every_kecamatan_has_desa(self):
        self.assertFalse(Kecamatan.objects.filter(desa_set__isnull=True).exists())

    def test_kelurahan_marked(self):
        kelurahan = set(Desa.objects.filter(level=Desa.Level.KELURAHAN).values_list("name", flat=True))
        self.assertEqual(kelurahan, {"Teluk Lingga", "Singa Geweh"})

    def test_spelling_aliases(self):
        aliases = dict(RegionAlias.objects.values_list("alias", "canonical"))
        self.assertEqual(aliases, {"Kongbeng": "Kombeng", "Bangalon": "Bengalon", "Sengata": "Sangatta"})
        for canonical in aliases.values():
            self.assertTrue(Kecamatan.objects.filter(name__icontains=canonical).exists(), canonical)
