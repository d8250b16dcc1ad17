"""Figures of the district home page."""

from django.db.models import Count, Q

from ..models import Cooperative, Kecamatan


def cooperative_status_counts(*, user, kecamatan_codes=None):
    """Cooperatives in the user's area: total, active, share active and the count per status.

    One query; every status appears, with 0 where none.
    """
    queryset = Cooperative.objects.for_user(user)
    if kecamatan_codes:
        queryset = queryset.in_kecamatan(kecamatan_codes)
    per_status = dict(queryset.values_list("status").annotate(n=Count("id")).order_by())
    total = sum(per_status.values())
    active = per_status.get(Cooperative.Status.ACTIVE, 0)
    return {
        "total": total,
        "active": active,
        "active_share": (active / total) if total else None,
        "by_status": [
            {
                "status": status.value,
                "label": status.label,
                "count": per_status.get(status.value, 0),
                "share": (per_status.get(status.value, 0) / total) if total else None,
            }
            for status in Cooperative.Status
        ],
    }


def cooperative_counts_by_kecamatan(*, user):
    """Per kecamatan in the user's area: cooperatives and active ones. One query."""
    kecamatan = Kecamatan.objects.all()
    if user.area_codes is not None:
        kecamatan = kecamatan.filter(code__in=user.area_codes)
    return list(
        kecamatan.annotate(
            total=Count("desa_set__cooperatives"),
            active=Count("desa_set__cooperatives", filter=Q(desa_set__cooperatives__status=Cooperative.Status.ACTIVE)),
        ).order_by("code")
    )
