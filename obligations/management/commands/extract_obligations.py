"""python manage.py extract_obligations FILE [--jurisdiction CODE] --json

Reads a directive's, a notice's or a plan's text (.txt, .docx, a PDF with a text layer) and prints its fields
and the obligations it proposes. Nothing is written to the database: a person confirms the proposals in the
form. Bad input ends with a Vietnamese message on stderr and a non-zero exit.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from obligations.extraction import DEFAULT_MAX_BYTES, ExtractionError, extraction_from_file
from regulations.models import Party


class Command(BaseCommand):
    help = "Đọc văn bản (công văn, thông báo kết luận, kế hoạch) và đề xuất các nhiệm vụ phối hợp."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .txt, .docx hoặc .pdf có lớp chữ")
        parser.add_argument("--jurisdiction", help="Mã cấp chính quyền (ví dụ kt-ubnd) để ghép tên với mã cơ quan")
        parser.add_argument("--json", action="store_true", dest="as_json", help="In kết quả dạng JSON")
        parser.add_argument(
            "--max-mb", type=float, default=DEFAULT_MAX_BYTES / 1024 / 1024, help="Giới hạn dung lượng tệp (MB)"
        )

    def handle(self, *args, file: str, jurisdiction: str | None, as_json: bool, max_mb: float, **options):
        party = None
        if jurisdiction:
            party = Party.objects.filter(code=jurisdiction).first()
            if party is None:
                raise CommandError(_("Không có cơ quan mang mã “%(code)s”.") % {"code": jurisdiction})
        try:
            extraction = extraction_from_file(path=Path(file), jurisdiction=party, max_bytes=int(max_mb * 1024 * 1024))
        except ExtractionError as error:
            raise CommandError(error.message) from None
        result = extraction.as_dict()
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{result['number_symbol'] or '—'} · {result['issuer'] or '—'} · {result['date'] or '—'}")
        for row in result["obligations"]:
            due = f" · {_('Hạn')}: {row['deadline_text']}" if row["deadline_text"] else ""
            self.stdout.write(f"[{row['item']}] {row['verb']} {', '.join(row['lead'])}{due} ({row['recurrence']})")
