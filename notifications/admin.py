from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Delivery, Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "recipient__username", "key"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"


@admin.action(description=_("Gửi lại ngay (đặt về chờ gửi)"))
def retry_now(modeladmin, request, queryset):
    services.deliveries_retry_now(deliveries=queryset)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["notification", "recipient", "channel", "status", "attempts", "sent_at", "next_attempt_at"]
    list_filter = ["status", "channel", "notification__kind"]
    search_fields = ["recipient__username", "recipient__email", "notification__key", "notification__subject"]
    list_select_related = ["recipient", "notification"]
    raw_id_fields = ["recipient", "notification"]
    readonly_fields = ["claim", "claimed_at", "created_at"]
    actions = [retry_now]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "mode"]
    list_filter = ["mode"]
    raw_id_fields = ["user"]
