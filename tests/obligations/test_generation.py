import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from obligations.models import Obligation, Period, Task
from obligations.services import tasks_generate
from obligations.workdays import next_working_day
from regulations.models import Document, DocumentItem, Party, Regulation

D = datetime.date


def _report_tasks(obligation_title_start: str):
    return Task.objects.filter(obligation__title__startswith=obligation_title_start).select_related("party", "period")


# "trước ngày 15/12" ends on 14/12; a 14/12 on a weekend moves to the Monday (Civil Code 2015, art. 148).
REPORT_LAST_DAYS = {
    2021: D(2021, 12, 14),
    2022: D(2022, 12, 14),
    2023: D(2023, 12, 14),
    2024: D(2024, 12, 16),  # 14/12/2024 is a Saturday
    2025: D(2025, 12, 15),  # 14/12/2025 is a Sunday
}
# "trước ngày 25/12" ends on 24/12.
ROLLUP_LAST_DAYS = {
    2021: D(2021, 12, 24),
    2022: D(2022, 12, 26),  # a Saturday
    2023: D(2023, 12, 25),  # a Sunday
    2024: D(2024, 12, 24),
    2025: D(2025, 12, 24),
}


def test_every_organisation_gets_a_report_due_the_day_before_15_12_of_each_year_of_the_term(demo):
    tasks = _report_tasks("Báo cáo đánh giá kết quả triển khai")
    by_year = {}
    for task in tasks:
        by_year.setdefault(task.period.year, []).append(task)
    assert sorted(by_year) == [2021, 2022, 2023, 2024, 2025]
    for year, rows in by_year.items():
        assert len(rows) == 5
        assert {t.nominal_due_date for t in rows} == {D(year, 12, 14)}
        assert {t.due_date for t in rows} == {REPORT_LAST_DAYS[year]}
        assert {t.party.short_name.split()[0] for t in rows} == {"Ủy", "HCCB", "LĐLĐ", "HLHPN", "HND"}


def test_so_noi_vu_gets_the_roll_up_due_before_25_12_each_year_after_the_reports(demo):
    rollups = list(_report_tasks("Theo dõi, tổng hợp"))
    assert sorted((t.period.year, t.due_date) for t in rollups) == sorted(ROLLUP_LAST_DAYS.items())
    assert {t.party.code for t in rollups} == {"kt-snv", "qn-snv"}
    rollup = rollups[0].obligation
    assert [o.title for o in rollup.depends_on.all()] == [
        "Báo cáo đánh giá kết quả triển khai Quy chế phối hợp hằng năm"
    ]


def test_tan_yen_noi_vu_gets_one_task_due_before_05_03_2023(demo):
    tasks = list(Task.objects.filter(party__code="ty-pnv"))
    assert len(tasks) == 1
    # "trước ngày 05/3/2023": the last day is 04/03/2023, a Saturday, so Monday 06/03.
    assert tasks[0].nominal_due_date == D(2023, 3, 4)
    assert tasks[0].due_date == D(2023, 3, 6)
    assert tasks[0].period.year == 2023
    assert tasks[0].obligation.due_wording == "thời gian thực hiện xong trước ngày 05/3/2023"


def test_continuous_duties_create_no_dated_tasks(demo):
    continuous = Obligation.objects.filter(recurrence=Obligation.Recurrence.CONTINUOUS)
    assert continuous.count() == 7
    assert not Task.objects.filter(obligation__in=continuous).exists()


def test_generation_twice_creates_nothing_more(demo):
    before = Task.objects.count()
    second = tasks_generate()
    assert second.created == 0
    assert second.existing == before
    assert Task.objects.count() == before
    assert Task.objects.filter(obligation__is_illustrative=False).count() == 31  # the seeds' own tasks


def test_duplicate_task_is_impossible_in_the_database(demo):
    from django.db import IntegrityError, transaction

    task = Task.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(
            obligation=task.obligation,
            party=task.party,
            period=task.period,
            nominal_due_date=task.nominal_due_date,
            due_date=task.due_date,
        )


def test_after_the_merger_the_2025_tasks_go_to_the_successors_and_history_stays(demo):
    hnd_2024 = Task.objects.get(party__code="kt-hnd", period__year=2024)
    hnd_2025 = Task.objects.get(party__code="qn-hnd", period__year=2025)
    assert hnd_2024.handed_over_from is None
    assert hnd_2025.handed_over_from.code == "kt-hnd"
    assert not Task.objects.filter(party__code="kt-hnd", period__year=2025).exists()


def test_a_task_taken_over_from_a_predecessor_names_it_in_the_task_list(demo, client):
    from django.contrib.auth import get_user_model

    task = Task.objects.select_related("party", "handed_over_from").get(party__code="qn-hnd", period__year=2025)
    client.force_login(get_user_model().objects.get(username="hnd"))
    page = client.get(f"/tasks/?q=&party={task.party_id}").content.decode()
    assert f"(kế thừa từ {task.handed_over_from.short_name})" in page
    assert "(tiếp nhận)" not in page  # reads like a review outcome


# --- the holiday move ----------------------------------------------------------------------------------


def test_next_working_day_skips_the_lunar_new_year():
    # Tết Bính Ngọ: 16–20/02/2026 are holidays, 21–22/02 a weekend.
    assert next_working_day(D(2026, 2, 17)) == D(2026, 2, 23)
    assert next_working_day(D(2023, 1, 20)) == D(2023, 1, 27)  # 29 Tết 2023 through mùng 5
    assert next_working_day(D(2025, 12, 15)) == D(2025, 12, 15)  # a Monday stays
    assert next_working_day(D(2021, 12, 25)) == D(2021, 12, 27)  # a Saturday moves to Monday


@pytest.fixture
def simple_obligation(make_party):
    ubnd = make_party("UBND tỉnh thử", kind=Party.Kind.STATE, is_jurisdiction=True)
    org = make_party("Hội Nông dân tỉnh thử", parent=ubnd)
    regulation = Regulation.objects.create(
        number_symbol="1/QCPH-THU", title="Quy chế thử", issuer=ubnd, term_start=2026, term_end=2026
    )
    regulation.signatories.set([ubnd, org])
    document = Document.objects.create(kind=Document.Kind.DIRECTIVE, issuer=ubnd, place="Thử", subject="Thử")
    document.regulations.set([regulation])
    item = DocumentItem.objects.create(document=document, order=1, label="1", text="Báo cáo chậm nhất ngày 17/02")
    obligation = Obligation.objects.create(
        title="Báo cáo thử",
        source_item=item,
        responsible_rule=Obligation.ResponsibleRule.SIGNATORY_ORGANISATIONS,
        recurrence=Obligation.Recurrence.YEARLY,
        due_day=17,
        due_month=2,
        deliverable=Obligation.Deliverable.REPORT,
        applies_from=D(2026, 1, 1),
        applies_to=D(2026, 12, 31),
        move_to_working_day=True,
        due_wording="chậm nhất ngày 17/02",
    )
    return {"ubnd": ubnd, "org": org, "obligation": obligation}


def test_a_due_date_in_tet_moves_to_the_next_working_day_and_keeps_the_written_date(simple_obligation):
    result = tasks_generate(obligations=[simple_obligation["obligation"]])
    assert result.created == 1
    task = Task.objects.get(obligation=simple_obligation["obligation"])
    assert task.party == simple_obligation["org"]
    assert task.nominal_due_date == D(2026, 2, 17)
    assert task.due_date == D(2026, 2, 23)
    assert task.due_date_moved


def test_without_the_move_the_due_date_stays_on_the_holiday(simple_obligation):
    obligation = simple_obligation["obligation"]
    obligation.move_to_working_day = False
    obligation.save()
    tasks_generate(obligations=[obligation])
    assert Task.objects.get(obligation=simple_obligation["obligation"]).due_date == D(2026, 2, 17)


def test_deadline_is_the_end_of_the_due_day_in_vietnam(simple_obligation):
    tasks_generate(obligations=[simple_obligation["obligation"]])
    task = Task.objects.get(obligation=simple_obligation["obligation"])
    with time_machine.travel(datetime.datetime(2026, 2, 23, 23, 59, tzinfo=datetime.UTC) - datetime.timedelta(hours=7)):
        assert task.status_at() == Task.Status.PENDING  # 23:59 on the due day in Hanoi
    with time_machine.travel(datetime.datetime(2026, 2, 23, 17, 0, 1, tzinfo=datetime.UTC)):
        assert task.status_at() == Task.Status.OVERDUE  # 00:00:01 the next day in Hanoi


# --- successors ----------------------------------------------------------------------------------------


# The hand-over of tasks to a successor is the reorganisation service's: tests/obligations/test_reorganisations.py.


# --- validation ----------------------------------------------------------------------------------------


def test_term_ending_before_it_starts_is_refused_with_a_vietnamese_message(make_party):
    ubnd = make_party(kind=Party.Kind.STATE)
    regulation = Regulation(number_symbol="9/QC", title="Thử", issuer=ubnd, term_start=2025, term_end=2021)
    with pytest.raises(ValidationError) as error:
        regulation.full_clean()
    assert "Năm kết thúc giai đoạn không được trước năm bắt đầu." in str(error.value)


def test_a_yearly_due_date_that_does_not_exist_is_refused(simple_obligation):
    obligation = simple_obligation["obligation"]
    obligation.due_day, obligation.due_month = 31, 2
    with pytest.raises(ValidationError) as error:
        obligation.full_clean()
    assert "Ngày 31/02 không có trong mọi năm" in str(error.value.message_dict["due_day"])


def test_duplicate_number_and_symbol_for_the_same_issuer_is_refused(make_party):
    ubnd = make_party(kind=Party.Kind.STATE)
    other = make_party(kind=Party.Kind.STATE)
    Regulation.objects.create(number_symbol="4857/QCPH", title="A", issuer=ubnd, term_start=2021, term_end=2025)
    duplicate = Regulation(number_symbol="4857/QCPH", title="B", issuer=ubnd, term_start=2021, term_end=2025)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Cơ quan này đã có một quy chế mang số, ký hiệu này." in str(error.value)
    # Another issuer may use the same number, and drafts without a number never clash.
    Regulation(number_symbol="4857/QCPH", title="C", issuer=other, term_start=2021, term_end=2025).full_clean()
    Document.objects.create(
        kind=Document.Kind.CONCLUSION_NOTICE, issuer=ubnd, place="X", subject="a", number_symbol="/TB-UBND"
    )
    Document(
        kind=Document.Kind.CONCLUSION_NOTICE, issuer=ubnd, place="X", subject="b", number_symbol="/TB-UBND"
    ).full_clean()


def test_a_task_for_a_party_outside_the_obligation_is_refused(demo):
    task = Task.objects.filter(party__code="kt-hnd").first()
    task.party = Party.objects.get(code="kt-so-tc")
    with pytest.raises(ValidationError) as error:
        task.full_clean(validate_unique=False)
    assert "không thuộc các đơn vị thực hiện nhiệm vụ này" in str(error.value)


def test_a_successor_may_hold_a_task_of_its_predecessor(demo):
    task = Task.objects.get(party__code="qn-hnd", period__year=2025)
    task.full_clean(validate_unique=False)


def test_reporting_periods_follow_decree_09(db):
    assert Period.bounds(Period.Kind.YEAR, 2025) == (D(2024, 12, 15), D(2025, 12, 14))
    assert Period.bounds(Period.Kind.QUARTER, 2025, 1) == (D(2024, 12, 15), D(2025, 3, 14))
    assert Period.bounds(Period.Kind.QUARTER, 2025, 4) == (D(2025, 9, 15), D(2025, 12, 14))
    assert Period.reporting_year_of(D(2025, 12, 15)) == 2026
    assert Period.reporting_year_of(D(2023, 3, 5)) == 2023
