"""Pages of reorganisation decisions: the list, the form with its preview, the record and its undo."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from regulations.models import Party, Reorganisation
from regulations.rights import Right, require
from regulations.selectors import parties_visible_to, source_trail

from .models import Task
from .reorganisation_forms import ReorganisationForm
from .reorganisations import (
    ReorganisationError,
    can_reorganise,
    reorganisation_check,
    reorganisation_record,
    reorganisation_undo,
    reorganisations_visible_to,
)


def _get(user, pk) -> Reorganisation:
    try:
        return reorganisations_visible_to(user).select_related("jurisdiction", "created_by").get(pk=pk)
    except (Reorganisation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@login_required
@require_GET
def reorganisation_list(request):
    decisions = reorganisations_visible_to(request.user)
    page = Paginator(decisions.order_by("-effective_on", "-pk"), 50).get_page(request.GET.get("page"))
    records = list(page.object_list)
    parties = Party.objects.in_bulk({pk for record in records for pk in _party_ids(record)})
    rows = [
        {
            "record": record,
            "sources": [parties[pk] for pk in record.plan.get("sources", []) if pk in parties],
            "successors": [parties[pk] for pk in _successor_ids(record) if pk in parties],
        }
        for record in records
    ]
    return render(
        request,
        "obligations/reorganisation_list.html",
        {"page": page, "rows": rows, "can_create": can_reorganise(request.user)},
    )


def _successor_ids(record: Reorganisation) -> list[int]:
    plan = record.plan
    ids = [plan["target"]] if plan.get("target") else []
    if record.result.get("created"):
        ids.append(record.result["created"])
    return ids + list(plan.get("targets", []))


def _party_ids(record: Reorganisation) -> list[int]:
    ids = [*record.plan.get("sources", []), *_successor_ids(record)]
    if record.plan.get("new_parent"):
        ids.append(record.plan["new_parent"])
    return ids


@login_required
@require_http_methods(["GET", "POST"])
def reorganisation_new(request):
    require(can_reorganise(request.user), Right.REORGANISE)
    preview = None
    if request.method == "POST":
        form = ReorganisationForm(request.POST, user=request.user)
        if form.is_valid():
            plan = form.plan()
            try:
                if request.POST.get("action") == "confirm":
                    record = reorganisation_record(actor=request.user, plan=plan)
                    if record.state == Reorganisation.State.APPLIED:
                        messages.success(
                            request, _("Đã ghi nhận và thực hiện quyết định %(n)s.") % {"n": record.number_symbol}
                        )
                    else:
                        messages.success(
                            request,
                            _("Đã ghi nhận quyết định %(n)s; sẽ thực hiện vào ngày %(d)s.")
                            % {"n": record.number_symbol, "d": record.effective_on.strftime("%d/%m/%Y")},
                        )
                    return redirect(record)
                preview = reorganisation_check(actor=request.user, plan=plan)
            except ReorganisationError as error:
                form.add_service_errors(error.field_errors, error.message)
    else:
        initial = {"kind": request.GET.get("kind") or Reorganisation.Kind.MERGE}
        party = (
            parties_visible_to(request.user).filter(pk=request.GET.get("party") or 0).first()
            if str(request.GET.get("party", "")).isdigit()
            else None
        )
        if party is not None:
            initial["sources"] = [party.pk]
        form = ReorganisationForm(initial=initial, user=request.user)
    return render(request, "obligations/reorganisation_form.html", {"form": form, "preview": preview})


@login_required
@require_GET
def reorganisation_detail(request, pk):
    record = _get(request.user, pk)
    plan = record.plan
    ids = [*plan.get("sources", []), *plan.get("targets", [])]
    for key in ("target", "new_parent"):
        if plan.get(key):
            ids.append(plan[key])
    if record.result.get("created"):
        ids.append(record.result["created"])
    parties = Party.objects.in_bulk(ids)
    moved = Task.objects.filter(pk__in=record.result.get("tasks_moved", [])).select_related(
        "obligation", "party", "period"
    )
    excused = Task.objects.filter(pk__in=record.result.get("tasks_excused", [])).select_related(
        "obligation", "party", "period"
    )
    return render(
        request,
        "obligations/reorganisation_detail.html",
        {
            "record": record,
            "sources": [parties[pk] for pk in plan.get("sources", []) if pk in parties],
            "target": parties.get(plan.get("target") or record.result.get("created") or 0),
            "targets": [parties[pk] for pk in plan.get("targets", []) if pk in parties],
            "new_parent": parties.get(plan.get("new_parent") or 0),
            "moved": moved,
            "excused": excused,
            "trail": source_trail(record),
            "handovers": record.handovers.select_related("obligation", "successor").order_by("obligation__title"),
            "can_undo": record.can_undo and can_reorganise(request.user, record),
        },
    )


@login_required
@require_POST
def reorganisation_undo_view(request, pk):
    record = _get(request.user, pk)
    require(can_reorganise(request.user, record), Right.REORGANISE)
    try:
        reorganisation_undo(actor=request.user, reorganisation=record)
        messages.success(request, _("Đã hủy quyết định %(n)s.") % {"n": record.number_symbol})
    except ReorganisationError as error:
        messages.error(request, error.message)
    return redirect(record)
