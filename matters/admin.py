from django.contrib import admin

from .models import Matter, MatterEvent


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
