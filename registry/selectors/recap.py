"""The per-kecamatan recap in the layout of the national cooperative data (for the ministry)."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from .. import figures
from ..models import Cooperative, Kecamatan, YearlyReport

MONEY = ["modal_sendiri", "modal_luar", "total_assets", "business_volume", "shu"]


@dataclass
class RecapRow:
    code: str
    name: str
    cooperatives: int = 0
    by_jenis: dict = field(default_factory=dict)
    active: int = 0
    reported: int = 0
    rat_held: int = 0
    members_male: int = 0
    members_female: int = 0
    money: dict = field(default_factory=dict)

    @property
    def members_total(self):
        return self.members_male + self.members_female

    @property
    def jenis_values(self):
        return [self.by_jenis.get(code, 0) for code in Cooperative.Jenis.values]

    @property
    def money_values(self):
        return [self.money.get(name, 0) for name in MONEY]


def ministry_recap(*, user, year):
    """Per kecamatan of the user's area: cooperatives by jenis, active, RAT held in `year`, members by
    sex and the money figures of the year's reports, with a total row. Three queries."""
    kecamatan = Kecamatan.objects.for_user(user).order_by("code")
    rows = {code: RecapRow(code, name) for code, name in kecamatan.values_list("code", "name")}
    counts = Cooperative.objects.for_user(user).values("desa__kecamatan").annotate(
        total=Count("id"), active=Count("id", filter=figures.active_q()),
        **{f"jenis_{code}": Count("id", filter=Q(jenis=code)) for code in Cooperative.Jenis.values},
    ).order_by()
    for item in counts:
        row = rows.get(item["desa__kecamatan"])
        if row:
            row.cooperatives, row.active = item["total"], item["active"]
            row.by_jenis = {code: item[f"jenis_{code}"] for code in Cooperative.Jenis.values}
    sums = YearlyReport.objects.for_user(user).filter(year=year).values("cooperative__desa__kecamatan").annotate(
        reported=Count("id"), rat_held=Count("id", filter=figures.rat_held_q()),
        members_male=Sum("members_male"), members_female=Sum("members_female"),
        **{name: Sum(name) for name in MONEY},
    ).order_by()
    for item in sums:
        row = rows.get(item["cooperative__desa__kecamatan"])
        if row:
            row.reported, row.rat_held = item["reported"], item["rat_held"]
            row.members_male, row.members_female = item["members_male"] or 0, item["members_female"] or 0
            row.money = {name: item[name] or 0 for name in MONEY}
    rows = list(rows.values())
    total = RecapRow("", "")
    for row in rows:
        total.cooperatives += row.cooperatives
        total.active += row.active
        total.reported += row.reported
        total.rat_held += row.rat_held
        total.members_male += row.members_male
        total.members_female += row.members_female
        for code, value in row.by_jenis.items():
            total.by_jenis[code] = total.by_jenis.get(code, 0) + value
        for name, value in row.money.items():
            total.money[name] = total.money.get(name, 0) + value
    return rows, total
