"""The dashboard's presentation: every figure with its label, change, link and explanation, by section.

The page (views/dashboard.py), the figures API (views/api.py) and the XLSX export (spreadsheets/dashboard_export.py)
all build on this module, so they show the same numbers with the same links and
words. The numbers come from `selectors.dashboard.dashboard()`; how each counted figure is defined
is in figures.py; the page's charts and coloured table are drawn in dashboard_charts.py.

    d = selectors.dashboard.dashboard(user=..., year=..., kecamatan=..., first_trend_year=...)
    sections = dashboard_sections(d, Links(kecamatan_code))
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import figures, rat_season, scoring
from .formats import MISSING, angka, persen, rupiah
from .models import Condition, Cooperative, Predicate
from .selectors.dashboard import CONDITION_SCORES

# The measures the tile map can colour by: (value of a kecamatan row, how it is written).
MEASURES = {
    "aktif": (lambda row: row.state.active_share, "persen"),
    "rat": (lambda row: row.year.rat_share, "persen"),
    "nilai": (lambda row: row.year.overall, "skor"),
    "anggota": (lambda row: row.year.members, "angka"),
}


def measure_labels():
    return {
        "aktif": _("Porsi koperasi aktif"), "rat": _("Porsi RAT diadakan"),
        "nilai": _("Nilai akhir rata-rata"), "anggota": _("Anggota (laporan tahunan)"),
    }


FORMATS = {"angka": angka, "rupiah": rupiah, "persen": persen, "skor": lambda value: angka(value, 2)}


def fmt(value, kind):
    """A figure's value as its kind is written: angka, rupiah, persen, or skor (two decimals)."""
    return FORMATS[kind](value)


def billions(value):
    """A chart axis of Rupiah: 14.668 miliar rather than Rp 14.668.148.288.000."""
    return _("Rp %(n)s miliar") % {"n": angka(value / 10**9)}


# ---------------------------------------------------------------------------------------------
# A figure and the links to its list
# ---------------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One number on the dashboard: its value, change, the list that produces it, how it is computed."""

    key: str
    label: str
    value: object
    kind: str = "angka"
    previous: object = None
    href: str = ""
    count: int | None = None  # the linked list's row count (the walk test checks it)
    # A sum or an average: the key of the list's total line that shows the same number (the walk test reads it).
    total: str = ""
    note: str = ""
    detail: str = ""
    examples: tuple = ()  # (url, name) of a few cooperatives behind the figure
    as_of: str = ""  # the date of the figure: "per 31/12/2023", "tahun buku 2023"

    @property
    def text(self):
        return fmt(self.value, self.kind)

    @property
    def previous_text(self):
        return fmt(self.previous, self.kind)

    @property
    def change(self):
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_text(self):
        change = self.change
        if change is None:
            return MISSING
        sign = "+" if change > 0 else ""
        if self.kind == "persen":
            return f"{sign}{angka(change * 100, 1)} {_('poin')}"
        return f"{sign}{fmt(change, self.kind)}" if change >= 0 else f"-{fmt(-change, self.kind)}"

    def as_dict(self):
        return {
            "key": self.key, "label": self.label, "value": _plain(self.value), "previous": _plain(self.previous),
            "change": _plain(self.change), "list_url": self.href or None, "list_count": self.count,
            "explanation": self.note, "as_of": self.as_of,
        }


def _plain(value):
    """A number as JSON writes it: Decimals as floats, integers and None as they are."""
    return float(value) if value is not None and not isinstance(value, int) else value


class Links:
    """URLs of the lists behind the figures, limited to the chosen kecamatan."""

    def __init__(self, kecamatan):
        self.kecamatan = kecamatan
        self.paths = {}

    def _url(self, name, params, kecamatan=None):
        params = {k: v for k, v in params.items() if v is not None}
        code = kecamatan or self.kecamatan
        if code:
            params["kecamatan"] = code
        query = urlencode(params)
        if name not in self.paths:
            self.paths[name] = reverse(name)
        return self.paths[name] + (f"?{query}" if query else "")

    def cooperatives(self, kecamatan=None, **params):
        return self._url("registry:cooperative_list", params, kecamatan)

    def assessments(self, kecamatan=None, **params):
        return self._url("registry:assessment_list", params, kecamatan)

    def cooperative(self, pk):
        if "detail" not in self.paths:
            self.paths["detail"] = reverse("registry:cooperative_detail", args=[0])
        return self.paths["detail"].replace("/0/", f"/{pk}/")

    def partnerships(self, kecamatan=None, **params):
        return self._url("registry:partnership_list", params, kecamatan)

    def findings(self, kecamatan=None, **params):
        return self._url("registry:finding_list", params, kecamatan)

    def rat(self, kecamatan=None, **params):
        return self._url("registry:rat_season", params, kecamatan)


# ---------------------------------------------------------------------------------------------
# The sections of the page, one function each
# ---------------------------------------------------------------------------------------------


def _assessed(totals, name):
    """A figure of the year's assessments, or missing when there were none that year."""
    return totals[name] if totals["assessed"] else None


def _reported(totals, name):
    """A figure of the year's reports, or missing when there were none that year."""
    return totals[name] if totals["reported"] else None


def _share(value):
    return fmt(value, "persen")


def refresh_date(d):
    """The day of the last refresh: the date of the figures that have no history (certificates, boards)."""
    return timezone.localtime(d.refreshed_at).date() if d.refreshed_at else None


def state_date(d):
    """The day the state figures (cooperatives, statuses) describe: 31 December of a past year, else the refresh."""
    return datetime.date(d.year, 12, 31) if d.past else refresh_date(d)


def per(day):
    """A figure's date as the cards write it: "per 31/12/2023"."""
    return _("per %(day)s") % {"day": day.strftime("%d/%m/%Y")} if day else ""


def state_params(d, **params):
    """The query of a list of the state figures: on a past year's view, as on its 31 December."""
    return {"akhir_tahun": d.year, **params} if d.past else params


def book_year(d):
    return _("tahun buku %(year)s") % {"year": d.year}


def headline_figures(d, links):
    """The figures at the top: cooperatives, active, members, RAT, certificates, Merah Putih, scores."""
    y, now, cur, prev = d.year, d.now, d.current, d.previous
    # Cooperatives and their status: today's on the latest year's view, 31 December's on a past year's.
    state, before = d.state, d.state_before
    when, year_when = per(state_date(d)), book_year(d)

    def state_value(totals, name):
        """A state figure, or missing when the summary has no such year (a year before its first)."""
        return None if totals.empty else totals[name]

    before_year = y - 1 if d.past else y
    if d.past:
        registered_note = _("Koperasi yang sudah berdiri pada 31/12/%(year)s (menurut tanggal berdirinya), apa pun "
                            "statusnya pada hari itu menurut riwayat status. Perubahan: dibanding akhir tahun "
                            "%(before)s.") % {"year": y, "before": before_year}
        active_note = _("Koperasi berstatus Aktif pada 31/12/%(year)s menurut riwayat status; perubahan dibanding "
                        "akhir tahun %(before)s.") % {"year": y, "before": before_year}
    else:
        registered_note = _("Semua koperasi di wilayah ini saat penghitungan, apa pun statusnya. Perubahan: "
                            "dibanding jumlah pada akhir tahun %(year)s menurut riwayat status.") % {"year": y}
        active_note = _("Koperasi berstatus Aktif saat penghitungan; perubahan dibanding akhir tahun %(year)s.") % {
            "year": y}
    headline = [
        Figure("koperasi", _("koperasi terdaftar"), state_value(state, "cooperatives"),
               previous=state_value(before, "cooperatives"),
               href=links.cooperatives(**state_params(d)), count=state["cooperatives"], as_of=when,
               detail=_("dibanding 31/12/%(year)s") % {"year": before_year}, note=registered_note),
        Figure("aktif", _("koperasi aktif"), state_value(state, "status_aktif"),
               previous=state_value(before, "status_aktif"),
               href=links.cooperatives(**state_params(d, status="aktif")), count=state["status_aktif"], as_of=when,
               detail=_("%(share)s dari semua") % {"share": _share(state.active_share)}, note=active_note),
        Figure("anggota", _("anggota (laporan %(year)s)") % {"year": y}, cur.members, previous=prev.members,
               as_of=year_when, href=links.cooperatives(laporan_tahun=y), count=cur["reported"],
               total=figures.MEMBERS_TOTAL,
               detail=ngettext("L %(male)s · P %(female)s · dari %(n)s laporan",
                               "L %(male)s · P %(female)s · dari %(n)s laporan", cur["reported"]) % {
                   "male": angka(cur["members_male"]), "female": angka(cur["members_female"]),
                   "n": angka(cur["reported"])},
               note=_("Jumlah anggota laki-laki dan perempuan dalam laporan tahunan (keragaan) tahun buku %(year)s. "
                      "Tautan membuka koperasi yang menyampaikan laporan itu. Tahun tanpa laporan ditampilkan "
                      "kosong, bukan nol.") % {"year": y}),
        Figure("rat", _("RAT diadakan (tahun buku %(year)s)") % {"year": y}, _reported(cur, "rat_held"),
               previous=_reported(prev, "rat_held"), as_of=year_when, href=links.cooperatives(rat_tahun=y),
               count=cur["rat_held"],
               detail=_("%(share)s dari koperasi yang belum bubar") % {"share": _share(cur.rat_share)},
               note=_("Laporan tahunan %(year)s dengan tanggal RAT, dibagi koperasi yang belum dibubarkan pada "
                      "akhir tahun itu.") % {"year": y}),
        Figure("rat_tepat", _("RAT dilaporkan tepat waktu"), _reported(cur, "rat_reported_on_time"),
               previous=_reported(prev, "rat_reported_on_time"),
               as_of=year_when, href=links.cooperatives(rat_dilaporkan_tahun=y), count=cur["rat_reported_on_time"],
               detail=_("%(share)s dari RAT yang diadakan") % {"share": _share(cur.rat_on_time_share)},
               note=_("RAT tahun buku %(year)s yang dilaporkan ke Dinas paling lambat %(days)s hari setelah "
                      "diadakan.") % {"year": y, "days": figures.RAT_REPORT_DAYS}),
        # Without a history of their own, these are always today's figures, and say so.
        Figure("sertifikat", _("sertifikat NIK berlaku"), now["certificate_valid"], as_of=per(refresh_date(d)),
               href=links.cooperatives(status_nik="sudah"), count=now["certificate_valid"],
               detail=_("%(share)s dari semua") % {"share": _share(now.share("certificate_valid", "cooperatives"))},
               note=_("Koperasi berstatus sertifikat Sudah Bersertifikat saat penghitungan.")),
        Figure("merah_putih", _("desa/kelurahan dengan Koperasi Merah Putih"), d.desa_merah_putih,
               as_of=per(refresh_date(d)), href=links.cooperatives(merah_putih="true"), count=now["merah_putih"],
               total="desa",
               detail=ngettext("dari %(desa)s desa/kelurahan · %(n)s koperasi",
                               "dari %(desa)s desa/kelurahan · %(n)s koperasi", now["merah_putih"]) % {
                   "desa": angka(d.desa), "n": angka(now["merah_putih"])},
               note=_("Desa/kelurahan yang punya sedikitnya satu Koperasi Desa/Kelurahan Merah Putih. Tautan "
                      "membuka koperasi Merah Putih (satu desa bisa punya lebih dari satu).")),
        Figure("nilai", _("nilai akhir rata-rata %(year)s") % {"year": y}, cur.overall, kind="skor",
               previous=prev.overall, as_of=year_when, href=links.assessments(tahun=y), count=cur["assessed"],
               total=figures.FINAL_SCORE_KEY,
               detail=ngettext("dari %(n)s penilaian", "dari %(n)s penilaian", cur["assessed"]) % {
                   "n": angka(cur["assessed"])},
               note=_("Rata-rata nilai akhir (0-100) penilaian tahun %(year)s yang sudah punya nilai akhir, "
                      "apa pun status alurnya.") % {"year": y}),
    ]
    if d.active_partnerships is not None:
        headline.append(Figure(
            "kemitraan", _("kemitraan aktif"), d.active_partnerships, as_of=per(timezone.localdate()),
            href=links.partnerships(status="aktif"), count=d.active_partnerships,
            note=_("Kemitraan berstatus Aktif dengan koperasi di wilayah ini di salah satu pihak, dihitung saat "
                   "halaman dibuka (kemitraan antar dua kecamatan dihitung sekali)."),
        ))
    if d.has_trainings:
        headline.append(Figure(
            "pengurus_dilatih", _("koperasi aktif dengan pengurus terlatih"), now["board_trained"],
            as_of=per(refresh_date(d)), href=links.cooperatives(status="aktif", pengurus_dilatih="true"),
            count=now["board_trained"],
            detail=_("%(share)s dari koperasi aktif") % {
                "share": _share(figures.trained_board_share(now["board_trained"], now["status_aktif"]))},
            note=_("Koperasi aktif yang sedikitnya satu pengurus/pengawasnya (bukan staf) hadir dalam pelatihan "
                   "yang selesai dalam %(years)s tahun sampai hari penghitungan; dibagi koperasi aktif, sama "
                   "dengan halaman cakupan pelatihan.") % {"years": figures.TRAINING_YEARS},
        ))
    return headline


def status_figures(d, links):
    """Cooperatives per status now (or on 31 December of a past year), against the end of the (previous) year."""
    state, before, when = d.state, d.state_before, per(state_date(d))
    return [
        Figure(status.value, status.label, None if state.empty else state[f"status_{status.value}"],
               previous=None if before.empty else before[f"status_{status.value}"], as_of=when,
               href=links.cooperatives(**state_params(d, status=status.value)), count=state[f"status_{status.value}"])
        for status in Cooperative.Status
    ]


def member_figures(d, links):
    """Members by sex in the year's reports, against the year before; the list of the reports totals each."""
    y, cur, prev = d.year, d.current, d.previous
    return [
        Figure("laki", _("laki-laki"), _reported(cur, "members_male"), previous=_reported(prev, "members_male"),
               href=links.cooperatives(laporan_tahun=y), count=cur["reported"], total="anggota_l"),
        Figure("perempuan", _("perempuan"), _reported(cur, "members_female"),
               previous=_reported(prev, "members_female"),
               href=links.cooperatives(laporan_tahun=y), count=cur["reported"], total="anggota_p"),
    ]


def condition_figures(d, links):
    """The average score of each condition and the final score in the year's assessments."""
    y, cur, prev = d.year, d.current, d.previous
    return [
        Figure(code, label, cur.average(name), kind="skor", previous=prev.average(name),
               href=links.assessments(tahun=y), count=cur["assessed"], total=code)
        for code, label, name in [
            *[(c.value, c.label, CONDITION_SCORES[c.value]) for c in Condition],
            (figures.FINAL_SCORE_KEY, _("Nilai akhir"), "overall_score"),
        ]
    ]


def predicate_figures(d, links):
    """Assessments per predicate in the year."""
    y, cur, prev = d.year, d.current, d.previous
    return [
        Figure(p.value, p.label, _assessed(cur, f"predicate_{p.value}"),
               previous=_assessed(prev, f"predicate_{p.value}"),
               href=links.assessments(tahun=y, predikat=p.value), count=cur[f"predicate_{p.value}"])
        for p in Predicate
    ]


def label_figures(d, links):
    """Assessments per Kutim RAT label in the year."""
    y, cur, prev = d.year, d.current, d.previous
    return [
        Figure(value, label, _assessed(cur, f"label_{value}"), previous=_assessed(prev, f"label_{value}"),
               href=links.assessments(tahun=y, label=value), count=cur[f"label_{value}"])
        for value, label, _count in cur.label_counts()
    ]


def attention_figures(d, links):
    """What needs attention, each with a few of the cooperatives behind it."""
    y, now, cur, prev = d.year, d.now, d.current, d.previous
    lowest = scoring.PREDICATE_MINIMUM[scoring.DALAM_PENGAWASAN]
    attention = [
        Figure("tanpa_rat", _("koperasi aktif tanpa RAT tahun %(a)s dan %(b)s") % {"a": y - 1, "b": y},
               None if cur.empty else cur["active_without_rat"],
               previous=None if prev.empty else prev["active_without_rat"],
               href=links.cooperatives(akhir_tahun=y, status="aktif", tanpa_rat_2_tahun=y),
               count=cur["active_without_rat"], as_of=per(datetime.date(y, 12, 31)),
               note=_("Koperasi berstatus Aktif pada 31/12/%(year)s (menurut riwayat status), sudah berdiri pada "
                      "tahun %(before)s, tanpa laporan dengan tanggal RAT untuk kedua tahun buku itu.")
               % {"year": y, "before": y - 1}),
        Figure("dpk", _("predikat Dalam Pengawasan Khusus %(year)s") % {"year": y},
               _assessed(cur, "predicate_dalam_pengawasan_khusus"),
               previous=_assessed(prev, "predicate_dalam_pengawasan_khusus"),
               href=links.assessments(tahun=y, predikat=Predicate.DALAM_PENGAWASAN_KHUSUS),
               count=cur["predicate_dalam_pengawasan_khusus"],
               note=_("Nilai akhir di bawah %(score)s.") % {"score": lowest}),
        Figure("pengurus", _("pengurus tidak lengkap"), now["board_incomplete"], as_of=per(refresh_date(d)),
               href=links.cooperatives(pengurus_lengkap="false"), count=now["board_incomplete"],
               note=_("Tanpa masa jabatan berjalan untuk ketua, sekretaris, bendahara atau sedikitnya satu pengawas "
                      "(semua status).")),
        Figure("sertifikat_expired", _("sertifikat NIK kedaluwarsa"), now["certificate_expired"],
               as_of=per(refresh_date(d)),
               href=links.cooperatives(status_nik="expired"), count=now["certificate_expired"],
               note=_("Status sertifikat Sertifikat Expired saat penghitungan.")),
        Figure("turun_tajam", _("suatu kondisi turun %(points)s poin atau lebih") % {"points": figures.BIG_DROP},
               _assessed(cur, "big_drop"), previous=_assessed(prev, "big_drop"),
               href=links.assessments(tahun=y, turun_tajam="true"),
               count=cur["big_drop"],
               note=_("Penilaian %(year)s dengan nilai suatu kondisi turun sedikitnya %(points)s poin dari penilaian "
                      "tahun sebelumnya.") % {"year": y, "points": figures.BIG_DROP}),
    ]
    if d.has_findings:
        attention.append(Figure(
            "temuan", _("temuan pengawasan lewat batas tindak lanjut"), now["findings_overdue"],
            as_of=per(refresh_date(d)),
            href=links.findings(lewat_batas="true"), count=now["findings_overdue"],
            note=_("Temuan yang belum selesai ditindaklanjuti dan sudah lewat batas waktunya pada hari "
                   "penghitungan (jumlah temuan, bukan koperasi)."),
        ))
    for item in attention:
        item.examples = tuple(
            (links.cooperative(pk), name) for pk, name in d.attention.get(item.key, ()) if item.value
        )
    return attention


def rat_season_figures(d, links):
    """The RAT season of the book year as the tracker (/rat/) counts it, each state and channel linking to
    its list there: the active cooperatives, their RAT states, and how the reported RATs reached the Dinas."""
    y, counts, season = d.year, d.rat, d.rat_season
    if not counts:
        return []
    total, reported = counts["total"], counts[rat_season.REPORTED]
    when = per(season.today)
    due = season.rat_due.strftime("%d/%m/%Y")
    result = [Figure(
        "rat_musim", _("koperasi aktif dalam musim RAT %(year)s") % {"year": y}, total, as_of=when,
        href=links.rat(tahun=y), count=total,
        note=_("Koperasi berstatus Aktif hari ini yang sudah berdiri pada akhir tahun buku %(year)s, seperti "
               "halaman musim RAT; dihitung ulang beberapa detik setelah setiap perubahan, sedangkan lewat atau "
               "belumnya batas dinilai saat halaman dibuka. RAT tahun buku %(year)s diadakan pada tahun "
               "%(next)s, paling lambat %(due)s.") % {"year": y, "next": y + 1, "due": due},
    )]
    notes = {
        rat_season.REPORTED: _("RAT dengan tanggalnya dan tanggal laporannya diterima Dinas."),
        rat_season.NOT_REPORTED: _("RAT tercatat diadakan, laporannya belum diterima Dinas."),
        rat_season.OVERDUE: _("Belum ada RAT tercatat dan batas %(due)s sudah lewat.") % {"due": due},
        rat_season.NOT_YET: _("Belum ada RAT tercatat, batas %(due)s belum lewat.") % {"due": due},
    }
    for code, label in rat_season.STATES.items():
        result.append(Figure(
            f"rat_{code}", label, counts[code], as_of=when, href=links.rat(tahun=y, keadaan=code), count=counts[code],
            detail=_("%(share)s dari koperasi aktif") % {"share": _share(counts[code] / total if total else None)},
            note=notes[code],
        ))
    channel_notes = {
        rat_season.PORTAL: _("RAT yang disampaikan pengurus koperasi lewat portal dan diterima petugas."),
        rat_season.STAFF: _("RAT yang dicatat atau diimpor petugas, tanpa laporan portal yang diterima."),
    }
    for code, label in rat_season.CHANNELS.items():
        result.append(Figure(
            f"rat_{code}", label, counts[code], as_of=when, href=links.rat(tahun=y, lewat=code), count=counts[code],
            detail=_("%(share)s dari RAT yang dilaporkan") % {
                "share": _share(counts[code] / reported if reported else None)},
            note=channel_notes[code],
        ))
    return result


def dashboard_sections(d, links):
    """Every figure of the dashboard with its link and explanation, for the page, the export and the API."""
    return {
        "headline": headline_figures(d, links),
        "statuses": status_figures(d, links),
        "conditions": condition_figures(d, links),
        "predicates": predicate_figures(d, links),
        "labels": label_figures(d, links),
        "attention": attention_figures(d, links),
        "members": member_figures(d, links),
        "rat_season": rat_season_figures(d, links),
    }


# ---------------------------------------------------------------------------------------------
# Tables and charts
# ---------------------------------------------------------------------------------------------


def kecamatan_rows(d, links):
    """The per-kecamatan table: each figure with the list that produces it."""
    y = d.year
    rows = []
    for row in d.per_kecamatan:
        code = row.code
        rows.append({
            "row": row,
            "cooperatives": Figure("koperasi", row.name, row.state["cooperatives"],
                                   href=links.cooperatives(kecamatan=code, **state_params(d)),
                                   count=row.state["cooperatives"]),
            "active": Figure("aktif", row.name, row.state["status_aktif"],
                             href=links.cooperatives(kecamatan=code, **state_params(d, status="aktif")),
                             count=row.state["status_aktif"]),
            "members": Figure("anggota", row.name, row.year.members,
                              href=links.cooperatives(kecamatan=code, laporan_tahun=y), count=row.year["reported"],
                              total=figures.MEMBERS_TOTAL),
            "rat": Figure("rat", row.name, row.year.rat_share, kind="persen",
                          href=links.cooperatives(kecamatan=code, rat_tahun=y), count=row.year["rat_held"]),
            "score": Figure("nilai", row.name, row.year.overall, kind="skor",
                            href=links.assessments(kecamatan=code, tahun=y), count=row.year["assessed"],
                            total=figures.FINAL_SCORE_KEY),
            "predicates": " / ".join(angka(count) for _code, _label, count in row.year.predicate_counts()),
        })
    return rows


def dimension_rows(d, links):
    """Cooperatives by jenis, kelompok and sector: all and active (now, or at a past year's end), the year's members."""
    params = {"jenis": "jenis", "kelompok": "kelompok", "sektor": "sektor"}
    tables = {}
    for dimension, rows in d.by_dimension.items():
        tables[dimension] = [
            {
                "label": label,
                "cooperatives": Figure(key, label, state["cooperatives"],
                                       href=links.cooperatives(**state_params(d, **{params[dimension]: key})),
                                       count=state["cooperatives"]),
                "active": Figure(key, label, state["status_aktif"],
                                 href=links.cooperatives(**state_params(d, status="aktif", **{params[dimension]: key})),
                                 count=state["status_aktif"]),
                "members": Figure(key, label, year.members,
                                  href=links.cooperatives(laporan_tahun=d.year, **{params[dimension]: key}),
                                  count=year["reported"], total=figures.MEMBERS_TOTAL),
            }
            for key, label, now, year in rows
            for state in [year if d.past else now]
        ]
    return tables


def trend_rows(d):
    """Per year: status at the year's end and the reports' sums; a year without reports stays empty."""
    rows = []
    for year, t in d.trends:
        reported = bool(t["reported"])
        rows.append({
            "year": year, "cooperatives": t["cooperatives"] or None, "active": t["status_aktif"] or None,
            "reported": t["reported"], "members": t.members,
            **{name: t[name] if reported else None for name in ("business_volume", "shu", "total_assets",
                                                                  "modal_sendiri")},
        })
    return rows


# The trend table's sums of the reports: (column of trend_rows, key of the list's total line).
TREND_SUMS = [
    ("members", figures.MEMBERS_TOTAL), ("business_volume", "volume_usaha"), ("shu", "shu"),
    ("total_assets", "aset"), ("modal_sendiri", "modal_sendiri"),
]


def trend_table(trends, links):
    """The trend rows as figures linking to their lists: (year, without reports?, figures).

    Cooperatives and active ones at each year's end open the list as on that 31 December; the
    reports and their sums open the cooperatives that reported that year, whose total line shows them.
    """
    table = []
    for row in trends:
        y = row["year"]
        reports = links.cooperatives(laporan_tahun=y)
        cells = [
            Figure("koperasi", str(y), row["cooperatives"], href=links.cooperatives(akhir_tahun=y),
                   count=row["cooperatives"] or 0),
            Figure("aktif", str(y), row["active"], href=links.cooperatives(akhir_tahun=y, status="aktif"),
                   count=row["active"] or 0),
            Figure("laporan", str(y), row["reported"], href=reports, count=row["reported"]),
            *[Figure(name, str(y), row[name], kind="angka" if name == "members" else "rupiah", href=reports,
                     count=row["reported"], total=total) for name, total in TREND_SUMS],
        ]
        table.append((y, not row["reported"], cells))
    return table


def api_body(d, sections):
    """The figures API's answer (docs/api.md): the same numbers, links and explanations as the page."""
    return {
        "tahun": d.year,
        "kecamatan": [{"kode": code, "nama": name} for code, name in d.kecamatan],
        "dihitung_pada": d.refreshed_at.isoformat() if d.refreshed_at else None,
        "keadaan_per": state_date(d).isoformat() if state_date(d) else None,
        **{key: [figure.as_dict() for figure in section] for key, section in sections.items()},
        "per_kecamatan": [
            {
                "kode": row.code, "nama": row.name, "koperasi": row.state["cooperatives"],
                "aktif": row.state["status_aktif"], "anggota": row.year.members, "porsi_rat": row.year.rat_share,
                "nilai_kondisi": {code: _plain(v) for code, v in row.year.condition_averages().items()},
                "nilai_akhir": _plain(row.year.overall),
                "predikat": {code: count for code, _label, count in row.year.predicate_counts()},
            }
            for row in d.per_kecamatan
        ],
        "tren": trend_rows(d),
    }
