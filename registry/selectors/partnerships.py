"""Reads about partnerships, trainings and findings: lists, the network, suggestions, coverage, profile sections."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from .. import figures, matching, network
from ..models import (
    Assessment,
    Cooperative,
    Finding,
    KecamatanNeighbour,
    OutsideParty,
    Partnership,
    Training,
    TrainingParticipant,
)
from .compiled import CompiledRead
from .cooperatives import display_value

# Partnerships that make two cooperatives "existing partners" (not suggested again).
CURRENT_STATUSES = (Partnership.Status.PROPOSED, Partnership.Status.ACTIVE)


def partnership_list(*, user):
    """Partnerships visible to the user (either side in their area), both sides and the party joined."""
    return Partnership.objects.for_user(user).select_related(
        "cooperative__desa__kecamatan", "partner_cooperative__desa__kecamatan", "outside_party"
    )


def partnership_page(*, user):
    """partnership_list for the pages of the list: the partnership's own columns and the outside
    party; both cooperatives are joined to the rows shown by `with_cooperative_sides`.

    Joining the cooperative, its desa and kecamatan into the rows' statement (as columns) made
    PostgreSQL join every partnership of the area before keeping the newest 50, and kept those joins
    in the count: 4.4 ms of SQL at national size against 1.2 ms with one small read of the
    cooperatives shown (docs/benchmarks.md). One statement joining all seven tables took 4.3 ms to
    plan alone.
    """
    return (
        Partnership.objects.for_user(user)
        .select_related("outside_party")
        .only("cooperative_id", "partner_cooperative_id", "outside_party__name", "outside_party__kind", "kind",
              "status", "start_date", "end_date", "value")
    )


def with_cooperative_sides(partnerships):
    """Both cooperatives of each partnership (`cooperative`, `partner_cooperative`), of each only
    what the list's rows show: its name and its kecamatan's name (`kecamatan_name`). One query for
    both sides, where prefetching each side is one query a side."""
    rows = list(partnerships)
    ids = {p.cooperative_id for p in rows} | {p.partner_cooperative_id for p in rows if p.partner_cooperative_id}
    sides = Cooperative.objects.only("name").annotate(kecamatan_name=F("desa__kecamatan__name")).in_bulk(ids)
    for side in (Partnership.cooperative.field, Partnership.partner_cooperative.field):
        for partnership in rows:
            key = getattr(partnership, side.attname)
            side.set_cached_value(partnership, sides[key] if key is not None else None)
    return rows


def training_rows(*, user):
    """Trainings (all users see all), newest first."""
    return Training.objects.for_user(user).order_by("-start_date", "-id")


def training_list(*, user):
    """`training_rows` with the number of participants from the user's area."""
    return training_rows(user=user).with_participant_count(user)


def training_participants(*, training, user):
    """The training's participants from the user's area, with their cooperative and board term."""
    return (
        TrainingParticipant.objects.for_user(user).filter(training=training)
        .select_related("cooperative__desa__kecamatan", "board_member")
        .order_by("cooperative__name", "name", "id")
    )


def finding_list(*, user):
    """Findings in the user's area with their cooperative joined."""
    return Finding.objects.for_user(user).select_related("cooperative__desa__kecamatan")


def finding_rows(*, user):
    """`finding_list` with only what the list's rows show (templates/jinja2/registry/findings/_rows.html),
    the names added by `with_finding_names` to the page's rows only (not to their count)."""
    return (
        Finding.objects.for_user(user)
        .only("cooperative_id", "found_on", "kind", "description", "risk", "due_date", "follow_up_status",
              "followed_up_on")
    )


def with_finding_names(findings):
    """The cooperative's and kecamatan's names as columns rather than three more model instances per row
    (the kecamatan the finding's own copy, one join fewer than through the cooperative's desa)."""
    return findings.annotate(cooperative_name=F("cooperative__name"), kecamatan_name=F("kecamatan__name"))


# ---------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------


@dataclass
class Network:
    nodes: list
    edges: list
    by_kind: list  # [(kind, label, count)]
    alone: list  # active cooperatives in the scope without an active partnership
    partnerships: list


def busiest_kecamatan(*, user, choices):
    """The kecamatan (of `choices`) with the most active partnerships: where the network page opens,
    since the whole district's drawing is too dense to read. One query; None without partnerships.

    A partnership counts for its own cooperative's kecamatan only, not its partner's: read from
    its copy (`Partnership.kecamatan`), with no join to the cooperatives and their desa."""
    codes = [k.code for k in choices]
    counts = dict(
        Partnership.objects.for_user(user).filter(status=Partnership.Status.ACTIVE, kecamatan__in=codes)
        .order_by().values("kecamatan").annotate(n=Count("id")).values_list("kecamatan", "n")
    )
    if not counts:
        return choices[0] if choices else None
    best = max(codes, key=lambda code: (counts.get(code, 0), -codes.index(code)))
    return next(k for k in choices if k.code == best)


def partnership_network(*, user, kecamatan=None, cooperative=None, kind=None):
    """Who partners with whom (active partnerships) in the user's area, one kecamatan of it, or
    around one cooperative (its partners wherever they are); optionally of one kind.

    Queries: the partnerships with both sides and the party; the active cooperatives without one.
    """
    partnerships = partnership_list(user=user).filter(status=Partnership.Status.ACTIVE)
    cooperatives = Cooperative.objects.for_user(user).filter(status=Cooperative.Status.ACTIVE)
    if cooperative is not None:
        partnerships = partnerships.involving(cooperative)
        cooperatives = cooperatives.filter(pk=cooperative.pk)
    elif kecamatan is not None:
        partnerships = partnerships.in_kecamatan([kecamatan.code])
        cooperatives = cooperatives.filter(desa__kecamatan=kecamatan)
    if kind:
        partnerships = partnerships.filter(kind=kind)
    partnerships = list(partnerships.order_by("kind", "id"))
    nodes, links = {}, []
    for p in partnerships:
        sides = [p.cooperative, p.partner_cooperative or p.outside_party]
        keys = []
        for side in sides:
            if isinstance(side, Cooperative):
                key = f"k{side.pk}"
                nodes.setdefault(key, network.Node(key, side.name, side.desa.kecamatan.name, outside=False))
            else:
                key = f"p{side.pk}"
                nodes.setdefault(key, network.Node(key, side.name, side.get_kind_display(), outside=True))
            keys.append(key)
        links.append((keys[0], keys[1], p.kind, p.get_kind_display()))
    placed, edges = network.layout(list(nodes.values()), links)
    counts = Counter(p.kind for p in partnerships)
    by_kind = [(kind, label, counts[kind]) for kind, label in Partnership.Kind.choices]
    with_partner = Partnership.objects.filter(status=Partnership.Status.ACTIVE).filter(
        Q(cooperative=OuterRef("pk")) | Q(partner_cooperative=OuterRef("pk"))
    )
    alone = list(
        cooperatives.filter(~Exists(with_partner)).select_related("desa__kecamatan").order_by("name", "id")
    )
    return Network(placed, edges, by_kind, alone, partnerships)


# ---------------------------------------------------------------------------------------------
# Suggestions
# ---------------------------------------------------------------------------------------------


def latest_condition_scores(cooperative_ids):
    """{cooperative id: {condition: score}} from each one's latest submitted or verified assessment."""
    scores = {}
    assessments = (
        Assessment.objects.filter(
            cooperative_id__in=cooperative_ids,
            status__in=[Assessment.Status.SUBMITTED, Assessment.Status.VERIFIED],
        )
        .order_by("cooperative_id", "year")
    )
    for assessment in assessments:  # later years overwrite earlier ones
        values = {code: float(v) for code, v in assessment.condition_scores().items() if v is not None}
        if values:
            scores[assessment.cooperative_id] = values
    return scores


def _profile(cooperative, scores):
    return matching.Profile(
        id=cooperative.pk, name=cooperative.name, jenis=cooperative.jenis, sector=cooperative.sector,
        palm_oil=cooperative.palm_oil, kecamatan=cooperative.desa.kecamatan_id,
        active=cooperative.status == Cooperative.Status.ACTIVE, scores=scores.get(cooperative.pk, {}),
    )


def partnership_suggestions(*, cooperative, user, limit=10):
    """Ranked candidate partners for a cooperative among the active cooperatives in the user's area.

    Queries: the candidates, existing partners, neighbouring kecamatan, the latest assessments.
    """
    others = list(
        Cooperative.objects.for_user(user).filter(status=Cooperative.Status.ACTIVE)
        .select_related("desa__kecamatan")
    )
    existing = set()
    for a, b in Partnership.objects.involving(cooperative).filter(
        status__in=CURRENT_STATUSES, partner_cooperative__isnull=False
    ).values_list("cooperative_id", "partner_cooperative_id"):
        existing |= {a, b}
    neighbours = set(KecamatanNeighbour.objects.values_list("a_id", "b_id"))
    scores = latest_condition_scores([c.pk for c in others] + [cooperative.pk])
    target = _profile(cooperative, scores)
    candidates = matching.suggest(
        target, [_profile(c, scores) for c in others], existing_partners=existing, neighbours=neighbours,
        limit=limit,
    )
    by_id = {c.pk: c for c in others}
    return [(by_id[candidate.profile.id], candidate) for candidate in candidates]


def outside_party_suggestions(*, cooperative, user):
    """For each outside need the cooperative has no partner for (offtake, financing, FFB transport),
    the parties already in the registry that serve similar cooperatives nearby: {need: [(party,
    OutsideCandidate)]}. Only partnerships in the user's area count as evidence.

    Queries: the cooperative's current kinds, neighbouring kecamatan, the serving partnerships with
    their cooperative, the parties.
    """
    current = set(
        Partnership.objects.filter(cooperative=cooperative, status__in=CURRENT_STATUSES,
                                   outside_party__isnull=False).values_list("kind", flat=True)
    )
    missing = [need for need in matching.OUTSIDE_NEEDS if need not in current]
    if not missing:
        return {}
    neighbours = set(KecamatanNeighbour.objects.values_list("a_id", "b_id"))
    serving = (
        Partnership.objects.for_user(user)
        .filter(status=Partnership.Status.ACTIVE, kind__in=missing, outside_party__isnull=False,
                cooperative__status=Cooperative.Status.ACTIVE)
        .exclude(cooperative=cooperative).select_related("cooperative__desa")
    )
    rows = [(p.outside_party_id, p.kind, _profile(p.cooperative, {}))
            for p in serving.only("kind", "outside_party_id", "cooperative__name", "cooperative__jenis",
                                  "cooperative__sector", "cooperative__palm_oil", "cooperative__status",
                                  "cooperative__desa__kecamatan_id")]
    parties = OutsideParty.objects.in_bulk({party_id for party_id, _kind, _profile_ in rows})
    served = [matching.Served(party_id, parties[party_id].name, kind, profile) for party_id, kind, profile in rows]
    found = matching.suggest_outside_parties(_profile(cooperative, {}), served, missing=missing,
                                             neighbours=neighbours)
    return {need: [(parties[c.party_id], c) for c in candidates] for need, candidates in found.items()}


def suggestion_for(*, cooperative, partner, user):
    """The suggestion of `partner` for `cooperative`, or None when it is not (or no longer) suggested."""
    for other, candidate in partnership_suggestions(cooperative=cooperative, user=user, limit=None):
        if other.pk == partner.pk:
            return candidate
    return None


# ---------------------------------------------------------------------------------------------
# Trainings: coverage per kecamatan, boards never trained
# ---------------------------------------------------------------------------------------------


def ever_trained_q():
    """A cooperative whose board (not staff) ever attended a training."""
    return Exists(TrainingParticipant.objects.filter(cooperative=OuterRef("pk"), board_member__isnull=False,
                                                     attended=True))


def coverage_since(today):
    """The first end date of a training that still counts (figures.two_years_before)."""
    return figures.two_years_before(today)


def training_coverage(*, user, today=None):
    """Per kecamatan: active cooperatives, those whose board was trained (figures.board_trained_q), the share.

    The same definition as the dashboard's trained-board figure. One query: active cooperatives
    grouped by kecamatan with a conditional count.
    """
    today = today or timezone.localdate()
    rows = (
        Cooperative.objects.for_user(user).filter(figures.active_q())
        .values("desa__kecamatan", "desa__kecamatan__name")
        .annotate(active=Count("id"), trained_count=Count("id", filter=figures.board_trained_q(today)))
        .order_by("desa__kecamatan__name")
    )
    return [
        {
            "code": row["desa__kecamatan"], "name": row["desa__kecamatan__name"], "active": row["active"],
            "trained": row["trained_count"], "share": figures.trained_board_share(row["trained_count"], row["active"]),
        }
        for row in rows
    ], coverage_since(today)


def never_trained(*, user):
    """Active cooperatives in the user's area whose board never attended a training."""
    return (
        Cooperative.objects.for_user(user).filter(figures.active_q())
        .filter(~ever_trained_q()).select_related("desa__kecamatan").order_by("desa__kecamatan__name", "name")
    )


# ---------------------------------------------------------------------------------------------
# A cooperative's profile
# ---------------------------------------------------------------------------------------------


# What the profile's rows show and `other_side` and `figures.is_board_trained` read: the two sides'
# whole cooperative rows were most of the work of building and reading these queries.
PROFILE_PARTNERSHIP_FIELDS = [
    "id", "kind", "status", "start_date", "end_date", "value", "cooperative", "partner_cooperative", "outside_party",
    "cooperative__name", "partner_cooperative__name", "outside_party__name",
]
PROFILE_PARTICIPATION_FIELDS = [
    "id", "name", "position", "attended", "board_member", "training",
    "training__title", "training__topic", "training__start_date", "training__end_date",
]

# The sections by the cooperative's id, each compiled to SQL once per process (CompiledRead).
profile_partnerships = CompiledRead(
    lambda key: Partnership.objects.involving(key)
    .select_related("cooperative", "partner_cooperative", "outside_party").only(*PROFILE_PARTNERSHIP_FIELDS)
    .order_by("-start_date", "-id")
)
profile_participations = CompiledRead(
    lambda key: TrainingParticipant.objects.filter(cooperative_id=key)
    .select_related("training").only(*PROFILE_PARTICIPATION_FIELDS).order_by("-training__start_date", "name")
)
profile_findings = CompiledRead(
    lambda key: Finding.objects.filter(cooperative_id=key).order_by("-found_on", "-id")
)


def profile_sections(*, cooperative, user, today=None):
    """What the profile's partnership, training and finding sections show, prefetched.

    Queries: the partnerships (both sides, the party), the participations (training, board term),
    the findings. `user` is for symmetry with the other selectors: the cooperative itself is in
    the user's area, so everything about it is too.
    """
    today = today or timezone.localdate()
    partnerships = profile_partnerships(cooperative.pk)
    for p in partnerships:
        p.partner = p.other_side(cooperative)
    participations = profile_participations(cooperative.pk)
    findings = profile_findings(cooperative.pk)
    for finding in findings:
        finding.overdue = finding.is_overdue(today)
    return {
        "partnerships": partnerships,
        "participations": participations,
        "board_trained_recently": figures.is_board_trained(participations, today),
        "findings": findings,
        "open_findings": sum(1 for f in findings if f.follow_up_status != Finding.FollowUp.DONE),
        "overdue_findings": sum(1 for f in findings if f.overdue),
    }



# ---------------------------------------------------------------------------------------------
# History of one record
# ---------------------------------------------------------------------------------------------

HIDDEN_FIELDS = {"id", "version", "created_at", "updated_at"}


def record_history(instance, *, limit=30):
    """A record's saved versions, newest first, each with who, when, why and the fields it changed.

    One query (history rows with their user); differences computed between consecutive rows.
    """
    model = type(instance)
    rows = list(instance.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
    entries = []
    for record, older in zip(rows, rows[1:] + [None], strict=True):
        changes = []
        if older is not None:
            for change in record.diff_against(older, excluded_fields=HIDDEN_FIELDS).changes:
                field = model._meta.get_field(change.field)
                old, new = (display_value(field, v) for v in (change.old, change.new))
                changes.append({"label": str(field.verbose_name), "old": old, "new": new})
        entries.append({"record": record, "changes": changes})
    return entries
