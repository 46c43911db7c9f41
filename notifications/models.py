"""The in-app inbox and the email outbox: the low layer that tells people things.

It knows users and nothing of the domain: callers hand it a subject, a body, a link, an optional key that
makes the entry unique per recipient (a reminder step of a task, say) and optional facts to show as a table.
"""

from django.conf import settings
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
    # "reminder:12:d-7": at most one entry per key and recipient, whoever writes it and however often.
    key = models.CharField(_("khóa chống trùng"), max_length=100, blank=True, default="")
    # [[label, value], …] shown as a table in the email: written once, when the entry is written.
    facts = models.JSONField(_("thông tin kèm theo"), default=list, blank=True)
    created_at = models.DateTimeField(_("lúc tạo"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_once_per_key_recipient"
            ),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("notifications:open", args=[self.pk])


class NotificationPreference(models.Model):
    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("Gửi thư ngay")
        DIGEST = "digest", _("Gộp thành một thư mỗi ngày")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("người dùng"),
    )
    mode = models.CharField(_("cách nhận thư"), max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)

    class Meta:
        verbose_name = _("tùy chọn nhận thông báo")
        verbose_name_plural = _("tùy chọn nhận thông báo")

    def __str__(self):
        return f"{self.user} · {self.get_mode_display()}"


class Delivery(models.Model):
    """The email owed for one inbox entry. The row is written in the entry's transaction (an outbox), claimed
    before the email goes out and marked after; one row per entry, so a second copy is impossible."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        CLAIMED = "claimed", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi không thành công")
        SKIPPED = "skipped", _("Bỏ qua")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Thư điện tử, gửi ngay")
        DIGEST = "digest", _("Thư tổng hợp hằng ngày")

    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, related_name="delivery", verbose_name=_("thông báo")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("người nhận")
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)
    claim = models.UUIDField(_("mã nhận việc"), null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("nhận việc lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("lúc tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("lượt gửi thư")
        verbose_name_plural = _("lượt gửi thư")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "claimed"]),
                name="delivery_open_idx",
            ),
        ]

    def __str__(self):
        return f"{self.notification_id} → {self.recipient} ({self.get_status_display()})"
