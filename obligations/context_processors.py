from regulations.selectors import user_scope

from .selectors import reviews_anything


def reviewer(request):
    """Whether the user reviews anything, for the menu: "Chờ xem xét" is shown only to whom the queue opens
    (the same check as its view), read from the scope the header loads anyway (no query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"may_review": lambda: reviews_anything(user, user_scope(user))}
