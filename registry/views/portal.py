"""The cooperatives' portal: board accounts (invited by a Petugas), the first sign-in, the portal home.

A board member's account sees its own cooperative only: every portal page takes the cooperative
from the account, never from the URL, and every other URL answers it 404 before any view runs
(registry/middleware.py BoardAccountReachMiddleware), so a staff page is not even confirmed to exist.
"""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from ..forms.portal import (
    BoardAccountInviteForm,
    ChangeRequestForm,
    DocumentForm,
    FirstSignInForm,
    SubmissionForm,
)
from ..mixins import CooperativeInAreaMixin, NoStoreMixin, RegistryPermissionMixin
from ..models import BoardMember, Cooperative, OfficeSettings, YearlyReport
from ..models.portal import (
    CONTACT_FIELDS,
    SUBMITTED_COUNTS,
    SUBMITTED_MONEY,
    SUBMITTED_RAT,
    ChangeRequest,
    CooperativeAccount,
    Submission,
    SubmissionDocument,
)
from ..services.board_accounts import CODE_VALIDITY, account_first_sign_in, account_invite, accounts_end_with_terms
from ..services.change_requests import change_request_save
from ..services.creation import AlreadyRecorded
from ..services.documents import document_add, document_content, document_remove
from ..services.submissions import submission_save
from ..services.versioning import EditConflict


def running_account(user):
    """The user's running board account (with its cooperative), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    account = (
        CooperativeAccount.objects.filter(user=user, ended_at__isnull=True)
        .select_related("cooperative__desa__kecamatan", "board_member").first()
    )
    return account


class PortalMixin(LoginRequiredMixin):
    """A page of the portal: signed in with a running board account, else 403; a term that has
    ended ends the account and the session on the spot (the nightly purge would do it too)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        account = running_account(request.user)
        if account is None or not request.user.has_perm("registry.use_portal"):
            raise PermissionDenied
        if not account.board_member.is_current():
            accounts_end_with_terms(board_member=account.board_member)
            logout(request)
            messages.error(request, _("Masa jabatan Anda sudah berakhir: akun ini tidak dapat dipakai lagi."))
            return redirect("login")
        self.account = account
        return super().dispatch(request, *args, **kwargs)

    @property
    def cooperative(self):
        return self.account.cooperative

    def get_context_data(self, **kwargs):
        kwargs.setdefault("account", self.account)
        kwargs.setdefault("cooperative", self.cooperative)
        return super().get_context_data(**kwargs)


class PortalHomeView(PortalMixin, NoStoreMixin, TemplateView):
    """The cooperative as the registry holds it: identity, current board, the yearly reports on record."""

    template_name = "registry/portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["board"] = BoardMember.objects.filter(cooperative=self.cooperative).current().order_by("role", "name")
        context["reports"] = YearlyReport.objects.filter(cooperative=self.cooperative).order_by("-year")[:5]
        context["submissions"] = Submission.objects.filter(cooperative=self.cooperative).order_by(
            "-year", "-created_at")
        context["change_requests"] = ChangeRequest.objects.filter(cooperative=self.cooperative).select_related(
            "board_member").order_by("-created_at", "-pk")[:20]
        context["change_kinds"] = ChangeRequest.Kind
        return context


def already_started(taken, url):
    """The refusal of a new draft another board member started at the same moment, with a link to theirs."""
    return format_html("{} " + _("Isian Anda belum tersimpan dan masih ada di bawah. <a href=\"{url}\">Buka yang "
                                 "sudah dibuat</a> dan lanjutkan di sana."), taken.messages[0], url=url)


# The form on a phone: one short group at a time.
FIELDSETS = [
    (gettext_lazy("Tahun buku"), ["year"]),
    (gettext_lazy("Anggota dan karyawan"), SUBMITTED_COUNTS),
    (gettext_lazy("Keuangan (Rupiah)"), SUBMITTED_MONEY),
    (gettext_lazy("Rapat Anggota Tahunan (RAT)"), [*SUBMITTED_RAT, "rat_decisions"]),
]


class SubmissionEditView(PortalMixin, NoStoreMixin, FormView):
    """A yearly report with its RAT, new or a draft (or one returned by the Dinas): save as a draft
    to finish later, or send it to the Dinas. A submission sent or accepted is shown read-only."""

    template_name = "registry/portal/submission_form.html"
    form_class = SubmissionForm

    @cached_property
    def submission(self):
        if "pk" not in self.kwargs:
            return None
        submissions = Submission.objects.filter(cooperative=self.cooperative).select_related("reviewed_by")
        try:
            return submissions.get(pk=self.kwargs["pk"])
        except Submission.DoesNotExist:
            raise Http404 from None

    def get(self, request, *args, **kwargs):
        if self.submission is not None and not self.submission.is_editable:
            return render(request, "registry/portal/submission_detail.html", self.get_context_data(form=None))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.submission is not None and not self.submission.is_editable:
            messages.error(request, _("Laporan ini sudah dikirim dan tidak dapat diubah lagi."))
            return redirect("registry:portal_submission", pk=self.submission.pk)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cooperative": self.cooperative, "instance": self.submission}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("submission", self.submission)
        if self.submission is not None:
            kwargs["documents"] = list(self.submission.documents.order_by("uploaded_at", "pk"))
            kwargs["document_form"] = DocumentForm()
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        if form is not None:
            context["fieldsets"] = [(title, [form[name] for name in names]) for title, names in FIELDSETS]
        elif self.submission is not None:
            context["rows"] = [
                (title, [(Submission._meta.get_field(name), getattr(self.submission, name)) for name in names])
                for title, names in FIELDSETS
            ]
        return context

    def form_valid(self, form):
        submit = self.request.POST.get("action") == "kirim"
        instance = form.save(commit=False)
        try:
            instance = submission_save(
                submission=instance, by=self.request.user, expected_version=form.cleaned_data.get("version"),
                submit=submit,
            )
        except EditConflict:
            form.add_error(None, _(
                "Laporan ini sudah diubah pengurus lain setelah Anda membukanya. Buka lagi halamannya untuk melihat "
                "isian terbaru, lalu ulangi perubahan Anda."
            ))
            return self.form_invalid(form)
        except AlreadyRecorded as taken:
            url = reverse("registry:portal_submission", args=[taken.existing.pk])
            form.add_error(None, already_started(taken, url))
            return self.form_invalid(form)
        except ValidationError as refused:
            if hasattr(refused, "error_dict"):
                for name, errors in refused.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, refused.messages)
            return self.form_invalid(form)
        if submit:
            messages.success(self.request, _("Laporan tahun %(year)s dikirim ke Dinas untuk ditinjau.") % {
                "year": instance.year})
            return redirect("registry:portal_home")
        messages.success(self.request, _("Draf tersimpan. Anda dapat melanjutkannya nanti."))
        return redirect("registry:portal_submission", pk=instance.pk)


class FirstSignInView(NoStoreMixin, FormView):
    """A board member's first sign-in: the one-time code of the letter, then their own username and password."""

    template_name = "registry/portal/first_sign_in.html"
    form_class = FirstSignInForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("registry:home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            user = account_first_sign_in(
                code=form.cleaned_data["code"], username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as refused:  # used by someone else between the check and now
            form.add_error("code", refused.messages[0])
            return self.form_invalid(form)
        login(self.request, user, backend="registry.access.UserWithAccessTokenBackend")
        messages.success(self.request, _("Akun Anda siap. Selamat datang di portal koperasi."))
        return redirect("registry:portal_home")


class BoardAccountView(RegistryPermissionMixin, CooperativeInAreaMixin, NoStoreMixin, FormView):
    """A cooperative's board accounts and the invitation of a sitting board member.

    Creating an invitation answers with its letter: the code is on that page only, never stored.
    """

    permission_required = "registry.add_cooperativeaccount"
    template_name = "registry/portal/board_accounts.html"
    form_class = BoardAccountInviteForm

    @cached_property
    def cooperative(self):
        return self.get_cooperative()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cooperative": self.cooperative}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["accounts"] = (
            CooperativeAccount.objects.filter(cooperative=self.cooperative)
            .select_related("board_member", "user", "created_by").order_by("-created_at")
        )
        context["now"] = timezone.now()
        context["validity_days"] = CODE_VALIDITY.days
        return context

    def form_valid(self, form):
        site_url = self.request.build_absolute_uri(reverse("registry:portal_first_sign_in"))
        try:
            invitation = account_invite(
                board_member=form.cleaned_data["board_member"], by=self.request.user,
                email=form.cleaned_data["email"], site_url=site_url,
            )
        except ValidationError as refused:
            form.add_error("board_member", refused.messages[0])
            return self.form_invalid(form)
        return render(self.request, "registry/portal/letter.html", {
            "cooperative": self.cooperative, "invitation": invitation, "account": invitation.account,
            "site_url": site_url, "validity_days": CODE_VALIDITY.days, "today": timezone.localdate(),
            "office": OfficeSettings.current(),  # letterhead and signatory, as on every printed letter
        })


class DocumentUploadView(PortalMixin, View):
    """Attach a document (PDF, JPEG, PNG) to one's own submission while it may still change."""

    http_method_names = ["post"]

    def post(self, request, pk):
        submission = get_object_or_404(Submission, cooperative=self.cooperative, pk=pk)
        form = DocumentForm(request.POST, request.FILES)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        else:
            try:
                document_add(submission=submission, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"],
                             by=request.user)
            except ValidationError as refused:
                for message in refused.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Dokumen tersimpan."))
        return redirect(reverse("registry:portal_submission", args=[submission.pk]) + "#dokumen")


class DocumentDeleteView(PortalMixin, View):
    """Remove a document from one's own submission while it may still change."""

    http_method_names = ["post"]

    def post(self, request, pk, document_pk):
        document = get_object_or_404(
            SubmissionDocument, submission__cooperative=self.cooperative, submission=pk, pk=document_pk)
        try:
            document_remove(document=document, by=request.user)
        except ValidationError as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Dokumen dihapus."))
        return redirect(reverse("registry:portal_submission", args=[pk]) + "#dokumen")


class DocumentDownloadView(LoginRequiredMixin, View):
    """A submitted document, to the cooperative's own board or a reviewer of its area; anyone else
    with neither role gets 403, a document outside what they may see 404."""

    def get(self, request, pk):
        account = running_account(request.user) if request.user.has_perm("registry.use_portal") else None
        if account is not None and account.board_member.is_current():
            documents = SubmissionDocument.objects.filter(submission__cooperative=account.cooperative)
        elif request.user.has_perm("registry.review_submission"):
            documents = SubmissionDocument.objects.for_user(request.user)
        else:
            raise PermissionDenied
        document = get_object_or_404(documents, pk=pk)
        response = HttpResponse(document_content(document), content_type=document.content_type)
        response["Content-Disposition"] = content_disposition_header(True, document.original_name)
        patch_cache_control(response, no_store=True, private=True)
        return response


class ChangeRequestEditView(PortalMixin, NoStoreMixin, FormView):
    """A change the board asks for (a new term, the end of a term, contact details), new or a draft (or
    one returned by the Dinas): saved as a draft, or sent to the Dinas. One sent or decided is shown
    read-only. The values on record stand beside the form: nothing changes before the Dinas accepts."""

    template_name = "registry/portal/change_form.html"
    form_class = ChangeRequestForm

    @cached_property
    def change_request(self):
        if "pk" not in self.kwargs:
            return None
        requests = ChangeRequest.objects.filter(cooperative=self.cooperative).select_related(
            "board_member", "reviewed_by")
        try:
            return requests.get(pk=self.kwargs["pk"])
        except ChangeRequest.DoesNotExist:
            raise Http404 from None

    @cached_property
    def kind(self):
        if self.change_request is not None:
            return self.change_request.kind
        if self.kwargs["kind"] not in ChangeRequest.Kind.values:
            raise Http404
        return self.kwargs["kind"]

    def open_contact_request(self):
        """The contact change already under way, which a new one would collide with."""
        return ChangeRequest.objects.filter(
            cooperative=self.cooperative, kind=ChangeRequest.Kind.CONTACT, status__in=ChangeRequest.OPEN).first()

    def get(self, request, *args, **kwargs):
        if self.change_request is None and self.kind == ChangeRequest.Kind.CONTACT:
            under_way = self.open_contact_request()
            if under_way is not None:
                messages.info(request, _("Perubahan alamat dan kontak sedang disiapkan atau ditinjau."))
                return redirect("registry:portal_change", pk=under_way.pk)
        if self.change_request is not None and not self.change_request.is_editable:
            return render(request, "registry/portal/change_form.html", self.get_context_data(form=None))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.change_request is not None and not self.change_request.is_editable:
            messages.error(request, _("Permintaan ini sudah dikirim dan tidak dapat diubah lagi."))
            return redirect("registry:portal_change", pk=self.change_request.pk)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cooperative": self.cooperative, "kind": self.kind,
                "instance": self.change_request}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("change_request", self.change_request)
        kwargs["kind_label"] = ChangeRequest.Kind(self.kind).label
        kwargs["kind"] = self.kind
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        if self.kind == ChangeRequest.Kind.CONTACT:
            context["on_record"] = [
                (Cooperative._meta.get_field(name).verbose_name, getattr(self.cooperative, name))
                for name in CONTACT_FIELDS
            ]
        if form is not None and "board_member" in form.fields:
            context["no_sitting_terms"] = not form.fields["board_member"].queryset.exists()
        elif form is None and self.change_request is not None:
            context["rows"] = [
                (ChangeRequest._meta.get_field(name).verbose_name, change_request_value(self.change_request, name))
                for name in ChangeRequestForm.FIELDS[self.kind]
            ]
        return context

    def form_valid(self, form):
        submit = self.request.POST.get("action") == "kirim"
        instance = form.save(commit=False)
        try:
            instance = change_request_save(
                change_request=instance, by=self.request.user, expected_version=form.cleaned_data.get("version"),
                submit=submit,
            )
        except EditConflict:
            form.add_error(None, _(
                "Permintaan ini sudah diubah pengurus lain setelah Anda membukanya. Buka lagi halamannya untuk "
                "melihat isian terbaru, lalu ulangi perubahan Anda."
            ))
            return self.form_invalid(form)
        except AlreadyRecorded as taken:
            url = reverse("registry:portal_change", args=[taken.existing.pk])
            form.add_error(None, already_started(taken, url))
            return self.form_invalid(form)
        except IntegrityError:  # a draft turned into the end of a term whose end another draft took meanwhile
            form.add_error(None, _(
                "Permintaan yang sama sedang disiapkan atau ditinjau. Buka dari halaman koperasi Anda."))
            return self.form_invalid(form)
        except ValidationError as refused:
            if hasattr(refused, "error_dict"):
                for name, errors in refused.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, refused.messages)
            return self.form_invalid(form)
        if submit:
            messages.success(self.request, _("Permintaan dikirim ke Dinas untuk ditinjau."))
            return redirect(reverse("registry:portal_home") + "#perubahan")
        messages.success(self.request, _("Draf tersimpan. Anda dapat melanjutkannya nanti."))
        return redirect("registry:portal_change", pk=instance.pk)


def change_request_value(change_request, name):
    """A field of a request as the portal and the review page show it (a choice by its label)."""
    if name == "board_member":
        term = change_request.board_member
        return f"{term.name} ({term.get_role_display()})" if term else None
    display = getattr(change_request, f"get_{name}_display", None)
    return display() if display and getattr(change_request, name) else getattr(change_request, name)
