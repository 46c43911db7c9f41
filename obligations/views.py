import difflib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from regulations.files import private_file_response
from regulations.models import Party
from regulations.rights import Right
from regulations.selectors import can_edit_sources, source_trail, user_scope
from regulations.views import paginate

from . import contribution_forms, selectors, services
from .filters import ObligationFilter, TaskFilter, period_years
from .forms import ExcuseForm, ReviewForm, SubmissionForm
from .models import Attachment, Obligation, Submission, Task


@require_GET
def home(request):
    """The landing page: the user's own parties' tasks, the nearest deadlines first."""
    now = timezone.now()
    scope = user_scope(request.user)
    mine = selectors.tasks_visible_to(request.user).filter(party_id__in=scope.own_party_ids)
    visible = selectors.tasks_visible_to(request.user)
    counts = dict(
        visible.with_status(now).values_list("status_code").annotate(n=Count("pk")).values_list("status_code", "n")
    )
    open_states = [Task.State.OPEN, Task.State.RETURNED]
    upcoming = mine.filter(state__in=open_states, deadline__gt=now).with_related().with_status(now)[:10]
    overdue = visible.filter(state__in=open_states, deadline__lte=now).with_related().with_status(now)
    return render(
        request,
        "obligations/home.html",
        {
            "counts": [(status, label, counts.get(status, 0)) for status, label in Task.Status.choices],
            "upcoming": upcoming,
            "overdue": overdue.order_by("-due_date")[:10],
            "overdue_total": overdue.count(),
            "scope": scope,
        },
    )


@require_GET
def obligation_list(request):
    """The obligations the user sees, a page at a time. The filters and the order run over the narrow rows;
    the page's rows are then read with their sources and parties, and their numbers of tasks counted in one
    grouped query over the page's ids (joining every task and grouping the wide rows made PostgreSQL check
    the visibility of each obligation once per task: 61 s at 20,000 tasks)."""
    queryset = selectors.obligations_visible_to(request.user).order_by("applies_from", "title", "pk")
    filterset = ObligationFilter(request.GET, queryset=queryset, request=request)
    rows = Obligation.objects.with_sources().prefetch_related(
        Prefetch("responsible_parties", queryset=Party.objects.order_by("path"))
    )
    page = paginate(request, filterset.qs, rows=rows)
    counts = selectors.task_counts([obligation.pk for obligation in page])
    for obligation in page:
        obligation.task_count = counts.get(obligation.pk, 0)
    return render(
        request,
        "obligations/obligation_list.html",
        {"filter": filterset, "page": page, "can_intake": can_edit_sources(request.user, None)},
    )


@require_GET
def obligation_detail(request, pk):
    obligation = selectors.get_obligation_for_user(request.user, pk)
    visible_obligations = selectors.obligations_visible_to(request.user)
    return render(
        request,
        "obligations/obligation_detail.html",
        {
            "obligation": obligation,
            "parties": obligation.responsible_party_list(),
            "depends_on": visible_obligations.filter(dependents=obligation),
            "dependents": visible_obligations.filter(depends_on=obligation),
            "can_edit": can_edit_sources(request.user, selectors.obligation_owner(obligation)),
            "trail": source_trail(obligation),
            "tasks": selectors.tasks_visible_to(request.user)
            .filter(obligation=obligation)
            .with_related()
            .with_status(),
        },
    )


@require_GET
def task_list(request):
    filterset = TaskFilter(request.GET, queryset=selectors.task_list(user=request.user), request=request)
    return render(
        request,
        "obligations/task_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs, rows=Task.objects.with_related().with_status()),
            "years": period_years(),
        },
    )


@require_GET
def task_detail(request, pk):
    task = selectors.get_task_for_user(request.user, pk)
    return task_detail_page(request, task)


def task_detail_page(request, task, *, contribution_form=None, status=200):
    """The task page; the contribution view renders it again with its bound form when the input is refused."""
    versions = list(selectors.task_versions(task))
    cooperation = selectors.task_cooperation(task)
    if contribution_form is None:
        contribution_form = contribution_forms.blank_form(request.user, task, cooperation)
    return render(
        request,
        "obligations/task_detail.html",
        {
            "task": task,
            "obligation": task.obligation,
            "submission": Submission.objects.filter(task=task).first(),
            "versions": versions,
            "pending_version": next((v for v in versions if v.review == "pending"), None),
            "trail": selectors.task_trail(task),
            "can_edit": task.state in services.EDITABLE_STATES and selectors.can_edit_report(request.user, task),
            "can_review": selectors.can_review(request.user, task),
            "excuse_form": ExcuseForm(),
            "cooperation": cooperation,
            "contribution_form": contribution_form,
            "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


# --- Submissions and review -------------------------------------------------------------------------


@require_GET
def my_tasks(request):
    """ "Nhiệm vụ của tôi": open tasks of the user's own parties, soonest first, with days left or overdue."""
    tasks = selectors.my_open_tasks(request.user)
    return render(request, "obligations/my_tasks.html", {"tasks": tasks, "today": timezone.localdate()})


def _report_page(request, task, form, *, conflict=None, status=200):
    submission = Submission.objects.filter(task=task).first()
    attachments = submission.attachments.filter(removed_at__isnull=True) if submission else []
    cooperation = selectors.task_cooperation(task)
    return render(
        request,
        "obligations/task_report.html",
        {
            "task": task,
            "form": form,
            "submission": submission,
            "attachments": attachments,
            "conflict": conflict,
            "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
            "cooperation": cooperation,
            "cooperation_missing": [row.party for row in cooperation if not row.text],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def task_report(request, pk):
    task = selectors.get_task_for_user(request.user, pk, right=Right.REPORT)
    try:
        services.refuse_unless_editable(task)
    except services.SubmissionError as error:
        messages.warning(request, error.message)
        return redirect(task)
    submission = Submission.objects.filter(task=task).first()
    if request.method == "GET":
        initial = {"revision": submission.revision if submission else 0}
        if submission:
            initial |= submission.sections() | {f"fig_{code}": value for code, value in submission.figures.items()}
        return _report_page(request, task, SubmissionForm(task=task, initial=initial))

    form = SubmissionForm(request.POST, request.FILES, task=task)
    if not form.is_valid():
        messages.error(request, _("Chưa lưu: vui lòng sửa các lỗi bên dưới."))
        return _report_page(request, task, form, status=400)
    try:
        with transaction.atomic():
            submission = services.submission_save_draft(
                task=task,
                actor=request.user,
                sections=form.sections(),
                figures=form.figures(),
                expected_revision=form.cleaned_data["revision"],
            )
            if form.cleaned_data.get("upload"):
                services.attachment_add(
                    task=task,
                    actor=request.user,
                    upload=form.cleaned_data["upload"],
                    kind=form.cleaned_data.get("upload_kind") or Attachment.Kind.SIGNED_SCAN,
                )
        if request.POST.get("action") == "submit":
            services.submission_submit(task=task, actor=request.user, expected_revision=submission.revision)
            messages.success(request, _("Đã nộp báo cáo. Cơ quan đầu mối đã được thông báo."))
            return redirect(task)
    except services.ConcurrentEditError as error:
        messages.error(request, error.message)
        return _report_page(request, task, form, conflict=error.current, status=409)
    except services.SubmissionError as error:
        if error.code in ("already_submitted", "accepted", "excused"):
            messages.warning(request, error.message)
            return redirect(task)
        for field, field_errors in error.field_errors.items():
            for message in field_errors:
                form.add_error(field if field in form.fields else None, message)
        messages.error(request, error.message)
        # The draft itself was saved: keep the form in step with the new revision.
        data = request.POST.copy()
        data["revision"] = str(Submission.objects.get(task=task).revision)
        form.data = data
        return _report_page(request, task, form, status=400)
    except ValidationError as error:
        form.add_error("upload", error)
        messages.error(request, _("Chưa lưu: vui lòng sửa các lỗi bên dưới."))
        return _report_page(request, task, form, status=400)
    messages.success(request, _("Đã lưu bản nháp."))
    return redirect("obligations:task_report", pk=task.pk)


@require_POST
def attachment_remove(request, pk):
    attachment = selectors.get_attachment_for_user(request.user, pk, right=Right.REPORT)
    task = attachment.submission.task
    try:
        services.attachment_remove(attachment=attachment, actor=request.user)
    except services.SubmissionError as error:
        messages.error(request, error.message)
        return redirect(task)
    messages.success(request, _("Đã gỡ tệp khỏi bản nháp."))
    return redirect("obligations:task_report", pk=task.pk)


@require_GET
def attachment_download(request, pk):
    attachment = selectors.get_attachment_for_user(request.user, pk)
    return private_file_response(attachment.file, download_name=attachment.original_name)


@require_GET
def version_detail(request, pk, number):
    task = selectors.get_task_for_user(request.user, pk)
    version = selectors.get_version_of_task(task, number)
    return render(
        request,
        "obligations/version_detail.html",
        {
            "task": task,
            "version": version,
            "sections": _labelled_sections(version.sections),
            "figures": _labelled_figures(task, version.figures),
            "attachments": version.attachments.all(),
            "cooperation": selectors.task_cooperation_as_of(task, version.submitted_at),
            "cooperation_expected": bool(selectors.cooperating_parties_of(task)),
        },
    )


@require_GET
def version_compare(request, pk):
    task = selectors.get_task_for_user(request.user, pk)
    older = selectors.get_version_of_task(task, request.GET.get("a"))
    newer = selectors.get_version_of_task(task, request.GET.get("b"))
    rows = [
        (label, diff_words(older.sections.get(name, ""), newer.sections.get(name, "")))
        for name, label in services.SECTION_LABELS.items()
    ]
    figure_rows = [
        (label, older.figures.get(code, ""), newer.figures.get(code, ""))
        for code, label in _figure_labels(task).items()
        if older.figures.get(code) != newer.figures.get(code)
    ]
    return render(
        request,
        "obligations/version_compare.html",
        {
            "task": task,
            "older": older,
            "newer": newer,
            "rows": rows,
            "figure_rows": figure_rows,
        },
    )


@require_GET
def review_list(request):
    """The reports waiting for the user's review, oldest first, a page at a time."""
    page = paginate(request, selectors.review_queue_for(request.user))
    return render(request, "obligations/review_list.html", {"page": page})


def _review_page(request, task):
    """The report awaiting review beside the decision: the reviewer reads it here, not on another page."""
    version = selectors.pending_version_of(task)
    context = {
        "task": task,
        "version": version,
        "may_excuse": task.state not in (Task.State.DONE, Task.State.EXCUSED),
    }
    if version is not None:
        context |= {
            "sections": _labelled_sections(version.sections),
            "figures": _labelled_figures(task, version.figures),
            "attachments": version.attachments.all(),
            "cooperation": selectors.task_cooperation_as_of(task, version.submitted_at),
            "cooperation_expected": bool(selectors.cooperating_parties_of(task)),
        }
    return render(request, "obligations/task_review.html", context)


@require_http_methods(["GET", "POST"])
def task_review(request, pk):
    task = selectors.get_task_for_user(request.user, pk, right=Right.REVIEW)
    if request.method == "GET":
        return _review_page(request, task)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("obligations:task_review", pk=task.pk)
    try:
        if form.cleaned_data["decision"] == "accept":
            services.submission_accept(task=task, actor=request.user, comment=form.cleaned_data["comment"])
            messages.success(request, _("Đã tiếp nhận báo cáo."))
        else:
            services.submission_return(task=task, actor=request.user, comment=form.cleaned_data["comment"])
            messages.success(request, _("Đã trả lại báo cáo để đơn vị chỉnh sửa."))
    except services.SubmissionError as error:
        messages.error(request, error.message)
        return redirect("obligations:task_review", pk=task.pk)
    return redirect(task)


@require_POST
def task_excuse(request, pk):
    task = selectors.get_task_for_user(request.user, pk, right=Right.REVIEW)
    form = ExcuseForm(request.POST)
    try:
        if not form.is_valid():
            raise services.SubmissionError(_("Cần ghi lý do miễn."), code="reason_required")
        services.task_excuse(task=task, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Đã miễn nhiệm vụ cho đơn vị."))
    except services.SubmissionError as error:
        messages.error(request, error.message)
    return redirect(task)


def _figure_labels(task) -> dict[str, str]:
    return {f.code: str(f) for f in task.obligation.figures.all()}


def _labelled_sections(sections: dict) -> list[tuple[str, str]]:
    return [
        (str(label), sections.get(name, "")) for name, label in services.SECTION_LABELS.items() if sections.get(name)
    ]


def _labelled_figures(task, figures: dict) -> list[tuple[str, str, str]]:
    """(label, value, unit) of each figure in the version's order; a code the obligation no longer asks
    for keeps its code as label."""
    definitions = {f.code: f for f in task.obligation.figures.all()}
    rows = []
    for code, value in figures.items():
        definition = definitions.get(code)
        rows.append((definition.label, value, definition.unit) if definition else (code, value, ""))
    return rows


def diff_words(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level changes as (op, text) pairs: op is "same", "del" or "ins"."""
    old_words, new_words = old.split(" "), new.split(" ")
    pieces: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", " ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(("del", " ".join(old_words[a1:a2])))
        if b2 > b1:
            pieces.append(("ins", " ".join(new_words[b1:b2])))
    return pieces
