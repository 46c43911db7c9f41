"""The demo's 2025 reorganisation: recorded decisions, every Kon Tum party ended or succeeded, history kept."""

import datetime

from obligations.models import Task
from regulations.models import Party, Reorganisation

END = datetime.date(2025, 6, 30)


def test_every_kon_tum_party_ends_or_passes_to_a_successor_by_a_recorded_decision(demo):
    kon_tum = Party.objects.filter(code__startswith="kt-")
    assert kon_tum.count() >= 37
    assert not kon_tum.filter(valid_to__isnull=True).exists()
    for party in kon_tum:
        assert Reorganisation.objects.filter(parties=party, state=Reorganisation.State.APPLIED).exists(), party
    # Province-level bodies pass to Quảng Ngãi's; the districts and their Party committees end.
    assert Party.objects.get(code="kt-hnd").successor.code == "qn-hnd"
    assert Party.objects.get(code="kt-so-khdt").successor.code == "kt-so-tc"  # 03/2025, then to Quảng Ngãi
    assert Party.objects.get(code="kt-so-tc").successor.code == "qn-so-tc"
    districts = kon_tum.filter(level=Party.Level.DISTRICT)
    assert districts.count() == 20 and not districts.filter(successor__isnull=False).exists()
    assert set(districts.values_list("valid_to", flat=True)) == {END}
    # Quảng Ngãi existed before the merger and kept its name.
    assert Party.objects.get(code="qn-ubnd").is_valid_on(datetime.date(2021, 1, 1))


def test_bac_giang_and_tan_yen_are_modelled_the_same_way(demo):
    assert Party.objects.get(code="bg-ubnd").successor.code == "bn-ubnd"
    tan_yen = Party.objects.filter(code__startswith="ty-")
    assert set(tan_yen.values_list("valid_to", flat=True)) == {END}
    assert Reorganisation.objects.filter(number_symbol="72/2025/QH15", parties__code="ty-ubnd").exists()


def test_the_front_and_the_organisations_are_not_under_the_peoples_committee(demo):
    assert Party.objects.get(code="kt-so-tc").superior.code == "kt-ubnd"
    assert Party.objects.get(code="ty-pnv").superior.code == "ty-ubnd"
    for code in ("kt-mttq", "qn-mttq", "ty-mttq", "ty-hnd", "ty-hdnd"):
        superior = Party.objects.get(code=code).superior
        assert superior is None or superior.kind != Party.Kind.STATE, code
    assert Party.objects.get(code="qn-hnd").superior.code == "qn-mttq"  # Luật 97/2025/QH15


def test_a_task_reports_to_who_held_the_recipients_duties_on_its_due_date(client, users):
    client.force_login(users["hnd"])
    now = Task.objects.get(
        party__code="qn-hnd", period__year=2025, obligation__title__startswith="Báo cáo đánh giá kết quả triển khai"
    )
    then = Task.objects.get(
        party__code="kt-hnd", period__year=2024, obligation__title__startswith="Báo cáo đánh giá kết quả triển khai"
    )
    page = client.get(now.get_absolute_url()).content.decode()
    assert "Ủy ban nhân dân tỉnh Quảng Ngãi" in page and "(kế thừa từ HND Kon Tum)" in page
    page = client.get(then.get_absolute_url()).content.decode()
    assert "Ủy ban nhân dân tỉnh Kon Tum" in page and "Ủy ban nhân dân tỉnh Quảng Ngãi" not in page
