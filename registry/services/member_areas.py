"""The copies of a cooperative's kecamatan kept on other rows (`Member.kecamatan`, both sides'
`Partnership.kecamatan` and `Partnership.partner_kecamatan`, `Assessment.kecamatan`,
`Finding.kecamatan`), kept right
when a cooperative moves to a desa of another kecamatan, or a desa to another kecamatan
(`area_copies_follow_cooperatives`); and the members' copy of their cooperative's name
(`Member.cooperative_name`), kept right when a cooperative is renamed (`name_copies_follow_cooperatives`).

Each rewrite runs in the transaction that moves the cooperative (or the desa), after the
cooperative's row is locked or updated: a member being added meanwhile holds a share lock on its
cooperative while it reads the kecamatan and the name (`cooperative_facts`), so either the move (or
the rename) waits for that member to be committed and then rewrites it too, or the member waits for
it and reads the new kecamatan (or name) (a partnership being added locks both its cooperatives the same way, and an
assessment or a finding its cooperative). The rows are updated without history rows: the columns
are not in the members', the partnerships', the assessments' or the findings' history, the move (or
the rename) is in the cooperative's (or the desa's).
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import OuterRef, Subquery

from ..models import Assessment, Cooperative, Desa, Finding, Member, Partnership
from .summary import summary_refresh_soon

BATCH_SIZE = 500

# Each copy of a cooperative's kecamatan: (model, the cooperative's column, the copy's column).
AREA_COPIES = [
    (Member, "cooperative_id", "kecamatan_id"),
    (Partnership, "cooperative_id", "kecamatan_id"),
    (Partnership, "partner_cooperative_id", "partner_kecamatan_id"),
    (Assessment, "cooperative_id", "kecamatan_id"),
    (Finding, "cooperative_id", "kecamatan_id"),
]


def _by_kecamatan(cooperative_ids) -> dict:
    """{kecamatan code: [ids of these cooperatives in it]}, read now."""
    ids = sorted(set(cooperative_ids))
    by_kecamatan = defaultdict(list)
    for start in range(0, len(ids), BATCH_SIZE):
        rows = Cooperative._base_manager.filter(pk__in=ids[start:start + BATCH_SIZE]).values_list(
            "pk", "desa__kecamatan_id")
        for pk, kecamatan in rows:
            by_kecamatan[kecamatan].append(pk)
    return by_kecamatan


def area_copies_follow_cooperatives(*, cooperative_ids) -> int:
    """Rewrite every copy of these cooperatives' kecamatan (their members', both sides of their
    partnerships', their assessments', their findings') to their cooperative's; how many rows changed.

    Call it inside the transaction that changed the cooperatives' desa, after their rows were
    locked or updated. Rows already right are not written (a move within the kecamatan writes
    nothing).
    """
    by_kecamatan = _by_kecamatan(cooperative_ids)
    changed = 0
    for model, cooperative_column, copy_column in AREA_COPIES:
        for kecamatan, cooperatives in by_kecamatan.items():
            for start in range(0, len(cooperatives), BATCH_SIZE):
                changed += (
                    model._base_manager.filter(**{f"{cooperative_column}__in": cooperatives[start:start + BATCH_SIZE]})
                    .exclude(**{copy_column: kecamatan}).update(**{copy_column: kecamatan})
                )
    return changed


def name_copies_follow_cooperatives(*, cooperative_ids) -> int:
    """Rewrite the copy of these cooperatives' name on their members; how many members changed.

    Call it inside the transaction that renamed the cooperatives, after their rows were locked or
    updated. Members already right are not written (an edit that keeps the name writes nothing).
    """
    name = Subquery(Cooperative._base_manager.filter(pk=OuterRef("cooperative_id")).values("name")[:1])
    ids = sorted(set(cooperative_ids))
    changed = 0
    for start in range(0, len(ids), BATCH_SIZE):
        changed += (
            Member._base_manager.filter(cooperative_id__in=ids[start:start + BATCH_SIZE])
            .exclude(cooperative_name=name).update(cooperative_name=name)
        )
    return changed


@transaction.atomic
def desa_save_with_area_copies(*, desa: Desa) -> Desa:
    """Save a desa (the admin's reference data); when its kecamatan changed, its cooperatives'
    members, partnerships, assessments and findings follow.

    The desa's cooperatives are locked before the desa is written, so that a member, partnership,
    assessment or finding being added to one of them either is committed before (and is rewritten here) or
    reads the desa after.
    """
    stored = Desa.objects.filter(pk=desa.pk).values_list("kecamatan_id", flat=True).first()
    if stored is None or stored == desa.kecamatan_id:
        desa.save()
        return desa
    cooperatives = list(
        Cooperative._base_manager.select_for_update().filter(desa=desa).order_by("pk").values_list("pk", flat=True)
    )
    desa.save()
    area_copies_follow_cooperatives(cooperative_ids=cooperatives)
    summary_refresh_soon()
    return desa
