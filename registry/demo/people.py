"""Demo people: board terms and listed members, with names from the groups that live in Kutim.

NIKs are valid in form only, born in the member's kecamatan or, for some, outside Kutim; a few
people belong to two cooperatives, and some members have no NIK.
"""

import datetime
import random
from dataclasses import dataclass

from ..models import BoardMember, Cooperative, Member, Sex
from .cooperatives import add_years, day_in_year
from .profiles import BANJAR, BUGIS, DAYAK, JAVANESE, KECAMATAN, KUTAI

Status = Cooperative.Status
Role = BoardMember.Role

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


@dataclass(frozen=True)
class Person:
    """A fictitious person: ethnic group (for titles), name, sex, birth date and matching NIK."""

    group: str
    name: str
    sex: str
    birth_date: datetime.date
    nik: str


class PeopleDraws:
    """Board terms and members: part of DistrictGenerator (demo/district.py)."""

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
        term_start = max(founded, day_in_year(rng, max(start_year, founded.year), (2, 6)))
        term_start = min(term_start, self.as_of)
        term_end = add_years(term_start, 5) - datetime.timedelta(days=1)
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
        previous_start = add_years(term_start, -5)
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
            earliest = max(plan.founded, add_years(person.birth_date, 17))
            joined = earliest + datetime.timedelta(days=rng.randint(0, (self.as_of - earliest).days))
            left = None
            if rng.random() < 0.05 and joined < self.as_of:
                left = joined + datetime.timedelta(days=rng.randint(1, (self.as_of - joined).days))
            member = Member(
                cooperative=plan.cooperative,
                kecamatan_id=kecamatan,  # the cooperative's: written in bulk, past Member.save()
                cooperative_name=plan.cooperative.name,  # likewise
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
