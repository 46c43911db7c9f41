"""Verbs, parties and items as the parser reads them from short texts written like real directives."""

from obligations.extraction import extraction_from_text

DIRECTIVE = """ỦY BAN NHÂN DÂN
TỈNH KON TUM

Số: 12 /UBND-NC
V/v báo cáo kết quả thực hiện quy chế phối hợp

Kon Tum, ngày 05 tháng 11 năm 2024

Kính gửi:
- Các sở, ban, ngành thuộc tỉnh;
- Ủy ban nhân dân các huyện, thành phố.

Để tổng hợp kết quả năm 2024, Ủy ban nhân dân tỉnh yêu cầu:

1. Thủ trưởng các sở, ban, ngành rà soát các nội dung phối hợp, gửi báo cáo về Sở Nội vụ trước ngày 01/12/2024.

2. Đề nghị Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh phối hợp với Sở Nội vụ đánh giá kết quả,
báo cáo chậm nhất ngày 10/12/2024.

3. Giao Sở Nội vụ chủ trì, phối hợp với Văn phòng UBND tỉnh tổng hợp,
báo cáo Ủy ban nhân dân tỉnh trước ngày 25/12 hằng năm.

4. Chủ tịch Ủy ban nhân dân các huyện, thành phố thường xuyên chỉ đạo các xã thực hiện quy chế.

Nơi nhận:
- Như trên;
- Lưu: VT, NC.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Văn A
"""


def obligations(text):
    return {row["item"]: row for row in extraction_from_text(text=text).as_dict()["obligations"]}


def test_header_fields():
    result = extraction_from_text(text=DIRECTIVE).as_dict()
    assert result["number_symbol"] == "12/UBND-NC"
    assert result["issuer"] == "Ủy ban nhân dân tỉnh Kon Tum"
    assert result["date"] == "2024-11-05"
    assert result["subject"] == "V/v báo cáo kết quả thực hiện quy chế phối hợp"
    assert (result["signing_authority"], result["signer"], result["signer_title"]) == (
        "KT.",
        "Nguyễn Văn A",
        "Phó Chủ tịch",
    )


def test_giao_and_yeu_cau_go_to_subordinate_bodies_de_nghi_to_the_front():
    rows = obligations(DIRECTIVE)
    assert rows["3"]["verb"] == "Giao"
    assert rows["2"]["verb"] == "Đề nghị"


def test_an_item_without_a_verb_inherits_the_lead_in_verb():
    rows = obligations(DIRECTIVE)
    assert rows["1"]["verb"] == "Yêu cầu"
    assert rows["4"]["verb"] == "Yêu cầu"


def test_lead_and_cooperating_parties_as_written():
    rows = obligations(DIRECTIVE)
    assert rows["2"]["lead"] == ["Ủy ban MTTQ Việt Nam tỉnh", "các tổ chức chính trị - xã hội tỉnh"]
    assert rows["2"]["cooperating"] == ["Sở Nội vụ"]
    assert rows["3"]["lead"] == ["Sở Nội vụ"]
    assert rows["3"]["cooperating"] == ["Văn phòng UBND tỉnh"]
    assert rows["1"]["cooperating"] == []


def test_deadlines_recurrence_and_deliverable_per_item():
    rows = obligations(DIRECTIVE)
    assert rows["1"]["deadline"] == {"day": 30, "month": 11, "year": 2024}
    assert rows["1"]["recurrence"] == "once"
    assert rows["1"]["deliverable"] == "report"
    assert rows["2"]["deadline"] == {"day": 10, "month": 12, "year": 2024}
    assert rows["3"]["deadline_text"] == "trước ngày 25/12 hằng năm"
    assert rows["3"]["recurrence"] == "yearly"
    assert rows["4"]["recurrence"] == "continuous"
    assert rows["4"]["deliverable"] == "action"
    assert rows["4"]["deadline"] is None


def test_each_proposal_points_at_its_source_in_the_text():
    result = extraction_from_text(text=DIRECTIVE)
    text = result.text
    for row in result.as_dict()["obligations"]:
        source = text[row["source_start"] : row["source_end"]]
        assert source.startswith(f"{row['item']}. ")


def test_a_clause_without_a_party_inherits_the_lead_in_addressees():
    text = (
        "Chủ tịch UBND huyện đề nghị Ủy ban MTTQ, các tổ chức chính trị - xã hội huyện "
        "thực hiện tốt một số nội dung sau:\n\n"
        "1. Tăng cường nắm tình hình Nhân dân, kịp thời phản ánh cho UBND huyện.\n\n"
        "2. Giao Phòng Nội vụ huyện tham mưu sơ kết quy chế trong tháng 6 năm 2024.\n"
    )
    rows = obligations(text)
    assert rows["1"]["lead"] == ["Ủy ban MTTQ", "các tổ chức chính trị - xã hội huyện"]
    assert rows["1"]["verb"] == "Đề nghị"
    assert rows["2"]["lead"] == ["Phòng Nội vụ huyện"]
    assert rows["2"]["deadline"] == {"day": 30, "month": 6, "year": 2024}


def test_a_closing_paragraph_that_assigns_is_proposed_and_a_formula_is_not():
    text = (
        "UBND tỉnh yêu cầu:\n\n1. Giao Sở Tư pháp rà soát văn bản.\n\n"
        "Trong quá trình thực hiện, Thủ trưởng các cơ quan, đơn vị thường xuyên báo cáo khó khăn về Sở Nội vụ.\n\n"
        "Trân trọng./.\n"
    )
    rows = obligations(text)
    assert set(rows) == {"1", "Đoạn kết"}
    assert rows["Đoạn kết"]["lead"] == ["Thủ trưởng các cơ quan, đơn vị"]
    assert rows["Đoạn kết"]["verb"] == "Yêu cầu"


def test_paragraphs_without_numbers_are_labelled_by_place():
    text = (
        "Kính gửi: Các phòng, ban thuộc UBND huyện.\n"
        "Thực hiện Kế hoạch số 10/KH-UBND của UBND tỉnh.\n"
        "UBND huyện đề nghị các phòng, ban báo cáo kết quả về Phòng Nội vụ trước ngày 20/6/2024.\n"
    )
    rows = obligations(text)
    assert list(rows) == ["Đoạn 2"]
    assert rows["Đoạn 2"]["deadline"] == {"day": 19, "month": 6, "year": 2024}
    assert rows["Đoạn 2"]["deliverable"] == "report"


def test_a_report_asked_only_if_a_problem_arises_is_not_the_deliverable():
    text = "Đề nghị các sở, ngành triển khai thực hiện và báo cáo UBND tỉnh nếu có vướng mắc.\n"
    assert obligations(text)["Đoạn 1"]["deliverable"] == "action"


def test_two_deadlines_in_one_sentence_are_two_duties_each_with_its_own_parties():
    text = (
        "Định kỳ từ ngày 1 đến ngày 5 hằng tháng, các phòng, ban phải cập nhật kết quả trên mạng; "
        "từ ngày 5 đến ngày 10 hằng tháng, Phòng Kế hoạch - Đầu tư kiểm tra và tổng hợp báo cáo giám đốc sở.\n"
    )
    rows = obligations(text)
    assert list(rows) == ["Đoạn 1.a", "Đoạn 1.b"]
    assert rows["Đoạn 1.a"]["lead"] == ["các phòng, ban"]
    assert rows["Đoạn 1.a"]["deadline"] == {"day": 5, "month": None, "year": None}
    assert rows["Đoạn 1.a"]["deliverable"] == "action"
    assert rows["Đoạn 1.b"]["lead"] == ["Phòng Kế hoạch - Đầu tư"]
    assert rows["Đoạn 1.b"]["recurrence"] == "monthly"
    assert rows["Đoạn 1.b"]["deliverable"] == "report"
