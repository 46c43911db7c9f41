"""From a document's text to obligations, and obligations to tasks at once.

The clerk pastes a text or uploads a file; the extraction engine proposes the document's fields and its
obligations; the clerk corrects them on the review page; `intake_confirm` writes the document, its items,
the obligations and the tasks of every period already open, all or nothing. Nothing is written before that:
the text travels between the two steps signed (`payload_sign`), and is parsed again on confirmation.

`obligation_create` and `obligation_update` are the same writes for one obligation entered by hand.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from regulations.models import Conclusion, Document, DocumentItem, Party, Regulation, SourceEvent
from regulations.rights import Right, require, require_actor
from regulations.selectors import can_edit_sources
from regulations.services import source_event_record

from . import selectors
from .extraction import Extraction, ExtractionError, extraction_from_text
from .extraction.dates import Deadline, deadlines_find
from .models import Obligation
from .services import tasks_generate

PAYLOAD_SALT = "obligations.intake"
# A review page left open over a working day can still be confirmed; after that the text is pasted again.
PAYLOAD_MAX_AGE = 24 * 60 * 60

VERBS = {"giao": Obligation.Verb.ASSIGN, "yêu cầu": Obligation.Verb.REQUIRE, "đề nghị": Obligation.Verb.REQUEST}
TITLE_LENGTH = 150
CONTEXT_CHARS = 160
# The scalar fields of an obligation the review form edits (the parties are set after saving).
OBLIGATION_FIELDS = (
    "title",
    "description",
    "verb",
    "responsible_rule",
    "recurrence",
    "due_wording",
    "due_date",
    "due_day",
    "due_month",
    "move_to_working_day",
    "deliverable",
    "owed_to",
    "applies_from",
    "applies_to",
    "source_reference",
    "source_wording",
)
PARTY_FIELDS = ("responsible_parties", "cooperating_parties")
_TERM = re.compile(r"giai\s+đoạn\s+(\d{4})\s*[-–—]\s*(\d{4})", re.IGNORECASE)
_PLACE = re.compile(r"^\s*([^\n,:]{2,60}),\s*ngày\b", re.MULTILINE)
_DRAFT_NUMBER = re.compile(r"^\s*/")


class IntakeError(Exception):
    """A refused intake, with the Vietnamese message the user sees and, where it belongs, its field."""

    def __init__(self, message: str, *, code: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass
class IntakeResult:
    document: Document
    obligations: list[Obligation] = field(default_factory=list)
    tasks_created: int = 0


# --- carrying the text between the steps --------------------------------------------------------------


def payload_sign(*, text: str, jurisdiction: Party) -> str:
    """The cleaned text and the jurisdiction, signed: the review page posts them back unchanged or not at all."""
    return signing.dumps({"text": text, "jurisdiction": jurisdiction.pk}, salt=PAYLOAD_SALT, compress=True)


def payload_read(value: str) -> dict:
    try:
        data = signing.loads(value or "", salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE)
    except signing.BadSignature:
        raise IntakeError(
            _("Phiên nhập văn bản đã hết hạn hoặc không hợp lệ; hãy dán hoặc tải văn bản lên lại."), code="payload"
        ) from None
    return data


def extraction_read(*, text: str, jurisdiction: Party) -> Extraction:
    """Parse the text; a text with no operative item is refused like the engine's other refusals."""
    if not (text or "").strip():
        raise ExtractionError(_("Chưa có nội dung văn bản: hãy dán toàn văn hoặc tải tệp lên."), code="empty")
    return extraction_from_text(text=text, jurisdiction=jurisdiction)


# --- what the review page starts from -----------------------------------------------------------------


def jurisdiction_parties(*, jurisdiction: Party, on: datetime.date | None) -> QuerySet[Party]:
    """The parties of the jurisdiction's subtree, valid on the document's date (every one when it has none)."""
    parties = Party.objects.in_subtree_of([jurisdiction])
    if on is not None:
        parties = parties.valid_on(on)
    return parties.order_by("path")


def jurisdiction_regulations(*, jurisdiction: Party) -> QuerySet[Regulation]:
    return Regulation.objects.filter(issuer__path__startswith=jurisdiction.path).order_by(
        "-term_start", "number_symbol"
    )


def document_kind(number_symbol: str, text: str) -> str:
    symbol = number_symbol.upper()
    if "/TB-" in symbol or re.search(r"^\s*THÔNG BÁO\s*$", text, re.MULTILINE):
        return Document.Kind.CONCLUSION_NOTICE
    if "/KH-" in symbol:
        return Document.Kind.PLAN
    if "/BC-" in symbol:
        return Document.Kind.REPORT
    return Document.Kind.DIRECTIVE


def term_end_year(text: str) -> int | None:
    """The last year of the term the document names ("giai đoạn 2021 - 2025"), if any."""
    match = _TERM.search(text)
    return int(match[2]) if match else None


def document_initial(*, extraction: Extraction, jurisdiction: Party) -> dict[str, Any]:
    data = extraction.as_dict()
    text = extraction.text
    number = data["number_symbol"] or ""
    date = extraction.document.date
    place = _PLACE.search(text)
    year = date.year if date else None
    regulations = [
        r.pk
        for r in jurisdiction_regulations(jurisdiction=jurisdiction)
        if year is not None and r.term_start <= year <= r.term_end
    ]
    date_line = re.search(r"^[^\n]*ngày[^\n]*năm\s+\d{4}", text, re.MULTILINE)
    return {
        "kind": document_kind(number, text),
        "number_symbol": "" if _DRAFT_NUMBER.match(number) else number,
        "issuer": jurisdiction.pk,
        "place": place[1].strip() if place else "",
        "issued_on": date,
        "date_text": "" if date or not date_line else date_line[0].split(",", 1)[-1].strip(),
        "subject": re.sub(r"^V/v\s*", "", data["subject"] or ""),
        "signing_authority": (data["signing_authority"] or "").rstrip("."),
        "signer_name": data["signer"] or "",
        "signer_title": data["signer_title"] or "",
        "regulations": regulations,
    }


def title_from_action(action: str) -> str:
    """The proposal's action, shortened to a title: the part after a short introduction ending in ":"."""
    action = " ".join(action.split())
    head, colon, rest = action.partition(": ")
    if colon and len(head) <= 80 and rest:
        action = rest
    action = action[:1].upper() + action[1:]
    if len(action) > TITLE_LENGTH:
        action = action[: TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return action


def default_term(
    *, start: datetime.date, recurrence: str, due: datetime.date | None, term_end: int | None
) -> tuple[datetime.date, datetime.date]:
    """When a proposal applies: from the document's date to the end of the term it belongs to (the linked
    regulation's, else the one the text names); a one-off without a term to the end of its due year; a
    periodic duty without any term to the end of the document's year (the clerk extends it if needed)."""
    if term_end is not None and term_end >= start.year:
        end = datetime.date(term_end, 12, 31)
    elif recurrence == Obligation.Recurrence.ONCE and due is not None:
        end = datetime.date(max(due.year, start.year), 12, 31)
    else:
        end = datetime.date(start.year, 12, 31)
    if due is not None and recurrence == Obligation.Recurrence.ONCE and due < start:
        start = due
    return start, end


def proposal_initial(
    *, row: dict, extraction: Extraction, jurisdiction: Party, codes: dict[str, int], term_end: int | None
) -> dict[str, Any]:
    """The review form's starting values for one proposal of the engine."""
    start = extraction.document.date or timezone.localdate()
    deadline = row.get("deadline") or {}
    recurrence = row["recurrence"]
    due_date = due_day = due_month = None
    if deadline and recurrence == Obligation.Recurrence.ONCE and deadline.get("month"):
        due_date = _date_or_none(deadline.get("year") or start.year, deadline["month"], deadline["day"])
    elif deadline and recurrence != Obligation.Recurrence.CONTINUOUS:
        due_day, due_month = deadline.get("day"), deadline.get("month")
    applies_from, applies_to = default_term(start=start, recurrence=recurrence, due=due_date, term_end=term_end)
    text = extraction.text
    return {
        "keep": "keep",
        "title": title_from_action(row["action"]),
        "description": " ".join(row["action"].split()),
        "verb": VERBS.get((row.get("verb") or "").lower(), Obligation.Verb.NONE),
        "responsible_rule": Obligation.ResponsibleRule.NAMED,
        "responsible_parties": [codes[c] for c in row.get("lead_codes", []) if c in codes],
        "cooperating_parties": [codes[c] for c in row.get("cooperating_codes", []) if c in codes],
        "recurrence": recurrence,
        "due_wording": row.get("deadline_text") or "",
        "due_date": due_date,
        "due_day": due_day,
        "due_month": due_month,
        "move_to_working_day": True,
        "deliverable": row["deliverable"],
        "owed_to": jurisdiction.pk,
        "applies_from": applies_from,
        "applies_to": applies_to,
        "source_reference": _("Mục %(item)s") % {"item": row["item"]},
        "source_wording": " ".join(text[row["source_start"] : row["source_end"]].split()),
    }


def _date_or_none(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except (TypeError, ValueError):
        return None


def source_excerpt(*, text: str, start: int, end: int, around: int = CONTEXT_CHARS) -> dict[str, str]:
    """The source sentence with a little of the text on either side, cut at word boundaries."""
    before = text[max(0, start - around) : start]
    after = text[end : end + around]
    if start - around > 0 and " " in before:
        before = "…" + before.split(" ", 1)[1]
    if end + around < len(text) and " " in after:
        after = after.rsplit(" ", 1)[0] + "…"
    return {"before": before, "source": text[start:end], "after": after}


def wording_last_day(wording: str) -> Deadline | None:
    """The first deadline a wording states, if it names a day ("trước ngày 15/12" → 14/12)."""
    for deadline in deadlines_find(text=wording or ""):
        if deadline.day is not None:
            return deadline
    return None


# --- confirmation -------------------------------------------------------------------------------------


def _inside(party: Party | None, jurisdiction: Party) -> bool:
    return party is not None and party.path.startswith(jurisdiction.path)


def _check_parties(*, fields: dict, jurisdiction: Party, title: str) -> None:
    parties = [*fields.get("responsible_parties", []), *fields.get("cooperating_parties", [])]
    if fields.get("owed_to") is not None:
        parties.append(fields["owed_to"])
    outside = [p for p in parties if not _inside(p, jurisdiction)]
    if outside:
        raise IntakeError(
            _("Nhiệm vụ “%(title)s” nêu %(party)s, không thuộc %(jurisdiction)s.")
            % {"title": title, "party": outside[0], "jurisdiction": jurisdiction},
            code="outside_jurisdiction",
        )
    named = fields.get("responsible_rule", Obligation.ResponsibleRule.NAMED) == Obligation.ResponsibleRule.NAMED
    if named and not fields.get("responsible_parties"):
        raise IntakeError(
            _("Nhiệm vụ “%(title)s” chưa có cơ quan chủ trì.") % {"title": title},
            code="no_lead",
            field="responsible_parties",
        )


def _obligation_build(fields: dict, **source) -> Obligation:
    obligation = Obligation(**{name: fields.get(name) for name in OBLIGATION_FIELDS if name in fields}, **source)
    if not obligation.responsible_rule:
        obligation.responsible_rule = Obligation.ResponsibleRule.NAMED
    for name in ("description", "due_wording", "source_reference", "source_wording", "verb"):
        if getattr(obligation, name) is None:
            setattr(obligation, name, "")
    return obligation


def _obligation_save(obligation: Obligation, fields: dict) -> Obligation:
    obligation.full_clean()
    obligation.save()
    obligation.responsible_parties.set(fields.get("responsible_parties", []))
    obligation.cooperating_parties.set(
        [p for p in fields.get("cooperating_parties", []) if p not in fields.get("responsible_parties", [])]
    )
    return obligation


def intake_confirm(*, actor, document_data: dict, proposals: list[dict], jurisdiction: Party) -> IntakeResult:
    """Write the document, one item per kept item label, the obligations, and the tasks of every period
    already open, in one transaction.

    `document_data` holds the Document's fields (issuer a Party, regulations a list); each proposal is
    {"item": label, "item_text": str, "fields": the obligation's fields, its parties as Party objects}."""
    require_actor(actor, Right.EDIT)
    require(can_edit_sources(actor, jurisdiction), Right.EDIT)
    issuer = document_data.get("issuer")
    if not _inside(issuer, jurisdiction):
        raise IntakeError(
            _("Cơ quan ban hành phải thuộc %(jurisdiction)s.") % {"jurisdiction": jurisdiction},
            code="issuer_outside",
            field="issuer",
        )
    require(can_edit_sources(actor, issuer), Right.EDIT)
    if not proposals:
        raise IntakeError(_("Chưa giữ nhiệm vụ nào: hãy giữ ít nhất một nhiệm vụ trước khi xác nhận."), code="none")
    for proposal in proposals:
        _check_parties(fields=proposal["fields"], jurisdiction=jurisdiction, title=proposal["fields"].get("title", ""))
    regulations = list(document_data.get("regulations") or [])
    if any(not _inside(r.issuer, jurisdiction) for r in regulations):
        raise IntakeError(_("Quy chế liên quan phải do cấp chính quyền này ban hành."), code="regulation_outside")

    values = {k: v for k, v in document_data.items() if k != "regulations"}
    number = (values.get("number_symbol") or "").strip()
    values["number_symbol"] = number
    values["is_draft"] = not number or bool(_DRAFT_NUMBER.match(number))
    try:
        with transaction.atomic():
            if issuer is not None and number_taken(issuer=issuer, number=number):
                raise _duplicate(number)
            document = Document(**values)
            document.full_clean()
            document.save()
            document.regulations.set(regulations)
            items: dict[str, DocumentItem] = {}
            for proposal in proposals:
                label = proposal["item"]
                if label not in items:
                    items[label] = DocumentItem.objects.create(
                        document=document, order=len(items) + 1, label=label[:30], text=proposal["item_text"]
                    )
            obligations = [
                _obligation_save(_obligation_build(p["fields"], source_item=items[p["item"]]), p["fields"])
                for p in proposals
            ]
            generated = tasks_generate(obligations=obligations)
    except IntegrityError:
        # Another clerk saved the same number between the check and the write: the constraint decided.
        raise _duplicate(number) from None
    return IntakeResult(document=document, obligations=obligations, tasks_created=generated.created)


def duplicate_message(number: str) -> str:
    return _(
        "Cơ quan ban hành đã có văn bản số %(number)s trong hệ thống; văn bản không được nhập lần thứ hai. "
        "Hãy kiểm tra lại số, ký hiệu, hoặc thêm nhiệm vụ trên trang của văn bản đã có."
    ) % {"number": number}


def number_taken(*, issuer: Party, number: str) -> bool:
    number = (number or "").strip()
    if not number or _DRAFT_NUMBER.match(number):
        return False  # a draft has no number yet: it never clashes
    return Document.objects.filter(issuer=issuer, number_symbol=number).exists()


def _duplicate(number: str) -> IntakeError:
    return IntakeError(duplicate_message(number), code="duplicate_number", field="number_symbol")


# --- one obligation entered or corrected by hand ------------------------------------------------------

# A change to any of these on an obligation that already has tasks needs a reason on record.
SCHEDULE_FIELDS = (
    "recurrence",
    "due_date",
    "due_day",
    "due_month",
    "move_to_working_day",
    "applies_from",
    "applies_to",
    "responsible_parties",
    "cooperating_parties",
)


def source_owner(source) -> Party:
    """Whose source it is: the issuer of a regulation or document, the host of a meeting."""
    if isinstance(source, Regulation):
        return source.issuer
    if isinstance(source, DocumentItem):
        return source.document.issuer
    if isinstance(source, Conclusion):
        return source.meeting.host
    raise TypeError(source)


@dataclass
class ObligationSaved:
    obligation: Obligation
    tasks_created: int
    changed: list[str] = field(default_factory=list)


def obligation_create(*, actor, source, fields: dict) -> ObligationSaved:
    """One obligation of a regulation, a document item or a conclusion, and its open periods' tasks."""
    require_actor(actor, Right.EDIT)
    owner = source_owner(source)
    require(can_edit_sources(actor, owner), Right.EDIT)
    jurisdiction = owner.jurisdiction()
    _check_parties(fields=fields, jurisdiction=jurisdiction, title=fields.get("title", ""))
    key = {
        Regulation: "source_regulation",
        DocumentItem: "source_item",
        Conclusion: "source_conclusion",
    }[type(source)]
    with transaction.atomic():
        obligation = _obligation_save(_obligation_build(fields, **{key: source}), fields)
        source_event_record(source=obligation, actor=actor, action=SourceEvent.Action.CREATED, changes={})
        created = tasks_generate(obligations=[obligation]).created
    return ObligationSaved(obligation=obligation, tasks_created=created)


def obligation_changes(*, obligation: Obligation, fields: dict) -> list[str]:
    """The schedule fields a save would change (the parties compared as sets)."""
    changed = []
    for name in SCHEDULE_FIELDS:
        if name not in fields:
            continue
        if name in PARTY_FIELDS:
            before = set(getattr(obligation, name).values_list("pk", flat=True))
            after = {p.pk for p in fields[name]}
        else:
            before, after = getattr(obligation, name), fields[name]
        if before != after:
            changed.append(name)
    return changed


def obligation_update(*, actor, obligation: Obligation, fields: dict, reason: str = "") -> ObligationSaved:
    """Correct an obligation. Its existing tasks stay as they are; the tasks its new schedule lacks are
    created. Changing the schedule or the parties of an obligation that has tasks needs a reason."""
    require_actor(actor, Right.EDIT)
    owner = selectors.obligation_owner(obligation)
    require(can_edit_sources(actor, owner), Right.EDIT)
    _check_parties(fields=fields, jurisdiction=owner.jurisdiction(), title=fields.get("title", obligation.title))
    with transaction.atomic():
        obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
        changed = obligation_changes(obligation=obligation, fields=fields)
        before = _trail_values(obligation)
        has_tasks = obligation.tasks.exists()
        if changed and has_tasks and not reason.strip():
            raise IntakeError(
                _("Nhiệm vụ đã có nhiệm vụ của đơn vị: cần ghi lý do khi thay đổi cơ quan, tần suất hoặc thời hạn."),
                code="reason_required",
                field="amendment_reason",
            )
        for name in OBLIGATION_FIELDS:
            if name in fields:
                value = fields[name]
                setattr(obligation, name, "" if value is None and name in ("description", "due_wording") else value)
        _obligation_save(obligation, fields)
        after = _trail_values(obligation)
        differences = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
        if differences:
            # The amendment is on record with its reason: who changed what, once tasks depended on it.
            source_event_record(
                source=obligation,
                actor=actor,
                action=SourceEvent.Action.AMENDED if has_tasks else SourceEvent.Action.CHANGED,
                changes=differences,
                message=reason.strip(),
            )
        created = tasks_generate(obligations=[obligation]).created
    return ObligationSaved(obligation=obligation, tasks_created=created, changed=changed)


def _trail_values(obligation: Obligation) -> dict[str, str]:
    """The obligation's fields as a reader sees them, for the trail's before → after."""
    values: dict[str, str] = {}
    for name in (*OBLIGATION_FIELDS, *PARTY_FIELDS):
        field = obligation._meta.get_field(name)
        value = getattr(obligation, name)
        if isinstance(value, bool):
            values[name] = str(_("có") if value else _("không"))
        elif field.many_to_many:
            values[name] = ", ".join(p.short_name for p in getattr(obligation, name).order_by("path"))
        elif getattr(field, "choices", None):
            values[name] = str(getattr(obligation, f"get_{name}_display")())
        else:
            values[name] = value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value or "")
    return values


def parties_by_code(parties: QuerySet[Party]) -> dict[str, int]:
    return dict(parties.values_list("code", "pk"))
