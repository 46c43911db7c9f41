"""docker-compose.yml, the Dockerfile and .env.example describe a deployment that can work.

There is no Docker engine in CI: these tests read the files. The compose file is validated against the
Compose specification (check-jsonschema's built-in copy, no network), then its shape is checked.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ._config import (
    COMPOSE_ONLY_VARIABLES,
    ROOT,
    env_example_variables,
    load_yaml,
    settings_variables,
)

COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
APP_SERVICES = ("web", "worker", "beat")
SERVICES = (*APP_SERVICES, "db", "redis")


@pytest.fixture(scope="module")
def compose():
    return load_yaml(COMPOSE_FILE)


@pytest.fixture(scope="module")
def dockerfile():
    # Continuation lines joined, comments dropped: one instruction per line.
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _environment(service: dict) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {key: str(value) for key, value in environment.items()}


def _mounts(service: dict) -> dict[str, str]:
    """Container path → source (a named volume or a host path) of a service's volumes."""
    mounts = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source"), volume["target"]
        mounts[target] = source
    return mounts


def _command(service: dict) -> str:
    command = service.get("command") or ""
    return " ".join(command) if isinstance(command, list) else command


# --- docker-compose.yml ------------------------------------------------------------------------------------


def test_compose_file_follows_the_compose_specification():
    executable = Path(sys.executable).parent / "check-jsonschema"
    assert executable.exists(), f"check-jsonschema is not installed next to {sys.executable} (requirements/lock.txt)"
    result = subprocess.run(
        [str(executable), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_five_services_exist_with_healthchecks(compose):
    services = compose["services"]
    for name in SERVICES:
        assert name in services, f"service {name} missing"
        healthcheck = services[name].get("healthcheck")
        assert healthcheck, f"{name} has no healthcheck"
        assert not healthcheck.get("disable"), f"{name} disables its healthcheck"
        assert healthcheck.get("test"), f"{name} healthcheck has no test"


def test_services_run_the_expected_commands(compose):
    services = compose["services"]
    assert "gunicorn config.wsgi:application" in _command(services["web"])
    assert "--bind 0.0.0.0:8000" in _command(services["web"])
    assert "celery -A config worker" in _command(services["worker"])
    assert "celery -A config beat" in _command(services["beat"])
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "pg_isready" in str(services["db"]["healthcheck"]["test"])
    assert "redis-cli" in str(services["redis"]["healthcheck"]["test"])
    assert "ping" in str(services["redis"]["healthcheck"]["test"])
    assert "/healthz" in str(services["web"]["healthcheck"]["test"])


def test_app_services_read_the_env_file_and_run_in_production(compose):
    for name in APP_SERVICES:
        service = compose["services"][name]
        env_file = service.get("env_file")
        env_files = [env_file] if isinstance(env_file, str) else list(env_file or [])
        env_files = [item if isinstance(item, str) else item["path"] for item in env_files]
        assert ".env" in env_files, f"{name} does not read .env"
        assert _environment(service).get("DJANGO_ENV") == "production"
        assert "DATABASE_URL" in _environment(service) and "@db:" in _environment(service)["DATABASE_URL"]
        assert _environment(service).get("REDIS_URL", "").startswith("redis://redis:")


def test_compose_sets_only_variables_settings_reads(compose):
    known = set(settings_variables())
    for name in APP_SERVICES:
        unknown = set(_environment(compose["services"][name])) - known
        assert not unknown, f"{name} sets variables settings.py does not read: {sorted(unknown)}"


def test_uploaded_files_are_a_named_volume_shared_by_web_and_worker(compose):
    sources = set()
    for name in ("web", "worker"):
        service = compose["services"][name]
        media_root = _environment(service).get("PRIVATE_MEDIA_ROOT")
        assert media_root, f"{name} does not set PRIVATE_MEDIA_ROOT"
        source = _mounts(service).get(media_root)
        assert source, f"{name} mounts nothing at PRIVATE_MEDIA_ROOT ({media_root})"
        sources.add(source)
    assert len(sources) == 1, f"web and worker mount different sources for the uploads: {sources}"
    (volume,) = sources
    assert volume in (compose.get("volumes") or {}), f"{volume} is not a named volume"


def test_beat_keeps_its_schedule_in_a_volume(compose):
    beat = compose["services"]["beat"]
    match = re.search(r"(?:--schedule[= ]|-s )(\S+)", _command(beat))
    assert match, "beat is not given a schedule file (--schedule)"
    schedule = Path(match.group(1))
    mounts = _mounts(beat)
    assert any(schedule.is_relative_to(target) for target in mounts), f"{schedule} is not inside a volume"
    assert all(source in compose["volumes"] for source in mounts.values())


def test_database_and_redis_keep_their_data_in_volumes(compose):
    for name in ("db", "redis"):
        assert any(source in compose["volumes"] for source in _mounts(compose["services"][name]).values())


def _depends_on(service: dict) -> dict[str, str]:
    depends_on = service.get("depends_on") or {}
    if isinstance(depends_on, list):
        return dict.fromkeys(depends_on, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in depends_on.items()}


def test_app_services_wait_for_healthy_database_and_redis(compose):
    for name in APP_SERVICES:
        depends_on = _depends_on(compose["services"][name])
        assert depends_on.get("db") == "service_healthy", f"{name} does not wait for a healthy db"
        assert depends_on.get("redis") == "service_healthy", f"{name} does not wait for a healthy redis"


def test_migrations_run_before_the_app_starts(compose):
    services = compose["services"]
    if "manage.py migrate" in _command(services["web"]):
        return
    migrate = services.get("migrate")
    assert migrate, "neither a migrate service nor a web command that migrates first"
    assert "manage.py migrate" in _command(migrate)
    assert migrate.get("restart") in ("no", None)
    assert _depends_on(migrate).get("db") == "service_healthy"
    for name in APP_SERVICES:
        assert _depends_on(services[name]).get("migrate") == "service_completed_successfully", name


def test_only_web_publishes_a_port_and_only_on_loopback(compose):
    for name, service in compose["services"].items():
        ports = service.get("ports") or []
        if name != "web":
            assert not ports, f"{name} publishes {ports}: only web is reached, through the reverse proxy"
    assert compose["services"]["web"]["ports"] == ["127.0.0.1:8000:8000"]


# --- Dockerfile --------------------------------------------------------------------------------------------


def test_dockerfile_runs_as_a_non_root_user(dockerfile):
    users = [line.split(None, 1)[1] for line in dockerfile if line.upper().startswith("USER ")]
    assert users, "no USER instruction"
    assert users[-1].split(":")[0] not in ("root", "0"), f"the image runs as {users[-1]}"
    assert users[-1] == "phoihop"


def test_dockerfile_has_a_healthcheck_on_healthz(dockerfile):
    healthchecks = [line for line in dockerfile if line.upper().startswith("HEALTHCHECK ")]
    assert len(healthchecks) == 1
    assert "/healthz" in healthchecks[0]


def _instructions(dockerfile) -> list[tuple[str, str]]:
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in dockerfile]


def _args(dockerfile) -> dict[str, str]:
    return dict(value.split("=", 1) for name, value in _instructions(dockerfile) if name == "ARG" and "=" in value)


def test_every_stage_runs_the_python_the_project_selects(dockerfile):
    """The image's Python is the one `.python-version` picks for development and CI."""
    wanted = (ROOT / ".python-version").read_text(encoding="utf-8").strip()
    args = _args(dockerfile)
    stages = [value.split()[0] for name, value in _instructions(dockerfile) if name == "FROM"]
    assert len(stages) >= 2  # wheels are built in a stage of their own, without compilers in the image
    for image in stages:
        image = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], image)
        if image.startswith("python:"):
            assert image.startswith(f"python:{wanted}"), image


def test_every_file_the_dockerfile_copies_is_in_the_repository(dockerfile):
    for name, value in _instructions(dockerfile):
        if name != "COPY" or value.startswith("--from"):
            continue
        *sources, _target = value.split()
        for source in sources:
            assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"


def test_the_build_context_keeps_what_the_app_needs_at_run_time():
    """No .dockerignore pattern may drop code, templates, translations or the pinned requirements."""
    import fnmatch

    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    needed = [
        "manage.py",
        "pyproject.toml",
        "requirements/lock.txt",
        "locale/en/LC_MESSAGES/django.po",
        *(str(path.relative_to(ROOT)) for path in ROOT.glob("*/apps.py")),
        *(str(path.relative_to(ROOT)) for path in (ROOT / "templates").rglob("*.html")),
        *(str(path.relative_to(ROOT)) for path in (ROOT / "static").rglob("*") if path.is_file()),
    ]
    for path in needed:
        excluded = False
        for pattern in patterns:  # later patterns win, "!" re-includes
            negate = pattern.startswith("!")
            body = pattern.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, body) or fnmatch.fnmatch(path, body + "/*") or path.startswith(body + "/"):
                excluded = not negate
        assert not excluded, f"{path} would be left out of the image"


def test_the_command_serves_the_wsgi_application_on_the_exposed_port(dockerfile):
    import importlib
    import json

    instructions = _instructions(dockerfile)
    argv = json.loads([value for name, value in instructions if name == "CMD"][-1])
    assert argv[0] == "gunicorn"
    module, _sep, attribute = next(arg for arg in argv if ":" in arg and "." in arg.split(":")[0]).partition(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    port = argv[argv.index("--bind") + 1].rsplit(":", 1)[1]
    assert [value for name, value in instructions if name == "EXPOSE"] == [port]


def test_the_healthcheck_asks_the_apps_healthz_with_an_allowed_host(dockerfile, monkeypatch):
    """Run the health check's own code with the network replaced: it must ask /healthz on the exposed
    port, with a Host header that ALLOWED_HOSTS accepts."""
    import json
    import urllib.request

    healthcheck = next(value for name, value in _instructions(dockerfile) if name == "HEALTHCHECK")
    argv = json.loads(healthcheck[healthcheck.index("CMD") + 3 :].strip())
    assert argv[:2] == ["python", "-c"]
    asked = []
    monkeypatch.setattr(urllib.request, "urlopen", lambda request, timeout: asked.append(request))
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", ".phoihop.example,phoihop.example")
    exec(argv[2], {})  # noqa: S102  (the Dockerfile's own code, with urlopen replaced)
    [request] = asked
    assert request.full_url == "http://127.0.0.1:8000/healthz"
    assert request.get_header("Host") == "phoihop.example"


def test_the_build_steps_run_under_production_settings(dockerfile, tmp_path):
    """The assets stage compiles messages and collects static files with DJANGO_ENV=production and
    build-only values (a placeholder key, the console mailer): production settings must load with them, so
    the build can run its management commands. (The real deployment check is `make check-deploy`.)"""
    text = "\n".join(dockerfile)
    assert "compilemessages" in text and "collectstatic --noinput" in text
    exports = dict(re.findall(r"(\w+)=(\S+)", text.split("RUN export", 1)[1].split("&&", 1)[0]))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))},
        **exports,
        "DJANGO_ENV": "production",
        "PHOIHOP_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_runtime_stage_installs_the_libraries_weasyprint_loads(dockerfile):
    """WeasyPrint loads Pango and HarfBuzz at run time (its documented Debian packages) and needs fonts."""
    runtime_installs = " ".join(
        value for name, value in _instructions(dockerfile) if name == "RUN" and "apt-get install" in value
    )
    packages = set(runtime_installs.split())
    assert {"libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b"} <= packages
    assert any(package.startswith("fonts-") for package in packages)


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    for entry in (".env", ".git", ".venv", "var", "staticfiles"):
        assert entry in ignored, entry


# --- .env.example ------------------------------------------------------------------------------------------


def test_env_example_lists_only_variables_that_are_read():
    unknown = env_example_variables() - set(settings_variables()) - COMPOSE_ONLY_VARIABLES
    assert not unknown, f".env.example documents variables settings.py does not read: {sorted(unknown)}"


def test_compose_only_variables_are_used_by_the_compose_file():
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    for name in COMPOSE_ONLY_VARIABLES:
        assert "${" + name in text, f"{name} is in .env.example for docker compose but compose does not use it"
        assert name in env_example_variables(active_only=True)


def test_env_example_sets_every_variable_production_requires():
    required = {name for name, needed in settings_variables().items() if needed}
    assert {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "EMAIL_URL"} <= required  # the parser still sees them
    missing = (required | {"DJANGO_ENV"}) - env_example_variables(active_only=True)
    assert not missing, f".env.example does not set {sorted(missing)}"


def test_env_example_mentions_every_variable_settings_reads():
    missing = set(settings_variables()) - env_example_variables()
    assert not missing, f".env.example does not mention {sorted(missing)}"


def test_configuration_doc_lists_every_variable():
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = {name for name in settings_variables() | dict.fromkeys(COMPOSE_ONLY_VARIABLES) if f"`{name}`" not in doc}
    assert not missing, f"docs/configuration.md does not document {sorted(missing)}"


def test_real_env_file_is_ignored_by_git():
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
