"""The two seed documents, read from their text, give exactly the obligations the demo registers for them."""

import datetime
from pathlib import Path

import pytest

from obligations.extraction import extraction_from_file
from obligations.models import Obligation

CORPUS = Path(__file__).parent / "corpus"


def _demo_rows(obligations):
    rows = {}
    for ob in obligations:
        label = ob.source_item.label if ob.source_item_id else str(ob.source_conclusion.number)
        rows[label] = ob
    return rows


def _last_day(ob):
    """The demo stores the last day its wording means (14/12 for "trước ngày 15/12")."""
    if ob.due_date:
        return ob.due_date
    return datetime.date(2001, ob.due_month, ob.due_day) if ob.due_day else None


def _assert_same(extracted, demo_rows, *, with_year):
    assert [row["item"] for row in extracted] == list(demo_rows)
    for row in extracted:
        ob = demo_rows[row["item"]]
        assert set(row["lead_codes"]) == {p.code for p in ob.responsible_party_list()}, row["item"]
        assert set(row["cooperating_codes"]) == {p.code for p in ob.cooperating_parties.all()}, row["item"]
        assert row["recurrence"] == ob.recurrence, row["item"]
        assert row["deliverable"] == ob.deliverable, row["item"]
        last = _last_day(ob)
        if last is None:
            assert row["deadline"] is None and row["deadline_text"] is None, row["item"]
            continue
        assert row["deadline_text"] == ob.due_wording
        assert row["deadline"] == {"day": last.day, "month": last.month, "year": last.year if with_year else None}


@pytest.mark.django_db
def test_directive_106_gives_the_demo_obligations(demo):
    result = extraction_from_file(path=CORPUS / "100_seed000_kontum_106_ubnd_kgvx.txt", jurisdiction=demo["kt-ubnd"])
    data = result.as_dict()
    assert data["number_symbol"] == "106/UBND-KGVX"
    assert data["issuer"] == "Ủy ban nhân dân tỉnh Kon Tum"
    assert data["date"] == "2021-01-12"
    assert (data["signing_authority"], data["signer"], data["signer_title"]) == ("KT.", "Y Ngọc", "Phó Chủ tịch")
    demo_rows = _demo_rows(Obligation.objects.filter(source_item__document__number_symbol="106/UBND-KGVX"))
    _assert_same(data["obligations"], demo_rows, with_year=False)
    rows = {row["item"]: row for row in data["obligations"]}
    assert rows["2"]["verb"] == "Đề nghị" and rows["3"]["verb"] == "Đề nghị"
    assert rows["1"]["verb"] == "Yêu cầu" and rows["4"]["verb"] == "Giao"
    assert rows["2"]["deadline"] == {"day": 14, "month": 12, "year": None}
    assert rows["4"]["deadline"] == {"day": 24, "month": 12, "year": None}


@pytest.mark.django_db
def test_notice_003_gives_the_demo_obligations(demo):
    result = extraction_from_file(
        path=CORPUS / "103_seed003_tanyen_thong_bao_ket_luan.txt", jurisdiction=demo["ty-ubnd"]
    )
    data = result.as_dict()
    assert data["number_symbol"] == "/TB-UBND"
    assert data["issuer"] == "Ủy ban nhân dân huyện Tân Yên"
    assert data["date"] is None
    assert (data["signing_authority"], data["signer"], data["signer_title"]) == (
        "TL.",
        "Nguyễn Công Lực",
        "Chánh Văn phòng",
    )
    demo_rows = _demo_rows(Obligation.objects.filter(source_conclusion__meeting__host=demo["ty-ubnd"]))
    _assert_same(data["obligations"], demo_rows, with_year=True)
    fifth = data["obligations"][-1]
    assert fifth["verb"] == "Giao"
    assert fifth["lead_codes"] == ["ty-pnv"]
    assert fifth["deadline"] == {"day": 4, "month": 3, "year": 2023}
    assert set(fifth["cooperating_codes"]) == {"ty-mttq", "ty-hccb", "ty-ldld", "ty-hlhpn", "ty-hnd", "ty-doan"}
