"""Production logs are one JSON object per line; development logs stay plain text."""

import json
import logging
import os
import subprocess
import sys

from config.logging import JsonFormatter

from ._config import ROOT

_EMIT = (
    "import logging, django; django.setup(); "
    "log = logging.getLogger('phoihop.audit'); "
    "log.info('đăng nhập %s', 'admin', extra={'ip': '192.0.2.1'}); "
    "log.debug('hidden at INFO')\n"
    "try:\n    1 / 0\nexcept ZeroDivisionError:\n    log.exception('lỗi')"
)


def _run(var_dir, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "LOG_LEVEL"))}
    # Its own var/ folder: settings create the embedded broker's folders there.
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", PHOIHOP_VAR_DIR=str(var_dir), **env)
    return subprocess.run(
        [sys.executable, "-c", _EMIT], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_json_formatter_writes_one_line_with_extras_and_traceback():
    try:
        raise ValueError("xấu\ndòng hai")
    except ValueError:
        record = logging.getLogger("phoihop.test").makeRecord(
            "phoihop.test", logging.ERROR, __file__, 1, "hỏng %s", ("x",), sys.exc_info(), extra={"user": object()}
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "phoihop.test"
    assert entry["message"] == "hỏng x"
    assert entry["user"].startswith("<object object")
    assert "ValueError: xấu" in entry["exc_info"]
    assert entry["time"].endswith("+00:00")


def test_production_logs_json_lines_at_log_level(tmp_path):
    result = _run(
        tmp_path,
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="s" * 50,
        DJANGO_ALLOWED_HOSTS="phoihop.example",
        EMAIL_URL="consolemail://",
        LOG_LEVEL="info",
    )
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in result.stderr.splitlines()]  # every line is JSON
    audit = [entry for entry in entries if entry["logger"] == "phoihop.audit"]
    assert [entry["message"] for entry in audit] == ["đăng nhập admin", "lỗi"]
    assert audit[0]["ip"] == "192.0.2.1"
    assert "ZeroDivisionError" in audit[1]["exc_info"]


def test_development_logs_plain_text_and_log_level_debug_shows_debug(tmp_path):
    result = _run(tmp_path, DJANGO_ENV="development", LOG_LEVEL="DEBUG")
    assert result.returncode == 0, result.stderr
    assert "INFO phoihop.audit đăng nhập admin" in result.stderr
    assert "DEBUG phoihop.audit hidden at INFO" in result.stderr
    assert not result.stderr.lstrip().startswith("{")
