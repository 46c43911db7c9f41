"""The spreadsheet import, with hostile rows, per role (issue 13, item 1): a row that changes, creates or links
a party outside the importer's jurisdiction is a row error, the whole file is refused and nothing is written;
a row inside it still imports. A user with no import right is refused before anything is read."""

import pytest
from django.core.exceptions import PermissionDenied

from obligations.models import Obligation
from regulations.models import Party, Regulation
from reports.imports import load_dataset, run_import

pytestmark = pytest.mark.django_db

# Where each role imports: the jurisdiction its office keeps (noivu_tanyen keeps none).
JURISDICTION = {"tanyen": "ty-ubnd", "noivu_tanyen": "ty-ubnd", "vanphong": "qn-ubnd"}
PARTY_HEADERS = (
    "code,name,short_name,kind,level,parent,is_jurisdiction,email,focal_agency,successor,superior,valid_to,"
    "decision_number,decision_date"
)
REGULATION_HEADERS = "number_symbol,title,issuer,signed_on,term_start,term_end,signatories,status"
OBLIGATION_HEADERS = (
    "title,source_regulation,responsible_rule,responsible_parties,owed_to,recurrence,due_day,due_month,"
    "deliverable,applies_from,applies_to,is_active"
)

# (what, a row, the party it reaches out to). {home}: the importer's jurisdiction; {member}: a party inside
# it; {outside}: another province's party; {regulation}: a regulation of the importer's jurisdiction.
PROBES = {
    "another province's Front committee renamed, its email replaced": (
        "parties",
        "kt-mttq,Mặt trận bị đổi tên,MT,front,province,kt-ubnd,0,attacker@evil.example,,,,,,",
    ),
    "another province's HND moved under the importer (qn-hnd for tanyen)": (
        "parties",
        "{outside},{outside_name},HND,socio_political,province,{home},0,,,,,,,",
    ),
    "a new party whose parent is outside": (
        "parties",
        "new-outside,Hội Mới,HM,socio_political,district,{outside_ubnd},0,,,,,,,",
    ),
    "a new party whose superior is outside": (
        "parties",
        "new-superior,Hội Mới,HM,socio_political,district,{home},0,,,,{outside},,,",
    ),
    "the jurisdiction's focal agency set outside": (
        "parties",
        "{home},{home_name},UBND,state,{home_level},{home_parent},1,,{outside},,,,,",
    ),
    "a party's successor set outside": (
        "parties",
        "{member},{member_name},X,socio_political,{member_level},{home},0,,,{outside},,2026-06-30,5/QĐ-UBND,01/06/2026",
    ),
    "a regulation signed by an outside party": (
        "regulations",
        '9/QCPH-NGOAI,Quy chế mới,{home},2026-01-02,2026,2030,"{home},{outside}",in_force',
    ),
    "a regulation issued by an outside party": (
        "regulations",
        '9/QCPH-NGOAI,Quy chế mới,{outside},2026-01-02,2026,2030,"{home},{member}",in_force',
    ),
    "an obligation whose responsible party is outside": (
        "obligations",
        "Báo cáo sáu tháng,{regulation},named,{outside},{home},yearly,15,6,report,2026-01-01,2030-12-31,1",
    ),
    "an obligation owed to an outside party": (
        "obligations",
        "Báo cáo sáu tháng,{regulation},named,{member},{outside},yearly,15,6,report,2026-01-01,2030-12-31,1",
    ),
}
# A row inside the importer's jurisdiction, of each kind: imported (so that the probes can fail).
INSIDE = {
    "parties": "new-inside,Hội Mới Trong,HMT,socio_political,district,{home},0,hoi@example.vn,,,{member},,,",
    "regulations": '9/QCPH-TRONG,Quy chế trong địa bàn,{home},2026-01-02,2026,2030,"{home},{member}",in_force',
    "obligations": "Báo cáo trong địa bàn,{regulation},named,{member},{home},yearly,15,6,report,2026-01-01,"
    "2030-12-31,1",
}
HEADERS = {"parties": PARTY_HEADERS, "regulations": REGULATION_HEADERS, "obligations": OBLIGATION_HEADERS}
MEMBER = {"ty-ubnd": "ty-hnd", "qn-ubnd": "qn-ldld"}
OUTSIDE = {"ty-ubnd": "qn-hnd", "qn-ubnd": "ty-hnd"}


@pytest.fixture
def places(demo):
    def of(username):
        home = demo[JURISDICTION[username]]
        member = demo[MEMBER[home.code]]
        outside = demo[OUTSIDE[home.code]]
        regulation = Regulation.objects.create(
            number_symbol="1/QCPH-THU", title="Quy chế thử", issuer=home, term_start=2026, term_end=2030
        )
        regulation.signatories.set([home, member])
        return {
            "home": home.code,
            "home_name": home.name,
            "home_level": home.level,
            "home_parent": home.parent.code if home.parent else "",
            "member": member.code,
            "member_name": member.name,
            "member_level": member.level,
            "outside": outside.code,
            "outside_name": outside.name,
            "outside_ubnd": outside.parent.code,
            "regulation": regulation.pk,
            "jurisdiction": home,
        }

    return of


def snapshot() -> dict:
    """Every field an import could touch, of every party, regulation and obligation."""
    parties = {
        code: rest
        for code, *rest in Party.objects.values_list(
            "code", "name", "email", "parent_id", "path", "superior_id", "successor_id", "focal_agency_id", "valid_to"
        )
    }
    regulations = {
        pk: (title, issuer, tuple(sorted(Regulation.objects.get(pk=pk).signatories.values_list("pk", flat=True))))
        for pk, title, issuer in Regulation.objects.values_list("pk", "title", "issuer_id")
    }
    obligations = {
        pk: (
            title,
            owed_to,
            tuple(sorted(Obligation.objects.get(pk=pk).responsible_parties.values_list("pk", flat=True))),
        )
        for pk, title, owed_to in Obligation.objects.values_list("pk", "title", "owed_to_id")
    }
    return {"parties": parties, "regulations": regulations, "obligations": obligations}


def _import(username, users, place, what, rows, *, dry_run):
    text = HEADERS[what] + "\n" + "\n".join(row.format(**place) for row in rows) + "\n"
    dataset = load_dataset(text.encode(), "probe.csv")
    return run_import(
        what=what, dataset=dataset, dry_run=dry_run, actor=users[username], jurisdiction=place["jurisdiction"]
    )


@pytest.mark.parametrize("probe", PROBES)
@pytest.mark.parametrize("username", ["tanyen", "vanphong"])
def test_a_row_reaching_outside_refuses_the_whole_file_and_writes_nothing(users, places, username, probe):
    place = places(username)
    what, row = PROBES[probe]
    before = snapshot()
    for dry_run in (True, False):
        outcome = _import(username, users, place, what, [INSIDE[what], row], dry_run=dry_run)
        assert not outcome.ok
        assert any(
            error.startswith("Dòng 3:") and f"không thuộc {place['jurisdiction'].name}" in error
            for error in outcome.errors
        ), outcome.errors
        assert snapshot() == before


@pytest.mark.parametrize("what", INSIDE)
@pytest.mark.parametrize("username", ["tanyen", "vanphong"])
def test_the_same_user_imports_a_row_inside_the_jurisdiction(users, places, username, what):
    place = places(username)
    before = snapshot()
    outcome = _import(username, users, place, what, [INSIDE[what]], dry_run=False)
    assert outcome.ok, outcome.errors
    after = snapshot()
    assert len(after[what]) == len(before[what]) + 1
    if what == "parties":
        added = Party.objects.get(code="new-inside")
        assert added.path.startswith(place["jurisdiction"].path)
        assert (added.email, added.superior.code) == ("hoi@example.vn", place["member"])


@pytest.mark.parametrize("what", INSIDE)
def test_a_user_without_the_import_right_is_refused_before_any_row(users, places, what):
    place = places("noivu_tanyen")
    before = snapshot()
    for row in (INSIDE[what], *(row for kind, row in PROBES.values() if kind == what)):
        with pytest.raises(PermissionDenied):
            _import("noivu_tanyen", users, place, what, [row], dry_run=False)
    assert snapshot() == before
