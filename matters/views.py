from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from regulations.rights import Right
from regulations.views import paginate

from . import selectors, services
from .forms import AnswerForm, CloseForm, ForwardForm, MatterForm


@require_GET
def matter_list(request):
    matters = selectors.matters_visible_to(request.user)
    return render(request, "matters/matter_list.html", {"page": paginate(request, matters)})


@require_GET
def matter_detail(request, pk):
    matter = selectors.get_matter_for_user(request.user, pk)
    return render(request, "matters/matter_detail.html", _detail_context(request, matter))


def _detail_context(request, matter, **forms):
    return {
        "matter": matter,
        "events": matter.events.select_related("actor"),
        "can_answer": selectors.can_answer(request.user, matter),
        "can_forward": selectors.can_forward(request.user, matter),
        "can_close": selectors.can_close(request.user, matter),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "forward_form": forms.get("forward_form") or ForwardForm(),
        "close_form": forms.get("close_form") or CloseForm(),
    }


@require_http_methods(["GET", "POST"])
def matter_raise(request):
    source = request.POST if request.method == "POST" else request.GET
    task, obligation, parties = selectors.matter_target(
        request.user, task_pk=_int(source.get("task")), obligation_pk=_int(source.get("obligation"))
    )
    form = MatterForm(request.POST or None, parties=parties)
    if request.method == "POST" and form.is_valid():
        try:
            matter = services.matter_raise(
                actor=request.user,
                party=form.cleaned_data["party"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                task=task,
                obligation=obligation,
            )
        except services.MatterError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Đã gửi phản ánh, kiến nghị đến cơ quan đầu mối."))
            return redirect(matter)
    return render(request, "matters/matter_raise.html", {"form": form, "task": task, "obligation": obligation})


def _int(value):
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


def _matter_action(request, pk, *, right, form_class, form_name, act, done):
    matter = selectors.get_matter_for_user(request.user, pk, right=right)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(matter, form.cleaned_data)
        except services.MatterError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
            return redirect(matter)
    context = _detail_context(request, matter, **{form_name: form})
    return render(request, "matters/matter_detail.html", context, status=400)


@require_POST
def matter_answer(request, pk):
    return _matter_action(
        request,
        pk,
        right=Right.ANSWER,
        form_class=AnswerForm,
        form_name="answer_form",
        act=lambda matter, data: services.matter_answer(matter=matter, actor=request.user, answer=data["answer"]),
        done=_("Đã gửi trả lời."),
    )


@require_POST
def matter_forward(request, pk):
    return _matter_action(
        request,
        pk,
        right=Right.FORWARD,
        form_class=ForwardForm,
        form_name="forward_form",
        act=lambda matter, data: services.matter_forward(matter=matter, actor=request.user, message=data["message"]),
        done=_("Đã chuyển phản ánh đến UBND."),
    )


@require_POST
def matter_close(request, pk):
    return _matter_action(
        request,
        pk,
        right=Right.CLOSE,
        form_class=CloseForm,
        form_name="close_form",
        act=lambda matter, data: services.matter_close(matter=matter, actor=request.user, message=data["message"]),
        done=_("Đã đóng phản ánh."),
    )
