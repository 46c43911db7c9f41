"""The schedule of each recurrence, the periods it falls in, and tasks created as their period opens."""

import datetime

import pytest
import time_machine

from obligations.models import Obligation, Period, Task
from obligations.services import tasks_generate
from obligations.tasks import generate_opened_periods
from regulations.models import Document, DocumentItem, Party

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def source(make_party):
    ubnd = make_party("UBND tỉnh lịch", kind=Party.Kind.STATE, is_jurisdiction=True)
    org = make_party("Hội Nông dân tỉnh lịch", parent=ubnd)
    document = Document.objects.create(kind=Document.Kind.PLAN, issuer=ubnd, place="Thử", subject="Lịch")
    item = DocumentItem.objects.create(document=document, order=1, label="1", text="…")
    return {"ubnd": ubnd, "org": org, "item": item}


def _obligation(source, **fields):
    values = {
        "title": "Báo cáo định kỳ thử",
        "source_item": source["item"],
        "deliverable": Obligation.Deliverable.REPORT,
        "applies_from": D(2026, 1, 1),
        "applies_to": D(2026, 12, 31),
        "move_to_working_day": False,
        **fields,
    }
    obligation = Obligation(**values)
    obligation.full_clean()
    obligation.save()
    obligation.responsible_parties.set([source["org"]])
    return obligation


@pytest.mark.parametrize(
    ("kind", "number", "start", "end"),
    [
        ("year", 0, D(2025, 12, 15), D(2026, 12, 14)),
        ("half", 1, D(2025, 12, 15), D(2026, 6, 14)),
        ("half", 2, D(2026, 6, 15), D(2026, 12, 14)),
        ("quarter", 1, D(2025, 12, 15), D(2026, 3, 14)),
        ("quarter", 4, D(2026, 9, 15), D(2026, 12, 14)),
        ("month", 1, D(2025, 12, 15), D(2026, 1, 14)),
        ("month", 3, D(2026, 2, 15), D(2026, 3, 14)),
        ("month", 12, D(2026, 11, 15), D(2026, 12, 14)),
    ],
)
def test_periods_are_cut_on_the_15th_as_decree_09_cuts_the_year(kind, number, start, end):
    assert Period.bounds(kind, 2026, number) == (start, end)


def test_period_labels():
    assert Period(kind="half", year=2026, quarter=1).label == "6 tháng đầu năm 2026"
    assert Period(kind="half", year=2026, quarter=2).label == "6 tháng cuối năm 2026"
    assert Period(kind="month", year=2026, quarter=3).label == "Tháng 3/2026"
    assert Period(kind="quarter", year=2026, quarter=2).label == "Quý II/2026"


def test_half_yearly_with_the_month_of_its_first_deadline(source):
    # "báo cáo 6 tháng trước ngày 15/6 và 15/12": last days 14/06 and 14/12.
    ob = _obligation(source, recurrence="half-yearly", due_day=14, due_month=6, due_wording="trước ngày 15/6")
    assert ob.schedule() == [("half", 2026, 1, D(2026, 6, 14)), ("half", 2026, 2, D(2026, 12, 14))]


def test_half_yearly_without_a_month_is_due_in_the_month_after_each_half(source):
    ob = _obligation(source, recurrence="half-yearly", due_day=10, applies_to=D(2027, 12, 31))
    assert ob.schedule()[:3] == [
        ("half", 2026, 1, D(2026, 7, 10)),
        ("half", 2026, 2, D(2027, 1, 10)),
        ("half", 2027, 1, D(2027, 7, 10)),
    ]


def test_quarterly_is_due_in_the_month_after_each_quarter(source):
    ob = _obligation(source, recurrence="quarterly", due_day=5, applies_to=D(2027, 1, 31))
    assert [row[3] for row in ob.schedule()] == [D(2026, 4, 5), D(2026, 7, 5), D(2026, 10, 5), D(2027, 1, 5)]


def test_monthly_with_the_month_of_its_first_deadline_is_due_in_each_month(source):
    # "trước ngày 20 hằng tháng": the last day 19 of each month, from January.
    ob = _obligation(source, recurrence="monthly", due_day=19, due_month=1, due_wording="trước ngày 20 hằng tháng")
    rows = ob.schedule()
    assert len(rows) == 12
    assert rows[0] == ("month", 2026, 1, D(2026, 1, 19))
    assert rows[11] == ("month", 2026, 12, D(2026, 12, 19))


def test_a_sub_annual_day_after_28_is_refused_with_a_vietnamese_message(source):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        _obligation(source, recurrence="monthly", due_day=30)
    assert "phải có ngày hạn từ 1 đến 28" in str(error.value)


def test_the_last_day_in_words(source):
    assert _obligation(source, recurrence="yearly", due_day=14, due_month=12).last_day_text == "14/12 hằng năm"
    assert _obligation(source, recurrence="once", due_date=D(2026, 3, 4)).last_day_text == "04/03/2026"
    assert _obligation(source, recurrence="continuous").last_day_text == ""


def test_a_new_obligation_moves_a_day_off_by_default():
    assert Obligation._meta.get_field("move_to_working_day").default is True


def test_tasks_appear_as_their_period_opens_and_stop_at_the_end_of_the_term(source):
    ob = _obligation(source, recurrence="quarterly", due_day=5, applies_to=D(2026, 12, 31))
    with time_machine.travel(datetime.datetime(2026, 3, 1, 8, tzinfo=datetime.UTC), tick=False):
        assert tasks_generate(obligations=[ob]).created == 1  # only Q1 (from 15/12/2025) has opened
    with time_machine.travel(datetime.datetime(2026, 3, 15, 8, tzinfo=datetime.UTC), tick=False):
        assert generate_opened_periods()["created"] >= 1  # Q2 opens on 15/03: the daily job creates it
    assert sorted(Task.objects.filter(obligation=ob).values_list("period__quarter", flat=True)) == [1, 2]
    with time_machine.travel(datetime.datetime(2027, 6, 1, 8, tzinfo=datetime.UTC), tick=False):
        tasks_generate(obligations=[ob])
        tasks_generate(obligations=[ob])
    # Q4's deadline (05/01/2027) is after the term: the term's end stops the schedule at Q3.
    assert sorted(Task.objects.filter(obligation=ob).values_list("period__quarter", flat=True)) == [1, 2, 3]


def test_a_one_off_task_is_created_at_once_even_in_a_period_not_yet_open(source):
    ob = _obligation(
        source, recurrence="once", due_date=D(2026, 12, 20), applies_from=D(2026, 1, 1), applies_to=D(2026, 12, 31)
    )
    # 20/12/2026 belongs to reporting year 2027, which opens on 15/12/2026.
    with time_machine.travel(datetime.datetime(2026, 12, 3, 8, tzinfo=datetime.UTC), tick=False):
        assert tasks_generate(obligations=[ob]).created == 1
    task = Task.objects.get(obligation=ob)
    assert (task.period.year, task.due_date) == (2027, D(2026, 12, 20))


def test_the_daily_job_is_in_the_beat_schedule_before_the_reminder_pass(settings):
    from config.celery import app

    app.loader.import_default_modules()
    app.finalize()
    entry = app.conf.beat_schedule["tasks-generate"]
    assert entry["task"] == "obligations.tasks.generate_opened_periods"
    assert entry["schedule"].hour == {(settings.REMINDER_HOUR - 2) % 24}
