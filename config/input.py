"""Every submitted value is cleaned before a view reads it: no NUL byte (PostgreSQL refuses it in text, which
was a 500 on /search/?q=a%00b) and no invisible character (a right-to-left override or a zero-width space in
a report shows other text than the one stored). Passwords are left exactly as typed."""

from django.http import QueryDict

from regulations.text import clean_free_text

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _untouched(key: str) -> bool:
    return "password" in key or key == "csrfmiddlewaretoken"


def cleaned(data: QueryDict) -> QueryDict:
    """A copy with each value cleaned, or the same object when nothing needed it (the usual case)."""
    if all(
        clean_free_text(key) == key and (_untouched(key) or all(clean_free_text(value) == value for value in values))
        for key, values in data.lists()
    ):
        return data
    copy = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        clean_key = clean_free_text(key)
        copy.setlist(clean_key, values if _untouched(key) else [clean_free_text(value) for value in values])
    copy._mutable = False
    return copy


class CleanInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = cleaned(request.GET)
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            request.POST = cleaned(request.POST)
        return self.get_response(request)
