"""Django admin for what cooperatives send through their portal: yearly reports and change requests.

Read-only, for an Admin Dinas to inspect: every step (sent, accepted, returned) goes through the
review services (services/submissions.py, services/change_requests.py), which lock, check the
version and keep the history; an admin form would bypass all three. The free text a board typed
(RAT decisions, the reason a term ended, the Dinas's note, a document's name) may hold a member's
NIK: it is shown with every 16-digit number redacted, as the logs keep it. The documents are listed
without a link: they are opened on the review page, which checks who asks.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from .. import nik as nik_codec
from ..formats import rupiah
from ..models import BoardMember, ChangeRequest, Cooperative, Submission, SubmissionDocument
from ..models.portal import CONTACT_FIELDS, SUBMITTED_MONEY, TERM_FIELDS
from .base import BookYearFilter, ReadOnlyAdmin, field_label

REVIEW = (_("Tinjauan Dinas"), {"fields": [
    "submitted_by", "submitted_at", "reviewed_by", "reviewed_at", "review_note_shown",
]})
SYSTEM = (_("Catatan sistem"), {"fields": ["created_by", "created_at", "updated_at", "version", "history_shown"]})
SHOWN = ["review_link", "review_note_shown", "history_shown"]


def redacted(text):
    """Free text as the admin shows it: every 16-digit number (a NIK) replaced by `[NIK]`."""
    return nik_codec.redact_niks(text) or "–"


def when(value):
    return date_format(localtime(value), "d/m/Y H:i") if value else "–"


class PortalRecordAdmin(ReadOnlyAdmin):
    """What the two admins share: who sent and reviewed it, the review page, the history."""

    list_filter = ["status"]
    list_select_related = ["cooperative", "submitted_by", "reviewed_by"]
    # The cooperative's trigram-indexed columns only (migration 0005); the free text has no index.
    search_fields = ["cooperative__name", "cooperative__nomor_induk"]
    search_help_text = _("Nama atau Nomor Induk koperasi.")

    @admin.display(description=_("halaman tinjauan"))
    def review_link(self, obj):
        url = self.review_url(obj)
        if url is None:
            return _("Draf: belum dikirim ke Dinas.")
        return format_html('<a href="{}">{}</a>', url, _("Buka di halaman tinjauan"))

    @admin.display(description=field_label(Submission, "review_note"))
    def review_note_shown(self, obj):
        return redacted(obj.review_note)

    @admin.display(description=_("Riwayat perubahan"))
    def history_shown(self, obj):
        rows = obj.history.select_related("history_user").order_by("history_id")
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} · {} · {}: {}</li>", (
            (when(row.history_date), row.history_user or "–", row.get_status_display(),
             redacted(row.history_change_reason))
            for row in rows
        )))


@admin.register(Submission)
class SubmissionAdmin(PortalRecordAdmin):
    list_display = ["cooperative", "year", "status", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status", BookYearFilter, "cooperative__desa__kecamatan"]
    fieldsets = [
        (None, {"fields": ["cooperative", "year", "status", "review_link", "yearly_report"]}),
        (_("Anggota dan pengelola"), {"fields": ["members_male", "members_female", "employees", "managers"]}),
        (_("Keuangan"), {"fields": ["money_shown"]}),
        (_("Rapat Anggota Tahunan (RAT)"), {"fields": [
            "rat_date", "rat_attendance", "rat_quorum", "rat_decisions_shown",
        ]}),
        (_("Dokumen"), {"fields": ["documents_shown"]}),
        REVIEW,
        SYSTEM,
    ]
    readonly_fields = [*SHOWN, "money_shown", "rat_decisions_shown", "documents_shown"]

    def review_url(self, obj):
        if obj.status == Submission.Status.DRAFT:
            return None
        return reverse("registry:review_detail", args=[obj.pk])

    @admin.display(description=_("dalam rupiah"))
    def money_shown(self, obj):
        return format_html("<table>{}</table>", format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", (
            (field_label(Submission, name), rupiah(getattr(obj, name))) for name in SUBMITTED_MONEY
        )))

    @admin.display(description=field_label(Submission, "rat_decisions"))
    def rat_decisions_shown(self, obj):
        return redacted(obj.rat_decisions)

    @admin.display(description=SubmissionDocument._meta.verbose_name_plural)
    def documents_shown(self, obj):
        documents = obj.documents.order_by("uploaded_at", "pk")
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {} ({} KB, {})</li>", (
            (document.get_kind_display(), redacted(document.original_name), max(document.size // 1024, 1),
             when(document.uploaded_at))
            for document in documents
        ))) if documents else "–"


@admin.register(ChangeRequest)
class ChangeRequestAdmin(PortalRecordAdmin):
    list_display = ["cooperative", "kind", "status", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status", "kind", "cooperative__desa__kecamatan"]
    readonly_fields = [*SHOWN, "end_reason_shown", "base_values_shown"]

    # What each kind of request holds: the fields of the other kinds stay empty.
    ASKED = {
        ChangeRequest.Kind.NEW_TERM: ["name", "role", "sex", "term_start", "term_end", "board_member"],
        ChangeRequest.Kind.END_TERM: ["board_member", "ended_on", "end_reason_shown"],
        ChangeRequest.Kind.CONTACT: CONTACT_FIELDS,
    }

    def get_fieldsets(self, request, obj=None):
        asked = self.ASKED.get(obj.kind, []) if obj is not None else []
        return [
            (None, {"fields": ["cooperative", "kind", "status", "review_link"]}),
            (_("Yang diminta"), {"fields": asked}),
            (_("Data tercatat saat permintaan dibuat"), {"fields": ["base_values_shown"]}),
            REVIEW,
            SYSTEM,
        ]

    def review_url(self, obj):
        if obj.status == ChangeRequest.Status.DRAFT:
            return None
        return reverse("registry:review_change", args=[obj.pk])

    @admin.display(description=field_label(ChangeRequest, "end_reason"))
    def end_reason_shown(self, obj):
        return redacted(obj.end_reason)

    @admin.display(description=field_label(ChangeRequest, "base_values"))
    def base_values_shown(self, obj):
        base = obj.base_values or {}
        if obj.kind == ChangeRequest.Kind.CONTACT:
            model, names = Cooperative, CONTACT_FIELDS
        elif obj.kind == ChangeRequest.Kind.END_TERM:
            model, names = BoardMember, TERM_FIELDS
        else:
            return "–"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", (
            (field_label(model, name), remembered(name, base.get(name))) for name in names
        )))


def remembered(name, value):
    """A value the request remembers (JSON: dates as ISO text, the position as its code), for the page."""
    if value in (None, ""):
        return "–"
    if name == "role":
        return BoardMember.Role(value).label
    return redacted(str(value))
