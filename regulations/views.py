from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import selectors, services
from .files import private_file_response
from .filters import DocumentFilter, MeetingFilter, PartyFilter, RegulationFilter
from .forms import (
    AttendeeFormSet,
    ConclusionFormSet,
    DocumentForm,
    ItemFormSet,
    MeetingForm,
    RegulationForm,
    show_service_errors,
)
from .models import Document, Meeting, Party
from .rights import Right, require

PAGE_SIZE = 50


class IdPaginator(Paginator):
    """Slices the narrow rows (the ids, in the list's order, behind its filters: one query), then reads the
    wide rows of those ids only (one query), from `rows` when given (the list's joins and annotations,
    without its filters: the ids already passed them). Slicing the wide rows themselves let PostgreSQL join
    every visible task with its obligation and sources before it sorted them and kept 50; so did a subquery
    of the ids, which the planner folds back into the same join."""

    def __init__(self, object_list: QuerySet, per_page: int, *, rows: QuerySet | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.queryset = object_list
        self.rows = rows

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = self.queryset
        ids = list(queryset.values_list("pk", flat=True)[bottom:top])
        source = queryset if self.rows is None else self.rows
        found = {row.pk: row for row in source.filter(pk__in=ids)} if ids else {}
        return Page([found[pk] for pk in ids if pk in found], number, self)


def paginate(request, queryset, *, rows=None):
    """The page the request asks for (?page=, kept with the filters by the pagination links), PAGE_SIZE
    rows; a number past the end gives the last page. Three queries whatever the size: the count, the
    page's ids, its rows."""
    return IdPaginator(queryset, PAGE_SIZE, rows=rows).get_page(request.GET.get("page"))


@require_GET
def party_list(request):
    filterset = PartyFilter(request.GET, queryset=selectors.party_list(request.user), request=request)
    page = paginate(request, filterset.qs)
    return render(request, "regulations/party_list.html", {"filter": filterset, "page": page})


@require_GET
def regulation_list(request):
    queryset = (
        selectors.regulations_visible_to(request.user)
        .select_related("issuer")
        .prefetch_related(Prefetch("signatories", queryset=Party.objects.order_by("path")))
    )
    filterset = RegulationFilter(request.GET, queryset=queryset, request=request)
    return render(
        request,
        "regulations/regulation_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "can_add": selectors.can_edit_sources(request.user, None),
        },
    )


@require_GET
def regulation_file(request, pk):
    regulation = selectors.get_regulation_for_user(request.user, pk)
    suffix = PurePath(regulation.signed_file.name or "").suffix
    return private_file_response(regulation.signed_file, download_name=f"quy-che-{regulation.pk}{suffix}")


@require_GET
def document_list(request):
    queryset = selectors.documents_visible_to(request.user).select_related("issuer")
    filterset = DocumentFilter(request.GET, queryset=queryset, request=request)
    return render(
        request,
        "regulations/document_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "can_add": selectors.can_edit_sources(request.user, None),
        },
    )


@require_GET
def document_detail(request, pk):
    document = selectors.get_document_for_user(request.user, pk)
    items = document.items.prefetch_related("obligations")
    return render(
        request,
        "regulations/document_detail.html",
        {
            "document": document,
            "items": items,
            "regulations": selectors.regulations_visible_to(request.user).filter(documents=document),
            "meetings": selectors.meetings_visible_to(request.user).filter(notice=document),
            "can_edit": selectors.can_edit_sources(request.user, document.issuer),
            "trail": selectors.source_trail(document),
        },
    )


@require_GET
def document_file(request, pk):
    document = selectors.get_document_for_user(request.user, pk)
    suffix = PurePath(document.file.name or "").suffix
    return private_file_response(document.file, download_name=f"van-ban-{document.pk}{suffix}")


@require_GET
def meeting_list(request):
    queryset = selectors.meetings_visible_to(request.user).select_related("host", "notice")
    filterset = MeetingFilter(request.GET, queryset=queryset, request=request)
    return render(
        request,
        "regulations/meeting_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "can_add": selectors.can_edit_sources(request.user, None),
        },
    )


@require_GET
def meeting_detail(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    conclusions = meeting.conclusions.prefetch_related("obligations")
    return render(
        request,
        "regulations/meeting_detail.html",
        {
            "meeting": meeting,
            "attendees": meeting.attendees.select_related("party"),
            "indicators": meeting.indicators.all(),
            "conclusions": conclusions,
            "can_edit": selectors.can_edit_sources(request.user, meeting.host),
            "trail": selectors.source_trail(meeting),
        },
    )


# --- the office enters the sources -------------------------------------------------------------------------


def _refuse_unless_writer(user) -> None:
    """Adding a source needs a jurisdiction to write for (the issuer is then checked by the service)."""
    require(selectors.can_edit_sources(user, None), Right.EDIT)


def _source_page(request, *, template, form, formsets=(), source=None, save):
    """GET shows the form; POST saves through the service, or shows every message where it belongs and
    saves nothing."""
    status = 200
    if request.method == "POST":
        valid = form.is_valid()
        valid = all([formset.is_valid() for formset in formsets]) and valid
        if valid:
            try:
                saved = save()
            except ValidationError as error:
                show_service_errors(error, form, formsets)
            else:
                messages.success(request, _("Đã lưu.") if source is None else _("Đã lưu thay đổi."))
                return redirect(saved)
        messages.error(request, _("Chưa lưu: vui lòng sửa các lỗi bên dưới."))
        status = 400
    context = {"form": form, "formsets": formsets, "source": source, "amendment": form.amendment}
    return render(request, template, context, status=status)


def _reason(form) -> str:
    return form.cleaned_data.get("reason") or ""


@require_http_methods(["GET", "POST"])
def regulation_create(request):
    _refuse_unless_writer(request.user)
    form = RegulationForm(request.POST if request.method == "POST" else None, user=request.user)
    return _source_page(
        request,
        template="regulations/regulation_form.html",
        form=form,
        save=lambda: services.regulation_create(
            actor=request.user, data=form.data_for_service(), signatories=list(form.cleaned_data["signatories"])
        ),
    )


@require_http_methods(["GET", "POST"])
def regulation_edit(request, pk):
    regulation = selectors.get_regulation_for_user(request.user, pk, right=Right.EDIT)
    amendment = selectors.has_dependent_tasks(regulation)
    form = RegulationForm(
        request.POST if request.method == "POST" else None, user=request.user, instance=regulation, amendment=amendment
    )
    return _source_page(
        request,
        template="regulations/regulation_form.html",
        form=form,
        source=regulation,
        save=lambda: services.regulation_update(
            actor=request.user,
            regulation=regulation,
            data=form.data_for_service(),
            signatories=list(form.cleaned_data["signatories"]),
            reason=_reason(form),
        ),
    )


@require_http_methods(["GET", "POST"])
def document_create(request):
    _refuse_unless_writer(request.user)
    data = request.POST if request.method == "POST" else None
    form = DocumentForm(data, user=request.user)
    items = ItemFormSet(data, instance=Document())
    return _source_page(
        request,
        template="regulations/document_form.html",
        form=form,
        formsets=[items],
        save=lambda: services.document_create(
            actor=request.user,
            data=form.data_for_service(),
            items=items.rows(),
            regulations=list(form.cleaned_data["regulations"]),
        ),
    )


@require_http_methods(["GET", "POST"])
def document_edit(request, pk):
    document = selectors.get_document_for_user(request.user, pk, right=Right.EDIT)
    data = request.POST if request.method == "POST" else None
    form = DocumentForm(data, user=request.user, instance=document, amendment=selectors.has_dependent_tasks(document))
    items = ItemFormSet(data, instance=document, protected=selectors.rows_with_obligations(document))
    return _source_page(
        request,
        template="regulations/document_form.html",
        form=form,
        formsets=[items],
        source=document,
        save=lambda: services.document_update(
            actor=request.user,
            document=document,
            data=form.data_for_service(),
            items=items.rows(),
            regulations=list(form.cleaned_data["regulations"]),
            reason=_reason(form),
        ),
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request):
    _refuse_unless_writer(request.user)
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, user=request.user)
    attendees = AttendeeFormSet(data, instance=Meeting(), user=request.user)
    conclusions = ConclusionFormSet(data, instance=Meeting())
    return _source_page(
        request,
        template="regulations/meeting_form.html",
        form=form,
        formsets=[attendees, conclusions],
        save=lambda: services.meeting_create(
            actor=request.user,
            data=form.data_for_service(),
            attendees=attendees.rows(),
            conclusions=conclusions.rows(),
        ),
    )


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk, right=Right.EDIT)
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, user=request.user, instance=meeting, amendment=selectors.has_dependent_tasks(meeting))
    attendees = AttendeeFormSet(data, instance=meeting, user=request.user)
    conclusions = ConclusionFormSet(data, instance=meeting, protected=selectors.rows_with_obligations(meeting))
    return _source_page(
        request,
        template="regulations/meeting_form.html",
        form=form,
        formsets=[attendees, conclusions],
        source=meeting,
        save=lambda: services.meeting_update(
            actor=request.user,
            meeting=meeting,
            data=form.data_for_service(),
            attendees=attendees.rows(),
            conclusions=conclusions.rows(),
            reason=_reason(form),
        ),
    )
