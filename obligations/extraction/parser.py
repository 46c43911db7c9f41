"""From clean text to the document's fields and the obligations it proposes.

The body (between the header and "Nơi nhận" or the signature) is cut into blocks: numbered items ("1.",
"2)"), lettered sub-items ("a)"), dashes and plain paragraphs; a line that starts in lower case after a line
that does not end a sentence continues it (a page break, a footnote in between, a PDF's wrapped line).

A document with numbered items proposes one obligation per item (its dashes, sub-items and unnumbered
paragraphs belong to it), one per operative paragraph after the last item ("Đoạn kết", "Đoạn kết 2") and one
for the lead-in sentence when it assigns something itself ("Đoạn mở đầu"). A document without numbers
proposes one per operative paragraph or dash, labelled by its place in the body ("Đoạn 3").

Inside a unit, each clause names its parties with a verb ("Giao X …"), as a subject ("X thường xuyên …") or not
at all. A clause with no party inherits the parties of the previous clause of the unit that assigned with a
verb or a heading ("1. Thủ trưởng các sở, …:"), else the lead-in's ("… đề nghị X, Y thực hiện tốt một số nội
dung sau:"). A subject clause does not pass its parties on: the next clause without one speaks to the
document's addressees again, as in 003's third conclusion. The unit's verb is its own first verb, else the
lead-in's ("Ủy ban nhân dân tỉnh yêu cầu:"), else the verb of a closing sentence that sends the whole plan
("… yêu cầu các đơn vị nghiêm túc thực hiện kế hoạch trên").
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .assign import HEAD, VERB, assignment_find, verb_name
from .dates import Deadline, deadlines_find, recurrence_for
from .errors import ExtractionError
from .header import header_parse
from .parties import UNITS, party_key

_FOOTNOTE = re.compile(r"^\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
_SUPERSCRIPT = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
_ITEM = re.compile(r"^\s*(\d{1,2})\s*[.)](?!\d)\s*")
_SUB = re.compile(r"^\s*([a-zđ])\s*\)\s+")
_DASH = re.compile(r"^\s*[-–—+•]\s*")
_CLOSING = re.compile(
    r"^(?:Trên\s+đây\s+là|Trân\s+trọng|Xem\s+chi\s+tiết|Mọi\s+chi\s+tiết|Nơi\s+nhận|Kính\s+mong)", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.:;!?…]\s*[\"”’)]*\s*(?:/\.?)?\s*$")
_CLAUSE_SPLIT = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ])|(?<=\.\.\.)\s+(?=[A-ZĐÀ-Ỹ])")
_FORWARD = re.compile(
    r"^(?:(?:thực\s+hiện|triển\s+khai|quan\s+tâm|lưu\s+ý|chỉ\s+đạo)\s*)?(?:(?:tốt|nghiêm\s+túc|thực\s+hiện)\s*)*"
    r"(?:(?:một\s+số|các|những)\s+)?(?:(?:nội\s+dung|nhiệm\s+vụ|việc|công\s+việc|vấn\s+đề|yêu\s+cầu)\s*)?"
    r"(?:(?:cụ\s+thể|chủ\s+yếu|trọng\s+tâm)\s*)?(?:(?:như\s+)?sau)?\s*:?\s*$",
    re.IGNORECASE,
)
_REPORT_CONTENTS = re.compile(r"^\s*báo\s+cáo[^:]*(?:nội\s+dung|như\s+sau|sau)\s*:\s*$", re.IGNORECASE)
_REFER_BACK = re.compile(
    r"thực\s+hiện(?:\s+(?:nghiêm\s+túc|nghiêm|tốt))?\s+(?:các\s+|những\s+)?(?:nội\s+dung|kế\s+hoạch|công\s+văn|văn\s+bản"
    r"|thông\s+báo|yêu\s+cầu|quy\s+định)(?:\s+(?:này|trên|nêu\s+trên))",
    re.IGNORECASE,
)
_REPORT = re.compile(r"(?<![\w])báo\s+cáo(?![\w])", re.IGNORECASE)
_SAME_DEADLINE = re.compile(r"đúng\s+(?:thời\s+)?hạn|thời\s+hạn\s+(?:trên|nêu\s+trên)", re.IGNORECASE)


@dataclass
class Block:
    kind: str  # "item", "sub", "dash", "para"
    label: str
    start: int
    end: int
    segments: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.segments)).strip()


@dataclass
class Proposal:
    item: str
    verb: str
    lead: list[str]
    cooperating: list[str]
    action: str
    recurrence: str
    deadline: Deadline | None
    deliverable: str
    source_start: int
    source_end: int


@dataclass
class ParsedDocument:
    number_symbol: str
    issuer: str
    date: datetime.date | None
    subject: str
    signing_authority: str
    signer: str
    signer_title: str
    obligations: list[Proposal]
    text: str


def blocks_build(text: str, start: int, end: int) -> list[Block]:
    blocks: list[Block] = []
    offset = start
    for raw in text[start:end].split("\n"):
        line_start, line_end = offset, offset + len(raw)
        offset = line_end + 1
        line = raw.strip()
        if not line or _FOOTNOTE.match(line):
            continue
        line = _SUPERSCRIPT.sub("", line)
        if m := _ITEM.match(line):
            blocks.append(Block("item", m.group(1), line_start, line_end, [line[m.end() :]]))
            continue
        if m := _SUB.match(line):
            blocks.append(Block("sub", m.group(1), line_start, line_end, [line[m.end() :]]))
            continue
        if m := _DASH.match(line):
            blocks.append(Block("dash", "", line_start, line_end, [line[m.end() :]]))
            continue
        previous = blocks[-1] if blocks else None
        # A lower-case start after an unfinished sentence continues it, whatever lies between.
        if previous and line[:1].islower() and not _SENTENCE_END.search(previous.segments[-1]):
            previous.segments.append(line)
            previous.end = line_end
            continue
        blocks.append(Block("para", "", line_start, line_end, [line]))
    return blocks


def _clauses(text: str) -> list[str]:
    clauses, start = [], 0
    for match in _CLAUSE_SPLIT.finditer(text):
        # "…các cấp; Thủ trưởng các sở, …; Chủ tịch UBND các xã, …": a semicolon inside a list of parties.
        if text[match.start() - 1 : match.start()] == ";" and HEAD.match(text, match.end()):
            continue
        clauses.append(text[start : match.start()])
        start = match.end()
    clauses.append(text[start:])
    return [clause.strip() for clause in clauses if clause.strip()]


def _dedupe(names: list[str], exclude: frozenset[str] | set[str] = frozenset()) -> list[str]:
    seen, kept = set(exclude), []
    for name in names:
        key = party_key(name)
        if key not in seen:
            seen.add(key)
            kept.append(name)
    return kept


@dataclass
class _Context:
    addressees: list[str]
    verb: str
    last_deadline: Deadline | None = None


def _is_report(text: str) -> bool:
    for match in _REPORT.finditer(text):
        before = text[max(0, match.start() - 25) : match.start()].lower()
        after = text[match.end() : match.end() + 90]
        if re.search(r"(?:\bđể\b[^.;]{0,15}|nội dung|theo|tại|trong|nghe|giữa|các)\s*,?\s*$", before):
            continue
        if re.match(r"\s*(?:số|viên|và\s+dự\s+thảo)\b", after):
            continue
        # A report only "if an issue arises" is not what the duty delivers.
        if re.match(r"[^.;]{0,60}\bnếu\b", after):
            continue
        return True
    return False


def _unit_proposals(blocks: list[Block], label: str, context: _Context, inherit: bool) -> list[Proposal]:
    lead: list[str] = []
    cooperating: list[str] = []
    verb = ""
    carry: list[str] | None = None
    texts = []
    for index, block in enumerate(blocks):
        heading = index == 0 and block.kind == "item" and block.text.rstrip().endswith(":")
        for clause in _clauses(block.text):
            texts.append(clause)
            found = assignment_find(clause)
            verb = verb or (found.verb if found.kind == "verb" or (found.verb and not lead) else "")
            if found.kind == "verb":
                lead += found.lead
                carry = found.lead
            elif found.kind == "subject":
                lead += found.lead
                if heading:
                    carry = found.lead
            elif inherit:
                lead += carry if carry is not None else context.addressees
            cooperating += found.cooperating
    text = " ".join(texts)
    deadlines = deadlines_find(text=text)
    if deadlines:
        context.last_deadline = deadlines[-1]
    lead = _dedupe(lead)
    if not lead:
        return []
    cooperating = _dedupe(cooperating, exclude={party_key(name) for name in lead})
    distinct: list[Deadline] = []
    for deadline in deadlines:
        if all((d.day, d.month, d.year) != (deadline.day, deadline.month, deadline.year) for d in distinct):
            distinct.append(deadline)
    if not distinct and _SAME_DEADLINE.search(text) and context.last_deadline is not None:
        # "gửi về trường đúng thời hạn": the deadline stated earlier in the document.
        distinct = [context.last_deadline]
    deliverable = "report" if _is_report(text) else "action"
    action = _action(text, blocks)
    start, end = blocks[0].start, blocks[-1].end
    common: dict[str, Any] = {
        "verb": verb or context.verb,
        "lead": lead,
        "cooperating": cooperating,
        "action": action,
        "deliverable": deliverable,
        "source_start": start,
        "source_end": end,
    }
    if len(distinct) <= 1:
        only = distinct[0] if distinct else None
        return [Proposal(item=label, recurrence=_recurrence(text, only, deadlines), deadline=only, **common)]
    # Several deadlines in one unit ("trước ngày 25/06 đối với báo cáo 06 tháng; trước ngày 28/11 đối với báo
    # cáo năm") are several duties: each takes the parties and the deliverable of its own part of the sentence
    # (up to a semicolon) when that part names them.
    letters = "abcdefghijklmnopqrstuvwxyz"
    parts, offset = [], 0
    for part in text.split(";"):
        parts.append((offset, offset + len(part), part))
        offset += len(part) + 1
    proposals = []
    for k, deadline in enumerate(distinct):
        part = next((p for s, e, p in parts if s <= deadline.start < e), text)
        own = assignment_find(part.strip())
        values = dict(common)
        if own.lead:
            values["lead"] = _dedupe(own.lead)
            values["verb"] = own.verb or common["verb"]
        values["deliverable"] = "report" if _is_report(part) else "action"
        proposals.append(
            Proposal(
                item=f"{label}.{letters[k]}",
                recurrence=recurrence_for(text=text, deadline=deadline),
                deadline=deadline,
                **values,
            )
        )
    return proposals


def _recurrence(text: str, deadline: Deadline | None, found_here: list[Deadline]) -> str:
    if deadline is not None and deadline not in found_here:
        # A deadline borrowed from earlier in the document: its own wording decides.
        return recurrence_for(text=deadline.wording, deadline=None) if deadline.year is None else "once"
    return recurrence_for(text=text, deadline=deadline)


def _action(text: str, blocks: list[Block]) -> str:
    first = _clauses(blocks[0].text)
    if first:
        found = assignment_find(first[0])
        if found.kind and found.action_start:
            rest = first[0][found.action_start :].lstrip(" ,:")
            text = " ".join([rest, *(c for c in _clauses(" ".join(b.text for b in blocks))[1:])])
    # A verb with no party of its own ("1. Đề nghị tiếp tục triển khai …") is not part of what must be done.
    text = re.sub(r"^(?:Giao(?:\s+cho)?|Yêu\s+cầu|Đề\s+nghị)\s+", "", text.strip())
    return re.sub(r"\s*\./\.\s*$", "", text).strip().rstrip(":").strip()


def _lead_in(paragraphs: list[Block]) -> tuple[Block | None, list[str], str, bool]:
    """The last paragraph ending with ":", its addressees and verb (from its last sentence), and whether the
    list that follows is the content of a report rather than duties."""
    for block in reversed(paragraphs):
        if block.text.rstrip().endswith(":"):
            clauses = _clauses(block.text)
            last = clauses[-1] if clauses else block.text
            found = assignment_find(last)
            verb = found.verb
            if not verb and (m := VERB.search(last)):
                verb = verb_name(m.group(1))
            # "… đề nghị các sở báo cáo … theo các nội dung cụ thể sau:": the items are what the report covers.
            contents = bool(found.lead) and bool(_REPORT_CONTENTS.search(last[found.action_start :]))
            return block, found.lead, verb, contents
    return None, [], "", False


def _lead_in_proposals(block: Block, context: _Context) -> list[Proposal]:
    """The lead-in's own duty, if a sentence of it assigns one and does not only announce the list."""
    kept = []
    for clause in _clauses(block.text):
        found = assignment_find(clause)
        if found.kind and not _FORWARD.match(clause[found.action_start :].strip(" ,")):
            kept.append(clause)
    if not kept:
        return []
    single = Block("para", "", block.start, block.end, [" ".join(kept)])
    return _unit_proposals([single], "Đoạn mở đầu", _Context([], context.verb), inherit=False)


def _refers_back(proposal: Proposal) -> bool:
    return proposal.deadline is None and proposal.deliverable == "action" and bool(_REFER_BACK.search(proposal.action))


def document_parse(*, text: str) -> ParsedDocument:
    header = header_parse(text)
    blocks = blocks_build(text, header.body_start, header.body_end)
    blocks = [b for b in blocks if not (b.kind == "para" and _CLOSING.match(b.text))]
    proposals: list[Proposal] = []
    items = [k for k, b in enumerate(blocks) if b.kind == "item"]
    if items:
        before = [b for b in blocks[: items[0]] if b.kind == "para"]
        lead_in, addressees, verb, contents = _lead_in(before)
        context = _Context(addressees or header.kinh_gui, verb)
        if lead_in is not None:
            proposals += _lead_in_proposals(lead_in, context)
        closing_start = len(blocks)
        for k in range(items[-1] + 1, len(blocks)):
            if blocks[k].kind == "para":
                closing_start = k
                break
        if not contents:
            for n, first in enumerate(items):
                last = items[n + 1] if n + 1 < len(items) else closing_start
                proposals += _unit_proposals(blocks[first:last], blocks[first].label, context, inherit=True)
        closing = [b for b in blocks[closing_start:] if b.kind == "para"]
        for n, block in enumerate(closing):
            label = "Đoạn kết" if n == 0 else f"Đoạn kết {n + 1}"
            found = _unit_proposals([block], label, context, inherit=False)
            if found and _refers_back(found[0]):
                context.verb = context.verb or found[0].verb
                continue
            proposals += found
    else:
        lead_in, addressees, verb, _contents = _lead_in([b for b in blocks if b.kind == "para"])
        context = _Context([], verb)
        following_lead_in = False
        for n, block in enumerate(blocks, start=1):
            if block is lead_in:
                following_lead_in = True
                continue
            if block.kind == "para":
                following_lead_in = False
            # Dashes under "… đề nghị X, Y:" speak to X and Y.
            context.addressees = addressees if following_lead_in and block.kind == "dash" else []
            found = _unit_proposals([block], f"Đoạn {n}", context, inherit=following_lead_in)
            if not found:
                continue
            unit = found[0]
            if _refers_back(unit):
                context.verb = context.verb or unit.verb
                continue
            previous = proposals[-1] if proposals else None
            generic = all(party_key(name) == UNITS for name in unit.lead)
            if previous is not None and generic and unit.deadline is not None and previous.deadline is None:
                # "Các đơn vị thực hiện trước ngày 24/3/2016": the deadline of the duty just stated.
                previous.deadline = unit.deadline
                previous.recurrence = unit.recurrence
                previous.source_end = unit.source_end
                if unit.deliverable == "report":
                    previous.deliverable = "report"
                continue
            proposals += found
    # A lead-in duty restated later (same parties, same deliverable) is the later one, which has the deadline.
    opening = [p for p in proposals if p.item == "Đoạn mở đầu"]
    for duty in opening:
        keys = {party_key(name) for name in duty.lead}
        if any(
            p is not duty and {party_key(n) for n in p.lead} == keys and p.deliverable == duty.deliverable
            for p in proposals
        ):
            proposals.remove(duty)
    for proposal in proposals:
        proposal.verb = proposal.verb or context.verb
    if not proposals:
        raise ExtractionError(
            _(
                "Không tìm thấy mục nào giao nhiệm vụ trong văn bản (không có câu “Giao…”, “Yêu cầu…”, “Đề nghị…” "
                "hay cơ quan nào được nêu là người thực hiện)."
            ),
            code="no_items",
        )
    return ParsedDocument(
        number_symbol=header.number_symbol,
        issuer=header.issuer,
        date=header.date,
        subject=header.subject,
        signing_authority=header.signing_authority,
        signer=header.signer,
        signer_title=header.signer_title,
        obligations=proposals,
        text=text,
    )
