"""The form of one obligation (the intake's review cards use it too) and its create and edit pages."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from obligations.intake_forms import ObligationForm
from obligations.models import Obligation, Task
from obligations.services import tasks_generate
from regulations.models import Document, Party

HANOI = datetime.timezone(datetime.timedelta(hours=7))


def _form(data, demo):
    parties = Party.objects.in_subtree_of([demo["kt-ubnd"]])
    base = {
        "title": "Báo cáo kết quả",
        "recurrence": "yearly",
        "deliverable": "report",
        "responsible_parties": [demo["kt-hnd"].pk],
        "owed_to": demo["kt-ubnd"].pk,
        "applies_from": "2021-01-12",
        "applies_to": "2025-12-31",
        "move_to_working_day": "on",
    }
    return ObligationForm({**base, **data}, parties=parties)


def test_a_yearly_wording_fills_the_blank_last_day(demo):
    form = _form({"due_wording": "hoàn thành trước ngày 15/12"}, demo)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["due_day"], form.cleaned_data["due_month"]) == (14, 12)


def test_a_last_day_that_contradicts_the_wording_is_refused(demo):
    form = _form({"due_wording": "hoàn thành trước ngày 15/12", "due_day": "15", "due_month": "12"}, demo)
    assert not form.is_valid()
    assert form.errors["due_day"] == [
        "Thời hạn theo nguyên văn “hoàn thành trước ngày 15/12” có ngày cuối cùng là 14/12, khác với ngày đã nhập."
    ]


def test_a_one_off_wording_with_its_year_fills_the_date(demo):
    form = _form({"recurrence": "once", "due_wording": "chậm nhất ngày 30/6/2021"}, demo)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due_date"] == datetime.date(2021, 6, 30)


def test_a_one_off_date_against_its_wording(demo):
    form = _form({"recurrence": "once", "due_wording": "trước ngày 05/3/2021", "due_date": "2021-03-05"}, demo)
    assert not form.is_valid()
    assert "có ngày cuối cùng là 04/03/2021" in form.errors["due_date"][0]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"responsible_parties": []}, "responsible_parties", "Cần chọn ít nhất một cơ quan chủ trì."),
        ({"recurrence": "once"}, "due_date", "Nhiệm vụ một lần cần ngày cuối cùng."),
        ({"due_month": "12"}, "due_day", "Nhiệm vụ hằng năm cần ngày cuối cùng."),
        ({"recurrence": "quarterly", "due_day": "30"}, "due_day", "từ 1 đến 28"),
        ({"due_day": "1", "due_month": "1", "applies_to": "2020-01-01"}, "applies_to", "không được trước"),
        ({"due_day": "29", "due_month": "2"}, "due_day", "không có trong mọi năm"),
    ],
    ids=["no-lead", "once-no-date", "yearly-no-day", "quarterly-day-30", "term-reversed", "29-02"],
)
def test_each_mistake_is_said_under_its_field(demo, data, field, message):
    form = _form(data, demo)
    assert not form.is_valid()
    assert any(message in error for error in form.errors[field]), form.errors


def test_a_party_of_another_province_is_not_a_choice(demo):
    form = _form({"responsible_parties": [demo["ty-hnd"].pk], "due_day": "14", "due_month": "12"}, demo)
    assert not form.is_valid()
    assert "responsible_parties" in form.errors


def _item():
    return Document.objects.get(number_symbol="106/UBND-KGVX").items.get(label="2")


def test_a_party_outside_the_sources_jurisdiction_is_refused(client, users, demo):
    client.force_login(users["vanphong"])
    url = reverse("obligations:obligation_new") + f"?item={_item().pk}"
    assert client.get(url).status_code == 200
    with time_machine.travel(datetime.datetime(2025, 12, 1, 9, 0, tzinfo=HANOI), tick=False):
        response = client.post(
            url,
            {
                "title": "Gửi danh sách cán bộ đầu mối",
                "verb": "de_nghi",
                "recurrence": "once",
                "due_wording": "trước ngày 20/12/2025",
                "deliverable": "action",
                "responsible_parties": [demo["qn-hnd"].pk],
                "owed_to": demo["kt-ubnd"].pk,
                "applies_from": "2025-01-01",
                "applies_to": "2025-12-31",
                "move_to_working_day": "on",
            },
        )
    # HND Quảng Ngãi is outside Kon Tum's tree: refused, nothing saved.
    assert response.status_code == 400
    assert not Obligation.objects.filter(title="Gửi danh sách cán bộ đầu mối").exists()


def test_the_office_adds_a_one_off_obligation_and_gets_its_task(client, users, demo):
    client.force_login(users["vanphong"])
    url = reverse("obligations:obligation_new") + f"?item={_item().pk}"
    with time_machine.travel(datetime.datetime(2021, 2, 1, 9, 0, tzinfo=HANOI), tick=False):
        response = client.post(
            url,
            {
                "title": "Gửi danh sách cán bộ đầu mối",
                "verb": "de_nghi",
                "recurrence": "once",
                "due_wording": "trước ngày 01/3/2021",
                "deliverable": "action",
                "responsible_parties": [demo["kt-hnd"].pk],
                "owed_to": demo["kt-ubnd"].pk,
                "applies_from": "2021-01-12",
                "applies_to": "2021-12-31",
                "move_to_working_day": "on",
            },
        )
    assert response.status_code == 302
    obligation = Obligation.objects.get(title="Gửi danh sách cán bộ đầu mối")
    assert obligation.source_item == _item() and obligation.due_date == datetime.date(2021, 2, 28)
    task = Task.objects.get(obligation=obligation)
    assert (task.party, task.nominal_due_date, task.due_date) == (
        demo["kt-hnd"],
        datetime.date(2021, 2, 28),
        datetime.date(2021, 3, 1),  # 28/02/2021 is a Sunday
    )


def test_a_reporting_organisation_cannot_open_the_form(client, users):
    client.force_login(users["hnd"])
    assert client.get(reverse("obligations:obligation_new") + f"?item={_item().pk}").status_code == 403


def _edit_data(obligation, **changes):
    data = {
        "title": obligation.title,
        "description": obligation.description,
        "verb": obligation.verb,
        "responsible_rule": obligation.responsible_rule,
        "recurrence": obligation.recurrence,
        "due_wording": obligation.due_wording,
        "due_date": obligation.due_date.isoformat() if obligation.due_date else "",
        "due_day": obligation.due_day or "",
        "due_month": obligation.due_month or "",
        "deliverable": obligation.deliverable,
        "responsible_parties": [p.pk for p in obligation.responsible_parties.all()],
        "cooperating_parties": [p.pk for p in obligation.cooperating_parties.all()],
        "owed_to": obligation.owed_to_id or "",
        "applies_from": obligation.applies_from.isoformat(),
        "applies_to": obligation.applies_to.isoformat(),
        "source_reference": obligation.source_reference,
        "source_wording": obligation.source_wording,
    }
    if obligation.move_to_working_day:
        data["move_to_working_day"] = "on"
    data.update(changes)
    return data


def _report_obligation():
    return Obligation.objects.filter(tasks__isnull=False, recurrence="yearly", source_item__isnull=False).distinct()[0]


def test_changing_the_schedule_of_an_obligation_with_tasks_needs_a_reason(client, users):
    client.force_login(users["vanphong"])
    obligation = _report_obligation()
    url = reverse("obligations:obligation_edit", args=[obligation.pk])
    assert client.get(url).status_code == 200
    before = Task.objects.count()
    later = (obligation.applies_to + datetime.timedelta(days=366)).isoformat()
    response = client.post(url, _edit_data(obligation, applies_to=later))
    assert response.status_code == 400
    assert "cần ghi lý do" in response.content.decode()
    obligation.refresh_from_db()
    assert obligation.applies_to.isoformat() != later
    assert Task.objects.count() == before


def test_an_edit_with_a_reason_keeps_the_tasks_and_creates_only_the_missing_ones(client, users):
    client.force_login(users["vanphong"])
    obligation = _report_obligation()
    existing = set(Task.objects.filter(obligation=obligation).values_list("pk", "due_date"))
    url = reverse("obligations:obligation_edit", args=[obligation.pk])
    with time_machine.travel(datetime.datetime(2026, 12, 20, 9, 0, tzinfo=HANOI), tick=False):
        client.force_login(users["vanphong"])  # a session opened before the travel would have expired
        response = client.post(
            url,
            _edit_data(obligation, applies_to="2026-12-31", amendment_reason="Gia hạn theo Quyết định mới."),
        )
        assert response.status_code == 302
        assert tasks_generate(obligations=[obligation]).created == 0
    after = set(Task.objects.filter(obligation=obligation).values_list("pk", "due_date"))
    assert existing < after
    assert {row for row in after - existing if row[1].year == 2026}


def test_a_title_change_needs_no_reason(client, users):
    client.force_login(users["vanphong"])
    obligation = _report_obligation()
    response = client.post(
        reverse("obligations:obligation_edit", args=[obligation.pk]), _edit_data(obligation, title="Tên mới")
    )
    assert response.status_code == 302
    obligation.refresh_from_db()
    assert obligation.title == "Tên mới"


def test_tanyen_cannot_edit_kon_tums_obligation(client, users):
    client.force_login(users["tanyen"])
    obligation = _report_obligation()
    assert client.get(reverse("obligations:obligation_edit", args=[obligation.pk])).status_code == 404


def test_an_amendment_of_an_obligation_with_tasks_is_on_its_trail_with_the_reason(demo, users, client):
    from regulations.models import SourceEvent

    report = Obligation.objects.get(title__startswith="Báo cáo đánh giá kết quả triển khai")
    client.force_login(users["vanphong"])
    page = client.get(reverse("obligations:obligation_edit", args=[report.pk]))
    form = page.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "__iter__") and not isinstance(value, str):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "strftime"):
            data[name] = value.strftime("%d/%m/%Y")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = getattr(value, "pk", value)
    data["title"] = "Báo cáo đánh giá kết quả thực hiện Quy chế phối hợp (sửa tên)"
    data["amendment_reason"] = "Chuẩn hóa tên nhiệm vụ theo văn bản"
    response = client.post(reverse("obligations:obligation_edit", args=[report.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    [event] = SourceEvent.objects.filter(object_id=report.pk, content_type__model="obligation")
    assert event.action == SourceEvent.Action.AMENDED
    assert event.message == "Chuẩn hóa tên nhiệm vụ theo văn bản"
    assert event.changes["title"][1].endswith("(sửa tên)")
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "Chuẩn hóa tên nhiệm vụ theo văn bản" in detail and "Sửa đổi sau khi đã giao nhiệm vụ" in detail
