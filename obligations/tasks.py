"""Celery tasks of the obligations app."""

from celery import shared_task


@shared_task(soft_time_limit=1500, time_limit=1800)
def generate_opened_periods() -> dict:
    """Daily (beat): create the tasks of every period that has opened, for every obligation in force.
    Idempotent, so a missed day or a second run changes nothing; an obligation whose term of application
    has ended has no period left to open."""
    from .services import tasks_generate

    result = tasks_generate()
    return {"created": result.created, "existing": result.existing, "skipped": len(result.skipped)}


@shared_task(soft_time_limit=1500, time_limit=1800)
def apply_due_reorganisations() -> dict:
    """Daily (beat), before the tasks are generated: apply the reorganisations whose effective date has come
    (their open tasks go to the successors before the day's reminders). A missed day is caught up."""
    from .reorganisations import reorganisations_apply_due

    return {"applied": reorganisations_apply_due()}
