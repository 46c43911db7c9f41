from django.utils.functional import SimpleLazyObject

from .selectors import user_parties as parties_of
from .selectors import user_scope


def user_parties(request):
    """The user's parties and scope for the header, evaluated only when a template reads them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_parties": SimpleLazyObject(lambda: parties_of(user)),
        "my_scope": SimpleLazyObject(lambda: user_scope(user)),
    }
