"""Members: the list across cooperatives, one member, the logged NIK reveal, add/edit/end."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView
from django_filters.views import FilterView

from .. import data_quality, masks
from .. import nik as nik_codec
from ..filters.active import active_filters
from ..filters.members import NIK_SEARCH_SESSION_KEY, MemberFilter
from ..forms.people import MemberEndForm, MemberErasureForm, MemberForm, NikSearchForm
from ..mixins import (
    CooperativeInAreaMixin,
    InsertOnceMixin,
    NoStoreMixin,
    RegistryPermissionMixin,
    VersionedEditMixin,
)
from ..models import Member
from ..paginators import BoundedCountPaginator, KeysetPaginationMixin
from ..security import client_ip
from ..selectors import members as selectors
from ..services.erasure import AlreadyErased, erase_member
from ..services.limits import LimitReached
from ..services.members import REVEAL_PURPOSE_MAX, REVEAL_PURPOSE_MIN, member_reveal_nik, member_search_nik
from .limits import limit_reached


class MemberListView(RegistryPermissionMixin, NoStoreMixin, KeysetPaginationMixin, FilterView):
    """Members across cooperatives, NIK masked; exact NIK search through the keyed hash."""

    permission_required = "registry.view_member"
    filterset_class = MemberFilter
    template_name = "registry/members/list.html"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        # A NIK in the address (an old bookmark, a number typed into the name box) is already in the
        # browser history: send it to the POST search and never echo it into links or exports.
        if "nik" in request.GET or nik_codec.contains_nik(request.GET.get("q", "")):
            messages.warning(request, _("NIK dicari lewat formulir Cari NIK, tidak lewat alamat halaman: "
                                        "alamat tersimpan di riwayat peramban dan di log."))
            return HttpResponseRedirect(reverse("registry:member_nik_search"))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.member_list_rows(user=self.request.user)

    def page_rows(self, rows):
        return selectors.with_row_names(rows)

    def get_paginator(self, queryset, per_page, **kwargs):
        whole_table = not self.active and self.request.user.covers_whole_district
        table = Member._meta.db_table if whole_table else None
        return super().get_paginator(queryset, per_page, estimate_table=table, **kwargs)

    @cached_property
    def active(self):
        # Read by the paginator, the context and the export links: worked out once per request,
        # after the filterset is bound (FilterView.get), which never changes within the request.
        return active_filters(self.filterset, self.request)

    def get_context_data(self, **kwargs):
        nik_search = self.request.session.get(NIK_SEARCH_SESSION_KEY) if self.request.GET.get("hasil_nik") else None
        return super().get_context_data(active_filters=self.active, nik_search=nik_search,
                                        nik_search_form=NikSearchForm(), **kwargs)


class MemberNikSearchView(RegistryPermissionMixin, NoStoreMixin, FormView):
    """Search by full NIK, in a POST body only, logged and limited per day.

    With `reveal_nik` the result is the member list narrowed to that NIK (kept in the session, so
    the pages and the export carry no NIK); without it only the cooperatives where the NIK is
    listed, with the masked NIK: a confirmation that can be logged, not a profile.
    """

    permission_required = "registry.view_member"
    form_class = NikSearchForm
    template_name = "registry/members/nik_search.html"

    def form_valid(self, form):
        try:
            result = member_search_nik(nik=form.cleaned_data["nik"], user=self.request.user,
                                       ip_address=client_ip(self.request))
        except LimitReached as error:
            return limit_reached(self.request, error)
        if masks.sees_personal_data(self.request.user):
            self.request.session[NIK_SEARCH_SESSION_KEY] = {"hash": result.nik_hash, "masked": result.masked}
            return HttpResponseRedirect(reverse("registry:member_list") + "?hasil_nik=1")
        cooperatives = list({m.cooperative_id: m.cooperative for m in result.memberships}.values())
        return self.render_to_response(self.get_context_data(
            form=self.form_class(), searched=True, masked=result.masked, cooperatives=cooperatives,
        ))


class MemberDuplicateListView(RegistryPermissionMixin, NoStoreMixin, ListView):
    """People (the same NIK) listed in more than one cooperative of the user's area."""

    permission_required = "registry.view_member"
    template_name = "registry/members/duplicates.html"
    paginate_by = 25
    paginator_class = BoundedCountPaginator

    def get_queryset(self):
        return selectors.duplicate_nik_hashes(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hashes = [row["nik_hash"] for row in context["page_obj"]]
        context["people"] = selectors.members_by_hash(user=self.request.user, hashes=hashes)
        return context


class MemberDetailView(RegistryPermissionMixin, NoStoreMixin, DetailView):
    """One member, NIK masked; Admin Dinas and Petugas may reveal it (logged)."""

    permission_required = "registry.view_member"
    template_name = "registry/members/detail.html"

    def get_queryset(self):
        return selectors.member_list(user=self.request.user)


@method_decorator(never_cache, name="dispatch")
class MemberRevealView(RegistryPermissionMixin, NoStoreMixin, DetailView):
    """POST only: log the reveal (who, whose, when, from where), then show the full NIK once."""

    permission_required = "registry.reveal_nik"
    template_name = "registry/members/detail.html"
    http_method_names = ["post"]

    def get_queryset(self):
        return selectors.member_list(user=self.request.user)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        purpose = " ".join(request.POST.get("purpose", "").split())
        if not REVEAL_PURPOSE_MIN <= len(purpose) <= REVEAL_PURPOSE_MAX:
            # Nothing is revealed or logged without a purpose: the page again, with the field in error.
            response = self.render_to_response(self.get_context_data(
                purpose_error=_("Tulis keperluan membuka NIK ini (%(min)s sampai %(max)s huruf), misalnya "
                                "“pencocokan data penerima bantuan”.") % {"min": REVEAL_PURPOSE_MIN,
                                                                          "max": REVEAL_PURPOSE_MAX},
                purpose=purpose[:REVEAL_PURPOSE_MAX],
            ))
            response.status_code = 400
            return response
        try:
            revealed = member_reveal_nik(member=self.object, user=request.user, ip_address=client_ip(request),
                                         purpose=purpose)
        except LimitReached as error:
            return limit_reached(request, error)
        return self.render_to_response(self.get_context_data(
            revealed_nik=revealed, nik_unreadable=self.object.has_nik and revealed is None,
        ))


class NikRevealListView(RegistryPermissionMixin, NoStoreMixin, ListView):
    """Who revealed whose NIK, when: the audit trail for Admin Dinas."""

    permission_required = "registry.view_nikreveal"
    template_name = "registry/members/reveal_log.html"
    paginate_by = 50
    paginator_class = BoundedCountPaginator

    def get_queryset(self):
        return selectors.nik_reveals(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(searches=selectors.nik_searches(), **kwargs)


def member_success_url(member):
    return reverse("registry:member_detail", args=[member.pk])


class MemberWarningsMixin:
    """The form's own warnings (an NIK from outside Kutai Timur) and, once saved, the data-quality ones."""

    def form_valid(self, form):
        for warning in form.warnings:
            messages.warning(self.request, warning)
        response = super().form_valid(form)
        for warning in data_quality.member_save_warnings(self.object):
            messages.warning(self.request, warning)
        return response


class MemberCreateView(
    RegistryPermissionMixin, NoStoreMixin, CooperativeInAreaMixin, MemberWarningsMixin, InsertOnceMixin, CreateView
):
    permission_required = "registry.add_member"
    form_class = MemberForm
    template_name = "registry/cooperatives/child_form.html"
    extra_context = {"title": _("Tambah anggota")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "cooperative": self.get_cooperative()}

    def form_valid(self, form):
        form.instance.cooperative = self.get_cooperative()
        form.instance._change_reason = form.cleaned_data.get("change_reason") or _("Anggota baru")
        response = super().form_valid(form)
        messages.success(self.request, _("Anggota %(name)s tercatat.") % {"name": self.object.name})
        return response

    def already_recorded_message(self, existing):
        # The NIK within the cooperative, the one unique key a new member has; never repeated on the page.
        return format_html(
            gettext("NIK ini baru saja dicatat orang lain untuk anggota koperasi ini ketika Anda menyimpan: "
                    "<a href=\"{url}\">{name}</a>. Isian Anda belum tersimpan dan masih ada di bawah."),
            url=member_success_url(existing), name=existing.name,
        )

    def get_success_url(self):
        return member_success_url(self.object)


class MemberUpdateView(
    RegistryPermissionMixin, NoStoreMixin, CooperativeInAreaMixin, MemberWarningsMixin, VersionedEditMixin, UpdateView
):
    permission_required = "registry.change_member"
    form_class = MemberForm
    template_name = "registry/cooperatives/child_form.html"
    extra_context = {"title": _("Ubah anggota")}

    def get_queryset(self):
        return selectors.member_list(user=self.request.user).filter(erased_at__isnull=True)

    def get_cooperative(self):
        return self.object.cooperative

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "cooperative": self.get_cooperative()}

    def get_success_url(self):
        return member_success_url(self.object)


class MemberEraseView(RegistryPermissionMixin, NoStoreMixin, FormView):
    """Erase a member's personal data on request (Admin Dinas): a page that says what goes, asks why."""

    permission_required = "registry.erase_member"
    form_class = MemberErasureForm
    template_name = "registry/members/erase.html"

    @cached_property
    def member(self):
        """Looked up after the permission check: who may not erase gets 403, not a 404 that differs."""
        queryset = selectors.member_list(user=self.request.user).filter(erased_at__isnull=True)
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.member  # noqa: B018 (404 before the form is shown)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, **kwargs)

    def form_valid(self, form):
        try:
            erasure = erase_member(member_id=self.member.pk, user=self.request.user,
                                   reason=form.cleaned_data["reason"])
        except AlreadyErased:
            messages.info(self.request, _("Data pribadi anggota ini sudah dihapus sebelumnya."))
        else:
            messages.success(self.request, _("Data pribadi anggota dihapus (penghapusan #%(id)s).")
                             % {"id": erasure.pk})
        return HttpResponseRedirect(member_success_url(self.member))


class MemberEndView(RegistryPermissionMixin, NoStoreMixin, CooperativeInAreaMixin, VersionedEditMixin, UpdateView):
    permission_required = "registry.change_member"
    form_class = MemberEndForm
    template_name = "registry/cooperatives/child_form.html"
    extra_context = {"title": _("Anggota keluar")}
    success_message = _("Tanggal keluar anggota tercatat.")

    def get_queryset(self):
        return selectors.member_list(user=self.request.user).filter(erased_at__isnull=True)

    def get_cooperative(self):
        return self.object.cooperative

    def get_success_url(self):
        return member_success_url(self.object)
