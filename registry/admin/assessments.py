"""Django admin for the assessment rubric (versions, conditions, indicators) and assessments."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..models import Assessment, IndicatorScore, RubricCondition, RubricIndicator, RubricVersion


@transaction.atomic
def rubric_copy_to_year(*, rubric: RubricVersion, year: int) -> RubricVersion:
    """A new rubric version for `year`: a copy of `rubric` with its conditions and indicators."""
    copy = RubricVersion.objects.create(
        year=year, name=f"{rubric.name.split(' — ')[0]} — {year}",
        notes=_("Disalin dari versi %(year)s.") % {"year": rubric.year},
    )
    for condition in rubric.conditions.prefetch_related("indicators"):
        new_condition = RubricCondition.objects.create(
            rubric=copy, code=condition.code, weight=condition.weight, order=condition.order
        )
        for indicator in condition.indicators.all():
            indicator.pk = None
            indicator.id = None
            indicator._state.adding = True
            indicator.condition = new_condition
            indicator.save()
    return copy


class RubricConditionInline(admin.TabularInline):
    model = RubricCondition
    extra = 0
    fields = ["code", "weight", "order"]


@admin.register(RubricVersion)
class RubricVersionAdmin(SimpleHistoryAdmin):
    list_display = ["year", "name", "created_at"]
    inlines = [RubricConditionInline]
    actions = ["copy_to_next_year"]

    @admin.action(description=_("Salin ke tahun berikutnya (versi baru)"), permissions=["add"])
    def copy_to_next_year(self, request, queryset):
        for rubric in queryset:
            year = (RubricVersion.objects.order_by("-year").values_list("year", flat=True).first() or rubric.year) + 1
            copy = rubric_copy_to_year(rubric=rubric, year=year)
            self.message_user(
                request, _("Versi %(year)s dibuat dari versi %(source)s: ubah bobot dan indikatornya di sini.")
                % {"year": copy.year, "source": rubric.year}, messages.SUCCESS,
            )


@admin.register(RubricIndicator)
class RubricIndicatorAdmin(SimpleHistoryAdmin):
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


class IndicatorScoreInline(admin.TabularInline):
    model = IndicatorScore
    extra = 0
    fields = ["indicator", "computed_level", "level", "override_reason", "notes", "evidence"]
    readonly_fields = ["indicator", "computed_level"]
    can_delete = False


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
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
