from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A Celery task to start, written in the same transaction as the change that needs it. The row is the
    promise: if the broker is down when the transaction commits, the periodic drain hands it over later."""

    task = models.CharField(_("công việc"), max_length=200)
    args = models.JSONField(_("tham số"), default=list, blank=True)
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(_("đã giao lúc"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("số lần giao"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("công việc chờ giao")
        verbose_name_plural = _("công việc chờ giao")
        ordering = ["created_at", "pk"]
        indexes = [
            # The drain reads only what is still waiting, oldest first.
            models.Index(
                fields=["created_at"], condition=models.Q(dispatched_at__isnull=True), name="outbox_waiting_idx"
            ),
        ]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"
