"""The signed-in user's own account: password, second factor (authenticator app, backup codes)."""

from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView, View
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import second_factor
from ..forms.auth import AppEnrolForm, SecondFactorVerifyForm
from ..services.second_factor import backup_codes_renew, new_totp_key, second_factor_reset

PENDING_KEY_SESSION = "second_factor_pending_key"


def _next_url(request):
    """Where to go after the second-factor step: the `next` given, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class AccountView(LoginRequiredMixin, TemplateView):
    template_name = "registry/account/account.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, second_factor=second_factor.status(self.request.user))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (the old password, the new one twice, the password rules) in our layout."""

    template_name = "registry/account/password_change.html"
    success_url = reverse_lazy("registry:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Kata sandi sudah diganti."))
        return response


@method_decorator(never_cache, name="dispatch")
class SecondFactorSetupView(LoginRequiredMixin, FormView):
    """Scan the QR code (or type the key), confirm one code; then the backup codes, shown once.

    The key waits in the session until a code proves the app holds it: nothing is written before.
    """

    form_class = AppEnrolForm
    template_name = "registry/account/second_factor_setup.html"

    def key(self):
        if PENDING_KEY_SESSION not in self.request.session:
            self.request.session[PENDING_KEY_SESSION] = new_totp_key()
        return self.request.session[PENDING_KEY_SESSION]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "key": self.key()}

    def get_context_data(self, **kwargs):
        device = TOTPDevice(user=self.request.user, key=self.key())  # unsaved: only its otpauth URI
        uri = device.config_url
        qr_svg = segno.make(uri, error="m").svg_inline(
            scale=4, border=4, light="#fff", title=_("Kode QR untuk aplikasi autentikator")
        )
        secret = b32encode(device.bin_key).decode()
        return super().get_context_data(
            **kwargs,
            qr_svg=mark_safe(qr_svg),  # segno's own markup, no user input in it
            secret_groups=[secret[i : i + 4] for i in range(0, len(secret), 4)],
            otpauth_uri=uri,
            required=second_factor.is_required(self.request.user),
            next=_next_url(self.request),
        )

    def form_valid(self, form):
        del self.request.session[PENDING_KEY_SESSION]
        django_otp.login(self.request, form.device)
        second_factor.step_passed(self.request)
        codes = backup_codes_renew(user=self.request.user)
        messages.success(self.request, _("Verifikasi dua langkah aktif. Simpan kode cadangan di bawah ini."))
        return render(
            self.request, "registry/account/backup_codes.html", {"codes": codes, "next": _next_url(self.request)}
        )


@method_decorator(never_cache, name="dispatch")
class SecondFactorVerifyView(LoginRequiredMixin, FormView):
    """The code asked after the password, when the account has a device."""

    form_class = SecondFactorVerifyForm
    template_name = "registry/account/second_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.session.get(second_factor.SESSION_KEY) == second_factor.VERIFY:
            # The devices may have been reset since sign-in: then the step owed is another one.
            step = second_factor.step_owed(request.user)
            if step != second_factor.VERIFY:
                second_factor.step_passed(request)
                if step:
                    request.session[second_factor.SESSION_KEY] = step
                return redirect(_next_url(request))
        elif request.user.is_authenticated:
            return redirect(_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, next=_next_url(self.request))

    def form_valid(self, form):
        django_otp.login(self.request, form.device)
        second_factor.step_passed(self.request)
        if isinstance(form.device, StaticDevice):
            left = second_factor.status(self.request.user).backup_codes_left
            message = _("Anda masuk dengan kode cadangan; tersisa %(left)d. Buat kode baru di halaman Akun.")
            messages.warning(self.request, message % {"left": left})
        return redirect(_next_url(self.request))


@method_decorator(never_cache, name="dispatch")
class BackupCodesView(LoginRequiredMixin, View):
    """New backup codes, shown once (POST): the earlier ones stop working."""

    def post(self, request):
        if not second_factor.status(request.user).enrolled:
            return redirect("registry:account")
        codes = backup_codes_renew(user=request.user)
        context = {"codes": codes, "next": reverse("registry:account")}
        return render(request, "registry/account/backup_codes.html", context)


class SecondFactorDisableView(LoginRequiredMixin, View):
    """Turn one's own second factor off (POST), unless the role requires it."""

    def post(self, request):
        if second_factor.is_required(request.user):
            raise PermissionDenied(_("Verifikasi dua langkah wajib untuk peran Anda."))
        second_factor_reset(user=request.user)
        request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
        messages.success(request, _("Verifikasi dua langkah dimatikan."))
        return redirect("registry:account")
