"""The members' copy of their cooperative's kecamatan (`Member.kecamatan`), kept right when a
cooperative moves to a desa of another kecamatan, or a desa to another kecamatan.

Each rewrite runs in the transaction that moves the cooperative (or the desa), after the
cooperative's row is locked or updated: a member being added meanwhile holds a share lock on its
cooperative while it reads the kecamatan (`cooperative_kecamatans`), so either the move waits for
that member to be committed and then rewrites it too, or the member waits for the move and reads
the new kecamatan. The rows are updated without history rows: the column is not in the member's
history, the move is in the cooperative's (or the desa's).
"""

from collections import defaultdict

from django.db import transaction

from ..models import Cooperative, Desa, Member
from .summary import summary_refresh_soon

BATCH_SIZE = 500


def members_follow_cooperatives(*, cooperative_ids) -> int:
    """Rewrite the kecamatan of these cooperatives' members to their cooperative's; how many changed.

    Call it inside the transaction that changed the cooperatives' desa, after their rows were
    locked or updated. Members already right are not written (a move within the kecamatan
    writes nothing).
    """
    ids = sorted(set(cooperative_ids))
    by_kecamatan = defaultdict(list)
    for start in range(0, len(ids), BATCH_SIZE):
        rows = Cooperative._base_manager.filter(pk__in=ids[start:start + BATCH_SIZE]).values_list(
            "pk", "desa__kecamatan_id")
        for pk, kecamatan in rows:
            by_kecamatan[kecamatan].append(pk)
    changed = 0
    for kecamatan, cooperatives in by_kecamatan.items():
        for start in range(0, len(cooperatives), BATCH_SIZE):
            changed += (
                Member._base_manager.filter(cooperative_id__in=cooperatives[start:start + BATCH_SIZE])
                .exclude(kecamatan_id=kecamatan).update(kecamatan_id=kecamatan)
            )
    return changed


@transaction.atomic
def desa_save_with_members(*, desa: Desa) -> Desa:
    """Save a desa (the admin's reference data); when its kecamatan changed, its cooperatives' members follow.

    The desa's cooperatives are locked before the desa is written, so that a member being added
    to one of them either is committed before (and is rewritten here) or reads the desa after.
    """
    stored = Desa.objects.filter(pk=desa.pk).values_list("kecamatan_id", flat=True).first()
    if stored is None or stored == desa.kecamatan_id:
        desa.save()
        return desa
    cooperatives = list(
        Cooperative._base_manager.select_for_update().filter(desa=desa).order_by("pk").values_list("pk", flat=True)
    )
    desa.save()
    members_follow_cooperatives(cooperative_ids=cooperatives)
    summary_refresh_soon()
    return desa
