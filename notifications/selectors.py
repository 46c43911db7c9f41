"""Reads of the inbox, always for one user. Another user's entry is a 404."""

from django.db.models import QuerySet
from django.http import Http404

from .models import Notification


def inbox_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def get_entry_for_user(user, pk) -> Notification:
    entry = Notification.objects.filter(recipient=user, pk=pk).first()
    if entry is None:
        raise Http404
    return entry
