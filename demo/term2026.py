"""INVENTED: the merged province's new term, so that the demo is alive on the day it is loaded.

The seeds end with the 2021–2025 term. Everything here is invented (is_illustrative, shown as "dữ liệu minh
họa" wherever a user sees it), apart from the names of the communes:

- Four communes of Quảng Ngãi formed on 01/07/2025 in the former Kon Tum area, each with its People's
  Committee, its Văn phòng HĐND và UBND (the commune's focal agency), its Front committee and four
  organisations. The names are those of the communes of Nghị quyết 1677/NQ-UBTVQH15 (16/06/2025) on
  Quảng Ngãi's communes, as secondary pages give them (not checked against the signed text); the bodies'
  details, codes and addresses are invented.
- Quảng Ngãi's coordination regulations for 2026–2030 between the provincial People's Committee and the
  Front and each organisation, one per commune, and a plan implementing them, with three duties: the
  organisations' monthly report ("trước ngày 20 của tháng sau"; a commune's is quarterly), their annual
  report ("trước ngày 15/12") and the focal agency's roll-up ("trước ngày 25/12"). The monthly duty means
  that whatever the day the demo is loaded, a report falls due within the next weeks.
- A history for the periods already due on the load date: most reports on time, one late, one returned
  for revision, one still missing; the accepted ones have an invented content.
"""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from obligations.models import FigureDefinition, Obligation, Submission, SubmissionVersion, Task, TaskEvent
from regulations.models import Document, DocumentItem, Membership, Party, Regulation

from . import seed

Kind, Level, Role = Party.Kind, Party.Level, Membership.Role
COMMUNE_START = datetime.date(2025, 7, 1)
TERM_FROM, TERM_TO = datetime.date(2026, 1, 1), datetime.date(2030, 12, 31)
ACCOUNTS = ["xa_dakha"]  # the office of one commune's People's Committee (README.md lists it)
NOTE = "Dữ liệu minh họa: quy chế do bản trình diễn đặt ra, không phải văn bản thật."

# (slug, unit as written in the name); from NQ 1677/NQ-UBTVQH15 (secondary sources).
COMMUNES = [
    ("dakha", "xã Đăk Hà"),
    ("dakto", "xã Đăk Tô"),
    ("mangden", "xã Măng Đen"),
    ("p-kontum", "phường Kon Tum"),
]
# (suffix, name before the unit, short name before the unit, kind)
COMMUNE_BODIES = [
    ("vp", "Văn phòng HĐND và UBND", "VP HĐND&UBND", Kind.STATE),
    ("mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam", "Ủy ban MTTQ", Kind.FRONT),
    ("hccb", "Hội Cựu chiến binh", "HCCB", Kind.SOCIO_POLITICAL),
    ("hlhpn", "Hội Liên hiệp Phụ nữ", "HLHPN", Kind.SOCIO_POLITICAL),
    ("hnd", "Hội Nông dân", "HND", Kind.SOCIO_POLITICAL),
    ("doan", "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Đoàn TN", Kind.SOCIO_POLITICAL),
]
PROVINCE_REGULATIONS = [
    ("15/QCPH-UBND-UBMTTQVN", "qn-mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
    ("16/QCPH-UBND-HCCB", "qn-hccb", "Hội Cựu chiến binh tỉnh"),
    ("17/QCPH-UBND-LĐLĐ", "qn-ldld", "Liên đoàn Lao động tỉnh"),
    ("18/QCPH-UBND-HLHPN", "qn-hlhpn", "Hội Liên hiệp Phụ nữ tỉnh"),
    ("19/QCPH-UBND-HND", "qn-hnd", "Hội Nông dân tỉnh"),
]
EXTRA_REPORTS = {
    "doan": {
        "results": "phối hợp tổ chức các hoạt động tình nguyện, hỗ trợ thanh niên lập nghiệp và tham gia xây dựng "
        "nông thôn mới.",
        "limitations": "Một số hoạt động còn phụ thuộc vào kinh phí hỗ trợ.",
        "directions": "Tiếp tục phối hợp tổ chức các phong trào thanh niên tình nguyện.",
        "proposals": "Đề nghị hỗ trợ kinh phí cho các công trình thanh niên.",
    }
}


def _party(code, name, short_name, kind, level, parent, **extra) -> Party:
    defaults = {"name": name, "short_name": short_name, "kind": kind, "level": level, "parent": parent}
    party, _created = Party.objects.update_or_create(code=code, defaults={**defaults, "is_illustrative": True, **extra})
    return party


def load_communes() -> dict[str, dict[str, Party]]:
    province = Party.objects.get(code="qn-ubnd")
    superiors = {code: Party.objects.get(code=f"qn-{code}") for code in ("hccb", "hlhpn", "hnd")}
    communes: dict[str, dict[str, Party]] = {}
    for slug, unit in COMMUNES:
        prefix = f"qn-x-{slug}"
        ubnd = _party(
            f"{prefix}-ubnd",
            f"Ủy ban nhân dân {unit}",
            f"UBND {unit}",
            Kind.STATE,
            Level.COMMUNE,
            province,
            is_jurisdiction=True,
            valid_from=COMMUNE_START,
            email=f"{prefix}-ubnd@quangngai.example",
        )
        bodies = {"ubnd": ubnd}
        for suffix, name, short, kind in COMMUNE_BODIES:
            code = f"{prefix}-{suffix}"
            # The Văn phòng is the People's Committee's; the organisations are under the Front (Luật 97/2025/QH15),
            # and in their own system under the province's organisation; the Front is under neither.
            superior = ubnd if kind == Kind.STATE else None
            if kind == Kind.SOCIO_POLITICAL:
                superior = bodies.get("mttq")
            bodies[suffix] = _party(
                code,
                f"{name} {unit}",
                f"{short} {unit.split(' ', 1)[1]}",
                kind,
                Level.COMMUNE,
                ubnd,
                valid_from=COMMUNE_START,
                superior=superior or superiors.get(suffix),
                email=f"{code}@quangngai.example",
            )
        Party.objects.filter(pk=ubnd.pk).update(focal_agency=bodies["vp"])
        communes[slug] = bodies
    return communes


def _regulation(issuer, number, title, signatories) -> Regulation:
    regulation, _created = Regulation.objects.update_or_create(
        issuer=issuer,
        number_symbol=number,
        defaults={
            "title": title,
            "signed_on": datetime.date(2026, 1, 15),
            "term_start": 2026,
            "term_end": 2030,
            "status": Regulation.Status.IN_FORCE,
            "is_illustrative": True,
            "note": NOTE,
        },
    )
    regulation.signatories.set(signatories)
    return regulation


def _plan(
    issuer, number, place, subject, regulations, signer, *, monthly: bool = False
) -> tuple[Document, dict[str, DocumentItem]]:
    every = "hằng tháng, trước ngày 20 của tháng sau" if monthly else "hằng quý, trước ngày 20 của tháng đầu quý sau"
    document, _created = Document.objects.update_or_create(
        issuer=issuer,
        number_symbol=number,
        defaults={
            "kind": Document.Kind.PLAN,
            "place": place,
            "issued_on": datetime.date(2026, 1, 20),
            "date_text": "ngày 20 tháng 01 năm 2026",
            "title": "KẾ HOẠCH",
            "subject": subject,
            "body": f"Dữ liệu minh họa. 1. Các tổ chức báo cáo kết quả phối hợp {every}. 2. Các tổ chức báo cáo "
            "đánh giá kết quả thực hiện Quy chế hằng năm, hoàn thành trước ngày 15/12. 3. Cơ quan đầu mối tổng hợp, "
            "báo cáo Ủy ban nhân dân trước ngày 25/12 hằng năm.",
            "signing_authority": Document.Authority.KT,
            "signer_title": "Phó Chủ tịch",
            "signer_name": signer,
            "is_illustrative": True,
        },
    )
    document.regulations.set(regulations)
    items = {}
    texts = [
        ("1", f"Các tổ chức báo cáo kết quả phối hợp {every}."),
        ("2", "Các tổ chức báo cáo đánh giá kết quả thực hiện Quy chế hằng năm, hoàn thành trước ngày 15/12."),
        ("3", "Cơ quan đầu mối tổng hợp, báo cáo Ủy ban nhân dân trước ngày 25/12 hằng năm."),
    ]
    for order, (label, text) in enumerate(texts, start=1):
        items[label], _created = DocumentItem.objects.update_or_create(
            document=document, order=order, defaults={"label": label, "text": text}
        )
    return document, items


def _obligations(
    items: dict[str, DocumentItem], recipient: Party, focal: Party, *, monthly: bool = False
) -> list[Obligation]:
    common = {
        "owed_to": recipient,
        "applies_from": TERM_FROM,
        "applies_to": TERM_TO,
        "deliverable": Obligation.Deliverable.REPORT,
        "is_illustrative": True,
        "move_to_working_day": True,
    }
    made = []
    rows: list[tuple[str, str, dict[str, Any]]] = [
        (
            "1",
            "Báo cáo kết quả phối hợp hằng tháng" if monthly else "Báo cáo kết quả phối hợp hằng quý",
            {
                "recurrence": Obligation.Recurrence.MONTHLY if monthly else Obligation.Recurrence.QUARTERLY,
                "due_day": 19,  # "trước ngày 20": the last day is the 19th
                "due_wording": "trước ngày 20 của tháng sau" if monthly else "trước ngày 20 của tháng đầu quý sau",
                "responsible_rule": Obligation.ResponsibleRule.SIGNATORY_ORGANISATIONS,
                "verb": Obligation.Verb.REQUEST,
            },
        ),
        (
            "2",
            "Báo cáo đánh giá kết quả thực hiện Quy chế phối hợp hằng năm (2026 - 2030)",
            {
                "recurrence": Obligation.Recurrence.YEARLY,
                "due_day": 14,
                "due_month": 12,
                "due_wording": "hoàn thành trước ngày 15/12",
                "responsible_rule": Obligation.ResponsibleRule.SIGNATORY_ORGANISATIONS,
                "verb": Obligation.Verb.REQUEST,
            },
        ),
        (
            "3",
            "Tổng hợp, báo cáo tình hình thực hiện Quy chế phối hợp (2026 - 2030)",
            {
                "recurrence": Obligation.Recurrence.YEARLY,
                "due_day": 24,
                "due_month": 12,
                "due_wording": "trước ngày 25/12 hằng năm",
                "verb": Obligation.Verb.ASSIGN,
            },
        ),
    ]
    for label, title, fields in rows:
        item = items[label]
        obligation, _created = Obligation.objects.update_or_create(
            source_item=item,
            title=title,
            defaults={**common, **fields, "source_reference": f"Mục {label}", "source_wording": item.text},
        )
        made.append(obligation)
    made[2].responsible_parties.set([focal])
    made[2].depends_on.set([made[1]])
    for obligation in made[:2]:
        for order, (code, label, unit) in enumerate(seed.REPORT_FIGURES, start=1):
            FigureDefinition.objects.update_or_create(
                obligation=obligation,
                code=code,
                defaults={"order": order, "label": label, "unit": unit, "required": True},
            )
    return made


def load_regulations(communes: dict[str, dict[str, Party]]) -> list[Obligation]:
    province = Party.objects.get(code="qn-ubnd")
    regulations = [
        _regulation(
            province,
            number,
            f"Quy chế phối hợp công tác giữa Ủy ban nhân dân tỉnh với {partner} giai đoạn 2026 - 2030",
            [province, Party.objects.get(code=code)],
        )
        for number, code, partner in PROVINCE_REGULATIONS
    ]
    _document, items = _plan(
        province,
        "12/KH-UBND",
        "Quảng Ngãi",
        "Triển khai thực hiện các Quy chế phối hợp giữa UBND tỉnh với Ủy ban MTTQ Việt Nam tỉnh và các tổ chức "
        "chính trị - xã hội tỉnh giai đoạn 2026 - 2030",
        regulations,
        "Nguyễn Văn A (dữ liệu minh họa)",
        monthly=True,
    )
    obligations = _obligations(items, province, Party.objects.get(code="qn-snv"), monthly=True)
    for slug, bodies in communes.items():
        ubnd = bodies["ubnd"]
        unit = ubnd.name.removeprefix("Ủy ban nhân dân ")
        organisations = [bodies[key] for key in ("mttq", "hccb", "hlhpn", "hnd", "doan")]
        regulation = _regulation(
            ubnd,
            f"01/QCPH-UBND-{slug.upper()}",
            f"Quy chế phối hợp giữa Ủy ban nhân dân {unit} với Ủy ban MTTQ Việt Nam và các tổ chức chính trị - xã "
            f"hội {unit.split(' ', 1)[0]} giai đoạn 2026 - 2030",
            [ubnd, *organisations],
        )
        _document, items = _plan(
            ubnd,
            f"05/KH-UBND-{slug.upper()}",
            unit,
            f"Triển khai Quy chế phối hợp của {unit} giai đoạn 2026 - 2030",
            [regulation],
            "Trần Thị B (dữ liệu minh họa)",
        )
        obligations += _obligations(items, ubnd, bodies["vp"])
    return obligations


def load_commune_account(communes: dict[str, dict[str, Party]]) -> None:
    user, created = get_user_model().objects.get_or_create(
        username="xa_dakha",
        defaults={"first_name": "Văn phòng HĐND và UBND xã Đăk Hà", "email": "xa_dakha@phoihop.example"},
    )
    if created or not user.check_password(settings.DEMO_PASSWORD):
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, party=communes["dakha"]["ubnd"], role=Role.OFFICE)
    Membership.objects.get_or_create(user=user, party=communes["dakha"]["vp"], role=Role.FOCAL)


def _org_key(party: Party) -> str:
    key = party.code.rsplit("-", 1)[1]
    return key if key in seed.INVENTED_REPORTS or key in EXTRA_REPORTS else "mttq"


def _return(task: Task, org: str, submitted_at: datetime.datetime, returned_at: datetime.datetime) -> None:
    """A version submitted and returned for revision (the party has to submit again)."""
    sections = seed._invented_sections(org, task.period.year)
    figures = seed._invented_figures(org, task.period.year)
    submitter = seed._member(task.party, Role.REPORTER) or get_user_model().objects.get(username="admin")
    reviewer = seed._member(Party.objects.get(code="qn-snv"), Role.FOCAL) or submitter
    comment = "Đề nghị bổ sung số liệu về các cuộc giám sát trong quý (dữ liệu minh họa)."
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
        review=SubmissionVersion.Review.RETURNED,
        reviewed_by=reviewer,
        reviewed_at=returned_at,
        review_comment=comment,
    )
    TaskEvent.objects.create(
        task=task, actor=submitter, at=submitted_at, action=TaskEvent.Action.SUBMITTED,
        message=f"Nộp báo cáo lần 1 {seed.ILLUSTRATIVE}.", data={"version": 1, "illustrative": True},
    )  # fmt: skip
    TaskEvent.objects.create(
        task=task, actor=reviewer, at=returned_at, action=TaskEvent.Action.RETURNED, message=comment,
        data={"version": 1, "illustrative": True},
    )  # fmt: skip
    task.state = Task.State.RETURNED
    task.save(update_fields=["state", "updated_at"])


def apply_history(obligations: list[Obligation], today: datetime.date) -> None:
    """The periods already due on the load date: on time, except the latest period of three organisations
    (HCCB late, LĐLĐ returned, HND still missing) and one commune's Farmers' Union. Only untouched tasks."""
    reports = [ob for ob in obligations if ob.deliverable == Obligation.Deliverable.REPORT and ob.figures.exists()]
    past = (
        Task.objects.filter(obligation__in=reports, due_date__lt=today, state=Task.State.OPEN, submission__isnull=True)
        .select_related("party__parent__focal_agency", "period", "obligation")
        .order_by("due_date", "pk")
    )
    latest: dict[int, Task] = {}
    for task in past:
        if task.obligation.recurrence != Obligation.Recurrence.YEARLY:
            latest[task.party_id] = task  # ordered by due date: the last one wins
    special = {}
    for task in latest.values():
        code = task.party.code
        if code in ("qn-hccb", "qn-ldld", "qn-hnd", "qn-x-dakto-hnd"):
            special[task.pk] = code
    for task in past:
        due = seed._at(task.due_date)
        outcome = special.get(task.pk)
        if outcome in ("qn-hnd", "qn-x-dakto-hnd"):
            continue  # still missing: overdue on the load date
        if outcome == "qn-ldld":
            _return(task, "ldld", due - datetime.timedelta(days=2), due + datetime.timedelta(days=1))
            continue
        completed = due + datetime.timedelta(days=4) if outcome == "qn-hccb" else due - datetime.timedelta(days=3)
        task.state = Task.State.DONE
        task.completed_at = completed
        task.on_time = completed < task.deadline
        task.save(update_fields=["state", "completed_at", "on_time", "updated_at"])
        seed._invent_submission(task, _org_key(task.party))


@transaction.atomic
def load_new_term() -> int:
    """The communes, the 2026–2030 regulations and their tasks, and a history up to the load date."""
    from obligations.services import tasks_generate

    for key, texts in EXTRA_REPORTS.items():
        seed.INVENTED_REPORTS.setdefault(key, texts)
        seed.INVENTED_FIGURES.setdefault(key, (7, 1, 2))
    communes = load_communes()
    obligations = load_regulations(communes)
    load_commune_account(communes)
    created = tasks_generate(obligations=obligations).created
    apply_history(obligations, timezone.localdate())
    return created
