"""Partnership suggestions: pure scoring of candidate partners from plain inputs (no database).

The method, as the suggestions page explains it:
- complementary jenis: a produsen with a pemasaran or konsumen cooperative (one makes, the other
  sells or buys) -> 3 points;
- the same sector -> 2 points; otherwise the same commodity (both in palm oil) -> 1 point;
- nearness: the same kecamatan -> 2 points, a kecamatan an administrator marked as a neighbour -> 1;
- mentoring: one is strong (>= 66) in a condition of the latest assessment where the other is
  weak (< 51) -> 2 points (named conditions in the reason). Without assessments: no such reason.
Left out: the cooperative itself, cooperatives that are not active, and existing partners
(partnerships proposed or active). A candidate needs a reason besides nearness alone, so a
neighbour with nothing in common is not suggested. Ties are broken by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .scoring import CUKUP_SEHAT, DALAM_PENGAWASAN, PREDICATE_MINIMUM

COMPLEMENTARY = {
    "produsen": {"pemasaran", "konsumen"},
    "pemasaran": {"produsen"},
    "konsumen": {"produsen"},
}
POINTS = {"jenis": 3, "sector": 2, "commodity": 1, "same_kecamatan": 2, "neighbour": 1, "mentoring": 2}
STRONG = PREDICATE_MINIMUM[CUKUP_SEHAT]  # "Cukup Sehat" and above in the national predicate bands
WEAK = PREDICATE_MINIMUM[DALAM_PENGAWASAN]  # below: "Dalam Pengawasan Khusus"


@dataclass(frozen=True)
class Profile:
    """What matching knows about a cooperative."""

    id: int
    name: str
    jenis: str
    sector: str
    palm_oil: bool
    kecamatan: str
    active: bool = True
    scores: Mapping[str, float] = field(default_factory=dict)  # condition code -> 0..100


@dataclass(frozen=True)
class Reason:
    code: str  # a key of POINTS
    points: int
    conditions: tuple[str, ...] = ()  # mentoring: the conditions where one is strong, the other weak
    partner_strong: tuple[bool, ...] = ()  # for each condition: the partner mentors (True) or is mentored


@dataclass(frozen=True)
class Candidate:
    profile: Profile
    reasons: tuple[Reason, ...]

    @property
    def score(self):
        return sum(reason.points for reason in self.reasons)


def are_neighbours(a: str, b: str, neighbours: Iterable[tuple[str, str]]) -> bool:
    return (a, b) in neighbours or (b, a) in neighbours


def mentoring_conditions(a: Mapping[str, float], b: Mapping[str, float]) -> list[str]:
    """Conditions where one of the two is strong and the other weak (either way round)."""
    return [
        code for code in a if code in b and a[code] is not None and b[code] is not None
        and ((a[code] >= STRONG and b[code] < WEAK) or (b[code] >= STRONG and a[code] < WEAK))
    ]


def reasons_for(target: Profile, other: Profile, neighbours: frozenset = frozenset()) -> tuple[Reason, ...]:
    """Every reason `other` is a good partner for `target`, with its points."""
    reasons = []
    if other.jenis in COMPLEMENTARY.get(target.jenis, ()):
        reasons.append(Reason("jenis", POINTS["jenis"]))
    if other.sector == target.sector:
        reasons.append(Reason("sector", POINTS["sector"]))
    elif other.palm_oil and target.palm_oil:
        reasons.append(Reason("commodity", POINTS["commodity"]))
    if other.kecamatan == target.kecamatan:
        reasons.append(Reason("same_kecamatan", POINTS["same_kecamatan"]))
    elif are_neighbours(target.kecamatan, other.kecamatan, neighbours):
        reasons.append(Reason("neighbour", POINTS["neighbour"]))
    conditions = mentoring_conditions(target.scores, other.scores)
    if conditions:
        strong = tuple(other.scores[code] >= STRONG for code in conditions)
        reasons.append(Reason("mentoring", POINTS["mentoring"], tuple(conditions), strong))
    return tuple(reasons)


def suggest(
    target: Profile,
    others: Iterable[Profile],
    *,
    existing_partners: Iterable[int] = (),
    neighbours: Iterable[tuple[str, str]] = (),
    limit: int = 10,
) -> list[Candidate]:
    """The best candidate partners for `target`, highest score first."""
    excluded = set(existing_partners) | {target.id}
    neighbours = frozenset(neighbours)
    candidates = []
    for other in others:
        if other.id in excluded or not other.active:
            continue
        reasons = reasons_for(target, other, neighbours)
        if not any(reason.code not in ("same_kecamatan", "neighbour") for reason in reasons):
            continue
        candidates.append(Candidate(other, reasons))
    candidates.sort(key=lambda c: (-c.score, c.profile.name, c.profile.id))
    return candidates[:limit]
