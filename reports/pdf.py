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
from regulations.signing_block import signing_lines  # the forms' preview prints the block by the same rule

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


# --- the parts of a decree-30 document ------------------------------------------------------------------

_END_MARK = "./."
_FOOTNOTE_MARKS = "¹²³⁴⁵⁶⁷⁸⁹"


def header_lines(issuer) -> tuple[str, str]:
    """(superior body, issuer) for the top-left block, in upper case. Only a state body below a People's
    Committee (a department: "UBND TỈNH QUẢNG NGÃI" over "SỞ NỘI VỤ") has a superior line; a People's
    Committee has none, and neither have the Front and the organisations, which are not subordinate to it.
    Under its superior, the issuer's name drops the territory the superior line already gives."""
    parent = issuer.parent
    if issuer.is_jurisdiction or parent is None or issuer.kind != issuer.Kind.STATE:
        return "", issuer.name.upper()
    superior = parent.name
    name = issuer.name
    for long_form in ("Ủy ban nhân dân", "Uỷ ban nhân dân"):
        if superior.startswith(long_form):
            territory = superior[len(long_form) :].strip()  # "tỉnh Quảng Ngãi"
            superior = "UBND " + territory
            if territory and name.endswith(" " + territory):
                name = name[: -len(territory) - 1]
            break
    return superior.upper(), name.upper()


def with_end_mark(text: str) -> str:
    """A text ends with exactly one "./.": "…đúng hạn." becomes "…đúng hạn./.", never "..", never "./../."."""
    text = text.rstrip()
    if text.endswith(_END_MARK):
        return text
    if text.endswith("."):
        return text + "/."
    return text + _END_MARK


def paragraphs_and_footnotes(text: str) -> tuple[list[str], list[str]]:
    """The body's paragraphs, and its footnotes (lines that start with a footnote mark, "¹ Quy chế số …")."""
    paragraphs: list[str] = []
    footnotes: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        (footnotes if line[0] in _FOOTNOTE_MARKS else paragraphs).append(line)
    return paragraphs, footnotes


def body_paragraphs(text: str, items=()) -> tuple[list[str], list[str]]:
    """What the body prints, once: the typed body when there is one (it already holds the numbered items),
    else the items with their numbers. The last paragraph carries the closing "./."."""
    if text.strip():
        paragraphs, footnotes = paragraphs_and_footnotes(text)
    else:
        paragraphs, footnotes = [], []
        for item in items:
            label = item.label if item.label[:1].isdigit() else ""
            lines = [line.strip() for line in item.text.splitlines() if line.strip()]
            if label and lines:
                lines[0] = f"{label}. {lines[0]}"
            paragraphs.extend(lines)
    paragraphs = [paragraph.replace("./.", ".") if paragraph.endswith("./.") else paragraph for paragraph in paragraphs]
    if paragraphs:
        paragraphs[-1] = with_end_mark(paragraphs[-1])
    return paragraphs, footnotes


def with_footnotes(paragraphs: list[str], footnotes: list[str]) -> list[tuple[str, list[str]]]:
    """Each paragraph with the footnotes its marks call, so that each prints at the foot of that page."""
    placed: list[tuple[str, list[str]]] = [(paragraph, []) for paragraph in paragraphs]
    for note in footnotes:
        home = next((row for row in placed if note[0] in row[0]), placed[-1] if placed else None)
        if home is not None:
            home[1].append(note)
    return placed


def distribution_lines(lines: list[str]) -> list[str]:
    """Nơi nhận items, each after a dash as decree 30 writes them."""
    return [line if line.lstrip().startswith(("-", "–")) else f"- {line.strip()}" for line in lines]


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
                "header": header_lines(issuer),
                "signing": signing_lines(report.signing_block, report.signer_title),
                "proposals_end": with_end_mark(report.proposals or "…"),
                # "Kết quả thực hiện các Quy chế phối hợp, năm 2025": the period in running text.
                "period_in_text": report.period.label[:1].lower() + report.period.label[1:],
                "distribution": distribution_lines(report.distribution_lines),
                "date_line": date_line(report.place or _("…"), day),
            },
        )


def document_html(document: Document) -> str:
    paragraphs, footnotes = body_paragraphs(document.body, document.items.order_by("order"))
    with translation.override("vi"):
        return render_to_string(
            "reports/pdf/document.html",
            {
                "document": document,
                "paragraphs": with_footnotes(paragraphs, footnotes),
                "issuer": document.issuer,
                "header": header_lines(document.issuer),
                "signing": signing_lines(document.signing_block, document.signer_title),
                "distribution": distribution_lines(document.distribution_lines),
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
                "header": header_lines(issuer),
                "paragraphs": with_footnotes(*body_paragraphs(notice.body)) if notice and notice.body.strip() else [],
                "signing": signing_lines(notice.signing_block, notice.signer_title) if notice else [],
                "distribution": distribution_lines(notice.distribution_lines) if notice else [],
                "attendees": list(meeting.attendees.order_by("order")),
                "indicators": list(meeting.indicators.order_by("order")),
                "conclusions": list(meeting.conclusions.order_by("number")),
                "date_line": (_with_place(notice.place, notice.date_text) if notice else "")
                or date_line(notice.place if notice else meeting.place, notice.issued_on if notice else None),
            },
        )
