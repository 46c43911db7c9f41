"""A killed worker leaves no file unfinished: a file whose worker fell silent is taken back and made, given up
with a clear message after REPORT_MAX_ATTEMPTS, and its requester can run it again; a second click while the
same file is being made reuses it."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import timezone

from regulations.models import Document
from reports import services, tasks
from reports.models import GeneratedFile

EXPORT = {"what": "tasks", "format": "csv", "language": "vi"}


@pytest.fixture
def sonoivu(users):
    return users["sonoivu"]


def _killed_mid_render(generated: GeneratedFile, *, attempts: int, minutes: int = 10) -> GeneratedFile:
    """What a worker killed at 30 % leaves behind: running, and silent since."""
    then = timezone.now() - datetime.timedelta(minutes=minutes)
    GeneratedFile.objects.filter(pk=generated.pk).update(
        status=GeneratedFile.Status.RUNNING, progress=30, attempts=attempts, started_at=then, heartbeat_at=then
    )
    generated.refresh_from_db()
    return generated


def test_a_second_delivery_of_the_message_takes_back_a_file_whose_worker_died(sonoivu):
    generated = _killed_mid_render(
        services.generated_file_request(kind=GeneratedFile.Kind.EXPORT, actor=sonoivu, params=EXPORT), attempts=1
    )
    tasks.generate_file(generated.pk)
    generated.refresh_from_db()
    assert generated.status == GeneratedFile.Status.DONE and generated.attempts == 2
    assert generated.file.read().decode("utf-8-sig").startswith("Mã,Nhiệm vụ")


def test_a_file_whose_worker_is_alive_is_not_taken_twice(sonoivu):
    generated = services.generated_file_request(kind=GeneratedFile.Kind.EXPORT, actor=sonoivu, params=EXPORT)
    GeneratedFile.objects.filter(pk=generated.pk).update(
        status=GeneratedFile.Status.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    assert services.generated_file_claim(generated_id=generated.pk) is None
    tasks.generate_file(generated.pk)
    generated.refresh_from_db()
    assert generated.status == GeneratedFile.Status.RUNNING and generated.attempts == 1


def test_the_reclaim_pass_makes_a_stale_file_and_gives_up_after_the_last_attempt(
    client, sonoivu, settings, django_capture_on_commit_callbacks
):
    directive = Document.objects.get(number_symbol="106/UBND-KGVX")
    retried = _killed_mid_render(
        services.generated_file_request(kind=GeneratedFile.Kind.EXPORT, actor=sonoivu, params=EXPORT), attempts=1
    )
    hopeless = _killed_mid_render(
        services.generated_file_request(kind=GeneratedFile.Kind.DOCUMENT_PDF, actor=sonoivu, object_id=directive.pk),
        attempts=settings.REPORT_MAX_ATTEMPTS,
    )
    fresh = services.generated_file_request(
        kind=GeneratedFile.Kind.EXPORT, actor=sonoivu, params={**EXPORT, "format": "xlsx"}
    )
    client.force_login(sonoivu)
    assert "Đã dừng giữa chừng" in client.get(hopeless.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        counts = tasks.reclaim_stale_files()
    assert counts == {"requeued": 1, "failed": 1}  # the fresh request is nobody's to take back yet
    retried.refresh_from_db()
    hopeless.refresh_from_db()
    fresh.refresh_from_db()
    assert retried.status == GeneratedFile.Status.DONE
    assert hopeless.status == GeneratedFile.Status.FAILED and "Đã dừng giữa chừng" in hopeless.error
    assert fresh.status == GeneratedFile.Status.PENDING

    page = client.get(hopeless.get_absolute_url()).content.decode()
    assert "Thử lại" in page and "hx-trigger" not in page  # the page stops waiting
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:file_retry", args=[hopeless.pk]))
    assert response.status_code == 302 and response["Location"] == hopeless.get_absolute_url()
    hopeless.refresh_from_db()
    assert hopeless.status == GeneratedFile.Status.DONE and hopeless.file.read().startswith(b"%PDF")
    # A file that is done is not run again by a late click.
    client.post(reverse("reports:file_retry", args=[hopeless.pk]))
    hopeless.refresh_from_db()
    assert hopeless.attempts == 1


def test_a_pending_file_whose_message_was_lost_is_handed_over_again(sonoivu, django_capture_on_commit_callbacks):
    generated = services.generated_file_request(kind=GeneratedFile.Kind.EXPORT, actor=sonoivu, params=EXPORT)
    GeneratedFile.objects.filter(pk=generated.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reclaim_stale_files() == {"requeued": 1, "failed": 0}
    generated.refresh_from_db()
    assert generated.status == GeneratedFile.Status.DONE


def test_the_run_that_lost_its_claim_does_not_overwrite_the_newer_one(sonoivu):
    generated = services.generated_file_request(kind=GeneratedFile.Kind.EXPORT, actor=sonoivu, params=EXPORT)
    first = services.generated_file_claim(generated_id=generated.pk)
    _killed_mid_render(generated, attempts=1)
    second = services.generated_file_claim(generated_id=generated.pk)
    assert first is not None and second is not None and second.attempts == 2
    services.generated_file_store(generated=second, content=b"moi\n", filename="moi.csv")
    services.generated_file_store(generated=first, content=b"cu\n", filename="cu.csv")  # the dead one wakes up
    generated.refresh_from_db()
    assert generated.filename == "moi.csv" and generated.file.read() == b"moi\n"


def test_a_second_click_on_the_same_pdf_reuses_the_file_being_made(client, sonoivu):
    directive = Document.objects.get(number_symbol="106/UBND-KGVX")
    client.force_login(sonoivu)
    url = reverse("reports:document_pdf", args=[directive.pk])
    first, second = client.post(url), client.post(url)
    assert first["Location"] == second["Location"]
    assert GeneratedFile.objects.count() == 1
    # Once it is done, a new click makes a new file (the document may have changed).
    services.generated_file_store(generated=GeneratedFile.objects.get(), content=b"%PDF-1.7", filename="a.pdf")
    client.post(url)
    assert GeneratedFile.objects.count() == 2


def test_another_person_cannot_retry_my_file(client, users):
    generated = services.generated_file_request(kind=GeneratedFile.Kind.EXPORT, actor=users["sonoivu"], params=EXPORT)
    services.generated_file_fail(generated=generated, error="x")
    client.force_login(users["vanphong"])
    assert client.post(reverse("reports:file_retry", args=[generated.pk])).status_code == 404
    generated.refresh_from_db()
    assert generated.status == GeneratedFile.Status.FAILED


def test_a_stale_time_shorter_than_the_render_limit_is_a_configuration_error(db, settings):
    settings.REPORT_STALE_SECONDS = settings.REPORT_PDF_TIME_LIMIT
    with pytest.raises(SystemCheckError, match="REPORT_STALE_SECONDS"):
        call_command("check")
