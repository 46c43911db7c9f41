import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportModelAdmin

from regulations.models import Membership, Party, PartyName, Reorganisation
from regulations.spreadsheets import ADMIN_EXPORT_FORMATS
from regulations.text import search_key

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
from .reorganisations import Plan, ReorganisationError, reorganisation_check, reorganisation_record
from .resources import AllFiguresSubmissionResource, ObligationResource, PartyResource, TaskResource
from .services import tasks_generate


@admin.register(Obligation)
class ObligationAdmin(ImportExportModelAdmin):
    export_formats = ADMIN_EXPORT_FORMATS  # dates shown dd/mm/yyyy in XLSX
    resource_classes = [ObligationResource]
    list_display = ["title", "recurrence", "deliverable", "responsible_rule", "applies_from", "applies_to", "is_active"]
    list_filter = ["recurrence", "deliverable", "responsible_rule", "is_active"]
    search_fields = ["search_text"]
    autocomplete_fields = ["responsible_parties", "owed_to", "depends_on", "source_regulation"]
    raw_id_fields = ["source_item", "source_conclusion"]
    actions = ["generate_tasks"]

    @admin.action(description=_("Tạo nhiệm vụ cho các kỳ trong thời gian áp dụng"))
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

    export_formats = ADMIN_EXPORT_FORMATS  # dates shown dd/mm/yyyy in XLSX
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
    export_formats = ADMIN_EXPORT_FORMATS  # dates shown dd/mm/yyyy in XLSX
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


# --- parties: an end of validity or a successor goes through the reorganisation service ---------------


class PartyAdminForm(forms.ModelForm):
    user = None  # set by PartyAdmin.get_form: the actor the service checks
    decision_number = forms.CharField(
        label=_("Số, ký hiệu văn bản quyết định"),
        required=False,
        help_text=_(
            "Bắt buộc khi ghi ngày hết hiệu lực hoặc đơn vị kế thừa: việc sáp nhập được ghi nhận theo văn bản này."
        ),
    )
    decision_date = forms.DateField(
        label=_("Ngày ban hành văn bản quyết định"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )

    class Meta:
        model = Party
        fields = [
            "code", "name", "short_name", "kind", "level", "parent", "superior", "is_jurisdiction", "focal_agency",
            "email", "valid_from", "valid_to", "successor", "is_illustrative",
        ]  # fmt: skip

    def reorganisation_plan(self) -> Plan | None:
        """The decision this change records, or None when validity and successor stay as they were."""
        self.plan = None
        old = self.instance
        if old.pk is None:
            return None
        data = self.cleaned_data
        valid_to, successor = data.get("valid_to"), data.get("successor")
        if (old.valid_to, old.successor_id) == (valid_to, successor.pk if successor else None):
            return None
        if old.valid_to is not None:
            raise forms.ValidationError(
                _("Cơ quan đã có quyết định sắp xếp: hãy hủy hoặc ghi nhận quyết định ở trang Sắp xếp tổ chức.")
            )
        if valid_to is None:
            raise forms.ValidationError({"valid_to": _("Cần ghi ngày hết hiệu lực khi có đơn vị kế thừa.")})
        if not data.get("decision_number") or not data.get("decision_date"):
            raise forms.ValidationError(
                {"decision_number": _("Cần số, ký hiệu và ngày ban hành của văn bản quyết định sắp xếp.")}
            )
        self.plan = Plan(
            kind=Reorganisation.Kind.MERGE if successor else Reorganisation.Kind.END,
            number_symbol=data["decision_number"],
            decided_on=data["decision_date"],
            effective_on=valid_to + datetime.timedelta(days=1),
            sources=[Party.objects.get(pk=old.pk)],
            target=successor,
            source_note=str(_("Ghi nhận từ trang quản trị.")),
        )
        return self.plan

    def clean(self):
        data = super().clean()
        plan = self.reorganisation_plan()
        if plan is not None:
            try:
                reorganisation_check(actor=self.user, plan=plan)
            except ReorganisationError as error:
                raise forms.ValidationError(error.message) from None
            except PermissionDenied as denied:
                raise forms.ValidationError(str(denied)) from None
        return data


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class PartyNameInline(admin.TabularInline):
    model = PartyName
    extra = 0
    fields = ["name", "short_name", "used_until", "reorganisation"]
    readonly_fields = ["reorganisation"]


@admin.register(Party)
class PartyAdmin(ImportExportModelAdmin):
    export_formats = ADMIN_EXPORT_FORMATS  # dates shown dd/mm/yyyy in XLSX
    form = PartyAdminForm
    resource_classes = [PartyResource]
    list_display = ["name", "short_name", "kind", "level", "parent", "valid_from", "valid_to", "successor"]
    list_filter = ["kind", "level", "is_jurisdiction", "is_illustrative"]
    search_fields = ["search_text", "code"]
    autocomplete_fields = ["parent", "superior", "successor", "focal_agency"]
    readonly_fields = ["path"]
    inlines = [PartyNameInline, MembershipInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user  # the service checks the actor's rights
        return form

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "actor": request.user}

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_key(search_term))

    def save_model(self, request, obj, form, change):
        plan = getattr(form, "plan", None)
        if plan is not None:
            # The service writes the end and the successor, and moves the tasks; the rest is saved here.
            old = plan.sources[0]
            obj.valid_to, obj.successor = old.valid_to, old.successor
        super().save_model(request, obj, form, change)
        if plan is not None:
            plan.sources = [Party.objects.get(pk=obj.pk)]
            record = reorganisation_record(actor=request.user, plan=plan)
            obj.refresh_from_db()
            self.message_user(
                request,
                _("Đã ghi nhận quyết định sắp xếp %(n)s; nhiệm vụ chưa nộp chuyển cho đơn vị kế thừa từ ngày %(d)s.")
                % {"n": record.number_symbol, "d": record.effective_on.strftime("%d/%m/%Y")},
            )


@admin.register(Reorganisation)
class ReorganisationAdmin(admin.ModelAdmin):
    """The record of the decisions. New ones are entered on the app's page (its preview, the service)."""

    list_display = ["number_symbol", "kind", "decided_on", "effective_on", "state"]
    list_filter = ["kind", "state"]
    search_fields = ["number_symbol", "summary"]
    readonly_fields = [f.name for f in Reorganisation._meta.fields] + ["parties"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("obligations:reorganisation_new")
