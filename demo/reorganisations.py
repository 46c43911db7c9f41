"""The 2025 reorganisation of the demo's parties, as recorded decisions applied by the reorganisation
service (obligations.reorganisations), the same one the office uses in the browser.

The facts and their sources (public pages, read in 2026; "chưa đối chiếu" where no source confirmed it):

- Nghị quyết 202/2025/QH15 của Quốc hội, 12/06/2025, on the provincial units: Kon Tum and Quảng Ngãi form
  the province of Quảng Ngãi, Bắc Giang and Bắc Ninh the province of Bắc Ninh. It took effect when passed
  (12/06/2025); the new provinces' local government "chính thức hoạt động từ ngày 01 tháng 7 năm 2025" and
  the old provinces' bodies worked until then (Sở Tư pháp Kon Tum, "Quốc hội thông qua Nghị quyết về sắp
  xếp đơn vị hành chính cấp tỉnh", sotuphap.kontum.gov.vn). So the decisions below take effect on
  01/07/2025 and the old bodies' last day is 30/06/2025. The Bắc Ninh clause was seen only on secondary
  pages.
- Luật Tổ chức chính quyền địa phương số 72/2025/QH15, passed 16/06/2025 and in force that day: the HĐND,
  the UBND and the specialised agencies of the districts "kết thúc hoạt động từ ngày 01 tháng 7 năm 2025"
  (its final provisions). The district Party committees and the district Front and organisations ended
  with the district level by the Party's and the Front's own decisions, whose numbers were not checked.
- Nghị định 45/2025/NĐ-CP, 28/02/2025, lists the provincial departments after the reorganisation of early
  2025 (Sở Tài chính, Sở Nông nghiệp và Môi trường, Sở Khoa học và Công nghệ, Sở Nội vụ, …). Which
  department merged into which was each province's own resolution; Kon Tum's numbers were not found, and
  the effective date 01/03/2025 is not confirmed: the demo records these decisions under NĐ 45 with that
  date and says so on each record. The labour duties of Sở Lao động - Thương binh và Xã hội going to Sở
  Nội vụ is on secondary pages; social protection to Sở Y tế and vocational training to Sở Giáo dục và Đào
  tạo were not confirmed.
- Quảng Ngãi was re-established on 01/07/1989 by the Quốc hội's resolution of 30/06/1989 dividing Nghĩa
  Bình (thuvienphapluat.vn archive; Báo Quảng Ngãi, "Quảng Ngãi: dấu ấn sau 30 năm tái lập"): it existed
  before 2025 and the merged province kept its name.
- Luật 97/2025/QH15 (27/06/2025, in force 01/07/2025) puts the socio-political organisations "under the
  Vietnam Fatherland Front" (amended art. 5): Quảng Ngãi's organisations have the provincial Front as their
  organisational superior from then (regulations.Party.superior, set in demo/seed.py).
- The Front committee and the organisations of Kon Tum passing to Quảng Ngãi's follows from the province
  merger; no public page on the merger of the two provincial Fronts was found.
"""

import datetime
from typing import Any

from django.contrib.auth import get_user_model

from obligations.reorganisations import NewParty, Plan, reorganisation_preview, reorganisation_record
from regulations.models import Party, Reorganisation

Kind = Reorganisation.Kind
D = datetime.date

NQ_202: dict[str, Any] = {
    "number_symbol": "202/2025/QH15",
    "decided_on": D(2025, 6, 12),
    "effective_on": D(2025, 7, 1),
    "issuer_name": "Quốc hội",
    "summary": "Nghị quyết về việc sắp xếp đơn vị hành chính cấp tỉnh",
    "source_note": "Nghị quyết có hiệu lực từ ngày thông qua (12/06/2025); chính quyền địa phương của tỉnh mới "
    "chính thức hoạt động từ ngày 01/07/2025, các cơ quan của tỉnh cũ hoạt động đến hết ngày 30/06/2025.",
}
LAW_72: dict[str, Any] = {
    "number_symbol": "72/2025/QH15",
    "decided_on": D(2025, 6, 16),
    "effective_on": D(2025, 7, 1),
    "issuer_name": "Quốc hội",
    "summary": "Luật Tổ chức chính quyền địa phương: kết thúc hoạt động của chính quyền cấp huyện",
    "source_note": "HĐND, UBND và các cơ quan chuyên môn cấp huyện kết thúc hoạt động từ ngày 01/07/2025 (điều "
    "khoản thi hành). Huyện ủy, Ủy ban MTTQ và các tổ chức chính trị - xã hội cấp huyện kết thúc hoạt động cùng "
    "cấp huyện theo quyết định của Đảng và của Mặt trận; số văn bản chưa đối chiếu.",
}
ND_45: dict[str, Any] = {
    "number_symbol": "45/2025/NĐ-CP",
    "decided_on": D(2025, 2, 28),
    "effective_on": D(2025, 3, 1),
    "issuer_name": "Chính phủ",
    "summary": "Nghị định quy định tổ chức các cơ quan chuyên môn thuộc UBND cấp tỉnh, cấp huyện",
    "source_note": "Nghị định nêu các sở sau sắp xếp; việc hợp nhất từng sở theo nghị quyết của tỉnh Kon Tum, số "
    "văn bản và ngày có hiệu lực 01/03/2025 chưa đối chiếu.",
}

# (decision, kind, source codes, target code or new body (code, name, short name), split targets,
# split assignment "all to the first target").
PROVINCE_DEPARTMENTS_2025: list[tuple[dict[str, Any], str, list[str], Any]] = [
    (ND_45, Kind.MERGE, ["kt-so-khdt"], "kt-so-tc"),
    (
        ND_45,
        Kind.MERGE,
        ["kt-so-tnmt", "kt-so-nnptnt"],
        ("kt-so-nnmt", "Sở Nông nghiệp và Môi trường tỉnh Kon Tum", "Sở Nông nghiệp và Môi trường Kon Tum"),
    ),
    (ND_45, Kind.MERGE, ["kt-so-tttt"], "kt-so-khcn"),
]
LDTBXH_SPLIT: tuple[dict[str, Any], str, list[str]] = (ND_45, "kt-so-ldtbxh", ["kt-snv", "kt-so-yt", "kt-so-gddt"])
PROVINCE_MERGER = [
    ("kt-ubnd", "qn-ubnd"),
    ("kt-snv", "qn-snv"),
    ("kt-mttq", "qn-mttq"),
    ("kt-hccb", "qn-hccb"),
    ("kt-ldld", "qn-ldld"),
    ("kt-hlhpn", "qn-hlhpn"),
    ("kt-hnd", "qn-hnd"),
    *[(f"kt-so-{slug}", f"qn-so-{slug}") for slug in ("tc", "tp", "vhttdl", "nnmt", "gddt", "yt", "khcn")],
    ("bg-ubnd", "bn-ubnd"),
]


def _recorded(kind: str, number_symbol: str, first: Party) -> bool:
    return Reorganisation.objects.filter(kind=kind, number_symbol=number_symbol, parties=first).exists()


def _record(actor, decision: dict, kind: str, sources: list[Party], **plan) -> None:
    """Record one decision once (a second load finds it). A database seeded before decisions were recorded
    had the end and successor written directly: they are cleared first, so that the service writes them."""
    if _recorded(kind, decision["number_symbol"], sources[0]):
        return
    Party.objects.filter(pk__in=[p.pk for p in sources]).update(valid_to=None, successor=None)
    for party in sources:
        party.refresh_from_db()
    reorganisation_record(actor=actor, plan=Plan(kind=kind, sources=sources, **decision, **plan))


def load_reorganisations() -> int:
    """Record (and so apply) the demo's reorganisations. Returns how many decisions exist afterwards."""
    actor = get_user_model().objects.get(username="admin")
    code = {party.code: party for party in Party.objects.all()}

    def party(key: str) -> Party:
        if key not in code:
            code[key] = Party.objects.get(code=key)
        return code[key]

    for decision, kind, sources, target in PROVINCE_DEPARTMENTS_2025:
        parties = [party(c) for c in sources]
        if isinstance(target, tuple):
            new_code, name, short = target
            if Party.objects.filter(code=new_code).exists():
                continue  # created by an earlier load, when this decision was applied
            first = parties[0]
            new = NewParty(
                code=new_code, name=name, short_name=short, kind=first.kind, level=first.level, parent=first.parent
            )
            _record(actor, decision, kind, parties, new_party=new)
            merged = Party.objects.get(code=new_code)
            merged.superior = first.superior
            merged.save(update_fields=["superior"])
        else:
            _record(actor, decision, kind, parties, target=party(target))

    decision, source_code, target_codes = LDTBXH_SPLIT
    source, targets = party(source_code), [party(c) for c in target_codes]
    if not _recorded(Kind.SPLIT, decision["number_symbol"], source):
        Party.objects.filter(pk=source.pk).update(valid_to=None, successor=None)
        source.refresh_from_db()
        # The directive names the departments in standing duties only (no task of a period is involved):
        # they go to Sở Nội vụ, which took the labour duties (secondary source).
        probe = reorganisation_preview(Plan(kind=Kind.SPLIT, sources=[source], targets=targets, **decision))
        assignments = {obligation.pk: targets[0] for obligation in probe.unassigned}
        assignments.update({change.obligation.pk: targets[0] for change in probe.obligations})
        _record(actor, decision, Kind.SPLIT, [source], targets=targets, assignments=assignments)

    for source_code, target_code in PROVINCE_MERGER:
        _record(actor, NQ_202, Kind.MERGE, [party(source_code)], target=party(target_code))

    districts = Party.objects.filter(code__startswith="kt-", level=Party.Level.DISTRICT).order_by("path")
    tan_yen = Party.objects.filter(code__startswith="ty-").order_by("path")
    for group in (list(districts), list(tan_yen)):
        if group:
            _record(actor, LAW_72, Kind.END, group)
    return Reorganisation.objects.count()
