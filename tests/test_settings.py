"""Production settings refuse to start half-configured, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="phoihop.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _manage("check", DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_refuses_to_start_without_a_mail_server():
    result = _manage("check", DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 60, DJANGO_ALLOWED_HOSTS="a.example")
    assert result.returncode != 0
    assert "EMAIL_URL" in result.stderr


def test_unknown_environment_name_is_refused():
    result = _manage("check", DJANGO_ENV="prod")
    assert result.returncode != 0
    assert "DJANGO_ENV" in result.stderr


def test_check_deploy_passes_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="k" * 20 + "-Zq9$w7!pT3rY8uX2#vB6nM1@lK4jH5gF0dS",
        DJANGO_ALLOWED_HOSTS="phoihop.example",
        EMAIL_URL="smtp+tls://mailer:secret@mail.phoihop.example:587",
    )
    assert result.returncode == 0, result.stdout + result.stderr
