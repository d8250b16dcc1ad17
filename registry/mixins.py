"""What our views share: one access rule (a permission, never is_staff; records through for_user()),
the cooperative a page is about, saving over a version, no caching of personal data, and the
dashboard's year, kecamatan and figures."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db import DEFAULT_DB_ALIAS
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from . import figures
from .dashboard import Links, dashboard_sections
from .models import MIN_YEAR, Cooperative, last_full_year
from .selectors import dashboard as dashboard_selectors
from .services.creation import AlreadyRecorded, insert_once
from .services.versioning import EditConflict, remember_loaded, save_versioned


class RegistryPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Anonymous users go to the login page; signed-in users without the permission get 403 (a
    cooperative's board account never gets here: BoardAccountReachMiddleware answers it 404 first).

    Views that show records get them with `Model.objects.for_user(request.user)`, so a record
    outside the user's kecamatan is a 404 that does not confirm it exists.
    """

    raise_exception = False

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()


class CooperativeInAreaMixin:
    """Pages about one cooperative (its board, members, reports, assessments...): the cooperative in
    the user's area, else 404; fetched once per request and handed to the template as `cooperative`.

    The cooperative's id comes from the URL (`cooperative_pk`); a view that takes it from elsewhere
    overrides `get_cooperative_pk()`, returning None when there is none (no 404 then).
    """

    def get_cooperative_pk(self):
        return self.kwargs["cooperative_pk"]

    def get_cooperative(self):
        if not hasattr(self, "_cooperative"):
            pk = self.get_cooperative_pk()
            queryset = Cooperative.objects.for_user(self.request.user).select_related("desa__kecamatan")
            self._cooperative = None if pk is None else get_object_or_404(queryset, pk=pk)
        return self._cooperative

    def get_context_data(self, **kwargs):
        kwargs.setdefault("cooperative", self.get_cooperative())
        return super().get_context_data(**kwargs)


class VersionedEditMixin:
    """Saves an UpdateView's VersionedModelForm only over the version it was opened at.

    On a conflict the form comes back with the user's own changes, the other person's changes in
    `conflict` and already in the fields the user had left alone, and the new version in its
    hidden field: saving again writes only what differs from the record as it is now, that is the
    user's changes (and, on a field both changed, deliberately the user's value).
    """

    success_message = _("Perubahan tersimpan.")

    def get_object(self, queryset=None):
        return remember_loaded(super().get_object(queryset))

    def form_valid(self, form):
        instance = form.save(commit=False)
        try:
            save_versioned(
                instance=instance,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data.get("change_reason", ""),
            )
        except EditConflict as conflict:
            form.take_theirs(conflict)
            form.add_error(
                None,
                _(
                    "Data ini sudah diubah orang lain setelah Anda membukanya. Isian Anda masih ada di bawah: "
                    "periksa perubahan mereka, sesuaikan isian Anda, lalu simpan lagi."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form, conflict=conflict))
        form.save_m2m()
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class InsertOnceMixin:
    """Saves a CreateView's new record through `insert_once`: when someone else recorded the same one
    (the same unique key) while this form was being saved, the form comes back with the user's input
    and `already_recorded_message(existing)`, which says so and links to what is on record.

    Put it just before CreateView: it replaces the form's save; what a view's own `form_valid` does
    after calling it (a success message, warnings) happens only when the record was saved.
    """

    def already_recorded_message(self, existing):
        return _("Data yang sama baru saja dicatat orang lain ketika Anda menyimpan. Isian Anda belum tersimpan "
                 "dan masih ada di bawah.")

    def form_valid(self, form):
        self.object = insert_once(instance=form.save(commit=False))
        form.save_m2m()
        return HttpResponseRedirect(self.get_success_url())

    def post(self, request, *args, **kwargs):
        self.object = None
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            return self.form_valid(form)
        except AlreadyRecorded as taken:
            form.add_error(None, self.already_recorded_message(taken.existing))
            return self.form_invalid(form)


class SaveWarningsMixin:
    """After a successful save, the data-quality warnings about the saved record (`save_warnings`):
    shown as messages, never a refusal."""

    def save_warnings(self, instance):
        return []

    def form_valid(self, form):
        response = super().form_valid(form)
        for warning in self.save_warnings(self.object):
            messages.warning(self.request, warning)
        return response


class NoStoreMixin:
    """Pages that show personal data (names, NIK) are never kept in a browser or proxy cache."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        patch_cache_control(response, no_store=True, private=True)
        return response


class DashboardMixin:
    """The dashboard's year (?tahun=, default the last full year) and kecamatan (?kecamatan=, in the
    user's area, else 404), its figures and their sections: shared by the page, the API and the export."""

    @cached_property
    def year(self):
        try:
            year = int(self.request.GET.get("tahun", ""))
        except ValueError:
            return last_full_year()
        # A book year that has not ended has no figures yet: the last full year instead.
        return year if MIN_YEAR < year <= last_full_year() else last_full_year()

    def get_database(self):
        """The database alias the figures are read from: the primary for the pages (a page after a
        refresh shows it); the API reads the read replica (SummaryApiView)."""
        return DEFAULT_DB_ALIAS

    @cached_property
    def area(self):
        return dashboard_selectors.kecamatan_in_area(user=self.request.user, using=self.get_database())

    @cached_property
    def kecamatan_code(self):
        code = self.request.GET.get("kecamatan", "")
        if code and code not in dict(self.area):
            raise Http404  # outside the user's area: not found, as for any record
        return code

    @cached_property
    def shown_kecamatan(self):
        """The kecamatan whose figures are shown: the chosen one, or every one of the area."""
        return [(c, n) for c, n in self.area if c == self.kecamatan_code] if self.kecamatan_code else self.area

    # What the figures are read with besides the summary's rows: the page's cache key is made of them.
    @cached_property
    def refresh(self):
        return dashboard_selectors.latest_refresh(using=self.get_database())

    @cached_property
    def season(self):
        return dashboard_selectors.office_season(year=self.year, using=self.get_database())

    @cached_property
    def active_partnerships(self):
        return dashboard_selectors.active_partnership_count(
            user=self.request.user, codes=[code for code, _name in self.shown_kecamatan],
            chosen=bool(self.kecamatan_code), refresh=self.refresh, using=self.get_database(),
        )

    @cached_property
    def dashboard(self):
        return dashboard_selectors.dashboard(
            user=self.request.user, year=self.year, kecamatan=self.shown_kecamatan,
            first_trend_year=figures.FIRST_TREND_YEAR, chosen=bool(self.kecamatan_code), latest_year=last_full_year(),
            using=self.get_database(), refresh=self.refresh, season=self.season,
            active_partnerships=self.active_partnerships,
        )

    @cached_property
    def links(self):
        return Links(self.kecamatan_code)

    @cached_property
    def sections(self):
        return dashboard_sections(self.dashboard, self.links)
