"""The read replica (DATABASE_REPLICA_URL): who reads it, explicitly, and who does not.

The tests' "replica" alias is a second, separate test database (kutim_koperasi/settings.py), not
a replica of the first: what a view or the refresh shows tells which database it read.
"""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings

from registry.models import Cooperative, Desa, Kecamatan, SummaryCell, SummaryRefresh
from registry.services.summary import summary_refresh
from tests.builders import SANGATTA_UTARA, make_cooperative, make_user

REPLICA = "replica"


def cooperatives_on_replica(count):
    Kecamatan.objects.using(REPLICA).bulk_create(Kecamatan.objects.all())
    Desa.objects.using(REPLICA).bulk_create(Desa.objects.all())
    desa = Desa.objects.using(REPLICA).filter(kecamatan_id=SANGATTA_UTARA).order_by("code").first()
    for n in range(count):
        Cooperative.objects.using(REPLICA).create(
            name=f"Koperasi Replika {n}", jenis=Cooperative.Jenis.PRODUCER, kelompok=Cooperative.Kelompok.PLANTATION,
            sector=Cooperative.Sector.PALM_OIL, status=Cooperative.Status.ACTIVE, desa=desa,
        )


def counted():
    return SummaryCell.objects.get(year=0, kecamatan=SANGATTA_UTARA, dimension="").cooperatives


class ReplicaTests(TestCase):
    databases = {"default", REPLICA}

    @classmethod
    def setUpTestData(cls):
        make_cooperative(kecamatan=SANGATTA_UTARA)  # the primary holds one cooperative
        cooperatives_on_replica(3)  # the "replica" three
        cls.pimpinan = make_user("Pimpinan")

    def test_the_nightly_rebuild_reads_the_replica_and_writes_the_primary(self):
        with override_settings(REPLICA_DATABASE=REPLICA):
            call_command("refresh_summary", stdout=StringIO())
        self.assertEqual(counted(), 3)
        self.assertFalse(SummaryCell.objects.using(REPLICA).exists())  # never written there
        call_command("refresh_summary", read_from="default", stdout=StringIO())
        self.assertEqual(counted(), 1)

    def test_the_refresh_after_a_write_reads_the_primary(self):
        with override_settings(REPLICA_DATABASE=REPLICA):
            summary_refresh()
        self.assertEqual(counted(), 1)

    def test_without_a_replica_the_nightly_rebuild_reads_the_primary(self):
        call_command("refresh_summary", stdout=StringIO())
        self.assertEqual(counted(), 1)

    def test_the_api_reads_the_replica_the_dashboard_the_primary(self):
        summary_refresh()  # primary: 1 cooperative
        summary_refresh(read_from=REPLICA)  # primary again: 3 cooperatives
        cells = list(SummaryCell.objects.all())
        refresh = SummaryRefresh.objects.order_by("-finished_at").first()
        summary_refresh()  # the primary's figures back to 1
        SummaryCell.objects.using(REPLICA).bulk_create(cells)  # the "replica" has the figures of 3
        refresh.pk, refresh.requested_by = None, None
        refresh.save(using=REPLICA)

        self.client.force_login(self.pimpinan)
        with override_settings(REPLICA_DATABASE=REPLICA):
            api = self.client.get("/api/ringkasan.json").json()
            page = self.client.get("/dasbor/")
        headline = {figure["key"]: figure["value"] for figure in api["headline"]}
        self.assertEqual(headline["koperasi"], 3)
        self.assertEqual(page.context["d"].now["cooperatives"], 1)
        api = self.client.get("/api/ringkasan.json").json()  # no replica configured: the primary
        self.assertEqual({f["key"]: f["value"] for f in api["headline"]}["koperasi"], 1)
