"""Spreadsheet exports (XLSX, CSV) of what the user may see, written row by row.

The columns and cell values come from the django-import-export resources (obligations/resources.py),
as values of their own types (numbers, dates, moments, booleans); the rows are streamed from the database
in chunks and written with openpyxl's write-only workbook, so memory stays flat however many rows there
are. Every text cell is escaped against formula injection.

The cells are typed as regulations.spreadsheets says: an XLSX for people (numbers, date cells shown
dd/mm/yyyy, "Có"/"Không"), a CSV for programs, never localised (decimal point, ISO 8601 dates, 1/0).
"""

import csv
import functools
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from obligations.models import FigureDefinition, Submission, Task
from obligations.resources import (
    SubmissionResource,
    TaskResource,
    export_submissions_queryset,
    export_tasks_queryset,
)
from regulations import spreadsheets
from regulations.models import Party
from regulations.resources import escape_formula
from regulations.selectors import Structure

from . import selectors
from .models import ConsolidatedReport

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
CHUNK = 2000


@dataclass
class ExportSpec:
    """What to export: the headers, the rows (an iterator of cell lists), how many, and a file name; the
    sheet's name and a title line above the headers (the spreadsheet's first row: what it holds, by which
    structure, with which filters; a CSV stays data only, its file name says the structure)."""

    name: str
    headers: list[str]
    rows: Callable[[], Iterable[list]]
    count: Callable[[], int]
    sheet: str = ""
    title: str = ""


# The file names' mark of the structure the rows follow.
STRUCTURE_SLUGS: dict[str, str] = {Structure.NOW: "co-cau-hien-nay", Structure.THEN: "co-cau-tai-thoi-diem"}


def _resource_rows(
    resource, queryset: QuerySet, *, holder_column: tuple[int, Callable] | None = None
) -> Callable[[], Iterable[list]]:
    """The resource's cells of each row; in "hiện nay", with the name of the party holding the row's duties
    today inserted at a column (holder_column: where, and the row's party id)."""

    def rows():
        getters = _cell_getters(resource)
        for obj in queryset.iterator(chunk_size=CHUNK):
            cells = [escape_formula(get(obj)) for get in getters]
            if holder_column is not None:
                position, party_of = holder_column
                cells.insert(position, party_of(obj))
            yield cells

    return rows


def _cell_getters(resource) -> list[Callable]:
    """Each column's way from a row's object to its value, found once per export (django-import-export's
    export_field looks up the field's name and its dehydrate method for every cell). The widgets' values,
    not their text (force_native_type): the writer shows them as each format needs. The caller escapes each
    cell, as the resources' SafeExportMixin.export_field does, which this path does not go through."""
    getters = []
    for field in resource.get_export_fields():
        method = field.get_dehydrate_method(resource.get_field_name(field))
        if not callable(method):
            method = getattr(resource, method, None)
        getters.append(method if method is not None else functools.partial(field.export, force_native_type=True))
    return getters


def _holder_name(filters: "selectors.DashboardFilters", party_id_of: Callable, party_name_of: Callable):
    """The cell of the party that holds a row's duties today: its own name when it has not ended."""
    holders = filters.holders
    assert holders is not None

    def cell(obj):
        party_id = party_id_of(obj)
        holder = holders.of(party_id)
        return escape_formula(holders.parties[holder].name if holder != party_id else party_name_of(obj))

    return cell


def _title(what: str, filters: "selectors.DashboardFilters", status: str = "") -> str:
    """The spreadsheet's first row: "Nhiệm vụ — Theo cơ cấu hiện nay (năm 2024; Ủy ban nhân dân tỉnh …)"."""
    narrowed = []
    if filters.year:
        narrowed.append(_("năm %(year)s") % {"year": filters.year})
    if filters.jurisdiction is not None:
        narrowed.append(filters.jurisdiction.name)
    if filters.level:
        narrowed.append(str(dict(Party.Level.choices).get(filters.level, filters.level)))
    if filters.kind:
        narrowed.append(str(dict(Party.Kind.choices).get(filters.kind, filters.kind)))
    if filters.regulation is not None:
        narrowed.append(filters.regulation.number_symbol or filters.regulation.title)
    if status:
        narrowed.append(str(dict(Task.Status.choices).get(status, status)))
    title = f"{what} — {filters.structure_label}"
    if narrowed:
        title += f" ({'; '.join(narrowed)})"
    return escape_formula(title)


def task_export(user, filters: "selectors.DashboardFilters", status: str = "") -> ExportSpec:
    tasks = selectors.dashboard_tasks(user, filters)
    if status:
        tasks = tasks.with_status_code(status, timezone.now())
    resource = TaskResource()
    queryset = export_tasks_queryset(tasks)
    headers = resource.get_export_headers()
    holder_column = None
    if filters.as_now:
        # After the party's own column: who holds that party's duties today.
        position = 3
        queryset = queryset.annotate(row_party_id=F("party_id"))
        holder_column = (
            position,
            _holder_name(filters, lambda task: task.row_party_id, lambda task: task.party_name),
        )
        headers.insert(position, _("Cơ quan, tổ chức theo cơ cấu hiện nay"))
    return ExportSpec(
        name=f"nhiem-vu-{STRUCTURE_SLUGS[filters.structure]}",
        headers=headers,
        rows=_resource_rows(resource, queryset, holder_column=holder_column),
        count=tasks.count,
        sheet="nhiem-vu",
        title=_title(_("Danh sách nhiệm vụ"), filters, status),
    )


def submission_export(user, filters: "selectors.DashboardFilters") -> ExportSpec:
    tasks = selectors.dashboard_tasks(user, filters)
    submissions = Submission.objects.filter(task__in=tasks.values("pk"))
    definitions = list(
        FigureDefinition.objects.filter(obligation__tasks__in=tasks.values("pk")).distinct().order_by("order", "pk")
    )
    resource = SubmissionResource(figure_definitions=definitions)
    headers = resource.get_export_headers()
    holder_column = None
    if filters.as_now:
        position = 1
        holder_column = (
            position,
            _holder_name(filters, lambda sub: sub.task.party_id, lambda sub: sub.task.party.name),
        )
        headers.insert(position, _("Cơ quan, tổ chức theo cơ cấu hiện nay"))
    return ExportSpec(
        name=f"bao-cao-don-vi-{STRUCTURE_SLUGS[filters.structure]}",
        headers=headers,
        rows=_resource_rows(resource, export_submissions_queryset(submissions), holder_column=holder_column),
        count=submissions.count,
        sheet="bao-cao-don-vi",
        title=_title(_("Báo cáo của đơn vị kèm số liệu"), filters),
    )


def figure_total(total) -> int | float | str:
    """A consolidated total as a number. The content holds it as shown ("1.234,5": it is also what a
    finalised report's snapshot keeps), so it is read back from the Vietnamese separators."""
    if isinstance(total, int | float):
        return total
    try:
        number = Decimal(str(total).replace(".", "").replace(",", "."))
    except InvalidOperation:
        return escape_formula(str(total))
    return int(number) if number == number.to_integral_value() else float(number)


def consolidated_figures_export(report: ConsolidatedReport) -> ExportSpec:
    content = selectors.consolidated_content(report)

    def rows():
        for figure in content["figures"]:
            yield [
                escape_formula(figure["label"]),
                escape_formula(figure["unit"]),
                figure_total(figure["total"]),
                figure["reported_by"],
            ]

    return ExportSpec(
        name=f"tong-hop-{report.period.year}",
        headers=[_("Số liệu"), _("Đơn vị tính"), _("Tổng cộng"), _("Số đơn vị báo cáo")],
        rows=rows,
        count=lambda: len(content["figures"]),
    )


def write(spec: ExportSpec, fmt: str, out, *, progress: Callable[[int], None] | None = None, total: int = 0) -> None:
    """Write the rows to a binary file object, calling progress(done_rows) every chunk."""
    done = 0
    if fmt == "xlsx":
        from openpyxl import Workbook

        def counted(rows_done: int) -> None:
            if progress and rows_done % CHUNK == 0:
                progress(rows_done)

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=(spec.sheet or spec.name)[:31])
        # A file for reading: a yes-or-no says so in words, as the pages do.
        done = spreadsheets.write_xlsx_sheet(
            sheet, spec.headers, spec.rows(), title=spec.title, yes=_("Có"), no=_("Không"), on_row=counted
        )
        workbook.save(out)
    elif fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow(spec.headers)
        for row in spec.rows():
            writer.writerow([spreadsheets.csv_field(value) for value in row])
            done += 1
            if progress and done % CHUNK == 0:
                progress(done)
        text.flush()
        text.detach()
    else:
        raise ValueError(fmt)
    if progress:
        progress(done)


def spec_for(user, what: str, params: dict) -> ExportSpec:
    """Build an export from its parameters (on the page, when it is queued, and in the worker), through the
    user's scope and rights each time."""
    filters = filters_from_params(user, params)
    if what == "tasks":
        return task_export(user, filters, params.get("status", ""))
    if what == "submissions":
        selectors.require_oversight(user)  # the reports' contents are for the oversight roles
        return submission_export(user, filters)
    if what == "consolidated":
        report = selectors.get_consolidated_for_user(user, params["report"])
        return consolidated_figures_export(report)
    raise ValueError(what)


def filters_from_params(user, params: dict) -> "selectors.DashboardFilters":
    from regulations.selectors import _get_or_404

    filters = selectors.DashboardFilters()
    if params.get("jurisdiction"):
        filters.jurisdiction = selectors.get_jurisdiction_for_user(user, params["jurisdiction"])
    if params.get("year"):
        try:
            filters.year = int(params["year"])
        except (TypeError, ValueError):
            filters.year = None
    filters.level = params.get("level") or ""
    filters.kind = params.get("kind") or ""
    # Left out (a link of before), it is "hiện nay", as on the dashboard.
    structure = params.get("co_cau") or ""
    filters.structure = structure if structure in Structure.values else Structure.NOW
    if params.get("regulation"):
        filters.regulation = _get_or_404(selectors.regulations_for_filter(user), params["regulation"])
    return filters
