"""Random sequences of the office's writes keep every figure true to its list and every save kept.

A hypothesis state machine plays an office at work: cooperatives created through the form, edited
and moved along their lifecycle through the services the pages use (sometimes from a stale page),
changes reverted from the history, yearly reports typed in or imported (dry run, then commit of
what the preview showed), imports undone, assessments scored, submitted and verified. It keeps its
own account of every save the registry accepted. After each step: the status history ends on the
status, and every accepted save is in the records; now and then, and at the end: every dashboard
figure equals the count or total line of the list it links to (tests/figure_walk.py), and every
accepted save has its row in the history.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from registry.forms.cooperatives import CooperativeForm
from registry.forms.reports import YearlyReportForm
from registry.models import Assessment, Cooperative, YearlyReport, last_full_year
from registry.services import assessments as assessment_services
from registry.services.cooperatives import cooperative_change_status
from registry.services.history import history_revert, revertable_fields
from registry.services.summary import summary_refresh
from registry.services.versioning import EditConflict, remember_loaded, save_versioned
from registry.spreadsheets.commit import ImportRejected, UndoRefused, import_batch_undo, import_commit
from registry.spreadsheets.imports import import_dry_run, preview_plan
from tests.access import make_limited_petugas
from tests.builders import MUARA_WAHAU, SANGATTA_SELATAN, SANGATTA_UTARA, first_desa, make_user, rubric_indicators
from tests.figure_walk import figure_disagreements
from tests.test_imports import csv_bytes
from tests.test_status_history import status_disagreements
from tests.test_write_path import rendered

LAST = last_full_year()
YEARS = (LAST - 1, LAST)
KECAMATAN = (SANGATTA_UTARA, SANGATTA_SELATAN, MUARA_WAHAU)
# Founded long ago, on the last day of the year before, on the first day of the last full year.
FOUNDINGS = (datetime.date(2010, 5, 1), datetime.date(LAST - 1, 12, 31), datetime.date(LAST, 1, 1))
STATUS_DAYS = (datetime.date(LAST - 1, 12, 31), datetime.date(LAST, 1, 1), datetime.date(LAST, 12, 31), None)
TRACKED = ("name", "phone", "status", "version")
REPORT_TRACKED = ("members_male", "members_female", "shu", "version")

pick = st.integers(min_value=0, max_value=10**6)


class OfficeMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Each run starts from the empty registry of the test and leaves nothing behind.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.petugas = make_user("Petugas")
        self.admin = make_user("Admin Dinas", is_staff=True)
        self.verifier = make_user("Verifikator")
        self.limited = make_limited_petugas()
        self.coops = {}  # pk -> the tracked values the registry accepted last
        self.reports = {}  # (cooperative pk, year) -> {pk, tracked values}
        self.assessments = {}  # (cooperative pk, year) -> {pk, status, version}
        self.saves = []  # (model, pk, version, values) of every accepted save
        self.batches = []  # (batch, {report key: values before or None, ...}) of imports not undone
        self.serial = 0

    def teardown(self):
        try:
            if self.coops:
                self.check_figures()
                self.check_history()
        finally:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    # -- helpers --------------------------------------------------------------------------------

    def coop(self, n):
        pks = sorted(self.coops)
        return Cooperative.objects.get(pk=pks[n % len(pks)])

    def accept(self, model, pk, version, values):
        self.saves.append((model, pk, version, dict(values)))

    def cooperative_saved(self, cooperative):
        values = {name: getattr(cooperative, name) for name in TRACKED}
        self.coops[cooperative.pk] = values
        self.accept(Cooperative, cooperative.pk, cooperative.version, values)

    def report_saved(self, report):
        values = {name: getattr(report, name) for name in REPORT_TRACKED}
        self.reports[(report.cooperative_id, report.year)] = {"pk": report.pk, **values}
        self.accept(YearlyReport, report.pk, report.version, values)

    # -- rules ----------------------------------------------------------------------------------

    @rule(kecamatan=st.sampled_from(KECAMATAN), founded=st.sampled_from(FOUNDINGS), merah_putih=st.booleans(),
          jenis=st.sampled_from(["produsen", "jasa", "simpan_pinjam"]))
    def create_cooperative(self, kecamatan, founded, merah_putih, jenis):
        self.serial += 1
        desa = first_desa(kecamatan)
        data = rendered(CooperativeForm(user=self.petugas))
        data.update(name=f"Koperasi Acak {self.serial}", nomor_induk=f"64089{self.serial:08d}", jenis=jenis,
                    kelompok="perkebunan", sector="perkebunan_sawit", desa=desa.code, kecamatan=kecamatan,
                    legal_entity_date=founded.isoformat(), phone="")
        if merah_putih:
            data["merah_putih"] = "on"
        form = CooperativeForm(data=data, user=self.petugas)
        assert form.is_valid(), form.errors
        form.instance._change_reason = "Koperasi baru dicatat"
        self.cooperative_saved(form.save())

    @precondition(lambda self: self.coops)
    @rule(n=pick, phone=st.sampled_from(["0811", "0812 345", "", "0549-21"]), stale=st.booleans())
    def edit_cooperative(self, n, phone, stale):
        cooperative = remember_loaded(self.coop(n))
        before = self.coops[cooperative.pk]
        cooperative.phone = phone
        expected_version = before["version"] - 1 if stale else before["version"]
        try:
            save_versioned(instance=cooperative, expected_version=expected_version, reason="Telepon baru")
        except EditConflict:
            assert stale
            return
        assert not stale and cooperative.version == before["version"] + 1
        self.cooperative_saved(cooperative)

    @precondition(lambda self: self.coops)
    @rule(n=pick, to_status=st.sampled_from(list(Cooperative.Status)), day=st.sampled_from(STATUS_DAYS))
    def change_status(self, n, to_status, day):
        cooperative = self.coop(n)
        version = self.coops[cooperative.pk]["version"]
        try:
            cooperative_change_status(cooperative=cooperative, to_status=to_status, reason="Uji urutan acak",
                                      changed_on=day or timezone.localdate(), expected_version=version,
                                      user=self.petugas)
        except ValidationError:
            return  # a step the lifecycle or the dates refuse: the invariants check nothing moved
        assert cooperative.version == version + 1 and cooperative.status == to_status
        self.cooperative_saved(cooperative)

    @precondition(lambda self: self.coops)
    @rule(n=pick, which=pick)
    def revert_from_history(self, n, which):
        cooperative = self.coop(n)
        records = list(cooperative.history.filter(history_type="~").order_by("history_id"))
        if not records:
            return
        record = records[which % len(records)]
        fields = revertable_fields(record)
        version = self.coops[cooperative.pk]["version"]
        try:
            history_revert(record=record, instance=cooperative, user=self.admin, expected_version=version)
        except (ValidationError, EditConflict):
            return
        cooperative.refresh_from_db()
        assert cooperative.version in (version + 1, version + 2), (version, cooperative.version)
        for name in ("name", "phone", "status"):
            if name in fields:
                assert getattr(cooperative, name) == fields[name], (name, fields)
        self.cooperative_saved(cooperative)

    @precondition(lambda self: self.coops)
    @rule(n=pick, year=st.sampled_from(YEARS), male=st.integers(0, 500), female=st.integers(0, 500),
          shu=st.integers(-10**9, 10**10))
    def enter_report(self, n, year, male, female, shu):
        cooperative = self.coop(n)
        known = self.reports.get((cooperative.pk, year))
        if known is None:
            data = rendered(YearlyReportForm(cooperative=cooperative))
            data.update(year=year, members_male=male, members_female=female, shu=shu, business_volume=male * 1000)
            form = YearlyReportForm(data=data, cooperative=cooperative)
            if not form.is_valid():
                assert not YearlyReport.objects.filter(cooperative=cooperative, year=year).exists()
                return
            form.instance._change_reason = "Laporan tahunan baru"
            self.report_saved(form.save())
            return
        report = remember_loaded(YearlyReport.objects.get(pk=known["pk"]))
        report.members_male, report.members_female, report.shu = male, female, shu
        save_versioned(instance=report, expected_version=known["version"], reason="Laporan diperbaiki")
        self.report_saved(report)

    @precondition(lambda self: self.coops)
    @rule(rows=st.lists(st.tuples(pick, st.sampled_from(YEARS), st.integers(0, 900), st.integers(-10**6, 10**9)),
                        min_size=1, max_size=3))
    def import_reports(self, rows):
        lines, keys = [["Nomor Induk Koperasi", "Tahun buku", "Anggota laki-laki", "SHU"]], {}
        for n, year, male, shu in rows:
            cooperative = self.coop(n)
            if (cooperative.pk, year) not in keys:
                keys[(cooperative.pk, year)] = (male, shu)
                lines.append([cooperative.nomor_induk, str(year), str(male), str(shu)])
        data = csv_bytes(lines)
        dry = import_dry_run(kind="laporan", data=data, file_name="laporan.csv", user=self.petugas, collect=True)
        if dry.file_error or dry.errors:
            # A report before a cooperative's founding: the whole file is refused, nothing written.
            try:
                import_commit(kind="laporan", data=data, file_name="laporan.csv", user=self.petugas)
            except ImportRejected:
                return
            raise AssertionError("a file with errors was committed")
        before = {key: self.reports.get(key) for key in keys}
        batch = import_commit(kind="laporan", data=data, file_name="laporan.csv", user=self.petugas,
                              previewed=preview_plan(dry))
        assert batch.rows_conflicted == 0
        for (pk, year), (male, shu) in keys.items():
            report = YearlyReport.objects.get(cooperative_id=pk, year=year)
            assert (report.members_male, report.shu) == (male, shu)
            if before[(pk, year)] is None or report.version != before[(pk, year)]["version"]:
                self.report_saved(report)
        self.batches.append((batch, before))

    @precondition(lambda self: self.batches)
    @rule(which=pick)
    def undo_import(self, which):
        batch, before = self.batches[which % len(self.batches)]
        rows = {row.object_id: row.version_after for row in batch.rows.all()}
        changed_since = any(
            known["pk"] in rows and known["version"] != rows[known["pk"]]
            for key in before for known in [self.reports.get(key)] if known
        ) or any(key not in self.reports for key in before)
        try:
            import_batch_undo(batch=batch, user=self.admin)
        except UndoRefused:
            assert changed_since, "an undo was refused though nothing changed since the import"
            return
        assert not changed_since, "an undo went through over later changes"
        self.batches.remove((batch, before))
        for key, previous in before.items():
            if previous is None:
                self.reports.pop(key, None)
            else:
                report = YearlyReport.objects.get(pk=previous["pk"])
                assert all(getattr(report, name) == previous[name] for name in REPORT_TRACKED if name != "version")
                self.report_saved(report)

    @precondition(lambda self: self.coops)
    @rule(n=pick, year=st.sampled_from(YEARS), level=st.integers(1, 4), action=st.sampled_from(
        ["score", "submit", "verify"]))
    def assessment_step(self, n, year, level, action):
        cooperative = self.coop(n)
        known = self.assessments.get((cooperative.pk, year))
        try:
            if known is None or action == "score":
                entries = {
                    i.pk: assessment_services.Entry(level=level, checklist_met=i.checklist_items[:level],
                                                    override_reason="Dinilai di lapangan")
                    for i in rubric_indicators().values()
                }
                assessment = assessment_services.assessment_record(
                    cooperative=cooperative, year=year, entries=entries, user=self.petugas,
                    expected_version=None if known is None else known["version"],
                )
            elif action == "submit":
                assessment = assessment_services.assessment_submit(
                    assessment=Assessment.objects.get(pk=known["pk"]), user=self.petugas,
                    expected_version=known["version"])
            else:
                assessment = assessment_services.assessment_verify(
                    assessment=Assessment.objects.get(pk=known["pk"]), user=self.verifier,
                    expected_version=known["version"])
        except ValidationError:
            return  # before the founding, locked once verified, a step out of order
        self.assessments[(cooperative.pk, year)] = {"pk": assessment.pk, "status": assessment.status,
                                                    "version": assessment.version}
        self.accept(Assessment, assessment.pk, assessment.version, {"status": assessment.status})

    @precondition(lambda self: self.coops)
    @rule(view=st.sampled_from(["district", "past year", "limited kecamatan"]))
    def check_figures(self, view="district"):
        """One view of the dashboard (each of them costs some 150 list queries): its figures against their lists."""
        summary_refresh()
        user, year, kecamatan = {
            "district": (self.petugas, LAST, ""), "past year": (self.petugas, LAST - 1, ""),
            "limited kecamatan": (self.limited, LAST, SANGATTA_UTARA),
        }[view]
        assert figure_disagreements(user, year=year, kecamatan=kecamatan) == []

    # -- invariants -----------------------------------------------------------------------------

    @invariant()
    def status_history_ends_on_the_status(self):
        assert status_disagreements() == []

    @invariant()
    def every_accepted_save_is_in_the_records(self):
        stored = {row["pk"]: row for row in Cooperative.objects.values("pk", *TRACKED)}
        assert set(stored) == set(self.coops)
        for pk, values in self.coops.items():
            assert {name: stored[pk][name] for name in TRACKED} == values, (pk, values, stored[pk])
        reports = {(r["cooperative_id"], r["year"]): r for r in YearlyReport.objects.values(
            "pk", "cooperative_id", "year", *REPORT_TRACKED)}
        assert set(reports) == set(self.reports)
        for key, values in self.reports.items():
            assert {"pk": reports[key]["pk"], **{n: reports[key][n] for n in REPORT_TRACKED}} == values
        for values in self.assessments.values():
            stored_assessment = Assessment.objects.values("status", "version").get(pk=values["pk"])
            assert stored_assessment == {"status": values["status"], "version": values["version"]}

    def check_history(self):
        """Every save the registry accepted has its history row, with the values it saved."""
        for model, pk, version, values in self.saves:
            rows = model.history.filter(id=pk, version=version).values(*values)
            assert values in list(rows), (model.__name__, pk, version, values, list(rows))


class OfficeStatefulTests(TestCase):
    def test_random_office_work_keeps_figures_and_saves(self):
        run_state_machine_as_test(OfficeMachine, settings=settings(
            max_examples=15, stateful_step_count=15, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ))
