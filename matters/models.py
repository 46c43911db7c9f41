"""Matters raised to the focal agency (phản ánh, kiến nghị): a question or a problem beyond a party's
authority, answered by the focal agency or forwarded to the People's Committee, with its trail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
        return reverse("matters:matter_detail", args=[self.pk])

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
