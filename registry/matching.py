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

Outside parties (offtake, financing, FFB transport) are suggested for the needs a cooperative has
no partner for: a party scores per cooperative it already serves (active partnership of that kind)
that is near the target (same kecamatan 2, neighbour 1) and like it (same sector 2, else both palm
oil 1); one far away or unlike it does not count.
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


# ---------------------------------------------------------------------------------------------
# Outside parties: offtakers, financiers and transporters that already work with similar
# cooperatives nearby, for a cooperative that has none of that kind.
# ---------------------------------------------------------------------------------------------

# The partnership kinds a cooperative needs from outside parties, in the order the page lists them.
OUTSIDE_NEEDS = ("offtake", "pembiayaan", "angkutan_tbs")
OUTSIDE_POINTS = {"same_kecamatan": 2, "neighbour": 1, "sector": 2, "commodity": 1}
OUTSIDE_LIMIT = 3  # parties suggested per need


@dataclass(frozen=True)
class Served:
    """One cooperative an outside party works with (an active partnership of kind `need`)."""

    party_id: int
    party_name: str
    need: str
    cooperative: Profile


@dataclass(frozen=True)
class Evidence:
    """Why a served cooperative counts: it is near (same or neighbouring kecamatan) and similar."""

    cooperative: Profile
    nearness: str  # "same_kecamatan" or "neighbour"
    likeness: str  # "sector" or "commodity"

    @property
    def points(self):
        return OUTSIDE_POINTS[self.nearness] + OUTSIDE_POINTS[self.likeness]


@dataclass(frozen=True)
class OutsideCandidate:
    party_id: int
    party_name: str
    need: str
    evidence: tuple[Evidence, ...]

    @property
    def score(self):
        return sum(item.points for item in self.evidence)


def evidence_for(target: Profile, served: Profile, neighbours: frozenset) -> Evidence | None:
    """A served cooperative speaks for its party only when it is both near the target and like it."""
    if served.id == target.id:
        return None
    if served.kecamatan == target.kecamatan:
        nearness = "same_kecamatan"
    elif are_neighbours(target.kecamatan, served.kecamatan, neighbours):
        nearness = "neighbour"
    else:
        return None
    if served.sector == target.sector:
        likeness = "sector"
    elif served.palm_oil and target.palm_oil:
        likeness = "commodity"
    else:
        return None
    return Evidence(served, nearness, likeness)


def suggest_outside_parties(
    target: Profile,
    served: Iterable[Served],
    *,
    missing: Iterable[str],
    neighbours: Iterable[tuple[str, str]] = (),
    limit: int = OUTSIDE_LIMIT,
) -> dict[str, list[OutsideCandidate]]:
    """For each kind in `missing` (of OUTSIDE_NEEDS), the parties whose partnerships of that kind
    serve cooperatives near and like `target`, best first (points per such cooperative, ties by name)."""
    missing = [need for need in OUTSIDE_NEEDS if need in set(missing)]
    neighbours = frozenset(neighbours)
    found: dict[tuple[str, int], list] = {}
    names = {}
    for item in served:
        if item.need not in missing:
            continue
        evidence = evidence_for(target, item.cooperative, neighbours)
        if evidence is None:
            continue
        key = (item.need, item.party_id)
        names[key] = item.party_name
        if all(e.cooperative.id != evidence.cooperative.id for e in found.setdefault(key, [])):
            found[key].append(evidence)
    result = {need: [] for need in missing}
    for (need, party_id), evidence in found.items():
        evidence.sort(key=lambda e: (-e.points, e.cooperative.name, e.cooperative.id))
        result[need].append(OutsideCandidate(party_id, names[(need, party_id)], need, tuple(evidence)))
    for need in result:
        result[need].sort(key=lambda c: (-c.score, c.party_name, c.party_id))
        result[need] = result[need][:limit]
    return result
