"""INVENTED: the merged province's 2026–2030 term keeps the demo alive on the day it is loaded."""

import datetime
import zoneinfo

import time_machine
from django.utils import timezone

from demo.seed import demo_load
from obligations.models import Obligation, Submission, Task
from regulations.models import Document, Party, Regulation

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
SOON = datetime.timedelta(days=35)


def _due_soon(code: str, today: datetime.date):
    return Task.objects.filter(party__code=code, state=Task.State.OPEN, due_date__gte=today, due_date__lte=today + SOON)


def test_an_organisation_and_a_commune_have_work_due_soon_on_the_load_date(demo):
    today = timezone.localdate()
    assert _due_soon("qn-hnd", today).exists()
    assert _due_soon("qn-x-dakha-hnd", today).exists()
    assert _due_soon("qn-snv", today + SOON).exists() or _due_soon("qn-snv", today).exists()


def test_the_demo_is_alive_on_another_load_date_too(demo):
    with time_machine.travel(datetime.datetime(2027, 5, 10, 9, tzinfo=HANOI), tick=False):
        demo_load()
        today = datetime.date(2027, 5, 10)
        assert _due_soon("qn-hnd", today).exists()
        assert Task.objects.filter(party__code="qn-x-mangden-hccb", due_date__gte=today, state=Task.State.OPEN).exists()
        # The quarter due before the load date has a history: reported on time, one late, one missing.
        q1 = Task.objects.filter(obligation__is_illustrative=True, party__code__startswith="qn-", due_date__lt=today)
        assert q1.filter(state=Task.State.DONE, on_time=True).exists()
        assert q1.filter(state=Task.State.OPEN).exists()


def test_the_history_up_to_the_load_date_is_a_mix(demo):
    invented = Task.objects.filter(obligation__is_illustrative=True, due_date__lt=timezone.localdate())
    assert invented.filter(state=Task.State.DONE, on_time=True).exists()
    assert invented.filter(state=Task.State.DONE, on_time=False).exists()
    assert invented.filter(state=Task.State.RETURNED).exists()
    assert invented.filter(state=Task.State.OPEN).exists()  # still missing, overdue
    done = invented.filter(state=Task.State.DONE)
    assert Submission.objects.filter(task__in=done, is_illustrative=True).count() == done.count()


def test_everything_invented_is_marked_and_the_seeds_are_not(demo):
    communes = Party.objects.filter(level=Party.Level.COMMUNE)
    assert communes.count() == 4 * 7 and not communes.filter(is_illustrative=False).exists()
    assert not Party.objects.filter(code__in=["kt-hnd", "qn-hnd", "ty-ubnd"], is_illustrative=True).exists()
    assert set(Regulation.objects.filter(term_start=2026).values_list("is_illustrative", flat=True)) == {True}
    assert not Regulation.objects.filter(number_symbol="4861/QCPH-UBND-HND", is_illustrative=True).exists()
    assert not Document.objects.filter(number_symbol="106/UBND-KGVX", is_illustrative=True).exists()
    assert Obligation.objects.filter(applies_from__year=2026, is_illustrative=False).count() == 0
    # The Front and the organisations of a commune are not under its People's Committee.
    front = Party.objects.get(code="qn-x-dakha-mttq")
    assert front.parent.code == "qn-x-dakha-ubnd" and front.superior is None
    assert Party.objects.get(code="qn-x-dakha-hnd").superior == front


def test_the_mark_is_visible_on_an_invented_regulation_and_not_on_a_seed_one(client, users):
    client.force_login(users["vanphong"])
    invented = Regulation.objects.get(number_symbol="19/QCPH-UBND-HND")
    seed = Regulation.objects.get(number_symbol="4861/QCPH-UBND-HND")
    assert "Dữ liệu minh họa" in client.get(invented.get_absolute_url()).content.decode()
    assert "Dữ liệu minh họa" not in client.get(seed.get_absolute_url()).content.decode()
    task = Task.objects.filter(party__code="qn-hnd", obligation__is_illustrative=True).first()
    client.force_login(users["hnd"])
    assert "Dữ liệu minh họa" in client.get(task.get_absolute_url()).content.decode()
