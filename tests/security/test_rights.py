"""One getter per object type takes the right it needs (404: cannot see; 403: sees, may not act), and every
service checks its actor by the same rule, so no caller (a page, the admin, an import, a job, a script) can
do what the page refuses."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from matters import selectors as matter_selectors
from matters import services as matter_services
from matters.models import Matter, MatterEvent
from notifications.models import Notification
from obligations import reorganisations, selectors, services
from obligations.models import (
    Attachment,
    Contribution,
    ContributionFile,
    Obligation,
    Period,
    Submission,
    SubmissionVersion,
    Task,
    TaskEvent,
    end_of_day,
)
from regulations import services as source_services
from regulations.models import (
    Conclusion,
    Document,
    DocumentItem,
    Meeting,
    Membership,
    Party,
    Regulation,
    Reorganisation,
    SourceEvent,
)
from regulations.rights import Right
from reports import import_jobs
from reports import selectors as report_selectors
from reports import services as report_services
from reports.imports import load_dataset, run_import
from reports.models import ConsolidatedReport, GeneratedFile, ImportJob
from tests.obligations.test_submissions import FIGURES, SECTIONS, pdf_upload
from tests.security.test_url_permissions import RULES, url_names, world  # noqa: F401  (world: a fixture)

REFUSAL = "Bạn không có quyền"  # how every refusal begins (regulations.rights.refuse)


def _submit(task, user):
    draft = services.submission_save_draft(
        task=task, actor=user, sections=SECTIONS, figures=FIGURES, expected_revision=0
    )
    services.attachment_add(task=task, actor=user, upload=pdf_upload(), kind=Attachment.Kind.SIGNED_SCAN)
    return services.submission_submit(task=task, actor=user, expected_revision=draft.revision)


def _everything() -> dict:
    """What a refused call must leave as it was: the rows of every app, and each field a service changes."""
    return {
        "tasks": list(Task.objects.order_by("pk").values_list("pk", "state", "party_id", "updated_at")),
        "task_events": TaskEvent.objects.count(),
        "submissions": list(Submission.objects.order_by("pk").values_list("pk", "revision", "updated_at")),
        "versions": list(SubmissionVersion.objects.order_by("pk").values_list("pk", "review")),
        "attachments": list(Attachment.objects.order_by("pk").values_list("pk", "removed_at")),
        "contributions": list(Contribution.objects.order_by("pk").values_list("pk", "text", "updated_at")),
        "contribution_files": ContributionFile.objects.count(),
        "consolidated": list(
            ConsolidatedReport.objects.order_by("pk").values_list("pk", "state", "assessment", "updated_at")
        ),
        "generated_files": GeneratedFile.objects.count(),
        "import_jobs": list(ImportJob.objects.order_by("pk").values_list("pk", "status")),
        "matters": list(Matter.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "matter_events": MatterEvent.objects.count(),
        "reorganisations": Reorganisation.objects.count(),
        "notifications": Notification.objects.count(),
        "parties": list(
            Party.objects.order_by("pk").values_list("pk", "path", "name", "valid_to", "successor_id", "parent_id")
        ),
        "memberships": Membership.objects.count(),
        "regulations": list(Regulation.objects.order_by("pk").values_list("pk", "title", "note")),
        "documents": list(Document.objects.order_by("pk").values_list("pk", "subject", "number_symbol")),
        "document_items": list(DocumentItem.objects.order_by("pk").values_list("pk", "text")),
        "meetings": list(Meeting.objects.order_by("pk").values_list("pk", "title", "results")),
        "conclusions": list(Conclusion.objects.order_by("pk").values_list("pk", "number", "text")),
        "source_events": SourceEvent.objects.count(),
        "obligations": Obligation.objects.count(),
    }


# --- the scene: one object for each right, in Quảng Ngãi ---------------------------------------------


@dataclass
class Scene:
    draft: Task  # HND's 2025 report, a draft with one file: the report right
    attachment: Attachment
    submitted: Task  # HLHPN's 2026 report, waiting for review: the review right
    consolidated: ConsolidatedReport  # the province's 2025 roll-up, a draft: the compile right
    matter: Matter  # raised by HND about its report, open: answer, forward, close
    province: Party
    document: Document
    meeting: Meeting
    import_job: ImportJob  # vanphong's parties file into the province, previewed: confirm it


@pytest.fixture
def scene(demo, users) -> Scene:
    draft = Task.objects.select_related("party", "obligation").get(party__code="qn-hnd", period__year=2025)
    services.submission_save_draft(task=draft, actor=users["hnd"], sections=SECTIONS, figures={}, expected_revision=0)
    attachment = services.attachment_add(
        task=draft, actor=users["hnd"], upload=pdf_upload(), kind=Attachment.Kind.SIGNED_SCAN
    )
    # The demo's other 2025 reports are accepted already: HLHPN gets next year's, of the same obligation.
    due = datetime.date(2026, 12, 14)
    submitted = Task.objects.create(
        obligation=draft.obligation,
        party=demo["qn-hlhpn"],
        period=services.period_get_or_create(kind=Period.Kind.YEAR, year=2026),
        nominal_due_date=due,
        due_date=due,
        deadline=end_of_day(due),
    )
    _submit(submitted, users["hlhpn"])
    consolidated = report_services.consolidated_report_create(
        jurisdiction=demo["qn-ubnd"], period=draft.period, actor=users["sonoivu"]
    )
    matter = matter_services.matter_raise(
        actor=users["hnd"], party=draft.party, subject="Vướng mắc số liệu", body="Xin hướng dẫn.", task=draft
    )
    for task in (draft, submitted):
        task.refresh_from_db()
    return Scene(
        draft=draft,
        attachment=attachment,
        submitted=submitted,
        consolidated=consolidated,
        matter=matter,
        province=demo["qn-ubnd"],
        document=Document.objects.get(number_symbol="106/UBND-KGVX"),
        meeting=Meeting.objects.get(),
        import_job=ImportJob.objects.create(
            requested_by=users["vanphong"],
            jurisdiction=demo["qn-ubnd"],
            what=ImportJob.What.PARTIES,
            filename="don-vi.csv",
            status=ImportJob.Status.PREVIEWED,
            total_rows=1,
            preview={"ok": True, "counts": {"new": 1}, "errors": [], "preview": [], "headers": []},
        ),
    )


NEW_PARTY_CSV = (
    "code,name,short_name,kind,level,parent,is_jurisdiction\n"
    "qn-doan,Tỉnh đoàn Quảng Ngãi,Tỉnh đoàn,socio_political,province,qn-ubnd,0\n"
).encode()


@dataclass(frozen=True)
class Act:
    """A call of a service as some actor; `refused` lack the right, `allowed` holds it."""

    call: Callable[[Scene, object], object]
    refused: tuple[str | None, ...]
    allowed: str


# Everyone but the party's own staff; everyone but the focal agency that follows the party up; and so on.
NOT_REPORTERS = ("lanhdao", "sonoivu", "vanphong", "mttq", "tanyen", "noivu_tanyen", "outsider", None)
NOT_REVIEWERS = ("lanhdao", "vanphong", "hlhpn", "hnd", "mttq", "tanyen", "noivu_tanyen", "outsider", None)
NOT_COMPILERS = ("lanhdao", "vanphong", "hnd", "mttq", "tanyen", "noivu_tanyen", "outsider", None)
NOT_IMPORTERS = ("lanhdao", "sonoivu", "hnd", "mttq", "tanyen", "noivu_tanyen", "outsider", None)
NOT_ANSWERING = ("lanhdao", "vanphong", "hnd", "mttq", "tanyen", "noivu_tanyen", "outsider", None)
NOT_CLOSING = ("lanhdao", "vanphong", "mttq", "tanyen", "noivu_tanyen", "outsider", None)
# The sources of Quảng Ngãi (and Kon Tum) are written by its office; Tân Yên's by the district's.
NOT_WRITERS = ("lanhdao", "sonoivu", "hnd", "mttq", "tanyen", "noivu_tanyen", "outsider", None)
NOT_DISTRICT_WRITERS = ("lanhdao", "sonoivu", "vanphong", "hnd", "mttq", "noivu_tanyen", "outsider", None)


def _district():
    return Party.objects.get(code="ty-ubnd")


NEW_REGULATION = {"title": "Quy chế phối hợp thử", "term_start": 2026, "term_end": 2030, "status": "draft"}
NEW_DOCUMENT = {"kind": "plan", "place": "Quảng Ngãi", "subject": "Triển khai quy chế phối hợp năm 2026"}
NEW_MEETING = {"kind": "briefing", "title": "Giao ban quý I", "held_on": datetime.date(2026, 3, 30)}

STATE_SERVICES: dict[str, Act] = {
    "submission_save_draft": Act(
        lambda s, actor: services.submission_save_draft(
            task=s.draft, actor=actor, sections=SECTIONS, figures=FIGURES, expected_revision=1
        ),
        NOT_REPORTERS,
        "hnd",
    ),
    "attachment_add": Act(
        lambda s, actor: services.attachment_add(
            task=s.draft, actor=actor, upload=pdf_upload(), kind=Attachment.Kind.SIGNED_SCAN
        ),
        NOT_REPORTERS,
        "hnd",
    ),
    "attachment_remove": Act(
        lambda s, actor: services.attachment_remove(attachment=s.attachment, actor=actor), NOT_REPORTERS, "hnd"
    ),
    "submission_submit": Act(
        lambda s, actor: services.submission_submit(task=s.draft, actor=actor, expected_revision=1),
        NOT_REPORTERS,
        "hnd",
    ),
    "submission_accept": Act(
        lambda s, actor: services.submission_accept(task=s.submitted, actor=actor), NOT_REVIEWERS, "sonoivu"
    ),
    "submission_return": Act(
        lambda s, actor: services.submission_return(task=s.submitted, actor=actor, comment="Bổ sung số liệu."),
        NOT_REVIEWERS,
        "sonoivu",
    ),
    "task_excuse": Act(
        lambda s, actor: services.task_excuse(task=s.submitted, actor=actor, reason="Sáp nhập đơn vị."),
        NOT_REVIEWERS,
        "sonoivu",
    ),
    "consolidated_report_create": Act(
        lambda s, actor: report_services.consolidated_report_create(
            jurisdiction=s.province, period=s.draft.period, actor=actor
        ),
        NOT_COMPILERS,
        "sonoivu",
    ),
    "consolidated_report_update": Act(
        lambda s, actor: report_services.consolidated_report_update(
            report=s.consolidated, actor=actor, data={"assessment": "Cơ bản hoàn thành."}
        ),
        NOT_COMPILERS,
        "sonoivu",
    ),
    "consolidated_report_finalise": Act(
        lambda s, actor: report_services.consolidated_report_finalise(report=s.consolidated, actor=actor),
        NOT_COMPILERS,
        "sonoivu",
    ),
    "consolidated_report_reopen": Act(
        lambda s, actor: report_services.consolidated_report_reopen(report=s.consolidated, actor=actor),
        NOT_COMPILERS,
        "sonoivu",
    ),
    "consolidated_report_submit": Act(
        lambda s, actor: report_services.consolidated_report_submit(report=s.consolidated, actor=actor),
        NOT_COMPILERS,
        "sonoivu",
    ),
    "run_import": Act(
        lambda s, actor: run_import(
            what="parties",
            dataset=load_dataset(NEW_PARTY_CSV, "don-vi.csv"),
            dry_run=False,
            actor=actor,
            jurisdiction=s.province,
        ),
        NOT_IMPORTERS,
        "vanphong",
    ),
    "import_job_create": Act(
        lambda s, actor: import_jobs.import_job_create(
            actor=actor, jurisdiction=s.province, what="parties", filename="don-vi.csv", content=NEW_PARTY_CSV
        ),
        NOT_IMPORTERS,
        "vanphong",
    ),
    "import_job_confirm": Act(
        lambda s, actor: import_jobs.import_job_confirm(actor=actor, job=s.import_job),
        NOT_IMPORTERS,
        "vanphong",
    ),
    "matter_raise": Act(
        lambda s, actor: matter_services.matter_raise(
            actor=actor, party=s.draft.party, subject="Đề nghị", body="Gia hạn nộp báo cáo.", task=s.draft
        ),
        NOT_REPORTERS,
        "hnd",
    ),
    "matter_answer": Act(
        lambda s, actor: matter_services.matter_answer(matter=s.matter, actor=actor, answer="Tính theo hướng dẫn."),
        NOT_ANSWERING,
        "sonoivu",
    ),
    "matter_forward": Act(
        lambda s, actor: matter_services.matter_forward(matter=s.matter, actor=actor, message="Đề nghị chỉ đạo."),
        NOT_ANSWERING,
        "sonoivu",
    ),
    "reorganisation_record": Act(
        lambda s, actor: reorganisations.reorganisation_record(
            actor=actor,
            plan=reorganisations.Plan(
                kind=Reorganisation.Kind.RENAME,
                number_symbol="1/QĐ-UBND",
                decided_on=datetime.date(2030, 1, 1),
                effective_on=datetime.date(2030, 2, 1),
                sources=[Party.objects.get(code="qn-hnd")],
                new_name="Hội Nông dân Việt Nam tỉnh Quảng Ngãi",
            ),
        ),
        NOT_WRITERS,
        "vanphong",
    ),
    "regulation_create": Act(
        lambda s, actor: source_services.regulation_create(
            actor=actor, data={**NEW_REGULATION, "issuer": s.province}, signatories=[s.province]
        ),
        NOT_WRITERS,
        "vanphong",
    ),
    "regulation_update": Act(
        lambda s, actor: source_services.regulation_update(
            actor=actor,
            regulation=Regulation.objects.get(number_symbol="4861/QCPH-UBND-HND"),
            data={"note": "Đã hết giai đoạn."},
        ),
        NOT_WRITERS,
        "vanphong",
    ),
    "document_create": Act(
        lambda s, actor: source_services.document_create(
            actor=actor,
            data={**NEW_DOCUMENT, "issuer": s.province},
            items=[source_services.Row(values={"label": "1", "text": "Các sở xây dựng kế hoạch."})],
        ),
        NOT_WRITERS,
        "vanphong",
    ),
    "document_update": Act(
        lambda s, actor: source_services.document_update(
            actor=actor, document=s.document, data={"place": "Kon Tum."}, reason="Đính chính địa danh."
        ),
        NOT_WRITERS,
        "vanphong",
    ),
    "meeting_create": Act(
        lambda s, actor: source_services.meeting_create(
            actor=actor,
            data={**NEW_MEETING, "host": _district()},
            conclusions=[source_services.Row(values={"text": "Các tổ chức báo cáo trước ngày 15/12."})],
        ),
        NOT_DISTRICT_WRITERS,
        "tanyen",
    ),
    "meeting_update": Act(
        lambda s, actor: source_services.meeting_update(
            actor=actor, meeting=s.meeting, data={"place": "Hội trường UBND huyện"}, reason="Bổ sung địa điểm."
        ),
        NOT_DISTRICT_WRITERS,
        "tanyen",
    ),
    "matter_close": Act(
        lambda s, actor: matter_services.matter_close(matter=s.matter, actor=actor), NOT_CLOSING, "hnd"
    ),
}


def _attempts(act: Act, scene: Scene, users) -> list[str]:
    """Call as each actor without the right; what came back other than a refusal, one line per actor."""
    leaks = []
    for who in act.refused:
        try:
            act.call(scene, users[who] if who else None)
        except PermissionDenied as refusal:
            if not str(refusal).startswith(REFUSAL):
                leaks.append(f"{who}: refused without saying why ({refusal})")
        except Exception as error:  # refused by something else (a state check): the right was never asked
            leaks.append(f"{who}: {type(error).__name__} {error}")
        else:
            leaks.append(f"{who}: allowed")
    return leaks


@pytest.mark.parametrize("service", STATE_SERVICES)
def test_every_service_refuses_an_actor_without_the_right_and_writes_nothing(scene, users, service):
    before = _everything()
    assert _attempts(STATE_SERVICES[service], scene, users) == []
    assert _everything() == before


@pytest.mark.parametrize("service", STATE_SERVICES)
def test_the_same_call_goes_through_for_an_actor_with_the_right(scene, users, service):
    """The refusals above come from the right, not from a call that could not work anyway."""
    act = STATE_SERVICES[service]
    try:
        act.call(scene, users[act.allowed])
    except PermissionDenied:
        pytest.fail(f"{act.allowed} holds the right but was refused")
    except (
        services.SubmissionError,
        report_services.ReportError,
        matter_services.MatterError,
        import_jobs.ImportJobError,
    ):
        pass  # past the right, stopped by the object's state (reopening a draft): that is not a refusal


@pytest.mark.parametrize("service", STATE_SERVICES)
def test_a_leader_can_change_nothing_through_the_services(scene, users, service):
    assert "lanhdao" in STATE_SERVICES[service].refused
    before = _everything()
    with pytest.raises(PermissionDenied, match=REFUSAL):
        STATE_SERVICES[service].call(scene, users["lanhdao"])
    assert _everything() == before


def test_a_matter_cannot_be_raised_about_an_obligation_its_actor_cannot_see(scene, users, demo):
    obligation = scene.draft.obligation
    with pytest.raises(Http404):
        selectors.get_obligation_for_user(users["tanyen"], obligation.pk)
    before = _everything()
    with pytest.raises(PermissionDenied, match=REFUSAL):  # on behalf of its own party, about Quảng Ngãi's duty
        matter_services.matter_raise(
            actor=users["tanyen"], party=demo["ty-ubnd"], subject="X", body="Y", obligation=obligation
        )
    assert _everything() == before


# --- generated files: a request is a read, refused to whoever cannot read the object -------------------

FILE_REQUESTS: dict[str, Act] = {
    "consolidated_pdf": Act(
        lambda s, actor: report_services.generated_file_request(
            kind=GeneratedFile.Kind.CONSOLIDATED_PDF, actor=actor, object_id=s.consolidated.pk
        ),
        ("hnd", "mttq", "tanyen", "noivu_tanyen", "outsider", None),
        "lanhdao",
    ),
    "document_pdf": Act(
        lambda s, actor: report_services.generated_file_request(
            kind=GeneratedFile.Kind.DOCUMENT_PDF, actor=actor, object_id=s.document.pk
        ),
        ("noivu_tanyen", "outsider", None),
        "lanhdao",
    ),
    "meeting_pdf": Act(
        lambda s, actor: report_services.generated_file_request(
            kind=GeneratedFile.Kind.MEETING_PDF, actor=actor, object_id=s.meeting.pk
        ),
        ("lanhdao", "hnd", "sonoivu", "vanphong", "outsider", None),
        "noivu_tanyen",
    ),
    "consolidated_export": Act(
        lambda s, actor: report_services.generated_file_request(
            kind=GeneratedFile.Kind.EXPORT,
            actor=actor,
            params={"what": "consolidated", "report": s.consolidated.pk, "format": "csv"},
        ),
        ("hnd", "mttq", "outsider", None),
        "lanhdao",
    ),
    "submissions_export": Act(
        lambda s, actor: report_services.generated_file_request(
            kind=GeneratedFile.Kind.EXPORT, actor=actor, params={"what": "submissions", "format": "csv"}
        ),
        ("hnd", "mttq", "outsider", None),
        "lanhdao",
    ),
}


@pytest.mark.parametrize("request_kind", FILE_REQUESTS)
def test_a_file_is_queued_only_for_an_actor_who_may_read_what_it_shows(scene, users, request_kind):
    act = FILE_REQUESTS[request_kind]
    before = GeneratedFile.objects.count()
    assert _attempts(act, scene, users) == []
    assert GeneratedFile.objects.count() == before
    act.call(scene, users[act.allowed])  # the leader reads, and a PDF of what they read is reading
    assert GeneratedFile.objects.count() == before + 1


# --- the getters: 404 unseen, 403 seen without the right -----------------------------------------------


def _forwarded(scene, users) -> Matter:
    """The scene's matter, once forwarded to the People's Committee (forwarded on the first call)."""
    scene.matter.refresh_from_db()
    if scene.matter.status == Matter.Status.OPEN:
        matter_services.matter_forward(matter=scene.matter, actor=users["sonoivu"])
    return scene.matter


@dataclass(frozen=True)
class Fetch:
    get: Callable[[Scene, dict, object], object]  # (scene, users, user) -> the object
    unseen: str  # cannot see it: 404
    without: str  # sees it, lacks the right: 403
    holder: str  # holds the right: the object


GETTERS: dict[str, Fetch] = {
    "task, report": Fetch(
        lambda s, u, user: selectors.get_task_for_user(user, s.draft.pk, right=Right.REPORT),
        "tanyen",
        "lanhdao",
        "hnd",
    ),
    "task, review": Fetch(
        lambda s, u, user: selectors.get_task_for_user(user, s.submitted.pk, right=Right.REVIEW),
        "noivu_tanyen",
        "hlhpn",  # its own report
        "sonoivu",
    ),
    "attachment, report": Fetch(
        lambda s, u, user: selectors.get_attachment_for_user(user, s.attachment.pk, right=Right.REPORT),
        "mttq",
        "sonoivu",
        "hnd",
    ),
    "consolidated report, compile": Fetch(
        lambda s, u, user: report_selectors.get_consolidated_for_user(user, s.consolidated.pk, right=Right.COMPILE),
        "hnd",
        "vanphong",
        "sonoivu",
    ),
    "jurisdiction, compile": Fetch(
        lambda s, u, user: report_selectors.get_jurisdiction_for_user(user, s.province.pk, right=Right.COMPILE),
        "noivu_tanyen",
        "lanhdao",
        "sonoivu",
    ),
    "jurisdiction, import": Fetch(
        lambda s, u, user: report_selectors.get_jurisdiction_for_user(user, s.province.pk, right=Right.IMPORT),
        "tanyen",
        "sonoivu",
        "vanphong",
    ),
    "matter, answer": Fetch(
        lambda s, u, user: matter_selectors.get_matter_for_user(user, s.matter.pk, right=Right.ANSWER),
        "mttq",
        "hnd",
        "sonoivu",
    ),
    "matter, forward": Fetch(
        lambda s, u, user: matter_selectors.get_matter_for_user(user, s.matter.pk, right=Right.FORWARD),
        "mttq",
        "hnd",
        "sonoivu",
    ),
    "forwarded matter, close": Fetch(
        lambda s, u, user: matter_selectors.get_matter_for_user(user, _forwarded(s, u).pk, right=Right.CLOSE),
        "tanyen",
        "lanhdao",  # the People's Committee's leader sees it once forwarded, and only reads
        "hnd",
    ),
    "task to raise a matter about": Fetch(
        lambda s, u, user: matter_selectors.matter_target(user, task_pk=s.draft.pk)[0],
        "mttq",
        "lanhdao",
        "hnd",
    ),
}


@pytest.mark.parametrize("case", GETTERS)
def test_a_getter_gives_404_outside_the_scope_and_403_without_the_right(scene, users, case):
    fetch = GETTERS[case]
    with pytest.raises(Http404):
        fetch.get(scene, users, users[fetch.unseen])
    with pytest.raises(PermissionDenied, match=REFUSAL):
        fetch.get(scene, users, users[fetch.without])
    assert fetch.get(scene, users, users[fetch.holder]) is not None


def test_a_consolidated_report_is_read_by_the_oversight_roles_only(scene, users, make_user):
    """A reporter of the People's Committee itself sees the report's jurisdiction (it is their own party) but
    the roll-up is for the oversight roles: 403, where an outsider gets 404."""
    reporter = make_user("baocao_ubnd", (scene.province, Membership.Role.REPORTER))
    with pytest.raises(Http404):
        report_selectors.get_consolidated_for_user(users["outsider"], scene.consolidated.pk)
    with pytest.raises(PermissionDenied, match=REFUSAL):
        report_selectors.get_consolidated_for_user(reporter, scene.consolidated.pk)
    assert report_selectors.get_consolidated_for_user(users["lanhdao"], scene.consolidated.pk) == scene.consolidated


# --- a focal agency does not accept its own report ----------------------------------------------------

ROLLUP = "Theo dõi, tổng hợp, báo cáo UBND tỉnh"


@pytest.fixture
def own_agency_report(demo, make_user):
    """Sở Nội vụ Quảng Ngãi's own 2025 roll-up, submitted by a reporter account of Sở Nội vụ itself."""
    reporter = make_user("baocao_sonoivu", (demo["qn-snv"], Membership.Role.REPORTER))
    task = Task.objects.get(party=demo["qn-snv"], period__year=2025, obligation__title__startswith=ROLLUP)
    draft = services.submission_save_draft(
        task=task, actor=reporter, sections=SECTIONS, figures={}, expected_revision=0
    )
    services.attachment_add(task=task, actor=reporter, upload=pdf_upload(), kind=Attachment.Kind.SIGNED_SCAN)
    services.submission_submit(task=task, actor=reporter, expected_revision=draft.revision)
    task.refresh_from_db()
    assert task.state == Task.State.SUBMITTED
    return task, reporter


def _refused_everywhere(task, actor, client) -> None:
    """The services refuse the actor, the pages answer 403 (the task is theirs to see), nothing changes."""
    before = _everything()
    for review in (
        lambda: services.submission_accept(task=task, actor=actor),
        lambda: services.submission_return(task=task, actor=actor, comment="Sửa lại."),
        lambda: services.task_excuse(task=task, actor=actor, reason="Tự miễn."),
    ):
        with pytest.raises(PermissionDenied, match=REFUSAL):
            review()
    client.force_login(actor)
    for decision in ("accept", "return"):
        response = client.post(
            reverse("obligations:task_review", args=[task.pk]), {"decision": decision, "comment": "Sửa lại."}
        )
        assert response.status_code == 403
    assert client.post(reverse("obligations:task_excuse", args=[task.pk]), {"reason": "Tự miễn."}).status_code == 403
    assert _everything() == before
    task.refresh_from_db()
    assert task.state == Task.State.SUBMITTED


def test_a_focal_agencys_own_report_cannot_be_accepted_by_its_reporter_account(own_agency_report, client):
    task, reporter = own_agency_report
    _refused_everywhere(task, reporter, client)


def test_nor_by_that_account_when_it_also_works_for_the_focal_agency(own_agency_report, client):
    task, reporter = own_agency_report
    reporter.memberships.create(party=task.party, role=Membership.Role.FOCAL)
    _refused_everywhere(task, reporter, client)


def test_nor_by_the_focal_agencys_reviewers(own_agency_report, users, client):
    task, _reporter = own_agency_report
    _refused_everywhere(task, users["sonoivu"], client)


# --- a leader changes nothing through the pages -----------------------------------------------------

# What a leader may post: their own session, language, password, inbox and calendar address, and asking for a
# PDF of what they read. Everything else of the permission table is posted, and must be refused.
PERSONAL_OR_READING = {
    "login",
    "logout",
    "set_language",
    "password_change",
    "notifications:open",
    "notifications:read",
    "notifications:read_all",
    "notifications:preferences",
    "reports:calendar_settings",
    "reports:document_pdf",
    "reports:meeting_pdf",
    "reports:file_retry",
}
# The URLs that take a POST at all (the others answer 405): a new one must be added here, and is then posted.
TAKES_POST = {
    "regulations:regulation_create",
    "regulations:regulation_edit",
    "regulations:document_create",
    "regulations:document_edit",
    "regulations:meeting_create",
    "regulations:meeting_edit",
    "obligations:task_report",
    "obligations:task_review",
    "obligations:task_excuse",
    "obligations:attachment_remove",
    "obligations:obligation_new",
    "obligations:obligation_edit",
    "obligations:intake",
    "obligations:intake_confirm",
    "obligations:reorganisation_new",
    "obligations:reorganisation_undo",
    "obligations:task_contribute",
    "reports:consolidated_list",
    "reports:consolidated_detail",
    "reports:consolidated_action",
    "reports:import",
    "reports:import_job_confirm",
    "matters:matter_raise",
    "matters:matter_answer",
    "matters:matter_forward",
    "matters:matter_close",
}


def _leader_posts(w) -> list[tuple[str, str, dict]]:
    """Each URL of the permission table with data that would change something for a user with the right."""
    province = Party.objects.get(code="qn-ubnd")
    report = w.extra["consolidated"]
    data = {
        "obligations:task_report": {**SECTIONS, "revision": "2", "action": "submit"},
        "reports:consolidated_list": {"jurisdiction": province.pk, "period": w.task.period_id},
        "reports:consolidated_detail": {"assessment": "Sửa đánh giá."},
        "reports:import": {
            "jurisdiction": province.pk,
            "what": "parties",
            "file": SimpleUploadedFile("don-vi.csv", NEW_PARTY_CSV, content_type="text/csv"),
        },
        "matters:matter_raise": {"task": w.task.pk, "party": w.task.party_id, "subject": "X", "body": "Y"},
        "matters:matter_answer": {"answer": "Đồng ý."},
    }
    posts = [(name, rule.url(w), data.get(name) or rule.data(w)) for name, rule in RULES.items()]
    posts += [
        ("obligations:task_review", reverse("obligations:task_review", args=[w.task.pk]), {"decision": "return"}),
        ("reports:consolidated_action", reverse("reports:consolidated_action", args=[report.pk, "submit"]), {}),
        ("reports:consolidated_action", reverse("reports:consolidated_action", args=[report.pk, "reopen"]), {}),
    ]
    return [(name, url, payload) for name, url, payload in posts if name not in PERSONAL_OR_READING]


def test_a_leader_can_change_nothing_through_the_pages(world, users, client):  # noqa: F811  (the fixture)
    assert set(RULES) == set(url_names())  # every URL of the project, through the permission table
    client.force_login(users["lanhdao"])
    before = _everything()
    answers: dict[str, set[int]] = {}
    for name, url, data in _leader_posts(world):
        status = client.post(url, data).status_code
        assert status in (403, 404, 405), (name, status)
        answers.setdefault(name, set()).add(status)
    assert {name for name, codes in answers.items() if codes != {405}} == TAKES_POST
    assert _everything() == before
