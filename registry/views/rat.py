"""The RAT season tracker: where every active cooperative stands with its RAT and its report, the
reminder letters to print, and reminder emails sent by the task worker (rules in `rat_season`)."""

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView
from openpyxl import Workbook

from .. import rat_season
from ..mixins import CooperativeInAreaMixin, NoStoreMixin, RegistryPermissionMixin
from ..models import MIN_YEAR, Cooperative, Kecamatan, OfficeSettings, User, last_full_year
from ..spreadsheets.xlsx_formats import formatted_sheet

PAGE_SIZE = 50
REMINDED_STATES = (rat_season.OVERDUE, rat_season.NOT_REPORTED, rat_season.NOT_YET)


class RatSeasonMixin:
    """The season's year (?tahun=, default the last closed book year), kecamatan (?kecamatan=, in the
    user's area, else 404) and field officer (?petugas=, a Petugas: the cooperatives of their area);
    for the list, a state (?keadaan=) and the channel of a reported RAT (?lewat=portal or petugas).
    An unknown state or channel is a 404, as an unknown kecamatan."""

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def year(self):
        value = self.request.GET.get("tahun") or self.request.POST.get("tahun")
        year = int(value) if value and value.isdigit() else last_full_year(self.today)
        if not MIN_YEAR <= year <= last_full_year(self.today):
            raise Http404  # only closed book years have a RAT season
        return year

    @cached_property
    def kecamatan_choices(self):
        return list(Kecamatan.objects.for_user(self.request.user).order_by("name"))

    @cached_property
    def kecamatan(self):
        code = self.request.GET.get("kecamatan") or self.request.POST.get("kecamatan")
        if not code:
            return None
        found = next((k for k in self.kecamatan_choices if k.code == code), None)
        if found is None:
            raise Http404
        return found

    @cached_property
    def officer_choices(self):
        return list(User.objects.filter(groups__name="Petugas", is_active=True).order_by("first_name", "username"))

    @cached_property
    def officer(self):
        value = self.request.GET.get("petugas") or self.request.POST.get("petugas")
        if not value:
            return None
        found = next((u for u in self.officer_choices if str(u.pk) == value), None)
        if found is None:
            raise Http404
        return found

    @cached_property
    def season(self):
        return rat_season.season(self.year, OfficeSettings.current(), self.today)

    def season_cooperatives(self):
        cooperatives = Cooperative.objects.for_user(self.request.user)
        if self.kecamatan is not None:
            cooperatives = cooperatives.filter(desa__kecamatan=self.kecamatan)
        if self.officer is not None:
            cooperatives = rat_season.in_officer_area(cooperatives, self.officer)
        return rat_season.season_cooperatives(cooperatives, self.season)

    @cached_property
    def state(self):
        state = self.request.GET.get("keadaan") or None
        if state is not None and state not in rat_season.STATES:
            raise Http404
        return state

    @cached_property
    def channel(self):
        channel = self.request.GET.get("lewat") or None
        if channel is not None and channel not in rat_season.CHANNELS:
            raise Http404
        return channel

    def listed_cooperatives(self):
        """The list the page shows, its export and the dashboard's links open (tests/figure_walk.py)."""
        return rat_season.listed(self.season_cooperatives(), state=self.state, channel=self.channel)

    def filters(self, **changes):
        params = {"tahun": self.year, "kecamatan": self.kecamatan.code if self.kecamatan else None,
                  "petugas": self.officer.pk if self.officer else None, **changes}
        return urlencode({key: value for key, value in params.items() if value not in (None, "")})


class RatSeasonView(RegistryPermissionMixin, RatSeasonMixin, TemplateView):
    permission_required = "registry.view_yearlyreport"
    template_name = "registry/rat/season.html"

    # The chooser offers the last 15 closed book years (a season further back is still reachable by
    # its address, and stays in the list once chosen): 80 years back to 1945 buried the ones in use.
    YEARS_OFFERED = 15

    def year_options(self):
        last = last_full_year(self.today)
        return sorted({*range(last, last - self.YEARS_OFFERED, -1), self.year}, reverse=True)

    def get_context_data(self, **kwargs):
        state, channel = self.state, self.channel
        counts = rat_season.state_counts(self.season_cooperatives())
        listed = self.listed_cooperatives()
        paginator = Paginator(listed.select_related("desa__kecamatan").order_by("desa__kecamatan__name", "name", "id"),
                              PAGE_SIZE)
        # Counted above, no second COUNT: a channel's rows are all reported, so with a channel the
        # state filter is either "dilaporkan" (the same rows) or another state (none).
        if channel:
            paginator.count = counts[channel] if state in (None, rat_season.REPORTED) else 0
        else:
            paginator.count = counts[state] if state else counts["total"]
        page = paginator.get_page(self.request.GET.get("page"))
        for cooperative in page.object_list:
            cooperative.report_late = rat_season.report_is_late(cooperative, self.season)
        total = counts["total"]
        url = reverse("registry:rat_season")
        states = [
            {"code": code, "label": label, "count": counts[code], "share": counts[code] / total if total else None,
             "href": f"{url}?{self.filters(keadaan=code)}", "current": code == state and not channel}
            for code, label in rat_season.STATES.items()
        ]
        reported = counts[rat_season.REPORTED]
        channels = [
            {"code": code, "label": label, "count": counts[code],
             "share": counts[code] / reported if reported else None,
             "href": f"{url}?{self.filters(lewat=code)}", "current": code == channel}
            for code, label in rat_season.CHANNELS.items()
        ]
        return super().get_context_data(
            season=self.season, year=self.year, years=self.year_options(),
            kecamatan=self.kecamatan, kecamatan_list=self.kecamatan_choices, officer=self.officer,
            officer_list=self.officer_choices, state=state, channel=channel,
            state_label=rat_season.CHANNELS.get(channel) or rat_season.STATES.get(state),
            states=states, channels=channels, total=total, all_href=f"{url}?{self.filters()}", page_obj=page,
            paginator=paginator, letters_href=f"{reverse('registry:rat_letters')}?{self.filters()}",
            query=self.filters(keadaan=state, lewat=channel), **kwargs,
        )


class RatLettersView(RegistryPermissionMixin, NoStoreMixin, RatSeasonMixin, TemplateView):
    """Reminder letters, one A4 page each, to every cooperative of the filtered season whose RAT is
    not yet reported; or to one cooperative (`cooperative_pk`)."""

    permission_required = "registry.view_yearlyreport"
    template_name = "registry/rat/letters.html"
    LIMIT = 300  # letters per print run: a kecamatan at national size; more asks for a filter

    def get_context_data(self, **kwargs):
        cooperatives = self.season_cooperatives().filter(rat_state__in=REMINDED_STATES)
        if "cooperative_pk" in self.kwargs:
            cooperatives = self.season_cooperatives().filter(pk=self.kwargs["cooperative_pk"])
            if not cooperatives.exists():
                raise Http404
        letters = list(cooperatives.select_related("desa__kecamatan")
                       .order_by("desa__kecamatan__name", "name", "id")[:self.LIMIT + 1])
        for cooperative in letters:
            cooperative.report_late = rat_season.report_is_late(cooperative, self.season)
        return super().get_context_data(
            letters=letters[:self.LIMIT], more=len(letters) > self.LIMIT, season=self.season, year=self.year,
            office=OfficeSettings.current(), today=self.today,
            back=f"{reverse('registry:rat_season')}?{self.filters()}", **kwargs,
        )


class RatReminderEmailView(RegistryPermissionMixin, RatSeasonMixin, View):
    """Email the reminder to every cooperative of the filtered season that has an email address and
    no reported RAT: queued for the task worker, never sent inside the request."""

    permission_required = "registry.change_yearlyreport"

    def post(self, request, *args, **kwargs):
        from ..tasks import send_rat_reminders

        recipients = (self.season_cooperatives().filter(rat_state__in=REMINDED_STATES)
                      .exclude(email="").values_list("pk", flat=True))
        ids = list(recipients)
        if ids:
            send_rat_reminders.enqueue(user_id=request.user.pk, year=self.year, cooperative_ids=ids)
            messages.success(request, ngettext(
                "Pengingat RAT sedang dikirim ke %(n)s koperasi yang punya alamat email.",
                "Pengingat RAT sedang dikirim ke %(n)s koperasi yang punya alamat email.", len(ids)) % {"n": len(ids)})
        else:
            messages.warning(request, _("Tidak ada koperasi dengan alamat email yang perlu diingatkan."))
        return redirect(f"{reverse('registry:rat_season')}?{self.filters()}")


class RatCooperativeLetterView(CooperativeInAreaMixin, RatLettersView):
    """One cooperative's reminder letter (from its row in the tracker); outside the area 404."""

    def get_context_data(self, **kwargs):
        self.get_cooperative()
        return super().get_context_data(**kwargs)


class RatSeasonExportView(RegistryPermissionMixin, RatSeasonMixin, View):
    """The tracker's list (its year, kecamatan, officer and state) as XLSX: the same rows as the page."""

    permission_required = ("registry.view_yearlyreport", "registry.export_data")

    def get(self, request, *args, **kwargs):
        cooperatives = self.listed_cooperatives()
        rows = []
        channels = {rat_season.PORTAL: str(_("portal")), rat_season.STAFF: str(_("petugas"))}
        for c in cooperatives.select_related("desa__kecamatan").order_by("desa__kecamatan__name", "name", "id"):
            late = rat_season.report_is_late(c, self.season)
            rows.append((c.nomor_induk or "", c.name, c.desa.kecamatan.name, str(rat_season.STATES[c.rat_state]),
                         c.rat_date, c.rat_reported_on, str(_("Ya")) if late else "", channels.get(c.rat_channel, "")))
        workbook = Workbook(write_only=True)
        formatted_sheet(
            workbook, str(_("Musim RAT %(year)s")) % {"year": self.year},
            [_("Nomor Induk Koperasi"), _("Koperasi"), _("Kecamatan"), _("Keadaan"), _("Tanggal RAT"),
             _("Dilaporkan"), _("Laporan terlambat"), _("Dilaporkan lewat")],
            rows, ["teks", "teks", "teks", "teks", "tanggal", "tanggal", "teks", "teks"],
            widths={0: 18, 1: 40, 2: 20, 3: 34},
        )
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="musim-rat-{self.year}.xlsx"'
        return response
