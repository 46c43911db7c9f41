"""Deadline wording → the last day (DESIGN.md: "trước ngày X" ends on X−1; "chậm nhất/trong/đến/hạn ngày X" on X)."""

import pytest

from obligations.extraction.dates import deadlines_find, recurrence_for


def only(text):
    found = deadlines_find(text=text)
    assert len(found) == 1, found
    return found[0]


def test_before_a_day_ends_the_day_before():
    deadline = only("hoàn thành trước ngày 15/12")
    assert deadline.as_dict() == {"day": 14, "month": 12, "year": None}
    assert deadline.wording == "hoàn thành trước ngày 15/12"


def test_before_a_day_with_a_year():
    assert only("thời gian thực hiện xong trước ngày 05/3/2023").as_dict() == {"day": 4, "month": 3, "year": 2023}


@pytest.mark.parametrize(
    "wording",
    ["chậm nhất ngày 15/12", "chậm nhất là ngày 15/12", "trong ngày 15/12", "đến ngày 15/12", "hạn ngày 15/12"],
)
def test_latest_on_in_until_and_due_end_on_the_day_itself(wording):
    assert only(wording).as_dict() == {"day": 15, "month": 12, "year": None}


@pytest.mark.parametrize(
    "wording, expected",
    [
        ("trước ngày 15-12", {"day": 14, "month": 12, "year": None}),
        ("trước ngày 15 tháng 12", {"day": 14, "month": 12, "year": None}),
        ("chậm nhất ngày 15 tháng 12 năm 2025", {"day": 15, "month": 12, "year": 2025}),
        ("trước ngày 15.12.2025", {"day": 14, "month": 12, "year": 2025}),
    ],
)
def test_day_and_month_forms(wording, expected):
    assert only(wording).as_dict() == expected


def test_before_the_first_of_january_falls_in_the_previous_year():
    assert only("trước ngày 01/01/2026").as_dict() == {"day": 31, "month": 12, "year": 2025}


def test_before_the_first_of_a_month_without_year_uses_a_common_year():
    # The year is unknown: 28/2 (in a leap year the true last day is 29/2; the wording stays beside it).
    assert only("trước ngày 01/3").as_dict() == {"day": 28, "month": 2, "year": None}
    assert only("trước ngày 01/3/2024").as_dict() == {"day": 29, "month": 2, "year": 2024}


def test_before_the_first_of_january_without_year_keeps_no_year():
    assert only("trước ngày 01/01").as_dict() == {"day": 31, "month": 12, "year": None}


def test_a_time_of_day_keeps_the_day_itself():
    assert only("trước 9h00 ngày 23/4/2018").as_dict() == {"day": 23, "month": 4, "year": 2018}
    assert only("trước 14 giờ, ngày 05/12/2017").as_dict() == {"day": 5, "month": 12, "year": 2017}


def test_a_whole_month_ends_on_its_last_day():
    assert only("đến hết tháng 3 năm 2013").as_dict() == {"day": 31, "month": 3, "year": 2013}
    assert only("trước tháng 3/2024").as_dict() == {"day": 29, "month": 2, "year": 2024}


def test_a_recurring_word_after_the_date_belongs_to_the_wording():
    deadline = only("báo cáo về Ủy ban nhân dân tỉnh trước ngày 25/12 hằng năm.")
    assert deadline.wording == "trước ngày 25/12 hằng năm"
    assert deadline.as_dict() == {"day": 24, "month": 12, "year": None}


def test_a_monthly_day_has_no_month():
    deadline = only("gửi về Trung tâm chậm nhất là ngày 07 hàng tháng")
    assert deadline.as_dict() == {"day": 7, "month": None, "year": None}
    assert recurrence_for(text="gửi về Trung tâm chậm nhất là ngày 07 hàng tháng", deadline=deadline) == "monthly"


def test_dates_without_a_deadline_word_are_not_deadlines():
    assert (
        deadlines_find(text="Quy chế số 4857/QCPH-UBND-UBMTTQVN ngày 31 tháng 12 năm 2020 giai đoạn 2021 - 2025") == []
    )


def test_an_impossible_date_is_not_a_deadline():
    assert deadlines_find(text="trước ngày 31/02") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("định kỳ hằng năm, báo cáo đánh giá kết quả (hoàn thành trước ngày 15/12)", "yearly"),
        ("báo cáo hằng năm trước ngày 15/12", "yearly"),
        ("báo cáo định kỳ 6 tháng trước ngày 15/6", "half-yearly"),
        ("hằng quý gửi báo cáo trước ngày 20", None),
        ("hằng tháng báo cáo kết quả", "monthly"),
        ("thường xuyên trao đổi, chia sẻ thông tin", "continuous"),
        ("quan tâm chỉ đạo triển khai thực hiện", "continuous"),
        ("hoàn thiện Quy chế trước ngày 05/3/2023", "once"),
    ],
)
def test_each_recurrence_word(text, expected):
    found = deadlines_find(text=text)
    deadline = found[0] if found else None
    if expected is None:  # "hằng quý" without a full date: still quarterly
        expected = "quarterly"
    assert recurrence_for(text=text, deadline=deadline) == expected


def test_a_negated_recurrence_does_not_count():
    text = "không thực hiện báo cáo hàng tháng và hàng quý; báo cáo gửi trước ngày 28/11 đối với báo cáo năm"
    deadline = deadlines_find(text=text)[0]
    assert recurrence_for(text=text, deadline=deadline) == "yearly"


def test_the_end_of_the_period_a_report_covers_is_not_its_deadline():
    text = "báo cáo số liệu tính đến ngày 15/10, gửi về Bộ trước ngày 18/10"
    assert [d.as_dict() for d in deadlines_find(text=text)] == [{"day": 17, "month": 10, "year": None}]
