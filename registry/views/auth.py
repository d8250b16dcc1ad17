"""Signing in and out, and the front door."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import RedirectView

from ..forms.auth import LoginForm
from ..models import BOARD_ROLE


def is_board_member(user):
    """Whether the user signs in for a cooperative's board (the portal), not for the Dinas."""
    return BOARD_ROLE in getattr(user, "role_names", ())


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        if is_board_member(self.request.user):
            return reverse("registry:portal_home")
        return super().get_default_redirect_url()


class LogoutView(auth_views.LogoutView):
    pass


class HomeView(LoginRequiredMixin, RedirectView):
    """The front door: a cooperative's board member to the portal, everyone else to the dashboard."""

    def get_redirect_url(self, *args, **kwargs):
        return reverse("registry:portal_home" if is_board_member(self.request.user) else "registry:dashboard")


class AdminLoginView(RedirectView):
    """/admin/login/ is our login page: one form, one username check, one lockout.

    A signed-in member of staff goes on to the admin; anyone else signed in gets 403 (sent to the
    login page, which returns a signed-in user to `next`, they would loop back to /admin/).
    """

    pattern_name = "login"
    query_string = True

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not request.user.is_staff:
                raise PermissionDenied
            return redirect("admin:index")
        return super().get(request, *args, **kwargs)
