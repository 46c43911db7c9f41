"""The intake: paste or upload a document, review what was read, confirm; the tasks exist at once."""

import datetime
import io
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from obligations import intake
from obligations.models import Obligation, Task
from obligations.services import tasks_generate
from regulations.models import Document, DocumentItem

CORPUS = Path(__file__).resolve().parents[1] / "extraction" / "corpus"
HANOI = datetime.timezone(datetime.timedelta(hours=7))
# The demo already holds directive 106/UBND-KGVX of Kon Tum: the same text under another number is a new one.
TEXT_106 = (CORPUS / "100_seed000_kontum_106_ubnd_kgvx.txt").read_text(encoding="utf-8")
TEXT_107 = TEXT_106.replace("Số: 106 /UBND-KGVX", "Số: 107 /UBND-KGVX")
TEXT_TANYEN = (CORPUS / "103_seed003_tanyen_thong_bao_ket_luan.txt").read_text(encoding="utf-8")
NO_ITEMS = "ỦY BAN NHÂN DÂN TỈNH KON TUM\nSố: 5/UBND-KGVX\n\nKon Tum, ngày 12 tháng 01 năm 2021\n\nTrời hôm nay đẹp.\n"
NOW = datetime.datetime(2025, 12, 1, 9, 0, tzinfo=HANOI)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def office(client, users):
    client.force_login(users["vanphong"])
    return client


def _start(client, jurisdiction, text="", upload=None):
    data = {"jurisdiction": jurisdiction.pk, "text": text}
    if upload is not None:
        data["upload"] = upload
    return client.post(reverse("obligations:intake"), data)


def _review_data(response) -> dict:
    """Everything the review page would post back, as a browser would send it untouched."""
    context = response.context
    data = {"payload": context["payload"]}
    document_form, formset = context["document_form"], context["formset"]
    for form in [document_form, formset.management_form, *formset.forms]:
        for bound in form:
            value = bound.value()
            if value is None:
                continue
            if bound.widget_type == "checkbox":
                if value:
                    data[bound.html_name] = "on"
                continue
            if isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(v) for v in value]
            elif isinstance(value, datetime.date):
                data[bound.html_name] = value.isoformat()
            else:
                data[bound.html_name] = str(value)
    return data


def _confirm(client, data):
    return client.post(reverse("obligations:intake_confirm"), data)


def _counts():
    return (Document.objects.count(), DocumentItem.objects.count(), Obligation.objects.count(), Task.objects.count())


def test_the_intake_page_offers_the_jurisdictions_the_office_writes_for(office, demo):
    response = office.get(reverse("obligations:intake"))
    assert response.status_code == 200
    choices = {str(label) for _value, label in response.context["form"].fields["jurisdiction"].choices}
    # The provinces and the districts below them; never another province's district.
    assert {demo["kt-ubnd"].name, demo["qn-ubnd"].name, demo["kt-dakha"].name} <= choices
    assert demo["ty-ubnd"].name not in choices


def test_pasting_106_shows_its_fields_and_five_proposals_with_the_source_highlighted(office, demo, frozen):
    before = _counts()
    response = _start(office, demo["kt-ubnd"], TEXT_107)
    assert response.status_code == 200
    assert response.templates[0].name == "obligations/intake_review.html"
    document = response.context["document_form"]
    assert document["number_symbol"].value() == "107/UBND-KGVX"
    assert document["issued_on"].value() == datetime.date(2021, 1, 12)
    assert document["signer_name"].value() == "Y Ngọc"
    assert document["signing_authority"].value() == "KT"
    forms = response.context["formset"].forms
    assert len(forms) == 5
    report = forms[1]
    assert report["recurrence"].value() == "yearly"
    assert (report["due_day"].value(), report["due_month"].value()) == (14, 12)
    assert report["due_wording"].value() == "hoàn thành trước ngày 15/12"
    assert report["verb"].value() == Obligation.Verb.REQUEST
    assert set(report["responsible_parties"].value()) == {
        demo[c].pk for c in ("kt-mttq", "kt-hccb", "kt-ldld", "kt-hlhpn", "kt-hnd")
    }
    assert report["applies_to"].value() == datetime.date(2025, 12, 31)  # "giai đoạn 2021 - 2025"
    html = response.content.decode()
    assert html.count("<mark>") == 5
    assert "<mark>2. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh" in html
    assert _counts() == before  # nothing saved before confirmation


def test_confirming_creates_the_document_items_obligations_and_the_open_periods_tasks(office, demo, frozen):
    review = _start(office, demo["kt-ubnd"], TEXT_107)
    data = _review_data(review)
    data["p-0-keep"] = "drop"  # the clerk drops the first item and renames the report
    data["p-1-title"] = "Báo cáo đánh giá kết quả thực hiện Quy chế (107)"
    response = _confirm(office, data)
    assert response.status_code == 302, response.context and response.context["formset"].errors
    document = Document.objects.get(number_symbol="107/UBND-KGVX")
    assert response["Location"] == document.get_absolute_url()
    assert not document.is_draft and document.issuer == demo["kt-ubnd"]
    assert [i.label for i in document.items.all()] == ["2", "3", "4", "Đoạn kết"]
    report = Obligation.objects.get(title="Báo cáo đánh giá kết quả thực hiện Quy chế (107)")
    assert report.source_item.label == "2" and report.source_document == document
    assert (report.recurrence, report.due_day, report.due_month) == ("yearly", 14, 12)
    assert report.owed_to == demo["kt-ubnd"]
    # Five organisations × the reporting years 2021–2025, all open on 01/12/2025.
    tasks = Task.objects.filter(obligation=report).select_related("period", "party")
    assert tasks.count() == 25
    last_2025 = tasks.filter(period__year=2025)
    assert {t.nominal_due_date for t in last_2025} == {datetime.date(2025, 12, 14)}
    assert {t.due_date for t in last_2025} == {datetime.date(2025, 12, 15)}  # 14/12/2025 is a Sunday
    # Kon Tum's organisations merged into Quảng Ngãi's on 01/07/2025: the 2025 report goes to the successor.
    assert demo["qn-hnd"] in {t.party for t in last_2025}
    created = Task.objects.filter(obligation__source_item__document=document).count()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("4 nhiệm vụ phối hợp" in m and f"{created} nhiệm vụ của đơn vị" in m for m in messages)


def test_confirming_then_generating_again_creates_nothing_more(office, demo, frozen):
    response = _confirm(office, _review_data(_start(office, demo["kt-ubnd"], TEXT_107)))
    assert response.status_code == 302
    obligations = Obligation.objects.filter(source_item__document__number_symbol="107/UBND-KGVX")
    count = Task.objects.count()
    assert tasks_generate(obligations=obligations).created == 0
    assert Task.objects.count() == count


def test_hnd_sees_its_new_report_in_my_tasks_at_once(client, users, demo, frozen):
    client.force_login(users["vanphong"])
    data = _review_data(_start(client, demo["kt-ubnd"], TEXT_107))
    data["p-1-title"] = "Báo cáo kết quả thực hiện Quy chế theo văn bản 107"
    assert _confirm(client, data).status_code == 302
    client.force_login(users["hnd"])
    page = client.get(reverse("obligations:my_tasks")).content.decode()
    assert "Báo cáo kết quả thực hiện Quy chế theo văn bản 107" in page
    assert "15/12/2025" in page and "hoàn thành trước ngày 15/12" in page


def test_the_same_number_twice_is_refused_with_a_clear_message(office, demo, frozen):
    before = _counts()
    response = _confirm(office, _review_data(_start(office, demo["kt-ubnd"], TEXT_106)))
    assert response.status_code == 400
    errors = response.context["document_form"].errors["number_symbol"]
    assert errors and "đã có" in errors[0]
    assert _counts() == before


def test_a_second_confirmation_of_the_same_review_is_refused(office, demo, frozen):
    data = _review_data(_start(office, demo["kt-ubnd"], TEXT_107))
    assert _confirm(office, data).status_code == 302
    before = _counts()
    again = _confirm(office, data)
    assert again.status_code == 400
    assert _counts() == before


def test_a_review_with_errors_keeps_every_typed_value_and_says_what_is_wrong(office, demo, frozen):
    data = _review_data(_start(office, demo["kt-ubnd"], TEXT_107))
    data["p-1-title"] = "Tên đã sửa"
    data["p-1-due_day"] = "20"  # the wording says 14/12
    data.pop("p-3-responsible_parties")  # no lead party
    before = _counts()
    response = _confirm(office, data)
    assert response.status_code == 400
    forms = response.context["formset"].forms
    assert forms[1]["title"].value() == "Tên đã sửa"
    assert forms[1].errors["due_day"] == [
        "Thời hạn theo nguyên văn “hoàn thành trước ngày 15/12” có ngày cuối cùng là 14/12, khác với ngày đã nhập."
    ]
    assert forms[3].errors["responsible_parties"] == ["Cần chọn ít nhất một cơ quan chủ trì."]
    html = response.content.decode()
    assert "Tên đã sửa" in html and "Cần chọn ít nhất một cơ quan chủ trì." in html
    assert _counts() == before


def test_dropping_everything_saves_nothing(office, demo, frozen):
    data = _review_data(_start(office, demo["kt-ubnd"], TEXT_107))
    for n in range(5):
        data[f"p-{n}-keep"] = "drop"
    before = _counts()
    response = _confirm(office, data)
    assert response.status_code == 400
    assert "Chưa giữ nhiệm vụ nào" in response.content.decode()
    assert _counts() == before


def test_a_tampered_payload_is_refused(office, demo, frozen):
    data = _review_data(_start(office, demo["kt-ubnd"], TEXT_107))
    data["payload"] = data["payload"][:-3] + "xyz"
    before = _counts()
    response = _confirm(office, data)
    assert response.status_code == 302 and response["Location"] == reverse("obligations:intake")
    assert _counts() == before


@pytest.mark.parametrize(
    ("text", "upload", "message"),
    [
        ("", None, "Chưa có nội dung văn bản"),
        ("   \n  ", None, "Chưa có nội dung văn bản"),
        (NO_ITEMS, None, "Không tìm thấy mục nào giao nhiệm vụ"),
        ("", lambda: SimpleUploadedFile("van-ban.docx", b"%PDF-1.4 not a word file"), "không phải là tệp .docx thật"),
        ("", lambda: SimpleUploadedFile("van-ban.odt", b"abc"), "Chỉ nhận tệp Word"),
        ("", lambda: SimpleUploadedFile("quet.pdf", _scanned_pdf()), "không có lớp chữ"),
        ("", lambda: SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024)), "quá lớn"),
    ],
    ids=["empty", "blank", "no-items", "fake-docx", "odt", "scanned-pdf", "50-mb"],
)
def test_bad_input_gives_a_clear_message_and_saves_nothing(office, demo, text, upload, message):
    before = _counts()
    response = _start(office, demo["kt-ubnd"], text, upload() if upload else None)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _counts() == before


def _scanned_pdf() -> bytes:
    """A one-page PDF with no text layer, as a scanner makes it."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_word_file_is_read_like_the_pasted_text_and_not_kept(office, demo, frozen, private_storage):
    upload = SimpleUploadedFile("107.docx", _docx(TEXT_107))
    response = _start(office, demo["kt-ubnd"], upload=upload)
    assert response.status_code == 200
    assert response.context["document_form"]["number_symbol"].value() == "107/UBND-KGVX"
    assert len(response.context["formset"].forms) == 5
    assert not any(private_storage.rglob("*")) if private_storage.exists() else True


def test_the_tanyen_office_enters_its_notice_and_the_interior_office_gets_the_one_off_task(client, users, demo):
    text = TEXT_TANYEN.replace("Số:/TB-UBND", "Số: 25/TB-UBND").replace(
        "Tân Yên, ngày tháng 02 năm 2023", "Tân Yên, ngày 01 tháng 3 năm 2023"
    )
    client.force_login(users["tanyen"])
    with time_machine.travel(datetime.datetime(2023, 3, 1, 9, 0, tzinfo=HANOI), tick=False):
        review = _start(client, demo["ty-ubnd"], text)
        assert review.status_code == 200
        data = _review_data(review)
        forms = review.context["formset"].forms
        for n in range(len(forms) - 1):
            data[f"p-{n}-keep"] = "drop"
        last = len(forms) - 1
        assert data[f"p-{last}-due_date"] == "2023-03-04"  # "trước ngày 05/3/2023"
        assert data[f"p-{last}-responsible_parties"] == [str(demo["ty-pnv"].pk)]
        response = _confirm(client, data)
        assert response.status_code == 302
    document = Document.objects.get(number_symbol="25/TB-UBND")
    assert document.kind == Document.Kind.CONCLUSION_NOTICE
    task = Task.objects.get(obligation__source_item__document=document)
    assert task.party == demo["ty-pnv"]
    assert (task.nominal_due_date, task.due_date) == (datetime.date(2023, 3, 4), datetime.date(2023, 3, 6))


def test_tanyen_cannot_read_a_text_into_kon_tum(client, users, demo):
    client.force_login(users["tanyen"])
    before = _counts()
    assert _start(client, demo["kt-ubnd"], TEXT_107).status_code == 404
    assert _counts() == before


def test_tanyen_cannot_confirm_a_review_signed_for_kon_tum(client, users, demo, frozen):
    client.force_login(users["vanphong"])
    data = _review_data(_start(client, demo["kt-ubnd"], TEXT_107))
    client.force_login(users["tanyen"])
    before = _counts()
    assert _confirm(client, data).status_code == 404
    assert _counts() == before


@pytest.mark.parametrize("username", ["hnd", "sonoivu", "lanhdao", "noivu_tanyen"])
def test_who_does_not_write_sources_gets_403(client, users, demo, username):
    client.force_login(users[username])
    assert client.get(reverse("obligations:intake")).status_code == 403
    assert _start(client, demo["qn-ubnd"], TEXT_107).status_code == 403


def test_the_service_refuses_a_party_outside_the_jurisdiction(users, demo):
    fields = {
        "title": "Báo cáo",
        "recurrence": "once",
        "due_date": datetime.date(2021, 6, 30),
        "deliverable": "report",
        "applies_from": datetime.date(2021, 1, 12),
        "applies_to": datetime.date(2021, 12, 31),
        "responsible_parties": [demo["ty-hnd"]],
        "cooperating_parties": [],
        "owed_to": demo["kt-ubnd"],
    }
    before = _counts()
    with pytest.raises(intake.IntakeError) as refused:
        intake.intake_confirm(
            actor=users["vanphong"],
            document_data={
                "kind": "directive",
                "number_symbol": "9/UBND",
                "issuer": demo["kt-ubnd"],
                "place": "Kon Tum",
                "subject": "Thử",
            },
            proposals=[{"item": "1", "item_text": "1. Thử", "fields": fields}],
            jurisdiction=demo["kt-ubnd"],
        )
    assert refused.value.code == "outside_jurisdiction"
    assert _counts() == before


def test_the_service_refuses_an_actor_without_the_right(users, demo):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        intake.intake_confirm(actor=users["hnd"], document_data={}, proposals=[], jurisdiction=demo["qn-ubnd"])


def test_the_review_page_query_count_is_pinned(office, demo, frozen, django_assert_num_queries):
    """Pinned for directive 106's five proposals. The jurisdiction's parties are read once for every
    proposal's names (jurisdiction_parties; before, parties_match read them twice per proposal: 56 queries
    on the GET). On a post each kept form still checks its chosen parties and the model's check
    constraints, so that part grows with the number of proposals (131 before, 95, now 97). The parties' former
    names (aliases the extraction also matches) cost one prefetch each time the parties are read: 20 → 22, 95 → 97."""
    with django_assert_num_queries(22):
        response = _start(office, demo["kt-ubnd"], TEXT_107)
    assert response.status_code == 200
    data = _review_data(response)
    data["p-1-due_day"] = "20"
    # The post also re-reads the text, and each kept form checks its parties and the model's constraints.
    with django_assert_num_queries(97):
        assert _confirm(office, data).status_code == 400


def test_the_highlight_is_escaped(demo):
    excerpt = intake.source_excerpt(text="a <b>x</b> c", start=2, end=10)
    assert excerpt["source"] == "<b>x</b>"
