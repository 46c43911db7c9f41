"""The demo's invented history has invented reports behind it, and every page that shows them says so."""

import pytest
from django.urls import reverse

from demo.seed import INVENTED_COMPLETIONS, _at
from obligations.models import Submission, SubmissionVersion, Task, TaskEvent

pytestmark = pytest.mark.django_db


def _invented_tasks():
    """The organisations' reports the invented history completes."""
    for (key, code, year), day in INVENTED_COMPLETIONS.items():
        if key == "report":
            yield Task.objects.get(party__code=code, period__year=year, completed_at=_at(day))


def test_every_invented_completion_has_an_accepted_invented_report(demo):
    tasks = list(_invented_tasks())
    assert len(tasks) == 24
    for task in tasks:
        assert task.state == Task.State.DONE
        version = SubmissionVersion.objects.select_related("submission").get(submission__task=task)
        assert version.review == SubmissionVersion.Review.ACCEPTED
        assert version.submission.is_illustrative
        # Submitted when the invented history says the task was done: the on-time flag still holds.
        assert version.submitted_at == task.completed_at
        assert version.sections["results"].strip()
        actions = list(TaskEvent.objects.filter(task=task).values_list("action", flat=True))
        assert actions == [TaskEvent.Action.SUBMITTED, TaskEvent.Action.ACCEPTED]
    assert not Submission.objects.filter(is_illustrative=False).exists()  # the demo invents nothing else


def test_the_reports_of_2025_are_short_vietnamese_texts_with_figures(demo):
    version = SubmissionVersion.objects.get(
        submission__task__party__code="qn-mttq", submission__task__period__year=2025
    )
    assert version.sections["results"].startswith("Năm 2025, phối hợp")
    assert set(version.figures) == {"joint_activities", "plans_signed", "supervision_sessions"}
    assert all(int(value) > 0 for value in version.figures.values())


def test_the_task_and_version_pages_mark_an_invented_report(client, users):
    task = Task.objects.get(party__code="qn-hccb", period__year=2025, obligation__deliverable="report")
    client.force_login(users["hccb"])
    page = client.get(task.get_absolute_url()).content.decode()
    assert "Dữ liệu minh họa" in page
    assert "Nộp báo cáo lần 1 (dữ liệu minh họa)." in page  # the trail says so too
    version_page = client.get(reverse("obligations:version_detail", args=[task.pk, 1])).content.decode()
    assert "Dữ liệu minh họa" in version_page


def test_a_real_report_is_not_marked(client, users):
    task = Task.objects.get(party__code="qn-hccb", period__year=2025, obligation__deliverable="report")
    Submission.objects.filter(task=task).update(is_illustrative=False)
    client.force_login(users["hccb"])
    assert "Dữ liệu minh họa" not in client.get(task.get_absolute_url()).content.decode()
