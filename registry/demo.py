"""The demo district of Kutai Timur: plausible, fictitious cooperatives with their people and figures.

Everything about cooperative number `index` is drawn from random generators seeded with
`f"{seed}:{index}:..."` alone, so cooperative 17 is the same whether the district has 60 or
130,000 cooperatives: a larger run extends a smaller one, and `seed_district` skips what exists.

The figures follow domain.md section 6 (the 2021 district: 1,150 cooperatives, 667 active, about
90% in palm oil, the Sangatta towns and the plantation kecamatan holding most). Names, NIKs,
legal entity numbers and phone numbers are invented; NIKs are valid in form only.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, reset_queries, transaction
from simple_history.utils import bulk_create_with_history

from .models import (
    BoardMember,
    Cooperative,
    Desa,
    Kecamatan,
    Member,
    Sex,
    StatusChange,
    User,
    YearlyReport,
)

Status = Cooperative.Status
Role = BoardMember.Role

DEFAULT_SEED = 2021
FIRST_REPORT_YEAR = 2019
# The 2021 figures of the office (domain.md section 1): the default district reproduces them.
DISTRICT_SIZE = 1150
DISTRICT_ACTIVE = 667
# The serials inside legal entity numbers are unique below this many cooperatives.
MAX_COOPERATIVES = 1_000_000
CHANGE_REASON = "Data demo"
BATCH_SIZE = 1000
CHUNK_SIZE = 2000  # cooperatives per transaction: bounds memory at any size

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

# ---------------------------------------------------------------------------------------------
# People: names from the groups that live in Kutim, NIK origins outside Kutim per group
# ---------------------------------------------------------------------------------------------

NAMES = {
    JAVANESE: {
        Sex.MALE: (("Sugeng", "Slamet", "Sutrisno", "Wahyudi", "Suparman", "Joko", "Bambang", "Agus", "Budi",
                    "Heru", "Eko", "Dwi", "Suyanto", "Paiman", "Sumarno", "Mulyono", "Purwanto", "Teguh",
                    "Wagiman", "Supriyadi", "Sarjono", "Tukiran"),
                   ("Santoso", "Prasetyo", "Wibowo", "Susilo", "Hartono", "Setiawan", "Purnomo", "Raharjo",
                    "Nugroho", "Kurniawan", "Widodo", "Saputro", "Riyanto", "Hidayat")),
        Sex.FEMALE: (("Siti", "Sri", "Endang", "Sumiati", "Suharti", "Rini", "Suwarni", "Partini", "Sulastri",
                      "Yuliani", "Ngatini", "Sumini", "Tri", "Dewi", "Wartini"),
                     ("Wahyuni", "Lestari", "Rahayu", "Handayani", "Astuti", "Purwaningsih", "Wulandari",
                      "Suryani", "Ningsih", "Rahmawati", "Aminah")),
    },
    BUGIS: {
        Sex.MALE: (("Andi", "Ambo", "Muhammad", "Abdul", "Baharuddin", "Hasanuddin", "Syamsuddin", "Amiruddin",
                    "Ismail", "Hamzah", "Sulaiman", "Jamaluddin", "Arifin", "Syahrir"),
                   ("Arsyad", "Rahman", "Tang", "Dalle", "Sakka", "Baso", "Latif", "Mappa", "Rauf", "Tahir")),
        Sex.FEMALE: (("Andi", "Sitti", "Nurhayati", "Hasmawati", "Nurlela", "Mariani", "Rosmiati", "Hadijah",
                      "Hajrah", "Hasnah", "Nurmala"),
                     ("Tenri", "Rahmah", "Aisyah", "Fatimah", "Nurjannah", "Ramlah", "Sakinah")),
    },
    BANJAR: {
        Sex.MALE: (("Ahmad", "Muhammad", "Rusdi", "Jamaludin", "Ramli", "Anang", "Fahriansyah", "Rahmadi",
                    "Iwan", "Saberan", "Hairul", "Zainal"),
                   ("Fauzi", "Ramli", "Noor", "Rusdiansyah", "Hidayatullah", "Arbain", "Saberan", "Maulana")),
        Sex.FEMALE: (("Norhayati", "Siti", "Rusmini", "Halimah", "Jamilah", "Aluh", "Galuh", "Noorlaila",
                      "Fatimah", "Masitah"),
                     ("Rahmah", "Masitah", "Hayati", "Jannah", "Noor", "Aulia")),
    },
    KUTAI: {
        Sex.MALE: (("Aji", "Awang", "Salehuddin", "Syahrani", "Ardiansyah", "Jumadi", "Hamdani", "Basri",
                    "Kadrie", "Rusdi", "Sukri"),
                   ("Syahrani", "Ardiansyah", "Hamdani", "Kadrie", "Mahmud", "Idris", "Alamsyah")),
        Sex.FEMALE: (("Dayang", "Masnah", "Hartini", "Rabiah", "Saniah", "Jumiati", "Mastura"),
                     ("Aminah", "Salmah", "Zubaidah", "Hamidah", "Syarifah")),
    },
    DAYAK: {
        Sex.MALE: (("Yohanes", "Markus", "Petrus", "Yakobus", "Paulus", "Stefanus", "Daniel", "Lukas", "Lejie",
                    "Ding", "Ajang", "Jalung", "Lawing"),
                   ("Lejie", "Ding", "Ngau", "Ajang", "Lawing", "Jalung", "Ubang", "Taq", "Bit", "Lung")),
        Sex.FEMALE: (("Maria", "Lusia", "Elisabet", "Veronika", "Yuliana", "Agustina", "Martha", "Kristina",
                      "Bilung"),
                     ("Bilung", "Lenjau", "Idang", "Ping", "Uyang", "Hang", "Ledjie")),
    },
}
# NIK region prefixes of the places members come from (Kemendagri codes: 6472 Samarinda,
# 6474 Bontang, 6402 Kutai Kartanegara, 6407 Kutai Barat, 35xx Jawa Timur, 33xx Jawa Tengah,
# 73xx Sulawesi Selatan, 63xx Kalimantan Selatan).
ORIGINS = {
    JAVANESE: ("3501", "3504", "3507", "3509", "3510", "3522", "3302", "3309", "3313", "3471"),
    BUGIS: ("7301", "7308", "7311", "7313", "7314", "7317", "6474"),
    BANJAR: ("6301", "6303", "6306", "6307", "6371", "6472"),
    KUTAI: ("6402", "6472", "6474"),
    DAYAK: ("6407", "6411", "6402"),
}
OUTSIDE_KUTIM_SHARE = 0.12
MEMBERS_WITHOUT_NIK_SHARE = 0.08
# Members drawn from a small pool of people per kecamatan: some join two cooperatives.
SHARED_PEOPLE_PER_KECAMATAN = 40
SHARED_PERSON_SHARE = 0.015

DEMO_PASSWORD = "koperasi-kutim"


@dataclass(frozen=True)
class DemoAccount:
    """A demo sign-in: one role group, optionally limited to some kecamatan."""

    username: str
    first_name: str
    last_name: str
    group: str
    superuser: bool = False
    kecamatan: tuple = ()


DEMO_ACCOUNTS = (
    DemoAccount("admin", "Rahmat", "Hidayat", "Admin Dinas", superuser=True),
    DemoAccount("petugas", "Sri", "Wahyuni", "Petugas"),
    DemoAccount("petugas_sangatta", "Andi", "Baso", "Petugas", kecamatan=("64.08.04", "64.08.12")),
    DemoAccount("pimpinan", "Awang", "Syahrani", "Pimpinan"),
    DemoAccount("verifikator", "Yohanes", "Lejie", "Verifikator"),
)

# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A fictitious person: ethnic group (for titles), name, sex, birth date and matching NIK."""

    group: str
    name: str
    sex: str
    birth_date: datetime.date
    nik: str


@dataclass
class CooperativePlan:
    """One demo cooperative (unsaved) and the traits its reports, board and members follow."""

    index: int
    cooperative: Cooperative
    kind: Kind
    kecamatan: str
    founded: datetime.date
    discipline: str  # "good", "fair" or "poor": how regularly RAT is held and reported
    # (date, from, to, reason) steps of the status lifecycle, oldest first.
    steps: list = field(default_factory=list)
    # Book years with no RAT because the cooperative lay dormant.
    dormant_years: range = range(0)
    # After this date the cooperative no longer reports (None: it still does).
    stopped_on: datetime.date | None = None
    members_2019: int = 0  # the size in 2019; later years change by `growth` a year
    growth: float = 0.0
    female_share: float = 0.0
    has_manager: bool = False


def _year_of(rng, year, months=(1, 12)):
    """A random date in `year` within the months given (days up to 28: every month has them)."""
    return datetime.date(year, rng.randint(*months), rng.randint(1, 28))


def _add_years(day, years):
    return day.replace(year=day.year + years)


def _rupiah(value):
    """Whole thousands, as the office's spreadsheets round."""
    return max(0, int(round(value / 1000)) * 1000)


def _serial(index, salt, modulus):
    """A serial unique per index below `modulus`, not sequential (7919 is prime to 10**k)."""
    return (index * 7919 + salt) % modulus


_ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def legal_entity_number(index, founded):
    """The legal entity number in the format of the founding year's issuing office; unique per index."""
    month = _ROMAN_MONTHS[founded.month - 1]
    if founded.year >= 2019:  # AHU online: Kemenkumham, "pengesahan pendirian koperasi"
        return f"AHU-{_serial(index, 667, 10_000_000):07d}.AH.01.26.TAHUN {founded.year}"
    serial = _serial(index, 6385, 1_000_000)
    if founded.year >= 2015:
        return f"{serial:06d}/BH/M.KUKM.2/{month}/{founded.year}"
    if founded.year >= 2001:  # regional autonomy: the kabupaten office issued them
        return f"{serial:06d}/BH/DKUKM-KT/{month}/{founded.year}"
    return f"{serial:06d}/BH/KWK.17/{month}/{founded.year}"


class DistrictGenerator:
    """Draws the demo cooperatives and their rows; every draw depends on (seed, index) only.

    The district is the registry as it stood at the end of `until_year`: dates are counted from
    31 December of that year, so a run in March and one in November draw the same district.
    `today` only decides which RATs and RAT reports falling after that date have happened by now.
    `desa` is the region table as (code, name, kecamatan code, level) rows.
    """

    def __init__(self, *, seed, until_year, today, desa):
        self.seed = seed
        self.until_year = until_year
        self.today = today
        self.as_of = datetime.date(until_year, 12, 31)
        self.desa = sorted(desa)
        self.desa_by_kecamatan = {}
        for row in self.desa:
            self.desa_by_kecamatan.setdefault(row[2], []).append(row)
        self.kecamatan_codes = sorted(self.desa_by_kecamatan)
        self.kecamatan_weights = [KECAMATAN[code].weight for code in self.kecamatan_codes]
        merah_putih_order = list(self.desa)
        random.Random(f"{seed}:merah-putih").shuffle(merah_putih_order)
        self.merah_putih_desa = merah_putih_order
        self.active_threshold = self._active_threshold()
        self._shared_people = {}

    def _rng(self, index, stream):
        return random.Random(f"{self.seed}:{index}:{stream}")

    # -- status ---------------------------------------------------------------------------------

    def merah_putih_desa_for(self, index):
        """The desa whose Koperasi Merah Putih cooperative `index` is, or None."""
        if index % MERAH_PUTIH_EVERY != MERAH_PUTIH_OFFSET:
            return None
        slot = index // MERAH_PUTIH_EVERY
        return self.merah_putih_desa[slot] if slot < len(self.merah_putih_desa) else None

    def _status_draw(self, index):
        return self._rng(index, "status").random()

    def _active_threshold(self):
        """The draw below which a cooperative is active: exactly 667 of the first 1,150 are.

        Taken from the draws of the first 1,150 cooperatives (each drawn per index), so the
        status of a cooperative still depends on its index only; beyond 1,150 about 58% are active.
        """
        new_ones = sum(1 for i in range(DISTRICT_SIZE) if self.merah_putih_desa_for(i))  # always active
        draws = sorted(self._status_draw(i) for i in range(DISTRICT_SIZE) if not self.merah_putih_desa_for(i))
        needed = DISTRICT_ACTIVE - new_ones
        return (draws[needed - 1] + draws[needed]) / 2

    def _status(self, index):
        draw = self._status_draw(index)
        if draw < self.active_threshold:
            return Status.ACTIVE
        share = (draw - self.active_threshold) / (1 - self.active_threshold)
        if share < 0.45:
            return Status.INACTIVE
        if share < 0.70:
            return Status.COACHING
        if share < 0.85:
            return Status.PROPOSED_DISSOLUTION
        return Status.DISSOLVED

    def _lifecycle(self, rng, status):
        """The steps that led to `status` (newest last) and the last book year with a RAT.

        Dated backwards from a recent last step; "tidak aktif" comes after three book years
        without RAT (national practice), so the last RAT year follows from its date.
        """
        if status == Status.ACTIVE:
            if rng.random() >= 0.04:
                return [], None
            # Revived: inactive for a while, then RAT held again.
            path = [Status.INACTIVE, Status.ACTIVE]
        elif status == Status.INACTIVE:
            path = [Status.INACTIVE]
        elif status == Status.COACHING:
            path = rng.choice([[Status.INACTIVE, Status.COACHING], [Status.COACHING]])
        elif status == Status.PROPOSED_DISSOLUTION:
            path = rng.choice([[Status.INACTIVE, Status.PROPOSED_DISSOLUTION],
                               [Status.INACTIVE, Status.COACHING, Status.PROPOSED_DISSOLUTION]])
        else:
            path = [Status.INACTIVE, Status.PROPOSED_DISSOLUTION, Status.DISSOLVED]
        dates = [self.as_of - datetime.timedelta(days=rng.randint(30, 1400))]
        for _ in path[1:]:
            dates.insert(0, dates[0] - datetime.timedelta(days=rng.randint(150, 540)))
        first = dates[0]
        if path[0] == Status.INACTIVE:
            last_rat_year = first.year - (4 if first.month >= 7 else 5)
        else:
            last_rat_year = first.year - rng.randint(1, 2)
        steps, previous = [], Status.ACTIVE
        for day, to_status in zip(dates, path, strict=True):
            steps.append((day, previous, to_status, self._reason(previous, to_status, last_rat_year, day)))
            previous = to_status
        return steps, last_rat_year

    @staticmethod
    def _reason(from_status, to_status, last_rat_year, day):
        if to_status == Status.INACTIVE:
            return (f"Tidak menyelenggarakan RAT tiga tahun buku berturut-turut "
                    f"({last_rat_year + 1}-{last_rat_year + 3}).")
        if to_status == Status.ACTIVE:
            return f"RAT tahun buku {day.year - 1} kembali diselenggarakan dan dilaporkan ke Dinas."
        if to_status == Status.COACHING and from_status == Status.ACTIVE:
            return "Pengurus tidak lengkap dan laporan keuangan tidak disampaikan; dibina petugas PPKL."
        if to_status == Status.COACHING:
            return "Pengurus bersedia menghidupkan kembali koperasi; masuk program pembinaan Dinas."
        if to_status == Status.PROPOSED_DISSOLUTION and from_status == Status.COACHING:
            return "Pembinaan tidak berhasil: RAT tetap tidak diselenggarakan."
        if to_status == Status.PROPOSED_DISSOLUTION:
            return "Tidak ada kegiatan usaha dan pengurus tidak dapat dihubungi; diusulkan pembubaran."
        return f"Dibubarkan dengan keputusan Menteri Koperasi tahun {day.year}."

    # -- the cooperative ------------------------------------------------------------------------

    def cooperative(self, index):
        """The plan of cooperative `index`: the unsaved Cooperative and the traits of its rows."""
        rng = self._rng(index, "cooperative")
        merah_putih_desa = self.merah_putih_desa_for(index)
        status = Status.ACTIVE if merah_putih_desa else self._status(index)
        steps, last_rat_year = self._lifecycle(rng, status)

        if merah_putih_desa:
            desa, kind = merah_putih_desa, MERAH_PUTIH
        else:
            kecamatan = rng.choices(self.kecamatan_codes, self.kecamatan_weights)[0]
            desa = rng.choice(self.desa_by_kecamatan[kecamatan])
            palm_oil = rng.random() < KECAMATAN[kecamatan].palm_oil
            kinds = PALM_KINDS if palm_oil else OTHER_KINDS
            weights = [k.weight * (4 if k.key == "nelayan" and kecamatan in COASTAL else 1) for k in kinds]
            kind = rng.choices(kinds, weights)[0]
        desa_code, desa_name, kecamatan, desa_level = desa

        founded_year = min(rng.randint(*kind.founded), self.until_year)
        if last_rat_year is not None:
            founded_year = min(founded_year, last_rat_year - rng.randint(1, 4))
        founded = _year_of(rng, founded_year, (3, 7) if kind is MERAH_PUTIH else (1, 12))
        active = status == Status.ACTIVE

        name = self._name(rng, kind, desa_name, desa_level)
        pattern = Cooperative.Pattern.SHARIA if rng.random() < kind.sharia else Cooperative.Pattern.CONVENTIONAL
        if pattern == Cooperative.Pattern.SHARIA and kind.jenis == J.SAVINGS_LOANS:
            name = name.replace("Koperasi Simpan Pinjam", "Koperasi Simpan Pinjam dan Pembiayaan Syariah")
        nomor_induk = None
        if rng.random() < (0.9 if kind is MERAH_PUTIH else 0.7 if active else 0.45):
            nomor_induk = f"6408{kecamatan[-2:]}{_serial(index, 1, 10_000_000):07d}"
        certificate_status, certificate_expiry = self._certificate(rng, nomor_induk, active)
        amendment_number, amendment_date = "", None
        if founded_year < 2021 and rng.random() < 0.35:
            # Many amended their articles for PP 7/2021.
            amendment_date = _year_of(rng, rng.randint(max(2019, founded_year + 1), 2024))
            amendment_number = f"AHU-{_serial(index, 27, 10_000_000):07d}.AH.01.27.TAHUN {amendment_date.year}"
        profile = KECAMATAN[kecamatan]
        latitude = min(max(profile.centre[0] + rng.uniform(-0.08, 0.08), LATITUDE_RANGE[0]), LATITUDE_RANGE[1])
        longitude = min(max(profile.centre[1] + rng.uniform(-0.08, 0.08), LONGITUDE_RANGE[0]), LONGITUDE_RANGE[1])

        cooperative = Cooperative(
            id=index + 1,
            name=name,
            nomor_induk=nomor_induk,
            certificate_status=certificate_status,
            certificate_expiry=certificate_expiry,
            ods_grade=self._ods_grade(rng, nomor_induk, active),
            legal_entity_number=legal_entity_number(index, founded),
            legal_entity_date=founded,
            amendment_number=amendment_number,
            amendment_date=amendment_date,
            jenis=kind.jenis,
            kelompok=kind.kelompok,
            sector=kind.sector,
            palm_oil=kind.palm_oil,
            pattern=pattern,
            membership_area=rng.choices(
                Cooperative.MembershipArea.values, (95, 4, 1) if kind.key == "karyawan_kebun" else (99, 1, 0)
            )[0],
            address=self._address(rng, kecamatan, desa_name),
            desa_id=desa_code,
            postcode=profile.postcode,
            latitude=Decimal(f"{latitude:.6f}"),
            longitude=Decimal(f"{longitude:.6f}"),
            phone=self._phone(rng) if rng.random() < 0.8 else "",
            email=f"kop{index}@example.com" if rng.random() < 0.3 else "",
            merah_putih=kind is MERAH_PUTIH,
            field_verified_on=(
                max(founded, self.as_of - datetime.timedelta(days=rng.randint(10, 1000)))
                if active and rng.random() < 0.35 else None
            ),
            status=status,
            status_since=steps[-1][0] if steps else founded,
        )
        stopped_on = None
        dormant_years = range(0)
        if steps:
            dormant_years = range(last_rat_year + 1, steps[-1][0].year - 1 if active else self.until_year + 1)
            if not active:
                stopped_on = steps[0][0]
        if status == Status.ACTIVE and not steps:
            discipline = rng.choices(("good", "fair", "poor"), (30, 45, 25))[0]
        else:
            discipline = rng.choices(("fair", "poor"), (30, 70))[0]
        members = max(MIN_MEMBERS, round(rng.randint(*kind.members) * MEMBER_SCALE))
        return CooperativePlan(
            index=index,
            cooperative=cooperative,
            kind=kind,
            kecamatan=kecamatan,
            founded=founded,
            discipline=discipline,
            steps=steps,
            dormant_years=dormant_years,
            stopped_on=stopped_on,
            members_2019=members,
            growth=rng.uniform(-0.02, 0.08) if active else rng.uniform(-0.12, 0.0),
            female_share=rng.uniform(*kind.female),
            has_manager=(members > 150 and rng.random() < 0.6) or rng.random() < 0.15,
        )

    @staticmethod
    def _name(rng, kind, desa_name, desa_level):
        template = rng.choice(kind.names)
        if rng.random() < 0.2:
            core = rng.choice(CORE_PHRASES)
            if "{desa}" not in template:  # few phrases: the desa keeps such names apart
                template += " {desa}"
        else:
            first = rng.choice(CORE_FIRST)
            core = f"{first} {rng.choice([w for w in CORE_SECOND if w != first])}"
        if set(core.split()) & set(desa_name.split()):  # not "Fajar Jaya Bumi Jaya"
            template = template.replace(" {desa}", "")
        name = template.format(
            core=core, desa=desa_name, company=rng.choice(COMPANIES), pesantren=rng.choice(PESANTREN)
        )
        if kind is MERAH_PUTIH and desa_level == Desa.Level.KELURAHAN:
            name = name.replace("Koperasi Desa", "Koperasi Kelurahan")
        return name

    def _certificate(self, rng, nomor_induk, active):
        CertificateStatus = Cooperative.CertificateStatus
        if not nomor_induk:
            return CertificateStatus.NONE, None
        draw = rng.random()
        if draw < (0.55 if active else 0.2):
            # Valid for more than a year after the end of the book year: still valid today.
            return CertificateStatus.VALID, self.as_of + datetime.timedelta(days=rng.randint(400, 4 * 365))
        if draw < (0.8 if active else 0.75):
            return CertificateStatus.EXPIRED, self.as_of - datetime.timedelta(days=rng.randint(1, 4 * 365))
        return CertificateStatus.NONE, None

    @staticmethod
    def _ods_grade(rng, nomor_induk, active):
        if not nomor_induk or rng.random() >= 0.45:
            return ""
        weights = (10, 25, 30, 22, 13) if active else (2, 8, 25, 35, 30)
        return rng.choices(Cooperative.OdsGrade.values, weights)[0]

    @staticmethod
    def _address(rng, kecamatan, desa_name):
        if kecamatan in ("64.08.04", "64.08.12"):
            street = rng.choice(("Yos Sudarso", "Pendidikan", "APT Pranoto", "Soekarno-Hatta", "Ahmad Yani",
                                 "Kabo Jaya", "Poros Sangatta-Bontang", "Diponegoro", "Pinang"))
            return f"Jl. {street} No. {rng.randint(1, 120)}, RT {rng.randint(1, 40):02d}"
        if rng.random() < 0.4:
            return f"SP {rng.randint(1, 9)} Blok {rng.choice('ABCDEFGH')}, RT {rng.randint(1, 20):02d}"
        return f"Jl. Poros {desa_name} Km {rng.randint(1, 45)}, RT {rng.randint(1, 20):02d}"

    @staticmethod
    def _phone(rng):
        prefix = rng.choice(("0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0878"))
        return f"{prefix}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"

    # -- status history -------------------------------------------------------------------------

    def status_changes(self, plan):
        """The dated, reasoned steps of the cooperative's lifecycle."""
        return [
            StatusChange(cooperative=plan.cooperative, changed_on=day, from_status=from_status, to_status=to_status,
                         reason=reason)
            for day, from_status, to_status, reason in plan.steps
        ]

    # -- yearly reports -------------------------------------------------------------------------

    def reports(self, plan):
        """Yearly reports from 2019 (or the founding year) to `until_year`, with their RAT.

        Active cooperatives nearly always report; dormant years have no RAT, and a cooperative
        that became inactive reports little or nothing after that.
        """
        rng = self._rng(plan.index, "reports")
        kind = plan.kind
        equity_ratio = rng.uniform(0.12, 0.9)
        revenue_ratio = rng.uniform(*kind.revenue_ratio)
        cost_ratio = rng.uniform(0.72, 1.04)
        volume_per_member = rng.uniform(*kind.volume_per_member)
        savings_per_member = rng.uniform(0.5, 8) * JUTA
        reports = []
        for year in range(max(FIRST_REPORT_YEAR, plan.founded.year), self.until_year + 1):
            years = year - FIRST_REPORT_YEAR
            members = max(5, round(plan.members_2019 * (1 + plan.growth) ** years * rng.uniform(0.97, 1.03)))
            dormant = year in plan.dormant_years
            stopped = plan.stopped_on is not None and year >= plan.stopped_on.year
            if stopped:
                present = plan.cooperative.status == Status.COACHING and rng.random() < 0.3
            elif dormant:
                present = rng.random() < 0.5
            else:
                present = rng.random() < {"good": 0.99, "fair": 0.96, "poor": 0.85}[plan.discipline]
            if not present:
                continue
            female = round(members * plan.female_share)
            modal_sendiri = members * savings_per_member * (1.05 ** years)
            total_assets = modal_sendiri / min(0.95, max(0.08, equity_ratio + rng.uniform(-0.04, 0.04)))
            price = TBS_PRICE_INDEX.get(year, 1.2) if kind.palm_oil else 1 + 0.04 * (year - 2023)
            volume = members * volume_per_member * price * rng.uniform(0.9, 1.1) * (0.3 if dormant or stopped else 1)
            revenue = volume * revenue_ratio
            expenses = revenue * min(1.3, max(0.5, cost_ratio + rng.uniform(-0.06, 0.06)))
            revenue, expenses = _rupiah(revenue), _rupiah(expenses)
            report = YearlyReport(
                cooperative=plan.cooperative,
                year=year,
                members_male=members - female,
                members_female=female,
                employees=0 if dormant or stopped else max(0, round(members / 60 + rng.uniform(-1, 2))),
                managers=1 if plan.has_manager and not (dormant or stopped) else 0,
                modal_sendiri=_rupiah(modal_sendiri),
                modal_luar=_rupiah(total_assets - modal_sendiri),
                total_assets=_rupiah(total_assets),
                business_volume=_rupiah(volume),
                revenue=revenue,
                expenses=expenses,
                shu=revenue - expenses,
                cash=_rupiah(total_assets * rng.uniform(0.02, 0.12)),
            )
            self._rat(rng, plan, report, held=not (dormant or stopped))
            reports.append(report)
        return reports

    def _rat(self, rng, plan, report, *, held):
        """The RAT for the book year (held the next year, usually February to June) and its report."""
        FinancialReport = YearlyReport.FinancialReport
        discipline = plan.discipline
        if not held or rng.random() >= {"good": 0.95, "fair": 0.75, "poor": 0.4}[discipline]:
            report.financial_report = rng.choices((FinancialReport.NONE, FinancialReport.LATE), (80, 20))[0]
            return
        months = {"good": (2, 4), "fair": (3, 7), "poor": (4, 12)}[discipline]
        rat_date = _year_of(rng, report.year + 1, months)
        if rat_date > self.today:
            report.financial_report = FinancialReport.NONE
            return
        report.rat_date = rat_date
        members = report.members_male + report.members_female
        report.rat_attendance = round(members * rng.uniform(0.35, 0.95))
        report.rat_quorum = report.rat_attendance * 2 > members
        reported = rng.choices(
            ("within", "late", "never"),
            {"good": (85, 10, 5), "fair": (40, 35, 25), "poor": (15, 25, 60)}[discipline],
        )[0]
        if reported != "never":
            delay = rng.randint(2, 30) if reported == "within" else rng.randint(35, 150)
            reported_on = rat_date + datetime.timedelta(days=delay)
            report.rat_reported_on = reported_on if reported_on <= self.today else None
        report.financial_report = rng.choices(
            FinancialReport.values,
            {"good": (2, 8, 60, 30), "fair": (20, 30, 45, 5), "poor": (60, 30, 10, 0)}[discipline],
        )[0]

    # -- board ----------------------------------------------------------------------------------

    def board(self, plan):
        """Ketua, sekretaris, bendahara, 1-3 pengawas, sometimes a manajer, on 5-year terms.

        Some boards are out of term (no RAT elected a new one), about one in seven is incomplete,
        and a few cooperatives never recorded a board.
        """
        rng = self._rng(plan.index, "board")
        if rng.random() < 0.04:
            return []
        founded = plan.founded
        if plan.cooperative.status == Status.ACTIVE:
            expired = rng.random() < 0.12
            first_year = self.until_year - (9 if expired else 4)
            start_year = rng.randint(first_year, first_year + 4)
        else:
            last_rat_year = plan.dormant_years.start - 1 if plan.dormant_years else plan.stopped_on.year - 1
            start_year = rng.randint(last_rat_year - 4, last_rat_year)
        term_start = max(founded, _year_of(rng, max(start_year, founded.year), (2, 6)))
        term_start = min(term_start, self.as_of)
        term_end = _add_years(term_start, 5) - datetime.timedelta(days=1)
        kecamatan = plan.kecamatan
        roles = [Role.CHAIR, Role.SECRETARY, Role.TREASURER] + [Role.SUPERVISOR] * rng.randint(1, 3)
        if rng.random() < 0.15:
            roles.insert(1, Role.VICE_CHAIR)
        incomplete = rng.random() < 0.15
        resigned = None
        if incomplete:
            gap = rng.choice(("secretary", "supervisors", "chair_resigned"))
            if gap == "secretary":
                roles.remove(Role.SECRETARY)
            elif gap == "supervisors":
                roles = [role for role in roles if role != Role.SUPERVISOR]
            else:
                resigned = min(self.as_of, term_start + datetime.timedelta(days=rng.randint(60, 1200)))
        members = []
        for role in roles:
            person = self._person(rng, kecamatan, female_share=0.35 if role == Role.TREASURER else 0.15)
            members.append(BoardMember(
                cooperative=plan.cooperative, name=self._titled(rng, person), role=role, sex=person.sex,
                phone=self._phone(rng) if rng.random() < 0.6 else "",
                term_start=term_start, term_end=term_end,
                ended_on=resigned if role == Role.CHAIR else None,
            ))
        if plan.has_manager:
            person = self._person(rng, kecamatan, female_share=0.3)
            hired = min(self.as_of, term_start + datetime.timedelta(days=rng.randint(0, 400)))
            members.append(BoardMember(
                cooperative=plan.cooperative, name=self._titled(rng, person), role=Role.MANAGER, sex=person.sex,
                phone=self._phone(rng), term_start=hired, term_end=None,
            ))
        previous_start = _add_years(term_start, -5)
        if previous_start >= founded and rng.random() < 0.3:
            for role in (Role.CHAIR, Role.SECRETARY, Role.TREASURER):
                person = self._person(rng, kecamatan, female_share=0.2)
                members.append(BoardMember(
                    cooperative=plan.cooperative, name=self._titled(rng, person), role=role, sex=person.sex,
                    term_start=previous_start, term_end=term_start - datetime.timedelta(days=1),
                ))
        return members

    @staticmethod
    def _titled(rng, person):
        """Board members often carry the hajj title (Muslim groups) or a degree."""
        name = person.name
        if person.group != DAYAK and rng.random() < 0.12:
            name = f"{'H.' if person.sex == Sex.MALE else 'Hj.'} {name}"
        if rng.random() < 0.1:
            name = f"{name}, {rng.choice(('S.P.', 'S.E.', 'S.Pd.', 'S.Sos.', 'S.T.'))}"
        return name

    # -- members --------------------------------------------------------------------------------

    def member_count(self, plan, members_per_cooperative=None):
        """How many members are listed: M each in scale mode, else 10-60 for about 300 of 1,150."""
        if members_per_cooperative is not None:
            return members_per_cooperative
        rng = self._rng(plan.index, "listing")
        share = 0.33 if plan.cooperative.status == Status.ACTIVE else 0.12
        return rng.randint(10, 60) if rng.random() < share else 0

    def members(self, plan, count):
        """`count` listed members with fictitious NIKs (encrypted and hashed by `Member.nik`).

        Most were born in and live in the cooperative's kecamatan; some NIKs come from outside
        Kutim, some members have none, and a few people also belong to another cooperative.
        """
        rng = self._rng(plan.index, "members")
        kecamatan = plan.kecamatan
        desa_here = plan.cooperative.desa_id
        neighbours = self.desa_by_kecamatan[kecamatan]
        seen, members = set(), []
        while len(members) < count:
            if rng.random() < SHARED_PERSON_SHARE:
                person = self._shared_person(kecamatan, rng.randrange(SHARED_PEOPLE_PER_KECAMATAN))
            else:
                person = self._person(rng, kecamatan, female_share=plan.female_share)
            if person.nik in seen:  # one person is listed once per cooperative
                continue
            seen.add(person.nik)
            earliest = max(plan.founded, _add_years(person.birth_date, 17))
            joined = earliest + datetime.timedelta(days=rng.randint(0, (self.as_of - earliest).days))
            left = None
            if rng.random() < 0.05 and joined < self.as_of:
                left = joined + datetime.timedelta(days=rng.randint(1, (self.as_of - joined).days))
            member = Member(
                cooperative=plan.cooperative,
                name=person.name,
                sex=person.sex,
                birth_date=person.birth_date,
                desa_id=desa_here if rng.random() < 0.85 else rng.choice(neighbours)[0],
                member_number=f"{len(members) + 1:04d}",
                joined_on=joined,
                left_on=left,
            )
            member.nik = None if rng.random() < MEMBERS_WITHOUT_NIK_SHARE else person.nik
            members.append(member)
        return members

    def _shared_person(self, kecamatan, number):
        key = (kecamatan, number)
        if key not in self._shared_people:
            rng = random.Random(f"{self.seed}:person:{kecamatan}:{number}")
            self._shared_people[key] = self._person(rng, kecamatan, female_share=0.3)
        return self._shared_people[key]

    def _person(self, rng, kecamatan, *, female_share):
        """A fictitious person of the kecamatan, with an NIK valid in form."""
        people = KECAMATAN[kecamatan].people
        group = rng.choices(list(people), list(people.values()))[0]
        sex = Sex.FEMALE if rng.random() < female_share else Sex.MALE
        given, family = NAMES[group][sex]
        first = rng.choice(given)
        if group == JAVANESE and rng.random() < 0.3:
            name = first  # many Javanese have a single name
        else:
            name = f"{first} {rng.choice([n for n in family if n != first])}"
        # Adults at the end of the last book year.
        birth = datetime.date(rng.randint(1950, self.until_year - 20), rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < OUTSIDE_KUTIM_SHARE:
            region = f"{rng.choice(ORIGINS[group])}{rng.randint(1, 20):02d}"
        else:
            region = f"6408{kecamatan[-2:]}"
        day = birth.day + (40 if sex == Sex.FEMALE else 0)
        nik = f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randint(1, 9999):04d}"
        return Person(group=group, name=name, sex=sex, birth_date=birth, nik=nik)


# ---------------------------------------------------------------------------------------------
# Writing the district
# ---------------------------------------------------------------------------------------------


@dataclass
class SeedResult:
    created: Counter  # rows written per kind ("cooperatives", "active", model names)
    skipped: int  # cooperatives already present


def seed_district(*, cooperatives, members_per_cooperative=None, seed=DEFAULT_SEED, until_year, today,
                  chunk_size=CHUNK_SIZE, progress=None):
    """Write demo cooperatives 0..`cooperatives`-1 that are not in the database yet.

    Demo cooperative `index` has the id `index + 1`: the demo district owns those ids, and an id
    that exists counts as present and is left as it is, whatever wrote it (another seed, another
    `until_year`, an older generator). So seed only an empty or demo database (`--if-empty`).
    Each chunk is written in one transaction with bulk inserts, so a run can stop and resume and
    memory stays bounded at any size; `progress(done, created)` is called after each.

    History: the default district gives every cooperative its creation row (change reason
    "Data demo"), so the admin's history pages have a start. Scale mode (`members_per_cooperative`
    given) and all other models skip history: bulk_create writes none, and the members' history
    would only copy their encrypted NIKs once more.
    """
    generator = DistrictGenerator(
        seed=seed, until_year=until_year, today=today,
        desa=Desa.objects.values_list("code", "name", "kecamatan_id", "level"),
    )
    with_history = members_per_cooperative is None
    created, skipped = Counter(), 0
    for start in range(0, cooperatives, chunk_size):
        indexes = range(start, min(start + chunk_size, cooperatives))
        existing = set(Cooperative.objects.filter(pk__in=[i + 1 for i in indexes]).values_list("pk", flat=True))
        missing = [i for i in indexes if i + 1 not in existing]
        skipped += len(indexes) - len(missing)
        if missing:
            with transaction.atomic():
                _write_chunk(generator, [generator.cooperative(i) for i in missing], members_per_cooperative,
                             with_history, created)
            if progress:
                progress(indexes.stop, created)
        # Under DEBUG Django keeps every query's SQL: bounded per chunk, not per run.
        reset_queries()
    return SeedResult(created=created, skipped=skipped)


def _write_chunk(generator, plans, members_per_cooperative, with_history, created):
    cooperatives = [plan.cooperative for plan in plans]
    if with_history:
        bulk_create_with_history(cooperatives, Cooperative, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON)
    else:
        Cooperative.objects.bulk_create(cooperatives, batch_size=BATCH_SIZE)
    # Explicit ids leave PostgreSQL's sequence behind: the next cooperative entered in the
    # registry must not get id 1. (SQLite's AUTOINCREMENT follows by itself.)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Cooperative]):
            cursor.execute(statement)
    created["cooperatives"] += len(cooperatives)
    created["active"] += sum(1 for c in cooperatives if c.status == Status.ACTIVE)
    rows = {StatusChange: [], YearlyReport: [], BoardMember: [], Member: []}
    for plan in plans:
        rows[StatusChange] += generator.status_changes(plan)
        rows[YearlyReport] += generator.reports(plan)
        rows[BoardMember] += generator.board(plan)
        rows[Member] += generator.members(plan, generator.member_count(plan, members_per_cooperative))
    for model, objects in rows.items():
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        created[model._meta.model_name] += len(objects)


def ensure_demo_accounts():
    """Create the demo accounts that are missing; existing ones (and their passwords) stay as they are.

    Returns the usernames created.
    """
    created = []
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        create = User.objects.create_superuser if account.superuser else User.objects.create_user
        user = create(
            username=account.username, password=DEMO_PASSWORD,
            first_name=account.first_name, last_name=account.last_name,
        )
        user.groups.add(Group.objects.get(name=account.group))
        if account.kecamatan:
            user.kecamatan.set(Kecamatan.objects.filter(code__in=account.kecamatan))
        created.append(account.username)
    return created
