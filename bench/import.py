"""Benchmark: a large spreadsheet import no longer holds a web request. Prints figures; not a test.

    python bench/import.py [--rows 20000] [--refused 50000]

On PostgreSQL (PHOIHOP_BENCH_IMPORT_DB, default postgres://postgres@127.0.0.1:5432/phoihop_bench_import), as a
province office through Django's test client: the upload of a `--refused`-row parties CSV (refused at once by
IMPORT_MAX_ROWS), the upload of a `--rows`-row one (checked and queued), then the worker's preview and the
worker's import of it, called as the worker calls them. Last line:
`RESULT upload_ms=… refused_ms=… preview_s=… import_s=… rows=…`.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard import create_province, setup_django

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/phoihop_bench_import"
HEADERS = ["code", "name", "short_name", "kind", "level", "parent", "is_jurisdiction"]


def parties_csv(tag: str, root_code: str, rows: int) -> bytes:
    lines = [",".join(HEADERS)]
    lines += [
        f"{tag}-{n},Chi hội thử nghiệm số {n} thuộc tỉnh,CH{n},socio_political,commune,{root_code},0"
        for n in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--refused", type=int, default=50_000)
    args = parser.parse_args()
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "0")  # the worker's steps are timed apart, below
    setup_django(os.environ.get("PHOIHOP_BENCH_IMPORT_DB", DEFAULT_DB))

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from regulations.models import Membership
    from reports import import_jobs, tasks
    from reports.models import ImportJob

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    tag = f"b{int(time.time())}"
    root, _focal = create_province(tag, f"Nhập {tag}")
    office = get_user_model().objects.create_user(f"{tag}-office", password="x")
    Membership.objects.create(user=office, party=root, role=Membership.Role.OFFICE)
    client = Client()
    client.force_login(office)

    def post(rows: int) -> tuple[float, object]:
        content = parties_csv(f"{tag}-{rows}", root.code, rows)
        upload = SimpleUploadedFile("don-vi.csv", content, content_type="text/csv")
        started = time.perf_counter()
        response = client.post(reverse("reports:import"), {"jurisdiction": root.pk, "what": "parties", "file": upload})
        elapsed = (time.perf_counter() - started) * 1000
        print(f"upload {rows:>6} rows ({len(content) / 1e6:.1f} MB): HTTP {response.status_code} in {elapsed:.0f} ms")
        return elapsed, response

    refused_ms, response = post(args.refused)
    refused = "vượt giới hạn" in response.content.decode()
    print(f"  refused with the row-limit message: {refused}")
    upload_ms, response = post(args.rows)
    job = ImportJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])

    started = time.perf_counter()
    tasks.run_import_job(job.pk)
    preview_s = time.perf_counter() - started
    job.refresh_from_db()
    print(f"worker preview: {preview_s:.1f} s, {job.get_status_display()}, ok={job.preview.get('ok')}")
    import_jobs.import_job_confirm(actor=office, job=job)
    started = time.perf_counter()
    tasks.run_import_job(job.pk)
    import_s = time.perf_counter() - started
    job.refresh_from_db()
    print(f"worker import: {import_s:.1f} s, {job.get_status_display()}")
    print(
        f"RESULT upload_ms={upload_ms:.0f} refused_ms={refused_ms:.0f} preview_s={preview_s:.1f} "
        f"import_s={import_s:.1f} rows={args.rows}"
    )


if __name__ == "__main__":
    main()
