"""A party's name, linked to its page only when the reader may open that page (issue 14: no page links to
what its reader cannot open). The check is the party page's own (the user's scope, loaded once per request)."""

from django import template
from django.utils.html import format_html

from regulations.selectors import user_scope

register = template.Library()


@register.simple_tag(takes_context=True)
def party_link(context, party, text=None):
    """`{% party_link party %}` (its name) or `{% party_link party party.short_name %}`."""
    if party is None:
        return ""
    label = party.name if text is None else text
    request = context.get("request")
    if request is not None and user_scope(request.user).covers(party):
        return format_html('<a href="{}">{}</a>', party.get_absolute_url(), label)
    return format_html("{}", label)
