from django.contrib import admin

from .models import ReminderPolicy, ReminderSchedule


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
