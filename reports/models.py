"""What the focal agency hands the province: consolidated reports, generated files, calendar feeds."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from obligations.models import Period, Task
from regulations.models import AddressedMixin, Party


class ConsolidatedReport(AddressedMixin, models.Model):
    """The focal agency's roll-up (báo cáo tổng hợp) of one jurisdiction for one period."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        FINALISED = "finalised", _("Đã hoàn chỉnh")
        SUBMITTED = "submitted", _("Đã gửi UBND")

    jurisdiction = models.ForeignKey(
        Party, verbose_name=_("cấp chính quyền"), on_delete=models.PROTECT, related_name="consolidated_reports"
    )
    period = models.ForeignKey(Period, verbose_name=_("kỳ"), on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(
        Task,
        verbose_name=_("nhiệm vụ tổng hợp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consolidated_reports",
    )
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.DRAFT)
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    addressees = models.TextField(_("kính gửi"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))
    assessment = models.TextField(_("đánh giá chung"), blank=True)
    limitations = models.TextField(_("tồn tại, hạn chế"), blank=True)
    proposals = models.TextField(_("kiến nghị, đề xuất"), blank=True)
    distribution = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))
    signing_block = models.CharField(_("thẩm quyền ký"), max_length=200, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=100, blank=True)
    # Frozen at finalisation: the PDF and the exports of a finalised report do not change afterwards.
    snapshot = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The PDF of this finalisation signed with the focal agency's certificate (ký số); cleared on reopen.
    signed_file = models.ForeignKey(
        "GeneratedFile",
        verbose_name=_("bản ký số"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What was sent: the SHA-256 of the signed PDF, kept even if the file is cleaned up later.
    submitted_sha256 = models.CharField(_("SHA-256 bản đã gửi"), max_length=64, blank=True)

    TEXT_FIELDS = (
        "number_symbol",
        "place",
        "addressees",
        "assessment",
        "limitations",
        "proposals",
        "distribution",
        "signing_block",
        "signer_title",
        "signer_name",
    )

    class Meta:
        verbose_name = _("báo cáo tổng hợp")
        verbose_name_plural = _("báo cáo tổng hợp")
        ordering = ["-period__year", "jurisdiction__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "period"],
                name="consolidated_report_unique",
                violation_error_message=_("Cấp chính quyền này đã có báo cáo tổng hợp cho kỳ này."),
            ),
            models.CheckConstraint(
                condition=~Q(state="submitted") | Q(submitted_at__isnull=False),
                name="consolidated_submitted_has_time",
            ),
        ]

    def __str__(self):
        return _("Báo cáo tổng hợp %(period)s — %(jurisdiction)s") % {
            "period": self.period.label,
            "jurisdiction": self.jurisdiction.name,
        }

    def get_absolute_url(self):
        return reverse("reports:consolidated_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT


class GeneratedFile(models.Model):
    """A file a worker produces on request (a PDF, a large export), kept privately with its checksum."""

    class Kind(models.TextChoices):
        CONSOLIDATED_PDF = "consolidated_pdf", _("Báo cáo tổng hợp (PDF)")
        DOCUMENT_PDF = "document_pdf", _("Văn bản (PDF)")
        MEETING_PDF = "meeting_pdf", _("Thông báo kết luận (PDF)")
        CONSOLIDATED_SIGNED = "consolidated_signed", _("Báo cáo tổng hợp (PDF ký số)")
        CONSOLIDATED_DOCX = "consolidated_docx", _("Báo cáo tổng hợp (Word)")
        DOCUMENT_DOCX = "document_docx", _("Văn bản (Word)")
        MEETING_DOCX = "meeting_docx", _("Thông báo kết luận (Word)")
        EXPORT = "export", _("Xuất bảng tính")

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang xếp hàng")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("tình trạng"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    total_rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="generated/%Y/%m/", max_length=200, blank=True)
    filename = models.CharField(_("tên tệp"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker's last sign of life; a running file quiet for REPORT_STALE_SECONDS is taken back.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    # The same request (kind, object, parameters, person) while one is still queued or running is that one.
    dedupe_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("tệp được tạo")
        verbose_name_plural = _("tệp được tạo")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(status__in=["pending", "running"]) & ~models.Q(dedupe_key=""),
                name="generated_file_one_active_per_request",
            )
        ]
        indexes = [
            # The reclaim pass reads only unfinished files.
            models.Index(
                fields=["status", "heartbeat_at"],
                condition=models.Q(status__in=["pending", "running"]),
                name="generated_file_unfinished_idx",
            )
        ]

    def __str__(self):
        return self.filename or self.get_kind_display()

    def get_absolute_url(self):
        return reverse("reports:file_status", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_stale(self) -> bool:
        """Running, but its worker has been silent too long: it died, and the reclaim pass will run it again."""
        if self.status != self.Status.RUNNING:
            return False
        last = self.heartbeat_at or self.started_at or self.created_at
        return timezone.now() - last > datetime.timedelta(seconds=settings.REPORT_STALE_SECONDS)


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a user's calendar feed address; revoking it kills that address for ever."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens")
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("địa chỉ lịch")
        verbose_name_plural = _("địa chỉ lịch")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="calendar_token_one_active_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.created_at:%d/%m/%Y}"


class ImportJob(models.Model):
    """A spreadsheet import run in a worker: uploaded, previewed (nothing saved), confirmed by its requester,
    then imported all or nothing. The file is kept privately until the job ends."""

    class What(models.TextChoices):
        PARTIES = "parties", _("Cơ quan, tổ chức")
        REGULATIONS = "regulations", _("Quy chế phối hợp")
        OBLIGATIONS = "obligations", _("Nhiệm vụ phối hợp")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xem trước")
        PREVIEWING = "previewing", _("Đang xem trước")
        PREVIEWED = "previewed", _("Chờ xác nhận")
        REJECTED = "rejected", _("Tệp có lỗi")
        CONFIRMED = "confirmed", _("Chờ nhập")
        IMPORTING = "importing", _("Đang nhập")
        DONE = "done", _("Đã nhập")
        FAILED = "failed", _("Không nhập được")

    # A worker holds the job in these states; the states it waits in before each.
    RUNNING = (Status.PREVIEWING, Status.IMPORTING)
    FINISHED = (Status.REJECTED, Status.DONE, Status.FAILED)

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    jurisdiction = models.ForeignKey(
        Party, verbose_name=_("cấp chính quyền"), on_delete=models.PROTECT, related_name="import_jobs"
    )
    what = models.CharField(_("dữ liệu"), max_length=20, choices=What.choices)
    filename = models.CharField(_("tên tệp"), max_length=200)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=200, blank=True)
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(_("tình trạng"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    total_rows = models.PositiveIntegerField(_("số dòng"), default=0)
    # The dry run's outcome: ok, counts, every error, the first rows as they would be imported, the headers.
    preview = models.JSONField(default=dict, blank=True)
    # The import's outcome: counts and tasks created, or the errors that refused it.
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Renewed while a worker holds the job: a job whose worker died is taken back by the next delivery.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lần nhập dữ liệu")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_what_display()} · {self.filename}"

    def get_absolute_url(self):
        return reverse("reports:import_job", args=[self.pk])

    @property
    def is_waiting(self) -> bool:
        """A worker has it, or will: the page keeps polling."""
        return self.status in (
            self.Status.PENDING,
            self.Status.PREVIEWING,
            self.Status.CONFIRMED,
            self.Status.IMPORTING,
        )
