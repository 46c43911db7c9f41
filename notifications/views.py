from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import PreferenceForm

PAGE_SIZE = 50


@require_GET
def inbox(request):
    entries = selectors.inbox_of(request.user)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@require_POST
def open_entry(request, pk):
    entry = selectors.get_entry_for_user(request.user, pk)
    services.mark_read(request.user, entry.pk)
    if entry.link and url_has_allowed_host_and_scheme(entry.link, allowed_hosts={request.get_host()}):
        return redirect(entry.link)
    return redirect("notifications:inbox")


@require_POST
def mark_one_read(request, pk):
    entry = selectors.get_entry_for_user(request.user, pk)
    services.mark_read(request.user, entry.pk)
    return redirect("notifications:inbox")


@require_POST
def read_all(request):
    count = services.mark_read(request.user)
    messages.success(
        request,
        ngettext("Đã đánh dấu %(count)s thông báo là đã đọc.", "Đã đánh dấu %(count)s thông báo là đã đọc.", count)
        % {"count": count},
    )
    return redirect("notifications:inbox")


@require_http_methods(["GET", "POST"])
def preferences(request):
    current = services.preference_for(request.user)
    form = PreferenceForm(request.POST or None, initial={"mode": current.mode})
    if request.method == "POST" and form.is_valid():
        services.preference_set(user=request.user, mode=form.cleaned_data["mode"])
        messages.success(request, _("Đã lưu cách nhận thông báo."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "has_email": bool(request.user.email)})
