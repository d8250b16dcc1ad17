"""Partnerships: the list, record and edit, the network, suggestions turned into proposals in one step."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, TemplateView, UpdateView
from django_filters.views import FilterView

from .. import matching
from ..filters.active import active_filters
from ..filters.partnerships import PartnershipFilter
from ..forms.partnerships import PartnershipForm
from ..mixins import CooperativeInAreaMixin, RegistryPermissionMixin, VersionedEditMixin
from ..models import Cooperative, Kecamatan, Partnership
from ..paginators import KeysetPaginationMixin
from ..selectors import partnerships as selectors
from ..services.partnerships import evidence_labels, partnership_propose, reason_labels


class PartnershipListView(RegistryPermissionMixin, KeysetPaginationMixin, FilterView):
    permission_required = "registry.view_partnership"
    filterset_class = PartnershipFilter
    template_name = "registry/partnerships/list.html"
    paginate_by = 50
    estimates_whole_table = True  # 60,562 partnerships at national size: the whole list shows "about"

    def get_queryset(self):
        return selectors.partnership_page(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(active_filters=active_filters(self.filterset, self.request), **kwargs)
        selectors.with_cooperative_sides(context["object_list"])
        return context


class PartnershipFormMixin:
    form_class = PartnershipForm
    template_name = "registry/partnerships/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self):
        return reverse("registry:partnership_list") + "?" + urlencode({"q": self.object.cooperative.name})


class PartnershipCreateView(RegistryPermissionMixin, PartnershipFormMixin, CreateView):
    """Record a partnership; ?koperasi=<id> starts it for that cooperative."""

    permission_required = "registry.add_partnership"

    def get_initial(self):
        return {"cooperative": self.request.GET.get("koperasi")}

    def form_valid(self, form):
        form.instance._change_reason = form.cleaned_data.get("change_reason") or _("Kemitraan dicatat")
        messages.success(self.request, _("Kemitraan tercatat."))
        return super().form_valid(form)


class PartnershipUpdateView(RegistryPermissionMixin, PartnershipFormMixin, VersionedEditMixin, UpdateView):
    permission_required = "registry.change_partnership"

    def get_queryset(self):
        return selectors.partnership_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(record_history=selectors.record_history(self.object), **kwargs)


class PartnershipNetworkView(RegistryPermissionMixin, TemplateView):
    """Who partners with whom, district-wide or in one kecamatan (?kecamatan=<code>), as SVG and tables."""

    permission_required = "registry.view_partnership"
    template_name = "registry/partnerships/network.html"

    def get_context_data(self, **kwargs):
        user, query = self.request.user, self.request.GET
        choices = list(Kecamatan.objects.for_user(user).order_by("name"))
        cooperative = None
        if query.get("koperasi"):
            # One cooperative and its partners (wherever they are); it must be in the user's area.
            cooperative = get_object_or_404(Cooperative.objects.for_user(user).select_related("desa__kecamatan"),
                                            pk=query["koperasi"])
        if "kecamatan" in query:
            code = query["kecamatan"]  # empty: the whole area, chosen explicitly
            kecamatan = next((k for k in choices if k.code == code), None)
            if code and kecamatan is None:
                raise Http404
        else:
            # Opened without a choice: one kecamatan, the busiest, since the district's drawing is unreadable.
            kecamatan = None if cooperative else selectors.busiest_kecamatan(user=user, choices=choices)
        kinds = dict(Partnership.Kind.choices)
        kind = query.get("jenis") or None
        if kind is not None and kind not in kinds:
            messages.error(self.request, _("Jenis kemitraan “%(kind)s” tidak dikenal: semua jenis ditampilkan.")
                           % {"kind": kind})
            kind = None
        graph = selectors.partnership_network(user=user, kecamatan=kecamatan, cooperative=cooperative, kind=kind)
        return super().get_context_data(network=graph, kecamatan=kecamatan, kecamatan_list=choices,
                                        focus=cooperative, kind=kind, kind_label=kinds.get(kind),
                                        kind_choices=Partnership.Kind.choices, **kwargs)


class PartnershipSuggestionView(RegistryPermissionMixin, CooperativeInAreaMixin, TemplateView):
    """Ranked candidate partners for one cooperative, each with its reasons, and the method explained."""

    permission_required = "registry.view_partnership"
    template_name = "registry/partnerships/suggestions.html"

    def get_context_data(self, **kwargs):
        cooperative, user = self.get_cooperative(), self.request.user
        found = selectors.partnership_suggestions(cooperative=cooperative, user=user)
        rows = [(other, candidate, reason_labels(candidate)) for other, candidate in found]
        kinds = dict(Partnership.Kind.choices)
        outside = [
            (need, kinds[need], [(party, candidate, evidence_labels(candidate)) for party, candidate in parties])
            for need, parties in selectors.outside_party_suggestions(cooperative=cooperative, user=user).items()
        ]
        return super().get_context_data(
            suggestions=rows, points=matching.POINTS, strong=matching.STRONG, weak=matching.WEAK,
            outside=outside, outside_points=matching.OUTSIDE_POINTS, outside_limit=matching.OUTSIDE_LIMIT,
            **kwargs,
        )


class PartnershipProposeView(RegistryPermissionMixin, CooperativeInAreaMixin, View):
    """POST: turn a suggestion into a proposed partnership in one step."""

    permission_required = "registry.add_partnership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        cooperative = self.get_cooperative()
        partner = get_object_or_404(Cooperative.objects.for_user(request.user), pk=kwargs["partner_pk"])
        candidate = selectors.suggestion_for(cooperative=cooperative, partner=partner, user=request.user)
        if candidate is None:
            messages.error(request, _("%(name)s tidak lagi disarankan (sudah bermitra atau tidak aktif).")
                           % {"name": partner.name})
            return redirect("registry:partnership_suggestions", cooperative.pk)
        partnership = partnership_propose(cooperative=cooperative, partner=partner, candidate=candidate)
        messages.success(request, _("Kemitraan dengan %(name)s diusulkan.") % {"name": partner.name})
        return redirect("registry:partnership_update", partnership.pk)


