"""Co-operating parties and the lead's task: the Tân Yên notice's fifth conclusion gives Phòng Nội vụ huyện
the task of finishing the district's regulation "phối hợp với Ủy ban Mặt trận Tổ quốc, các tổ chức chính
trị - xã hội huyện": their staff read Phòng Nội vụ's task, write their input into it and send it files;
Phòng Nội vụ reads them beside its report; reminders ask them to co-operate."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Delivery, Notification
from obligations import contributions, selectors, services
from obligations.contribution_forms import TEXT_REQUIRED
from obligations.models import Contribution, ContributionFile, Task, TaskEvent
from regulations.models import Membership
from reminders.services import reminders_run
from reminders.steps import LOCAL_TZ
from tests.obligations.test_submissions import pdf_upload

REFUSAL = "Bạn không có quyền góp ý kiến, tài liệu phối hợp"
FRONT_INPUT = "Ủy ban MTTQ huyện thống nhất dự thảo; đề nghị bổ sung nội dung giám sát, phản biện xã hội tại Điều 6."
LEAD_RESULTS = "Đã hoàn thiện dự thảo Quy chế phối hợp, tiếp thu ý kiến của Mặt trận và các tổ chức."


def reopen(task: Task) -> Task:
    """The demo records Phòng Nội vụ's task done on 03/03/2023 (invented history): open it again, as it
    stood while the regulation was being finished."""
    task.state, task.completed_at, task.on_time = Task.State.OPEN, None, None
    task.save(update_fields=["state", "completed_at", "on_time", "updated_at"])
    return task


def lead_task_of_tan_yen() -> Task:
    return Task.objects.select_related("obligation", "party", "period").get(
        party__code="ty-pnv", obligation__cooperating_parties__code="ty-mttq"
    )


def member_of(party, username: str, role: str = Membership.Role.REPORTER):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username, email=f"{username}@phoihop.example", password="x-test-pass-123", first_name=party.short_name
    )
    Membership.objects.create(user=user, party=party, role=role)
    return user


@pytest.fixture
def lead_task(demo) -> Task:
    return reopen(lead_task_of_tan_yen())


@pytest.fixture
def front(demo):
    return demo["ty-mttq"]


@pytest.fixture
def front_member(front):
    """Staff of Ủy ban MTTQ huyện Tân Yên (no demo account works there)."""
    return member_of(front, "mttq_tanyen")


@pytest.fixture
def lead(users):
    return users["noivu_tanyen"]


def _written() -> tuple:
    return (
        list(Contribution.objects.order_by("pk").values_list("pk", "text", "updated_at")),
        ContributionFile.objects.count(),
        TaskEvent.objects.count(),
    )


def _contribute(client, task, **data):
    return client.post(reverse("obligations:task_contribute", args=[task.pk]), data)


# --- seeing the lead's task --------------------------------------------------------------------------


def test_a_cooperating_member_sees_the_leads_task(lead_task, front_member, client):
    client.force_login(front_member)
    page = client.get(lead_task.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ý kiến của cơ quan phối hợp" in html
    assert "Ý kiến của Ủy ban Mặt trận Tổ quốc Việt Nam huyện Tân Yên" in html  # the form, for their party
    assert reverse("obligations:task_contribute", args=[lead_task.pk]) in html
    assert lead_task in selectors.tasks_visible_to(front_member)
    listing = client.get(reverse("obligations:task_list")).content.decode()
    assert lead_task.get_absolute_url() in listing


def test_any_role_of_a_cooperating_party_reads_but_a_leader_does_not_write(lead_task, front, client):
    leader = member_of(front, "chutich_mttq_tanyen", Membership.Role.LEADER)
    client.force_login(leader)
    page = client.get(lead_task.get_absolute_url())
    assert page.status_code == 200
    assert reverse("obligations:task_contribute", args=[lead_task.pk]) not in page.content.decode()
    assert _contribute(client, lead_task, text=FRONT_INPUT).status_code == 403
    assert not Contribution.objects.exists()


def test_a_party_that_does_not_cooperate_gets_404(lead_task, front_member, demo, users, client):
    contribution = contributions.contribution_save(task=lead_task, actor=front_member, party=demo["ty-mttq"], text="X")
    upload = contributions.contribution_file_add(
        task=lead_task, actor=front_member, party=contribution.party, upload=pdf_upload("du-thao.pdf")
    )
    council = member_of(demo["ty-hdnd"], "hdnd_tanyen")  # a Tân Yên body, not named in the conclusion
    for user in (council, users["hnd"], users["mttq"], users["outsider"]):
        client.force_login(user)
        assert client.get(lead_task.get_absolute_url()).status_code == 404, user
        assert _contribute(client, lead_task, text=FRONT_INPUT).status_code == 404, user
        assert client.get(reverse("obligations:contribution_file", args=[upload.pk])).status_code == 404, user
    assert Contribution.objects.get().text == "X"


# --- giving input ------------------------------------------------------------------------------------


def test_a_cooperating_member_saves_a_contribution_and_a_file(lead_task, front_member, front, lead, client):
    client.force_login(front_member)
    response = client.post(
        reverse("obligations:task_contribute", args=[lead_task.pk]),
        {"party": front.pk, "text": FRONT_INPUT, "upload": pdf_upload("Góp ý dự thảo quy chế.pdf")},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#phoi-hop")
    contribution = Contribution.objects.get(task=lead_task)
    assert (contribution.party, contribution.text, contribution.author) == (front, FRONT_INPUT, front_member)
    stored = contribution.files.get()
    assert stored.original_name == "Góp ý dự thảo quy chế.pdf"
    assert "gop" not in stored.file.name.lower() and stored.file.name.endswith(".pdf")  # a random stored name
    page = client.get(lead_task.get_absolute_url()).content.decode()
    assert FRONT_INPUT in page and stored.get_absolute_url() in page
    download = client.get(stored.get_absolute_url())
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    # The lead heard of it.
    assert Notification.objects.filter(recipient=lead, kind="contribution", link=lead_task.get_absolute_url()).exists()


def test_the_trail_records_each_input(lead_task, front_member, front):
    contributions.contribution_save(task=lead_task, actor=front_member, party=front, text="Bản đầu.")
    contributions.contribution_save(task=lead_task, actor=front_member, party=front, text="Bản đầu.")  # unchanged
    contributions.contribution_save(task=lead_task, actor=front_member, party=front, text=FRONT_INPUT)
    contributions.contribution_file_add(task=lead_task, actor=front_member, party=front, upload=pdf_upload())
    trail = list(selectors.task_trail(lead_task).filter(actor=front_member))
    assert [event.action for event in trail] == [
        TaskEvent.Action.CONTRIBUTED,
        TaskEvent.Action.CONTRIBUTED,
        TaskEvent.Action.CONTRIBUTION_FILE_ADDED,
    ]
    assert [event.data.get("text") for event in trail[:2]] == ["Bản đầu.", FRONT_INPUT]
    assert all(event.data["party"] == front.pk for event in trail)
    assert Contribution.objects.get().text == FRONT_INPUT  # one row per party, rewritten


def test_input_is_taken_until_the_task_is_done_and_refused_after(lead_task, front_member, front, lead):
    lead_task.state = Task.State.SUBMITTED  # the report waits for review: it may still come back
    lead_task.save(update_fields=["state"])
    contributions.contribution_save(task=lead_task, actor=front_member, party=front, text=FRONT_INPUT)
    for state in (Task.State.DONE, Task.State.EXCUSED):
        Task.objects.filter(pk=lead_task.pk).update(
            state=state, completed_at=lead_task.deadline, on_time=True, excused_reason="Đã hoàn thành."
        )
        before = _written()
        with pytest.raises(services.SubmissionError) as refused:
            contributions.contribution_save(task=lead_task, actor=front_member, party=front, text="Thêm ý kiến.")
        assert "không nhận thêm ý kiến phối hợp" in refused.value.message
        with pytest.raises(services.SubmissionError):
            contributions.contribution_file_add(task=lead_task, actor=front_member, party=front, upload=pdf_upload())
        assert _written() == before


def test_only_a_cooperating_partys_staff_may_give_input_for_it(lead_task, front_member, front, demo, users, lead):
    other_party_member = member_of(demo["ty-hnd"], "hnd_tanyen")
    actors = [lead, users["admin"], users["sonoivu"], users["lanhdao"], users["outsider"], None]
    before = _written()
    for actor in actors:
        with pytest.raises(PermissionDenied, match=REFUSAL):
            contributions.contribution_save(task=lead_task, actor=actor, party=front, text=FRONT_INPUT)
    # A co-operating party's member writes for their own party, not another co-operating one.
    with pytest.raises(PermissionDenied, match=REFUSAL):
        contributions.contribution_save(task=lead_task, actor=other_party_member, party=front, text=FRONT_INPUT)
    with pytest.raises(PermissionDenied, match=REFUSAL):
        contributions.contribution_save(task=lead_task, actor=front_member, party=demo["ty-hnd"], text=FRONT_INPUT)
    with pytest.raises(PermissionDenied, match=REFUSAL):
        contributions.contribution_file_add(task=lead_task, actor=lead, party=front, upload=pdf_upload())
    assert _written() == before


def test_the_lead_cannot_contribute_through_the_page(lead_task, lead, client):
    client.force_login(lead)
    assert _contribute(client, lead_task, text=FRONT_INPUT).status_code == 403
    assert not Contribution.objects.exists()


# --- bad input ---------------------------------------------------------------------------------------


def test_empty_text_is_refused_in_vietnamese_and_writes_nothing(lead_task, front_member, front, client):
    client.force_login(front_member)
    before = _written()
    response = _contribute(client, lead_task, text="   ")
    assert response.status_code == 400
    assert str(TEXT_REQUIRED) in response.content.decode()
    assert _written() == before
    with pytest.raises(services.SubmissionError) as refused:
        contributions.contribution_save(task=lead_task, actor=front_member, party=front, text=" \n")
    assert refused.value.message == "Cần nhập nội dung ý kiến phối hợp."
    assert _written() == before


def test_a_file_of_a_wrong_type_is_refused_and_the_text_is_not_saved(lead_task, front_member, client):
    client.force_login(front_member)
    before = _written()
    program = SimpleUploadedFile("du-thao.exe", b"MZ\x90\x00" + b"\x00" * 100)
    response = _contribute(client, lead_task, text=FRONT_INPUT, upload=program)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Chỉ nhận tệp PDF, DOCX, XLSX, PNG hoặc JPG" in page
    assert FRONT_INPUT in page  # the typed text stays in the form
    assert _written() == before


def test_a_file_too_large_is_refused_and_writes_nothing(lead_task, front_member, front, client, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(front_member)
    contributions.contribution_save(task=lead_task, actor=front_member, party=front, text=FRONT_INPUT)
    before = _written()
    big = SimpleUploadedFile("ban-chup.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1), content_type="application/pdf")
    response = _contribute(client, lead_task, text=FRONT_INPUT + " Bổ sung.", upload=big)
    assert response.status_code == 400
    assert "quá lớn" in response.content.decode()
    assert _written() == before
    # The service checks the file as well, whoever calls it.
    big.seek(0)
    with pytest.raises(ValidationError) as refused:
        contributions.contribution_file_add(task=lead_task, actor=front_member, party=front, upload=big)
    assert refused.value.code == "too_large"
    assert _written() == before


def test_a_file_needs_the_partys_text_first(lead_task, front_member, front):
    with pytest.raises(services.SubmissionError) as refused:
        contributions.contribution_file_add(task=lead_task, actor=front_member, party=front, upload=pdf_upload())
    assert refused.value.message == "Cần ghi ý kiến phối hợp trước khi gửi tài liệu."
    assert not ContributionFile.objects.exists()


# --- the lead and its report -------------------------------------------------------------------------


def test_the_lead_sees_the_contribution_on_its_task_and_report_page(lead_task, front_member, front, lead, client):
    contributions.contribution_save(task=lead_task, actor=front_member, party=front, text=FRONT_INPUT)
    stored = contributions.contribution_file_add(
        task=lead_task, actor=front_member, party=front, upload=pdf_upload("gop-y.pdf")
    )
    client.force_login(lead)
    page = client.get(lead_task.get_absolute_url()).content.decode()
    assert FRONT_INPUT in page and "gop-y.pdf" in page
    assert "Chưa góp ý kiến." in page  # the other five organisations have not written yet
    assert reverse("obligations:task_contribute", args=[lead_task.pk]) not in page  # no form for the lead
    report = client.get(reverse("obligations:task_report", args=[lead_task.pk]))
    assert report.status_code == 200
    html = report.content.decode()
    assert 'class="report-aside"' in html and FRONT_INPUT in html and stored.get_absolute_url() in html
    assert "Chưa góp ý kiến:" in html and "Huyện đoàn Tân Yên" in html  # who has not written, in one line
    assert client.get(stored.get_absolute_url()).status_code == 200


def test_the_cooperating_member_cannot_write_the_leads_report(lead_task, front_member, client):
    client.force_login(front_member)
    report_url = reverse("obligations:task_report", args=[lead_task.pk])
    assert client.get(report_url).status_code == 403
    assert client.post(report_url, {"revision": "0", "results": LEAD_RESULTS, "action": "submit"}).status_code == 403
    review = reverse("obligations:task_review", args=[lead_task.pk])
    assert client.post(review, {"decision": "accept"}).status_code == 403
    excuse = reverse("obligations:task_excuse", args=[lead_task.pk])
    assert client.post(excuse, {"reason": "Không cần."}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.submission_save_draft(
            task=lead_task, actor=front_member, sections={"results": "X"}, figures={}, expected_revision=0
        )
    lead_task.refresh_from_db()
    assert lead_task.state == Task.State.OPEN and not hasattr(lead_task, "submission")


def test_a_submitted_version_shows_the_input_as_it_stood_then(lead_task, front_member, front, lead, client):
    start = datetime.datetime(2023, 3, 1, 9, 0, tzinfo=LOCAL_TZ)
    with time_machine.travel(start, tick=False):
        contributions.contribution_save(task=lead_task, actor=front_member, party=front, text="Ý kiến trước khi nộp.")
        contributions.contribution_file_add(task=lead_task, actor=front_member, party=front, upload=pdf_upload("a.pdf"))
    with time_machine.travel(start + datetime.timedelta(days=1), tick=False):
        draft = services.submission_save_draft(
            task=lead_task, actor=lead, sections={"results": LEAD_RESULTS}, figures={}, expected_revision=0
        )
        services.submission_submit(task=lead_task, actor=lead, expected_revision=draft.revision)
    with time_machine.travel(start + datetime.timedelta(days=2), tick=False):  # still taken: not accepted yet
        contributions.contribution_save(task=lead_task, actor=front_member, party=front, text="Ý kiến sau khi nộp.")
        contributions.contribution_file_add(task=lead_task, actor=front_member, party=front, upload=pdf_upload("b.pdf"))
    client.force_login(lead)
    version = client.get(reverse("obligations:version_detail", args=[lead_task.pk, 1])).content.decode()
    assert "Ý kiến trước khi nộp." in version and "a.pdf" in version
    assert "Ý kiến sau khi nộp." not in version and "b.pdf" not in version
    page = client.get(lead_task.get_absolute_url()).content.decode()
    assert "Ý kiến sau khi nộp." in page and "b.pdf" in page


def test_the_task_page_costs_the_same_queries_with_more_input(lead_task, front_member, front, demo, client):
    contributions.contribution_save(task=lead_task, actor=front_member, party=front, text=FRONT_INPUT)
    contributions.contribution_file_add(task=lead_task, actor=front_member, party=front, upload=pdf_upload())
    client.force_login(front_member)
    with CaptureQueriesContext(connection) as few:
        client.get(lead_task.get_absolute_url())
    for code in ("ty-hccb", "ty-ldld", "ty-hlhpn", "ty-hnd", "ty-doan"):
        member = member_of(demo[code], f"nv-{code}")
        contributions.contribution_save(task=lead_task, actor=member, party=demo[code], text=f"Ý kiến của {code}.")
        for _n in range(2):
            contributions.contribution_file_add(task=lead_task, actor=member, party=demo[code], upload=pdf_upload())
    client.force_login(front_member)
    with CaptureQueriesContext(connection) as many:
        page = client.get(lead_task.get_absolute_url()).content.decode()
    assert page.count('class="contribution"') == 6
    assert len(many.captured_queries) == len(few.captured_queries)


# --- reminders ---------------------------------------------------------------------------------------


def test_a_reminder_step_of_the_leads_task_asks_the_cooperating_members_too_once(lead_task, front_member, demo, lead):
    other = member_of(demo["ty-hnd"], "hnd_tanyen")
    # Opened again on 28/02/2023 (the day of the meeting): its schedule starts from there. Due 06/03/2023 (the
    # last day, Saturday 04/03, moved to Monday): the step of 03/03 is d-3.
    with time_machine.travel(datetime.datetime(2023, 2, 28, 10, 0, tzinfo=LOCAL_TZ), tick=False):
        lead_task.save(update_fields=["updated_at"])
    for hour in (7, 9):
        with time_machine.travel(datetime.datetime(2023, 3, 3, hour, 0, tzinfo=LOCAL_TZ), tick=False):
            reminders_run()
    key = f"reminder:{lead_task.pk}:d-3"
    to_lead = Notification.objects.get(recipient=lead, key=key)
    assert to_lead.kind == "reminder" and to_lead.subject.startswith("Nhắc việc")
    for member in (front_member, other):
        entry = Notification.objects.get(recipient=member, key=key)  # once, after two passes
        assert entry.kind == "cooperation"
        assert entry.subject == (
            "Nhắc phối hợp: còn 3 ngày đến hạn “Hoàn thiện Quy chế phối hợp giữa UBND huyện với Ủy ban MTTQ, "
            "các tổ chức chính trị - xã hội huyện nhiệm kỳ 2021 - 2025”"
        )
        assert "Phòng Nội vụ huyện Tân Yên chủ trì" in entry.body and "Đề nghị cơ quan phối hợp" in entry.body
        assert entry.link == lead_task.get_absolute_url()
        assert Delivery.objects.filter(notification=entry).count() == 1


def test_a_task_one_only_cooperates_on_is_read_but_not_counted_in_the_rates(lead_task, demo, users):
    from reports.selectors import DashboardFilters, dashboard_tasks

    lead_task.obligation.cooperating_parties.add(demo["qn-snv"])  # a body outside Tân Yên's jurisdiction
    sonoivu = users["sonoivu"]
    assert lead_task in selectors.tasks_visible_to(sonoivu)
    assert not selectors.task_allows(sonoivu, lead_task, "review")  # nor does it review the lead's report
    assert lead_task not in dashboard_tasks(sonoivu, DashboardFilters())
    assert dashboard_tasks(sonoivu, DashboardFilters()).filter(party__code="qn-hnd").exists()
