"""The printed documents as Word files (.docx), in the same decree-30 layout as the PDFs (reports.pdf): a clerk
can open one in Word, edit it and file it. Built with python-docx over the same parts the PDF prints
(header lines, paragraphs once with one closing "./.", Nơi nhận after dashes, the signing block), so the two
never say different things."""

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from obligations.models import Task
from regulations.models import Document, Meeting

from . import pdf
from .models import ConsolidatedReport
from .selectors import consolidated_content

FONT = "Times New Roman"  # Word's own Times; Liberation Serif, which the PDF embeds, has its metrics


class _Writer:
    def __init__(self) -> None:
        self.doc = WordDocument()
        section = self.doc.sections[0]
        section.start_type = WD_SECTION_START.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(22), Mm(22)
        section.left_margin, section.right_margin = Mm(32), Mm(17)
        section.header_distance = Mm(10)
        style = self.doc.styles["Normal"]
        style.font.name = FONT
        style.font.size = Pt(13)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        style.paragraph_format.space_after = Pt(6)
        self._page_numbers(section)

    @staticmethod
    def _page_numbers(section) -> None:
        """Top centre, 13 pt, from page 2: a PAGE field in the header, a blank header on the first page."""
        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        run.font.size = Pt(13)
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._r.append(element)

    @staticmethod
    def _line(cell_or_doc, text: str, *, bold=False, italic=False, size=None, align=WD_ALIGN_PARAGRAPH.CENTER):
        paragraph = cell_or_doc.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        return paragraph

    @staticmethod
    def _underline_paragraph(paragraph) -> None:
        """A bottom border as long as the text: the motto's underline (a tab-free underline of the run)."""
        for run in paragraph.runs:
            run.underline = True

    def heading(self, header: tuple[str, str], number: str, date_line: str, subject_vv: str = "") -> None:
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _widths(table, [Mm(64), Mm(97)])
        left, right = table.rows[0].cells
        left.paragraphs[0].text = ""
        superior, issuer = header
        if superior:
            self._line(left, superior, size=12)
        issuer_line = self._line(left, issuer, bold=True, size=12)
        self._line(left, "———", size=8)
        self._line(left, number)
        if subject_vv:
            self._line(left, subject_vv, size=12)
        right.paragraphs[0].text = ""
        self._line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
        motto = self._line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13)
        self._underline_paragraph(motto)
        self._line(right, date_line, italic=True)
        del issuer_line

    def title(self, title: str, subject: str) -> None:
        self._line(self.doc, "")
        self._line(self.doc, title, bold=True, size=14)
        self._line(self.doc, subject, bold=True)
        self._line(self.doc, "")

    def addressees(self, lines: list[str]) -> None:
        if not lines:
            return
        text = _("Kính gửi:") + (f" {lines[0]}" if len(lines) == 1 else "")
        self._line(self.doc, text)
        if len(lines) > 1:
            for line in lines:
                self._line(self.doc, f"- {line}")

    def body(self, paragraphs: list[str], *, heading=False) -> None:
        for text in paragraphs:
            paragraph = self.doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Mm(10)
            paragraph.add_run(text).bold = heading

    def footnotes(self, notes: list[str]) -> None:
        for note in notes:
            self._line(self.doc, note, size=10, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = str(text)
        # The number column narrow, the name column twice the others: the text width is 161 mm.
        count = len(header)
        if count > 2:
            share = (161 - 10) / (count)  # the name column takes two shares
            _widths(table, [Mm(10), Mm(2 * share)] + [Mm(share)] * (count - 2))

    def closing(self, distribution: list[str], signing: list[str], signer_name: str) -> None:
        table = self.doc.add_table(rows=1, cols=2)
        _widths(table, [Mm(72), Mm(89)])
        left, right = table.rows[0].cells
        left.paragraphs[0].text = ""
        self._line(left, _("Nơi nhận:"), bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
        for line in distribution:
            self._line(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
        right.paragraphs[0].text = ""
        for line in signing:
            self._line(right, line, bold=True)
        for _blank in range(4):
            self._line(right, "")
        self._line(right, signer_name, bold=True)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def document_docx(document: Document) -> bytes:
    paragraphs, footnotes = pdf.body_paragraphs(document.body, document.items.order_by("order"))
    with translation.override("vi"):
        writer = _Writer()
        is_directive = document.kind == Document.Kind.DIRECTIVE
        writer.heading(
            pdf.header_lines(document.issuer),
            _("Số:") + " " + (document.number_symbol or "     /"),
            pdf._with_place(document.place, document.date_text) or pdf.date_line(document.place, document.issued_on),
            subject_vv=(_("V/v") + " " + document.subject) if is_directive else "",
        )
        if not is_directive:
            writer.title((document.title or document.get_kind_display()).upper(), document.subject)
        writer.addressees(document.addressee_lines)
        writer.body(paragraphs or ["./."])
        writer.footnotes(footnotes)
        writer.closing(
            pdf.distribution_lines(document.distribution_lines),
            pdf.signing_lines(document.signing_block, document.signer_title),
            document.signer_name,
        )
        return writer.save()


def meeting_docx(meeting: Meeting) -> bytes:
    notice = meeting.notice
    issuer = notice.issuer if notice else meeting.host
    with translation.override("vi"):
        writer = _Writer()
        writer.heading(
            pdf.header_lines(issuer),
            _("Số:") + " " + ((notice.number_symbol if notice else "") or "     /TB-UBND"),
            (pdf._with_place(notice.place, notice.date_text) if notice else "")
            or pdf.date_line(notice.place if notice else meeting.place, notice.issued_on if notice else None),
        )
        subject = notice.subject if notice else f"{_('Kết luận của')} {meeting.chair_title} {_('tại')} {meeting.title}"
        writer.title(_("THÔNG BÁO"), subject)
        if notice and notice.body.strip():
            paragraphs, footnotes = pdf.body_paragraphs(notice.body)
        else:
            paragraphs = [f"{c.number}. {c.text}" for c in meeting.conclusions.order_by("number")]
            paragraphs = [*paragraphs[:-1], pdf.with_end_mark(paragraphs[-1])] if paragraphs else ["./."]
            footnotes = []
        writer.body(paragraphs)
        writer.footnotes(footnotes)
        writer.closing(
            pdf.distribution_lines(notice.distribution_lines) if notice else [],
            pdf.signing_lines(notice.signing_block, notice.signer_title) if notice else [],
            notice.signer_name if notice else "",
        )
        return writer.save()


def consolidated_docx(report: ConsolidatedReport) -> bytes:
    content = consolidated_content(report)
    issuer = report.jurisdiction.focal_agency or report.jurisdiction
    day = timezone.localdate(report.submitted_at or report.finalised_at) if report.finalised_at else None
    labels = dict(Task.Status.choices)
    summary = content["summary"]
    period = report.period.label[:1].lower() + report.period.label[1:]
    with translation.override("vi"):
        writer = _Writer()
        writer.heading(
            pdf.header_lines(issuer),
            _("Số:") + " " + (report.number_symbol or "     /BC-SNV"),
            pdf.date_line(report.place or "…", day),
        )
        writer.title(
            _("BÁO CÁO"),
            _("Kết quả thực hiện các Quy chế phối hợp, %(period)s") % {"period": period},
        )
        writer.addressees(report.addressee_lines)
        writer.body([_("I. TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC CƠ QUAN, TỔ CHỨC")], heading=True)
        received = _(
            "Có %(done)s/%(expected)s cơ quan, tổ chức đã gửi báo cáo, trong đó %(on_time)s đúng hạn, %(late)s trễ hạn."
        ) % {key: summary[key] for key in ("done", "expected", "on_time", "late")}
        without_content = summary.get("without_content_parties", [])
        if without_content:
            received += " " + _(
                "Có %(count)s cơ quan, tổ chức được ghi nhận hoàn thành nhưng chưa có nội dung báo cáo được tiếp "
                "nhận: %(names)s."
            ) % {"count": len(without_content), "names": ", ".join(without_content)}
        writer.body([received])
        writer.table(
            [_("TT"), _("Cơ quan, tổ chức"), _("Hạn"), _("Thời điểm gửi"), _("Tình trạng")],
            [
                [str(n), row["party"], row["due_date"], row["submitted_at"], str(labels.get(row["status"], ""))]
                for n, row in enumerate(content["rows"], start=1)
            ],
        )
        writer.body([_("II. KẾT QUẢ THỰC HIỆN CỦA CÁC CƠ QUAN, TỔ CHỨC")], heading=True)
        section_labels = {
            "results": _("Kết quả đạt được:"),
            "limitations": _("Tồn tại, hạn chế:"),
            "directions": _("Phương hướng:"),
            "proposals": _("Kiến nghị:"),
        }
        if summary.get("illustrative"):
            writer.body(
                [
                    _(
                        "Nội dung ghi “dữ liệu minh họa” do bản trình diễn tự tạo, không phải báo cáo thật của cơ "
                        "quan, tổ chức."
                    )
                ]
            )
        for n, entry in enumerate(content["sections"], start=1):
            mark = f" ({_('dữ liệu minh họa')})" if entry.get("illustrative") else ""
            writer.body([f"{n}. {entry['party']}{mark}"], heading=True)
            writer.body(
                [f"{section_labels.get(key, '')} {text}".strip() for key, text in entry["sections"].items() if text]
            )
        if not content["sections"]:
            writer.body([_("Chưa có báo cáo nào được tiếp nhận.")])
        if without_content:
            writer.body(
                [_("Chưa có nội dung báo cáo được tiếp nhận của: %(names)s.") % {"names": ", ".join(without_content)}]
            )
        if content["figures"]:
            writer.body([_("III. SỐ LIỆU TỔNG HỢP")], heading=True)
            writer.table(
                [_("TT"), _("Số liệu"), _("Đơn vị tính"), _("Tổng cộng"), _("Số đơn vị báo cáo")],
                [
                    [str(n), f["label"], f["unit"], f["total"], str(f["reported_by"])]
                    for n, f in enumerate(content["figures"], start=1)
                ],
            )
        for title, text in (
            (_("IV. ĐÁNH GIÁ CHUNG"), report.assessment),
            (_("V. TỒN TẠI, HẠN CHẾ"), report.limitations),
        ):
            writer.body([title], heading=True)
            writer.body([line for line in text.splitlines() if line.strip()])
        writer.body([_("VI. KIẾN NGHỊ, ĐỀ XUẤT")], heading=True)
        proposals = [line for line in (report.proposals or "…").splitlines() if line.strip()] or ["…"]
        proposals[-1] = pdf.with_end_mark(proposals[-1])
        writer.body(proposals)
        writer.closing(
            pdf.distribution_lines(report.distribution_lines),
            pdf.signing_lines(report.signing_block, report.signer_title),
            report.signer_name,
        )
        return writer.save()


def _widths(table, widths) -> None:
    """Fixed column widths that Word and LibreOffice both keep: the grid's and every cell's."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
