"""The in-app inbox, reminder policies and schedules, email deliveries, and matters raised to the focal agency."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One entry of a user's in-app inbox. Written in the same transaction as the change it reports."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("người nhận"),
    )
    kind = models.CharField(_("loại"), max_length=40)
    subject = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    link = models.CharField(_("liên kết"), max_length=300, blank=True)
    task = models.ForeignKey(
        "obligations.Task",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("nhiệm vụ"),
    )
    created_at = models.DateTimeField(_("lúc tạo"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("notifications:open", args=[self.pk])


# --- Reminder policy ----------------------------------------------------------------------------------


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
    due_date = models.DateField(_("hạn đã tính lịch"))
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
        verbose_name = _("mốc đồng bộ lịch nhắc")
        verbose_name_plural = _("mốc đồng bộ lịch nhắc")

    def __str__(self):
        return str(self.last_task_id)


class NotificationPreference(models.Model):
    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("Gửi thư ngay")
        DIGEST = "digest", _("Gộp thành một thư mỗi ngày")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    mode = models.CharField(_("cách nhận thư"), max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)

    class Meta:
        verbose_name = _("tùy chọn nhận thông báo")
        verbose_name_plural = _("tùy chọn nhận thông báo")

    def __str__(self):
        return f"{self.user} · {self.get_mode_display()}"


class Delivery(models.Model):
    """One email owed to one person for one step of one task. The row is written (claimed) before the
    email goes out and marked after; the unique constraint makes a second copy impossible."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        CLAIMED = "claimed", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi không được")
        SKIPPED = "skipped", _("Bỏ qua")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Thư điện tử, gửi ngay")
        DIGEST = "digest", _("Thư tổng hợp hằng ngày")

    task = models.ForeignKey(
        "obligations.Task",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("nhiệm vụ"),
    )
    step = models.CharField(_("bước"), max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("người nhận")
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    escalation = models.BooleanField(_("báo cáo vượt cấp"), default=False)
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("lúc tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("lượt gửi thư")
        verbose_name_plural = _("lượt gửi thư")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "step", "recipient"], name="delivery_once_per_step_recipient"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "claimed"]),
                name="delivery_open_idx",
            ),
        ]

    def __str__(self):
        return f"{self.step} → {self.recipient} ({self.get_status_display()})"


def new_claim() -> uuid.UUID:
    return uuid.uuid4()


# --- Matters raised to the focal agency (phản ánh, kiến nghị) -------------------------------------------


class Matter(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Chờ trả lời")
        ANSWERED = "answered", _("Đã trả lời")
        FORWARDED = "forwarded", _("Đã chuyển UBND")
        CLOSED = "closed", _("Đã đóng")

    raised_by_party = models.ForeignKey(
        "regulations.Party", on_delete=models.PROTECT, related_name="matters_raised", verbose_name=_("đơn vị phản ánh")
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="matters_raised", verbose_name=_("người gửi")
    )
    jurisdiction = models.ForeignKey(
        "regulations.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("cấp chính quyền")
    )
    task = models.ForeignKey(
        "obligations.Task",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matters",
        verbose_name=_("nhiệm vụ của đơn vị"),
    )
    obligation = models.ForeignKey(
        "obligations.Obligation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matters",
        verbose_name=_("nhiệm vụ phối hợp"),
    )
    subject = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung phản ánh, kiến nghị"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("chuyển UBND lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=False) | Q(obligation__isnull=False),
                name="matter_about_task_or_obligation",
                violation_error_message=_("Phản ánh phải gắn với một nhiệm vụ."),
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(answer=""),
                name="matter_answered_has_answer",
            ),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("notifications:matter_detail", args=[self.pk])

    @property
    def about(self):
        return self.task or self.obligation


class MatterEvent(models.Model):
    """One line of a matter's trail."""

    class Action(models.TextChoices):
        RAISED = "raised", _("Gửi phản ánh, kiến nghị")
        ANSWERED = "answered", _("Trả lời")
        FORWARDED = "forwarded", _("Chuyển UBND xem xét")
        CLOSED = "closed", _("Đóng")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    message = models.TextField(blank=True)

    class Meta:
        verbose_name = _("diễn biến xử lý phản ánh")
        verbose_name_plural = _("diễn biến xử lý phản ánh")
        ordering = ["at", "pk"]

    def __str__(self):
        return self.get_action_display()
