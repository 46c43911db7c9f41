import io

import pytest
from django.urls import reverse
from icalendar import Calendar
from openpyxl import Workbook

from obligations.models import Obligation
from regulations.models import Party, Regulation
from reports.models import CalendarToken, ImportJob

pytestmark = pytest.mark.django_db


def test_the_calendar_feed_needs_only_its_secret_and_can_be_revoked(client, world, frozen):
    user = world["users"]["reporter_a"]
    client.force_login(user)
    client.post(reverse("reports:calendar_settings"), {"action": "issue"})
    token = CalendarToken.objects.get(user=user, revoked_at__isnull=True)
    url = reverse("reports:calendar_feed", args=[token.token])
    assert token.token in client.get(reverse("reports:calendar_settings")).content.decode()
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["summary"]) for event in events] == ["Báo cáo kết quả hằng năm — " + world["a"].short_name]
    assert events[0].decoded("dtstart").isoformat() == "2022-12-15"
    assert client.get(reverse("reports:calendar_feed", args=["not-a-token"])).status_code == 404
    client.force_login(user)
    client.post(reverse("reports:calendar_settings"), {"action": "revoke"})
    client.logout()
    assert client.get(url).status_code == 404


def xlsx_file(rows, name="data.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = name
    return out


PARTY_HEADERS = ["code", "name", "short_name", "kind", "level", "parent", "is_jurisdiction"]


def test_party_import_previews_then_imports_every_row(client, world, office, upload_as, confirm):
    client.force_login(office)
    upload = xlsx_file(
        [
            PARTY_HEADERS,
            ["doan-tn", "Tỉnh đoàn Thử Nghiệm", "Tỉnh đoàn", "socio_political", "province", "root", 0],
            ["hoi-cb", "Hội Cựu chiến binh tỉnh Thử Nghiệm", "HCCB", "socio_political", "province", "root", 0],
        ]
    )
    job, response = upload_as(world["root"], "parties", upload)
    assert job.status == ImportJob.Status.PREVIEWED and job.preview["ok"]
    assert "<td>thêm mới</td>" in response.content.decode()  # what will happen to each row, in words
    assert "Xác nhận nhập" in response.content.decode()
    assert not Party.objects.filter(code__in=["doan-tn", "hoi-cb"]).exists()  # a preview saves nothing
    assert confirm(job).status == ImportJob.Status.DONE
    assert "Đã nhập dữ liệu: 2 thêm mới." in client.get(job.get_absolute_url()).content.decode()
    imported = Party.objects.get(code="hoi-cb")
    assert imported.name == "Hội Cựu chiến binh tỉnh Thử Nghiệm"
    assert imported.parent == world["root"] and imported.path.startswith(world["root"].path)


def test_one_bad_row_imports_nothing_and_says_why_in_vietnamese(client, world, office, upload_as, confirm):
    client.force_login(office)
    upload = xlsx_file(
        [
            PARTY_HEADERS,
            ["doan-tn", "Tỉnh đoàn Thử Nghiệm", "Tỉnh đoàn", "socio_political", "province", "root", 0],
            ["hoi-x", "Hội X", "HX", "not-a-kind", "province", "root", 0],
            ["hoi-y", "Hội Y", "HY", "socio_political", "province", "no-such-parent", 0],
        ]
    )
    job, response = upload_as(world["root"], "parties", upload)
    errors = job.preview["errors"]
    assert job.status == ImportJob.Status.REJECTED
    assert any(error.startswith("Dòng 3:") for error in errors), errors
    assert any(error.startswith("Dòng 4:") for error in errors), errors
    assert "Tệp có lỗi; chưa có dòng nào được nhập" in response.content.decode()
    assert "Xác nhận nhập" not in response.content.decode()
    assert not Party.objects.filter(code__in=["doan-tn", "hoi-x", "hoi-y"]).exists()
    # Nothing waits for confirmation either.
    assert confirm(job).status == ImportJob.Status.REJECTED
    assert not Party.objects.filter(code="doan-tn").exists()


def test_a_file_with_a_bad_row_rolls_back_even_when_imported_directly(world, office):
    from reports.imports import load_dataset, run_import

    content = (
        "code,name,short_name,kind,level,parent,is_jurisdiction\n"
        "ok-1,Hội Một,H1,socio_political,province,root,0\n"
        "bad-1,Hội Hai,H2,socio_political,nowhere,root,0\n"
    ).encode()
    outcome = run_import(
        what="parties", dataset=load_dataset(content, "x.csv"), dry_run=False, actor=office, jurisdiction=world["root"]
    )
    assert not outcome.ok
    assert not Party.objects.filter(code="ok-1").exists()


def test_regulations_and_obligations_import(client, world, office, upload_as, confirm):
    client.force_login(office)
    upload = xlsx_file(
        [
            ["number_symbol", "title", "issuer", "signed_on", "term_start", "term_end", "signatories", "status"],
            ["9/QCPH-THU", "Quy chế mới", "root", "2025-01-02", 2026, 2030, "root,org-a", "in_force"],
        ]
    )
    job, _page = upload_as(world["root"], "regulations", upload)
    assert confirm(job).status == ImportJob.Status.DONE, job.result
    regulation = Regulation.objects.get(number_symbol="9/QCPH-THU")
    assert set(regulation.signatories.values_list("code", flat=True)) == {"root", "org-a"}
    upload = xlsx_file(
        [
            [
                "title",
                "source_regulation",
                "responsible_parties",
                "recurrence",
                "due_day",
                "due_month",
                "deliverable",
                "applies_from",
                "applies_to",
                "responsible_rule",
                "is_active",
            ],
            [
                "Báo cáo sáu tháng",
                regulation.pk,
                "org-a",
                "yearly",
                15,
                6,
                "report",
                "2026-01-01",
                "2030-12-31",
                "named",
                1,
            ],
        ]
    )
    job, _page = upload_as(world["root"], "obligations", upload)
    assert job.preview["ok"], job.preview["errors"]
    assert confirm(job).status == ImportJob.Status.DONE, job.result
    assert Obligation.objects.get(title="Báo cáo sáu tháng").responsible_parties.get() == world["a"]


def test_reporters_cannot_import(client, world):
    client.force_login(world["users"]["reporter_a"])
    assert client.get(reverse("reports:import")).status_code == 403


def test_the_preview_says_which_jurisdiction_the_rows_go_into(client, world, office, upload_as):
    client.force_login(office)
    upload = xlsx_file(
        [PARTY_HEADERS, ["doan-tn", "Tỉnh đoàn Thử Nghiệm", "TĐ", "socio_political", "province", "root", 0]]
    )
    job, response = upload_as(world["root"], "parties", upload)
    assert "Nhập vào: Ủy ban nhân dân tỉnh Thử Nghiệm" in response.content.decode()
    assert job.jurisdiction == world["root"]


# One row about a party outside the jurisdiction, next to a good one: the whole file is refused.
OUTSIDE_ROWS = {
    "a new party under another province": (
        "parties",
        "code,name,short_name,kind,level,parent,is_jurisdiction\n"
        "ok-1,Hội Một,H1,socio_political,province,root,0\n"
        "ngoai-1,Hội Ngoài,HN,socio_political,province,qn-ubnd,0\n",
    ),
    "another province's party pulled in": (
        "parties",
        "code,name,short_name,kind,level,parent,is_jurisdiction\n"
        "ok-1,Hội Một,H1,socio_political,province,root,0\n"
        "qn-hnd,Hội Nông dân tỉnh Quảng Ngãi,HND,socio_political,province,root,0\n",
    ),
    "a regulation signed by another province's organisation": (
        "regulations",
        "number_symbol,title,issuer,signed_on,term_start,term_end,signatories,status\n"
        '9/QCPH-THU,Quy chế mới,root,2025-01-02,2026,2030,"root,qn-hnd",in_force\n',
    ),
    "an obligation assigned to another province's organisation": (
        "obligations",
        "title,source_regulation,responsible_parties,recurrence,due_day,due_month,deliverable,"
        "applies_from,applies_to,responsible_rule,is_active\n"
        "Báo cáo sáu tháng,{regulation},qn-hnd,yearly,15,6,report,2021-01-01,2023-12-31,named,1\n",
    ),
}


def _rows_of_every_kind() -> tuple:
    hnd = Party.objects.get(code="qn-hnd")
    return (Party.objects.count(), Regulation.objects.count(), Obligation.objects.count(), hnd.path, hnd.parent_id)


@pytest.mark.parametrize("case", OUTSIDE_ROWS)
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_row_outside_the_jurisdiction_fails_the_whole_file(world, office, case, dry_run):
    from reports.imports import load_dataset, run_import

    what, text = OUTSIDE_ROWS[case]
    content = text.format(regulation=world["regulation"].pk).encode()
    before = _rows_of_every_kind()
    outcome = run_import(
        what=what, dataset=load_dataset(content, "x.csv"), dry_run=dry_run, actor=office, jurisdiction=world["root"]
    )
    assert not outcome.ok
    assert any("không thuộc Ủy ban nhân dân tỉnh Thử Nghiệm" in error for error in outcome.errors), outcome.errors
    assert _rows_of_every_kind() == before


def test_an_office_imports_only_into_its_own_jurisdiction_through_the_page(client, world, office, demo):
    client.force_login(office)
    upload = xlsx_file([PARTY_HEADERS, ["doan-tn", "Tỉnh đoàn", "TĐ", "socio_political", "province", "qn-ubnd", 0]])
    response = client.post(
        reverse("reports:import"), {"jurisdiction": demo["qn-ubnd"].pk, "what": "parties", "file": upload}
    )
    assert response.status_code == 404  # Quảng Ngãi is not theirs to see, let alone to import into
    assert not Party.objects.filter(code="doan-tn").exists()
    assert not ImportJob.objects.exists()
