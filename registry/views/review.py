"""The Dinas's review of what cooperatives submit (`/tinjauan/`): the queue, and one submission beside
the values on record and last year's, accepted into the registry or returned with a note."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from ..mixins import NoStoreMixin, RegistryPermissionMixin
from ..models import YearlyReport
from ..models.portal import REPORT_FIELDS, Submission
from ..services.submissions import submission_accept, submission_return
from ..services.versioning import EditConflict


class ReviewForm(forms.Form):
    """Accept, or return with a note; the versions the page showed, so nothing changed unseen is accepted."""

    action = forms.ChoiceField(choices=[("terima", "terima"), ("kembalikan", "kembalikan")])
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    record_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    note = forms.CharField(
        label=gettext_lazy("catatan untuk koperasi"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Wajib bila laporan dikembalikan: apa yang perlu diperbaiki."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "kembalikan" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Tulis apa yang perlu diperbaiki koperasi."))
        return cleaned


class ReviewQueueView(RegistryPermissionMixin, ListView):
    """Submissions waiting for review, in the reviewer's area, oldest first."""

    permission_required = "registry.review_submission"
    template_name = "registry/review/queue.html"
    context_object_name = "submissions"
    paginate_by = 50

    def get_queryset(self):
        return (
            Submission.objects.for_user(self.request.user).filter(status=Submission.Status.SUBMITTED)
            .select_related("cooperative__desa__kecamatan", "submitted_by").order_by("submitted_at", "pk")
        )


class ReviewDetailView(RegistryPermissionMixin, NoStoreMixin, TemplateView):
    """One submission beside the yearly report on record for its year and the year before."""

    permission_required = "registry.review_submission"
    template_name = "registry/review/detail.html"

    @cached_property
    def submission(self):
        submissions = Submission.objects.for_user(self.request.user).select_related(
            "cooperative__desa__kecamatan", "submitted_by", "reviewed_by")
        return get_object_or_404(submissions, pk=self.kwargs["pk"])

    def reports(self):
        found = {
            report.year: report for report in YearlyReport.objects.filter(
                cooperative=self.submission.cooperative_id, year__in=[self.submission.year, self.submission.year - 1])
        }
        return found.get(self.submission.year), found.get(self.submission.year - 1)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        on_record, last_year = self.reports()
        context.update(submission=self.submission, cooperative=self.submission.cooperative, on_record=on_record,
                       last_year=last_year, documents=list(self.submission.documents.order_by("uploaded_at", "pk")))
        context["rows"] = [
            {
                "field": Submission._meta.get_field(name),
                "submitted": getattr(self.submission, name),
                "on_record": getattr(on_record, name) if on_record else None,
                "last_year": getattr(last_year, name) if last_year else None,
                "differs": on_record is not None and getattr(on_record, name) != getattr(self.submission, name),
            }
            for name in REPORT_FIELDS
        ]
        context.setdefault("form", ReviewForm(initial={
            "version": self.submission.version, "record_version": on_record.version if on_record else 0,
        }))
        return context

    def post(self, request, *args, **kwargs):
        form = ReviewForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        try:
            if data["action"] == "terima":
                submission_accept(submission=self.submission, expected_version=data["version"],
                                  record_version=data["record_version"], by=request.user)
                messages.success(request, _("Laporan %(name)s tahun %(year)s diterima dan tercatat.") % {
                    "name": self.submission.cooperative.name, "year": self.submission.year})
            else:
                submission_return(submission=self.submission, expected_version=data["version"],
                                  note=data["note"].strip(), by=request.user)
                messages.success(request, _("Laporan %(name)s tahun %(year)s dikembalikan ke koperasi.") % {
                    "name": self.submission.cooperative.name, "year": self.submission.year})
        except EditConflict:
            form.add_error(None, _("Laporan ini sudah ditinjau atau diubah orang lain. Muat ulang halaman ini."))
            return self.render_to_response(self.get_context_data(form=form))
        except ValidationError as refused:
            for message in refused.messages:
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(form=form))
        return redirect("registry:review_queue")
