"""notifications/ becomes the low layer that knows no domain app.

- The inbox entry loses its task: a `key` ("reminder:<task>:<step>") makes it unique per recipient, and
  `facts` keeps the table its email shows.
- A delivery is the email of one entry (the outbox); the reminder step it stood for is the entry's key.
  Deliveries that never had an entry (recipients skipped before this release) are dropped: they were
  records that no email was owed.
- Reminder policies, schedules and matters move to reminders/ and matters/: their tables are renamed
  here and those apps' first migrations take them into their state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = {
    "reminderpolicy": "reminders_reminderpolicy",
    "reminderschedule": "reminders_reminderschedule",
    "remindersyncstate": "reminders_remindersyncstate",
    "matter": "matters_matter",
    "matterevent": "matters_matterevent",
}


def keys_from_deliveries(apps, schema_editor):
    Delivery = apps.get_model("notifications", "Delivery")
    Notification = apps.get_model("notifications", "Notification")
    Delivery.objects.filter(notification__isnull=True).delete()
    rows = Delivery.objects.filter(task__isnull=False).exclude(step__startswith="notice-")
    for delivery in rows.only("notification_id", "task_id", "step").iterator(chunk_size=2000):
        Notification.objects.filter(pk=delivery.notification_id).update(
            key=f"reminder:{delivery.task_id}:{delivery.step}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="key",
            field=models.CharField(blank=True, default="", max_length=100, verbose_name="khóa chống trùng"),
        ),
        migrations.AddField(
            model_name="notification",
            name="facts",
            field=models.JSONField(blank=True, default=list, verbose_name="thông tin kèm theo"),
        ),
        migrations.RunPython(keys_from_deliveries, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="delivery", name="delivery_once_per_step_recipient"),
        migrations.RemoveField(model_name="delivery", name="task"),
        migrations.RemoveField(model_name="delivery", name="step"),
        migrations.RemoveField(model_name="delivery", name="escalation"),
        migrations.RemoveField(model_name="notification", name="task"),
        migrations.AlterField(
            model_name="delivery",
            name="notification",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="delivery",
                to="notifications.notification",
                verbose_name="thông báo",
            ),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="claim",
            field=models.UUIDField(blank=True, editable=False, null=True, verbose_name="mã nhận việc"),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="nhận việc lúc"),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Chờ gửi"),
                    ("claimed", "Đang gửi"),
                    ("sent", "Đã gửi"),
                    ("failed", "Gửi không thành công"),
                    ("skipped", "Bỏ qua"),
                ],
                default="pending",
                max_length=10,
                verbose_name="trạng thái",
            ),
        ),
        migrations.AlterField(
            model_name="notificationpreference",
            name="user",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notification_preference",
                to=settings.AUTH_USER_MODEL,
                verbose_name="người dùng",
            ),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(
                condition=models.Q(("key", ""), _negated=True),
                fields=("recipient", "key"),
                name="notification_once_per_key_recipient",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name=name, table=table) for name, table in MOVED.items()],
            state_operations=[
                migrations.DeleteModel(name="matterevent"),
                migrations.DeleteModel(name="matter"),
                migrations.DeleteModel(name="reminderpolicy"),
                migrations.DeleteModel(name="reminderschedule"),
                migrations.DeleteModel(name="remindersyncstate"),
            ],
        ),
    ]
