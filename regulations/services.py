"""Changes of the legal sources: regulations, documents with their items, meetings with their attendees and
conclusions. The pages, the admin, imports and commands call these; each checks its actor itself and writes
one line to the source's trail (SourceEvent).

A source is freely editable until tasks were generated from what it obliges. From then on a change is an
amendment: it needs a reason, is recorded as such, and a row that obligations point to cannot be deleted."""

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .models import (
    Conclusion,
    Document,
    DocumentItem,
    Meeting,
    MeetingAttendee,
    Party,
    Regulation,
    SourceEvent,
    is_numbered,
)
from .rights import Right, require, require_actor

REGULATION_FIELDS = (
    "number_symbol",
    "title",
    "issuer",
    "signed_on",
    "term_start",
    "term_end",
    "replaces",
    "status",
    "note",
)
DOCUMENT_FIELDS = (
    "kind",
    "issuer",
    "number_symbol",
    "place",
    "issued_on",
    "date_text",
    "title",
    "subject",
    "addressees",
    "body",
    "distribution",
    "signing_authority",
    "signing_block",
    "signer_title",
    "signer_name",
)
MEETING_FIELDS = (
    "kind",
    "title",
    "held_on",
    "place",
    "host",
    "chair_name",
    "chair_title",
    "reviewed_period",
    "reviewed_year",
    "results",
    "limitations",
    "notice",
)

# "106/UBND-KGVX", "4859/QCPH-UBND-LĐLĐ", or "/TB-UBND" while the number is left blank.
NUMBER_SYMBOL = re.compile(r"^\d*/\S+$")
MAX_POSITION = 999  # items and conclusions are numbered 1..999
_OUT_OF_THE_WAY = 10_000  # where rows wait while they are renumbered (positions are unique per source)


@dataclass(frozen=True)
class Row:
    """One row of an inline list (a document's item, a meeting's attendee or conclusion) as the caller
    wants it, in the wanted order: an existing row by its id or a new one (`pk` None); `delete` removes an
    existing row. Existing rows the caller does not mention stay as they are, after the given ones."""

    values: Mapping[str, Any] = field(default_factory=dict)
    pk: int | None = None
    delete: bool = False


class _Errors(dict[str, list[str]]):
    def add(self, key: str, message: str) -> None:
        messages = self.setdefault(key, [])
        if message not in messages:
            messages.append(message)

    def merge(self, error: ValidationError) -> None:
        """A model's own validation: a constraint's message already given under a field is not repeated."""
        given = {message for messages in self.values() for message in messages}
        for key, messages in error.message_dict.items():
            for message in messages:
                if key != NON_FIELD_ERRORS or message not in given:
                    self.add(key, message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


# --- display form of values, for the trail ---------------------------------------------------------------


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _snapshot(instance: models.Model, names: Iterable[str]) -> dict[str, str]:
    values = {}
    for name in names:
        model_field = instance._meta.get_field(name)
        if getattr(model_field, "choices", None):
            values[name] = str(getattr(instance, f"get_{name}_display")())
        else:
            values[name] = _display(getattr(instance, name))
    return values


def _names(objects: Iterable[models.Model]) -> str:
    return ", ".join(str(obj) for obj in objects)


def _diff(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, list[str]]:
    return {
        key: [before.get(key, ""), after.get(key, "")]
        for key in dict.fromkeys([*before, *after])
        if before.get(key, "") != after.get(key, "")
    }


def source_event_record(*, source: models.Model, actor, action: str, changes: dict, message: str = "") -> SourceEvent:
    """One line of a source's trail, for the sources of other apps too (an obligation)."""
    return _record(source=source, actor=actor, action=action, changes=changes, message=message)


def _record(*, source: models.Model, actor, action: str, changes: dict, message: str = "") -> SourceEvent:
    return SourceEvent.objects.create(
        content_type=ContentType.objects.get_for_model(source),
        object_id=source.pk,
        actor=actor,
        action=action,
        message=message,
        changes=changes,
    )


def _assign(instance: models.Model, allowed: Sequence[str], data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"not a field of {type(instance).__name__} here: {sorted(unknown)}")
    for name, value in data.items():
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").strip()  # a browser's textarea sends CRLF
        setattr(instance, name, value)


# --- shared checks ---------------------------------------------------------------------------------------


def _require_writer(actor, party: Party | None) -> None:
    require_actor(actor, Right.EDIT)
    require(party is not None and selectors.can_edit_sources(actor, party), Right.EDIT)


def _check_number(instance: Regulation | Document, errors: _Errors, duplicate_message: str) -> None:
    number = instance.number_symbol
    if number and not NUMBER_SYMBOL.match(number):
        errors.add(
            "number_symbol",
            _("Số, ký hiệu phải có dạng “số/ký hiệu” (ví dụ 106/UBND-KGVX), hoặc “/ký hiệu” khi chưa cấp số."),
        )
    if is_numbered(number) and instance.issuer_id:
        others = type(instance).objects.filter(issuer_id=instance.issuer_id, number_symbol=number)
        if others.exclude(pk=instance.pk).exists():
            errors.add("number_symbol", duplicate_message)


REGULATION_NUMBER_TAKEN = gettext_lazy("Cơ quan này đã có một quy chế mang số, ký hiệu này.")
DOCUMENT_NUMBER_TAKEN = gettext_lazy("Cơ quan này đã có một văn bản mang số, ký hiệu này.")


def _save_numbered(instance: Regulation | Document, duplicate_message) -> None:
    """Save, in a savepoint: two sessions registering the same number at once both pass _check_number, and
    the database's unique index refuses the second. It gets the message the check would have given."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        others = type(instance).objects.filter(issuer_id=instance.issuer_id, number_symbol=instance.number_symbol)
        if not is_numbered(instance.number_symbol) or not others.exclude(pk=instance.pk).exists():
            raise
        raise ValidationError({"number_symbol": [str(duplicate_message)]}) from None


def _check_reason(source, reason: str, errors: _Errors) -> bool:
    """Whether the change is an amendment (tasks depend on the source); one without a reason is refused."""
    dependent = selectors.has_dependent_tasks(source)
    if dependent and not reason.strip():
        errors.add("reason", _("Đã có nhiệm vụ được giao theo nguồn này: cần ghi lý do sửa đổi."))
    return dependent


def _check_among(chosen: Iterable[models.Model], allowed: models.QuerySet, key: str, message: str, errors: _Errors):
    ids = {obj.pk for obj in chosen}
    if ids - set(allowed.filter(pk__in=ids).values_list("pk", flat=True)):
        errors.add(key, message)


def _finish(*, source, actor, before: dict, after: dict, row_changes: dict, dependent: bool, reason: str):
    changes = _diff(before, after) | row_changes
    if not changes:
        return None  # saved as it was: nothing to record
    action = SourceEvent.Action.AMENDED if dependent else SourceEvent.Action.CHANGED
    return _record(source=source, actor=actor, action=action, changes=changes, message=reason.strip())


# --- inline rows: items, attendees, conclusions -----------------------------------------------------------


@dataclass(frozen=True)
class _RowKind:
    name: str  # the key in errors and in the trail's changes: "items:<id>"
    model: type[models.Model]
    parent: str
    fields: tuple[str, ...]
    position: str
    numbered_by_caller: bool  # a conclusion keeps the number it was given; an item's order is its place
    unique_position: bool

    def display(self, row) -> str:
        if isinstance(row, DocumentItem):
            return f"{row.label}. {row.text}"
        if isinstance(row, Conclusion):
            return f"{row.number}. {row.text}"
        party = f" ({row.party.short_name})" if row.party_id else ""
        return f"{row}{party}"


ITEMS = _RowKind("items", DocumentItem, "document", ("label", "text"), "order", False, True)
ATTENDEES = _RowKind("attendees", MeetingAttendee, "meeting", ("name", "position", "party"), "order", False, False)
CONCLUSIONS = _RowKind("conclusions", Conclusion, "meeting", ("number", "text"), "number", True, True)


@dataclass
class _RowPlan:
    kind: _RowKind
    kept: list = field(default_factory=list)
    deleted: list = field(default_factory=list)
    before: dict[int, str] = field(default_factory=dict)


def _plan_rows(kind: _RowKind, parent, rows: Sequence[Row] | None, errors: _Errors) -> _RowPlan:
    existing = (
        {
            obj.pk: obj
            for obj in kind.model._default_manager.filter(**{kind.parent: parent}).order_by(kind.position, "pk")
        }
        if parent.pk
        else {}
    )
    plan = _RowPlan(kind, before={pk: kind.display(obj) for pk, obj in existing.items()})
    if rows is None:
        plan.kept = list(existing.values())
        return plan
    protected = selectors.rows_with_obligations(parent) if kind is not ATTENDEES else set()
    mentioned = set()
    for row in rows:
        if row.pk is not None:
            obj = existing.get(row.pk)
            if obj is None or row.pk in mentioned:
                errors.add(kind.name, _("Một dòng không thuộc nguồn này hoặc được gửi hai lần."))
                continue
            mentioned.add(row.pk)
            if row.delete:
                if row.pk in protected:
                    errors.add(f"{kind.name}:{row.pk}", _protected_message(kind, obj))
                else:
                    plan.deleted.append(obj)
                continue
        elif row.delete:
            continue
        else:
            obj = kind.model()
        unknown = set(row.values) - set(kind.fields)
        if unknown:
            raise TypeError(f"not a field of {kind.model.__name__} here: {sorted(unknown)}")
        for name, value in row.values.items():
            setattr(obj, name, value.replace("\r\n", "\n").strip() if isinstance(value, str) else value)
        plan.kept.append(obj)
    plan.kept += [obj for pk, obj in existing.items() if pk not in mentioned]
    _number_rows(plan, errors)
    for obj in plan.kept:
        try:
            obj.full_clean(exclude=[kind.parent], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            key = f"{kind.name}:{obj.pk}" if obj.pk else kind.name
            for messages in error.message_dict.values():
                for message in messages:
                    errors.add(key, message)
    return plan


def _protected_message(kind: _RowKind, obj) -> str:
    if kind is ITEMS:
        return _("Mục %(label)s đang là nguồn của nhiệm vụ nên không thể xóa; chỉ có thể sửa nội dung.") % {
            "label": obj.label
        }
    return _("Kết luận %(number)s đang là nguồn của nhiệm vụ nên không thể xóa; chỉ có thể sửa nội dung.") % {
        "number": obj.number
    }


def _number_rows(plan: _RowPlan, errors: _Errors) -> None:
    kind = plan.kind
    if not kind.numbered_by_caller:
        for place, obj in enumerate(plan.kept, start=1):
            setattr(obj, kind.position, place)
        if len(plan.kept) > MAX_POSITION:
            errors.add(kind.name, _("Quá nhiều dòng (tối đa %(max)s).") % {"max": MAX_POSITION})
        return
    given = [getattr(obj, kind.position) for obj in plan.kept if getattr(obj, kind.position) is not None]
    next_number = max(given, default=0) + 1
    for obj in plan.kept:
        if getattr(obj, kind.position) is None:
            setattr(obj, kind.position, next_number)
            next_number += 1
    numbers = [getattr(obj, kind.position) for obj in plan.kept]
    if any(not 1 <= number <= MAX_POSITION for number in numbers):
        errors.add(kind.name, _("Số thứ tự phải từ 1 đến %(max)s.") % {"max": MAX_POSITION})
    duplicates = sorted({number for number in numbers if numbers.count(number) > 1})
    if duplicates:
        errors.add(
            kind.name,
            _("Số thứ tự bị trùng: %(numbers)s. Mỗi kết luận mang một số riêng.")
            % {"numbers": ", ".join(str(number) for number in duplicates)},
        )
    plan.kept.sort(key=lambda obj: getattr(obj, kind.position))


def _save_rows(plan: _RowPlan, parent) -> dict[str, list[str]]:
    kind = plan.kind
    for obj in plan.deleted:
        obj.delete()
    if kind.unique_position:
        # Free the positions first: swapping items 1 and 2 would otherwise break the unique constraint midway.
        ids = [obj.pk for obj in plan.kept if obj.pk]
        kind.model._default_manager.filter(pk__in=ids).update(**{kind.position: F(kind.position) + _OUT_OF_THE_WAY})
    for obj in plan.kept:
        setattr(obj, kind.parent, parent)
        obj.save()
    after = {obj.pk: kind.display(obj) for obj in plan.kept}
    return _diff(
        {f"{kind.name}:{pk}": text for pk, text in plan.before.items()},
        {f"{kind.name}:{pk}": text for pk, text in after.items()},
    )


# --- regulations -----------------------------------------------------------------------------------------


def _check_regulation(
    *, actor, regulation: Regulation, signatories: Sequence[Party], current: Iterable[Party], errors: _Errors
) -> None:
    _check_number(regulation, errors, str(REGULATION_NUMBER_TAKEN))
    if regulation.term_start is not None and regulation.term_end is not None:
        if regulation.term_end < regulation.term_start:
            errors.add("term_end", _("Năm kết thúc giai đoạn không được trước năm bắt đầu."))
    if regulation.signed_on and regulation.signed_on > timezone.localdate():
        errors.add("signed_on", _("Ngày ký không được sau ngày hôm nay."))
    if regulation.replaces_id is not None:
        if regulation.pk is not None and regulation.replaces_id == regulation.pk:
            errors.add("replaces", _("Một quy chế không thể thay thế chính nó."))
        elif not selectors.regulations_visible_to(actor).filter(pk=regulation.replaces_id).exists():
            errors.add("replaces", _("Không tìm thấy quy chế được thay thế trong phạm vi của bạn."))
    if not signatories:
        errors.add("signatories", _("Cần chọn ít nhất một bên ký kết."))
    allowed = signatory_choices(actor) | Party.objects.filter(pk__in=[party.pk for party in current])
    _check_among(signatories, allowed, "signatories", _("Có bên ký kết nằm ngoài phạm vi bạn được soạn nguồn."), errors)
    try:
        regulation.full_clean()
    except ValidationError as error:
        errors.merge(error)


def signatory_choices(user) -> models.QuerySet[Party]:
    """The parties a user may name as signatories: those they see within the jurisdictions they write for."""
    return selectors.editable_parties(user).filter(pk__in=selectors.parties_visible_to(user).values("pk"))


def _regulation_snapshot(regulation: Regulation) -> dict[str, str]:
    return _snapshot(regulation, REGULATION_FIELDS) | {"signatories": _names(regulation.signatories.order_by("path"))}


def regulation_create(*, actor, data: Mapping[str, Any], signatories: Sequence[Party]) -> Regulation:
    """Register a regulation issued by a party of the actor's jurisdictions."""
    _require_writer(actor, data.get("issuer"))
    with transaction.atomic():
        regulation = Regulation()
        _assign(regulation, REGULATION_FIELDS, data)
        errors = _Errors()
        _check_regulation(actor=actor, regulation=regulation, signatories=signatories, current=[], errors=errors)
        errors.raise_if_any()
        _save_numbered(regulation, REGULATION_NUMBER_TAKEN)
        regulation.signatories.set(signatories)
        changes = _diff({}, _regulation_snapshot(regulation))
        _record(source=regulation, actor=actor, action=SourceEvent.Action.CREATED, changes=changes)
    return regulation


def regulation_update(
    *,
    actor,
    regulation: Regulation,
    data: Mapping[str, Any],
    signatories: Sequence[Party] | None = None,
    reason: str = "",
) -> Regulation:
    """Change a regulation; once tasks depend on it the change is an amendment and needs its reason."""
    require_actor(actor, Right.EDIT)
    with transaction.atomic():
        regulation = Regulation.objects.select_for_update(of=("self",)).select_related("issuer").get(pk=regulation.pk)
        _require_writer(actor, regulation.issuer)
        before = _regulation_snapshot(regulation)
        current = list(regulation.signatories.all())
        _assign(regulation, REGULATION_FIELDS, data)
        _require_writer(actor, regulation.issuer)
        chosen = current if signatories is None else list(signatories)
        errors = _Errors()
        _check_regulation(actor=actor, regulation=regulation, signatories=chosen, current=current, errors=errors)
        dependent = _check_reason(regulation, reason, errors)
        errors.raise_if_any()
        _save_numbered(regulation, REGULATION_NUMBER_TAKEN)
        regulation.signatories.set(chosen)
        _finish(
            source=regulation,
            actor=actor,
            before=before,
            after=_regulation_snapshot(regulation),
            row_changes={},
            dependent=dependent,
            reason=reason,
        )
    return regulation


# --- documents -------------------------------------------------------------------------------------------


def _check_document(
    *, actor, document: Document, regulations: Sequence[Regulation], current: Iterable[Regulation], errors: _Errors
) -> None:
    _check_number(document, errors, str(DOCUMENT_NUMBER_TAKEN))
    allowed = selectors.regulations_visible_to(actor) | Regulation.objects.filter(pk__in=[r.pk for r in current])
    _check_among(regulations, allowed, "regulations", _("Có quy chế liên quan nằm ngoài phạm vi của bạn."), errors)
    try:
        document.full_clean()
    except ValidationError as error:
        errors.merge(error)


def _document_snapshot(document: Document) -> dict[str, str]:
    return _snapshot(document, DOCUMENT_FIELDS) | {"regulations": _names(document.regulations.order_by("pk"))}


def document_create(
    *,
    actor,
    data: Mapping[str, Any],
    items: Sequence[Row] = (),
    regulations: Sequence[Regulation] = (),
) -> Document:
    """Register a document with its numbered items. One without a number yet is a draft."""
    _require_writer(actor, data.get("issuer"))
    with transaction.atomic():
        document = Document()
        _assign(document, DOCUMENT_FIELDS, data)
        document.is_draft = not is_numbered(document.number_symbol)
        errors = _Errors()
        _check_document(actor=actor, document=document, regulations=regulations, current=[], errors=errors)
        plan = _plan_rows(ITEMS, document, items, errors)
        errors.raise_if_any()
        _save_numbered(document, DOCUMENT_NUMBER_TAKEN)
        document.regulations.set(regulations)
        row_changes = _save_rows(plan, document)
        changes = _diff({}, _document_snapshot(document)) | row_changes
        _record(source=document, actor=actor, action=SourceEvent.Action.CREATED, changes=changes)
    return document


def document_update(
    *,
    actor,
    document: Document,
    data: Mapping[str, Any],
    items: Sequence[Row] | None = None,
    regulations: Sequence[Regulation] | None = None,
    reason: str = "",
) -> Document:
    """Change a document and its items; an item that obligations point to can be edited, not deleted."""
    require_actor(actor, Right.EDIT)
    with transaction.atomic():
        document = Document.objects.select_for_update(of=("self",)).select_related("issuer").get(pk=document.pk)
        _require_writer(actor, document.issuer)
        before = _document_snapshot(document)
        current = list(document.regulations.all())
        _assign(document, DOCUMENT_FIELDS, data)
        _require_writer(actor, document.issuer)
        document.is_draft = not is_numbered(document.number_symbol)
        chosen = current if regulations is None else list(regulations)
        errors = _Errors()
        _check_document(actor=actor, document=document, regulations=chosen, current=current, errors=errors)
        plan = _plan_rows(ITEMS, document, items, errors)
        dependent = _check_reason(document, reason, errors)
        errors.raise_if_any()
        _save_numbered(document, DOCUMENT_NUMBER_TAKEN)
        document.regulations.set(chosen)
        row_changes = _save_rows(plan, document)
        _finish(
            source=document,
            actor=actor,
            before=before,
            after=_document_snapshot(document),
            row_changes=row_changes,
            dependent=dependent,
            reason=reason,
        )
    return document


# --- meetings --------------------------------------------------------------------------------------------


def _check_meeting(*, actor, meeting: Meeting, current_notice_id: int | None, errors: _Errors) -> None:
    if meeting.notice_id is not None and meeting.notice_id != current_notice_id:
        if not selectors.documents_visible_to(actor).filter(pk=meeting.notice_id).exists():
            errors.add("notice", _("Không tìm thấy văn bản này trong phạm vi của bạn."))
    try:
        meeting.full_clean()
    except ValidationError as error:
        errors.merge(error)


def _check_attendees(actor, meeting: Meeting, plan: _RowPlan, errors: _Errors) -> None:
    present = (
        list(MeetingAttendee.objects.filter(meeting=meeting).values_list("party", flat=True)) if meeting.pk else []
    )
    allowed = selectors.parties_visible_to(actor) | Party.objects.filter(pk__in=[pk for pk in present if pk])
    named = [obj.party for obj in plan.kept if obj.party_id]
    _check_among(named, allowed, "attendees", _("Có cơ quan dự họp nằm ngoài phạm vi của bạn."), errors)


def meeting_create(
    *,
    actor,
    data: Mapping[str, Any],
    attendees: Sequence[Row] = (),
    conclusions: Sequence[Row] = (),
) -> Meeting:
    """Register a meeting hosted by a party of the actor's jurisdictions, with who attended and what it
    concluded."""
    _require_writer(actor, data.get("host"))
    with transaction.atomic():
        meeting = Meeting()
        _assign(meeting, MEETING_FIELDS, data)
        errors = _Errors()
        _check_meeting(actor=actor, meeting=meeting, current_notice_id=None, errors=errors)
        attendee_plan = _plan_rows(ATTENDEES, meeting, attendees, errors)
        _check_attendees(actor, meeting, attendee_plan, errors)
        conclusion_plan = _plan_rows(CONCLUSIONS, meeting, conclusions, errors)
        errors.raise_if_any()
        meeting.save()
        row_changes = _save_rows(attendee_plan, meeting) | _save_rows(conclusion_plan, meeting)
        changes = _diff({}, _snapshot(meeting, MEETING_FIELDS)) | row_changes
        _record(source=meeting, actor=actor, action=SourceEvent.Action.CREATED, changes=changes)
    return meeting


def meeting_update(
    *,
    actor,
    meeting: Meeting,
    data: Mapping[str, Any],
    attendees: Sequence[Row] | None = None,
    conclusions: Sequence[Row] | None = None,
    reason: str = "",
) -> Meeting:
    """Change a meeting, its attendees and its conclusions; a conclusion that obligations point to can be
    edited, not deleted."""
    require_actor(actor, Right.EDIT)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(of=("self",)).select_related("host", "notice").get(pk=meeting.pk)
        _require_writer(actor, meeting.host)
        before = _snapshot(meeting, MEETING_FIELDS)
        current_notice_id = meeting.notice_id
        _assign(meeting, MEETING_FIELDS, data)
        _require_writer(actor, meeting.host)
        errors = _Errors()
        _check_meeting(actor=actor, meeting=meeting, current_notice_id=current_notice_id, errors=errors)
        attendee_plan = _plan_rows(ATTENDEES, meeting, attendees, errors)
        _check_attendees(actor, meeting, attendee_plan, errors)
        conclusion_plan = _plan_rows(CONCLUSIONS, meeting, conclusions, errors)
        dependent = _check_reason(meeting, reason, errors)
        errors.raise_if_any()
        meeting.save()
        row_changes = _save_rows(attendee_plan, meeting) | _save_rows(conclusion_plan, meeting)
        _finish(
            source=meeting,
            actor=actor,
            before=before,
            after=_snapshot(meeting, MEETING_FIELDS),
            row_changes=row_changes,
            dependent=dependent,
            reason=reason,
        )
    return meeting
