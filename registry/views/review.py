"""The Dinas's review of what cooperatives submit (`/tinjauan/`): the queue, one submission beside the
values on record and last year's, one change request (a board term, contact details) beside the record
as it was when asked and as it is now; each accepted into the registry or returned with a note."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from ..forms.inputs import NoNikInFreeTextMixin
from ..mixins import NoStoreMixin, RegistryPermissionMixin
from ..models import BoardMember, Cooperative, YearlyReport
from ..models.portal import CONTACT_FIELDS, REPORT_FIELDS, TERM_FIELDS, ChangeRequest, Submission
from ..services.change_requests import (
    change_request_accept,
    change_request_return,
    changed_since_request,
    proposed_contact,
)
from ..services.submissions import submission_accept, submission_return
from ..services.versioning import EditConflict
from .portal import change_request_value


class ReviewForm(NoNikInFreeTextMixin, forms.Form):
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

    # The change requests waiting: few at a time (a board changes rarely), so one list without pages.
    CHANGES_SHOWN = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        changes = list(
            ChangeRequest.objects.for_user(self.request.user).filter(status=ChangeRequest.Status.SUBMITTED)
            .select_related("cooperative__desa__kecamatan", "board_member").order_by("submitted_at", "pk")
            [:self.CHANGES_SHOWN + 1]
        )
        context["changes"], context["more_changes"] = changes[:self.CHANGES_SHOWN], len(changes) > self.CHANGES_SHOWN
        return context


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


class ChangeReviewForm(ReviewForm):
    """A change request's decision: as a yearly report's, plus the reviewer's confirmation when the
    record changed since the cooperative made the request."""

    confirmed = forms.BooleanField(
        label=gettext_lazy("Saya sudah memeriksa perubahan sejak permintaan dibuat; terima permintaan ini"),
        required=False,
    )


class ChangeReviewView(RegistryPermissionMixin, NoStoreMixin, TemplateView):
    """One change request beside the values on record when it was made and now: accepted into the
    registry (through the write path of staff edits) or returned with a note."""

    permission_required = "registry.review_submission"
    template_name = "registry/review/change.html"

    @cached_property
    def change_request(self):
        # A draft is the board's own until sent: not for the Dinas.
        requests = ChangeRequest.objects.for_user(self.request.user).exclude(
            status=ChangeRequest.Status.DRAFT).select_related(
            "cooperative__desa__kecamatan", "board_member", "submitted_by", "reviewed_by")
        return get_object_or_404(requests, pk=self.kwargs["pk"])

    @cached_property
    def record(self):
        """The record as it is now (the cooperative or the term; None for a new term)."""
        change = self.change_request
        if change.kind == ChangeRequest.Kind.CONTACT:
            return Cooperative.objects.get(pk=change.cooperative_id)
        if change.kind == ChangeRequest.Kind.END_TERM and change.board_member_id:
            return BoardMember.objects.get(pk=change.board_member_id)
        return None

    def rows(self):
        """Per field: the value on record when the request was made, now, and the one asked for."""
        change = self.change_request
        base = change.base_values
        if change.kind == ChangeRequest.Kind.CONTACT:
            asked = set(proposed_contact(change))
            return [{
                "label": Cooperative._meta.get_field(name).verbose_name, "at_request": base.get(name),
                "now": getattr(self.record, name), "proposed": getattr(change, name), "asked": name in asked,
                "moved": getattr(self.record, name) != base.get(name),
            } for name in CONTACT_FIELDS]
        if change.kind == ChangeRequest.Kind.END_TERM:
            rows = [{
                "label": BoardMember._meta.get_field(name).verbose_name, "at_request": remembered(base, name),
                "now": term_value(self.record, name), "proposed": None, "asked": False,
                "moved": term_value(self.record, name, plain=True) != base.get(name),
            } for name in TERM_FIELDS]
            rows[-1].update(proposed=change.ended_on, asked=True)
            return rows
        return [{
            "label": ChangeRequest._meta.get_field(name).verbose_name, "at_request": None, "now": None,
            "proposed": change_request_value(change, name), "asked": True, "moved": False,
        } for name in ("name", "role", "sex", "term_start", "term_end")]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        change = self.change_request
        context.update(change_request=change, cooperative=change.cooperative, rows=self.rows())
        if change.status == ChangeRequest.Status.SUBMITTED:
            context["since_request"] = changed_since_request(change, record=self.record)
            # The current board beside a new term: who sits in that position now.
            if change.kind == ChangeRequest.Kind.END_TERM:
                context["has_account"] = change.board_member.accounts.filter(ended_at__isnull=True).exists()
            if change.kind == ChangeRequest.Kind.NEW_TERM:
                context["board"] = list(BoardMember.objects.filter(
                    cooperative=change.cooperative_id).current().order_by("role", "name"))
        context.setdefault("form", ChangeReviewForm(initial={
            "version": change.version, "record_version": self.record.version if self.record else 0,
        }))
        return context

    def post(self, request, *args, **kwargs):
        form = ChangeReviewForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data, change = form.cleaned_data, self.change_request
        names = {"name": change.cooperative.name, "kind": change.get_kind_display()}
        try:
            if data["action"] == "terima":
                change_request_accept(change_request=change, expected_version=data["version"],
                                      record_version=data["record_version"], by=request.user,
                                      confirmed=data["confirmed"])
                messages.success(request, _("%(kind)s dari %(name)s diterima dan tercatat.") % names)
            else:
                change_request_return(change_request=change, expected_version=data["version"],
                                      note=data["note"].strip(), by=request.user)
                messages.success(request, _("%(kind)s dari %(name)s dikembalikan ke koperasi.") % names)
        except EditConflict:
            form.add_error(None, _("Permintaan ini sudah ditinjau atau diubah orang lain. Muat ulang halaman ini."))
            return self.render_to_response(self.get_context_data(form=form))
        except ValidationError as refused:
            for message in refused.messages:
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(form=form))
        return redirect("registry:review_queue")


def remembered(base, name):
    """A term's value as the request remembers it (dates were kept as ISO text), for the page."""
    value = base.get(name)
    if name in ("term_start", "term_end", "ended_on") and value:
        return datetime.date.fromisoformat(value)
    if name == "role" and value:
        return BoardMember.Role(value).label
    return value


def term_value(term, name, *, plain=False):
    """A field of a board term, as the page shows it (or as a request remembers it, `plain`)."""
    value = getattr(term, name)
    if plain:
        return value.isoformat() if hasattr(value, "isoformat") else value
    return term.get_role_display() if name == "role" else value
