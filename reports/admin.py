import io

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import exports
from .models import CalendarToken, ConsolidatedReport, GeneratedFile


@admin.register(ConsolidatedReport)
class ConsolidatedReportAdmin(admin.ModelAdmin):
    list_display = ["period", "jurisdiction", "state", "finalised_at", "submitted_at"]
    list_filter = ["state", "period"]
    list_select_related = ["period", "jurisdiction"]
    readonly_fields = ["state", "snapshot", "task", "finalised_at", "submitted_at", "submitted_by", "created_by"]
    raw_id_fields = ["jurisdiction"]
    actions = ["export_figures"]

    @admin.action(description=_("Xuất số liệu tổng hợp (XLSX)"))
    def export_figures(self, request, queryset):
        reports = list(queryset.select_related("period", "jurisdiction", "task__obligation")[:2])
        if len(reports) != 1:
            self.message_user(request, _("Hãy chọn đúng một báo cáo tổng hợp để xuất số liệu."), level=messages.ERROR)
            return None
        report = reports[0]
        out = io.BytesIO()
        spec = exports.consolidated_figures_export(report)
        exports.write(spec, "xlsx", out)
        response = HttpResponse(out.getvalue(), content_type=exports.FORMATS["xlsx"])
        response["Content-Disposition"] = f'attachment; filename="{spec.name}.xlsx"'
        return response


@admin.register(GeneratedFile)
class GeneratedFileAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "status", "progress", "filename", "requested_by", "sha256"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in GeneratedFile._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Thu hồi địa chỉ lịch"))
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
