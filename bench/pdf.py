"""Benchmark (c): the consolidated report's PDF for 200 organisations, on PostgreSQL. Prints figures.

    python bench/pdf.py [--organisations 200] [--runs 3]

The app's path (read the report's content, render the decree-30 template, WeasyPrint with the shipped
fonts and the fonts-only URL fetcher) against WeasyPrint rendering the very same HTML directly.
Goal: within 1.2×. Each organisation has an accepted submission with four sections and five figures.
Then signing that PDF (PAdES with a visible stamp, pyHanko, a demo certificate in a temporary folder) against
rendering it: goal, signing adds under 10 %. Uses the database of bench/dashboard.py.
"""

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard import create_province, setup_django

PARAGRAPH = (
    "Trong năm, đơn vị đã phối hợp chặt chẽ với Ủy ban nhân dân tỉnh tổ chức tuyên truyền, vận động hội viên, "
    "đoàn viên thực hiện tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước; tham gia giám sát, phản "
    "biện xã hội đối với các dự án, đề án trọng điểm của tỉnh; kịp thời phản ánh tâm tư, nguyện vọng của Nhân dân."
)


def build(organisations: int):
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from obligations.models import FigureDefinition, Obligation, Period, Submission, SubmissionVersion, Task
    from regulations.models import Membership, Party, Regulation
    from reports import services
    from reports.models import ConsolidatedReport

    tag = f"benchpdf-{organisations}"
    existing = ConsolidatedReport.objects.filter(jurisdiction__code=f"{tag}-root").first()
    if existing:
        return existing
    User = get_user_model()
    tz = datetime.timezone(datetime.timedelta(hours=7))
    with transaction.atomic():
        user = User.objects.create_user(f"{tag}-focal", password="bench-only-not-a-secret")
        root, focal = create_province(tag, "Thử In")
        Membership.objects.create(user=user, party=focal, role="focal")  # the compiler of the report
        orgs = [
            Party.objects.create(
                code=f"{tag}-o{n}",
                name=f"Hội Liên hiệp Phụ nữ xã Thử In số {n}",
                short_name=f"HLHPN {n}",
                kind="socio_political",
                level="commune",
                parent=root,
            )
            for n in range(organisations)
        ]
        regulation = Regulation.objects.create(
            number_symbol=f"{tag}/QCPH", title="Quy chế thử in", issuer=root, term_start=2025, term_end=2025
        )
        common = {
            "source_regulation": regulation,
            "owed_to": root,
            "recurrence": "yearly",
            "deliverable": "report",
            "applies_from": datetime.date(2025, 1, 1),
            "applies_to": datetime.date(2025, 12, 31),
        }
        report_ob = Obligation.objects.create(title="Báo cáo năm (thử in)", due_day=15, due_month=12, **common)
        rollup = Obligation.objects.create(title="Tổng hợp (thử in)", due_day=25, due_month=12, **common)
        rollup.depends_on.set([report_ob])
        for k in range(5):
            FigureDefinition.objects.create(
                obligation=report_ob, code=f"f{k}", label=f"Số liệu thử {k}", unit="người", order=k
            )
        start, end = Period.bounds("year", 2025)
        period, _ = Period.objects.get_or_create(
            kind="year", year=2025, quarter=0, defaults={"start": start, "end": end}
        )
        due = datetime.date(2025, 12, 15)
        Task.objects.create(
            obligation=rollup,
            party=focal,
            period=period,
            nominal_due_date=datetime.date(2025, 12, 25),
            due_date=datetime.date(2025, 12, 25),
        )
        for n, org in enumerate(orgs):
            done_at = datetime.datetime(2025, 12, 10 + n % 8, 9, tzinfo=tz)
            task = Task.objects.create(
                obligation=report_ob,
                party=org,
                period=period,
                nominal_due_date=due,
                due_date=due,
                state="done",
                completed_at=done_at,
                on_time=done_at.day < 16,
            )
            sections = {
                "results": PARAGRAPH * 2,
                "limitations": PARAGRAPH,
                "directions": PARAGRAPH,
                "proposals": "Đề nghị Ủy ban nhân dân tỉnh quan tâm bố trí kinh phí.",
            }
            figures = {f"f{k}": 100 + n + k for k in range(5)}
            submission = Submission.objects.create(task=task, figures=figures, **sections)
            SubmissionVersion.objects.create(
                submission=submission,
                number=1,
                sections=sections,
                figures=figures,
                submitted_by=user,
                submitted_at=done_at,
                review="accepted",
            )
        report = services.consolidated_report_create(jurisdiction=root, period=period, actor=user)
        services.consolidated_report_update(
            report=report,
            actor=user,
            data={
                "assessment": PARAGRAPH,
                "limitations": PARAGRAPH,
                "proposals": PARAGRAPH,
                "place": "Thử In",
                "number_symbol": "01/BC-SNV",
                "signer_name": "Nguyễn Văn Thử",
                "signer_title": "Giám đốc",
            },
        )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from django.utils import translation

    translation.activate("vi")
    import weasyprint

    from reports import pdf
    from reports.models import ConsolidatedReport

    report = build(args.organisations)

    def app():
        fresh = ConsolidatedReport.objects.select_related(
            "jurisdiction__focal_agency", "period", "task__obligation"
        ).get(pk=report.pk)
        return pdf.html_to_pdf(pdf.consolidated_html(fresh))

    html = pdf.consolidated_html(report)

    def direct():
        return weasyprint.HTML(string=html, base_url=pdf.BASE_URL).write_pdf()

    app()
    direct()  # warm up fonts and caches
    results = {}
    for label, fn in (("weasyprint direct", direct), ("app (content + template + render)", app)):
        times, size = [], 0
        for _ in range(args.runs):
            started = time.perf_counter()
            size = len(fn())
            times.append(time.perf_counter() - started)
        results[label] = statistics.median(times)
        print(f"{label}: median {results[label]:.2f} s over {args.runs} runs, {size / 1e3:.0f} kB")
    pages = len(weasyprint.HTML(string=html, base_url=pdf.BASE_URL).render().pages)
    ratio = results["app (content + template + render)"] / results["weasyprint direct"]
    print(f"{args.organisations} organisations, {pages} pages; ratio app / direct: {ratio:.2f}× (goal ≤ 1.2×)")
    bench_signing(report, app(), results["app (content + template + render)"], args.runs)


def bench_signing(report, rendered: bytes, render_seconds: float, runs: int) -> None:
    import tempfile

    from django.conf import settings

    from reports import pdf
    from reports.selectors import signer_code
    from signatures.demo import write_demo_credentials
    from signatures.signing import sign_pdf

    with tempfile.TemporaryDirectory() as folder:
        settings.SIGNING_DIR = Path(folder)
        code = signer_code(report)
        write_demo_credentials(Path(folder), [(code, "Sở Nội vụ tỉnh Thử In", "Sở Nội vụ")])
        font = pdf.FONT_DIR / "LiberationSerif-Regular.ttf"

        def sign() -> bytes:
            return sign_pdf(rendered, code=code, signer_name="Nguyễn Văn Thử", font=font).content

        sign()  # warm up: the stamp font is scaled once and cached
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            size = len(sign())
            times.append(time.perf_counter() - started)
    signing = statistics.median(times)
    print(f"signing (PAdES, visible stamp): median {signing:.3f} s over {runs} runs, {size / 1e3:.0f} kB")
    print(f"signing adds {100 * signing / render_seconds:.1f} % over rendering (goal < 10 %)")


if __name__ == "__main__":
    main()
