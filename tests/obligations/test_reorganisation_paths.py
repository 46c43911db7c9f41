"""Every path that ends a party or names its successor goes through the reorganisation service: its page,
the admin and the spreadsheet import."""

import datetime

import pytest
import tablib
from django.urls import reverse

from obligations.models import Task
from regulations.models import Membership, Party, Reorganisation
from reports import imports

from .test_reorganisations import _state

D = datetime.date
# The decisions a test records (the demo's own are of 2025); never iterated, so each use asks again.
TESTED = Reorganisation.objects.filter(decided_on__year__gte=2026)


def _form(world, **extra):
    data = {
        "kind": "merge",
        "number_symbol": "202/2026/QH15",
        "decided_on": "12/06/2026",
        "effective_on": "01/07/2026",
        "issuer_name": "Quốc hội",
        "sources": [world["hnd_a"].pk],
        "target": world["hnd_b"].pk,
    }
    data.update(extra)
    return data


def test_the_office_previews_then_confirms_a_merge_in_the_browser(client, world):
    client.force_login(world["office"])
    assert client.get(reverse("obligations:reorganisation_new")).status_code == 200
    response = client.post(reverse("obligations:reorganisation_new"), _form(world, action="preview"))
    page = response.content.decode()
    assert "Xem trước: những gì sẽ thay đổi" in page
    assert "2 nhiệm vụ chuyển cho cơ quan kế thừa" in page and "Báo cáo riêng của A" in page
    assert "1 nhiệm vụ được miễn" in page and "staff-a" in page
    assert not TESTED.exists() and _state(world)["open"] == ("hnd-a", Task.State.OPEN)
    response = client.post(reverse("obligations:reorganisation_new"), _form(world, action="confirm"))
    record = TESTED.get()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    assert record.state == Reorganisation.State.APPLIED and record.created_by == world["office"]
    assert _state(world)["open"] == ("hnd-b", Task.State.OPEN)
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Đã thực hiện" in page and "2 nhiệm vụ đã chuyển" in page
    assert "Hủy quyết định" not in page  # in force: no undo
    assert "202/2026/QH15" in client.get(reverse("obligations:reorganisation_list")).content.decode()


def test_a_bad_decision_is_refused_in_vietnamese_and_nothing_is_written(client, world):
    client.force_login(world["office"])
    response = client.post(
        reverse("obligations:reorganisation_new"), _form(world, target=world["hnd_a"].pk, action="confirm")
    )
    assert response.status_code == 200
    assert "Không thể sáp nhập Hội Nông dân tỉnh A vào chính nó" in response.content.decode()
    response = client.post(reverse("obligations:reorganisation_new"), _form(world, effective_on="31/02/2026"))
    assert "Nhập một ngày hợp lệ." in response.content.decode()
    assert not TESTED.exists()
    assert _state(world)["open"] == ("hnd-a", Task.State.OPEN)


def test_a_split_asks_for_a_successor_for_each_obligation(client, world, make_party):
    client.force_login(world["office"])
    other = make_party("Hội Nông dân tỉnh B2", parent=world["b"], code="hnd-b2")
    data = _form(world, kind="split", target="", targets=[world["hnd_b"].pk, other.pk], action="confirm")
    response = client.post(reverse("obligations:reorganisation_new"), data)
    page = response.content.decode()
    assert "chưa giao cho cơ quan kế thừa" in page and "Báo cáo riêng của A" in page
    assert not TESTED.exists()
    assignments = {f"assign_{world['own'].pk}": other.pk}
    for title in ("Báo cáo chung", "Báo cáo bị trả lại", "Báo cáo đã nộp"):
        obligation = world["both"] if title == "Báo cáo chung" else None
        if obligation is None:
            from obligations.models import Obligation

            obligation = Obligation.objects.get(title=title)
        assignments[f"assign_{obligation.pk}"] = world["hnd_b"].pk
    response = client.post(reverse("obligations:reorganisation_new"), {**data, **assignments})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _state(world)["open"] == ("hnd-b2", Task.State.OPEN)
    assert _state(world)["returned"] == ("hnd-b", Task.State.RETURNED)


def test_a_decision_can_be_undone_on_its_page_until_it_takes_effect(client, world):
    client.force_login(world["office"])
    client.post(reverse("obligations:reorganisation_new"), _form(world, effective_on="01/01/2099", action="confirm"))
    record = TESTED.get()
    assert record.state == Reorganisation.State.SCHEDULED
    assert "Hủy quyết định" in client.get(record.get_absolute_url()).content.decode()
    response = client.post(reverse("obligations:reorganisation_undo", args=[record.pk]), follow=True)
    assert "Đã hủy quyết định 202/2026/QH15" in response.content.decode()
    assert TESTED.get().state == Reorganisation.State.UNDONE


def test_a_reporter_may_not_record_a_decision(client, world):
    client.force_login(world["staff_a"])
    assert client.get(reverse("obligations:reorganisation_new")).status_code == 403
    assert client.post(reverse("obligations:reorganisation_new"), _form(world, action="confirm")).status_code == 403
    assert not TESTED.exists()


def _admin_data(party: Party, **extra) -> dict:
    data = {
        "code": party.code, "name": party.name, "short_name": party.short_name, "kind": party.kind,
        "level": party.level, "parent": party.parent_id or "", "superior": "", "focal_agency": "", "email": "",
        "valid_from": "", "valid_to": "", "successor": "", "decision_number": "", "decision_date": "",
        "former_names-TOTAL_FORMS": "0", "former_names-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    }  # fmt: skip
    data.update(extra)
    return data


def test_the_admin_writes_a_successor_through_the_service(client, world):
    admin = world["office"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    url = reverse("admin:regulations_party_change", args=[world["hnd_a"].pk])
    party = world["hnd_a"]
    # Without the decision: refused, nothing written.
    response = client.post(url, _admin_data(party, valid_to="2026-11-30", successor=world["hnd_b"].pk))
    assert response.status_code == 200 and "Cần số, ký hiệu và ngày ban hành" in response.content.decode()
    assert Party.objects.get(pk=party.pk).successor is None
    data = _admin_data(
        party,
        valid_to="2026-11-30",
        successor=world["hnd_b"].pk,
        decision_number="9/NQ-HĐND",
        decision_date="2026-11-01",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    record = TESTED.get()
    assert (record.number_symbol, record.effective_on, record.state) == ("9/NQ-HĐND", D(2026, 12, 1), "applied")
    assert _state(world)["open"] == ("hnd-b", Task.State.OPEN)
    assert Party.objects.get(pk=party.pk).successor == world["hnd_b"]


def _party_rows(world, successor, **extra) -> tablib.Dataset:
    party = world["hnd_a"]
    row = {
        "code": party.code, "name": party.name, "short_name": party.short_name, "kind": party.kind,
        "level": party.level, "parent": world["a"].code, "is_jurisdiction": "0", "valid_to": "2026-11-30",
        "successor": successor.code,
    }  # fmt: skip
    row.update(extra)
    data = tablib.Dataset(headers=list(row))
    data.append(list(row.values()))
    return data


@pytest.fixture
def new_union(world, make_party):
    """A's Farmers' Union's successor inside A: an import into A links nothing outside it (issue 13)."""
    return make_party("Hội Nông dân tỉnh A (mới)", parent=world["a"], code="hnd-a-moi")


def test_the_import_writes_a_successor_through_the_service(world, new_union):
    refused = imports.run_import(
        what="parties",
        dataset=_party_rows(world, new_union),
        dry_run=False,
        actor=world["office"],
        jurisdiction=world["a"],
    )
    assert not refused.ok and "decision_number" in " ".join(refused.errors)
    assert not TESTED.exists() and Party.objects.get(pk=world["hnd_a"].pk).valid_to is None
    rows = _party_rows(world, new_union, decision_number="202/2026/QH15", decision_date="12/06/2026")
    outcome = imports.run_import(
        what="parties", dataset=rows, dry_run=False, actor=world["office"], jurisdiction=world["a"]
    )
    assert outcome.ok, outcome.errors
    record = TESTED.get()
    assert record.state == Reorganisation.State.APPLIED and record.created_by == world["office"]
    assert _state(world)["open"] == ("hnd-a-moi", Task.State.OPEN)
    assert Membership.objects.filter(user=world["staff_a"], party=new_union).exists()


def test_the_import_refuses_a_successor_outside_the_jurisdiction(world):
    """B's union is another jurisdiction's: a merge across provinces goes through the reorganisation page."""
    rows = _party_rows(world, world["hnd_b"], decision_number="202/2026/QH15", decision_date="12/06/2026")
    outcome = imports.run_import(
        what="parties", dataset=rows, dry_run=False, actor=world["office"], jurisdiction=world["a"]
    )
    assert outcome.errors == [
        "Dòng 2: Hội Nông dân tỉnh B không thuộc Ủy ban nhân dân tỉnh A, nơi bạn đang nhập dữ liệu."
    ]
    assert not TESTED.exists() and Party.objects.get(pk=world["hnd_a"].pk).successor is None


def test_a_dry_run_of_the_import_moves_nothing(world, new_union):
    rows = _party_rows(world, new_union, decision_number="202/2026/QH15", decision_date="12/06/2026")
    outcome = imports.run_import(
        what="parties", dataset=rows, dry_run=True, actor=world["office"], jurisdiction=world["a"]
    )
    assert outcome.ok, outcome.errors
    assert not TESTED.exists()
    assert _state(world)["open"] == ("hnd-a", Task.State.OPEN)
