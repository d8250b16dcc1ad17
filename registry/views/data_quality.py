"""The Admin Dinas list of data-quality warnings across the district (rules in `registry.data_quality`)."""

from django.utils import timezone
from django.views.generic import TemplateView

from .. import data_quality
from ..mixins import NoStoreMixin, RegistryPermissionMixin
from ..models import Cooperative


class DataQualityView(RegistryPermissionMixin, NoStoreMixin, TemplateView):
    """Four lists, each bounded, in a fixed number of queries: same name in one desa, more than one
    sitting ketua, NIKs that disagree with the birth date or sex, members reported and listed far apart."""

    permission_required = "registry.view_data_quality"
    template_name = "registry/data_quality.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        cooperatives = Cooperative.objects.for_user(self.request.user)
        return super().get_context_data(
            same_names=data_quality.district_same_names(cooperatives),
            chairs=data_quality.district_sitting_chairs(cooperatives, today),
            nik_disagreements=data_quality.district_nik_disagreements(cooperatives),
            far_apart=data_quality.district_members_far_apart(cooperatives, today),
            share=data_quality.MEMBERS_APART_SHARE, minimum=data_quality.MEMBERS_APART_MIN,
            **kwargs,
        )
