"""How the demo district looks: its size, the kecamatan, the kinds of cooperative and their names.

The figures follow domain.md section 6 (the 2021 district: 1,150 cooperatives, 667 active, about
90% in palm oil, the Sangatta towns and the plantation kecamatan holding most). Every generator
of the demo package reads its shape from here.
"""

from dataclasses import dataclass

from ..models import Cooperative

DEFAULT_SEED = 2021
FIRST_REPORT_YEAR = 2019
# The 2021 figures of the office (domain.md section 1): the default district reproduces them.
DISTRICT_SIZE = 1150
DISTRICT_ACTIVE = 667
# The change reason of every demo row that keeps history.
CHANGE_REASON = "Data demo"

# ---------------------------------------------------------------------------------------------
# Regions: how the cooperatives spread over the 18 kecamatan
# ---------------------------------------------------------------------------------------------

JAVANESE, BUGIS, BANJAR, KUTAI, DAYAK = "jawa", "bugis", "banjar", "kutai", "dayak"


@dataclass(frozen=True)
class KecamatanProfile:
    """How a kecamatan looks in the demo: its share of cooperatives, palm-oil share and people."""

    weight: int
    palm_oil: float
    centre: tuple  # (latitude, longitude), roughly
    postcode: str  # in Kutim's 756xx range; plausible, not an authoritative list
    people: dict  # ethnic group -> weight, for names and NIK origins


_TOWN = {JAVANESE: 30, BUGIS: 25, BANJAR: 15, KUTAI: 20, DAYAK: 10}
_COAST = {JAVANESE: 15, BUGIS: 45, BANJAR: 10, KUTAI: 25, DAYAK: 5}
_TRANSMIGRANT = {JAVANESE: 55, BUGIS: 12, BANJAR: 10, KUTAI: 10, DAYAK: 13}
_INTERIOR = {JAVANESE: 30, BUGIS: 8, BANJAR: 7, KUTAI: 15, DAYAK: 40}

# Sangatta (the capital) and the plantation kecamatan hold most; the towns and the coast have
# more non-palm cooperatives (employees, fishers, traders).
KECAMATAN = {
    "64.08.01": KecamatanProfile(4, 0.995, (0.45, 116.72), "75656", _INTERIOR),  # Muara Ancalong
    "64.08.02": KecamatanProfile(9, 0.995, (1.03, 116.85), "75655", _INTERIOR),  # Muara Wahau
    "64.08.03": KecamatanProfile(3, 0.995, (0.40, 116.80), "75654", {**_INTERIOR, KUTAI: 35}),  # Muara Bengkal
    "64.08.04": KecamatanProfile(14, 0.93, (0.51, 117.55), "75611", _TOWN),  # Sangatta Utara
    "64.08.05": KecamatanProfile(4, 0.93, (0.99, 117.97), "75684", _COAST),  # Sangkulirang
    "64.08.06": KecamatanProfile(2, 0.995, (1.05, 116.65), "75657", _INTERIOR),  # Busang
    "64.08.07": KecamatanProfile(4, 0.995, (0.82, 116.88), "75658", _INTERIOR),  # Telen
    "64.08.08": KecamatanProfile(7, 0.995, (0.93, 117.02), "75659", {**_TRANSMIGRANT, DAYAK: 30}),  # Kombeng
    "64.08.09": KecamatanProfile(8, 0.995, (0.84, 117.55), "75685", {**_TOWN, JAVANESE: 40}),  # Bengalon
    "64.08.10": KecamatanProfile(3, 0.93, (0.93, 117.88), "75686", _TRANSMIGRANT),  # Kaliorang
    "64.08.11": KecamatanProfile(2, 0.93, (1.27, 118.25), "75687", _COAST),  # Sandaran
    "64.08.12": KecamatanProfile(8, 0.93, (0.45, 117.52), "75683", _TOWN),  # Sangatta Selatan
    "64.08.13": KecamatanProfile(3, 0.93, (0.33, 117.43), "75681", _COAST),  # Teluk Pandan
    "64.08.14": KecamatanProfile(7, 0.995, (0.60, 117.32), "75682", _TRANSMIGRANT),  # Rantau Pulung
    "64.08.15": KecamatanProfile(6, 0.995, (1.02, 117.72), "75688", _TRANSMIGRANT),  # Kaubun
    "64.08.16": KecamatanProfile(5, 0.995, (1.20, 117.58), "75689", _TRANSMIGRANT),  # Karangan
    "64.08.17": KecamatanProfile(3, 0.995, (0.95, 117.25), "75660", _TRANSMIGRANT),  # Batu Ampar
    "64.08.18": KecamatanProfile(6, 0.995, (0.62, 116.95), "75661", _TRANSMIGRANT),  # Long Mesangat
}
COASTAL = {"64.08.05", "64.08.11", "64.08.13"}
LATITUDE_RANGE = (0.3, 1.6)
LONGITUDE_RANGE = (116.5, 118.5)

# ---------------------------------------------------------------------------------------------
# Kinds of cooperative
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of cooperative: its classification, how it is named and the size of its business."""

    key: str
    jenis: str
    kelompok: str
    sector: str
    palm_oil: bool
    names: tuple  # templates with {core}, {desa}, {company}, {pesantren}
    members: tuple  # members in 2019, (low, high)
    female: tuple  # share of women members
    volume_per_member: tuple  # business volume per member and year, Rupiah (at 2023 prices)
    revenue_ratio: tuple  # revenue / business volume
    founded: tuple  # years
    weight: int
    sharia: float = 0.0


J, K, S = Cooperative.Jenis, Cooperative.Kelompok, Cooperative.Sector
# The kinds' ranges describe the larger cooperatives of each kind; Kutim's reports average far
# fewer (61,460 members in 1,209 cooperatives in 2023, about 50 each, inactive ones included), so
# sizes are scaled to land the district near that figure.
MEMBER_SCALE = 0.25
MIN_MEMBERS = 9  # the legal minimum for a primary cooperative (UU 6/2023)
JUTA = 1_000_000

PALM_KINDS = (
    Kind("plasma", J.PRODUCER, K.PLANTATION, S.PALM_OIL, True,
         ("Koperasi Produsen Sawit {core}", "Koperasi Plasma {core}", "Koperasi Perkebunan Sawit {core} {desa}",
          "Koperasi Petani Sawit {core}", "Koperasi Produsen {core} {desa}"),
         (60, 800), (0.08, 0.25), (25 * JUTA, 90 * JUTA), (0.03, 0.09), (1998, 2021), 45),
    Kind("kud", J.PRODUCER, K.KUD, S.PALM_OIL, True,
         ("KUD {core}", "KUD {core} {desa}"),
         (100, 1200), (0.10, 0.30), (20 * JUTA, 70 * JUTA), (0.04, 0.10), (1983, 2005), 12),
    Kind("angkutan_tbs", J.SERVICES, K.PLANTATION, S.TRANSPORT, True,
         ("Koperasi Jasa Angkutan Sawit {core}", "Koperasi Angkutan TBS {core}",
          "Koperasi Jasa Transportasi {core} {desa}"),
         (20, 150), (0.02, 0.10), (30 * JUTA, 120 * JUTA), (0.70, 0.95), (2005, 2021), 12),
    Kind("simpan_pinjam_petani", J.SAVINGS_LOANS, K.PLANTATION, S.FINANCE, True,
         ("Koperasi Simpan Pinjam Petani Sawit {core}", "KSP {core} {desa}", "Koperasi Simpan Pinjam {core}"),
         (40, 500), (0.20, 0.45), (3 * JUTA, 15 * JUTA), (0.10, 0.18), (2003, 2021), 10, 0.2),
    Kind("pemasaran_tbs", J.MARKETING, K.PLANTATION, S.PALM_OIL, True,
         ("Koperasi Pemasaran TBS {core}", "Koperasi Pemasaran Sawit {core} {desa}"),
         (40, 300), (0.05, 0.20), (30 * JUTA, 80 * JUTA), (0.03, 0.08), (2008, 2021), 5),
    Kind("karyawan_kebun", J.CONSUMER, K.EMPLOYEES, S.TRADE, True,
         ("Koperasi Konsumen Karyawan {company} Kebun {desa}", "Koperasi Karyawan Kebun {desa} {company}"),
         (80, 1500), (0.10, 0.30), (2 * JUTA, 8 * JUTA), (0.85, 1.0), (1995, 2021), 6),
    Kind("serba_usaha_sawit", J.PRODUCER, K.MULTI, S.PALM_OIL, True,
         ("Koperasi Serba Usaha {core}", "KSU {core} {desa}"),
         (40, 400), (0.10, 0.30), (10 * JUTA, 50 * JUTA), (0.10, 0.40), (1995, 2021), 6),
    Kind("wanita_tani_sawit", J.SAVINGS_LOANS, K.WOMEN, S.FINANCE, True,
         ("Koperasi Wanita Tani Sawit {core}", "Koperasi Wanita {core} {desa}"),
         (30, 250), (0.85, 1.0), (2 * JUTA, 8 * JUTA), (0.10, 0.18), (2005, 2021), 2),
)
OTHER_KINDS = (
    Kind("karyawan", J.CONSUMER, K.EMPLOYEES, S.TRADE, False,
         ("Koperasi Konsumen Karyawan Tambang {core}", "Koperasi Pegawai Republik Indonesia {core}",
          "Koperasi Guru {core} {desa}"),
         (50, 900), (0.20, 0.55), (2 * JUTA, 8 * JUTA), (0.85, 1.0), (1985, 2021), 30),
    Kind("nelayan", J.PRODUCER, K.OTHER, S.FISHERY, False,
         ("Koperasi Produsen Nelayan {core}", "Koperasi Perikanan {core} {desa}"),
         (20, 200), (0.05, 0.30), (10 * JUTA, 40 * JUTA), (0.10, 0.40), (2000, 2021), 15),
    Kind("tani", J.PRODUCER, K.OTHER, S.AGRICULTURE, False,
         ("Koperasi Tani {core}", "Koperasi Produsen Karet {core} {desa}", "Koperasi Tani Kakao {core}"),
         (20, 250), (0.10, 0.35), (5 * JUTA, 25 * JUTA), (0.10, 0.40), (1995, 2021), 15),
    Kind("pesantren", J.CONSUMER, K.PESANTREN, S.TRADE, False,
         ("Koperasi Pondok Pesantren {pesantren}",),
         (20, 150), (0.30, 0.60), (2 * JUTA, 6 * JUTA), (0.85, 1.0), (1995, 2021), 8, 1.0),
    Kind("wanita", J.SAVINGS_LOANS, K.WOMEN, S.FINANCE, False,
         ("Koperasi Wanita {core}", "Koperasi Simpan Pinjam Wanita {core} {desa}"),
         (20, 300), (0.90, 1.0), (2 * JUTA, 8 * JUTA), (0.10, 0.18), (2000, 2021), 12, 0.15),
    Kind("serba_usaha", J.CONSUMER, K.MULTI, S.TRADE, False,
         ("Koperasi Serba Usaha {core} {desa}",),
         (20, 300), (0.20, 0.50), (3 * JUTA, 12 * JUTA), (0.50, 0.90), (1990, 2021), 10),
    Kind("industri", J.PRODUCER, K.OTHER, S.PROCESSING, False,
         ("Koperasi Produsen Gula Aren {core}", "Koperasi Produsen Olahan Ikan {core} {desa}"),
         (20, 120), (0.30, 0.70), (3 * JUTA, 10 * JUTA), (0.60, 0.90), (2005, 2021), 5),
    Kind("jasa", J.SERVICES, K.OTHER, S.SERVICES, False,
         ("Koperasi Jasa {core} {desa}", "Koperasi Jasa Wisata {core}"),
         (20, 150), (0.20, 0.50), (3 * JUTA, 10 * JUTA), (0.60, 0.90), (2005, 2021), 5),
)
MERAH_PUTIH = Kind(
    "merah_putih", J.CONSUMER, K.MERAH_PUTIH, S.TRADE, False,
    ("Koperasi Desa Merah Putih {desa}",),
    (30, 250), (0.30, 0.55), (1 * JUTA, 4 * JUTA), (0.85, 1.0), (2025, 2025), 0,
)
# One in MERAH_PUTIH_EVERY cooperatives is its desa's Koperasi Merah Putih (2025 programme), in a
# fixed order of desa: 82 desa in the default district, each desa at most once whatever the size.
MERAH_PUTIH_EVERY = 14
MERAH_PUTIH_OFFSET = 3

# Palm prices made the business volume of the plantation cooperatives swing: 2019 was a low,
# 2022 a peak. Index against 2023.
# The RAT season per book year, as shares of the active cooperatives (the tracker's population):
# (RAT held, RAT held and reported to the Dinas). In 2021 only about 100 of the 667 active
# cooperatives reported their RAT (domain.md section 1): 15%. Before that fewer, since then rising
# with coaching, reminders and, in the last season, the portal. Many more hold a RAT than report it.
RAT_SEASON = {
    2019: (0.30, 0.11), 2020: (0.32, 0.13), 2021: (0.35, 0.16), 2022: (0.38, 0.18), 2023: (0.41, 0.21),
    2024: (0.44, 0.25), 2025: (0.47, 0.30),
}
# The latest year's shares for the years after it.
RAT_SEASON_LATER = RAT_SEASON[max(RAT_SEASON)]
# Of the RATs reported, the share of the last full year's that came through the portal and were
# accepted (its first season): a few dozen in the demo district; never more than PORTAL_ACCEPTED_MAX.
PORTAL_ACCEPTED_SHARE = 0.2
PORTAL_ACCEPTED_MAX = 150

TBS_PRICE_INDEX = {2019: 0.70, 2020: 0.80, 2021: 1.15, 2022: 1.25, 2023: 1.00, 2024: 1.10, 2025: 1.25}

CORE_FIRST = (
    "Maju", "Tunas", "Sinar", "Karya", "Bina", "Sumber", "Mitra", "Harapan", "Usaha", "Berkah", "Rukun",
    "Sejahtera", "Makmur", "Mandiri", "Bumi", "Cahaya", "Putra", "Lestari", "Mekar", "Setia", "Bangun",
    "Damai", "Buana", "Sido", "Sri", "Mulia", "Intan", "Permata", "Rimba", "Bhakti", "Fajar", "Surya",
    "Sinergi", "Tekad", "Rezeki", "Kencana", "Tri", "Budi", "Anugerah", "Bintang", "Cipta", "Citra", "Darma",
    "Eka", "Gema", "Giri", "Guna", "Hasil", "Kurnia", "Langgeng", "Lancar", "Mega", "Mustika", "Nusa",
    "Panca", "Pelita", "Prima", "Rahmat", "Sapta", "Sarana", "Teratai", "Wira", "Wijaya", "Mutiara", "Dwi",
    "Catur",
)
CORE_SECOND = (
    "Bersama", "Harapan", "Makmur", "Sejahtera", "Jaya", "Abadi", "Mandiri", "Lestari", "Sentosa",
    "Bersatu", "Rezeki", "Baru", "Utama", "Mulia", "Permai", "Gemilang", "Perkasa", "Agung", "Sakti",
    "Indah", "Sepakat", "Maju", "Kencana", "Raya", "Nusantara", "Timur", "Hijau", "Mekar", "Berseri",
    "Tunggal", "Karya", "Mulyo", "Rahayu", "Manunggal", "Sehati", "Mufakat", "Santoso", "Mukti", "Asri",
    "Sukses", "Makarti", "Wiguna", "Persada", "Pratama", "Unggul", "Barokah", "Amanah", "Kurnia", "Bakti",
    "Sari", "Murni",
)
# Local phrases: Kaltim's motto, Kutai and Dayak words.
CORE_PHRASES = (
    "Ruhui Rahayu", "Bumi Etam", "Tuah Benua", "Gerbang Raja", "Sido Rukun", "Sido Mulyo", "Sri Rejeki",
    "Tri Manunggal", "Rukun Santoso", "Wehea Lestari", "Mekar Sari", "Tanjung Harapan", "Gotong Royong",
    "Long Segar", "Benua Etam", "Lembo Sejahtera", "Kutai Bersatu", "Bina Warga", "Karya Mandiri Sejahtera",
)
# Fictitious plantation companies.
COMPANIES = (
    "PT Sawit Wahau Lestari", "PT Tunas Agro Kutai", "PT Bumi Sawit Etam", "PT Kaltim Agro Makmur",
    "PT Sangatta Hijau Plantation", "PT Kombeng Sawit Prima", "PT Bengalon Agro Mandiri",
    "PT Karangan Palma Sejahtera", "PT Rantau Sawit Nusantara", "PT Telen Agro Lestari",
)
PESANTREN = (
    "Al-Hidayah", "Darul Ulum", "Nurul Iman", "Al-Ikhlas", "Darussalam", "Miftahul Jannah", "Al-Falah",
    "Hidayatullah", "Nurul Huda", "Baitul Hikmah", "Ar-Rahman", "Al-Muhajirin",
)
