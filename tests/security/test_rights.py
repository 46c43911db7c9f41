"""One getter per object type takes the right it needs (404: cannot see; 403: sees, may not act), and every
service checks its actor by the same rule, so no caller can do what the page refuses."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from matters import selectors as matter_selectors
from matters import services as matter_services
from matters.models import Matter, MatterEvent
from obligations import selectors, services
from obligations.models import Attachment, Submission, SubmissionVersion, Task, TaskEvent
from regulations.models import Membership
from regulations.rights import Right
from reports import services as report_services
from reports.imports import load_dataset, run_import
from reports.models import ConsolidatedReport
from reports.selectors import get_consolidated_for_user
from tests.obligations.test_submissions import FIGURES, SECTIONS, pdf_upload


@pytest.fixture
def hnd_task(demo):
    return Task.objects.select_related("party", "obligation").get(party__code="qn-hnd", period__year=2025)


def _submit(task, user):
    draft = services.submission_save_draft(
        task=task, actor=user, sections=SECTIONS, figures=FIGURES, expected_revision=0
    )
    services.attachment_add(task=task, actor=user, upload=pdf_upload(), kind=Attachment.Kind.SIGNED_SCAN)
    return services.submission_submit(task=task, actor=user, expected_revision=draft.revision)


@pytest.fixture
def submitted(hnd_task, users):
    _submit(hnd_task, users["hnd"])
    hnd_task.refresh_from_db()
    return hnd_task


def _trail(task) -> tuple:
    task.refresh_from_db()
    return (
        task.state,
        TaskEvent.objects.filter(task=task).count(),
        SubmissionVersion.objects.filter(submission__task=task).count(),
        Attachment.objects.filter(submission__task=task, removed_at__isnull=True).count(),
        Submission.objects.filter(task=task).values_list("revision", flat=True).first(),
    )


# --- the getters --------------------------------------------------------------------------------------


def test_a_task_outside_the_scope_is_404_whatever_the_right(users, demo):
    tan_yen_task = Task.objects.filter(party__code="ty-pnv").first()
    for right in (Right.READ, Right.REPORT, Right.REVIEW):
        with pytest.raises(Http404):
            selectors.get_task_for_user(users["hnd"], tan_yen_task.pk, right=right)


def test_a_visible_task_without_the_right_is_403(users, hnd_task):
    assert selectors.get_task_for_user(users["lanhdao"], hnd_task.pk) == hnd_task  # the leader reads it
    with pytest.raises(PermissionDenied):
        selectors.get_task_for_user(users["lanhdao"], hnd_task.pk, right=Right.REPORT)
    with pytest.raises(PermissionDenied):
        selectors.get_task_for_user(users["hnd"], hnd_task.pk, right=Right.REVIEW)  # not one's own review
    assert selectors.get_task_for_user(users["hnd"], hnd_task.pk, right=Right.REPORT) == hnd_task
    assert selectors.get_task_for_user(users["sonoivu"], hnd_task.pk, right=Right.REVIEW) == hnd_task


def test_a_matter_answer_needs_the_focal_agency(users, hnd_task):
    matter = matter_services.matter_raise(
        actor=users["hnd"], party=hnd_task.party, subject="Vướng mắc", body="Xin hướng dẫn.", task=hnd_task
    )
    with pytest.raises(PermissionDenied):
        matter_selectors.get_matter_for_user(users["hnd"], matter.pk, right=Right.ANSWER)
    with pytest.raises(Http404):
        matter_selectors.get_matter_for_user(users["tanyen"], matter.pk)
    assert matter_selectors.get_matter_for_user(users["sonoivu"], matter.pk, right=Right.ANSWER) == matter


# --- a focal agency does not accept its own report ----------------------------------------------------


@pytest.fixture
def own_agency_report(demo, make_user):
    """Sở Nội vụ Quảng Ngãi's own 2025 roll-up, submitted by a reporter account of Sở Nội vụ itself."""
    reporter = make_user("bc_sonoivu", (demo["qn-snv"], Membership.Role.REPORTER))
    reporter.memberships.create(party=demo["qn-snv"], role=Membership.Role.FOCAL)
    task = Task.objects.get(party__code="qn-snv", period__year=2025)
    draft = services.submission_save_draft(
        task=task, actor=reporter, sections=SECTIONS, figures={}, expected_revision=0
    )
    services.attachment_add(task=task, actor=reporter, upload=pdf_upload(), kind=Attachment.Kind.SIGNED_SCAN)
    services.submission_submit(task=task, actor=reporter, expected_revision=draft.revision)
    return task, reporter


def test_the_focal_agency_cannot_accept_its_own_agencys_report(own_agency_report, client):
    task, reporter = own_agency_report
    before = _trail(task)
    with pytest.raises(PermissionDenied):
        services.submission_accept(task=task, actor=reporter)
    assert _trail(task) == before
    client.force_login(reporter)
    response = client.post(reverse("obligations:task_review", args=[task.pk]), {"decision": "accept"})
    assert response.status_code == 403
    assert _trail(task) == before == (Task.State.SUBMITTED, *before[1:])


# --- every service refuses an actor without the right, and writes nothing -----------------------------

REPORT_SERVICES = {
    "save_draft": lambda task, actor: services.submission_save_draft(
        task=task, actor=actor, sections=SECTIONS, figures=FIGURES, expected_revision=0
    ),
    "attach": lambda task, actor: services.attachment_add(
        task=task, actor=actor, upload=pdf_upload(), kind=Attachment.Kind.SIGNED_SCAN
    ),
    "submit": lambda task, actor: services.submission_submit(task=task, actor=actor, expected_revision=0),
}
REVIEW_SERVICES = {
    "accept": lambda task, actor: services.submission_accept(task=task, actor=actor),
    "return": lambda task, actor: services.submission_return(task=task, actor=actor, comment="Bổ sung số liệu."),
    "excuse": lambda task, actor: services.task_excuse(task=task, actor=actor, reason="Sáp nhập."),
}


@pytest.mark.parametrize("service", REPORT_SERVICES)
@pytest.mark.parametrize("who", ["lanhdao", "sonoivu", "mttq", "tanyen", "outsider", None])
def test_report_services_refuse_anyone_but_the_partys_staff(hnd_task, users, service, who):
    before = _trail(hnd_task)
    with pytest.raises(PermissionDenied):
        REPORT_SERVICES[service](hnd_task, users[who] if who else None)
    assert _trail(hnd_task) == before


def test_removing_a_file_needs_the_report_right(hnd_task, users):
    attachment = services.attachment_add(
        task=hnd_task, actor=users["hnd"], upload=pdf_upload(), kind=Attachment.Kind.SIGNED_SCAN
    )
    for who in ("lanhdao", "sonoivu", "mttq"):
        with pytest.raises(PermissionDenied):
            services.attachment_remove(attachment=attachment, actor=users[who])
    attachment.refresh_from_db()
    assert attachment.removed_at is None
    with pytest.raises(PermissionDenied):
        selectors.get_attachment_for_user(users["lanhdao"], attachment.pk, right=Right.REPORT)


@pytest.mark.parametrize("service", REVIEW_SERVICES)
@pytest.mark.parametrize("who", ["lanhdao", "vanphong", "hnd", "mttq", "noivu_tanyen", "outsider", None])
def test_review_services_refuse_anyone_but_the_focal_agency(submitted, users, service, who):
    before = _trail(submitted)
    with pytest.raises(PermissionDenied):
        REVIEW_SERVICES[service](submitted, users[who] if who else None)
    assert _trail(submitted) == before


def test_the_focal_agency_may_review(submitted, users):
    services.submission_accept(task=submitted, actor=users["sonoivu"])
    submitted.refresh_from_db()
    assert submitted.state == Task.State.DONE


@pytest.fixture
def consolidated(demo, users):
    period = Task.objects.get(party__code="qn-snv", period__year=2025).period
    return report_services.consolidated_report_create(
        jurisdiction=demo["qn-ubnd"], period=period, actor=users["sonoivu"]
    )


@pytest.mark.parametrize("who", ["lanhdao", "vanphong", "hnd", "noivu_tanyen", None])
def test_consolidated_report_services_refuse_anyone_but_the_focal_agency(consolidated, users, demo, who):
    actor = users[who] if who else None
    with pytest.raises(PermissionDenied):
        report_services.consolidated_report_create(
            jurisdiction=demo["qn-ubnd"], period=consolidated.period, actor=actor
        )
    for service in (
        lambda: report_services.consolidated_report_update(report=consolidated, actor=actor, data={"assessment": "X"}),
        lambda: report_services.consolidated_report_finalise(report=consolidated, actor=actor),
        lambda: report_services.consolidated_report_reopen(report=consolidated, actor=actor),
        lambda: report_services.consolidated_report_submit(report=consolidated, actor=actor),
    ):
        with pytest.raises(PermissionDenied):
            service()
    consolidated.refresh_from_db()
    assert consolidated.state == ConsolidatedReport.State.DRAFT and consolidated.assessment == ""
    if actor is not None:  # the page's getter refuses them too: 403 when they see it, 404 when they don't
        with pytest.raises((PermissionDenied, Http404)):
            get_consolidated_for_user(actor, consolidated.pk, right=Right.COMPILE)


@pytest.mark.parametrize("who", ["lanhdao", "sonoivu", "hnd", None])
def test_imports_refuse_anyone_but_the_office_and_admins(users, demo, who):
    content = b"code,name,short_name,kind,level,parent,is_jurisdiction\nmoi-1,Hoi Moi,HM,socio_political,province,,0\n"
    with pytest.raises(PermissionDenied):
        run_import(
            what="parties",
            dataset=load_dataset(content, "x.csv"),
            dry_run=False,
            actor=users[who] if who else None,
            jurisdiction=demo["qn-ubnd"],
        )
    assert not Membership.objects.filter(party__code="moi-1").exists()
    from regulations.models import Party

    assert not Party.objects.filter(code="moi-1").exists()


def test_matter_services_refuse_an_actor_without_the_right(hnd_task, users):
    with pytest.raises(PermissionDenied):  # on behalf of another party
        matter_services.matter_raise(actor=users["mttq"], party=hnd_task.party, subject="X", body="Y", task=hnd_task)
    matter = matter_services.matter_raise(
        actor=users["hnd"], party=hnd_task.party, subject="X", body="Y", task=hnd_task
    )
    events = MatterEvent.objects.filter(matter=matter).count()
    for who in ("hnd", "lanhdao", "mttq"):
        with pytest.raises(PermissionDenied):
            matter_services.matter_answer(matter=matter, actor=users[who], answer="Trả lời.")
        with pytest.raises(PermissionDenied):
            matter_services.matter_forward(matter=matter, actor=users[who])
    with pytest.raises(PermissionDenied):
        matter_services.matter_close(matter=matter, actor=users["lanhdao"])
    matter.refresh_from_db()
    assert matter.status == Matter.Status.OPEN
    assert MatterEvent.objects.filter(matter=matter).count() == events


# --- a leader changes nothing ------------------------------------------------------------------------


def test_a_leader_can_change_nothing_through_the_pages(client, users, submitted, consolidated):
    client.force_login(users["lanhdao"])
    before = _trail(submitted)
    attachment = Attachment.objects.filter(submission__task=submitted).first()
    posts = [
        (reverse("obligations:task_report", args=[submitted.pk]), {"results": "Sửa", "revision": "0"}),
        (reverse("obligations:task_review", args=[submitted.pk]), {"decision": "accept"}),
        (reverse("obligations:task_review", args=[submitted.pk]), {"decision": "return", "comment": "Sửa."}),
        (reverse("obligations:task_excuse", args=[submitted.pk]), {"reason": "Miễn."}),
        (reverse("obligations:attachment_remove", args=[attachment.pk]), {}),
        (reverse("reports:consolidated_detail", args=[consolidated.pk]), {"assessment": "Sửa."}),
        (reverse("reports:consolidated_action", args=[consolidated.pk, "finalise"]), {}),
        (reverse("reports:consolidated_action", args=[consolidated.pk, "submit"]), {}),
        (reverse("reports:import"), {"confirm": "1"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404), url
    assert _trail(submitted) == before
    consolidated.refresh_from_db()
    assert consolidated.state == ConsolidatedReport.State.DRAFT and consolidated.assessment == ""


def test_a_leader_can_neither_raise_answer_nor_close_a_matter(users, demo, hnd_task):
    lanhdao = users["lanhdao"]
    obligation = hnd_task.obligation
    with pytest.raises(PermissionDenied):  # on behalf of the People's Committee the leader heads
        matter_services.matter_raise(actor=lanhdao, party=demo["qn-ubnd"], subject="X", body="Y", obligation=obligation)
    matter = matter_services.matter_raise(
        actor=users["hnd"], party=hnd_task.party, subject="X", body="Y", task=hnd_task
    )
    matter_services.matter_forward(matter=matter, actor=users["sonoivu"])  # now before the People's Committee
    for act in (
        lambda: matter_services.matter_answer(matter=matter, actor=lanhdao, answer="Đồng ý."),
        lambda: matter_services.matter_close(matter=matter, actor=lanhdao),
    ):
        with pytest.raises(PermissionDenied):
            act()
    matter.refresh_from_db()
    assert matter.status == Matter.Status.FORWARDED
    assert matter_selectors.get_matter_for_user(lanhdao, matter.pk) == matter  # still readable
    assert matter_services.matter_answer(matter=matter, actor=users["vanphong"], answer="Đồng ý.").status == "answered"
