from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportModelAdmin

from .models import (
    Attachment,
    Contribution,
    ContributionFile,
    FigureDefinition,
    Obligation,
    Period,
    Submission,
    SubmissionVersion,
    Task,
    TaskEvent,
)
from .resources import AllFiguresSubmissionResource, ObligationResource, TaskResource
from .services import tasks_generate


@admin.register(Obligation)
class ObligationAdmin(ImportExportModelAdmin):
    resource_classes = [ObligationResource]
    list_display = ["title", "recurrence", "deliverable", "responsible_rule", "applies_from", "applies_to", "is_active"]
    list_filter = ["recurrence", "deliverable", "responsible_rule", "is_active"]
    search_fields = ["search_text"]
    autocomplete_fields = ["responsible_parties", "owed_to", "depends_on", "source_regulation"]
    raw_id_fields = ["source_item", "source_conclusion"]
    actions = ["generate_tasks"]

    @admin.action(description=_("Sinh nhiệm vụ cho các kỳ trong thời gian áp dụng"))
    def generate_tasks(self, request, queryset):
        result = tasks_generate(obligations=queryset)
        self.message_user(
            request,
            _("Đã tạo %(created)d nhiệm vụ; %(existing)d đã có từ trước.")
            % {"created": result.created, "existing": result.existing},
        )


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "year", "quarter", "start", "end"]
    list_filter = ["kind"]


@admin.register(Task)
class TaskAdmin(ExportMixin, admin.ModelAdmin):
    """Tasks are exported, never imported: they are made by tasks_generate and change through the services."""

    resource_classes = [TaskResource]
    list_display = ["obligation", "party", "period", "due_date", "state", "on_time"]
    list_filter = ["state", "period", "obligation__recurrence"]
    list_select_related = ["obligation", "party", "period"]
    search_fields = ["party__search_text", "obligation__search_text"]
    raw_id_fields = ["obligation", "party", "period", "handed_over_from"]
    readonly_fields = ["deadline", "created_at", "updated_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only through the services (submissions, versions, the trail): viewable, not editable."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FigureDefinitionInline(admin.TabularInline):
    model = FigureDefinition
    extra = 0


ObligationAdmin.inlines = [FigureDefinitionInline]


@admin.register(Submission)
class SubmissionAdmin(ExportMixin, ReadOnlyAdmin):
    resource_classes = [AllFiguresSubmissionResource]
    list_display = ["task", "revision", "updated_by", "updated_at"]
    list_select_related = ["task__obligation", "task__party", "task__period", "updated_by"]


@admin.register(SubmissionVersion)
class SubmissionVersionAdmin(ReadOnlyAdmin):
    list_display = ["submission", "number", "submitted_by", "submitted_at", "review", "reviewed_by"]
    list_filter = ["review"]
    list_select_related = ["submission__task__obligation", "submission__task__party", "submitted_by", "reviewed_by"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "kind", "content_type", "size", "uploaded_by", "uploaded_at", "removed_at"]


@admin.register(TaskEvent)
class TaskEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "task", "actor", "action", "message"]
    list_filter = ["action"]
    list_select_related = ["task__obligation", "task__party", "task__period", "actor"]


class ContributionFileInline(admin.TabularInline):
    model = ContributionFile
    extra = 0
    fields = ("original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    """Written only by the co-operating parties through obligations.contributions: viewable, not editable."""

    list_display = ["task", "party", "author", "created_at", "updated_at"]
    list_select_related = ["task__obligation", "task__party", "task__period", "party", "author"]
    search_fields = ["party__search_text", "task__obligation__search_text"]
    inlines = [ContributionFileInline]
