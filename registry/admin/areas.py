"""Django admin for the regions and the user accounts with their roles and area."""

from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import Desa, Kecamatan, RegionAlias, User
from ..services.member_areas import desa_save_with_area_copies
from ..services.second_factor import second_factor_reset
from .base import HistoryAdmin, field_label


@admin.register(Kecamatan)
class KecamatanAdmin(HistoryAdmin):
    list_display = ["code", "name", "desa_count"]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(desa_count=Count("desa_set"))

    @admin.display(description=_("jumlah desa/kelurahan"), ordering="desa_count")
    def desa_count(self, obj):
        return obj.desa_count


@admin.register(Desa)
class DesaAdmin(HistoryAdmin):
    list_display = ["code", "name", "level", "kecamatan"]
    list_filter = ["level", "kecamatan"]
    # Also the search behind the desa autocomplete of cooperatives and members.
    search_fields = ["name", "code", "kecamatan__name"]
    list_select_related = ["kecamatan"]

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # A desa moved to another kecamatan takes its cooperatives' members' and partnerships' kecamatan along.
        desa_save_with_area_copies(desa=obj)


@admin.register(RegionAlias)
class RegionAliasAdmin(HistoryAdmin):
    list_display = ["alias", "canonical"]
    search_fields = ["alias", "canonical"]


ROLES_AND_AREA = (_("Peran dan wilayah kerja"), {"fields": ["groups", "kecamatan"]})


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    """Accounts with their roles (groups) and their area (kecamatan; none = the whole district)."""

    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        ROLES_AND_AREA,
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    # A new account gets its role and area at once, not in a second step.
    add_fieldsets = [
        *auth_admin.UserAdmin.add_fieldsets,
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        ROLES_AND_AREA,
    ]
    filter_horizontal = ["groups", "user_permissions", "kecamatan"]
    list_display = ["username", "first_name", "last_name", "roles", "area", "is_staff", "is_active"]
    list_filter = ["groups", "kecamatan", "is_staff", "is_superuser", "is_active"]

    actions = ["reset_second_factor"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "kecamatan")

    @admin.action(description=_("Atur ulang verifikasi dua langkah (ponsel hilang)"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            second_factor_reset(user=user)
            self.log_change(request, user, "Verifikasi dua langkah diatur ulang.")
        message = _(
            "Verifikasi dua langkah %(count)d pengguna diatur ulang: "
            "Admin Dinas memasangnya lagi saat masuk berikutnya."
        )
        self.message_user(request, message % {"count": len(queryset)}, messages.SUCCESS)

    @admin.display(description=_("peran"))
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all()) or None

    @admin.display(description=field_label(User, "kecamatan"))
    def area(self, obj):
        return ", ".join(kecamatan.name for kecamatan in obj.kecamatan.all()) or _("Seluruh kabupaten")
