"""Spreadsheet exports (XLSX, CSV) of what the user may see, written row by row.

The columns and cell values come from the django-import-export resources (obligations/resources.py);
the rows are streamed from the database in chunks and written with openpyxl's write-only workbook, so
memory stays flat however many rows there are. Every cell is escaped against formula injection.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from obligations.models import FigureDefinition, Submission
from obligations.resources import (
    SubmissionResource,
    TaskResource,
    export_submissions_queryset,
    export_tasks_queryset,
)
from regulations.resources import escape_formula

from . import selectors
from .models import ConsolidatedReport

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
CHUNK = 2000


@dataclass
class ExportSpec:
    """What to export: the headers, the rows (an iterator of cell lists), how many, and a file name."""

    name: str
    headers: list[str]
    rows: Callable[[], Iterable[list]]
    count: Callable[[], int]


def _resource_rows(resource, queryset: QuerySet) -> Callable[[], Iterable[list]]:
    def rows():
        export_fields = resource.get_export_fields()  # once, not per row
        export_field = resource.export_field
        for obj in queryset.iterator(chunk_size=CHUNK):
            yield [export_field(field, obj) for field in export_fields]

    return rows


def task_export(user, filters: "selectors.DashboardFilters", status: str = "") -> ExportSpec:
    tasks = selectors.dashboard_tasks(user, filters)
    if status:
        tasks = tasks.with_status_code(status, timezone.now())
    resource = TaskResource()
    queryset = export_tasks_queryset(tasks)
    return ExportSpec(
        name="nhiem-vu",
        headers=resource.get_export_headers(),
        rows=_resource_rows(resource, queryset),
        count=tasks.count,
    )


def submission_export(user, filters: "selectors.DashboardFilters") -> ExportSpec:
    tasks = selectors.dashboard_tasks(user, filters)
    submissions = Submission.objects.filter(task__in=tasks.values("pk"))
    definitions = list(
        FigureDefinition.objects.filter(obligation__tasks__in=tasks.values("pk")).distinct().order_by("order", "pk")
    )
    resource = SubmissionResource(figure_definitions=definitions)
    return ExportSpec(
        name="bao-cao-don-vi",
        headers=resource.get_export_headers(),
        rows=_resource_rows(resource, export_submissions_queryset(submissions)),
        count=submissions.count,
    )


def consolidated_figures_export(report: ConsolidatedReport) -> ExportSpec:
    content = selectors.consolidated_content(report)

    def rows():
        for figure in content["figures"]:
            yield [escape_formula(figure["label"]), figure["unit"], figure["total"], figure["reported_by"]]

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

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=spec.name[:31])
        sheet.append(spec.headers)
        for row in spec.rows():
            sheet.append(row)
            done += 1
            if progress and done % CHUNK == 0:
                progress(done)
        workbook.save(out)
    elif fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow(spec.headers)
        for row in spec.rows():
            writer.writerow(row)
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
    if params.get("regulation"):
        filters.regulation = _get_or_404(selectors.regulations_for_filter(user), params["regulation"])
    return filters
