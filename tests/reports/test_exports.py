import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from obligations.models import FigureDefinition, Submission, Task
from obligations.resources import TaskResource
from regulations.resources import escape_formula
from reports.models import GeneratedFile

pytestmark = pytest.mark.django_db


def xlsx_rows(content: bytes) -> list[list]:
    """The headers and rows of an exported sheet, under its title line (which says what it holds)."""
    return xlsx_sheet(content)[1:]


def xlsx_sheet(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_task_export_lists_the_visible_rows_in_xlsx_and_csv(client, world, frozen):
    client.force_login(world["users"]["focal"])
    response = client.get(reverse("reports:export", args=["tasks", "xlsx"]))
    assert response.status_code == 200
    rows = xlsx_rows(response.content)
    assert rows[0][:3] == ["Mã", "Nhiệm vụ", "Đơn vị thực hiện"]
    assert len(rows) == 1 + 8
    assert {row[2] for row in rows[1:]} >= {"Hội Nông dân tỉnh Thử Nghiệm", "Sở Nội vụ tỉnh Thử Nghiệm"}
    status = rows[0].index("Tình trạng")
    statuses = [row[status] for row in rows[1:]]
    assert statuses.count("Chưa hoàn thành, quá hạn") == 1
    response = client.get(reverse("reports:export", args=["tasks", "csv"]), {"year": 2021, "status": "done_late"})
    rows = csv_rows(response.content)
    assert len(rows) == 2 and rows[1][2] == "Hội Liên hiệp Phụ nữ tỉnh Thử Nghiệm"


def test_a_reporting_organisation_exports_only_its_own_rows(client, world, frozen):
    client.force_login(world["users"]["reporter_a"])
    rows = xlsx_rows(client.get(reverse("reports:export", args=["tasks", "xlsx"])).content)
    assert {row[2] for row in rows[1:]} == {"Hội Nông dân tỉnh Thử Nghiệm"}
    # Asking for the whole jurisdiction is a 404, the submissions of others a 403.
    response = client.get(reverse("reports:export", args=["tasks", "xlsx"]), {"jurisdiction": world["root"].pk})
    assert response.status_code == 404
    assert client.get(reverse("reports:export", args=["submissions", "xlsx"])).status_code == 403


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)"])
def test_formula_cells_are_escaped(client, world, frozen, text):
    Task.objects.filter(pk=world["tasks"]["c21"].pk).update(excused_reason=text)
    client.force_login(world["users"]["focal"])
    for fmt, reader in (("xlsx", xlsx_rows), ("csv", csv_rows)):
        rows = reader(client.get(reverse("reports:export", args=["tasks", fmt])).content)
        reason = rows[0].index("Lý do miễn")
        reasons = [row[reason] for row in rows[1:] if row[reason]]
        assert reasons == ["'" + text], fmt
    assert escape_formula(5) == 5 and escape_formula("Hội") == "Hội"


def test_the_admin_resource_escapes_too(world):
    Task.objects.filter(pk=world["tasks"]["c21"].pk).update(excused_reason="=1+1")
    dataset = TaskResource().export(Task.objects.all())
    assert "'=1+1" in dataset["Lý do miễn"]


def test_submission_export_has_a_column_per_figure(client, world, frozen):
    FigureDefinition.objects.create(obligation=world["report"], code="members", label="Số hội viên", unit="người")
    Submission.objects.create(task=world["tasks"]["c22"], results="Kết quả", figures={"members": 1200})
    client.force_login(world["users"]["focal"])
    rows = xlsx_rows(client.get(reverse("reports:export", args=["submissions", "xlsx"])).content)
    assert rows[0][-1] == "Số hội viên (người)"
    assert rows[1][-1] == 1200
    assert rows[1][0] == "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Thử Nghiệm"


def test_the_admin_exports_submissions_with_their_figures(admin_client, world):
    """From the admin too (superuser): a column per figure, formula cells escaped; tasks cannot be imported."""
    FigureDefinition.objects.create(obligation=world["report"], code="members", label="Số hội viên", unit="người")
    Submission.objects.create(task=world["tasks"]["c22"], results="=HYPERLINK(1)", figures={"members": 1200})
    url = reverse("admin:obligations_submission_export")
    form = admin_client.get(url).context["form"]
    csv_index = next(value for value, label in form.fields["format"].choices if str(label).lower() == "csv")
    data = {"format": csv_index, "resource": 0} | {
        name: "on" for name in form.resource_fields["AllFiguresSubmissionResource"]
    }
    rows = csv_rows(admin_client.post(url, data).content)
    assert rows[0][-1] == "Số hội viên (người)"
    row = next(row for row in rows[1:] if "'=HYPERLINK(1)" in row)  # the demo's invented reports are there too
    assert row[-1] == "1200"
    assert admin_client.get(reverse("admin:obligations_task_export")).status_code == 200
    with pytest.raises(NoReverseMatch):
        reverse("admin:obligations_task_import")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_export_query_count_is_flat(client, world, grow, frozen, django_assert_num_queries):
    client.force_login(world["users"]["focal"])
    url = reverse("reports:export", args=["tasks", "xlsx"])
    client.get(url)
    small = _queries(client, url)
    grow(25)
    large = _queries(client, url)
    assert small == large
    with django_assert_num_queries(large):
        client.get(url)


def test_large_exports_run_in_a_worker_with_progress(
    client, world, frozen, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_ASYNC_THRESHOLD = 3
    client.force_login(world["users"]["focal"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("reports:export", args=["tasks", "csv"]))
    generated = GeneratedFile.objects.get()
    assert response.status_code == 302 and response["Location"] == generated.get_absolute_url()
    assert generated.status == "done" and generated.progress == 100 and generated.total_rows == 8
    content = b"".join(client.get(reverse("reports:file_download", args=[generated.pk])).streaming_content)
    assert len(csv_rows(content)) == 9
