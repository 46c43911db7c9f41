from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from .models import (
    Conclusion,
    Document,
    DocumentItem,
    Meeting,
    MeetingAttendee,
    MeetingIndicator,
    Membership,
    Regulation,
)
from .resources import RegulationResource
from .spreadsheets import ADMIN_EXPORT_FORMATS


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "party", "role", "is_head"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "party"]
    search_fields = ["user__username", "party__search_text"]


@admin.register(Regulation)
class RegulationAdmin(ImportExportModelAdmin):
    export_formats = ADMIN_EXPORT_FORMATS  # dates shown dd/mm/yyyy in XLSX
    resource_classes = [RegulationResource]
    list_display = ["number_symbol", "title", "issuer", "signed_on", "term_start", "term_end", "status"]
    list_filter = ["status", "term_start"]
    search_fields = ["search_text"]
    autocomplete_fields = ["issuer", "signatories", "replaces"]
    date_hierarchy = "signed_on"


class DocumentItemInline(admin.StackedInline):
    model = DocumentItem
    extra = 0


@admin.register(Document)
class DocumentAdmin(ImportExportModelAdmin):
    export_formats = ADMIN_EXPORT_FORMATS  # dates shown dd/mm/yyyy in XLSX
    list_display = ["__str__", "kind", "issuer", "issued_on", "signer_name", "is_draft"]
    list_filter = ["kind", "is_draft"]
    search_fields = ["search_text"]
    autocomplete_fields = ["issuer", "regulations"]
    inlines = [DocumentItemInline]


class AttendeeInline(admin.TabularInline):
    model = MeetingAttendee
    extra = 0
    autocomplete_fields = ["party"]


class IndicatorInline(admin.TabularInline):
    model = MeetingIndicator
    extra = 0


class ConclusionInline(admin.StackedInline):
    model = Conclusion
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ImportExportModelAdmin):
    export_formats = ADMIN_EXPORT_FORMATS  # dates shown dd/mm/yyyy in XLSX
    list_display = ["title", "kind", "held_on", "host", "chair_name"]
    list_filter = ["kind"]
    search_fields = ["search_text"]
    autocomplete_fields = ["host", "notice"]
    inlines = [AttendeeInline, IndicatorInline, ConclusionInline]


@admin.register(DocumentItem)
class DocumentItemAdmin(admin.ModelAdmin):
    list_display = ["document", "label", "order"]
    search_fields = ["text", "document__number_symbol"]


@admin.register(Conclusion)
class ConclusionAdmin(admin.ModelAdmin):
    list_display = ["meeting", "number"]
    search_fields = ["text", "meeting__title"]


@admin.register(MeetingAttendee)
class MeetingAttendeeAdmin(admin.ModelAdmin):
    list_display = ["meeting", "name", "position", "party"]


@admin.register(MeetingIndicator)
class MeetingIndicatorAdmin(admin.ModelAdmin):
    list_display = ["meeting", "label", "value", "total", "unit"]
