"""The "Gửi phản ánh, kiến nghị" buttons of the task and obligation pages appear only to whom the form opens,
by the form's own check (matters.selectors.raising_parties)."""

from django import template

from ..selectors import raises_for_anyone, raising_parties

register = template.Library()


@register.filter
def may_raise_about_task(user, task) -> bool:
    return bool(raising_parties(user, task=task))


@register.filter
def may_raise(user) -> bool:
    return raises_for_anyone(user)
