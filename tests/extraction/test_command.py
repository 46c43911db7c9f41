"""python manage.py extract_obligations FILE [--jurisdiction CODE] --json"""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

CORPUS = Path(__file__).parent / "corpus"
SEED_106 = CORPUS / "100_seed000_kontum_106_ubnd_kgvx.txt"
DOCUMENT_KEYS = [
    "number_symbol",
    "issuer",
    "date",
    "subject",
    "signing_authority",
    "signer",
    "signer_title",
    "obligations",
]
OBLIGATION_KEYS = [
    "item",
    "verb",
    "lead",
    "cooperating",
    "lead_codes",
    "cooperating_codes",
    "action",
    "recurrence",
    "deadline_text",
    "deadline",
    "deliverable",
    "source_start",
    "source_end",
]


def run(*args):
    out = StringIO()
    call_command("extract_obligations", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_json_shape_with_a_jurisdiction(demo):
    data = json.loads(run(str(SEED_106), "--jurisdiction", "kt-ubnd", "--json"))
    assert list(data) == DOCUMENT_KEYS
    assert data["date"] == "2021-01-12"
    assert data["signing_authority"] in ("TM.", "KT.", "TL.", "")
    for row in data["obligations"]:
        assert list(row) == OBLIGATION_KEYS
        assert row["recurrence"] in ("once", "yearly", "half-yearly", "quarterly", "monthly", "continuous")
        assert row["deliverable"] in ("report", "action")
        assert row["deadline"] is None or set(row["deadline"]) == {"day", "month", "year"}
        assert all(isinstance(code, str) for code in row["lead_codes"])
    assert data["obligations"][3]["lead_codes"] == ["kt-snv"]


def test_json_is_printed_with_vietnamese_letters_and_without_codes_when_no_jurisdiction():
    output = run(str(SEED_106), "--json")
    assert "Ủy ban nhân dân tỉnh Kon Tum" in output  # ensure_ascii=False
    assert output.startswith("{\n  ")  # indented
    data = json.loads(output)
    assert "lead_codes" not in data["obligations"][0]


def test_bad_input_ends_with_a_vietnamese_message_and_writes_nothing(tmp_path):
    empty = tmp_path / "trong.txt"
    empty.write_text("", encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match="Văn bản trống"):
        call_command("extract_obligations", str(empty), "--json", stdout=out)
    assert out.getvalue() == ""


@pytest.mark.django_db
def test_an_unknown_jurisdiction_is_refused():
    with pytest.raises(CommandError, match="Không có cơ quan mang mã “xx-ubnd”"):
        run(str(SEED_106), "--jurisdiction", "xx-ubnd", "--json")


def test_the_command_exits_non_zero_from_the_shell(tmp_path):
    import subprocess
    import sys

    fake = tmp_path / "fake.docx"
    fake.write_text("không phải Word", encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(root / "manage.py"), "extract_obligations", str(fake), "--json"],
        capture_output=True,
        text=True,
        cwd=root,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"},
        check=False,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert "không phải tài liệu Word (.docx) hợp lệ" in result.stderr
