"""The words of the UI (issue 14): one word for one idea, none that reads like something else, no developer
jargon. Scans the templates and the Python source of the apps (not the tests, the migrations or the catalogues)
for the phrases a new user was confused by, and names the file and line of each."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["config", "demo", "matters", "notifications", "obligations", "outbox", "regulations", "reminders", "reports"]
APPS += ["signatures", "templates"]
# old phrase -> what the UI says instead
OLD = {
    "Hoàn thành quá hạn": "Hoàn thành trễ hạn (not to be confused with an open overdue task)",
    "(tiếp nhận)": "(kế thừa từ <predecessor>)",
    "báo cáo vượt cấp": "báo cáo cấp trên",
    "Gửi không được": "Gửi không thành công",
    "Sinh nhiệm vụ": "Tạo nhiệm vụ",
    "lùi sang ngày làm việc kế tiếp": "chuyển sang ngày làm việc tiếp theo",
    "mốc đồng bộ": "plain words",
    "hạn đã tính lịch": "plain words",
    "Nghĩa vụ": "Nhiệm vụ (phối hợp)",
    "nghĩa vụ": "nhiệm vụ",
    "Việc của tôi": "Nhiệm vụ của tôi",
    "việc của tôi": "nhiệm vụ của tôi",
}


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*"):
            if path.suffix not in (".html", ".txt", ".py") or "migrations" in path.parts:
                continue
            yield path


def test_no_template_or_message_uses_the_old_words():
    found = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if path.suffix == ".py" and re.match(r"\s*#", line):
                continue  # a comment is for developers
            for old, new in OLD.items():
                if old in line:
                    found.append(f"{path.relative_to(ROOT)}:{number}: '{old}' -> {new}")
    assert found == []


def test_the_menu_names_each_page_as_the_page_names_itself(client, users):
    client.force_login(users["vanphong"])
    menu = re.search(r'<nav class="main-nav".*?</nav>', client.get("/").content.decode(), re.S).group(0)
    for label in ("Nhiệm vụ của tôi", "Nhiệm vụ phối hợp", "Cơ quan, tổ chức"):
        assert f">{label}</a>" in menu
    assert "Các cơ quan, tổ chức" in client.get("/parties/").content.decode()
