"""Django admin for the assessment rubric (versions, conditions, indicators) and assessments."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from ..models import Assessment, IndicatorScore, RubricCondition, RubricIndicator, RubricVersion
from ..services import assessments as workflow
from ..services.rubrics import rubric_copy
from .base import BookYearFilter, HistoryAdmin, RecordAdmin


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
class RubricVersionAdmin(FrozenRubricMixin, HistoryAdmin):
    """A new version is inserted through `insert_once` (HistoryAdmin): two admins adding the same
    year and revision at once get one version and, for the second, the form's own refusal with the
    input kept, not a server error."""

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
class RubricIndicatorAdmin(FrozenRubricMixin, HistoryAdmin):
    """As the versions: an indicator code added meanwhile to the same condition is the form's refusal."""

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


class StepReasonForm(forms.Form):
    """The reason (or the verifier's note) a workflow step taken from the admin keeps in the history."""

    reason = forms.CharField(label=_("alasan"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Assessment)
class AssessmentAdmin(RecordAdmin):
    """Assessments, read here: they are written on the registry's pages.

    The entry page recomputes the scores and predicate from the levels and refuses a locked
    assessment; submit, verify, return and reopen are services that keep their reasons. A save
    here would bypass all of that (a level changed beside a score computed without it, a status
    moved without a reason), so the change form only shows them, status included, with their
    history; the workflow steps are offered as actions on the list, each calling its service
    with the reason asked on an intermediate page.
    """

    list_display = ["cooperative", "year", "status", "overall_score", "predicate", "kutim_label"]
    list_filter = [BookYearFilter, "status", "predicate", "weakest_condition", "cooperative__desa__kecamatan"]
    list_select_related = ["cooperative"]
    search_fields = ["cooperative__name", "cooperative__nomor_induk"]
    autocomplete_fields = ["cooperative"]
    readonly_fields = [
        "status", "score_kelembagaan", "score_keuangan", "score_operasional", "score_reputasi", "overall_score",
        "predicate", "weakest_condition", "kutim_label", "version", "submitted_at", "submitted_by", "verified_at",
        "verified_by",
    ]
    inlines = [IndicatorScoreInline]
    actions = ["submit_step", "verify_step", "return_step", "reopen_step"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # Who may take each step: the registry's permissions, for whole-district users (RecordAdmin).
    def has_submit_permission(self, request):
        return self._whole_district(request) and request.user.has_perm("registry.change_assessment")

    def has_verify_permission(self, request):
        return self._whole_district(request) and request.user.has_perm("registry.verify_assessment")

    def has_reopen_permission(self, request):
        return self._whole_district(request) and request.user.has_perm("registry.reopen_assessment")

    def _take_step(self, request, queryset, step, *, title, reason_required, reason_label=None):
        """Ask the reason on an intermediate page, then take the step on each chosen assessment
        through its service; each refusal (a wrong status, the submitter verifying) is reported."""
        form = StepReasonForm(request.POST if "apply" in request.POST else None)
        if not reason_required:
            form.fields["reason"].required = False
        if reason_label:
            form.fields["reason"].label = reason_label
        if "apply" not in request.POST or not form.is_valid():
            return TemplateResponse(request, "admin/registry/assessment/workflow_step.html", {
                **self.admin_site.each_context(request), "title": title, "form": form,
                "assessments": queryset.select_related("cooperative"), "opts": self.model._meta,
                "action": request.POST.get("action"), "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            })
        self._apply(request, queryset, lambda a: step(a, form.cleaned_data["reason"]), title=title)
        return None

    def _apply(self, request, queryset, step, *, title):
        done = 0
        for assessment in queryset.select_related("cooperative"):
            try:
                step(assessment)
            except ValidationError as error:
                self.message_user(request, f"{assessment}: {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("%(title)s: %(n)s penilaian.") % {"title": title, "n": done}, messages.SUCCESS)

    @admin.action(description=_("Ajukan untuk verifikasi"), permissions=["submit"])
    def submit_step(self, request, queryset):
        # Submitting keeps its own reason in the history ("Diajukan untuk verifikasi"): nothing to ask.
        self._apply(request, queryset, lambda a: workflow.assessment_submit(assessment=a, user=request.user),
                    title=_("Ajukan untuk verifikasi"))

    @admin.action(description=_("Verifikasi dan kunci"), permissions=["verify"])
    def verify_step(self, request, queryset):
        return self._take_step(
            request, queryset, lambda a, note: workflow.assessment_verify(assessment=a, user=request.user, note=note),
            title=_("Verifikasi dan kunci"), reason_required=False, reason_label=_("catatan verifikasi"),
        )

    @admin.action(description=_("Kembalikan ke penilai (dengan catatan)"), permissions=["verify"])
    def return_step(self, request, queryset):
        return self._take_step(
            request, queryset,
            lambda a, reason: workflow.assessment_return(assessment=a, reason=reason, user=request.user),
            title=_("Kembalikan ke penilai"), reason_required=True,
        )

    @admin.action(description=_("Buka kembali penilaian terverifikasi (dengan alasan)"), permissions=["reopen"])
    def reopen_step(self, request, queryset):
        return self._take_step(
            request, queryset,
            lambda a, reason: workflow.assessment_reopen(assessment=a, reason=reason, user=request.user),
            title=_("Buka kembali"), reason_required=True,
        )
