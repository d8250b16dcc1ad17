"""Django admin for the assessment rubric (versions, conditions, indicators) and assessments."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..models import Assessment, IndicatorScore, RubricCondition, RubricIndicator, RubricVersion
from ..services.rubrics import rubric_copy
from .base import RecordAdmin


class FrozenRubricMixin:
    """Rows of a frozen rubric version (used by a submitted or verified assessment) are read-only here.

    The models refuse such a change whatever writes it; the admin says so before anyone types.
    """

    @staticmethod
    def frozen(rubric):
        if rubric is None:
            return False
        if not hasattr(rubric, "_frozen"):
            rubric._frozen = rubric.is_frozen()
        return rubric._frozen


class RubricConditionInline(FrozenRubricMixin, admin.TabularInline):
    model = RubricCondition
    extra = 0
    fields = ["code", "weight", "order"]

    def has_add_permission(self, request, obj=None):
        return not self.frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self.frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(RubricVersion)
class RubricVersionAdmin(FrozenRubricMixin, SimpleHistoryAdmin):
    list_display = ["year", "revision", "name", "frozen_status", "created_at"]
    inlines = [RubricConditionInline]
    actions = ["copy_to_new_version", "copy_to_next_year"]
    readonly_fields = ["frozen_status"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.frozen(obj):
            fields += ["year", "revision"]
        return fields

    @admin.display(description=_("dipakai"))
    def frozen_status(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        used = obj.assessments.filter(status__in=Assessment.FROZEN_STATUSES).count()
        if not used:
            return _("Belum dipakai penilaian yang diajukan atau diverifikasi: masih bisa diubah.")
        return _("Terkunci: dipakai %(n)s penilaian yang diajukan atau diverifikasi. Ubah lewat aksi \"Salin ke "
                 "versi baru\".") % {"n": used}

    @admin.action(description=_("Salin ke versi baru (tahun yang sama)"), permissions=["add"])
    def copy_to_new_version(self, request, queryset):
        for rubric in queryset:
            copy = rubric_copy(rubric=rubric)
            self.message_user(
                request, _("Versi \"%(name)s\" dibuat dari versi \"%(source)s\": ubah bobot dan indikatornya "
                           "di sini. Penilaian baru tahun %(year)s memakai versi ini; penilaian yang sudah ada tetap "
                           "memakai versinya.")
                % {"name": copy.name, "source": rubric.name, "year": copy.year}, messages.SUCCESS,
            )

    @admin.action(description=_("Salin ke tahun berikutnya (versi baru)"), permissions=["add"])
    def copy_to_next_year(self, request, queryset):
        for rubric in queryset:
            year = (RubricVersion.objects.order_by("-year").values_list("year", flat=True).first() or rubric.year) + 1
            copy = rubric_copy(rubric=rubric, year=year)
            self.message_user(
                request, _("Versi %(year)s dibuat dari versi %(source)s: ubah bobot dan indikatornya di sini.")
                % {"year": copy.year, "source": rubric.year}, messages.SUCCESS,
            )


@admin.register(RubricIndicator)
class RubricIndicatorAdmin(FrozenRubricMixin, SimpleHistoryAdmin):
    list_display = ["code", "text", "condition", "weight", "method", "source", "helper"]
    list_filter = ["condition__rubric", "condition__code", "method", "helper"]
    list_select_related = ["condition__rubric"]
    search_fields = ["code", "text", "recommendation"]
    fieldsets = [
        (None, {"fields": ["condition", "code", "text", "weight", "order"]}),
        (_("Cara menilai"), {"fields": ["method", "source", "bands", "checklist_items"]}),
        (_("Uraian nilai"), {"fields": ["level_1", "level_2", "level_3", "level_4"]}),
        (_("Rekomendasi"), {"fields": ["recommendation", "helper"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and self.frozen(obj.condition.rubric):
            fields += list(RubricIndicator.FROZEN_FIELDS)
        return fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.frozen(obj.condition.rubric):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "condition":
            # A new indicator (or a moved one) only into a version that is not frozen.
            frozen = RubricVersion.objects.filter(assessments__status__in=Assessment.FROZEN_STATUSES)
            kwargs["queryset"] = RubricCondition.objects.exclude(rubric__in=frozen).select_related("rubric")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class IndicatorScoreInline(admin.TabularInline):
    model = IndicatorScore
    extra = 0
    fields = ["indicator", "computed_level", "level", "override_reason", "notes", "evidence"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(RecordAdmin):
    """Assessments, read here: they are written on the registry's pages.

    The entry page recomputes the scores and predicate from the levels and refuses a verified
    (locked) assessment; submit, verify, return and reopen are services that keep their reasons.
    A save here would bypass all of that (a level changed beside a score computed without it, a
    verified assessment edited), so this admin only shows them, with their history.
    """

    list_display = ["cooperative", "year", "status", "overall_score", "predicate", "kutim_label"]
    list_filter = ["year", "status", "predicate", "weakest_condition", "cooperative__desa__kecamatan"]
    list_select_related = ["cooperative"]
    search_fields = ["cooperative__name", "cooperative__nomor_induk"]
    autocomplete_fields = ["cooperative"]
    readonly_fields = [
        "score_kelembagaan", "score_keuangan", "score_operasional", "score_reputasi", "overall_score", "predicate",
        "weakest_condition", "kutim_label", "version", "submitted_at", "verified_at", "verified_by",
    ]
    inlines = [IndicatorScoreInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
