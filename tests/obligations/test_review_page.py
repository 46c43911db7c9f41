"""The review page: the focal agency reads the report it decides on (sections, figures with their units,
files with their signature check) beside the accept, return and excuse actions, on one page."""

import datetime

import pytest
import time_machine
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from obligations import services
from obligations.models import Attachment, FigureDefinition, Task
from reports.pdf import FONT_DIR
from signatures.signing import sign_pdf
from tests.obligations.test_submissions import FIGURES, SECTIONS, pdf_bytes

HANOI = datetime.timezone(datetime.timedelta(hours=7))
FONT = FONT_DIR / "LiberationSerif-Regular.ttf"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def before_the_deadline():
    with time_machine.travel(datetime.datetime(2025, 12, 1, 9, 0, tzinfo=HANOI), tick=True):
        yield


@pytest.fixture
def task(demo):
    return Task.objects.select_related("obligation", "party").get(party__code="qn-hnd", period__year=2025)


def _submit(task, users, *, files, sections=SECTIONS, figures=FIGURES):
    """HND hands in its report with these (name, content) files."""
    for name, content in files:
        services.attachment_add(
            task=task,
            actor=users["hnd"],
            upload=SimpleUploadedFile(name, content, content_type="application/pdf"),
            kind=Attachment.Kind.SIGNED_SCAN,
        )
    draft = services.submission_save_draft(
        task=task, actor=users["hnd"], sections=sections, figures=figures, expected_revision=0
    )
    services.submission_submit(task=task, actor=users["hnd"], expected_revision=draft.revision)


def _review_url(task):
    return reverse("obligations:task_review", args=[task.pk])


@pytest.fixture
def signed_pdf(credential, task):
    credential(task.party.code, task.party.name)
    report = weasyprint.HTML(string="<p>Báo cáo năm 2025 của Hội Nông dân tỉnh.</p>").write_pdf()
    return sign_pdf(report, code=task.party.code, signer_name="Trần Thị B", font=FONT).content


def test_the_review_page_shows_the_report_beside_the_three_actions(task, users, client, signed_pdf):
    _submit(task, users, files=[("bao-cao-ky-so.pdf", signed_pdf), ("phu-luc.pdf", pdf_bytes())])
    client.force_login(users["sonoivu"])
    response = client.get(_review_url(task))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Xem xét báo cáo nộp lần 1" in page
    # The sections' text and a figure with its unit, as the reading page shows them.
    assert "Kết quả đạt được" in page and SECTIONS["results"] in page and SECTIONS["directions"] in page
    joint = task.obligation.figures.get(code="joint_activities")
    assert f'<th scope="row">{joint.label}</th><td class="num">42 <span class="unit">{joint.unit}</span></td>' in page
    # Each file with its signature check and a link the reviewer may open.
    signed, plain = Attachment.objects.filter(submission__task=task).order_by("pk")
    assert "bao-cao-ky-so.pdf" in page and "phu-luc.pdf" in page
    assert "Chữ ký số hợp lệ" in page and f"Ký bởi {task.party.name}" in page
    assert "Chưa ký số" in page
    for attachment in (signed, plain):
        assert f'href="{attachment.get_absolute_url()}"' in page
        assert client.get(attachment.get_absolute_url()).status_code == 200
    # The decision beside it: accept, return (with the comment box) and excuse.
    assert 'name="decision" value="accept"' in page and ">Tiếp nhận</button>" in page
    assert 'name="decision" value="return"' in page and ">Trả lại để chỉnh sửa</button>" in page
    assert f'action="{reverse("obligations:task_excuse", args=[task.pk])}"' in page and ">Miễn</button>" in page
    assert page.index(SECTIONS["results"]) < page.index('value="accept"')  # the report comes first on a phone


def test_accepting_from_the_review_page_completes_the_task(task, users, client):
    _submit(task, users, files=[("bao-cao.pdf", pdf_bytes())])
    client.force_login(users["sonoivu"])
    response = client.post(_review_url(task), {"decision": "accept", "comment": "Đạt yêu cầu."})
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    task.refresh_from_db()
    assert task.status == Task.Status.DONE_ON_TIME


def test_a_return_without_a_comment_comes_back_to_the_review_page_with_the_message(task, users, client):
    _submit(task, users, files=[("bao-cao.pdf", pdf_bytes())])
    client.force_login(users["sonoivu"])
    response = client.post(_review_url(task), {"decision": "return"}, follow=True)
    assert response.redirect_chain == [(_review_url(task), 302)]
    page = response.content.decode()
    assert "Cần ghi ý kiến khi trả lại báo cáo." in page and SECTIONS["results"] in page
    task.refresh_from_db()
    assert task.state == Task.State.SUBMITTED


def test_with_nothing_waiting_the_page_says_so_and_offers_no_decision(task, users, client):
    _submit(task, users, files=[("bao-cao.pdf", pdf_bytes())])
    services.submission_return(task=task, actor=users["sonoivu"], comment="Bổ sung số liệu.")
    client.force_login(users["sonoivu"])
    page = client.get(_review_url(task)).content.decode()
    assert "Không có báo cáo nào của nhiệm vụ này đang chờ xem xét." in page
    assert 'name="decision"' not in page and SECTIONS["results"] not in page
    assert ">Miễn</button>" in page  # a returned task may still be excused


def test_the_task_page_and_the_queue_lead_to_the_review_page(task, users, client):
    _submit(task, users, files=[("bao-cao.pdf", pdf_bytes())])
    client.force_login(users["sonoivu"])
    task_page = client.get(task.get_absolute_url()).content.decode()
    assert f'href="{_review_url(task)}">Đọc và xem xét</a>' in task_page
    assert 'name="decision"' not in task_page  # one place to decide: beside the report
    queue = client.get(reverse("obligations:review_list")).content.decode()
    assert f'href="{_review_url(task)}"' in queue


@pytest.mark.parametrize("role", ["hnd", "lanhdao", "vanphong"])
def test_who_may_not_review_does_not_get_the_page(task, users, client, role):
    _submit(task, users, files=[("bao-cao.pdf", pdf_bytes())])
    client.force_login(users[role])
    assert client.get(_review_url(task)).status_code == 403


# The review page's queries, whatever the number of files, sections and figures: the session (read, and
# saved in a savepoint: 4), the user, the user's scope and the task with the review check (6), the version and
# its files (2), the figure definitions, the co-operating parties and their input as it stood then (3), and
# the menu (2).
QUERIES_REVIEW_PAGE = 19


@pytest.mark.parametrize("files", [1, 5])
def test_the_review_page_does_not_query_per_file_or_section(task, users, client, files, django_assert_num_queries):
    sections, figures = {**SECTIONS, "proposals": ""}, dict(FIGURES)
    if files > 1:  # more of everything: all four sections and one more figure
        FigureDefinition.objects.create(
            obligation=task.obligation, order=9, code="trainings", label="Số lớp tập huấn", unit="lớp", required=False
        )
        sections["proposals"] = "Đề nghị bố trí kinh phí tập huấn."
        figures["trainings"] = "3"
    uploads = [(f"tep-{n}.pdf", pdf_bytes()) for n in range(files)]
    _submit(task, users, files=uploads, sections=sections, figures=figures)
    client.force_login(users["sonoivu"])
    with django_assert_num_queries(QUERIES_REVIEW_PAGE):
        page = client.get(_review_url(task)).content.decode()
    assert page.count('class="report-section"') == (4 if files > 1 else 3)
    assert all(f"tep-{n}.pdf" in page for n in range(files))
