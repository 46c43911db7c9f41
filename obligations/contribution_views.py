"""Pages of the co-operating parties' input: writing it into the lead's task, and fetching its files."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from regulations.files import private_file_response
from regulations.rights import Right

from . import contributions, selectors
from .contribution_forms import ContributionForm
from .services import SubmissionError
from .views import task_detail_page


def _back(task):
    return redirect(f"{task.get_absolute_url()}#phoi-hop")


@require_POST
def task_contribute(request, pk):
    task = selectors.get_task_for_user(request.user, pk, right=Right.CONTRIBUTE)
    form = ContributionForm(request.POST, request.FILES, parties=selectors.contributing_parties(request.user, task))
    if not form.is_valid():
        messages.error(request, _("Chưa lưu ý kiến phối hợp: vui lòng sửa các lỗi bên dưới."))
        return task_detail_page(request, task, contribution_form=form, status=400)
    party = form.cleaned_data["party"]
    try:
        with transaction.atomic():  # the text and its file together, or neither
            contributions.contribution_save(task=task, actor=request.user, party=party, text=form.cleaned_data["text"])
            if form.cleaned_data.get("upload"):
                contributions.contribution_file_add(
                    task=task, actor=request.user, party=party, upload=form.cleaned_data["upload"]
                )
    except SubmissionError as error:
        if error.code in ("accepted", "excused"):
            messages.warning(request, error.message)
            return _back(task)
        for field, field_errors in error.field_errors.items():
            for message in field_errors:
                form.add_error(field if field in form.fields else None, message)
        messages.error(request, error.message)
        return task_detail_page(request, task, contribution_form=form, status=400)
    except ValidationError as error:
        form.add_error("upload", error)
        messages.error(request, _("Chưa lưu ý kiến phối hợp: vui lòng sửa các lỗi bên dưới."))
        return task_detail_page(request, task, contribution_form=form, status=400)
    messages.success(request, _("Đã lưu ý kiến phối hợp. Cơ quan chủ trì đã được thông báo."))
    return _back(task)


@require_GET
def contribution_file_download(request, pk):
    upload = selectors.get_contribution_file_for_user(request.user, pk)
    return private_file_response(upload.file, download_name=upload.original_name)
