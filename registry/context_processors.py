"""What every page shows about the person signed in: their role and their area."""

from django.utils.translation import gettext as _

from .models import BOARD_ROLE


def user_area(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    if BOARD_ROLE in user.role_names:
        # A cooperative's board member: their cooperative is their whole area.
        account = user.cooperative_account if hasattr(user, "cooperative_account") else None
        label = account.cooperative.name if account is not None else _("tanpa koperasi")
        return {"user_roles": ", ".join(user.role_names), "user_area_label": label, "portal_account": account}
    if user.covers_whole_district:
        area = _("Seluruh Kabupaten Kutai Timur")
    else:
        area = ", ".join(user.area_names)
    return {"user_roles": ", ".join(user.role_names) or _("tanpa peran"), "user_area_label": area}
