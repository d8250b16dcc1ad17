"""The staff workspace for cooperatives: find, read, create, edit, change status."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, FormView, UpdateView, View
from django_filters.views import FilterView

from .. import data_quality
from ..filters.active import active_filters
from ..filters.cooperatives import CooperativeFilter
from ..forms.cooperative_choice import written
from ..forms.cooperatives import CooperativeForm, CooperativeStatusForm
from ..mixins import (
    CooperativeInAreaMixin,
    InsertOnceMixin,
    NoStoreMixin,
    RegistryPermissionMixin,
    SaveWarningsMixin,
    VersionedEditMixin,
)
from ..models import Cooperative, last_full_year
from ..paginators import BoundedCountPaginator, KeysetPaginationMixin, MatchingIdsPaginator
from ..selectors import assessments as assessment_selectors
from ..selectors import cooperatives as selectors
from ..selectors import partnerships as partnership_selectors
from ..services.cooperatives import cooperative_change_status
from ..services.summary import summary_refresh_soon
from ..services.versioning import EditConflict

LIST_QUERY_KEY = "koperasi_list_query"


def list_url(request):
    """The cooperative list as the user last filtered it (kept in the session)."""
    query = request.session.get(LIST_QUERY_KEY, "")
    return reverse("registry:cooperative_list") + (f"?{query}" if query else "")


class CooperativeListView(RegistryPermissionMixin, KeysetPaginationMixin, FilterView):
    """Find a cooperative: search, filters, sorting, pages that stay fast at 130,000 rows."""

    permission_required = "registry.view_cooperative"
    filterset_class = CooperativeFilter
    template_name = "registry/cooperatives/list.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.cooperative_list_rows(user=self.request.user)

    def page_rows(self, rows):
        return selectors.with_row_names(rows)

    def get_paginator(self, queryset, per_page, **kwargs):
        whole_table = not self.active and self.request.user.covers_whole_district
        table = Cooperative._meta.db_table if whole_table else None
        return super().get_paginator(queryset, per_page, estimate_table=table, **kwargs)

    @property
    def paginator_class(self):
        return MatchingIdsPaginator if self.search_alone_by_name() else BoundedCountPaginator

    def search_alone_by_name(self):
        """A search and no other filter, over the whole district, in the default order by name.

        A search tests three columns of each row: its count and its page then come from one read of
        the matching ids, which PostgreSQL walks in name order in an index made for it (migration
        0041). Elsewhere the two reads stay: in a limited Petugas's area PostgreSQL misjudges the
        walk (the area is a join through the desa) and sorts every match instead, and another order
        or filter reads the table for each row walked (docs/benchmarks.md, "The cooperative search
        at national size").
        """
        if [f.name for f in self.active] != ["q"] or not self.request.user.covers_whole_district:
            return False
        return self.filterset.form.cleaned_data.get("urut") in (None, [], ["nama"], ["-nama"])

    def get(self, request, *args, **kwargs):
        query = request.GET.urlencode()
        if request.session.get(LIST_QUERY_KEY, "") != query:
            request.session[LIST_QUERY_KEY] = query  # "back to the list" keeps the filters
        return super().get(request, *args, **kwargs)

    @cached_property
    def active(self):
        # Read by the paginator, the context and the export links: worked out once per request,
        # after the filterset is bound (FilterView.get), which never changes within the request.
        return active_filters(self.filterset, self.request)

    def get_context_data(self, **kwargs):
        active = self.active
        # The filter panel stays open while a filter other than the search box is in use.
        filters_open = any(f.name != "q" for f in active)
        # A list behind a dashboard sum shows that sum as its total line: a year's reports (members,
        # Rupiah), the desa of the Merah Putih cooperatives.
        valid = self.filterset.is_bound and self.filterset.is_valid()
        report_year = self.filterset.form.cleaned_data.get("laporan_tahun") if valid else None
        by_desa = valid and self.filterset.form.cleaned_data.get("merah_putih") == "true"
        totals = None
        if report_year is not None or by_desa:
            totals = selectors.cooperative_totals(self.object_list, reports=report_year is not None, desa=by_desa)
        return super().get_context_data(
            active_filters=active, filters_open=filters_open, report_year=report_year and int(report_year),
            totals=totals, **kwargs,
        )


class CooperativeDetailView(RegistryPermissionMixin, NoStoreMixin, DetailView):
    """The profile: identity, status history, board, yearly figures, the first members, data quality;
    the change history and the whole member list are pages of their own, linked with their counts."""

    permission_required = "registry.view_cooperative"
    template_name = "registry/cooperatives/detail.html"

    def get_object(self, queryset=None):
        cooperative = selectors.cooperative_for_profile(user=self.request.user, pk=self.kwargs["pk"])
        if cooperative is None:
            raise Http404
        return cooperative

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.cooperative_profile(cooperative=self.object))
        context["back_url"] = list_url(self.request)
        if self.request.user.has_perm("registry.view_assessment"):
            assessments = assessment_selectors.cooperative_assessments(cooperative=self.object)
            context["assessments"] = assessments
            # Offer the last book year when it has no assessment yet and the cooperative lived in it.
            year = last_full_year()
            done = any(a.year == year for a in assessments)
            context["assessment_next_year"] = None if done or self.object.life_error_in_year(year) else year
        if self.request.user.has_perm("registry.view_partnership"):
            # Partnerships, trainings and findings: three queries.
            context["partnership_sections"] = partnership_selectors.profile_sections(
                cooperative=self.object, user=self.request.user
            )
        return context


class CooperativeCreateView(RegistryPermissionMixin, SaveWarningsMixin, InsertOnceMixin, CreateView):
    permission_required = "registry.add_cooperative"
    form_class = CooperativeForm
    template_name = "registry/cooperatives/form.html"

    def save_warnings(self, instance):
        return data_quality.cooperative_save_warnings(instance)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        form.instance._change_reason = form.cleaned_data.get("change_reason") or _("Koperasi baru dicatat")
        response = super().form_valid(form)
        summary_refresh_soon()
        messages.success(self.request, _("Koperasi %(name)s tercatat.") % {"name": self.object.name})
        return response

    def get_success_url(self):
        return reverse("registry:cooperative_detail", args=[self.object.pk])

    def already_recorded_message(self, existing):
        # The Nomor Induk Koperasi, the one unique key a new cooperative has. The other cooperative is
        # named only inside the user's area: outside it, it is as unknown as on its own page (404).
        message = gettext("Nomor Induk Koperasi ini baru saja dicatat orang lain untuk koperasi lain ketika Anda "
                          "menyimpan. Isian Anda belum tersimpan dan masih ada di bawah: periksa nomornya.")
        if not Cooperative.objects.for_user(self.request.user).filter(pk=existing.pk).exists():
            return message
        return format_html("{} " + gettext("Koperasi yang tercatat dengan nomor ini: <a href=\"{url}\">{name}</a>."),
                           message, url=reverse("registry:cooperative_detail", args=[existing.pk]), name=existing.name)

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=list_url(self.request), **kwargs)


class CooperativeUpdateView(RegistryPermissionMixin, SaveWarningsMixin, VersionedEditMixin, UpdateView):
    permission_required = "registry.change_cooperative"
    form_class = CooperativeForm
    template_name = "registry/cooperatives/form.html"

    def get_queryset(self):
        return Cooperative.objects.for_user(self.request.user).select_related("desa__kecamatan")

    def save_warnings(self, instance):
        return data_quality.cooperative_save_warnings(instance)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self):
        return reverse("registry:cooperative_detail", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(cooperative=self.object, back_url=list_url(self.request), **kwargs)


class CooperativeStatusView(RegistryPermissionMixin, CooperativeInAreaMixin, FormView):
    """Move the cooperative along its lifecycle; the reason is required and kept."""

    permission_required = "registry.change_status"
    form_class = CooperativeStatusForm
    template_name = "registry/cooperatives/status_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cooperative": self.get_cooperative()}

    def form_valid(self, form):
        cooperative = self.get_cooperative()
        try:
            cooperative_change_status(
                cooperative=cooperative, to_status=form.cleaned_data["to_status"], reason=form.cleaned_data["reason"],
                changed_on=form.cleaned_data["changed_on"], expected_version=form.cleaned_data["version"],
                user=self.request.user,
            )
        except EditConflict as conflict:
            # The form again with the user's input, the new status's choices and the new version.
            self._cooperative = conflict.current
            form = self.get_form()
            form.data = form.data.copy()
            form.data["version"] = conflict.current.version
            form.add_error(None, _("Data koperasi ini sudah diubah orang lain setelah Anda membuka formulir (status "
                                   "sekarang: %(status)s). Periksa lalu pilih lagi.")
                           % {"status": conflict.current.get_status_display()})
            return self.form_invalid(form)
        except ValidationError as error:
            form.add_error(None, error)  # keyed by the form's fields: reason, to_status
            return self.form_invalid(form)
        messages.success(self.request, _("Status koperasi diubah menjadi %(status)s.")
                         % {"status": cooperative.get_status_display()})
        return redirect("registry:cooperative_detail", cooperative.pk)


class CooperativeSuggestView(RegistryPermissionMixin, View):
    """Suggestions for a cooperative field as one types (JSON): at most 20, in the user's area."""

    permission_required = "registry.view_cooperative"

    def get(self, request, *args, **kwargs):
        cooperatives = selectors.cooperative_suggestions(
            queryset=Cooperative.objects.for_user(request.user), text=request.GET.get("q", "")
        )
        results = [
            {"id": c.pk, "value": written(c), "name": c.name, "nomor_induk": c.nomor_induk or "",
             "desa": c.desa.name, "kecamatan": c.desa.kecamatan.name, "label": selectors.suggestion_label(c)}
            for c in cooperatives
        ]
        response = JsonResponse({"results": results})
        response["Cache-Control"] = "private, no-store"
        return response
