"""Pages of the reports app: dashboard, consolidated reports, generated files, exports, imports, calendar."""

import datetime
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy, ngettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from obligations.filters import period_years
from obligations.models import Task
from regulations.files import private_file_response
from regulations.rights import Right
from regulations.selectors import Structure, get_document_for_user, get_meeting_for_user

from . import calendar_feed, charts, exports, import_jobs, imports, selectors, services
from .forms import ConsolidatedCreateForm, ConsolidatedForm, DashboardFilterForm, ImportForm
from .models import CalendarToken, GeneratedFile, ImportJob

STATUS_CODES = [
    Task.Status.DONE_ON_TIME,
    Task.Status.DONE_LATE,
    Task.Status.PENDING,
    Task.Status.OVERDUE,
    Task.Status.SUBMITTED,
    Task.Status.RETURNED,
    Task.Status.EXCUSED,
]


# What a count link of the dashboard counts, for a screen reader (a bare "2" says nothing): per status, with a
# party's row ("2 nhiệm vụ quá hạn của Hội Nông dân tỉnh Quảng Ngãi") and for the whole scope (the totals).
COUNT_OF_PARTY = {
    Task.Status.DONE_ON_TIME: ngettext_lazy(
        "%(n)s nhiệm vụ hoàn thành đúng hạn của %(party)s", "%(n)s nhiệm vụ hoàn thành đúng hạn của %(party)s", "n"
    ),
    Task.Status.DONE_LATE: ngettext_lazy(
        "%(n)s nhiệm vụ hoàn thành trễ hạn của %(party)s", "%(n)s nhiệm vụ hoàn thành trễ hạn của %(party)s", "n"
    ),
    Task.Status.PENDING: ngettext_lazy(
        "%(n)s nhiệm vụ chưa hoàn thành, còn hạn của %(party)s",
        "%(n)s nhiệm vụ chưa hoàn thành, còn hạn của %(party)s",
        "n",
    ),
    Task.Status.OVERDUE: ngettext_lazy(
        "%(n)s nhiệm vụ quá hạn của %(party)s", "%(n)s nhiệm vụ quá hạn của %(party)s", "n"
    ),
    Task.Status.SUBMITTED: ngettext_lazy(
        "%(n)s nhiệm vụ của %(party)s đã nộp, chờ xem xét", "%(n)s nhiệm vụ của %(party)s đã nộp, chờ xem xét", "n"
    ),
    Task.Status.RETURNED: ngettext_lazy(
        "%(n)s nhiệm vụ của %(party)s bị trả lại để chỉnh sửa",
        "%(n)s nhiệm vụ của %(party)s bị trả lại để chỉnh sửa",
        "n",
    ),
    Task.Status.EXCUSED: ngettext_lazy(
        "%(n)s nhiệm vụ của %(party)s được miễn", "%(n)s nhiệm vụ của %(party)s được miễn", "n"
    ),
}
COUNT_OF_ALL = {
    Task.Status.DONE_ON_TIME: ngettext_lazy(
        "%(n)s nhiệm vụ hoàn thành đúng hạn", "%(n)s nhiệm vụ hoàn thành đúng hạn", "n"
    ),
    Task.Status.DONE_LATE: ngettext_lazy("%(n)s nhiệm vụ hoàn thành trễ hạn", "%(n)s nhiệm vụ hoàn thành trễ hạn", "n"),
    Task.Status.PENDING: ngettext_lazy(
        "%(n)s nhiệm vụ chưa hoàn thành, còn hạn", "%(n)s nhiệm vụ chưa hoàn thành, còn hạn", "n"
    ),
    Task.Status.OVERDUE: ngettext_lazy("%(n)s nhiệm vụ quá hạn", "%(n)s nhiệm vụ quá hạn", "n"),
    Task.Status.SUBMITTED: ngettext_lazy(
        "%(n)s nhiệm vụ đã nộp, chờ xem xét", "%(n)s nhiệm vụ đã nộp, chờ xem xét", "n"
    ),
    Task.Status.RETURNED: ngettext_lazy(
        "%(n)s nhiệm vụ bị trả lại để chỉnh sửa", "%(n)s nhiệm vụ bị trả lại để chỉnh sửa", "n"
    ),
    Task.Status.EXCUSED: ngettext_lazy("%(n)s nhiệm vụ được miễn", "%(n)s nhiệm vụ được miễn", "n"),
}


def _filters_from_request(request) -> tuple[DashboardFilterForm, selectors.DashboardFilters]:
    form = DashboardFilterForm(
        request.GET or None,
        jurisdictions=selectors.jurisdictions_visible_to(request.user),
        regulations=selectors.regulations_for_filter(request.user),
        years=period_years(),
    )
    filters = selectors.DashboardFilters()
    if form.is_bound:
        if not form.is_valid():
            # A jurisdiction or regulation outside the user's scope is not a choice: 404, as everywhere.
            if "jurisdiction" in form.errors or "regulation" in form.errors:
                raise Http404
            return form, filters
        data = form.cleaned_data
        filters = selectors.DashboardFilters(
            jurisdiction=data["jurisdiction"],
            year=data["year"],
            level=data["level"],
            kind=data["kind"],
            regulation=data["regulation"],
            structure=data["co_cau"] or Structure.NOW,
        )
    return form, filters


def _filter_params(filters: selectors.DashboardFilters) -> dict:
    params: dict[str, int | str] = {"co_cau": filters.structure}
    if filters.jurisdiction:
        params["jurisdiction"] = filters.jurisdiction.pk
    if filters.year:
        params["year"] = filters.year
    if filters.level:
        params["level"] = filters.level
    if filters.kind:
        params["kind"] = filters.kind
    if filters.regulation:
        params["regulation"] = filters.regulation.pk
    return params


def task_list_url(*, party=None, year=None, status=None, structure=None) -> str:
    """The existing task list (/tasks/) filtered to the tasks behind one number of the dashboard."""
    pairs = (("party", party), ("co_cau", structure), ("year", year), ("status", status))
    params = {key: value for key, value in pairs if value}
    return f"{reverse('obligations:task_list')}?{urlencode(params)}"


def _pct(rate) -> str:
    return "—" if rate is None else f"{round(rate * 100)}%"


def _table_rows(data: selectors.Dashboard, filters: selectors.DashboardFilters) -> list[dict]:
    """Each party row with its cells ready to print: a page of 3,000 parties renders without lookups."""
    base = reverse("obligations:task_list")
    year = f"&year={filters.year}" if filters.year else ""
    holders = filters.holders
    labels = dict(Task.Status.choices)
    rows = []
    for row in data.rows:
        own = row.own.by_status
        # "Hiện nay": the row counts the tasks of its predecessors too, and so does the list it links to. (A row
        # of a party that has ended is there only when its holder is out of the user's sight: its own tasks.)
        holds_own = holders is not None and holders.of(row.party.pk) == row.party.pk
        structure = f"&co_cau={Structure.NOW}" if holds_own else ""
        links = {code: f"{base}?party={row.party.pk}{structure}{year}&status={code}" for code in STATUS_CODES}
        matrix = []
        for year_value in data.years:
            counts = row.rolled_by_year.get(year_value)
            if counts is None or not counts.total:
                matrix.append((year_value, "rate-none", "—", ""))
            else:
                fraction = f"{counts.done}/{counts.expected}"
                matrix.append((year_value, counts.rate_class, fraction, _pct(counts.reporting_rate)))
        rows.append(
            {
                "row": row,
                "links": links,
                "cells": [
                    (
                        labels[code],
                        own[code],
                        links[code],
                        COUNT_OF_PARTY[code] % {"n": own[code], "party": row.party.name} if own[code] else "",
                    )
                    for code in STATUS_CODES
                ],
                "reporting_rate": _pct(row.rolled.reporting_rate),
                "on_time_rate": _pct(row.rolled.on_time_rate),
                "matrix": matrix,
            }
        )
    return rows


@require_GET
def dashboard(request):
    selectors.require_oversight(request.user)
    form, filters = _filters_from_request(request)
    now = timezone.now()
    data = selectors.dashboard(request.user, filters, now=now)
    try:
        month = datetime.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        month = timezone.localdate()
    month_view = selectors.deadline_calendar(request.user, filters, month, now=now)
    params = _filter_params(filters)
    rows = _table_rows(data, filters)
    other = Structure.THEN if filters.as_now else Structure.NOW
    jurisdiction_holder = None
    if filters.jurisdiction is not None and filters.holders is not None:
        holder = filters.holders.of(filters.jurisdiction.pk)
        if holder != filters.jurisdiction.pk:
            jurisdiction_holder = filters.holders.parties[holder]
    total_links = (
        {} if filters.narrows_scope else {code: task_list_url(year=filters.year, status=code) for code in STATUS_CODES}
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "data": data,
            "rows": rows,
            "total_links": total_links,
            "total_names": {
                code: COUNT_OF_ALL[code] % {"n": data.total.by_status.get(code, 0)} for code in STATUS_CODES
            },
            "status_codes": STATUS_CODES,
            "status_labels": dict(Task.Status.choices),
            "overdue": selectors.overdue_tasks(request.user, filters, now=now),
            "calendar": month_view,
            "chart": charts.rate_chart(data.by_year),
            "params": urlencode(params),
            "structure": Structure(filters.structure),
            "other_structure": other,
            "other_structure_params": urlencode({**params, "co_cau": other}),
            "jurisdiction_holder": jurisdiction_holder,
            "month_prev": urlencode({**params, "month": month_view.previous.strftime("%Y-%m")}),
            "month_next": urlencode({**params, "month": month_view.next.strftime("%Y-%m")}),
        },
    )


# --- exports ------------------------------------------------------------------------------------------


EXPORT_PARAMS = ("co_cau", "jurisdiction", "year", "level", "kind", "regulation", "status")


@require_GET
def export(request, what: str, fmt: str):
    """Export what the user may see; large exports go to a worker and the user watches the progress."""
    if fmt not in exports.FORMATS or what not in ("tasks", "submissions", "consolidated"):
        raise Http404
    params = {key: request.GET.get(key, "") for key in EXPORT_PARAMS}
    if what == "consolidated":
        report = selectors.get_consolidated_for_user(request.user, request.GET.get("report"))
        params["report"] = report.pk
    if params.get("status") and params["status"] not in Task.Status.values:
        params["status"] = ""
    spec = exports.spec_for(request.user, what, params)
    if spec.count() > settings.EXPORT_ASYNC_THRESHOLD:
        generated = services.generated_file_request(
            kind=GeneratedFile.Kind.EXPORT,
            actor=request.user,
            params={**params, "what": what, "format": fmt, "language": get_language()},
        )
        return redirect(generated)
    out = io.BytesIO()
    exports.write(spec, fmt, out)
    response = HttpResponse(out.getvalue(), content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{spec.name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- generated files ----------------------------------------------------------------------------------


@require_GET
def file_status(request, pk):
    generated = selectors.get_generated_file_for_user(request.user, pk)
    template = "reports/_file_status.html" if getattr(request, "htmx", False) else "reports/file_status.html"
    return render(request, template, {"generated": generated})


@require_GET
def file_download(request, pk):
    generated = selectors.get_generated_file_for_user(request.user, pk)
    if generated.status != GeneratedFile.Status.DONE:
        raise Http404
    return private_file_response(generated.file, download_name=generated.filename)


@require_POST
def file_retry(request, pk):
    """The requester runs a failed file again (the same row, queued afresh)."""
    generated = selectors.get_generated_file_for_user(request.user, pk)
    try:
        services.generated_file_retry(generated=generated, actor=request.user)
    except services.ReportError as error:
        messages.info(request, error.message)
    else:
        messages.success(request, _("Đã xếp hàng tạo lại tệp."))
    return redirect(generated)


def _print_kind(request, pdf_kind: str, docx_kind: str) -> str:
    """A printable record prints as PDF, or as Word when the form asks for format=docx."""
    return docx_kind if request.POST.get("format") == "docx" else pdf_kind


@require_POST
def document_pdf(request, pk):
    document = get_document_for_user(request.user, pk)
    kind = _print_kind(request, GeneratedFile.Kind.DOCUMENT_PDF, GeneratedFile.Kind.DOCUMENT_DOCX)
    generated = services.generated_file_request(kind=kind, actor=request.user, object_id=document.pk)
    return redirect(generated)


@require_POST
def meeting_pdf(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    kind = _print_kind(request, GeneratedFile.Kind.MEETING_PDF, GeneratedFile.Kind.MEETING_DOCX)
    generated = services.generated_file_request(kind=kind, actor=request.user, object_id=meeting.pk)
    return redirect(generated)


# --- consolidated reports ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def consolidated_list(request):
    selectors.require_oversight(request.user)
    compilable = selectors.compilable_jurisdictions(request.user)
    form = ConsolidatedCreateForm(request.POST or None, jurisdictions=compilable)
    can_create = compilable.exists()
    if request.method == "POST":
        # The posted jurisdiction goes through the getter like any object: unseen 404, not its compiler 403.
        selectors.get_jurisdiction_for_user(request.user, request.POST.get("jurisdiction"), right=Right.COMPILE)
        if form.is_valid():
            try:
                report = services.consolidated_report_create(
                    jurisdiction=form.cleaned_data["jurisdiction"],
                    period=form.cleaned_data["period"],
                    actor=request.user,
                )
            except services.ReportError as error:
                messages.error(request, error.message)
            else:
                return redirect(report)
    return render(
        request,
        "reports/consolidated_list.html",
        {
            "reports": selectors.consolidated_reports_visible_to(request.user).order_by(
                "-period__year", "jurisdiction__path"
            ),
            "form": form if can_create else None,
        },
    )


@require_http_methods(["GET", "POST"])
def consolidated_detail(request, pk):
    report = selectors.get_consolidated_for_user(request.user, pk)
    can_edit = selectors.can_compile(request.user, report.jurisdiction)
    form = ConsolidatedForm(request.POST or None, instance=report) if can_edit and report.is_editable else None
    if request.method == "POST":
        report = selectors.get_consolidated_for_user(request.user, pk, right=Right.COMPILE)
        if form is None:  # finalised or sent: editing needs a reopen first
            messages.error(request, _("Báo cáo đã hoàn chỉnh; hãy mở lại để sửa."))
            return redirect(report)
        if form.is_valid():
            try:
                services.consolidated_report_update(
                    report=report, actor=request.user, data={f: form.cleaned_data[f] for f in form.fields}
                )
            except services.ReportError as error:
                messages.error(request, error.message)
            else:
                if "finalise" not in request.POST:
                    messages.success(request, _("Đã lưu báo cáo tổng hợp."))
                    return redirect(report)
                # "Hoàn chỉnh báo cáo" submits the typed fields too: they are saved first, so nothing typed is
                # lost when the report cannot be finalised yet; the message says what is missing.
                try:
                    services.consolidated_report_finalise(report=report, actor=request.user)
                except services.ReportError as error:
                    messages.error(
                        request, _("Đã lưu những gì bạn đã nhập, nhưng chưa hoàn chỉnh được: ") + error.message
                    )
                else:
                    messages.success(request, _("Đã lưu và hoàn chỉnh báo cáo."))
                return redirect(report)
    content = selectors.consolidated_content(report)
    status_labels = dict(Task.Status.choices)
    return render(
        request,
        "reports/consolidated_detail.html",
        {
            "report": report,
            "content": content,
            "rows": [{**row, "status_label": status_labels.get(row["status"], "")} for row in content["rows"]],
            "form": form,
            "can_edit": can_edit,
            "files": GeneratedFile.objects.filter(
                kind=GeneratedFile.Kind.CONSOLIDATED_PDF, object_id=report.pk, requested_by=request.user
            )[:5],
            "signing_expected": selectors.signing_expected(report),
            # The last signing request of this finalisation: in progress, failed (with why) or the signed file.
            "signing_request": GeneratedFile.objects.filter(
                kind=GeneratedFile.Kind.CONSOLIDATED_SIGNED,
                object_id=report.pk,
                created_at__gte=report.finalised_at,
            ).first()
            if report.finalised_at
            else None,
        },
    )


@require_GET
def consolidated_signed_download(request, pk):
    """The report's signed copy is the report's own, not its requester's: whoever reads the report gets it."""
    report = selectors.get_consolidated_for_user(request.user, pk)
    if report.signed_file is None or report.signed_file.status != GeneratedFile.Status.DONE:
        raise Http404
    return private_file_response(report.signed_file.file, download_name=report.signed_file.filename)


# Lazy: built at import time, translated when shown, in the user's language.
ACTIONS = {
    "finalise": (services.consolidated_report_finalise, gettext_lazy("Đã hoàn chỉnh báo cáo.")),
    "reopen": (services.consolidated_report_reopen, gettext_lazy("Đã mở lại báo cáo để sửa.")),
    "submit": (services.consolidated_report_submit, gettext_lazy("Đã gửi báo cáo tổng hợp.")),
}


@require_POST
def consolidated_action(request, pk, action: str):
    report = selectors.get_consolidated_for_user(request.user, pk)
    if action in ("pdf", "docx"):
        kind = GeneratedFile.Kind.CONSOLIDATED_DOCX if action == "docx" else GeneratedFile.Kind.CONSOLIDATED_PDF
        generated = services.generated_file_request(kind=kind, actor=request.user, object_id=report.pk)
        return redirect(generated)
    if action == "sign":
        report = selectors.get_consolidated_for_user(request.user, pk, right=Right.COMPILE)
        try:
            generated = services.consolidated_report_sign(report=report, actor=request.user)
        except services.ReportError as error:
            messages.error(request, error.message)
            return redirect(report)
        messages.success(request, _("Đang ký số báo cáo; bản ký số sẽ hiện trên trang báo cáo khi xong."))
        return redirect(generated)
    if action not in ACTIONS:
        raise Http404
    report = selectors.get_consolidated_for_user(request.user, pk, right=Right.COMPILE)
    service, message = ACTIONS[action]
    try:
        service(report=report, actor=request.user)
    except services.ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, str(message))
    return redirect(report)


# --- imports ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_view(request):
    """Upload: the file is checked and kept, and a worker previews it (nothing saved); the status page
    follows it, then asks for the confirmation. Every row is imported into the jurisdiction, or none."""
    jurisdictions = selectors.importable_jurisdictions(request.user)  # a 403 for whoever imports nowhere
    form = ImportForm(request.POST or None, request.FILES or None, jurisdictions=jurisdictions)
    if request.method == "POST":
        # The posted jurisdiction goes through the getter like any object: unseen 404, no import right 403.
        jurisdiction = selectors.get_jurisdiction_for_user(
            request.user, request.POST.get("jurisdiction"), right=Right.IMPORT
        )
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_jobs.import_job_create(
                    actor=request.user,
                    jurisdiction=jurisdiction,
                    what=form.cleaned_data["what"],
                    filename=upload.name,
                    content=upload.read(),
                )
            except import_jobs.ImportJobError as error:
                form.add_error("file", error.message)
            else:
                return redirect(job)
    return render(
        request,
        "reports/import.html",
        {
            "form": form,
            "import_max_rows": import_jobs.number_text(settings.IMPORT_MAX_ROWS),
            "templates": [
                (key, label, imports.TEMPLATE_COLUMNS[key]) for key, label in imports.RESOURCE_LABELS.items()
            ],
        },
    )


@require_GET
def import_job(request, pk):
    job = selectors.get_import_job_for_user(request.user, pk)
    context = {"job": job, "progress": import_jobs.import_job_current_progress(job)}
    if job.status == ImportJob.Status.DONE:
        context["counts_text"] = _counts_text(job.result.get("counts", {}))
    template = "reports/_import_job.html" if getattr(request, "htmx", False) else "reports/import_job.html"
    return render(request, template, context)


@require_POST
def import_job_confirm(request, pk):
    job = selectors.get_import_job_for_user(request.user, pk)
    # The jurisdiction again through its getter: the right may have gone since the upload (403).
    selectors.get_jurisdiction_for_user(request.user, job.jurisdiction_id, right=Right.IMPORT)
    try:
        import_jobs.import_job_confirm(actor=request.user, job=job)
    except import_jobs.ImportJobError as error:
        messages.error(request, error.message)
    return redirect(job)


TEMPLATE_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
def import_template(request, what: str, fmt: str):
    """An empty import file with its columns and one example row."""
    selectors.importable_jurisdictions(request.user)  # a 403 for whoever imports nowhere
    if what not in imports.TEMPLATE_COLUMNS or fmt not in TEMPLATE_FORMATS:
        raise Http404
    dataset = imports.template_dataset(what)
    content = ("\ufeff" + dataset.export("csv")).encode("utf-8") if fmt == "csv" else dataset.export("xlsx")
    response = HttpResponse(content, content_type=TEMPLATE_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{what}.{fmt}"'
    return response


def _counts_text(counts: dict) -> str:
    return ", ".join(f"{n} {imports.row_type_label(key)}" for key, n in counts.items())


# --- calendar feed ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_token_revoke(user=request.user)
            messages.success(request, _("Đã thu hồi địa chỉ lịch; địa chỉ cũ không còn dùng được."))
        else:
            services.calendar_token_issue(user=request.user)
            messages.success(request, _("Đã tạo địa chỉ lịch mới."))
        return redirect("reports:calendar_settings")
    token = CalendarToken.objects.filter(user=request.user, revoked_at__isnull=True).first()
    feed_url = request.build_absolute_uri(reverse("reports:calendar_feed", args=[token.token])) if token else ""
    return render(request, "reports/calendar_settings.html", {"token": token, "feed_url": feed_url})


@login_not_required
@require_GET
def calendar_feed_view(request, token: str):
    """The secret address is the credential: no session, no login page (calendar programs cannot log in)."""
    found = (
        CalendarToken.objects.filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if found is None:
        raise Http404
    CalendarToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    body = calendar_feed.feed_for(found.user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="phoihop.ics"'
    return response
