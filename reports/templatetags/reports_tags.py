from django import template

register = template.Library()


@register.filter
def pct(rate) -> str:
    """A rate (0–1 or None) as "87%", or "—" when nothing was expected."""
    if rate is None:
        return "—"
    return f"{round(rate * 100)}%"


@register.filter
def get(mapping, key):
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return getattr(mapping, str(key), None)


@register.filter
def count_of(counts, code):
    """The number of tasks of one status in a Counts."""
    return counts.by_status.get(code, 0) if counts is not None else 0


@register.filter
def indent(depth) -> str:
    return f"depth-{min(int(depth or 0), 6)}"
