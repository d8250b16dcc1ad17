"""Django admin for partnerships, outside parties, kecamatan neighbours, trainings and findings."""

from django.contrib import admin

from ..models import Finding, KecamatanNeighbour, OutsideParty, Partnership, Training, TrainingParticipant
from .base import HistoryAdmin, VersionedRecordAdmin


@admin.register(OutsideParty)
class OutsidePartyAdmin(HistoryAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(KecamatanNeighbour)
class KecamatanNeighbourAdmin(HistoryAdmin):
    list_display = ["a", "b"]
    list_filter = ["a"]


@admin.register(Partnership)
class PartnershipAdmin(VersionedRecordAdmin):
    list_display = ["cooperative", "partner_name", "kind", "status", "start_date", "end_date", "value"]
    list_filter = ["kind", "status"]
    search_fields = ["cooperative__name", "partner_cooperative__name", "outside_party__name"]
    autocomplete_fields = ["cooperative", "partner_cooperative", "outside_party"]
    list_select_related = ["cooperative", "partner_cooperative", "outside_party"]
    readonly_fields = ["version"]


class TrainingParticipantInline(admin.TabularInline):
    model = TrainingParticipant
    extra = 0
    fields = ["cooperative", "board_member", "name", "position", "attended"]
    autocomplete_fields = ["cooperative"]
    raw_id_fields = ["board_member"]


@admin.register(Training)
class TrainingAdmin(VersionedRecordAdmin):
    list_display = ["title", "kind", "topic", "start_date", "end_date", "organiser", "kecamatan"]
    list_filter = ["kind", "topic", "kecamatan"]
    search_fields = ["title", "organiser", "place"]
    date_hierarchy = "start_date"
    inlines = [TrainingParticipantInline]
    readonly_fields = ["version"]


@admin.register(Finding)
class FindingAdmin(VersionedRecordAdmin):
    list_display = ["cooperative", "kind", "risk", "found_on", "due_date", "follow_up_status", "followed_up_on"]
    list_filter = ["kind", "risk", "follow_up_status"]
    search_fields = ["cooperative__name", "description"]
    autocomplete_fields = ["cooperative"]
    list_select_related = ["cooperative"]
    readonly_fields = ["version"]
