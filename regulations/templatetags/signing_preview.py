from django import template

from regulations.signing_block import signing_preview as preview_of

register = template.Library()


@register.inclusion_tag("includes/signing_preview.html")
def signing_preview(form):
    """The signing block as it will print, under a form's signing fields: {% signing_preview form %}."""
    return {"preview": preview_of(form)}
