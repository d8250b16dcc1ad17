"""The district home page."""

from django.views.generic import TemplateView

from ..mixins import RegistryPermissionMixin
from ..selectors import dashboard as selectors


class DashboardView(RegistryPermissionMixin, TemplateView):
    """How many cooperatives the user's area holds, and in which state."""

    permission_required = "registry.view_dashboard"
    template_name = "registry/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = selectors.cooperative_status_counts(user=self.request.user)
        context["per_kecamatan"] = selectors.cooperative_counts_by_kecamatan(user=self.request.user)
        return context
