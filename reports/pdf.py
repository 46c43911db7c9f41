"""Printed documents in the administrative format of decree 30/2020/NĐ-CP, rendered by WeasyPrint.

The fonts ship with the app (reports/static/reports/fonts) and are loaded by file:// URL, so a PDF looks
the same on every server; the renderer fetches nothing else (no network, no other file).
"""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from obligations.models import Task
from regulations.models import Document, Meeting

from .models import ConsolidatedReport
from .selectors import consolidated_content

FONT_DIR = Path(__file__).resolve().parent / "static" / "reports" / "fonts"
BASE_URL = FONT_DIR.as_uri() + "/"


def _fetcher():
    from weasyprint.urls import URLFetcher

    class FontsOnlyFetcher(URLFetcher):
        """Reads the shipped fonts and nothing else: a stray URL in a text never leaves the server."""

        def fetch(self, url, headers=None):
            if not url.startswith(BASE_URL) or ".." in url:
                raise ValueError(f"refused to fetch {url!r}")
            return super().fetch(url, headers)

    return FontsOnlyFetcher(allowed_protocols=["file"])


def html_to_pdf(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf()


def date_line(place: str, day) -> str:
    """ "Quảng Ngãi, ngày 22 tháng 12 năm 2025": days and months below 10 (1, 2) take a leading zero."""
    if day is None:
        return _("%(place)s, ngày … tháng … năm …") % {"place": place}
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("%(place)s, ngày %(day)02d tháng %(month)s năm %(year)d") % {
        "place": place,
        "day": day.day,
        "month": month,
        "year": day.year,
    }


def _with_place(place: str, date_text: str) -> str:
    """The date as the document wrote it, after the place name when the text does not already start with it."""
    if not date_text:
        return ""
    if place and not date_text.startswith(place):
        return f"{place}, {date_text}"
    return date_text


def consolidated_html(report: ConsolidatedReport) -> str:
    content = consolidated_content(report)
    issuer = report.jurisdiction.focal_agency or report.jurisdiction
    day = timezone.localdate(report.submitted_at or report.finalised_at) if report.finalised_at else None
    status_labels = dict(Task.Status.choices)
    with translation.override("vi"):
        return render_to_string(
            "reports/pdf/consolidated.html",
            {
                "report": report,
                "content": content,
                "rows": [{**row, "status_label": status_labels.get(row["status"], "")} for row in content["rows"]],
                "issuer": issuer,
                "parent_issuer": report.jurisdiction,
                "date_line": date_line(report.place or _("…"), day),
            },
        )


def document_html(document: Document) -> str:
    with translation.override("vi"):
        return render_to_string(
            "reports/pdf/document.html",
            {
                "document": document,
                "items": list(document.items.order_by("order")),
                "issuer": document.issuer,
                "parent_issuer": document.issuer.parent,
                "date_line": _with_place(document.place, document.date_text)
                or date_line(document.place, document.issued_on),
            },
        )


def meeting_html(meeting: Meeting) -> str:
    notice = meeting.notice
    issuer = notice.issuer if notice else meeting.host
    with translation.override("vi"):
        return render_to_string(
            "reports/pdf/meeting_notice.html",
            {
                "meeting": meeting,
                "notice": notice,
                "issuer": issuer,
                "parent_issuer": issuer.parent,
                "attendees": list(meeting.attendees.order_by("order")),
                "indicators": list(meeting.indicators.order_by("order")),
                "conclusions": list(meeting.conclusions.order_by("number")),
                "date_line": (_with_place(notice.place, notice.date_text) if notice else "")
                or date_line(notice.place if notice else meeting.place, notice.issued_on if notice else None),
            },
        )
