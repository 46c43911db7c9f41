"""Serving uploaded files: only through views that have already checked who may see the object."""

import mimetypes

from django.http import FileResponse, Http404

# Types a browser may show inline without running anything; all else is a download.
INLINE_SAFE_TYPES = {"application/pdf", "image/png", "image/jpeg"}


def private_file_response(field_file, *, download_name: str) -> FileResponse:
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = mimetypes.guess_type(download_name)[0] or "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=content_type not in INLINE_SAFE_TYPES,
        filename=download_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
