"""Figures for other systems: /api/ringkasan.json?tahun=&kecamatan= (documented in docs/api.md)."""

from django.conf import settings
from django.http import JsonResponse
from django.views import View

from ..dashboard import api_body
from ..mixins import DashboardMixin, RegistryPermissionMixin


class SummaryApiView(RegistryPermissionMixin, DashboardMixin, View):
    """The dashboard's figures as JSON: the same numbers, links and explanations as the page."""

    permission_required = "registry.view_dashboard"

    def get_database(self):
        return settings.REPLICA_DATABASE  # figures for other systems: off the primary when a replica is set

    def get(self, request, *args, **kwargs):
        response = JsonResponse(api_body(self.dashboard, self.sections), json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = "private, max-age=60"
        return response
