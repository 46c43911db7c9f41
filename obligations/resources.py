"""Spreadsheet import/export of obligations, tasks and submissions (django-import-export).

Exported cells are escaped against formula injection (regulations.resources.SafeExportMixin); imports are
all or nothing (AllOrNothingMixin). The export querysets declare what they join: the number of queries
does not grow with the number of rows.
"""

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from regulations.models import Party, Reorganisation
from regulations.resources import AllOrNothingMixin, SafeExportMixin, WithinJurisdictionMixin
from regulations.resources import PartyResource as SourcePartyResource
from regulations.spreadsheets import local_naive

from .models import FigureDefinition, Obligation, Period, Submission, Task
from .reorganisations import Plan, ReorganisationError, reorganisation_record

# A row that ends a party or names its successor also gives the decision: the reorganisation service
# records it (and moves the open tasks), not the import.
DECISION_COLUMNS = ("decision_number", "decision_date")


def _decision_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


class PartyResource(SourcePartyResource):
    """The parties' import: an existing party's end of validity or successor goes through the
    reorganisation service (a merge, or an end), with the decision the row names; never written directly."""

    superior = fields.Field(
        attribute="superior", column_name="superior", widget=widgets.ForeignKeyWidget(Party, "code")
    )

    class Meta(SourcePartyResource.Meta):
        fields = [*SourcePartyResource.Meta.fields, "superior"]

    extra_columns = DECISION_COLUMNS  # read from the row, not fields of the model

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self._plans: dict[int, Plan] = {}

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if instance.pk is None:
            return  # a new party, entered as it was (an ended body's history can be loaded)
        old = Party.objects.select_related("successor").get(pk=instance.pk)
        if (old.valid_to, old.successor_id) == (instance.valid_to, instance.successor_id):
            return
        if old.valid_to is not None:
            raise ValidationError(
                _(
                    "%(party)s đã có quyết định sắp xếp (hết hiệu lực %(day)s): muốn sửa, hãy hủy hoặc ghi nhận "
                    "quyết định ở trang Sắp xếp tổ chức."
                )
                % {"party": old, "day": old.valid_to.strftime("%d/%m/%Y")}
            )
        if instance.valid_to is None:
            raise ValidationError(_("Cần ghi ngày hết hiệu lực (valid_to) khi có đơn vị kế thừa."))
        number = str(row.get("decision_number") or "").strip()
        decided_on = _decision_date(row.get("decision_date"))
        if not number or decided_on is None:
            raise ValidationError(
                _(
                    "Cần số, ký hiệu (decision_number) và ngày ban hành (decision_date, dd/mm/yyyy) của văn bản "
                    "quyết định khi ghi ngày hết hiệu lực hoặc đơn vị kế thừa."
                )
            )
        self._plans[instance.pk] = Plan(
            kind=Reorganisation.Kind.MERGE if instance.successor_id else Reorganisation.Kind.END,
            number_symbol=number,
            decided_on=decided_on,
            effective_on=instance.valid_to + datetime.timedelta(days=1),
            sources=[old],
            target=instance.successor,
            source_note=str(_("Nhập từ bảng tính.")),
        )
        # The service writes these: the row's other changes are saved as they are.
        instance.valid_to, instance.successor = old.valid_to, old.successor

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        plan = self._plans.pop(instance.pk, None)
        if plan is None:
            return
        plan.sources = [Party.objects.get(pk=instance.pk)]
        try:
            reorganisation_record(actor=self.actor, plan=plan)
        except ReorganisationError as error:
            raise ValidationError(error.message) from None
        instance.refresh_from_db()


class ObligationResource(SafeExportMixin, AllOrNothingMixin, WithinJurisdictionMixin, resources.ModelResource):
    responsible_parties = fields.Field(
        attribute="responsible_parties",
        column_name="responsible_parties",
        widget=widgets.ManyToManyWidget(Party, ",", "code"),
    )
    owed_to = fields.Field(attribute="owed_to", column_name="owed_to", widget=widgets.ForeignKeyWidget(Party, "code"))

    class Meta:
        model = Obligation
        fields = [
            "id",
            "title",
            "description",
            "source_regulation",
            "source_item",
            "source_conclusion",
            "source_reference",
            "source_wording",
            "responsible_rule",
            "responsible_parties",
            "owed_to",
            "recurrence",
            "due_date",
            "due_day",
            "due_month",
            "due_wording",
            "move_to_working_day",
            "deliverable",
            "applies_from",
            "applies_to",
            "is_active",
        ]
        use_transactions = True
        clean_model_instances = True

    def parties_of(self, instance) -> list[Party | None]:
        """Whom it binds (named, or its regulation's signatory organisations) and whom it is owed to. Not its
        source's issuer: a successor keeps its predecessor's sources (Quảng Ngãi's tasks cite Kon Tum's
        regulations), and a source only says where the duty comes from."""
        bound = instance.responsible_party_list() if instance.pk else []
        return [*bound, instance.owed_to]


def figure_number(value) -> int | float | str | None:
    """A figure as stored (the form keeps "1200", "14.6") as a number a spreadsheet can add up: an int when
    whole, else a float; a value that is not a number stays the text it was."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    try:
        number = decimal.Decimal(str(value).strip())
    except decimal.InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    return int(number) if number == number.to_integral_value() else float(number)


class TaskResource(SafeExportMixin, resources.ModelResource):
    """Tasks as rows. The related names come as annotations (one model per row, no joins to instantiate),
    and the labels are looked up once per export: the export keeps pace with a bare openpyxl writer."""

    # The headers are sentence case, as a spreadsheet's columns are named; the cells keep their types (a
    # number, a date, a moment), and the writer (reports.exports) shows them as dd/mm/yyyy.
    id = fields.Field(attribute="id", column_name=_("Mã"), widget=widgets.IntegerWidget())
    obligation = fields.Field(attribute="obligation_title", column_name=_("Nhiệm vụ"), readonly=True)
    party = fields.Field(attribute="party_name", column_name=_("Đơn vị thực hiện"), readonly=True)
    period = fields.Field(column_name=_("Kỳ"), readonly=True)
    nominal_due_date = fields.Field(column_name=_("Hạn theo văn bản"), readonly=True)
    due_date = fields.Field(column_name=_("Hạn"), readonly=True)
    status = fields.Field(column_name=_("Tình trạng"), readonly=True)
    completed_at = fields.Field(column_name=_("Thời điểm hoàn thành"), readonly=True)
    excused_reason = fields.Field(attribute="excused_reason", column_name=_("Lý do miễn"), readonly=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "obligation",
            "party",
            "period",
            "nominal_due_date",
            "due_date",
            "status",
            "completed_at",
            "excused_reason",
        ]
        export_order = fields
        chunk_size = 2000

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._status_labels: dict[str, str] = {}
        self._period_labels: dict[tuple, str] = {}

    def get_queryset(self):
        return export_tasks_queryset(Task.objects.all())

    def filter_export(self, queryset, **kwargs):
        return export_tasks_queryset(queryset)

    def dehydrate_period(self, task):
        key = (task.period_kind, task.period_year, task.period_quarter)
        label = self._period_labels.get(key)
        if label is None:
            label = self._period_labels[key] = str(Period(kind=key[0], year=key[1], quarter=key[2]).label)
        return label

    def dehydrate_nominal_due_date(self, task):
        return task.nominal_due_date

    def dehydrate_due_date(self, task):
        return task.due_date

    def dehydrate_status(self, task):
        code = task.status
        label = self._status_labels.get(code)
        if label is None:
            label = self._status_labels[code] = str(Task.Status(code).label)
        return label

    def dehydrate_completed_at(self, task):
        # Vietnam's wall-clock time without its zone: a cell holds none (the admin's XLSX too).
        return local_naive(task.completed_at) if task.completed_at else None


def export_tasks_queryset(queryset):
    """Everything a task row shows, in one query, as one model instance per row."""
    return (
        queryset.annotate(
            obligation_title=F("obligation__title"),
            party_name=F("party__name"),
            period_kind=F("period__kind"),
            period_year=F("period__year"),
            period_quarter=F("period__quarter"),
        )
        .only(
            "id",
            "nominal_due_date",
            "due_date",
            "deadline",
            "state",
            "on_time",
            "completed_at",
            "excused_reason",
        )
        .with_status()
        .order_by("period__year", "party__path", "due_date", "pk")
    )


class SubmissionResource(SafeExportMixin, resources.ModelResource):
    """One row per submission, with one column per figure the obligations ask for (set at construction)."""

    party = fields.Field(attribute="task__party__name", column_name=_("Đơn vị"), readonly=True)
    obligation = fields.Field(attribute="task__obligation__title", column_name=_("Nhiệm vụ"), readonly=True)
    period = fields.Field(attribute="task__period__label", column_name=_("Kỳ"), readonly=True)
    state = fields.Field(column_name=_("Trạng thái"), readonly=True)
    results = fields.Field(attribute="results", column_name=_("Kết quả đạt được"), readonly=True)
    limitations = fields.Field(attribute="limitations", column_name=_("Tồn tại, hạn chế, nguyên nhân"), readonly=True)
    directions = fields.Field(attribute="directions", column_name=_("Phương hướng, nhiệm vụ năm tới"), readonly=True)
    proposals = fields.Field(attribute="proposals", column_name=_("Kiến nghị, đề xuất"), readonly=True)
    # The demo's invented reports say so wherever they are seen, a spreadsheet too.
    is_illustrative = fields.Field(
        attribute="is_illustrative",
        column_name=_("Dữ liệu minh họa"),
        widget=widgets.BooleanWidget(),
        readonly=True,
    )

    class Meta:
        model = Submission
        fields = [
            "party",
            "obligation",
            "period",
            "state",
            "results",
            "limitations",
            "directions",
            "proposals",
            "is_illustrative",
        ]
        chunk_size = 2000

    def __init__(self, figure_definitions: list[FigureDefinition] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.figure_codes: list[str] = []
        for definition in figure_definitions or []:
            if definition.code in self.figure_codes:
                continue
            self.figure_codes.append(definition.code)
            name = f"figure__{definition.code}"
            field = fields.Field(
                column_name=str(definition), readonly=True, dehydrate_method=self._figure(definition.code)
            )
            self.fields[name] = field

    def filter_export(self, queryset, **kwargs):
        return export_submissions_queryset(queryset)

    def get_export_order(self):
        return (*self._meta.fields, *(f"figure__{code}" for code in self.figure_codes))

    @staticmethod
    def _figure(code):
        def dehydrate(submission):
            return figure_number(submission.figures.get(code))

        return dehydrate

    def dehydrate_state(self, submission):
        return str(submission.task.get_state_display())


def export_submissions_queryset(queryset):
    return queryset.select_related("task__party", "task__obligation", "task__period").order_by(
        "task__period__year", "task__party__path", "pk"
    )


class AllFiguresSubmissionResource(SubmissionResource):
    """The admin's export of submissions: a column for every figure that any obligation asks for."""

    def __init__(self, **kwargs):
        definitions = FigureDefinition.objects.order_by("obligation_id", "order", "pk")
        super().__init__(figure_definitions=list(definitions), **kwargs)
