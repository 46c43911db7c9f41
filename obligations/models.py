"""Obligations (standing rules), reporting periods and the tasks generated from them."""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from regulations.models import Conclusion, DocumentItem, Party, Regulation, SearchableModel

LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def end_of_day(day: datetime.date) -> datetime.datetime:
    """A due day ends at midnight in Vietnam: the deadline is the first instant of the next day."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=LOCAL_TZ)


def validate_day_month(day: int | None, month: int | None) -> None:
    """A yearly due day must exist every year: 31/02 never does, 29/02 only in leap years."""
    if day is None or month is None:
        return
    if not 1 <= month <= 12:
        raise ValidationError(_("Tháng phải từ 1 đến 12."), code="invalid_month")
    try:
        datetime.date(2023, month, day)  # a common year: 29/02 is not a date every year
    except ValueError:
        raise ValidationError(
            _("Ngày %(day)02d/%(month)02d không có trong mọi năm; hãy chọn một ngày có thật."),
            code="impossible_date",
            params={"day": day, "month": month},
        ) from None


class Period(models.Model):
    """A reporting period. The reporting year Y runs from 15/12 of Y-1 to 14/12 of Y (decree 09/2019/NĐ-CP); its
    halves, quarters and months are cut on the same day: the first quarter is 15/12 to 14/03, the month of
    March is 15/02 to 14/03."""

    class Kind(models.TextChoices):
        YEAR = "year", _("Năm")
        HALF = "half", _("6 tháng")
        QUARTER = "quarter", _("Quý")
        MONTH = "month", _("Tháng")

    # How many months each kind spans, and how many of it a year holds.
    MONTHS = {Kind.YEAR: 12, Kind.HALF: 6, Kind.QUARTER: 3, Kind.MONTH: 1}

    kind = models.CharField(_("loại kỳ"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    # The number of the part within the year: a quarter 1–4, a half 1–2, a month 1–12; 0 for the year.
    quarter = models.PositiveSmallIntegerField(
        _("kỳ trong năm"), default=0, help_text=_("Quý 1–4, 6 tháng 1–2, tháng 1–12; 0 với kỳ năm")
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["year", "kind", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "quarter"], name="period_unique"),
            models.CheckConstraint(
                condition=(
                    Q(kind="year", quarter=0)
                    | Q(kind="half", quarter__gte=1, quarter__lte=2)
                    | Q(kind="quarter", quarter__gte=1, quarter__lte=4)
                    | Q(kind="month", quarter__gte=1, quarter__lte=12)
                ),
                name="period_quarter_matches_kind",
            ),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="period_ordered"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.kind == self.Kind.YEAR:
            return _("Năm %(year)s") % {"year": self.year}
        if self.kind == self.Kind.HALF:
            label = _("6 tháng đầu năm %(year)s") if self.quarter == 1 else _("6 tháng cuối năm %(year)s")
            return label % {"year": self.year}
        if self.kind == self.Kind.MONTH:
            return _("Tháng %(month)s/%(year)s") % {"month": self.quarter, "year": self.year}
        return _("Quý %(quarter)s/%(year)s") % {"quarter": "I II III IV".split()[self.quarter - 1], "year": self.year}

    @staticmethod
    def parts(kind: str) -> int:
        """How many periods of a kind a reporting year holds."""
        return 12 // Period.MONTHS[Period.Kind(kind)]

    @staticmethod
    def bounds(kind: str, year: int, quarter: int = 0) -> tuple[datetime.date, datetime.date]:
        months = Period.MONTHS[Period.Kind(kind)]
        number = quarter or 1
        end_month = months * number  # Q1 ends on 14/03, H1 on 14/06, March on 14/03, the year on 14/12
        start_month = end_month - months  # 0 is December of the previous year
        start = datetime.date(year - 1, 12, 15) if start_month == 0 else datetime.date(year, start_month, 15)
        return start, datetime.date(year, end_month, 14)

    @staticmethod
    def reporting_year_of(day: datetime.date) -> int:
        return day.year + 1 if (day.month, day.day) >= (12, 15) else day.year


class ObligationQuerySet(models.QuerySet):
    def with_sources(self):
        return self.select_related(
            "source_regulation", "source_item__document", "source_conclusion__meeting", "owed_to"
        )


class Obligation(SearchableModel):
    """A standing rule of a source: what must be done, by whom, for whom, how often, and what it yields."""

    class ResponsibleRule(models.TextChoices):
        NAMED = "named", _("Các cơ quan được nêu tên")
        SIGNATORY_ORGANISATIONS = "signatory_orgs", _("Mọi tổ chức đã ký quy chế (trừ cơ quan nhà nước)")

    class Recurrence(models.TextChoices):
        ONCE = "once", _("Một lần, vào ngày")
        YEARLY = "yearly", _("Hằng năm")
        HALF_YEARLY = "half-yearly", _("6 tháng một lần")
        QUARTERLY = "quarterly", _("Hằng quý")
        MONTHLY = "monthly", _("Hằng tháng")
        CONTINUOUS = "continuous", _("Thường xuyên")

    # The period kind of each periodic recurrence.
    PERIOD_KIND = {
        Recurrence.YEARLY: Period.Kind.YEAR,
        Recurrence.HALF_YEARLY: Period.Kind.HALF,
        Recurrence.QUARTERLY: Period.Kind.QUARTER,
        Recurrence.MONTHLY: Period.Kind.MONTH,
    }

    class Verb(models.TextChoices):
        """How the source addresses the parties: "Giao"/"Yêu cầu" to a body subordinate to the People's
        Committee, "Đề nghị" to the Front and the organisations, which are not subordinate to it."""

        NONE = "", _("(không ghi)")
        ASSIGN = "giao", _("Giao")
        REQUIRE = "yeu_cau", _("Yêu cầu")
        REQUEST = "de_nghi", _("Đề nghị")

    class Deliverable(models.TextChoices):
        REPORT = "report", _("Báo cáo phải nộp")
        ACTION = "action", _("Việc phải hoàn thành")

    title = models.CharField(_("tên nhiệm vụ"), max_length=300)
    description = models.TextField(_("nội dung phải thực hiện"), blank=True)
    source_regulation = models.ForeignKey(
        Regulation,
        verbose_name=_("nguồn: quy chế"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    source_item = models.ForeignKey(
        DocumentItem,
        verbose_name=_("nguồn: mục của văn bản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    source_conclusion = models.ForeignKey(
        Conclusion,
        verbose_name=_("nguồn: kết luận cuộc họp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    source_reference = models.CharField(
        _("trích dẫn nguồn"), max_length=200, blank=True, help_text=_("Ví dụ: Điều 5, khoản 2")
    )
    source_wording = models.TextField(_("nguyên văn trong văn bản nguồn"), blank=True)
    responsible_rule = models.CharField(
        _("đơn vị thực hiện"), max_length=20, choices=ResponsibleRule.choices, default=ResponsibleRule.NAMED
    )
    verb = models.CharField(_("cách giao"), max_length=10, choices=Verb.choices, blank=True, default=Verb.NONE)
    responsible_parties = models.ManyToManyField(
        Party,
        verbose_name=_("cơ quan chủ trì"),
        blank=True,
        related_name="obligations",
        help_text=_("Mỗi cơ quan chủ trì có nhiệm vụ riêng và được tính vào tỷ lệ."),
    )
    cooperating_parties = models.ManyToManyField(
        Party,
        verbose_name=_("cơ quan phối hợp"),
        blank=True,
        related_name="cooperating_obligations",
        help_text=_("Góp ý kiến, tài liệu vào nhiệm vụ của cơ quan chủ trì; không có nhiệm vụ riêng."),
    )
    owed_to = models.ForeignKey(
        Party,
        verbose_name=_("báo cáo / thực hiện cho"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obligations_owed",
    )
    recurrence = models.CharField(_("tần suất"), max_length=12, choices=Recurrence.choices)
    # The due fields hold the last day the wording means ("trước ngày 15/12" → 14/12), before any move to a
    # working day; the wording itself is kept in due_wording and shown beside the date.
    due_date = models.DateField(_("ngày cuối cùng (một lần)"), null=True, blank=True)
    due_day = models.PositiveSmallIntegerField(_("ngày của ngày cuối cùng"), null=True, blank=True)
    due_month = models.PositiveSmallIntegerField(
        _("tháng của ngày cuối cùng"),
        null=True,
        blank=True,
        help_text=_(
            "Hằng năm: tháng trong năm báo cáo. 6 tháng, hằng quý, hằng tháng: tháng của hạn kỳ đầu tiên trong năm "
            "(để trống: tháng ngay sau khi kỳ kết thúc)."
        ),
    )
    due_wording = models.CharField(
        _("thời hạn theo nguyên văn"), max_length=200, blank=True, help_text=_("Ví dụ: hoàn thành trước ngày 15/12")
    )
    move_to_working_day = models.BooleanField(
        _("chuyển sang ngày làm việc tiếp theo"),
        default=True,
        help_text=_(
            "Hạn rơi vào thứ Bảy, Chủ nhật hoặc ngày lễ, Tết thì chuyển sang ngày làm việc kế tiếp "
            "(Điều 148 Bộ luật Dân sự 2015)."
        ),
    )
    deliverable = models.CharField(_("kết quả phải có"), max_length=10, choices=Deliverable.choices)
    depends_on = models.ManyToManyField(
        "self", verbose_name=_("phụ thuộc vào"), symmetrical=False, blank=True, related_name="dependents"
    )
    applies_from = models.DateField(_("áp dụng từ ngày"))
    applies_to = models.DateField(_("áp dụng đến ngày"))
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    is_illustrative = models.BooleanField(_("dữ liệu minh họa"), default=False, editable=False)

    search_fields = ("title", "description", "source_reference", "due_wording")
    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhiệm vụ phối hợp")
        verbose_name_plural = _("nhiệm vụ phối hợp")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(source_regulation__isnull=False, source_item__isnull=True, source_conclusion__isnull=True)
                    | Q(source_regulation__isnull=True, source_item__isnull=False, source_conclusion__isnull=True)
                    | Q(source_regulation__isnull=True, source_item__isnull=True, source_conclusion__isnull=False)
                ),
                name="obligation_exactly_one_source",
                violation_error_message=_("Mỗi nhiệm vụ có đúng một nguồn: quy chế, mục văn bản hoặc kết luận."),
            ),
            models.CheckConstraint(
                condition=Q(applies_to__gte=F("applies_from")),
                name="obligation_term_ordered",
                violation_error_message=_("Ngày kết thúc áp dụng không được trước ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=~Q(recurrence="once") | Q(due_date__isnull=False),
                name="obligation_once_has_date",
                violation_error_message=_("Nhiệm vụ một lần phải có ngày hạn."),
            ),
            models.CheckConstraint(
                condition=~Q(recurrence="yearly") | Q(due_day__isnull=False, due_month__isnull=False),
                name="obligation_yearly_has_day_month",
                violation_error_message=_("Nhiệm vụ hằng năm phải có ngày và tháng hạn."),
            ),
            models.CheckConstraint(
                condition=~Q(recurrence__in=["half-yearly", "quarterly", "monthly"])
                | Q(due_day__isnull=False, due_day__lte=28),
                name="obligation_quarterly_has_day",
                violation_error_message=_("Nhiệm vụ 6 tháng, hằng quý hoặc hằng tháng phải có ngày hạn từ 1 đến 28."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("obligations:obligation_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.recurrence == self.Recurrence.YEARLY:
            try:
                validate_day_month(self.due_day, self.due_month)
            except ValidationError as error:
                raise ValidationError({"due_day": error}) from None
        if self.recurrence == self.Recurrence.ONCE and self.due_date and self.applies_from and self.applies_to:
            if not self.applies_from <= self.due_date <= self.applies_to:
                raise ValidationError({"due_date": _("Ngày hạn phải nằm trong thời gian áp dụng.")})

    # --- the source ----------------------------------------------------------------------------------
    @property
    def source(self):
        return self.source_regulation or self.source_item or self.source_conclusion

    @property
    def source_document(self):
        if self.source_item is not None:
            return self.source_item.document
        if self.source_conclusion is not None:
            return self.source_conclusion.meeting.notice
        return None

    @property
    def source_label(self) -> str:
        if self.source_regulation_id:
            return _("Quy chế %(number)s") % {"number": self.source_regulation}
        item = self.source_item
        if item is not None:
            document = item.document
            return _("%(kind)s %(number)s, mục %(item)s") % {
                "kind": document.get_kind_display(),
                "number": document,
                "item": item.label,
            }
        conclusion = self.source_conclusion
        if conclusion is None:  # the check constraint gives every obligation exactly one source
            return ""
        return _("Kết luận %(number)s, %(meeting)s") % {
            "number": conclusion.number,
            "meeting": conclusion.meeting.title,
        }

    def source_regulations(self) -> models.QuerySet:
        if self.source_regulation_id:
            return Regulation.objects.filter(pk=self.source_regulation_id)
        document = self.source_document
        if document is None:
            return Regulation.objects.none()
        return document.regulations.all()

    def recipient_on(self, day: datetime.date) -> Party | None:
        """Whom the deliverable goes to on a day: the body the source named while it existed, then its
        successor (Kon Tum's People's Committee until 30/06/2025, Quảng Ngãi's from 01/07/2025)."""
        if self.owed_to is None:
            return None
        return self.owed_to.holder_on(day) or self.owed_to

    def responsible_party_list(self) -> list[Party]:
        """The parties the rule names, as the source wrote them (before any hand-over to a successor)."""
        if self.responsible_rule == self.ResponsibleRule.SIGNATORY_ORGANISATIONS:
            return list(
                Party.objects.filter(signed_regulations__in=self.source_regulations())
                .exclude(kind=Party.Kind.STATE)
                .distinct()
                .order_by("path")
            )
        return list(self.responsible_parties.order_by("path"))

    # --- the schedule --------------------------------------------------------------------------------
    @property
    def generates_tasks(self) -> bool:
        return self.is_active and self.recurrence != self.Recurrence.CONTINUOUS

    def schedule(self) -> list[tuple[str, int, int, datetime.date]]:
        """(period kind, year, part, last day by the wording) for each period within the term of application.

        A half-yearly, quarterly or monthly duty is due on its day in the month after each period ends,
        unless due_month names the month of the first period's deadline (a half-yearly report "trước ngày
        15/6 và 15/12" has due_month 6: the second is six months later)."""
        rows: list[tuple[str, int, int, datetime.date]] = []
        # The check constraints give a one-off obligation its date, a yearly one its day and month and the
        # others their day; an obligation missing them (not yet saved) has no schedule.
        if self.recurrence == self.Recurrence.ONCE and self.due_date is not None:
            rows.append((Period.Kind.YEAR, Period.reporting_year_of(self.due_date), 0, self.due_date))
        elif self.recurrence == self.Recurrence.YEARLY and self.due_day and self.due_month:
            for year in range(self.applies_from.year, self.applies_to.year + 1):
                rows.append((Period.Kind.YEAR, year, 0, datetime.date(year, self.due_month, self.due_day)))
        elif self.recurrence in self.PERIOD_KIND and self.due_day:
            kind = self.PERIOD_KIND[self.Recurrence(self.recurrence)]
            months = Period.MONTHS[kind]
            first_month = self.due_month or months + 1
            for year in range(self.applies_from.year, self.applies_to.year + 2):
                for number in range(1, Period.parts(kind) + 1):
                    month = first_month + months * (number - 1)  # may run into the next calendar year
                    due = datetime.date(year + (month - 1) // 12, (month - 1) % 12 + 1, self.due_day)
                    rows.append((kind, year, number, due))
        return [row for row in rows if self.applies_from <= row[3] <= self.applies_to]

    @property
    def last_day_text(self) -> str:
        """The last day the rule sets, in words: "04/03/2023", "14/12 hằng năm", "ngày 10 của tháng sau mỗi
        quý"; empty for a continuous duty."""
        if self.recurrence == self.Recurrence.ONCE and self.due_date:
            return self.due_date.strftime("%d/%m/%Y")
        if self.recurrence == self.Recurrence.YEARLY and self.due_day and self.due_month:
            return _("%(day)02d/%(month)02d hằng năm") % {"day": self.due_day, "month": self.due_month}
        if self.recurrence in self.PERIOD_KIND and self.due_day:
            kind = self.PERIOD_KIND[self.Recurrence(self.recurrence)]
            every = Period.Kind(kind).label.lower()
            if self.due_month:
                return _("ngày %(day)s tháng %(month)s, rồi cứ mỗi kỳ %(every)s") % {
                    "day": self.due_day,
                    "month": self.due_month,
                    "every": every,
                }
            return _("ngày %(day)s của tháng sau mỗi kỳ %(every)s") % {"day": self.due_day, "every": every}
        return ""


_COMPARE = {"gt": lambda a, b: a > b, "lte": lambda a, b: a <= b, "exact": lambda a, b: a == b}


def _holds(instance, lookup: str, value) -> bool:
    """A field lookup of STATUS_RULES ("deadline__gt") evaluated on an instance, as the database would."""
    name, _sep, operator = lookup.partition("__")
    return _COMPARE[operator or "exact"](getattr(instance, name), value)


class TaskQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related(
            "party",
            "period",
            "handed_over_from",
            "obligation__source_regulation",
            "obligation__source_item__document",
            "obligation__source_conclusion__meeting",
        )

    def with_status(self, now: datetime.datetime | None = None):
        now = now or timezone.now()
        return self.annotate(
            status_code=Case(
                *[When(condition, then=Value(code)) for code, condition in Task.status_conditions(now)],
                output_field=models.CharField(),
            )
        )

    def with_status_code(self, code: str, now: datetime.datetime | None = None):
        conditions = dict(Task.status_conditions(now or timezone.now()))
        return self.filter(conditions[code])


class Handover(models.Model):
    """Which successor takes one obligation of a party that was split: a split names a successor per
    obligation, and the tasks of later periods (generated after the split) follow it."""

    reorganisation = models.ForeignKey("regulations.Reorganisation", on_delete=models.CASCADE, related_name="handovers")
    predecessor = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="handovers")
    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="handovers")
    successor = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("giao nhiệm vụ khi chia tách")
        verbose_name_plural = _("giao nhiệm vụ khi chia tách")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "obligation"], name="handover_unique"),
        ]

    def __str__(self):
        return f"{self.predecessor_id} → {self.successor_id} ({self.obligation_id})"


class Task(models.Model):
    """One obligation, for one party, in one period: the unit that is due, done, late or excused."""

    class State(models.TextChoices):
        OPEN = "open", _("Chưa nộp")
        SUBMITTED = "submitted", _("Đã nộp, chờ xem xét")
        RETURNED = "returned", _("Trả lại để chỉnh sửa")
        DONE = "done", _("Đã hoàn thành")
        EXCUSED = "excused", pgettext_lazy("task state", "Được miễn")

    class Status(models.TextChoices):
        DONE_ON_TIME = "done_on_time", _("Hoàn thành đúng hạn")
        DONE_LATE = "done_late", _("Hoàn thành trễ hạn")
        PENDING = "pending", _("Chưa hoàn thành, còn hạn")
        OVERDUE = "overdue", _("Chưa hoàn thành, quá hạn")
        SUBMITTED = "submitted", _("Đã nộp, chờ xem xét")
        RETURNED = "returned", _("Bị trả lại để chỉnh sửa")
        EXCUSED = "excused", pgettext_lazy("task status", "Được miễn")

    obligation = models.ForeignKey(
        Obligation, verbose_name=_("nhiệm vụ"), on_delete=models.PROTECT, related_name="tasks"
    )
    party = models.ForeignKey(Party, verbose_name=_("đơn vị thực hiện"), on_delete=models.PROTECT, related_name="tasks")
    period = models.ForeignKey(Period, verbose_name=_("kỳ"), on_delete=models.PROTECT, related_name="tasks")
    nominal_due_date = models.DateField(_("hạn theo văn bản"))
    due_date = models.DateField(_("hạn"))
    deadline = models.DateTimeField(_("thời điểm hết hạn"), editable=False)
    state = models.CharField(_("trạng thái xử lý"), max_length=10, choices=State.choices, default=State.OPEN)
    completed_at = models.DateTimeField(_("thời điểm hoàn thành"), null=True, blank=True)
    on_time = models.BooleanField(_("đúng hạn"), null=True, blank=True)
    excused_reason = models.TextField(_("lý do miễn"), blank=True)
    handed_over_from = models.ForeignKey(
        Party,
        verbose_name=_("kế thừa từ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhiệm vụ của đơn vị")
        verbose_name_plural = _("nhiệm vụ của đơn vị")
        ordering = ["due_date", "party__path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "party", "period"],
                name="task_unique_per_party_period",
                violation_error_message=_("Đơn vị này đã có nhiệm vụ này trong kỳ này."),
            ),
            models.CheckConstraint(
                condition=~Q(state="excused") | ~Q(excused_reason=""),
                name="task_excused_has_reason",
                violation_error_message=_("Cần ghi lý do miễn."),
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | Q(completed_at__isnull=False, on_time__isnull=False),
                name="task_done_has_completion",
            ),
            models.CheckConstraint(condition=Q(due_date__gte=F("nominal_due_date")), name="task_due_not_earlier"),
        ]
        indexes = [
            models.Index(fields=["party", "due_date"], name="task_party_due"),
            # The obligations a user's parties have tasks of (the obligation list's visibility): an index-only
            # look-up per visible party, not a scan of every task.
            models.Index(fields=["party", "obligation"], name="task_party_obligation"),
            models.Index(fields=["state", "deadline"], name="task_state_deadline"),
        ]

    def __str__(self):
        return f"{self.obligation.title} — {self.party.short_name} — {self.period}"

    def save(self, *args, **kwargs):
        self.deadline = end_of_day(self.due_date)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "due_date" in update_fields:
            kwargs["update_fields"] = {*update_fields, "deadline"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("obligations:task_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.obligation_id and self.party_id:
            allowed = {p.pk for p in self.obligation.responsible_party_list()}
            party, seen = self.party, set()
            # A successor inherits the duty: walk back through predecessors to a named party.
            frontier = [party]
            while frontier:
                current = frontier.pop()
                if current.pk in allowed:
                    return
                seen.add(current.pk)
                frontier.extend(p for p in current.predecessors.all() if p.pk not in seen)
            raise ValidationError(
                {"party": _("%(party)s không thuộc các đơn vị thực hiện nhiệm vụ này.") % {"party": self.party}}
            )

    # The displayed status, defined once: the first rule whose lookups all hold gives the status. The same
    # table is read as a database condition (`status_conditions`, for annotations and filters) and
    # evaluated on an instance (`status_at`), so the list, the filter and the page never disagree. A
    # returned report is "returned" whatever the date: its lateness shows once it is accepted (done late).
    STATUS_RULES: tuple[tuple[str, dict[str, object]], ...] = (
        (Status.DONE_ON_TIME, {"state": "done", "on_time": True}),
        (Status.DONE_LATE, {"state": "done", "on_time": False}),
        (Status.EXCUSED, {"state": "excused"}),
        (Status.RETURNED, {"state": "returned"}),
        (Status.SUBMITTED, {"state": "submitted"}),
        (Status.PENDING, {"state": "open", "deadline__gt": "now"}),
        (Status.OVERDUE, {"state": "open", "deadline__lte": "now"}),
    )

    @classmethod
    def status_conditions(cls, now: datetime.datetime) -> list[tuple[str, Q]]:
        """Each displayed status as a database condition, in the order they are tested."""
        return [
            (code, Q(**{key: now if value == "now" else value for key, value in lookups.items()}))
            for code, lookups in cls.STATUS_RULES
        ]

    def status_at(self, now: datetime.datetime | None = None) -> str:
        now = now or timezone.now()
        for code, lookups in self.STATUS_RULES:
            if all(_holds(self, key, now if value == "now" else value) for key, value in lookups.items()):
                return code
        raise ValueError(f"task {self.pk} matches no status rule")  # the rules cover every state

    @property
    def status(self) -> str:
        return getattr(self, "status_code", None) or self.status_at()

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def is_overdue(self) -> bool:
        """Open past its deadline: the OVERDUE status, nothing else (a returned report is RETURNED)."""
        return self.status == self.Status.OVERDUE

    def days_left(self, today: datetime.date | None = None) -> int:
        today = today or timezone.localdate()
        return (self.due_date - today).days

    @property
    def due_date_moved(self) -> bool:
        return self.due_date != self.nominal_due_date

    @property
    def recipient(self) -> Party | None:
        """Whom this task's deliverable goes to: the recipient the source named, or its successor on the
        due day."""
        return self.obligation.recipient_on(self.due_date)


# --- Submissions (issue: organisations submit their reports; the focal agency reviews) ---------------


class FigureDefinition(models.Model):
    """A figure an obligation asks for in each submission (set per obligation, not in code)."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="figures")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    code = models.SlugField(_("mã"), max_length=40)
    label = models.CharField(_("tên số liệu"), max_length=200)
    unit = models.CharField(_("đơn vị tính"), max_length=30, blank=True)
    required = models.BooleanField(_("bắt buộc"), default=True)

    class Meta:
        verbose_name = _("số liệu phải báo cáo")
        verbose_name_plural = _("số liệu phải báo cáo")
        ordering = ["obligation", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "code"],
                name="figure_code_unique_per_obligation",
                violation_error_message=_("Nhiệm vụ này đã có một số liệu mang mã này."),
            )
        ]

    def __str__(self):
        return f"{self.label} ({self.unit})" if self.unit else self.label


class Submission(models.Model):
    """What a party hands in for a task: the working draft. Each submit freezes a SubmissionVersion."""

    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="submission")
    results = models.TextField(_("kết quả đạt được"), blank=True)
    limitations = models.TextField(_("tồn tại, hạn chế, nguyên nhân"), blank=True)
    directions = models.TextField(_("phương hướng, nhiệm vụ năm tới"), blank=True)
    proposals = models.TextField(_("kiến nghị, đề xuất"), blank=True)
    figures = models.JSONField(_("số liệu"), default=dict, blank=True)
    # The demo's made-up reports (demo.seed): the seeds say nothing of what each organisation reported, and
    # every page that shows such content says so ("dữ liệu minh họa"), so it is never taken for the record.
    is_illustrative = models.BooleanField(_("dữ liệu minh họa"), default=False, editable=False)
    # Bumped by every save: a save that names an older revision is a concurrent edit, not an overwrite.
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    SECTION_FIELDS = ("results", "limitations", "directions", "proposals")

    class Meta:
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")

    def __str__(self):
        return str(self.task)

    def sections(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.SECTION_FIELDS}


class Attachment(models.Model):
    class Kind(models.TextChoices):
        SIGNED_SCAN = "signed_scan", _("Bản ký, đóng dấu (PDF)")
        SUPPORTING = "supporting", _("Tài liệu kèm theo")

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("loại tệp"), max_length=12, choices=Kind.choices)
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Removing a file from a draft hides it; a file that belongs to a submitted version is kept for ever.
    removed_at = models.DateTimeField(null=True, blank=True)
    # A PDF's digital signatures as checked on upload (signatures.validation.SignatureReport.as_json()).
    signature = models.JSONField(_("kiểm tra chữ ký số"), default=dict, blank=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("obligations:attachment_download", args=[self.pk])

    @property
    def signature_display(self) -> dict | None:
        """The signature check for the pages, or None for a file that cannot carry one (not a PDF)."""
        from signatures.validation import display

        return display(self.signature) if self.signature else None


class SubmissionVersion(models.Model):
    """A submitted, frozen copy of a submission: kept for ever, reviewed once."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Chờ xem xét")
        ACCEPTED = "accepted", _("Đã tiếp nhận")
        RETURNED = "returned", _("Trả lại để chỉnh sửa")

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("lần nộp"))
    sections = models.JSONField(default=dict)
    figures = models.JSONField(default=dict)
    attachments = models.ManyToManyField(Attachment, blank=True, related_name="versions")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("thời điểm nộp"))
    review = models.CharField(_("kết quả xem xét"), max_length=10, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("ý kiến xem xét"), blank=True)

    class Meta:
        verbose_name = _("lần nộp báo cáo")
        verbose_name_plural = _("các lần nộp báo cáo")
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="version_unique_number"),
            # At most one version awaits review: a double click cannot submit twice.
            models.UniqueConstraint(
                fields=["submission"], condition=Q(review="pending"), name="version_one_pending_per_submission"
            ),
            models.CheckConstraint(
                condition=~Q(review="returned") | ~Q(review_comment=""), name="version_return_has_comment"
            ),
        ]

    def __str__(self):
        return _("Lần nộp %(number)s") % {"number": self.number}


class TaskEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the task trail is append-only")

    def delete(self):
        raise PermissionError("the task trail is append-only")


class TaskEvent(models.Model):
    """One line of a task's trail: who did what, when. Append-only: nothing in the app edits or deletes it."""

    class Action(models.TextChoices):
        DRAFT_SAVED = "draft_saved", _("Lưu bản nháp")
        FILE_ADDED = "file_added", _("Đính kèm tệp")
        FILE_REMOVED = "file_removed", _("Gỡ tệp khỏi bản nháp")
        SUBMITTED = "submitted", _("Nộp báo cáo")
        RETURNED = "returned", _("Trả lại để chỉnh sửa")
        ACCEPTED = "accepted", _("Tiếp nhận báo cáo")
        EXCUSED = "excused", _("Miễn thực hiện")
        REOPENED = "reopened", _("Mở lại")
        HANDED_OVER = "handed_over", _("Chuyển cho đơn vị kế thừa")
        CONTRIBUTED = "contributed", _("Cơ quan phối hợp góp ý kiến")
        CONTRIBUTION_FILE_ADDED = "contribution_file", _("Cơ quan phối hợp gửi tài liệu")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = TaskEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký xử lý")
        verbose_name_plural = _("nhật ký xử lý")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{timezone.localtime(self.at):%d/%m/%Y %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the task trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the task trail is append-only")


# --- Co-operating parties' input (cơ quan phối hợp góp ý kiến, tài liệu vào nhiệm vụ của cơ quan chủ trì) ---


class Contribution(models.Model):
    """What one co-operating party gives the lead for its task: one text per party and task, rewritten as
    the party updates it (each save is also a line of the task's trail, with the text as it then stood)."""

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ của cơ quan chủ trì"), on_delete=models.PROTECT, related_name="contributions"
    )
    party = models.ForeignKey(
        Party, verbose_name=_("cơ quan phối hợp"), on_delete=models.PROTECT, related_name="contributions"
    )
    text = models.TextField(_("ý kiến phối hợp"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người cập nhật"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("lúc góp ý kiến"), auto_now_add=True)
    updated_at = models.DateTimeField(_("lúc cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("ý kiến của cơ quan phối hợp")
        verbose_name_plural = _("ý kiến của cơ quan phối hợp")
        ordering = ["task", "party__path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "party"],
                name="contribution_one_per_party_task",
                violation_error_message=_("Cơ quan này đã có ý kiến phối hợp cho nhiệm vụ này."),
            ),
            models.CheckConstraint(condition=~Q(text=""), name="contribution_has_text"),
        ]

    def __str__(self):
        return f"{self.party.short_name} → {self.task}"


class ContributionFile(models.Model):
    """A document a co-operating party hands the lead, checked and stored like a report's attachment."""

    contribution = models.ForeignKey(Contribution, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to="contributions/%Y/%m/", max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tài liệu của cơ quan phối hợp")
        verbose_name_plural = _("tài liệu của cơ quan phối hợp")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("obligations:contribution_file", args=[self.pk])
