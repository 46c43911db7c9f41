"""A party's page and the party list keep the two relations apart: the territory (thuộc địa bàn) and the
organisational one (trực thuộc). The Front is on the People's Committee's territory, not under it."""

import datetime
import re

import pytest
from django.urls import reverse

from regulations.models import Membership, Party, PartyName

pytestmark = pytest.mark.django_db

STATE, FRONT = Party.Kind.STATE, Party.Kind.FRONT


@pytest.fixture
def province(make_party, make_user):
    ubnd = make_party("Ủy ban nhân dân tỉnh Thử Nghiệm", kind=STATE, is_jurisdiction=True, code="tn-ubnd")
    snv = make_party("Sở Nội vụ tỉnh Thử Nghiệm", kind=STATE, parent=ubnd, superior=ubnd, code="tn-snv")
    mttq = make_party("Ủy ban MTTQ Việt Nam tỉnh Thử Nghiệm", kind=FRONT, parent=ubnd, code="tn-mttq")
    hnd = make_party("Hội Nông dân tỉnh Thử Nghiệm", parent=ubnd, code="tn-hnd", valid_from=datetime.date(2025, 7, 1))
    old_hnd = make_party(
        "Hội Nông dân tỉnh Cũ",
        parent=ubnd,
        code="cu-hnd",
        valid_to=datetime.date(2025, 6, 30),
        successor=hnd,
    )
    PartyName.objects.create(
        party=hnd, name="Hội Nông dân tỉnh Thử Nghiệm cũ", short_name="HND cũ", used_until=datetime.date(2025, 6, 30)
    )
    commune = make_party(
        "Ủy ban nhân dân xã Minh Họa",
        kind=STATE,
        level=Party.Level.COMMUNE,
        parent=ubnd,
        is_jurisdiction=True,
        is_illustrative=True,
        code="tn-xa",
    )
    Party.objects.filter(pk=ubnd.pk).update(focal_agency=snv)
    user = make_user("focal_tn", (snv, Membership.Role.FOCAL))
    parties = {party.code: party for party in (ubnd, snv, mttq, hnd, old_hnd, commune)}
    return {**parties, "user": user}


def _fact(html: str, term: str) -> str:
    """The text of the <dd> that follows <dt>term</dt>, tags stripped."""
    match = re.search(rf"<dt>{re.escape(term)}</dt>\s*<dd>(.*?)</dd>", html, re.S)
    assert match, term
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_the_front_is_on_the_territory_and_not_under_the_peoples_committee(client, province):
    client.force_login(province["user"])
    html = client.get(province["tn-mttq"].get_absolute_url()).content.decode()
    assert _fact(html, "Thuộc địa bàn") == "tỉnh Thử Nghiệm"
    assert _fact(html, "Trực thuộc") == "—"
    assert "Ủy ban nhân dân tỉnh Thử Nghiệm" not in _fact(html, "Trực thuộc")


def test_a_department_is_under_the_peoples_committee(client, province):
    client.force_login(province["user"])
    html = client.get(province["tn-snv"].get_absolute_url()).content.decode()
    assert _fact(html, "Thuộc địa bàn") == "tỉnh Thử Nghiệm"
    assert _fact(html, "Trực thuộc") == "Ủy ban nhân dân tỉnh Thử Nghiệm"


def test_the_peoples_committee_lists_its_territory_and_its_subordinates_apart(client, province):
    client.force_login(province["user"])
    html = client.get(province["tn-ubnd"].get_absolute_url()).content.decode()
    territory, _, subordinates = html.partition("<h2>Đơn vị trực thuộc</h2>")
    territory = territory.split("<h2>Cơ quan, tổ chức trên địa bàn</h2>", 1)[1]
    subordinates = subordinates.split("<h2>", 1)[0]
    for name in ("Sở Nội vụ", "Ủy ban MTTQ Việt Nam", "Hội Nông dân tỉnh Thử Nghiệm", "xã Minh Họa"):
        assert name in territory
    assert "Sở Nội vụ tỉnh Thử Nghiệm" in subordinates
    assert "MTTQ" not in subordinates and "Hội Nông dân" not in subordinates


def test_validity_successor_predecessors_and_former_names(client, province):
    client.force_login(province["user"])
    old = client.get(province["cu-hnd"].get_absolute_url()).content.decode()
    assert _fact(old, "Hiệu lực") == "Hoạt động đến 30/06/2025"
    assert _fact(old, "Kế thừa bởi") == "Hội Nông dân tỉnh Thử Nghiệm"
    new = client.get(province["tn-hnd"].get_absolute_url()).content.decode()
    assert _fact(new, "Hiệu lực") == "Hoạt động từ 01/07/2025"
    assert "Hội Nông dân tỉnh Cũ" in _fact(new, "Kế thừa từ")
    assert _fact(new, "Tên gọi trước đây") == "Hội Nông dân tỉnh Thử Nghiệm cũ (đến 30/06/2025)"
    assert "co_cau=hien_nay" in new  # its tasks with its predecessor's


def test_invented_parties_are_marked_where_they_show(client, province):
    client.force_login(province["user"])
    html = client.get(province["tn-xa"].get_absolute_url()).content.decode()
    assert 'badge-illustrative">Dữ liệu minh họa</span>' in html
    listing = client.get(reverse("regulations:party_list"), {"q": "minh hoa"}).content.decode()
    assert 'badge-illustrative">Dữ liệu minh họa</span>' in listing


def test_the_party_list_shows_both_relations(client, province):
    client.force_login(province["user"])
    html = client.get(reverse("regulations:party_list")).content.decode()
    assert '<th scope="col">Thuộc địa bàn</th>' in html and '<th scope="col">Trực thuộc</th>' in html
    rows = {
        re.sub(r"<[^>]+>", "", row.split("</td>", 1)[0]).strip().split("\n")[0].strip(): row
        for row in html.split("<tr>")[2:]
    }
    front = next(row for name, row in rows.items() if name.startswith("Ủy ban MTTQ Việt Nam tỉnh Thử Nghiệm"))
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in front.split("</td>")[:-1]]
    assert cells[4].endswith("tỉnh Thử Nghiệm") and cells[5].endswith("—")
    assert "Tên gọi trước đây: Hội Nông dân tỉnh Thử Nghiệm cũ (đến 30/06/2025)" in html
    assert "Kế thừa bởi Hội Nông dân tỉnh Thử Nghiệm" in html
    assert "Hoạt động từ 01/07/2025" in html
