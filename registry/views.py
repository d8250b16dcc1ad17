"""Pages of the registry. Thin views: access mixin first, a selector for the figures."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import RedirectView, TemplateView

from . import selectors
from .forms import LoginForm
from .mixins import RegistryPermissionMixin


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class HomeView(LoginRequiredMixin, RedirectView):
    pattern_name = "registry:dashboard"


class DashboardView(RegistryPermissionMixin, TemplateView):
    """The district home page: how many cooperatives the user's area holds, and in which state."""

    permission_required = "registry.view_dashboard"
    template_name = "registry/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = selectors.cooperative_status_counts(user=self.request.user)
        context["per_kecamatan"] = selectors.cooperative_counts_by_kecamatan(user=self.request.user)
        return context
