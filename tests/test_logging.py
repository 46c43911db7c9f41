"""A refused request is one log line; a server error keeps its traceback (issue 13, item 11)."""

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.utils.log import log_response

from config.logging import JsonFormatter


def _log(caplog, exception, status):
    request = RequestFactory().get("/obligations/123/")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        log_response(
            "%s: %s",
            "Refused",
            request.path,
            response=type("R", (), {"status_code": status})(),
            request=request,
            exception=exception,
        )
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    return record


@pytest.mark.parametrize(("exception", "status"), [(PermissionDenied(), 403), (Http404("Không có"), 404)])
def test_a_refusal_is_one_line_without_a_traceback(caplog, exception, status):
    try:
        raise exception
    except type(exception) as raised:
        record = _log(caplog, raised, status)
    assert record.exc_info is None
    assert "\n" not in JsonFormatter().format(record)
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback(caplog):
    try:
        raise RuntimeError("hỏng")
    except RuntimeError as raised:
        record = _log(caplog, raised, 500)
    assert record.exc_info is not None
    assert "RuntimeError" in JsonFormatter().format(record)


def test_a_real_403_page_is_logged_on_one_line(client, users, caplog):
    client.force_login(users["hnd"])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/reports/import/")
    assert response.status_code in (403, 404)
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(r.exc_info is None for r in records)
    assert "Traceback" not in caplog.text
