from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["task", "args", "created_at", "dispatched_at", "attempts"]
    list_filter = [("dispatched_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["task", "args", "created_at", "dispatched_at", "attempts", "last_error"]

    def has_add_permission(self, request):
        return False
