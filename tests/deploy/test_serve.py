"""`make run` (bin/serve) stops cleanly (issue 14): Ctrl+C, or a TERM to the launcher, stops the web server
and the worker with its beat and pool — no process is left behind — and the launcher exits 0.

The launcher runs as `make run` would, on a scratch SQLite database and the filesystem broker, on a free
port; Ctrl+C is a SIGINT to its process group, as a terminal sends it."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ._config import ROOT

pytestmark = pytest.mark.timeout(180)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _processes_with(marker: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            environ = (proc / "environ").read_bytes()
        except (OSError, ValueError):
            continue
        if marker.encode() in environ:
            found.append(f"{proc.name}: {command}")
    return found


@pytest.mark.parametrize("how", ["ctrl-c", "term"])
def test_stopping_the_launcher_stops_the_server_and_the_worker(tmp_path, how):
    port, marker = _free_port(), f"PHOIHOP_SERVE_TEST={os.getpid()}-{how}"
    # The embedded defaults, in a folder of its own: SQLite and the filesystem broker under PHOIHOP_VAR_DIR.
    dropped = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER")
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env |= {
        "PHOIHOP_VAR_DIR": str(tmp_path),
        "PORT": str(port),
        "VENV": str(Path(sys.executable).parent.parent),
        marker.split("=")[0]: marker.split("=")[1],
    }
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, timeout=120)
    launcher = subprocess.Popen(
        ["bin/serve"],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        # A terminal's job gets SIGINT with its default action: not ignored, as a background job's would be.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the server did not answer")
        time.sleep(3)  # the worker is up
        running = _processes_with(marker)
        assert any("celery" in line and "worker" in line for line in running), running
        assert any("runserver" in line for line in running), running
        if how == "ctrl-c":
            os.killpg(launcher.pid, signal.SIGINT)
        else:
            launcher.send_signal(signal.SIGTERM)
        output, _ = launcher.communicate(timeout=60)
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
    text = output.decode()
    assert launcher.returncode == 0, text
    assert "Warm shutdown" in text and "đã dừng" in text, text
    assert "Segmentation fault" not in text, text
    deadline = time.monotonic() + 10
    while (left := _processes_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert left == [], text
