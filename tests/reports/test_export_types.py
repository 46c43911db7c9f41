"""The cells of the exports have their types: in an XLSX (read by people) a number is a number, a date a date
cell shown dd/mm/yyyy, a moment Vietnam's time shown dd/mm/yyyy hh:mm, a yes-or-no "Có"/"Không"; a CSV (read
by programs) is never localised. The headers are in sentence case. What the admin exports, its import reads."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from obligations.models import FigureDefinition, Obligation, Submission, SubmissionVersion
from obligations.resources import ObligationResource, PartyResource
from regulations.models import Party, Regulation
from regulations.resources import RegulationResource
from regulations.spreadsheets import ADMIN_EXPORT_FORMATS, XLSX
from reports import imports, services

from .conftest import at

pytestmark = pytest.mark.django_db

TASK_HEADERS = [
    "Mã",
    "Nhiệm vụ",
    "Đơn vị thực hiện",
    "Cơ quan, tổ chức theo cơ cấu hiện nay",
    "Kỳ",
    "Hạn theo văn bản",
    "Hạn",
    "Tình trạng",
    "Thời điểm hoàn thành",
    "Lý do miễn",
]
SUBMISSION_HEADERS = [
    "Đơn vị",
    "Cơ quan, tổ chức theo cơ cấu hiện nay",
    "Nhiệm vụ",
    "Kỳ",
    "Trạng thái",
    "Kết quả đạt được",
    "Tồn tại, hạn chế, nguyên nhân",
    "Phương hướng, nhiệm vụ năm tới",
    "Kiến nghị, đề xuất",
    "Dữ liệu minh họa",
    "Số hội viên (người)",
    "Tốc độ tăng (%)",
]
CONSOLIDATED_HEADERS = ["Số liệu", "Đơn vị tính", "Tổng cộng", "Số đơn vị báo cáo"]


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def table(sheet, header_row: int):
    """The header cells' texts and the data rows' cells (openpyxl cells: value and number_format)."""
    rows = list(sheet.iter_rows(min_row=header_row))
    return [cell.value for cell in rows[0]], rows[1:]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def export(client, what: str, fmt: str, **params) -> bytes:
    response = client.get(reverse("reports:export", args=[what, fmt]), params)
    assert response.status_code == 200
    return response.content


@pytest.fixture
def with_figures(world):
    """Two submissions with a whole and a decimal figure, as the report form stores them ("1200", "14.6");
    the second is one of the demo's invented reports."""
    report = world["report"]
    FigureDefinition.objects.create(obligation=report, code="members", label="Số hội viên", unit="người", order=1)
    FigureDefinition.objects.create(obligation=report, code="growth", label="Tốc độ tăng", unit="%", order=2)
    reporter = world["users"]["reporter_a"]
    for key, figures, illustrative in (
        ("c22", {"members": "1234567", "growth": "14.6"}, False),
        ("a21", {"members": "800"}, True),
    ):
        task = world["tasks"][key]
        submission = Submission.objects.create(
            task=task, results="Đã làm.", figures=figures, is_illustrative=illustrative
        )
        SubmissionVersion.objects.create(
            submission=submission,
            number=1,
            sections={"results": "Đã làm.", "limitations": "", "directions": "", "proposals": ""},
            figures=figures,
            submitted_by=reporter,
            submitted_at=at(task.period.year, 12, 10),
            review=SubmissionVersion.Review.ACCEPTED,
        )
    return world


def test_task_xlsx_has_numbers_dates_and_moments_in_sentence_case_columns(client, world, frozen):
    client.force_login(world["users"]["focal"])
    sheet = sheet_of(export(client, "tasks", "xlsx"))
    headers, rows = table(sheet, header_row=2)  # under the title line
    assert headers == TASK_HEADERS
    by_id = {row[0].value: row for row in rows}
    assert set(by_id) == {task.pk for task in world["tasks"].values()}
    assert all(type(code) is int for code in by_id)

    done = by_id[world["tasks"]["a21"].pk]
    for column in ("Hạn theo văn bản", "Hạn"):
        cell = done[headers.index(column)]
        assert cell.value == datetime.datetime(2021, 12, 15) and cell.number_format == "dd/mm/yyyy"
    completed = done[headers.index("Thời điểm hoàn thành")]
    # 09:00 in Vietnam, written as that wall-clock time (a cell has no time zone).
    assert completed.value == datetime.datetime(2021, 12, 10, 9, 0)
    assert completed.number_format == "dd/mm/yyyy hh:mm"
    assert by_id[world["tasks"]["a22"].pk][headers.index("Thời điểm hoàn thành")].value is None
    # The text columns stay text.
    assert done[headers.index("Kỳ")].value == "Năm 2021"
    assert done[headers.index("Tình trạng")].value == "Hoàn thành đúng hạn"


def test_task_xlsx_columns_are_wide_enough_for_their_dates_and_the_headers_stay_in_view(client, world, frozen):
    client.force_login(world["users"]["focal"])
    sheet = sheet_of(export(client, "tasks", "xlsx"))
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
    assert widths["G"] >= 12  # Hạn: a date cell narrower than its text shows "########"
    assert widths["I"] >= 17  # Thời điểm hoàn thành
    assert sheet.freeze_panes == "A3"


def test_task_csv_is_not_localised(client, world, frozen):
    client.force_login(world["users"]["focal"])
    rows = csv_rows(export(client, "tasks", "csv"))
    headers = rows[0]
    assert headers == TASK_HEADERS
    by_id = {row[0]: row for row in rows[1:]}
    done = by_id[str(world["tasks"]["a21"].pk)]
    assert done[headers.index("Hạn theo văn bản")] == "2021-12-15"
    assert done[headers.index("Hạn")] == "2021-12-15"
    assert done[headers.index("Thời điểm hoàn thành")] == "2021-12-10T09:00+07:00"
    assert by_id[str(world["tasks"]["a22"].pk)][headers.index("Thời điểm hoàn thành")] == ""


def test_submission_xlsx_has_figures_as_numbers_and_says_which_reports_are_invented(client, with_figures, frozen):
    world = with_figures
    client.force_login(world["users"]["focal"])
    headers, rows = table(sheet_of(export(client, "submissions", "xlsx")), header_row=2)
    assert headers == SUBMISSION_HEADERS
    by_party = {row[0].value: row for row in rows}
    front = by_party[world["c"].name]
    members, growth = front[headers.index("Số hội viên (người)")], front[headers.index("Tốc độ tăng (%)")]
    assert (type(members.value), members.value) == (int, 1234567)
    assert (type(growth.value), growth.value) == (float, 14.6)
    assert front[headers.index("Dữ liệu minh họa")].value == "Không"
    farmers = by_party[world["a"].name]
    assert farmers[headers.index("Dữ liệu minh họa")].value == "Có"
    assert farmers[headers.index("Tốc độ tăng (%)")].value is None  # not reported: an empty cell, not ""


def test_submission_csv_is_not_localised(client, with_figures, frozen):
    world = with_figures
    client.force_login(world["users"]["focal"])
    rows = csv_rows(export(client, "submissions", "csv"))
    headers = rows[0]
    assert headers == SUBMISSION_HEADERS
    front = next(row for row in rows[1:] if row[0] == world["c"].name)
    assert front[headers.index("Số hội viên (người)")] == "1234567"  # no thousands separator
    assert front[headers.index("Tốc độ tăng (%)")] == "14.6"  # a decimal point
    assert front[headers.index("Dữ liệu minh họa")] == "0"
    farmers = next(row for row in rows[1:] if row[0] == world["a"].name)
    assert farmers[headers.index("Dữ liệu minh họa")] == "1"


def test_consolidated_figures_are_numbers_in_xlsx_and_plain_in_csv(client, with_figures, frozen):
    world = with_figures
    report = services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2022], actor=world["users"]["focal"]
    )
    client.force_login(world["users"]["focal"])
    headers, rows = table(sheet_of(export(client, "consolidated", "xlsx", report=report.pk)), header_row=1)
    assert headers == CONSOLIDATED_HEADERS
    values = {row[0].value: [cell.value for cell in row] for row in rows}
    # The report shows "1.234.567" and "14,6"; the sheet holds the numbers.
    assert values["Số hội viên"] == ["Số hội viên", "người", 1234567, 1]
    assert values["Tốc độ tăng"] == ["Tốc độ tăng", "%", 14.6, 1]
    assert type(values["Số hội viên"][2]) is int and type(values["Tốc độ tăng"][2]) is float

    rows = csv_rows(export(client, "consolidated", "csv", report=report.pk))
    assert rows[0] == CONSOLIDATED_HEADERS
    assert ["Số hội viên", "người", "1234567", "1"] in rows and ["Tốc độ tăng", "%", "14.6", "1"] in rows


def test_a_finalised_reports_snapshot_exports_its_totals_as_numbers(client, with_figures, frozen):
    """A snapshot keeps the totals as they were shown, with Vietnamese separators: read back as numbers."""
    world = with_figures
    report = services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2022], actor=world["users"]["focal"]
    )
    snapshot = services.selectors.compute_consolidated_content(report)
    assert snapshot["figures"][0]["total"] == "1.234.567"
    report.snapshot = snapshot
    report.save(update_fields=["snapshot"])
    client.force_login(world["users"]["focal"])
    _headers, rows = table(sheet_of(export(client, "consolidated", "xlsx", report=report.pk)), header_row=1)
    assert [cell.value for cell in rows[0]][2] == 1234567


@pytest.mark.parametrize("what", ["tasks", "submissions", "consolidated"])
def test_every_export_names_its_columns_in_sentence_case(client, with_figures, frozen, what):
    world = with_figures
    params = {}
    if what == "consolidated":
        report = services.consolidated_report_create(
            jurisdiction=world["root"], period=world["periods"][2022], actor=world["users"]["focal"]
        )
        params["report"] = report.pk
    client.force_login(world["users"]["focal"])
    headers = csv_rows(export(client, what, "csv", **params))[0]
    assert headers and all(header[0].isupper() for header in headers), headers


def test_the_admin_xlsx_shows_dates_as_dd_mm_yyyy(admin_client, world):
    assert XLSX in ADMIN_EXPORT_FORMATS
    url = reverse("admin:regulations_regulation_export")
    form = admin_client.get(url).context["form"]
    xlsx_index = next(value for value, label in form.fields["format"].choices if str(label).lower() == "xlsx")
    Regulation.objects.filter(pk=world["regulation"].pk).update(signed_on=datetime.date(2020, 12, 31))
    data = {"format": xlsx_index, "resource": 0} | {name: "on" for name in form.resource_fields["RegulationResource"]}
    response = admin_client.post(url, data)
    headers, rows = table(sheet_of(response.content), header_row=1)
    assert headers[:3] == ["id", "number_symbol", "title"]  # the import's columns, kept for the round trip
    row = next(row for row in rows if row[1].value == "1/QCPH-THU")
    signed = row[headers.index("signed_on")]
    assert signed.value == datetime.datetime(2020, 12, 31) and signed.number_format == "dd/mm/yyyy"
    assert type(row[0].value) is int and type(row[headers.index("term_start")].value) is int


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("what", "resource_class"),
    [("parties", PartyResource), ("regulations", RegulationResource), ("obligations", ObligationResource)],
)
def test_what_the_admin_exports_its_import_reads_back(world, make_user, what, resource_class, fmt):
    """The admin's export of a jurisdiction's rows (its resource, with the admin's native values for a binary
    format and its XLSX) imports again without an error: the dates, the booleans and the numbers come back,
    and an empty text cell (the obligations' blank description, wording) reads back as empty text."""
    from regulations.models import Membership

    office = make_user("office_round_trip", (world["root"], Membership.Role.OFFICE))
    models = {"parties": Party, "regulations": Regulation, "obligations": Obligation}
    queryset = models[what].objects.all()
    if what == "parties":
        queryset = queryset.filter(path__startswith=world["root"].path)
    elif what == "regulations":
        queryset = queryset.filter(pk=world["regulation"].pk)
    else:
        queryset = queryset.filter(pk__in=[world["report"].pk, world["rollup"].pk])
    dataset = resource_class().export(queryset=queryset, force_native_type=fmt == "xlsx")
    if fmt == "xlsx":
        content, filename = XLSX().export_data(dataset), f"{what}.xlsx"
    else:
        content, filename = dataset.export("csv").encode("utf-8"), f"{what}.csv"
    loaded = imports.load_dataset(content, filename)
    assert len(loaded) == queryset.count()
    outcome = imports.run_import(what=what, dataset=loaded, dry_run=True, actor=office, jurisdiction=world["root"])
    assert outcome.ok, outcome.errors
    assert set(outcome.counts) <= {"update", "skip"}  # every row found again, none new
