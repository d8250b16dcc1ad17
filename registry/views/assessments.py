"""Yearly assessments: the list, the entry page with its workflow, recommendations, preparing a year."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from .. import figures
from ..filters.assessments import FINAL, AssessmentFilter
from ..formats import angka, angka_writer
from ..forms.assessments import AssessmentEntryForm, PrepareYearForm, ReasonForm, prepare_year_field
from ..mixins import CooperativeInAreaMixin, RegistryPermissionMixin
from ..models import (
    MAX_YEAR,
    MIN_YEAR,
    Assessment,
    Helper,
    Kecamatan,
    OfficeSettings,
    Predicate,
    last_full_year,
)
from ..paginators import KeysetPaginationMixin
from ..selectors import assessments as selectors
from ..services import assessments as services
from ..services.versioning import EditConflict
from ..spreadsheets.recommendation_export import (
    cooperative_recommendation_workbook,
    district_recommendation_workbook,
)
from ..templatetags.registry_assessments import final_score, incomplete_text


class AssessmentListView(RegistryPermissionMixin, KeysetPaginationMixin, FilterView):
    """Assessments in the user's area with each condition's change from last year."""

    permission_required = "registry.view_assessment"
    filterset_class = AssessmentFilter
    template_name = "registry/assessments/list.html"
    paginate_by = 50
    estimates_whole_table = True  # 121,483 assessments at national size: the whole list shows "about"

    def get_queryset(self):
        return selectors.assessment_list_rows(user=self.request.user)

    def page_rows(self, rows):
        return selectors.with_row_values(rows)

    def read_rows(self, queryset, limit, *, forward=True, past=None):
        """The rows read one year at a time, each year's first rows by its cooperatives' names.

        The list's order (newest year, then the cooperative's name) spans two tables, so no index
        gives it: PostgreSQL joined and sorted every assessment for the first 51 (515 ms at national
        size, 121,483 assessments). Within one year it walks the index on the cooperative's name and
        stops at the page (1.4 ms, as the list filtered by year always did). So: each year's first
        `limit` rows, put together and ordered again, are the list's first `limit` rows. The years
        are those with any assessment (the filter's year choices, read anyway); a list of one year
        (one year assessed, or the year filter) is that year's query alone. SQLite cannot limit
        each part of a UNION; its lists are small, and it reads the list as before. A page after or
        before a row (`?setelah=`, `?sebelum=`) is read by years the same way."""
        years = self.filterset.years_assessed
        one_year_asked = self.filterset.is_bound and (
            not self.filterset.is_valid() or self.filterset.form.cleaned_data.get("tahun"))
        if connection.vendor != "postgresql" or not years or one_year_asked:
            return super().read_rows(queryset, limit, forward=forward, past=past)
        bounds = None
        if past is not None:
            # Within the row's year the rows past it lie past its cooperative's name: that bound
            # starts the walk down the name index at the row rather than at the list's start (or end).
            row_year, row_name = past[:2]
            bounds = {row_year: {f"cooperative__name__{'gte' if forward else 'lte'}": row_name}}
        return self._rows_by_year(queryset, years, limit, forward=forward, bounds=bounds)

    @staticmethod
    def _rows_by_year(queryset, years, limit, *, forward, bounds=None):
        bounds = bounds or {}
        parts = [queryset.filter(year=year, **bounds.get(year, {}))[:limit] for year in years]
        if len(parts) == 1:
            return list(parts[0])
        # The union's own order by its columns: the same as the list's (Assessment.Meta.ordering), or
        # its reverse for a page before a row.
        order = ("-year", "cooperative_name", "pk") if forward else ("year", "-cooperative_name", "-pk")
        return list(parts[0].union(*parts[1:], all=True).order_by(*order)[:limit])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Each row's numbers written here, once, in the page's language (formats.angka_writer).
        write = angka_writer()
        context["rows"] = [(a, selectors.year_on_year(a, write), final_score(a, write)) for a in context["object_list"]]
        context["prepare_year_field"] = prepare_year_field()
        context["big_drop"] = figures.BIG_DROP
        # A year's list is behind the dashboard's average scores: its average line shows them.
        if self.shows_averages:
            context["averages"] = self.score_totals[0]
        return context

    @cached_property
    def shows_averages(self):
        return self.filterset.is_valid() and bool(self.filterset.form.cleaned_data.get("tahun"))

    @cached_property
    def score_totals(self):
        """The average line and the number of rows it averaged, over the filtered list (one statement)."""
        return selectors.score_totals(self.object_list)

    def get_paginator(self, queryset, per_page, **kwargs):
        """A list with an average line is counted by the statement that averages it: it reads every row of
        the list anyway, and a COUNT of the same rows was a second walk over them (a kecamatan's year at
        national size: 17,325 rows, 40-60 ms each). That statement counted every row, so the count is
        exact however many there are, as the dashboard's figure of that year and area that links here
        is (a year of 24,000 assessments is not "more than 10,000")."""
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        if self.shows_averages:
            paginator.count = self.score_totals[1]  # the cached_property's value; count_is_exact stays True
        return paginator


class AssessmentYearMixin(CooperativeInAreaMixin):
    """The cooperative (in the user's area, else 404) and the year of the URL."""

    @cached_property
    def year(self):
        if not MIN_YEAR <= self.kwargs["year"] <= MAX_YEAR:
            raise Http404
        return self.kwargs["year"]

    def entry_url(self):
        return reverse("registry:assessment_entry", args=[self.get_cooperative().pk, self.year])


def totals_shown(*, conditions, overall, unscored, predicate, computed):
    """The summary's figures as the page and the live refresh write them (one wording for both)."""
    return {
        "conditions": {code: angka(score, 2) if score is not None else "–" for code, score in conditions.items()},
        "overall": incomplete_text(unscored) if unscored else angka(overall, 2) if overall is not None else "–",
        "predicate": str(Predicate(predicate).label) if predicate else "–",
        "predicate_note": "" if predicate or overall is None and not unscored
        else f"({_('lengkapi semua indikator')})",
        "unscored": unscored,
        "status": str(_("Dihitung dari isian di layar, belum disimpan.")) if computed else "",
    }


def stored_totals(entry):
    assessment = entry["assessment"]
    if assessment is None:
        return totals_shown(conditions={g.condition.code: None for g in entry["conditions"]}, overall=None,
                            unscored=0, predicate="", computed=False)
    return totals_shown(conditions=assessment.condition_scores(), overall=assessment.overall_score,
                        unscored=assessment.unscored, predicate=assessment.predicate, computed=False)


def previewed_totals(entry, form):
    """What a save of the form would store, by the service's own scoring, saving nothing.

    Invalid fields count as unscored (an override without its reason still scores: the reason
    is asked when saving)."""
    form.is_valid()
    outcome = services.assessment_preview(indicators=[row.indicator for row in entry["rows"]],
                                          entries=form.entries())
    totals = totals_shown(conditions={g.condition.code: outcome.conditions.get(g.condition.code)
                                      for g in entry["conditions"]},
                          overall=outcome.overall, unscored=outcome.unscored, predicate=outcome.predicate or "",
                          computed=True)
    unscored = form.unscored_rows()
    totals["unscored_rows"] = [
        {"anchor": row.fields["level"].auto_id, "text": f"{row.indicator.code} {row.indicator.text}"}
        for row in unscored
    ]
    totals["unscored_heading"] = ngettext(
        "%(n)s indikator belum dinilai", "%(n)s indikator belum dinilai", len(unscored)) % {"n": angka(len(unscored))}
    return totals


class AssessmentEntryMixin(AssessmentYearMixin):
    """The entry page's rows and form for the cooperative and year of the URL."""

    @cached_property
    def entry(self):
        try:
            return selectors.assessment_entry(cooperative=self.get_cooperative(), year=self.year)
        except ValidationError as error:  # no rubric for the year
            raise Http404(error.messages[0]) from error

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rows": self.entry["rows"], "assessment": self.entry["assessment"]}


class AssessmentEntryView(RegistryPermissionMixin, AssessmentEntryMixin, FormView):
    """Record one cooperative's assessment for a year: every indicator, computed ones filled in.

    "Hitung" (a submit button named `hitung`) shows the totals of the form as it stands, saving
    nothing: the same as the live refresh (AssessmentTotalsView) for a browser without JavaScript.
    """

    template_name = "registry/assessments/entry.html"
    form_class = AssessmentEntryForm

    def get_permission_required(self):
        if self.request.method == "POST":
            return ("registry.change_assessment",)
        return ("registry.view_assessment",)

    def post(self, request, *args, **kwargs):
        if "hitung" in request.POST:
            form = self.get_form()
            totals = previewed_totals(self.entry, form)
            return self.render_to_response(self.get_context_data(form=form, totals=totals))
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        # The form comes back as typed: its totals too, as the live refresh would show them.
        assessment = self.entry["assessment"]
        if assessment is not None and assessment.is_locked:
            return super().form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form, totals=previewed_totals(self.entry, form)))

    def get_context_data(self, **kwargs):
        totals = kwargs.setdefault("totals", stored_totals(self.entry))
        kwargs["condition_totals"] = [(g, totals["conditions"][g.condition.code]) for g in self.entry["conditions"]]
        assessment = self.entry["assessment"]
        history = assessment.history.select_related("history_user").order_by("-history_id")[:20] if assessment else []
        locked = assessment is not None and assessment.is_locked
        # A year not closed or outside the cooperative's life can be read but not entered.
        year_refused = (assessment or Assessment(cooperative=self.get_cooperative(), year=self.year)).year_error()
        editable = self.request.user.has_perm("registry.change_assessment") and not locked and not year_refused
        return super().get_context_data(
            year=self.year, editable=editable, history=history, year_refused=year_refused,
            reason_form=ReasonForm(), **self.entry, **kwargs,
        )

    def form_valid(self, form):
        assessment = self.entry["assessment"]
        try:
            services.assessment_record(
                cooperative=self.get_cooperative(), year=self.year, entries=form.entries(),
                expected_version=form.cleaned_data["version"] if assessment else None,
                notes=form.cleaned_data["notes"], reason=form.cleaned_data["change_reason"], user=self.request.user,
            )
        except EditConflict as conflict:
            form.data = form.data.copy()
            form.data["version"] = conflict.current.version
            form.add_error(None, _("Penilaian ini sudah diubah orang lain setelah Anda membukanya: periksa "
                                   "perubahan mereka, lalu simpan lagi."))
            return self.render_to_response(self.get_context_data(form=form, conflict=conflict))
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("Penilaian tersimpan."))
        return HttpResponseRedirect(self.entry_url())


class AssessmentTotalsView(RegistryPermissionMixin, AssessmentEntryMixin, FormView):
    """POST the entry form, get its totals as JSON (static/js/assessment_totals.js): computed by the
    service's scoring, so what is shown while working is what a save stores. Saves nothing."""

    permission_required = "registry.change_assessment"
    http_method_names = ["post"]
    form_class = AssessmentEntryForm

    def post(self, request, *args, **kwargs):
        return JsonResponse(previewed_totals(self.entry, self.get_form()))


class AssessmentStepView(RegistryPermissionMixin, AssessmentYearMixin, FormView):
    """A workflow step on an assessment (POST only); the entry page shows the result."""

    http_method_names = ["post"]
    form_class = ReasonForm
    needs_reason = False
    success_message = ""

    def get_form(self, form_class=None):
        return self.form_class(self.request.POST) if self.needs_reason else None

    def post(self, request, *args, **kwargs):
        assessment = get_object_or_404(Assessment.objects.all(), cooperative=self.get_cooperative(), year=self.year)
        form = self.get_form()
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None  # a page from before the version was carried: the step checks the status only
        try:
            if form is not None and not form.is_valid():
                raise ValidationError(_("Alasan wajib diisi."))
            self.step(assessment, form.cleaned_data["reason"] if form is not None else "", version)
        except EditConflict:
            messages.error(request, _("Penilaian ini sudah diubah orang lain setelah halaman dibuka: periksa nilainya "
                                      "lagi, lalu ulangi."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(self.entry_url())


class AssessmentSubmitView(AssessmentStepView):
    permission_required = "registry.change_assessment"
    success_message = _("Penilaian diajukan untuk verifikasi.")

    def step(self, assessment, reason, version):
        services.assessment_submit(assessment=assessment, user=self.request.user,
                                   expected_version=version)


class AssessmentVerifyView(AssessmentStepView):
    permission_required = "registry.verify_assessment"
    success_message = _("Penilaian diverifikasi dan dikunci.")

    def step(self, assessment, reason, version):
        services.assessment_verify(assessment=assessment, user=self.request.user,
                                   expected_version=version)


class AssessmentReturnView(AssessmentStepView):
    permission_required = "registry.verify_assessment"
    needs_reason = True
    success_message = _("Penilaian dikembalikan ke penilai.")

    def step(self, assessment, reason, version):
        services.assessment_return(assessment=assessment, reason=reason, user=self.request.user,
                                   expected_version=version)


class AssessmentReopenView(AssessmentStepView):
    permission_required = "registry.reopen_assessment"
    needs_reason = True
    success_message = _("Penilaian dibuka kembali.")

    def step(self, assessment, reason, version):
        services.assessment_reopen(assessment=assessment, reason=reason, user=self.request.user,
                                   expected_version=version)


class AssessmentRecommendationView(RegistryPermissionMixin, AssessmentYearMixin, TemplateView):
    """One cooperative's weak indicators with the recommended action and who can help (A4)."""

    permission_required = "registry.view_assessment"
    template_name = "registry/assessments/recommendations.html"

    def get_context_data(self, **kwargs):
        assessment = get_object_or_404(
            Assessment.objects.select_related("rubric"), cooperative=self.get_cooperative(), year=self.year
        )
        kwargs.update(year=self.year, assessment=assessment)
        weak, without_data = selectors.weak_scores(assessment)
        kwargs.update(weak=weak, without_data=without_data, printed_on=timezone.localdate())
        return super().get_context_data(**kwargs)


class RecommendationListView(RegistryPermissionMixin, TemplateView):
    """The district's recommendations for a year, by action and by helping party."""

    permission_required = "registry.view_assessment"
    template_name = "registry/assessments/district_recommendations.html"

    def get_context_data(self, **kwargs):
        try:
            year = int(self.request.GET.get("tahun") or last_full_year())
        except ValueError as error:
            raise Http404 from error
        options = Kecamatan.objects.for_user(self.request.user).order_by("name")
        kecamatan = [k.code for k in options if k.code == self.request.GET.get("kecamatan")]
        return super().get_context_data(
            year=year, kecamatan_options=options, kecamatan=kecamatan[0] if kecamatan else "",
            final_status=FINAL, letter_helpers=selectors.LETTER_HELPERS,
            **selectors.district_recommendations(user=self.request.user, year=year, kecamatan_codes=kecamatan),
            **kwargs,
        )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AssessmentRecommendationExportView(RegistryPermissionMixin, AssessmentYearMixin, View):
    """One cooperative's recommendations as XLSX: the same weak indicators as the printable page."""

    permission_required = ("registry.view_assessment", "registry.export_data")

    def get(self, request, *args, **kwargs):
        cooperative = self.get_cooperative()
        assessment = get_object_or_404(Assessment.objects.select_related("rubric"), cooperative=cooperative,
                                       year=self.year)
        weak, without_data = selectors.weak_scores(assessment)
        response = HttpResponse(cooperative_recommendation_workbook(assessment, weak, without_data),
                                content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="rekomendasi-{cooperative.pk}-{self.year}.xlsx"'
        return response


class RecommendationExportView(RegistryPermissionMixin, View):
    """The district's recommendations of a year (and kecamatan) as XLSX: every cooperative behind each action."""

    permission_required = ("registry.view_assessment", "registry.export_data")

    def get(self, request, *args, **kwargs):
        value = request.GET.get("tahun")
        year = int(value) if value and value.isdigit() else last_full_year()
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise Http404
        code = request.GET.get("kecamatan")
        kecamatan = [k.code for k in Kecamatan.objects.for_user(request.user) if k.code == code] if code else []
        if code and not kecamatan:
            raise Http404
        rows = list(selectors.district_recommendation_rows(user=request.user, year=year, kecamatan_codes=kecamatan))
        response = HttpResponse(district_recommendation_workbook(rows, year), content_type=XLSX)
        suffix = f"-{kecamatan[0]}" if kecamatan else ""
        response["Content-Disposition"] = f'attachment; filename="rekomendasi-{year}{suffix}.xlsx"'
        return response


# Whom each letter is addressed to ("Kepada Yth. ..."): the party's office, not a named company, since
# a recommendation names the kind of party that can help. A helper added later is addressed by its label.
ADDRESSEES = {
    Helper.BANK: _("Pimpinan bank dan lembaga keuangan"),
    Helper.PLANTATION: _("Pimpinan perusahaan perkebunan (inti)"),
    Helper.COOPERATIVE: _("Pengurus koperasi mitra"),
    Helper.ACCOUNTANT: _("Pimpinan kantor akuntan publik / KJA"),
    Helper.LEGAL: _("Notaris / Kantor Wilayah Kementerian Hukum"),
}


class RecommendationLetterView(RegistryPermissionMixin, TemplateView):
    """A4 letters to the helping parties outside the office: each lists the cooperatives of the year's
    recommendations (in the user's area, and the ?kecamatan=) and what is asked of the party. With
    `helper` one party's letter (404 when it is not a party we write to or nothing is asked of it),
    without it every party's letter, one per page."""

    permission_required = "registry.view_assessment"
    template_name = "registry/assessments/helper_letters.html"

    def get_context_data(self, **kwargs):
        value = self.request.GET.get("tahun")
        if value and not (value.isascii() and value.isdigit()):  # isdigit() alone takes "٢٠٢٤"
            raise Http404
        year = int(value) if value else last_full_year()
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise Http404
        code = self.request.GET.get("kecamatan")
        kecamatan = Kecamatan.objects.for_user(self.request.user).filter(code=code).first() if code else None
        if code and kecamatan is None:
            raise Http404  # outside the user's area or unknown: not found either way
        helper = self.kwargs.get("helper")
        if helper is not None and helper not in selectors.LETTER_HELPERS:
            raise Http404
        letters = selectors.helper_letters(user=self.request.user, year=year, helper=helper,
                                           kecamatan_codes=[kecamatan.code] if kecamatan else None)
        if helper is not None and not letters:
            raise Http404
        for letter in letters:
            letter["addressee"] = ADDRESSEES.get(letter["helper"], letter["label"])
        back = f"{reverse('registry:recommendation_list')}?tahun={year}" + (f"&kecamatan={code}" if kecamatan else "")
        return super().get_context_data(
            year=year, kecamatan=kecamatan, letters=letters, office=OfficeSettings.current(),
            today=timezone.localdate(), back=back, **kwargs,
        )


class AssessmentPrepareView(RegistryPermissionMixin, FormView):
    """Create draft assessments for a year for every active cooperative in the user's area."""

    permission_required = "registry.add_assessment"
    http_method_names = ["post"]
    form_class = PrepareYearForm

    def form_valid(self, form):
        year = form.cleaned_data["year"]
        try:
            result = services.assessment_prepare_year(user=self.request.user, year=year)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(self.request, _(
                "Tahun %(year)s: %(created)s penilaian draf dibuat, %(skipped)s koperasi dilewati (sudah dinilai)."
            ) % {"year": year, "created": result.created, "skipped": result.skipped})
        return HttpResponseRedirect(reverse("registry:assessment_list") + f"?tahun={year}")

    def form_invalid(self, form):
        messages.error(self.request, _("Tahun tidak valid."))
        return HttpResponseRedirect(reverse("registry:assessment_list"))
