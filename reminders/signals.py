"""Keep each task's reminder schedule in step with the task: submitted stops it, returned restarts it."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from obligations.models import Task

from .models import ReminderPolicy


@receiver(post_save, sender=Task, dispatch_uid="notifications.task_schedule")
def task_saved(sender, instance: Task, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    from .services import schedule_refresh

    schedule_refresh(task=instance)


@receiver(post_save, sender=ReminderPolicy, dispatch_uid="notifications.policy_schedules")
def policy_saved(sender, instance: ReminderPolicy, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    from .services import policy_apply

    policy_apply(policy=instance)
