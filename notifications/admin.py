from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    Delivery,
    Matter,
    MatterEvent,
    Notification,
    NotificationPreference,
    ReminderPolicy,
    ReminderSchedule,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "recipient__username"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "task"]
    date_hierarchy = "created_at"


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    list_display = ["obligation", "offsets", "overdue_every", "escalate_after"]
    search_fields = ["obligation__title"]
    list_select_related = ["obligation"]
    raw_id_fields = ["obligation"]


@admin.register(ReminderSchedule)
class ReminderScheduleAdmin(admin.ModelAdmin):
    list_display = ["task", "due_date", "next_step", "next_at", "last_step", "last_run_at"]
    list_filter = ["next_step"]
    raw_id_fields = ["task"]
    list_select_related = ["task__obligation", "task__party", "task__period"]


@admin.action(description=_("Gửi lại ngay (đặt về chờ gửi)"))
def retry_now(modeladmin, request, queryset):
    from django.utils import timezone

    queryset.filter(status__in=[Delivery.Status.FAILED, Delivery.Status.PENDING]).update(
        status=Delivery.Status.PENDING, next_attempt_at=timezone.now()
    )
    services.deliveries_send()


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["task", "step", "recipient", "channel", "status", "attempts", "sent_at", "next_attempt_at"]
    list_filter = ["status", "channel", "escalation"]
    search_fields = ["recipient__username", "recipient__email", "step"]
    list_select_related = ["recipient", "task__obligation", "task__party", "task__period"]
    raw_id_fields = ["task", "recipient", "notification"]
    readonly_fields = ["claim", "claimed_at", "created_at"]
    actions = [retry_now]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "mode"]
    list_filter = ["mode"]
    raw_id_fields = ["user"]


class MatterEventInline(admin.TabularInline):
    model = MatterEvent
    extra = 0
    readonly_fields = ["actor", "at", "action", "message"]
    can_delete = False


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    list_display = ["subject", "raised_by_party", "jurisdiction", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["subject", "body"]
    list_select_related = ["raised_by_party", "jurisdiction"]
    raw_id_fields = ["raised_by", "task", "obligation", "answered_by"]
    inlines = [MatterEventInline]
