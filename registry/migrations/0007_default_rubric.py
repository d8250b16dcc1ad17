"""The default Kutim assessment rubric of the domain brief (section 4), as data.

It is in force from book year 2020 on, until an Admin Dinas copies it to a later year in Django
admin and changes the copy. The data is written out here, frozen, so later edits in admin never
change what this migration creates.
"""

from django.db import migrations

RUBRIC_YEAR = 2020
RUBRIC_NAME = "Rubrik penilaian Kutim (bawaan)"

# Ratio bands: bounds inclusive, the first matching band wins (registry/scoring.py).
EQUITY_BANDS = [
    {"min": "0.40", "max": "0.60", "level": 4},
    {"min": "0.20", "max": "0.80", "level": 3},
    {"min": "0.10", "max": "0.90", "level": 2},
    {"min": None, "max": None, "level": 1},
]
ROA_BANDS = [
    {"min": "0.10", "max": None, "level": 4},
    {"min": "0.05", "max": None, "level": 3},
    {"min": "0.01", "max": None, "level": 2},
    {"min": None, "max": None, "level": 1},
]
EFFICIENCY_BANDS = [
    {"min": None, "max": "0.70", "level": 4},
    {"min": None, "max": "0.85", "level": 3},
    {"min": None, "max": "1.00", "level": 2},
    {"min": None, "max": None, "level": 1},
]
GROWTH_BANDS = [
    {"min": "0.10", "max": None, "level": 4},
    {"min": "0", "max": None, "level": 3},
    {"min": "-0.10", "max": None, "level": 2},
    {"min": None, "max": None, "level": 1},
]
MEMBER_GROWTH_BANDS = [
    {"min": "0.05", "max": None, "level": 4},
    {"min": "0", "max": None, "level": 3},
    {"min": "-0.05", "max": None, "level": 2},
    {"min": None, "max": None, "level": 1},
]
BOOKKEEPING_ITEMS = [
    "Buku daftar anggota",
    "Buku daftar pengurus dan pengawas",
    "Buku notulen rapat pengurus dan RAT",
    "Buku kas dan bukti transaksi",
    "Buku simpanan dan pinjaman anggota",
    "Neraca dan perhitungan hasil usaha",
    "Buku inventaris",
    "Buku saran anggota dan tamu",
]

# (condition code, weight, [indicators]); each indicator:
# (code, text, weight, method, source, (level 1, 2, 3, 4), bands, checklist, recommendation, helper)
RUBRIC = [
    ("kelembagaan", 25, [
        ("K1", "Badan hukum dan anggaran dasar mutakhir", 2, "manual", "", (
            "Belum berbadan hukum atau akta tidak ditemukan.",
            "Berbadan hukum, anggaran dasar belum disesuaikan dengan peraturan yang berlaku.",
            "Berbadan hukum, anggaran dasar disesuaikan tetapi perubahan belum disahkan.",
            "Berbadan hukum dan perubahan anggaran dasar terakhir sudah disahkan.",
        ), [], [],
         "Dampingi penyesuaian anggaran dasar dan pengesahannya.", "notaris"),
        ("K2", "RAT tahun buku diselenggarakan tepat waktu", 3, "derived", "rat_held", (
            "Tidak ada RAT dalam tiga tahun buku terakhir.",
            "RAT tahun buku ini tidak ada; RAT terakhir dalam tiga tahun terakhir.",
            "RAT diadakan, tetapi lewat 30 Juni tahun berikutnya.",
            "RAT diadakan paling lambat 30 Juni tahun berikutnya.",
        ), [], [],
         "RAT tidak rutin: jadwalkan pendampingan penyelenggaraan RAT.", "petugas_lapangan"),
        ("K3", "Hasil RAT dilaporkan ke Dinas dalam sebulan", 1, "derived", "rat_reported", (
            "RAT tidak ada atau tidak dilaporkan.",
            "Dilaporkan lebih dari tiga bulan setelah RAT.",
            "Dilaporkan dalam tiga bulan setelah RAT.",
            "Dilaporkan dalam satu bulan setelah RAT.",
        ), [], [],
         "Ingatkan kewajiban melapor hasil RAT; bantu pelaporan daring.", "petugas_lapangan"),
        ("K4", "Pengurus dan pengawas lengkap dengan masa jabatan berlaku", 2, "derived", "board_complete", (
            "Tiga jabatan inti atau lebih kosong atau habis masa jabatannya.",
            "Dua jabatan inti kosong atau habis masa jabatannya.",
            "Satu jabatan inti kosong atau habis masa jabatannya.",
            "Ketua, sekretaris, bendahara dan pengawas menjabat.",
        ), [], [],
         "Pengurus tidak lengkap: dampingi rapat anggota untuk memilih pengurus dan pengawas.", "petugas_lapangan"),
        ("K5", "Sertifikat Nomor Induk Koperasi berlaku", 1, "derived", "certificate", (
            "Belum bersertifikat NIK.",
            "Sertifikat NIK sudah habis berlaku.",
            "Sertifikat NIK dalam proses perpanjangan.",
            "Sertifikat NIK berlaku.",
        ), [], [],
         "Bantu pendaftaran atau pemutakhiran data di ODS untuk sertifikat NIK.", "dinas"),
        ("K6", "Pertumbuhan jumlah anggota dibanding tahun sebelumnya", 1, "ratio", "member_growth", (
            "Anggota berkurang lebih dari 5%.",
            "Anggota berkurang sampai 5%.",
            "Anggota tetap atau bertambah kurang dari 5%.",
            "Anggota bertambah 5% atau lebih.",
        ), MEMBER_GROWTH_BANDS, [],
         "Anggota berkurang: dampingi penyuluhan perkoperasian dan penerimaan anggota baru.", "petugas_lapangan"),
        ("K7", "Pengurus mengikuti pelatihan dalam dua tahun terakhir", 1, "derived", "board_training", (
            "Tidak ada pengurus yang dilatih.",
            "Satu pengurus dilatih.",
            "Sebagian besar pengurus inti dilatih.",
            "Semua pengurus inti dilatih.",
        ), [], [],
         "Ikutkan pengurus dalam bimtek manajemen dan akuntansi koperasi.", "dinas"),
    ]),
    ("keuangan", 25, [
        ("F1", "Rasio modal sendiri terhadap total aset", 2, "ratio", "equity_ratio", (
            "Di bawah 10% atau di atas 90%.",
            "10-20% atau 80-90%.",
            "20-40% atau 60-80%.",
            "40-60%.",
        ), EQUITY_BANDS, [],
         "Struktur modal lemah: dampingi penghimpunan simpanan anggota dan akses pembiayaan yang sehat.", "bank"),
        ("F2", "Rentabilitas aset (SHU / total aset)", 2, "ratio", "return_on_assets", (
            "Di bawah 1%.",
            "1-5%.",
            "5-10%.",
            "10% atau lebih.",
        ), ROA_BANDS, [],
         "SHU rendah: kaji unit usaha bersama perusahaan inti dan pembeli.", "perusahaan_perkebunan"),
        ("F3", "Efisiensi (biaya / pendapatan)", 1, "ratio", "efficiency", (
            "Lebih dari 100%.",
            "85-100%.",
            "70-85%.",
            "70% atau kurang.",
        ), EFFICIENCY_BANDS, [],
         "Biaya terlalu tinggi: dampingi penyusunan anggaran dan pengendalian biaya.", "akuntan"),
        ("F4", "Pertumbuhan volume usaha", 1, "ratio", "business_volume_growth", (
            "Turun lebih dari 10%.",
            "Turun sampai 10%.",
            "Tetap atau naik kurang dari 10%.",
            "Naik 10% atau lebih.",
        ), GROWTH_BANDS, [],
         "Volume usaha turun: cari kemitraan pemasaran atau angkutan TBS dengan perusahaan perkebunan.",
         "perusahaan_perkebunan"),
        ("F5", "Laporan keuangan disampaikan", 2, "derived", "financial_report", (
            "Tidak ada laporan keuangan.",
            "Laporan keuangan terlambat.",
            "Laporan keuangan disampaikan.",
            "Laporan keuangan diaudit.",
        ), [], [],
         "Laporan keuangan belum tertib: ikutkan bendahara dalam bimtek akuntansi koperasi.", "akuntan"),
    ]),
    ("operasional", 25, [
        ("O1", "Unit usaha berjalan", 2, "manual", "", (
            "Tidak ada unit usaha yang berjalan.",
            "Unit usaha berjalan tidak teratur.",
            "Satu unit usaha berjalan teratur.",
            "Dua unit usaha atau lebih berjalan teratur.",
        ), [], [],
         "Usaha tidak berjalan: susun rencana usaha bersama koperasi lain yang sejenis.", "koperasi_lain"),
        ("O2", "Porsi anggota yang bertransaksi dengan koperasi", 2, "manual", "", (
            "Kurang dari 25% anggota bertransaksi.",
            "25-50% anggota bertransaksi.",
            "50-75% anggota bertransaksi.",
            "Lebih dari 75% anggota bertransaksi.",
        ), [], [],
         "Partisipasi anggota rendah: dampingi penyuluhan dan layanan anggota.", "petugas_lapangan"),
        ("O3", "Manajer dan karyawan", 1, "derived", "management_staff", (
            "Tidak ada manajer maupun karyawan.",
            "Ada karyawan, tanpa manajer.",
            "Ada manajer, tanpa karyawan.",
            "Ada manajer dan karyawan.",
        ), [], [],
         "Belum ada pengelola: dampingi pengangkatan manajer dan pelatihan karyawan.", "dinas"),
        ("O4", "Kemitraan aktif", 2, "derived", "partnerships", (
            "Tidak ada kemitraan.",
            "Kemitraan diusulkan, belum berjalan.",
            "Satu kemitraan aktif.",
            "Dua kemitraan aktif atau lebih.",
        ), [], [],
         "Belum ada kemitraan: pertimbangkan mitra yang disarankan (perusahaan inti, koperasi lain).",
         "perusahaan_perkebunan"),
        ("O5", "Pembukuan dan administrasi tertib", 1, "checklist", "", (
            "0-25% buku administrasi ada dan mutakhir.",
            "26-50% buku administrasi ada dan mutakhir.",
            "51-75% buku administrasi ada dan mutakhir.",
            "76-100% buku administrasi ada dan mutakhir.",
        ), [], BOOKKEEPING_ITEMS,
         "Administrasi belum tertib: dampingi penataan buku administrasi koperasi.", "petugas_lapangan"),
    ]),
    ("reputasi", 25, [
        ("R1", "Tidak ada pelanggaran, sanksi atau perkara hukum", 2, "manual", "", (
            "Ada perkara hukum atau sanksi berat.",
            "Ada sanksi administratif dalam tahun ini.",
            "Ada teguran yang sudah diselesaikan.",
            "Tidak ada pelanggaran, sanksi atau perkara.",
        ), [], [],
         "Ada pelanggaran: dampingi penyelesaian dan pemulihan tata kelola.", "dinas"),
        ("R2", "Temuan pengawasan ditindaklanjuti tepat waktu", 2, "derived", "findings", (
            "Temuan tidak ditindaklanjuti.",
            "Sebagian kecil temuan ditindaklanjuti.",
            "Sebagian besar temuan ditindaklanjuti, ada yang terlambat.",
            "Semua temuan ditindaklanjuti tepat waktu, atau tidak ada temuan.",
        ), [], [],
         "Temuan belum ditindaklanjuti: jadwalkan pemeriksaan ulang dan pendampingan.", "petugas_lapangan"),
        ("R3", "Pengaduan anggota dan masyarakat diselesaikan", 1, "manual", "", (
            "Pengaduan tidak ditangani.",
            "Sebagian kecil pengaduan diselesaikan.",
            "Sebagian besar pengaduan diselesaikan.",
            "Semua pengaduan diselesaikan, atau tidak ada pengaduan.",
        ), [], [],
         "Pengaduan belum selesai: fasilitasi mediasi antara pengurus dan anggota.", "dinas"),
        ("R4", "Kepercayaan bank dan mitra, penghargaan, peringkat", 1, "manual", "", (
            "Tidak punya akses pembiayaan atau mitra.",
            "Pernah punya akses, sekarang terhenti.",
            "Punya akses pembiayaan atau mitra.",
            "Punya akses pembiayaan dan mitra, atau mendapat penghargaan.",
        ), [], [],
         "Belum dipercaya lembaga keuangan: dampingi penyusunan proposal pembiayaan.", "bank"),
    ]),
]


def create_rubric(apps, schema_editor):
    RubricVersion = apps.get_model("registry", "RubricVersion")
    RubricCondition = apps.get_model("registry", "RubricCondition")
    RubricIndicator = apps.get_model("registry", "RubricIndicator")
    if RubricVersion.objects.filter(year=RUBRIC_YEAR).exists():
        return
    rubric = RubricVersion.objects.create(
        year=RUBRIC_YEAR, name=RUBRIC_NAME,
        notes="Rubrik bawaan dari brief domain: empat kondisi berbobot sama, indikator bernilai 1-4.",
    )
    for condition_order, (code, weight, indicators) in enumerate(RUBRIC):
        condition = RubricCondition.objects.create(rubric=rubric, code=code, weight=weight, order=condition_order)
        for order, row in enumerate(indicators):
            (ind_code, text, ind_weight, method, source, levels, bands, checklist, recommendation, helper) = row
            RubricIndicator.objects.create(
                condition=condition, code=ind_code, text=text, weight=ind_weight, method=method, source=source,
                level_1=levels[0], level_2=levels[1], level_3=levels[2], level_4=levels[3],
                bands=bands, checklist_items=checklist, recommendation=recommendation, helper=helper, order=order,
            )


def remove_rubric(apps, schema_editor):
    RubricVersion = apps.get_model("registry", "RubricVersion")
    RubricVersion.objects.filter(year=RUBRIC_YEAR, assessments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_assessments")]
    operations = [migrations.RunPython(create_rubric, remove_rubric)]
