"""Reminder policies per obligation, and each task's stored reminder schedule."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def parse_offsets(value) -> list[int]:
    """'30, 14, 7' (or a list) → [30, 14, 7]; refuses negative, duplicate or non-numeric offsets."""
    if isinstance(value, (list, tuple)):
        parts = [str(part) for part in value]
    else:
        parts = [part.strip() for part in str(value or "").split(",") if part.strip()]
    offsets: list[int] = []
    for part in parts:
        try:
            number = int(part)
        except ValueError:
            raise ValidationError(
                _("“%(value)s” không phải là số ngày."), code="offset_not_a_number", params={"value": part}
            ) from None
        if number < 0:
            raise ValidationError(
                _("Số ngày nhắc trước hạn không được âm (%(value)s)."), code="offset_negative", params={"value": number}
            )
        if number in offsets:
            raise ValidationError(
                _("Số ngày nhắc trước hạn bị trùng (%(value)s)."), code="offset_duplicate", params={"value": number}
            )
        offsets.append(number)
    return sorted(offsets, reverse=True)


def validate_offsets(value) -> None:
    parse_offsets(value)


def default_offsets_text() -> str:
    return ", ".join(str(n) for n in settings.REMINDER_DEFAULT_OFFSETS)


def default_overdue_every() -> int:
    return settings.REMINDER_OVERDUE_EVERY_DAYS


def default_escalate_after() -> int:
    return settings.REMINDER_ESCALATE_AFTER_DAYS


class ReminderPolicy(models.Model):
    """When an obligation's tasks are reminded. Without a row the settings' defaults apply."""

    obligation = models.OneToOneField(
        "obligations.Obligation",
        on_delete=models.CASCADE,
        related_name="reminder_policy",
        verbose_name=_("nhiệm vụ phối hợp"),
    )
    offsets = models.CharField(
        _("nhắc trước hạn (ngày)"),
        max_length=100,
        default=default_offsets_text,
        validators=[validate_offsets],
        help_text=_("Các số ngày trước hạn, cách nhau bởi dấu phẩy; 0 là đúng ngày hạn. Ví dụ: 30, 14, 7, 3, 1, 0"),
    )
    overdue_every = models.PositiveSmallIntegerField(
        _("quá hạn: nhắc lại sau mỗi (ngày)"), default=default_overdue_every, validators=[MinValueValidator(1)]
    )
    escalate_after = models.PositiveSmallIntegerField(
        _("báo cáo cơ quan đầu mối và thủ trưởng khi quá hạn (ngày)"),
        default=default_escalate_after,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = _("lịch nhắc việc")
        verbose_name_plural = _("lịch nhắc việc")
        constraints = [
            models.CheckConstraint(condition=Q(overdue_every__gte=1), name="policy_overdue_every_positive"),
            models.CheckConstraint(condition=Q(escalate_after__gte=1), name="policy_escalate_after_positive"),
        ]

    def __str__(self):
        return str(self.obligation)

    def clean(self):
        super().clean()
        try:
            self.offsets = ", ".join(str(n) for n in parse_offsets(self.offsets))
        except ValidationError:
            pass  # the field's validator has reported it already

    @property
    def offset_list(self) -> list[int]:
        return parse_offsets(self.offsets)

    @classmethod
    def default(cls, obligation=None) -> "ReminderPolicy":
        return cls(
            obligation=obligation,
            offsets=default_offsets_text(),
            overdue_every=default_overdue_every(),
            escalate_after=default_escalate_after(),
        )


class ReminderSchedule(models.Model):
    """A task's next reminder step, stored and moved forward by each pass (never recomputed from today).

    next_at is NULL when nothing more is due: the task is submitted, done or excused, or past the last step."""

    task = models.OneToOneField(
        "obligations.Task", on_delete=models.CASCADE, related_name="reminder_schedule", verbose_name=_("nhiệm vụ")
    )
    due_date = models.DateField(_("hạn dùng để lập lịch nhắc"))
    next_step = models.CharField(_("bước nhắc kế tiếp"), max_length=20, blank=True)
    next_at = models.DateTimeField(_("thời điểm nhắc kế tiếp"), null=True, blank=True)
    last_step = models.CharField(_("bước đã nhắc gần nhất"), max_length=20, blank=True)
    last_run_at = models.DateTimeField(_("lần xử lý gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("trạng thái nhắc việc")
        verbose_name_plural = _("trạng thái nhắc việc")
        indexes = [
            # The pass reads only unfinished schedules in next_at order: a small partial index.
            models.Index(fields=["next_at"], condition=Q(next_at__isnull=False), name="schedule_due_idx"),
        ]

    def __str__(self):
        return f"{self.task_id} → {self.next_step or '—'}"


class ReminderSyncState(models.Model):
    """One row: the highest task id that already has a schedule, so the pass only looks at newer tasks."""

    last_task_id = models.BigIntegerField(default=0)
    full_sync_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tiến độ lập lịch nhắc")
        verbose_name_plural = _("tiến độ lập lịch nhắc")

    def __str__(self):
        return str(self.last_task_id)
