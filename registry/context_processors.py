"""What every page shows about the person signed in: their role and their area."""

from django.utils.translation import gettext as _

from .models import Kecamatan


def user_area(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    if user.covers_whole_district:
        area = _("Seluruh Kabupaten Kutai Timur")
    else:
        area = ", ".join(Kecamatan.objects.for_user(user).values_list("name", flat=True))
    return {"user_roles": ", ".join(user.role_names) or _("tanpa peran"), "user_area_label": area}
