"""Forms of the registry: input parsing and cross-field checks."""

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form with a plainer message than its Indonesian catalogue gives."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil. "
            "Setelah 5 kali salah, akun dikunci 15 menit."
        ),
        "inactive": _("Akun ini dinonaktifkan. Hubungi admin Dinas."),
    }
