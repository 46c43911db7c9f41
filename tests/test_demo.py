"""seed_demo loads both seeds exactly as written, and loading twice equals loading once."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from demo import texts as demo_texts
from obligations.models import Obligation, Task
from regulations.models import Conclusion, Document, Meeting, MeetingIndicator, Party, Regulation

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _snapshot():
    """Every row of every project model, as values: equal snapshots mean nothing changed."""
    data = {}
    for label in ("regulations", "obligations", "reports", "notifications", "auth"):
        for model in apps.get_app_config(label).get_models():
            rows = model.objects.order_by("pk").values()
            data[model._meta.label] = [
                {k: v for k, v in row.items() if k not in {"updated_at", "last_login"}} for row in rows
            ]
    return data


@override_settings(DEBUG=True)
def test_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = _snapshot()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert _snapshot() == first
    assert Task.objects.filter(obligation__is_illustrative=False).count() == 31  # the seeds' own tasks


@override_settings(DEBUG=False)
def test_seed_demo_refuses_outside_debug_unless_asked(db):
    Party.objects.filter(code="kt-hnd").update(name="Tên trước khi nạp")  # the session's demo, marked
    with pytest.raises(CommandError, match="Từ chối nạp dữ liệu demo"):
        call_command("seed_demo")
    assert Party.objects.get(code="kt-hnd").name == "Tên trước khi nạp"  # refused: nothing written
    call_command("seed_demo", "--allow-production", stdout=open("/dev/null", "w"))
    assert Party.objects.get(code="kt-hnd").name == "Hội Nông dân tỉnh Kon Tum"


def test_the_five_regulations_of_kon_tum(demo):
    rows = Regulation.objects.filter(term_start=2021).order_by("number_symbol")
    assert [(r.number_symbol, r.signed_on.strftime("%d/%m/%Y"), r.term_label) for r in rows] == [
        ("4857/QCPH-UBND-UBMTTQVN", "31/12/2020", "2021 - 2025"),
        ("4858/QCPH-UBND-HCCB", "31/12/2020", "2021 - 2025"),
        ("4859/QCPH-UBND-LĐLĐ", "31/12/2020", "2021 - 2025"),
        ("4860/QCPH-UBND-HLHPN", "31/12/2020", "2021 - 2025"),
        ("4861/QCPH-UBND-HND", "31/12/2020", "2021 - 2025"),
    ]
    partners = [sorted(p.name for p in r.signatories.all() if p.code != "kt-ubnd") for r in rows]
    assert partners == [
        ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Kon Tum"],
        ["Hội Cựu chiến binh tỉnh Kon Tum"],
        ["Liên đoàn Lao động tỉnh Kon Tum"],
        ["Hội Liên hiệp Phụ nữ tỉnh Kon Tum"],
        ["Hội Nông dân tỉnh Kon Tum"],
    ]
    assert {r.replaces.term_label for r in rows} == {"2016 - 2020"}


def test_directive_106_as_written(demo):
    directive = Document.objects.get(number_symbol="106/UBND-KGVX")
    assert directive.issued_on.strftime("%d/%m/%Y") == "12/01/2021"
    assert directive.issuer.name == "Ủy ban nhân dân tỉnh Kon Tum"
    assert (directive.signing_authority, directive.signer_title, directive.signer_name) == (
        "KT",
        "Phó Chủ tịch",
        "Y Ngọc",
    )
    assert directive.signing_block.splitlines() == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert directive.addressee_lines == [
        "Các sở, ban ngành, đơn vị thuộc tỉnh;",
        "Ủy ban nhân dân các huyện, thành phố.",
    ]
    assert directive.distribution_lines[0] == "Như trên;"
    assert directive.distribution_lines[-1] == "Lưu: VT, KGVX.THT."
    assert directive.regulations.count() == 5
    assert [item.label for item in directive.items.all()] == ["1", "2", "3", "4", "Đoạn kết"]
    assert Obligation.objects.filter(source_item__document=directive).count() == 5


def test_tan_yen_meeting_and_its_conclusions(demo):
    meeting = Meeting.objects.get()
    assert meeting.held_on.strftime("%d/%m/%Y") == "28/02/2023"
    assert meeting.host.name == "Ủy ban nhân dân huyện Tân Yên"
    assert [(a.name, a.position) for a in meeting.attendees.all()][:2] == [
        ("Phan Thế Vinh", "Phó Bí thư Thường trực Huyện ủy"),
        ("Nguyễn Văn Nhân", "Phó Chủ tịch HĐND huyện"),
    ]
    figures = [(i.label, i.value, i.total) for i in MeetingIndicator.objects.order_by("order")]
    assert [(str(v), str(t)) for _l, v, t in figures] == [
        ("17.00", "17.00"),
        ("14.60", "None"),
        ("6.20", "None"),
        ("19.50", "None"),
        ("11.40", "None"),
    ]
    assert Conclusion.objects.filter(meeting=meeting).count() == 5
    fifth = meeting.conclusions.get(number=5)
    assert "trước ngày 05/3/2023" in fifth.text
    notice = meeting.notice
    assert (notice.number_symbol, notice.issued_on, notice.is_draft) == ("/TB-UBND", None, True)
    assert (notice.signing_authority, notice.signer_name) == ("TL", "Nguyễn Công Lực")


def test_demo_accounts_log_in_with_the_demo_password(demo, client, settings):
    for username in (
        "admin",
        "vanphong",
        "sonoivu",
        "lanhdao",
        "mttq",
        "hccb",
        "ldld",
        "hlhpn",
        "hnd",
        "tanyen",
        "noivu_tanyen",
    ):
        user = get_user_model().objects.get(username=username)
        assert user.check_password(settings.DEMO_PASSWORD), username


def _fold(text: str) -> str:
    """Whitespace folded, and the seeds' markdown emphasis (**bold**, *italics*) dropped: the demo stores the
    words, not the markup."""
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


def test_demo_texts_are_verbatim_passages_of_the_seed_documents():
    """Every passage the demo stores must stand in the seed files, word for word."""
    assert SEEDS.is_dir(), f"the seed documents are expected beside the repository, in {SEEDS}"
    seed_000 = _fold((SEEDS / "000_efcf30a6a2013821.txt").read_text(encoding="utf-8"))
    seed_003 = _fold((SEEDS / "003_32eec0145759eebb.txt").read_text(encoding="utf-8"))
    # Seed 000 breaks a sentence around its footnote; rejoin it before comparing (003's page break folds away).
    assert _fold(demo_texts.DIRECTIVE_106_FOOTNOTE) in seed_000
    seed_000 = seed_000.replace(
        "cán bộ, công chức, ¹ " + _fold(demo_texts.DIRECTIVE_106_FOOTNOTE) + " viên chức",
        "cán bộ, công chức, viên chức",
    )
    passages_000 = [demo_texts.DIRECTIVE_106_SUBJECT]
    passages_000 += [text for _label, text in demo_texts.DIRECTIVE_106_ITEMS]
    passages_000 += demo_texts.DIRECTIVE_106_DISTRIBUTION.splitlines()
    for passage in passages_000:
        for line in passage.splitlines():
            assert _fold(line) in seed_000, line[:80]
    passages_003 = [demo_texts.NOTICE_003_SUBJECT, demo_texts.MEETING_003_RESULTS, demo_texts.MEETING_003_LIMITATIONS]
    passages_003 += demo_texts.MEETING_003_CONCLUSIONS + demo_texts.NOTICE_003_DISTRIBUTION.splitlines()
    for passage in passages_003:
        for paragraph in passage.split("\n\n"):
            assert _fold(paragraph) in seed_003, paragraph[:80]
