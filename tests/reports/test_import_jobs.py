"""Imports run in the worker: the upload only checks the file (a row limit with a clear message), the
preview and the import are jobs the page follows, a double confirmation imports once, and the import right
is asked again by the worker."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outbox.models import OutboxMessage
from regulations.models import Membership, Party
from reports import import_jobs, tasks
from reports.models import ImportJob
from tests.reports.test_calendar_and_imports import PARTY_HEADERS


def parties_csv(rows: int, *, name: str = "Tổ chức thử") -> bytes:
    lines = [",".join(PARTY_HEADERS)]
    lines += [f"to-{n},{name} {n},TC{n},socio_political,province,root,0" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_a_file_over_the_row_limit_is_refused_at_upload_with_its_count(client, world, office, settings):
    settings.IMPORT_MAX_ROWS = 20_000
    client.force_login(office)
    from django.core.files.uploadedfile import SimpleUploadedFile

    # Real names: 50,000 rows are over 5 MB, and still get the rows message, not the size one.
    content = parties_csv(50_000, name="Hội Liên hiệp Phụ nữ xã thử nghiệm của tỉnh")
    assert len(content) > 5 * 1024 * 1024
    upload = SimpleUploadedFile("don-vi.csv", content, content_type="text/csv")
    response = client.post(
        reverse("reports:import"), {"jurisdiction": world["root"].pk, "what": "parties", "file": upload}
    )
    assert response.status_code == 200
    assert "Tệp có 50.000 dòng, vượt giới hạn 20.000 dòng mỗi lần nhập; hãy chia nhỏ tệp." in response.content.decode()
    assert not ImportJob.objects.exists() and not OutboxMessage.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_the_limit_in_megabytes(client, world, office, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(office)
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = parties_csv(20_000, name="Hội Liên hiệp Phụ nữ xã thử nghiệm của tỉnh")
    assert len(content) > 1024 * 1024
    upload = SimpleUploadedFile("don-vi.csv", content, content_type="text/csv")
    response = client.post(
        reverse("reports:import"), {"jurisdiction": world["root"].pk, "what": "parties", "file": upload}
    )
    assert response.status_code == 200
    assert "Tệp quá lớn (tối đa 1 MB)." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_upload_queues_a_preview_and_saves_nothing_until_confirmed(
    world, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = import_jobs.import_job_create(
            actor=office, jurisdiction=world["root"], what="parties", filename="a.csv", content=parties_csv(3)
        )
    assert job.status == ImportJob.Status.PENDING and job.total_rows == 3 and len(callbacks) == 1
    assert OutboxMessage.objects.get().task == "reports.tasks.run_import_job"  # recorded with the job
    tasks.run_import_job(job.pk)  # the worker
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED and job.preview["ok"]
    assert not Party.objects.filter(code__startswith="to-").exists()


def test_two_confirmations_import_once(client, world, office, upload_as, confirm):
    client.force_login(office)
    from django.core.files.uploadedfile import SimpleUploadedFile

    job, _page = upload_as(world["root"], "parties", SimpleUploadedFile("a.csv", parties_csv(4), "text/csv"))
    assert job.status == ImportJob.Status.PREVIEWED
    assert confirm(job).status == ImportJob.Status.DONE
    confirm(job)  # the second click
    assert Party.objects.filter(code__startswith="to-").count() == 4
    assert OutboxMessage.objects.filter(task="reports.tasks.run_import_job").count() == 2  # preview, import


def test_the_worker_asks_the_import_right_again(world, office, django_capture_on_commit_callbacks):
    job = import_jobs.import_job_create(
        actor=office, jurisdiction=world["root"], what="parties", filename="a.csv", content=parties_csv(2)
    )
    tasks.run_import_job(job.pk)
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        import_jobs.import_job_confirm(actor=office, job=job)
    Membership.objects.filter(user=office).delete()  # the office lost its right before the worker ran
    tasks.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "không còn quyền" in job.error
    assert not Party.objects.filter(code__startswith="to-").exists()


def test_an_import_whose_worker_died_is_taken_back(world, office, settings):
    job = import_jobs.import_job_create(
        actor=office, jurisdiction=world["root"], what="parties", filename="a.csv", content=parties_csv(2)
    )
    tasks.run_import_job(job.pk)
    import_jobs.import_job_confirm(actor=office, job=job)
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_TIME_LIMIT + 120)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING, heartbeat_at=long_ago)
    tasks.run_import_job(job.pk)  # the redelivered message
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Party.objects.filter(code__startswith="to-").count() == 2


@pytest.mark.parametrize("who", ["other_office", "admin"])
def test_nobody_else_sees_or_confirms_a_job(client, world, office, make_user, admin_user, who):
    job = import_jobs.import_job_create(
        actor=office, jurisdiction=world["root"], what="parties", filename="a.csv", content=parties_csv(2)
    )
    tasks.run_import_job(job.pk)
    other = admin_user if who == "admin" else make_user("office_2", (world["root"], Membership.Role.OFFICE))
    client.force_login(other)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.post(reverse("reports:import_job_confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
