"""Benchmark (b): XLSX export of tasks on PostgreSQL. Prints figures; not a test.

    python bench/export.py [--rows 100000] [--steps 25000,50000,100000]

Compares, in the same run and on the same rows, the app's export (reports.exports: the TaskResource
columns of django-import-export, streamed from the database, written by openpyxl's write-only workbook)
with a bare baseline: the same columns fetched with values_list and written by openpyxl write-only, as
the same typed cells. Goal: within 1.5× of the baseline. Peak memory (tracemalloc) is measured at several
sizes: it must stay flat as rows grow. Reuses the database of bench/dashboard.py (3,000 parties × 5 × 10
= 150,000 tasks).
"""

import argparse
import io
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard import build_world, setup_django


def app_export(queryset, out) -> int:
    from obligations.resources import TaskResource, export_tasks_queryset
    from reports import exports

    resource = TaskResource()
    spec = exports.ExportSpec(
        name="nhiem-vu",
        headers=resource.get_export_headers(),
        rows=exports._resource_rows(resource, export_tasks_queryset(queryset)),
        count=queryset.count,
    )
    done = []
    exports.write(spec, "xlsx", out, progress=done.append)
    return done[-1]


def baseline_export(queryset, out) -> int:
    """The same nine columns, with the same cells (numbers, date cells shown dd/mm/yyyy, Vietnam's time
    shown dd/mm/yyyy hh:mm), with no resource in between."""
    from django.utils import timezone
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from obligations.models import Task

    labels = dict(Task.Status.choices)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("nhiem-vu")

    def cell(value, number_format):
        typed = WriteOnlyCell(sheet, value=value)
        typed.number_format = number_format
        return typed

    sheet.append(
        [
            "Mã",
            "Nhiệm vụ",
            "Đơn vị thực hiện",
            "Kỳ",
            "Hạn theo văn bản",
            "Hạn",
            "Tình trạng",
            "Thời điểm hoàn thành",
            "Lý do miễn",
        ]
    )
    rows = (
        queryset.with_status()
        .order_by("period__year", "party__path", "due_date", "pk")
        .values_list(
            "id",
            "obligation__title",
            "party__name",
            "period__year",
            "nominal_due_date",
            "due_date",
            "status_code",
            "completed_at",
            "excused_reason",
        )
    )
    n = 0
    for pk, title, party, year, nominal, due, status, completed, reason in rows.iterator(chunk_size=2000):
        sheet.append(
            [
                pk,
                title,
                party,
                f"Năm {year}",
                cell(nominal, "dd/mm/yyyy"),
                cell(due, "dd/mm/yyyy"),
                str(labels[status]),
                cell(timezone.localtime(completed).replace(tzinfo=None), "dd/mm/yyyy hh:mm") if completed else None,
                reason,
            ]
        )
        n += 1
    workbook.save(out)
    return n


def timed(fn, queryset):
    out = io.BytesIO()
    started = time.perf_counter()
    n = fn(queryset, out)
    return time.perf_counter() - started, n, len(out.getvalue())


def peak(fn, queryset) -> int:
    tracemalloc.start()
    fn(queryset, _Sink())
    _current, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


class _Sink(io.RawIOBase):
    """A file that forgets what is written: memory is the exporter's, not the output buffer's."""

    def writable(self):
        return True

    def write(self, data):
        return len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--steps", default="25000,50000,100000")
    parser.add_argument("--parties", type=int, default=3000)
    args = parser.parse_args()
    setup_django()
    from django.utils import translation

    translation.activate("vi")
    world = build_world(args.parties, 5, 10)
    from obligations.models import Task

    base = Task.objects.filter(party__path__startswith=world["root"].path)
    first = base.order_by("pk").values_list("pk", flat=True).first()

    def first_rows(n):
        return base.filter(pk__lt=first + n)

    queryset = first_rows(args.rows)
    print(f"export: {queryset.count()} tasks to XLSX")
    for fn in (baseline_export, app_export):
        fn(first_rows(1000), io.BytesIO())  # warm up
    baseline, n_base, size_base = timed(baseline_export, queryset)
    ours, n_ours, size_ours = timed(app_export, queryset)
    print(f"baseline openpyxl write-only: {baseline:.2f} s, {n_base} rows, {size_base / 1e6:.1f} MB")
    print(f"app export:                   {ours:.2f} s, {n_ours} rows, {size_ours / 1e6:.1f} MB")
    print(f"ratio app / baseline: {ours / baseline:.2f}× (goal ≤ 1.5×)")
    for step in [int(s) for s in args.steps.split(",") if s]:
        print(
            f"peak memory (tracemalloc) at {step} rows: app {peak(app_export, first_rows(step)) / 1e6:.1f} MB, "
            f"baseline {peak(baseline_export, first_rows(step)) / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
