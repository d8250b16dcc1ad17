"""Forms of signing in: the password, and the second factor."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .. import second_factor
from ..services.second_factor import second_factor_check, totp_device_enrol


class LoginForm(AuthenticationForm):
    """Django's login form with plainer messages, and a username longer than the field refused
    before it reaches authentication (Django only sets the HTML maxlength; axes then failed to
    record the attempt on PostgreSQL)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil. "
            "Setelah 5 kali salah, akun dikunci 15 menit."
        ),
        "inactive": _("Akun ini dinonaktifkan. Hubungi admin Dinas."),
        "term_ended": _("Masa jabatan Anda sebagai pengurus sudah berakhir: akun ini tidak dapat dipakai lagi."),
        "username_too_long": _("Nama pengguna paling panjang %(limit)d karakter."),
    }

    def confirm_login_allowed(self, user):
        """A board member whose term has ended since the last nightly purge: the account ends now."""
        super().confirm_login_allowed(user)
        from ..services.board_accounts import accounts_end_with_terms

        account = getattr(user, "cooperative_account", None) if hasattr(user, "cooperative_account") else None
        if account is not None and account.ended_at is None and not account.board_member.is_current():
            accounts_end_with_terms(board_member=account.board_member)
            raise ValidationError(self.error_messages["term_ended"], code="inactive")

    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length
        if len(username) > limit:
            raise ValidationError(
                self.error_messages["username_too_long"], code="username_too_long", params={"limit": limit}
            )
        return username


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            max_length=16,
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
            **kwargs,
        )


class SecondFactorVerifyForm(forms.Form):
    """A code from the authenticator app, or one of the backup codes."""

    code = CodeField(
        label=_("Kode verifikasi"),
        help_text=_("Enam angka dari aplikasi autentikator, atau satu kode cadangan."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        code = self.cleaned_data["code"]
        self.device = second_factor_check(user=self.user, code=code)
        if self.device is None:
            wait = second_factor.locked_until(self.user)
            if wait is not None:
                raise ValidationError(
                    _("Kode salah. Terlalu banyak kode salah: coba lagi setelah pukul %(time)s."),
                    code="throttled",
                    params={"time": formats.time_format(timezone.localtime(wait), "H:i:s")},
                )
            raise ValidationError(_("Kode salah atau sudah terpakai."), code="invalid")
        return code


class AppEnrolForm(forms.Form):
    """The first code from the newly scanned app: proof that it holds the key."""

    code = CodeField(label=_("Kode dari aplikasi"), help_text=_("Enam angka yang tampil di aplikasi sekarang."))

    def __init__(self, *args, user, key, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.key = key
        self.device = None

    def clean_code(self):
        code = self.cleaned_data["code"]
        self.device = totp_device_enrol(user=self.user, key=self.key, code=code)
        if self.device is None:
            raise ValidationError(
                _("Kode tidak cocok. Pastikan jam di ponsel tepat, lalu masukkan kode yang sedang tampil."),
                code="invalid",
            )
        return code
