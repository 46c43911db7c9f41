"""The People's Committee office enters the legal sources in the browser: regulations, documents with their
items, meetings with their attendees and conclusions. Each create and change is on the source's trail; once
tasks depend on a source, a change is an amendment with its reason, and a row obligations point to stays."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from obligations.models import Obligation
from regulations import services
from regulations.models import (
    Conclusion,
    Document,
    DocumentItem,
    Meeting,
    MeetingAttendee,
    Party,
    Regulation,
    SourceEvent,
)
from regulations.services import Row

DIRECTIVE = "106/UBND-KGVX"
HND_REGULATION = "4861/QCPH-UBND-HND"


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Regulation, Document, DocumentItem, Meeting, MeetingAttendee, Conclusion, SourceEvent)
    }


def _value(value):
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return None if value is None else str(value)


def page_data(response) -> dict:
    """What the browser would send back for the form as the page shows it (management forms included)."""
    data: dict = {}
    forms = [response.context["form"]]
    for formset in response.context["formsets"]:
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        forms += formset.forms
    for form in forms:
        for field in form:
            value = _value(field.value())
            if value is not None and value != "":
                data[field.html_name] = value
    return data


def _events(source) -> list[SourceEvent]:
    return list(SourceEvent.objects.filter(object_id=source.pk, content_type__model=source._meta.model_name))


def _trail_of(response) -> str:
    page = response.content.decode()
    return page[page.index('id="trail-title"') :]


@pytest.fixture
def office(client, users):
    client.force_login(users["vanphong"])
    return client


# --- regulations -----------------------------------------------------------------------------------------


def _regulation_post(demo, **changes) -> dict:
    data = {
        "number_symbol": "12/QCPH-UBND-MTTQ",
        "title": "Quy chế phối hợp giữa UBND tỉnh và Ủy ban MTTQ Việt Nam tỉnh giai đoạn 2026 - 2030",
        "issuer": demo["qn-ubnd"].pk,
        "signed_on": "15/01/2024",
        "term_start": "2026",
        "term_end": "2030",
        "signatories": [demo["qn-ubnd"].pk, demo["qn-mttq"].pk],
        "status": Regulation.Status.IN_FORCE,
        "note": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_office_registers_a_regulation_and_its_trail_starts(office, demo, users):
    response = office.post(reverse("regulations:regulation_create"), _regulation_post(demo))
    regulation = Regulation.objects.get(number_symbol="12/QCPH-UBND-MTTQ")
    assert response.status_code == 302 and response["Location"] == regulation.get_absolute_url()
    assert set(regulation.signatories.values_list("code", flat=True)) == {"qn-ubnd", "qn-mttq"}
    assert regulation.signed_on == datetime.date(2024, 1, 15)
    [event] = _events(regulation)
    assert event.action == SourceEvent.Action.CREATED and event.actor == users["vanphong"]
    assert event.changes["term_start"] == ["", "2026"]
    page = office.get(regulation.get_absolute_url())
    assert "Tạo mới" in _trail_of(page)
    assert reverse("regulations:regulation_edit", args=[regulation.pk]) in page.content.decode()


def test_a_plain_edit_is_recorded_as_changed_with_what_changed(office, demo):
    regulation = Regulation.objects.get(number_symbol=HND_REGULATION)
    url = reverse("regulations:regulation_edit", args=[regulation.pk])
    page = office.get(url)
    assert "reason" not in page.context["form"].fields  # no task depends on it: no reason asked
    data = page_data(page) | {"note": "Hết giai đoạn 2021 - 2025.", "signed_on": "30/12/2020"}
    response = office.post(url, data)
    assert response.status_code == 302
    [event] = _events(regulation)
    assert event.action == SourceEvent.Action.CHANGED
    assert event.changes == {"signed_on": ["31/12/2020", "30/12/2020"], "note": ["", "Hết giai đoạn 2021 - 2025."]}
    trail = _trail_of(office.get(regulation.get_absolute_url()))
    assert "Sửa" in trail and "31/12/2020" in trail and "Ngày ký" in trail


def test_saving_an_unchanged_form_records_nothing(office):
    regulation = Regulation.objects.get(number_symbol=HND_REGULATION)
    url = reverse("regulations:regulation_edit", args=[regulation.pk])
    assert office.post(url, page_data(office.get(url))).status_code == 302
    assert _events(regulation) == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"term_end": "2025"}, "term_end", "Năm kết thúc giai đoạn không được trước năm bắt đầu."),
        ({"signed_on": "01/01/2999"}, "signed_on", "Ngày ký không được sau ngày hôm nay."),
        ({"signatories": None}, "signatories", "Cần chọn ít nhất một bên ký kết."),
        ({"number_symbol": "4857/QCPH-UBND-UBMTTQVN", "issuer": "kt"}, "number_symbol", "đã có một quy chế mang số"),
        ({"number_symbol": "QCPH 12"}, "number_symbol", "Số, ký hiệu phải có dạng"),
    ],
)
def test_bad_input_saves_nothing_and_says_why_under_the_field(office, demo, changes, field, message):
    if changes.get("issuer") == "kt":
        changes["issuer"] = demo["kt-ubnd"].pk
    before = _counts()
    response = office.post(reverse("regulations:regulation_create"), _regulation_post(demo, **changes))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()
    assert _counts() == before


def test_a_regulation_cannot_replace_itself(office):
    regulation = Regulation.objects.get(number_symbol=HND_REGULATION)
    url = reverse("regulations:regulation_edit", args=[regulation.pk])
    page = office.get(url)
    # The form does not offer it; a forged choice is refused by the form, the service refuses it too.
    assert regulation not in page.context["form"].fields["replaces"].queryset
    response = office.post(url, page_data(page) | {"replaces": regulation.pk})
    assert response.status_code == 400 and "replaces" in response.context["form"].errors
    with pytest.raises(ValidationError) as refused:
        services.regulation_update(actor=page.wsgi_request.user, regulation=regulation, data={"replaces": regulation})
    assert refused.value.message_dict["replaces"] == ["Một quy chế không thể thay thế chính nó."]
    assert _events(regulation) == []


def test_a_regulation_with_tasks_is_amended_only_with_a_reason(office, users):
    regulation = Regulation.objects.get(number_symbol=HND_REGULATION)
    # One of directive 106's obligations, with its tasks, read as sourced from the regulation itself.
    obligation = Obligation.objects.filter(source_item__document__number_symbol=DIRECTIVE, tasks__isnull=False)[0]
    Obligation.objects.filter(pk=obligation.pk).update(source_item=None, source_regulation=regulation)
    url = reverse("regulations:regulation_edit", args=[regulation.pk])
    page = office.get(url)
    assert page.context["form"].fields["reason"].required
    data = page_data(page) | {"title": "Quy chế phối hợp với Hội Nông dân tỉnh (đính chính)"}
    refused = office.post(url, data)
    assert refused.status_code == 400
    assert "cần ghi lý do sửa đổi" in " ".join(refused.context["form"].errors["reason"])
    assert _events(regulation) == []
    assert office.post(url, data | {"reason": "Đính chính tên quy chế."}).status_code == 302
    [event] = _events(regulation)
    assert event.action == SourceEvent.Action.AMENDED and event.message == "Đính chính tên quy chế."
    assert event.changes["title"][1] == "Quy chế phối hợp với Hội Nông dân tỉnh (đính chính)"
    assert "Lý do: Đính chính tên quy chế." in _trail_of(office.get(regulation.get_absolute_url()))


# --- who may write ---------------------------------------------------------------------------------------


def test_a_reporter_is_refused_every_form_and_nothing_is_written(client, users, demo):
    client.force_login(users["hnd"])
    regulation = Regulation.objects.get(number_symbol=HND_REGULATION)
    document = Document.objects.get(number_symbol=DIRECTIVE)
    before = _counts()
    for url in [
        reverse("regulations:regulation_create"),
        reverse("regulations:document_create"),
        reverse("regulations:meeting_create"),
        reverse("regulations:regulation_edit", args=[regulation.pk]),
        reverse("regulations:document_edit", args=[document.pk]),
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, _regulation_post(demo)).status_code == 403, url
    assert _counts() == before
    listing = client.get(reverse("regulations:regulation_list")).content.decode()
    assert reverse("regulations:regulation_create") not in listing
    page = client.get(regulation.get_absolute_url()).content.decode()
    assert reverse("regulations:regulation_edit", args=[regulation.pk]) not in page


def test_another_jurisdictions_office_neither_sees_nor_writes(client, users, demo):
    client.force_login(users["tanyen"])
    regulation = Regulation.objects.get(number_symbol=HND_REGULATION)
    document = Document.objects.get(number_symbol=DIRECTIVE)
    before = _counts()
    for url in [
        reverse("regulations:regulation_edit", args=[regulation.pk]),
        reverse("regulations:document_edit", args=[document.pk]),
    ]:
        assert client.get(url).status_code == 404
        assert client.post(url, {"title": "Đổi tên"}).status_code == 404
    # Tân Yên may add sources, but only for its own district: Quảng Ngãi is not among the issuers offered.
    response = client.post(reverse("regulations:regulation_create"), _regulation_post(demo))
    assert response.status_code == 400 and "issuer" in response.context["form"].errors
    assert _counts() == before


def test_the_kon_tum_office_cannot_edit_the_tan_yen_meeting(office):
    meeting = Meeting.objects.get()
    assert office.get(reverse("regulations:meeting_edit", args=[meeting.pk])).status_code == 404


def test_the_focal_agency_sees_the_meeting_but_may_not_edit_it(client, users):
    client.force_login(users["noivu_tanyen"])
    meeting = Meeting.objects.get()
    before = _counts()
    assert client.post(reverse("regulations:meeting_edit", args=[meeting.pk]), {"title": "X"}).status_code == 403
    assert _counts() == before
    assert (
        reverse("regulations:meeting_edit", args=[meeting.pk])
        not in client.get(meeting.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize("who", ["hnd", "lanhdao", "sonoivu", "tanyen", "outsider", None])
def test_the_services_refuse_an_actor_without_the_right(users, demo, who):
    actor = users[who] if who else None
    regulation = Regulation.objects.get(number_symbol=HND_REGULATION)
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.regulation_create(
            actor=actor,
            data={"issuer": demo["kt-ubnd"], "title": "Quy chế", "term_start": 2026, "term_end": 2030},
            signatories=[demo["kt-ubnd"]],
        )
    with pytest.raises(PermissionDenied):
        services.regulation_update(actor=actor, regulation=regulation, data={"note": "x"})
    with pytest.raises(PermissionDenied):
        services.document_create(actor=actor, data={"issuer": demo["qn-ubnd"], "kind": "plan", "subject": "x"})
    assert _counts() == before


def test_an_office_cannot_move_a_source_to_a_jurisdiction_it_does_not_write_for(users, demo):
    document = Document.objects.get(number_symbol=DIRECTIVE)
    with pytest.raises(PermissionDenied):
        services.document_update(
            actor=users["vanphong"], document=document, data={"issuer": demo["ty-ubnd"]}, reason="Chuyển."
        )
    document.refresh_from_db()
    assert document.issuer.code == "kt-ubnd"


# --- documents -------------------------------------------------------------------------------------------


def _document_post(demo, response, **changes) -> dict:
    data = page_data(response) | {
        "kind": Document.Kind.PLAN,
        "issuer": demo["qn-ubnd"].pk,
        "number_symbol": "25/KH-UBND",
        "place": "Quảng Ngãi",
        "issued_on": "20/02/2026",
        "title": "KẾ HOẠCH",
        "subject": "Thực hiện quy chế phối hợp năm 2026",
        "addressees": "Các sở, ban, ngành tỉnh\nUBND các xã, phường",
        "body": "Để triển khai quy chế phối hợp, UBND tỉnh ban hành kế hoạch như sau:",
        "distribution": "Như trên;\nLưu: VT, NC.",
        "signing_authority": Document.Authority.KT,
        "signing_block": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        "signer_title": "Phó Chủ tịch",
        "signer_name": "Nguyễn Văn A",
        "items-0-label": "1",
        "items-0-text": "Sở Nội vụ tổng hợp kết quả trước ngày 25/12.",
        "items-1-label": "2",
        "items-1-text": "Các tổ chức báo cáo trước ngày 15/12.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_office_enters_a_document_with_its_items(office, demo):
    url = reverse("regulations:document_create")
    page = office.get(url)
    assert page.status_code == 200 and page.context["formsets"][0].total_form_count() == 3  # blank rows, no JS
    response = office.post(url, _document_post(demo, page))
    document = Document.objects.get(number_symbol="25/KH-UBND")
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert not document.is_draft and document.signer_name == "Nguyễn Văn A"
    assert list(document.items.values_list("order", "label")) == [(1, "1"), (2, "2")]
    [event] = _events(document)
    assert event.action == SourceEvent.Action.CREATED
    detail = office.get(document.get_absolute_url()).content.decode()
    assert "Sở Nội vụ tổng hợp kết quả trước ngày 25/12." in detail
    assert reverse("regulations:document_edit", args=[document.pk]) in detail


def test_an_unnumbered_document_is_a_draft_whatever_the_form_says(office, demo):
    url = reverse("regulations:document_create")
    office.post(url, _document_post(demo, office.get(url), number_symbol="/KH-UBND", is_draft=""))
    document = Document.objects.get(number_symbol="/KH-UBND")
    assert document.is_draft
    edit = reverse("regulations:document_edit", args=[document.pk])
    office.post(edit, page_data(office.get(edit)) | {"number_symbol": "30/KH-UBND"})
    document.refresh_from_db()
    assert not document.is_draft
    [_created, changed] = _events(document)
    assert changed.changes["number_symbol"] == ["/KH-UBND", "30/KH-UBND"]


def test_items_are_reordered_and_deleted_on_a_document_without_tasks(office, demo):
    url = reverse("regulations:document_create")
    office.post(url, _document_post(demo, office.get(url)))
    document = Document.objects.get(number_symbol="25/KH-UBND")
    first, second = document.items.all()
    edit = reverse("regulations:document_edit", args=[document.pk])
    data = page_data(office.get(edit)) | {"items-0-ORDER": "2", "items-1-ORDER": "1"}
    data |= {"items-2-label": "3", "items-2-text": "Mục mới."}
    assert office.post(edit, data).status_code == 302
    assert list(document.items.values_list("pk", flat=True)[:2]) == [second.pk, first.pk]
    data = page_data(office.get(edit)) | {"items-0-DELETE": "on"}  # the first row is now the old second
    assert office.post(edit, data).status_code == 302
    assert list(document.items.values_list("label", flat=True)) == ["1", "3"]
    deleted = _events(document)[-1].changes[f"items:{second.pk}"]
    assert deleted == ["2. Các tổ chức báo cáo trước ngày 15/12.", ""]


def test_an_invalid_item_saves_nothing_and_is_shown_on_its_row(office, demo):
    url = reverse("regulations:document_create")
    before = _counts()
    response = office.post(url, _document_post(demo, office.get(url), **{"items-1-text": ""}))
    assert response.status_code == 400
    assert response.context["formsets"][0].forms[1].errors["text"]
    assert _counts() == before


def test_a_duplicate_document_number_is_refused_under_the_field(office, demo):
    url = reverse("regulations:document_create")
    before = _counts()
    response = office.post(
        url, _document_post(demo, office.get(url), number_symbol=DIRECTIVE, issuer=demo["kt-ubnd"].pk)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["number_symbol"] == ["Cơ quan này đã có một văn bản mang số, ký hiệu này."]
    assert _counts() == before


def test_directive_106_has_tasks_so_an_edit_needs_a_reason_and_is_an_amendment(office, users):
    document = Document.objects.get(number_symbol=DIRECTIVE)
    url = reverse("regulations:document_edit", args=[document.pk])
    page = office.get(url)
    assert "Nguồn này đã có nhiệm vụ được giao." in page.content.decode()
    item = document.items.get(order=1)
    data = page_data(page) | {"items-0-text": item.text + " (đính chính)"}
    refused = office.post(url, data)
    assert refused.status_code == 400 and refused.context["form"].errors["reason"]
    item.refresh_from_db()
    assert not item.text.endswith("(đính chính)") and _events(document) == []
    assert office.post(url, data | {"reason": "Đính chính mục 1."}).status_code == 302
    item.refresh_from_db()
    assert item.text.endswith("(đính chính)")
    [event] = _events(document)
    assert event.action == SourceEvent.Action.AMENDED and event.actor == users["vanphong"]
    assert event.message == "Đính chính mục 1."
    assert event.changes[f"items:{item.pk}"][1].endswith("(đính chính)")
    trail = _trail_of(office.get(document.get_absolute_url()))
    assert "Sửa đổi sau khi đã giao nhiệm vụ" in trail and "Đính chính mục 1." in trail


def test_an_item_that_obligations_point_to_cannot_be_deleted(office):
    document = Document.objects.get(number_symbol=DIRECTIVE)
    item = document.items.filter(obligations__isnull=False).order_by("order")[0]
    url = reverse("regulations:document_edit", args=[document.pk])
    page = office.get(url)
    row = next(i for i, form in enumerate(page.context["formsets"][0].forms) if form.instance.pk == item.pk)
    before = _counts()
    response = office.post(url, page_data(page) | {f"items-{row}-DELETE": "on", "reason": "Bỏ mục."})
    assert response.status_code == 400
    message = f"Mục {item.label} đang là nguồn của nhiệm vụ nên không thể xóa; chỉ có thể sửa nội dung."
    assert message in response.context["formsets"][0].forms[row].non_field_errors()
    assert message in response.content.decode()
    assert DocumentItem.objects.filter(pk=item.pk).exists() and _counts() == before
    with pytest.raises(ValidationError):  # the service refuses it too, whoever calls
        services.document_update(
            actor=page.wsgi_request.user, document=document, data={}, items=[Row(pk=item.pk, delete=True)], reason="x"
        )


# --- meetings --------------------------------------------------------------------------------------------


def _meeting_post(demo, response, **changes) -> dict:
    data = page_data(response) | {
        "kind": Meeting.Kind.INTERIM_REVIEW,
        "title": "Hội nghị sơ kết quy chế phối hợp 6 tháng đầu năm 2024",
        "held_on": "15/07/2024",
        "place": "Hội trường UBND huyện",
        "host": demo["ty-ubnd"].pk,
        "chair_title": "Chủ tịch UBND huyện",
        "reviewed_period": "6 tháng đầu năm 2024",
        "reviewed_year": "2024",
        "results": "Các tổ chức tham gia đầy đủ.",
        "attendees-0-name": "Phan Thế Vinh",
        "attendees-0-position": "Phó Bí thư Thường trực Huyện ủy",
        "attendees-0-party": demo["ty-huyenuy"].pk,
        "attendees-1-position": "Lãnh đạo các tổ chức chính trị - xã hội huyện",
        "conclusions-0-text": "Phòng Nội vụ tổng hợp kết quả trước ngày 20/12.",
        "conclusions-1-text": "Các tổ chức gửi báo cáo trước ngày 15/12.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_district_office_enters_a_meeting_with_attendees_and_numbered_conclusions(client, users, demo):
    client.force_login(users["tanyen"])
    url = reverse("regulations:meeting_create")
    response = client.post(url, _meeting_post(demo, client.get(url)))
    meeting = Meeting.objects.get(title__startswith="Hội nghị sơ kết")
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert list(meeting.attendees.values_list("order", "name")) == [(1, "Phan Thế Vinh"), (2, "")]
    assert list(meeting.conclusions.values_list("number", flat=True)) == [1, 2]
    [event] = _events(meeting)
    assert event.action == SourceEvent.Action.CREATED and event.actor == users["tanyen"]
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert "Các tổ chức gửi báo cáo trước ngày 15/12." in detail and "Tạo mới" in detail


def test_the_tan_yen_meeting_has_tasks_its_conclusions_are_amended_not_deleted(client, users):
    client.force_login(users["tanyen"])
    meeting = Meeting.objects.get()
    url = reverse("regulations:meeting_edit", args=[meeting.pk])
    page = client.get(url)
    conclusions = page.context["formsets"][1]
    fifth = next(i for i, form in enumerate(conclusions.forms) if form.instance.number == 5)
    before = _counts()
    refused = client.post(url, page_data(page) | {f"conclusions-{fifth}-DELETE": "on", "reason": "Bỏ."})
    assert refused.status_code == 400
    assert "Kết luận 5 đang là nguồn của nhiệm vụ" in refused.content.decode()
    assert _counts() == before
    data = page_data(page) | {
        f"conclusions-{fifth}-text": "Giao Phòng Nội vụ huyện hoàn thiện Quy chế trước 10/3/2023."
    }
    assert client.post(url, data).status_code == 400  # no reason
    assert client.post(url, data | {"reason": "Lùi thời hạn theo chỉ đạo."}).status_code == 302
    [event] = _events(meeting)
    assert event.action == SourceEvent.Action.AMENDED
    assert list(event.changes) == [f"conclusions:{conclusions.forms[fifth].instance.pk}"]


def test_two_conclusions_can_swap_their_numbers(users, demo):
    meeting = services.meeting_create(
        actor=users["tanyen"],
        data={"kind": "briefing", "title": "Giao ban", "held_on": datetime.date(2024, 3, 1), "host": demo["ty-ubnd"]},
        conclusions=[Row(values={"text": "Thứ nhất."}), Row(values={"text": "Thứ hai."})],
    )
    one, two = meeting.conclusions.all()
    services.meeting_update(
        actor=users["tanyen"],
        meeting=meeting,
        data={},
        conclusions=[Row(pk=one.pk, values={"number": 2}), Row(pk=two.pk, values={"number": 1})],
    )
    assert list(meeting.conclusions.values_list("text", flat=True)) == ["Thứ hai.", "Thứ nhất."]
    with pytest.raises(ValidationError) as duplicate:
        services.meeting_update(
            actor=users["tanyen"], meeting=meeting, data={}, conclusions=[Row(pk=one.pk, values={"number": 1})]
        )
    assert "Số thứ tự bị trùng: 1." in duplicate.value.message_dict["conclusions"][0]


# --- the trail itself ------------------------------------------------------------------------------------


def test_the_trail_is_append_only(users, demo):
    regulation = Regulation.objects.get(number_symbol=HND_REGULATION)
    services.regulation_update(actor=users["vanphong"], regulation=regulation, data={"note": "Ghi chú."})
    event = SourceEvent.objects.get(object_id=regulation.pk, content_type__model="regulation")
    event.message = "sửa lại"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        SourceEvent.objects.filter(pk=event.pk).update(message="x")
    with pytest.raises(PermissionError):
        SourceEvent.objects.all().delete()


def test_the_list_pages_offer_adding_to_the_office_only(office, client, users):
    for name, label in [
        ("regulation_list", "Thêm quy chế"),
        ("document_list", "Thêm văn bản"),
        ("meeting_list", "Thêm cuộc họp"),
    ]:
        assert label in office.get(reverse(f"regulations:{name}")).content.decode()
    client.force_login(users["lanhdao"])
    assert "Thêm văn bản" not in client.get(reverse("regulations:document_list")).content.decode()


def test_the_forms_speak_english_too(office):
    office.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = office.get(reverse("regulations:document_create")).content.decode()
    assert "Add a document" in page and "Sections of the document" in page and "Thêm văn bản" not in page


def test_party_choices_are_limited_to_the_editors_jurisdictions(office):
    form = office.get(reverse("regulations:document_create")).context["form"]
    codes = set(form.fields["issuer"].queryset.values_list("code", flat=True))
    assert {"kt-ubnd", "qn-ubnd", "kt-snv"} <= codes and not codes & {"ty-ubnd", "bg-ubnd"}
    assert Party.objects.get(code="ty-ubnd") not in form.fields["issuer"].queryset
