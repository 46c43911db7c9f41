"""The demo data: both seed documents exactly as written, the parties they name, and demo accounts.

Everything keyed on a natural key and written with update_or_create, so loading twice equals loading
once. Facts that the seeds do not give are marked INVENTED below: they exist so that the pages have
something to show, and must never be mistaken for the record.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from obligations.models import (
    LOCAL_TZ,
    FigureDefinition,
    Obligation,
    Submission,
    SubmissionVersion,
    Task,
    TaskEvent,
)
from obligations.services import tasks_generate
from regulations.models import (
    Conclusion,
    Document,
    DocumentItem,
    Meeting,
    MeetingAttendee,
    MeetingIndicator,
    Membership,
    Party,
    Regulation,
)

from . import texts as T

Kind, Level, Role = Party.Kind, Party.Level, Membership.Role

# Since 1 July 2025 Vietnam has two levels of local government: the districts were abolished, Kon Tum
# merged into Quảng Ngãi and Bắc Giang into Bắc Ninh. The demo keeps that history.
MERGER_END = datetime.date(2025, 6, 30)
MERGER_START = datetime.date(2025, 7, 1)
TERM_FROM, TERM_TO = datetime.date(2021, 1, 12), datetime.date(2025, 12, 31)


QN_DEPARTMENTS = [
    ("tc", "Sở Tài chính"),
    ("tp", "Sở Tư pháp"),
    ("vhttdl", "Sở Văn hóa, Thể thao và Du lịch"),
    ("nnmt", "Sở Nông nghiệp và Môi trường"),
    ("gddt", "Sở Giáo dục và Đào tạo"),
    ("yt", "Sở Y tế"),
    ("khcn", "Sở Khoa học và Công nghệ"),
]

REPORT_FIGURES = [
    ("joint_activities", "Số hoạt động phối hợp đã tổ chức", "hoạt động"),
    ("plans_signed", "Số chương trình, kế hoạch phối hợp đã ký", "kế hoạch"),
    ("supervision_sessions", "Số cuộc giám sát, phản biện xã hội", "cuộc"),
]


@dataclass
class DemoResult:
    parties: int
    users: int
    tasks_created: int


def _party(code, name, short_name, kind, level, parent=None, **extra) -> Party:
    defaults = {"name": name, "short_name": short_name, "kind": kind, "level": level, "parent": parent, **extra}
    party, _ = Party.objects.update_or_create(code=code, defaults=defaults)
    return party


def load_parties() -> dict[str, Party]:
    p: dict[str, Party] = {}
    # Quảng Ngãi: the merged province that holds Kon Tum's duties from 01/07/2025.
    p["qn-ubnd"] = _party(
        "qn-ubnd",
        "Ủy ban nhân dân tỉnh Quảng Ngãi",
        "UBND tỉnh Quảng Ngãi",
        Kind.STATE,
        Level.PROVINCE,
        is_jurisdiction=True,
        # Re-established on 01/07/1989 (the division of Nghĩa Bình): it existed before 2025, and the merged
        # province kept its name (demo/reorganisations.py cites the sources).
        valid_from=datetime.date(1989, 7, 1),
    )
    qn = [
        ("qn-snv", "Sở Nội vụ tỉnh Quảng Ngãi", "Sở Nội vụ Quảng Ngãi", Kind.STATE),
        ("qn-mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Quảng Ngãi", "Ủy ban MTTQ Quảng Ngãi", Kind.FRONT),
        ("qn-hccb", "Hội Cựu chiến binh tỉnh Quảng Ngãi", "HCCB Quảng Ngãi", Kind.SOCIO_POLITICAL),
        ("qn-ldld", "Liên đoàn Lao động tỉnh Quảng Ngãi", "LĐLĐ Quảng Ngãi", Kind.SOCIO_POLITICAL),
        ("qn-hlhpn", "Hội Liên hiệp Phụ nữ tỉnh Quảng Ngãi", "HLHPN Quảng Ngãi", Kind.SOCIO_POLITICAL),
        ("qn-hnd", "Hội Nông dân tỉnh Quảng Ngãi", "HND Quảng Ngãi", Kind.SOCIO_POLITICAL),
    ]
    for code, name, short, kind in qn:
        p[code] = _party(
            code,
            name,
            short,
            kind,
            Level.PROVINCE,
            p["qn-ubnd"],
            valid_from=None,
            # A department is under the People's Committee; the organisations are under the Front from 01/07/2025
            # (Luật 97/2025/QH15); the Front is under neither.
            superior=p["qn-ubnd"]
            if kind == Kind.STATE
            else (p.get("qn-mttq") if kind == Kind.SOCIO_POLITICAL else None),
            email=f"{code}@quangngai.example",
        )
    Party.objects.filter(pk=p["qn-ubnd"].pk).update(focal_agency=p["qn-snv"])

    # Kon Tum: the parties directive 106/UBND-KGVX names or addresses. Their end and successors are recorded
    # decisions (demo/reorganisations.py), applied by the reorganisation service, not written here.
    p["kt-ubnd"] = _party(
        "kt-ubnd",
        "Ủy ban nhân dân tỉnh Kon Tum",
        "UBND tỉnh Kon Tum",
        Kind.STATE,
        Level.PROVINCE,
        is_jurisdiction=True,
        email="ubnd@kontum.example",
    )
    kt = [
        ("kt-snv", "Sở Nội vụ tỉnh Kon Tum", "Sở Nội vụ Kon Tum", Kind.STATE, "qn-snv"),
        ("kt-mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Kon Tum", "Ủy ban MTTQ Kon Tum", Kind.FRONT, "qn-mttq"),
        ("kt-hccb", "Hội Cựu chiến binh tỉnh Kon Tum", "HCCB Kon Tum", Kind.SOCIO_POLITICAL, "qn-hccb"),
        ("kt-ldld", "Liên đoàn Lao động tỉnh Kon Tum", "LĐLĐ Kon Tum", Kind.SOCIO_POLITICAL, "qn-ldld"),
        ("kt-hlhpn", "Hội Liên hiệp Phụ nữ tỉnh Kon Tum", "HLHPN Kon Tum", Kind.SOCIO_POLITICAL, "qn-hlhpn"),
        ("kt-hnd", "Hội Nông dân tỉnh Kon Tum", "HND Kon Tum", Kind.SOCIO_POLITICAL, "qn-hnd"),
    ]
    for code, name, short, kind, _successor in kt:
        p[code] = _party(
            code,
            name,
            short,
            kind,
            Level.PROVINCE,
            p["kt-ubnd"],
            superior=p["kt-ubnd"] if kind == Kind.STATE else None,
            email=f"{code}@kontum.example",
        )
    Party.objects.filter(pk=p["kt-ubnd"].pk).update(focal_agency=p["kt-snv"])

    # "Các sở, ban ngành, đơn vị thuộc tỉnh": the directive addresses them without naming them; these are
    # the province's departments of the time (public knowledge, not from the seed).
    departments = [
        ("tc", "Sở Tài chính"),
        ("khdt", "Sở Kế hoạch và Đầu tư"),
        ("tp", "Sở Tư pháp"),
        ("ldtbxh", "Sở Lao động - Thương binh và Xã hội"),
        ("vhttdl", "Sở Văn hóa, Thể thao và Du lịch"),
        ("nnptnt", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("tnmt", "Sở Tài nguyên và Môi trường"),
        ("gddt", "Sở Giáo dục và Đào tạo"),
        ("yt", "Sở Y tế"),
        ("tttt", "Sở Thông tin và Truyền thông"),
        ("khcn", "Sở Khoa học và Công nghệ"),
    ]
    for slug, name in departments:
        p[f"kt-so-{slug}"] = _party(
            f"kt-so-{slug}",
            f"{name} tỉnh Kon Tum",
            f"{name} Kon Tum",
            Kind.STATE,
            Level.PROVINCE,
            p["kt-ubnd"],
            superior=p["kt-ubnd"],
        )
    # Quảng Ngãi's departments that take over Kon Tum's on 01/07/2025 (the names after the reorganisation
    # of the provincial departments of 03/2025; public knowledge, not from the seeds).
    for slug, name in QN_DEPARTMENTS:
        p[f"qn-so-{slug}"] = _party(
            f"qn-so-{slug}",
            f"{name} tỉnh Quảng Ngãi",
            f"{name} Quảng Ngãi",
            Kind.STATE,
            Level.PROVINCE,
            p["qn-ubnd"],
            superior=p["qn-ubnd"],
        )
    # "Ủy ban nhân dân các huyện, thành phố" and "các huyện, thành ủy": Kon Tum's ten district-level units.
    districts = [
        ("tp-kontum", "thành phố Kon Tum", "Thành ủy Kon Tum"),
        ("dakglei", "huyện Đắk Glei", "Huyện ủy Đắk Glei"),
        ("ngochoi", "huyện Ngọc Hồi", "Huyện ủy Ngọc Hồi"),
        ("dakto", "huyện Đắk Tô", "Huyện ủy Đắk Tô"),
        ("konplong", "huyện Kon Plông", "Huyện ủy Kon Plông"),
        ("konray", "huyện Kon Rẫy", "Huyện ủy Kon Rẫy"),
        ("dakha", "huyện Đắk Hà", "Huyện ủy Đắk Hà"),
        ("sathay", "huyện Sa Thầy", "Huyện ủy Sa Thầy"),
        ("tumorong", "huyện Tu Mơ Rông", "Huyện ủy Tu Mơ Rông"),
        ("iahdrai", "huyện Ia H'Drai", "Huyện ủy Ia H'Drai"),
    ]
    for slug, unit, committee in districts:
        district = _party(
            f"kt-{slug}",
            f"Ủy ban nhân dân {unit}",
            f"UBND {unit}",
            Kind.STATE,
            Level.DISTRICT,
            p["kt-ubnd"],
            is_jurisdiction=True,
        )
        p[f"kt-{slug}"] = district
        p[f"kt-{slug}-cu"] = _party(
            f"kt-{slug}-cu", committee, committee, Kind.PARTY_COMMITTEE, Level.DISTRICT, district
        )

    # Bắc Giang and Tân Yên district (seed 003); Bắc Giang merged into Bắc Ninh on 01/07/2025.
    p["bn-ubnd"] = _party(
        "bn-ubnd",
        "Ủy ban nhân dân tỉnh Bắc Ninh",
        "UBND tỉnh Bắc Ninh",
        Kind.STATE,
        Level.PROVINCE,
        is_jurisdiction=True,
        valid_from=None,  # Bắc Ninh existed before 2025 and kept its name
    )
    p["bg-ubnd"] = _party(
        "bg-ubnd",
        "Ủy ban nhân dân tỉnh Bắc Giang",
        "UBND tỉnh Bắc Giang",
        Kind.STATE,
        Level.PROVINCE,
        is_jurisdiction=True,
    )
    ty = _party(
        "ty-ubnd",
        "Ủy ban nhân dân huyện Tân Yên",
        "UBND huyện Tân Yên",
        Kind.STATE,
        Level.DISTRICT,
        p["bg-ubnd"],
        is_jurisdiction=True,
        email="ubnd@tanyen.example",
    )
    p["ty-ubnd"] = ty
    tan_yen = [
        ("ty-pnv", "Phòng Nội vụ huyện Tân Yên", "Phòng Nội vụ Tân Yên", Kind.STATE),
        ("ty-vp", "Văn phòng HĐND và UBND huyện Tân Yên", "VP HĐND&UBND Tân Yên", Kind.STATE),
        ("ty-hdnd", "Hội đồng nhân dân huyện Tân Yên", "HĐND huyện Tân Yên", Kind.STATE),
        ("ty-huyenuy", "Huyện ủy Tân Yên", "Huyện ủy Tân Yên", Kind.PARTY_COMMITTEE),
        ("ty-mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam huyện Tân Yên", "Ủy ban MTTQ Tân Yên", Kind.FRONT),
        ("ty-hccb", "Hội Cựu chiến binh huyện Tân Yên", "HCCB Tân Yên", Kind.SOCIO_POLITICAL),
        ("ty-ldld", "Liên đoàn Lao động huyện Tân Yên", "LĐLĐ Tân Yên", Kind.SOCIO_POLITICAL),
        ("ty-hlhpn", "Hội Liên hiệp Phụ nữ huyện Tân Yên", "HLHPN Tân Yên", Kind.SOCIO_POLITICAL),
        ("ty-hnd", "Hội Nông dân huyện Tân Yên", "HND Tân Yên", Kind.SOCIO_POLITICAL),
        ("ty-doan", "Huyện đoàn Tân Yên", "Huyện đoàn Tân Yên", Kind.SOCIO_POLITICAL),
    ]
    for code, name, short, kind in tan_yen:
        # The notice: Phòng Nội vụ and the Văn phòng are the district People's Committee's; the HĐND, the
        # Party committee, the Front and the organisations are not under it.
        superior = ty if code in ("ty-pnv", "ty-vp") else None
        p[code] = _party(code, name, short, kind, Level.DISTRICT, ty, superior=superior, email=f"{code}@tanyen.example")
    Party.objects.filter(pk=ty.pk).update(focal_agency=p["ty-pnv"])
    for party in p.values():
        party.refresh_from_db()
    return p


def load_directive_106(p: dict[str, Party]) -> dict[str, object]:
    ubnd = p["kt-ubnd"]
    organisations = [
        ("4857/QCPH-UBND-UBMTTQVN", "kt-mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
        ("4858/QCPH-UBND-HCCB", "kt-hccb", "Hội Cựu chiến binh tỉnh"),
        ("4859/QCPH-UBND-LĐLĐ", "kt-ldld", "Liên đoàn Lao động tỉnh"),
        ("4860/QCPH-UBND-HLHPN", "kt-hlhpn", "Hội Liên hiệp Phụ nữ tỉnh"),
        ("4861/QCPH-UBND-HND", "kt-hnd", "Hội Nông dân tỉnh"),
    ]
    # The directive speaks of the 2016–2020 regulation without giving its number: a placeholder record
    # keeps the "replaces" link readable.
    previous, _ = Regulation.objects.update_or_create(
        issuer=ubnd,
        title="Quy chế phối hợp công tác giữa Ủy ban nhân dân tỉnh với Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh "
        "và các tổ chức đoàn thể chính trị - xã hội tỉnh giai đoạn 2016 - 2020",
        defaults={
            "number_symbol": "",
            "term_start": 2016,
            "term_end": 2020,
            "status": Regulation.Status.REPLACED,
            "note": "Công văn 106/UBND-KGVX nhắc đến quy chế giai đoạn 2016 - 2020 nhưng không nêu số, "
            "ký hiệu, ngày ký.",
        },
    )
    previous.signatories.set([ubnd] + [p[code] for _n, code, _w in organisations])
    regulations = []
    for number, code, partner in organisations:
        regulation, _ = Regulation.objects.update_or_create(
            issuer=ubnd,
            number_symbol=number,
            defaults={
                "title": f"Quy chế phối hợp công tác giữa Ủy ban nhân dân tỉnh với {partner}",
                "signed_on": datetime.date(2020, 12, 31),
                "term_start": 2021,
                "term_end": 2025,
                "replaces": previous,
                # The 2021–2025 term is over (and Kon Tum merged into Quảng Ngãi on 01/07/2025).
                "status": Regulation.Status.EXPIRED,
            },
        )
        regulation.signatories.set([ubnd, p[code]])
        regulations.append(regulation)

    directive, _ = Document.objects.update_or_create(
        issuer=ubnd,
        number_symbol="106/UBND-KGVX",
        defaults={
            "kind": Document.Kind.DIRECTIVE,
            "place": "Kon Tum",
            "issued_on": datetime.date(2021, 1, 12),
            "date_text": "ngày 12 tháng 01 năm 2021",
            "is_draft": False,
            "title": "",
            "subject": T.DIRECTIVE_106_SUBJECT,
            "addressees": T.DIRECTIVE_106_ADDRESSEES,
            "body": T.DIRECTIVE_106_BODY + "\n\n¹ " + T.DIRECTIVE_106_FOOTNOTE,
            "distribution": T.DIRECTIVE_106_DISTRIBUTION,
            "signing_authority": Document.Authority.KT,
            "signing_block": T.DIRECTIVE_106_SIGNING_BLOCK,
            "signer_title": "Phó Chủ tịch",
            "signer_name": "Y Ngọc",
        },
    )
    directive.regulations.set(regulations)
    items = {}
    for order, (label, text) in enumerate(T.DIRECTIVE_106_ITEMS, start=1):
        items[label], _ = DocumentItem.objects.update_or_create(
            document=directive, order=order, defaults={"label": label, "text": text}
        )

    departments = [party for code, party in p.items() if code.startswith("kt-so-")] + [p["kt-snv"]]
    district_ubnds = [
        party
        for code, party in p.items()
        if code.startswith("kt-") and party.is_jurisdiction and party.level == Level.DISTRICT
    ]
    committees = [party for code, party in p.items() if code.startswith("kt-") and code.endswith("-cu")]
    organisations_parties = [p[code] for _n, code, _w in organisations]
    base = {"owed_to": ubnd, "applies_from": TERM_FROM, "applies_to": TERM_TO}

    def obligation(label, title, **fields):
        item = items[label]
        values = {**base, "source_wording": item.text, **fields}
        named = values.pop("named", None)
        ob, _ = Obligation.objects.update_or_create(source_item=item, title=title, defaults=values)
        if named is not None:
            ob.responsible_parties.set(named)
        return ob

    obligation(
        "1",
        "Tuyên truyền kết quả, tạo điều kiện cho Mặt trận và các đoàn thể, tham mưu hỗ trợ kinh phí",
        description="Thủ trưởng các sở, ban, ngành và Chủ tịch UBND các huyện, thành phố: tuyên truyền kết "
        "quả giai đoạn 2016 - 2020; tạo điều kiện để Mặt trận và các đoàn thể hoạt động; tham "
        "mưu hỗ trợ kinh phí theo Luật Ngân sách Nhà nước.",
        source_reference="Mục 1",
        verb=Obligation.Verb.REQUIRE,
        recurrence=Obligation.Recurrence.CONTINUOUS,
        deliverable=Obligation.Deliverable.ACTION,
        named=departments + district_ubnds,
    )
    report = obligation(
        "2",
        "Báo cáo đánh giá kết quả triển khai Quy chế phối hợp hằng năm",
        description="Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh: tuyên truyền, vận động; "
        "giám sát, phản biện xã hội; tổ chức thực hiện các Quy chế phối hợp và định kỳ hằng năm báo "
        "cáo đánh giá kết quả triển khai.",
        source_reference="Mục 2",
        responsible_rule=Obligation.ResponsibleRule.SIGNATORY_ORGANISATIONS,
        verb=Obligation.Verb.REQUEST,
        recurrence=Obligation.Recurrence.YEARLY,
        # "trước ngày 15/12": the last day is 14/12 (DESIGN.md); a Sunday moves it to the next working day.
        due_day=14,
        due_month=12,
        due_wording="hoàn thành trước ngày 15/12",
        deliverable=Obligation.Deliverable.REPORT,
    )
    obligation(
        "3",
        "Chỉ đạo chính quyền, Mặt trận và các đoàn thể cùng cấp thực hiện Quy chế phối hợp",
        source_reference="Mục 3",
        verb=Obligation.Verb.REQUEST,
        recurrence=Obligation.Recurrence.CONTINUOUS,
        deliverable=Obligation.Deliverable.ACTION,
        named=committees,
    )
    rollup = obligation(
        "4",
        "Theo dõi, tổng hợp, báo cáo UBND tỉnh tình hình thực hiện các nội dung phối hợp",
        description="Sở Nội vụ làm đầu mối, theo dõi, tổng hợp báo cáo của các tổ chức và báo cáo Ủy ban nhân "
        "dân tỉnh.",
        source_reference="Mục 4",
        verb=Obligation.Verb.ASSIGN,
        recurrence=Obligation.Recurrence.YEARLY,
        due_day=24,
        due_month=12,
        due_wording="trước ngày 25/12 hằng năm",
        deliverable=Obligation.Deliverable.REPORT,
        named=[p["kt-snv"]],
    )
    rollup.depends_on.set([report])
    # The figures the annual report asks for (the directive names the duties; the figures measure them).
    for order, (code, label, unit) in enumerate(REPORT_FIGURES, start=1):
        FigureDefinition.objects.update_or_create(
            obligation=report, code=code, defaults={"order": order, "label": label, "unit": unit, "required": True}
        )
    obligation(
        "Đoạn kết",
        "Trao đổi thông tin; kiểm tra, giám sát, sơ kết, tổng kết; phản ánh vấn đề vượt thẩm quyền",
        description="Thường xuyên trao đổi, chia sẻ thông tin; kiểm tra, giám sát, sơ kết, tổng kết; vấn đề "
        "phức tạp, vượt thẩm quyền phản ánh về Sở Nội vụ để tổng hợp, báo cáo UBND tỉnh.",
        source_reference="Đoạn kết",
        recurrence=Obligation.Recurrence.CONTINUOUS,
        deliverable=Obligation.Deliverable.ACTION,
        named=departments + district_ubnds + organisations_parties,
    )
    return {"directive": directive, "regulations": regulations, "report": report, "rollup": rollup}


def load_notice_003(p: dict[str, Party]) -> dict[str, object]:
    ty = p["ty-ubnd"]
    notice, _ = Document.objects.update_or_create(
        issuer=ty,
        number_symbol="/TB-UBND",
        defaults={
            "kind": Document.Kind.CONCLUSION_NOTICE,
            "place": "Tân Yên",
            "issued_on": None,
            "date_text": T.NOTICE_003_DATE_TEXT,
            "is_draft": True,
            "title": "THÔNG BÁO",
            "subject": T.NOTICE_003_SUBJECT,
            "addressees": "",
            "body": T.NOTICE_003_BODY,
            "distribution": T.NOTICE_003_DISTRIBUTION,
            "signing_authority": Document.Authority.TL,
            "signing_block": T.NOTICE_003_SIGNING_BLOCK,
            "signer_title": "Chánh Văn phòng",
            "signer_name": "Nguyễn Công Lực",
        },
    )
    meeting, _ = Meeting.objects.update_or_create(
        host=ty,
        held_on=datetime.date(2023, 2, 28),
        kind=Meeting.Kind.BRIEFING,
        defaults={
            "title": "Buổi giao ban thực hiện quy chế phối hợp giữa UBND huyện và Ủy ban MTTQ, các tổ chức chính "
            "trị - xã hội huyện",
            "chair_name": "",
            "chair_title": "Chủ tịch UBND huyện Tân Yên",
            "reviewed_period": "năm 2022; phương hướng, nhiệm vụ năm 2023",
            "reviewed_year": 2022,
            "results": T.MEETING_003_RESULTS,
            "limitations": T.MEETING_003_LIMITATIONS,
            "notice": notice,
        },
    )
    attendees = [
        ("Phan Thế Vinh", "Phó Bí thư Thường trực Huyện ủy", p["ty-huyenuy"]),
        ("Nguyễn Văn Nhân", "Phó Chủ tịch HĐND huyện", p["ty-hdnd"]),
        ("", "Các đồng chí thành viên UBND huyện", ty),
        ("", "Các đồng chí lãnh đạo Ủy ban MTTQ và các tổ chức chính trị - xã hội huyện", p["ty-mttq"]),
    ]
    for order, (name, position, party) in enumerate(attendees, start=1):
        MeetingAttendee.objects.update_or_create(
            meeting=meeting, order=order, defaults={"name": name, "position": position, "party": party}
        )
    indicators = [
        ("Chỉ tiêu kinh tế - xã hội chủ yếu đạt và vượt kế hoạch", Decimal(17), Decimal(17), "chỉ tiêu"),
        ("Tốc độ tăng giá trị sản xuất (giá SS 2010)", Decimal("14.6"), None, "%"),
        ("Nông, lâm nghiệp, thủy sản", Decimal("6.2"), None, "%"),
        ("Công nghiệp, xây dựng", Decimal("19.5"), None, "%"),
        ("Dịch vụ - thương mại", Decimal("11.4"), None, "%"),
    ]
    for order, (label, value, total, unit) in enumerate(indicators, start=1):
        MeetingIndicator.objects.update_or_create(
            meeting=meeting, order=order, defaults={"label": label, "value": value, "total": total, "unit": unit}
        )
    conclusions = []
    for number, text in enumerate(T.MEETING_003_CONCLUSIONS, start=1):
        conclusion, _ = Conclusion.objects.update_or_create(meeting=meeting, number=number, defaults={"text": text})
        conclusions.append(conclusion)

    front_and_orgs = [p[c] for c in ("ty-mttq", "ty-hccb", "ty-ldld", "ty-hlhpn", "ty-hnd", "ty-doan")]
    # Standing duties run until the district was abolished; the one-off duty is due 05/03/2023.
    base = {
        "owed_to": ty,
        "applies_from": datetime.date(2023, 2, 28),
        "applies_to": MERGER_END,
        "deliverable": Obligation.Deliverable.ACTION,
    }
    standing = [
        (0, "Tiếp tục triển khai Chương trình phối hợp, cụ thể hóa nghị quyết các cấp", [ty, *front_and_orgs]),
        (1, "Tăng cường phối hợp, nắm tình hình Nhân dân, chọn vấn đề Nhân dân quan tâm để phối hợp", front_and_orgs),
        (
            2,
            "Lựa chọn nội dung phối hợp, xây dựng mục tiêu cụ thể; kiểm tra, giám sát, sơ kết, tổng kết",
            [ty, *front_and_orgs],
        ),
        (
            3,
            "Bồi thường GPMB phải mời lãnh đạo Mặt trận và các tổ chức; Mặt trận thông tin, phản ánh cho UBND huyện",
            [ty, *front_and_orgs],
        ),
    ]
    for index, title, named in standing:
        ob, _ = Obligation.objects.update_or_create(
            source_conclusion=conclusions[index],
            title=title,
            defaults={
                **base,
                "source_reference": f"Kết luận {index + 1}",
                "source_wording": conclusions[index].text,
                "recurrence": Obligation.Recurrence.CONTINUOUS,
            },
        )
        ob.responsible_parties.set(named)
    finish, _ = Obligation.objects.update_or_create(
        source_conclusion=conclusions[4],
        title="Hoàn thiện Quy chế phối hợp giữa UBND huyện với Ủy ban MTTQ, các tổ chức chính trị - xã hội huyện "
        "nhiệm kỳ 2021 - 2025",
        defaults={
            **base,
            "source_reference": "Kết luận 5",
            "source_wording": conclusions[4].text,
            "recurrence": Obligation.Recurrence.ONCE,
            "verb": Obligation.Verb.ASSIGN,
            "due_date": datetime.date(2023, 3, 4),  # "trước ngày 05/3/2023": the last day is 04/03
            "due_wording": "thời gian thực hiện xong trước ngày 05/3/2023",
        },
    )
    finish.responsible_parties.set([p["ty-pnv"]])
    # "phối hợp với Ủy ban Mặt trận Tổ quốc, các tổ chức chính trị - xã hội huyện": they contribute to its task.
    finish.cooperating_parties.set(front_and_orgs)
    return {"notice": notice, "meeting": meeting, "finish": finish}


DEMO_USERS = [
    # username, display name, [(party code, role)], staff
    ("admin", "Quản trị hệ thống", [("kt-ubnd", Role.ADMIN), ("qn-ubnd", Role.ADMIN)], True),
    ("vanphong", "Văn phòng UBND tỉnh", [("kt-ubnd", Role.OFFICE), ("qn-ubnd", Role.OFFICE)], False),
    ("sonoivu", "Sở Nội vụ", [("kt-snv", Role.FOCAL), ("qn-snv", Role.FOCAL)], False),
    ("lanhdao", "Lãnh đạo UBND tỉnh", [("kt-ubnd", Role.LEADER), ("qn-ubnd", Role.LEADER)], False),
    ("mttq", "Ủy ban MTTQ Việt Nam tỉnh", [("kt-mttq", Role.REPORTER), ("qn-mttq", Role.REPORTER)], False),
    ("hccb", "Hội Cựu chiến binh tỉnh", [("kt-hccb", Role.REPORTER), ("qn-hccb", Role.REPORTER)], False),
    ("ldld", "Liên đoàn Lao động tỉnh", [("kt-ldld", Role.REPORTER), ("qn-ldld", Role.REPORTER)], False),
    ("hlhpn", "Hội Liên hiệp Phụ nữ tỉnh", [("kt-hlhpn", Role.REPORTER), ("qn-hlhpn", Role.REPORTER)], False),
    ("hnd", "Hội Nông dân tỉnh", [("kt-hnd", Role.REPORTER), ("qn-hnd", Role.REPORTER)], False),
    ("tanyen", "Văn phòng HĐND và UBND huyện Tân Yên", [("ty-ubnd", Role.OFFICE)], False),
    ("noivu_tanyen", "Phòng Nội vụ huyện Tân Yên", [("ty-pnv", Role.FOCAL)], False),
]


def load_users(p: dict[str, Party]) -> int:
    User = get_user_model()
    password = settings.DEMO_PASSWORD
    for username, display, memberships, staff in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": display,
                "email": f"{username}@phoihop.example",
                "is_staff": staff,
                "is_superuser": username == "admin",
            },
        )
        # Only a new account, or one whose password no longer matches, is written: a second run changes nothing.
        if created or not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        for code, role in memberships:
            Membership.objects.get_or_create(user=user, party=p[code], role=role, defaults={"is_head": False})
    return len(DEMO_USERS)


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LOCAL_TZ)


# INVENTED history: the seeds say nothing about who reported when. These make the pages show a realistic
# mix (mostly on time, a few late, one still missing) and are applied only to untouched open tasks.
INVENTED_COMPLETIONS = {
    # (obligation key, holder party code, reporting year): day the report was accepted as submitted
    **{
        ("report", code, year): datetime.date(year, 12, 10)
        for code in ("kt-mttq", "kt-hccb", "kt-ldld", "kt-hlhpn", "kt-hnd")
        for year in (2021, 2022, 2023, 2024)
    },
    ("report", "kt-hlhpn", 2021): datetime.date(2021, 12, 16),
    ("report", "kt-hccb", 2022): datetime.date(2022, 12, 19),
    ("report", "kt-hnd", 2023): datetime.date(2023, 12, 18),
    ("report", "qn-mttq", 2025): datetime.date(2025, 12, 11),
    ("report", "qn-ldld", 2025): datetime.date(2025, 12, 12),
    ("report", "qn-hccb", 2025): datetime.date(2025, 12, 17),
    ("report", "qn-hlhpn", 2025): datetime.date(2025, 12, 15),
    **{("rollup", "kt-snv", year): datetime.date(year, 12, 22) for year in (2021, 2022, 2024)},
    ("rollup", "kt-snv", 2023): datetime.date(2023, 12, 27),
    ("finish", "ty-pnv", 2023): datetime.date(2023, 3, 3),
    # Left open on purpose: HND Quảng Ngãi's 2025 report, and so Sở Nội vụ's 2025 roll-up.
}


# INVENTED report contents, one short text per organisation (the seeds give none): the reports behind the
# invented completions above, so that a consolidated report quotes what it counts. Saved as illustrative
# (Submission.is_illustrative) and shown as "dữ liệu minh họa" wherever they appear.
INVENTED_REPORTS = {
    "mttq": {
        "results": "phối hợp tổ chức hội nghị đối thoại giữa Chủ tịch UBND tỉnh với Nhân dân; giám sát việc thực "
        "hiện chính sách an sinh xã hội và cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh”.",
        "limitations": "Một số kiến nghị sau giám sát chưa được theo dõi đến cùng; thông tin giữa các bên có lúc "
        "chưa kịp thời.",
        "directions": "Tiếp tục phối hợp tổ chức đối thoại, giám sát và phản biện xã hội các dự thảo chính sách của "
        "tỉnh.",
        "proposals": "Đề nghị UBND tỉnh chỉ đạo các sở, ngành trả lời kiến nghị sau giám sát đúng thời hạn.",
    },
    "hccb": {
        "results": "phối hợp với các sở, ngành tuyên truyền, giáo dục truyền thống cho thế hệ trẻ; vận động hội "
        "viên tham gia giữ gìn an ninh, trật tự ở cơ sở và giúp nhau phát triển kinh tế.",
        "limitations": "Nguồn vốn hỗ trợ hội viên phát triển kinh tế còn hạn chế.",
        "directions": "Phối hợp tổ chức các hoạt động giáo dục truyền thống; tham gia giám sát ở cơ sở.",
        "proposals": "Đề nghị bố trí kinh phí hỗ trợ các hoạt động phối hợp theo Luật Ngân sách nhà nước.",
    },
    "ldld": {
        "results": "phối hợp kiểm tra việc thực hiện pháp luật lao động tại doanh nghiệp; tổ chức đối thoại giữa "
        "lãnh đạo tỉnh với công nhân, viên chức, người lao động.",
        "limitations": "Một số doanh nghiệp chưa phối hợp đầy đủ trong việc thành lập công đoàn cơ sở.",
        "directions": "Tiếp tục phối hợp chăm lo đời sống, bảo vệ quyền và lợi ích hợp pháp của người lao động.",
        "proposals": "Đề nghị các sở, ngành phối hợp giải quyết dứt điểm kiến nghị của người lao động.",
    },
    "hlhpn": {
        "results": "phối hợp hỗ trợ phụ nữ khởi nghiệp, phòng, chống bạo lực gia đình; tham gia giám sát việc thực "
        "hiện chính sách đối với lao động nữ.",
        "limitations": "Việc nhân rộng các mô hình ở vùng đồng bào dân tộc thiểu số còn chậm.",
        "directions": "Tiếp tục phối hợp hỗ trợ phụ nữ phát triển kinh tế, xây dựng gia đình no ấm, hạnh phúc.",
        "proposals": "Đề nghị hỗ trợ kinh phí duy trì các mô hình phụ nữ tham gia bảo đảm an ninh, trật tự.",
    },
    "hnd": {
        "results": "phối hợp tập huấn chuyển giao khoa học kỹ thuật cho hội viên; phối hợp giải ngân vốn vay ủy "
        "thác cho hội viên nông dân.",
        "limitations": "Liên kết tiêu thụ nông sản cho hội viên chưa bền vững.",
        "directions": "Phối hợp xây dựng chuỗi liên kết sản xuất, tiêu thụ nông sản; tham gia xây dựng nông thôn mới.",
        "proposals": "Đề nghị tăng nguồn vốn Quỹ Hỗ trợ nông dân của tỉnh.",
    },
}
# (joint activities, plans signed, supervision sessions) of a first year; later years add a little.
INVENTED_FIGURES = {"mttq": (12, 3, 6), "hccb": (6, 1, 2), "ldld": (9, 2, 3), "hlhpn": (10, 2, 3), "hnd": (8, 1, 2)}
ILLUSTRATIVE = "(dữ liệu minh họa)"


def _invented_sections(org: str, year: int) -> dict[str, str]:
    sections = dict.fromkeys(("results", "limitations", "directions", "proposals"), "")
    sections.update(INVENTED_REPORTS[org])
    sections["results"] = f"Năm {year}, {sections['results']}"
    return sections


def _invented_figures(org: str, year: int) -> dict[str, str]:
    step = year - 2021
    values = [base + step * extra for base, extra in zip(INVENTED_FIGURES[org], (2, 0, 1), strict=True)]
    return {code: str(value) for (code, _label, _unit), value in zip(REPORT_FIGURES, values, strict=True)}


def _member(party: Party, *roles: str):
    membership = Membership.objects.filter(party=party, role__in=roles).select_related("user").order_by("pk").first()
    return membership.user if membership else None


def _invent_submission(task: Task, org: str) -> None:
    """The accepted report behind an invented completion: one version, submitted when the task was done,
    accepted by the focal agency the next morning, each step on the task's trail, all marked illustrative."""
    if Submission.objects.filter(task=task).exists():
        return
    year = task.period.year
    sections, figures = _invented_sections(org, year), _invented_figures(org, year)
    jurisdiction = task.party.parent if task.party.parent and task.party.parent.is_jurisdiction else task.party
    focal = jurisdiction.focal_agency
    submitter = _member(task.party, Role.REPORTER, Role.FOCAL) or get_user_model().objects.get(username="admin")
    reviewer = (focal and focal != task.party and _member(focal, Role.FOCAL)) or _member(jurisdiction, Role.OFFICE)
    reviewer = reviewer or submitter
    submitted_at = cast(datetime.datetime, task.completed_at)
    reviewed_at = _at(timezone.localtime(submitted_at).date() + datetime.timedelta(days=1), 10)
    submission = Submission.objects.create(
        task=task, is_illustrative=True, figures=figures, revision=1, updated_by=submitter, **sections
    )
    SubmissionVersion.objects.create(
        submission=submission,
        number=1,
        sections=sections,
        figures=figures,
        submitted_by=submitter,
        submitted_at=submitted_at,
        review=SubmissionVersion.Review.ACCEPTED,
        reviewed_by=reviewer,
        reviewed_at=reviewed_at,
    )
    TaskEvent.objects.create(
        task=task,
        actor=submitter,
        at=submitted_at,
        action=TaskEvent.Action.SUBMITTED,
        message=f"Nộp báo cáo lần 1 {ILLUSTRATIVE}.",
        data={"version": 1, "illustrative": True},
    )
    TaskEvent.objects.create(
        task=task,
        actor=reviewer,
        at=reviewed_at,
        action=TaskEvent.Action.ACCEPTED,
        message=f"Tiếp nhận báo cáo lần 1 {ILLUSTRATIVE}.",
        data={"completed_at": submitted_at.isoformat(), "on_time": task.on_time, "illustrative": True},
    )


def apply_invented_history(obligations: dict[str, Obligation], parties: dict[str, Party]) -> None:
    for (key, code, year), day in INVENTED_COMPLETIONS.items():
        task = (
            Task.objects.filter(obligation=obligations[key], party=parties[code], period__year=year)
            .select_related("party__parent__focal_agency", "period")
            .first()
        )
        if task is None:
            continue
        if task.state == Task.State.OPEN and task.completed_at is None:
            task.state = Task.State.DONE
            task.completed_at = _at(day)
            task.on_time = task.completed_at < task.deadline
            task.save(update_fields=["state", "completed_at", "on_time", "updated_at"])
        # An organisation's report is done when its content is accepted: invent that content too, also for a
        # database seeded before it was invented. (A roll-up is the focal agency's consolidated report, and
        # Tân Yên's task is a task to do, not a report.)
        if key == "report" and task.state == Task.State.DONE and task.completed_at == _at(day):
            _invent_submission(task, code.split("-", 1)[1])


@transaction.atomic
def load_demo_credentials() -> list[str]:
    """A test certificate (from the demo CA) for every demo organisation that has none yet, in SIGNING_DIR:
    the signing and checking flows work on a bare machine. Each is labelled "Chứng thư thử nghiệm — không có
    giá trị pháp lý"."""
    from reports.pdf import FONT_DIR
    from signatures.demo import write_demo_credentials

    organisations = [(party.code, party.name, party.short_name) for party in Party.objects.order_by("path")]
    return write_demo_credentials(Path(settings.SIGNING_DIR), organisations, font=FONT_DIR / "LiberationSerif-Bold.ttf")


def demo_load() -> DemoResult:
    from .reorganisations import load_reorganisations

    parties = load_parties()
    kon_tum = load_directive_106(parties)
    tan_yen = load_notice_003(parties)
    users = load_users(parties)
    load_reorganisations()  # before the tasks: the 2025 tasks are created for the successors
    parties = {party.code: party for party in Party.objects.all()}
    generated = tasks_generate()
    obligations = {"report": kon_tum["report"], "rollup": kon_tum["rollup"], "finish": tan_yen["finish"]}
    apply_invented_history(cast(dict[str, Obligation], obligations), parties)
    from .term2026 import ACCOUNTS as COMMUNE_ACCOUNTS
    from .term2026 import load_new_term

    generated.created += load_new_term()  # INVENTED: the merged province's 2026–2030 term, alive on the load date
    load_demo_credentials()
    return DemoResult(
        parties=Party.objects.count(), users=users + len(COMMUNE_ACCOUNTS), tasks_created=generated.created
    )
