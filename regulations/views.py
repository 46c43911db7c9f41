from pathlib import PurePath

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .files import private_file_response
from .filters import DocumentFilter, MeetingFilter, PartyFilter, RegulationFilter
from .models import Party

PAGE_SIZE = 50


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
def party_list(request):
    filterset = PartyFilter(
        request.GET, queryset=selectors.parties_visible_to(request.user).select_related("parent"), request=request
    )
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
            "can_intake": selectors.can_edit_sources(request.user, None),
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
            "can_edit": selectors.can_edit_sources(request.user, document.issuer),
            "regulations": selectors.regulations_visible_to(request.user).filter(documents=document),
            "meetings": selectors.meetings_visible_to(request.user).filter(notice=document),
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
        },
    )
