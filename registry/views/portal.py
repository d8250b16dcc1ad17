"""The cooperatives' portal: board accounts (invited by a Petugas), the first sign-in, the portal home.

A board member's account sees its own cooperative only: every portal page takes the cooperative
from the account, never from the URL, and every staff page answers it 403 (it holds no staff
permission), as it does anyone without a role.
"""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from ..forms.portal import BoardAccountInviteForm, FirstSignInForm
from ..mixins import CooperativeInAreaMixin, NoStoreMixin, RegistryPermissionMixin
from ..models import BoardMember, YearlyReport
from ..models.portal import CooperativeAccount
from ..services.board_accounts import CODE_VALIDITY, account_first_sign_in, account_invite, accounts_end_with_terms


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
        return context


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
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
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
        })
