"""Reorganisations: a merge, split, rename, move or end of parties, as a recorded decision.

One service does it. `reorganisation_preview` lists what a decision will move; `reorganisation_record`
checks it, records it and, when its effective date has come, applies it; `reorganisation_apply` makes the
change on the effective date (the daily job calls it for the decisions that were waiting);
`reorganisation_undo` cancels a decision until then. The pages, the admin and the party import call these:
no other path writes a party's end of validity or successor.

What applying changes, from the effective date (the day before it is the old structure's last day):
- merge: each source ends, its successor is the target (existing, or created valid from that day);
- split: the source ends; each of its obligations goes to the successor the decision names (a Handover
  row, which the generation of later periods follows), its other duties to the first successor;
- rename: the old name is kept as a former name (history and search still find it);
- move: the party belongs to another territory (parent);
- end: the source ends with no successor.
Open and returned tasks due on or after the effective date go to the successor (or are excused when the
successor already has the same task, or when nobody succeeds); submitted and finished ones, and everything
due before, stay where they were: history keeps the structure of its time. The source's members also
become members of the successor, keeping their old membership to read the history.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from regulations.models import Membership, Party, PartyName, Reorganisation, SourceEvent
from regulations.rights import Right, require, require_actor
from regulations.selectors import can_edit_sources, parties_visible_to
from regulations.services import source_event_record

from .models import Handover, Obligation, Task, TaskEvent

Kind = Reorganisation.Kind
MOVING_STATES = (Task.State.OPEN, Task.State.RETURNED)


class ReorganisationError(Exception):
    """A refused decision, with the Vietnamese message the user sees; nothing was written."""

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


@dataclass
class NewParty:
    """A body a merge creates (valid from the effective date)."""

    code: str
    name: str
    short_name: str
    kind: str
    level: str
    parent: Party | None
    is_jurisdiction: bool = False


@dataclass
class Plan:
    kind: str
    number_symbol: str
    decided_on: datetime.date
    effective_on: datetime.date
    sources: list[Party]
    issuer_name: str = ""
    summary: str = ""
    source_note: str = ""
    target: Party | None = None  # merge into an existing party
    new_party: NewParty | None = None  # … or into a new one
    targets: list[Party] = field(default_factory=list)  # split: the successors, the first takes the rest
    assignments: dict[int, Party] = field(default_factory=dict)  # split: obligation id → successor
    new_name: str = ""  # rename
    new_short_name: str = ""
    new_parent: Party | None = None  # move

    @property
    def ends_on(self) -> datetime.date:
        return self.effective_on - datetime.timedelta(days=1)

    def involved(self) -> list[Party]:
        parties = [*self.sources, *self.targets]
        for party in (self.target, self.new_parent, self.new_party.parent if self.new_party else None):
            if party is not None:
                parties.append(party)
        return parties

    def to_json(self) -> dict:
        data: dict = {"sources": [p.pk for p in self.sources]}
        if self.target is not None:
            data["target"] = self.target.pk
        if self.new_party is not None:
            new = self.new_party
            data["new_party"] = {
                "code": new.code,
                "name": new.name,
                "short_name": new.short_name,
                "kind": new.kind,
                "level": new.level,
                "parent": new.parent.pk if new.parent else None,
                "is_jurisdiction": new.is_jurisdiction,
            }
        if self.targets:
            data["targets"] = [p.pk for p in self.targets]
            data["assignments"] = {str(ob): p.pk for ob, p in self.assignments.items()}
        if self.new_name:
            data["new_name"], data["new_short_name"] = self.new_name, self.new_short_name
        if self.new_parent is not None:
            data["new_parent"] = self.new_parent.pk
        return data

    @classmethod
    def of(cls, record: Reorganisation) -> "Plan":
        data = record.plan
        ids = [*data.get("sources", []), *data.get("targets", []), *data.get("assignments", {}).values()]
        for key in ("target", "new_parent"):
            if data.get(key):
                ids.append(data[key])
        if data.get("new_party", {}).get("parent"):
            ids.append(data["new_party"]["parent"])
        parties = Party.objects.in_bulk(ids)
        new_party = None
        if "new_party" in data:
            new = dict(data["new_party"])
            new["parent"] = parties.get(new["parent"]) if new.get("parent") else None
            new_party = NewParty(**new)
        return cls(
            kind=record.kind,
            number_symbol=record.number_symbol,
            decided_on=record.decided_on,
            effective_on=record.effective_on,
            issuer_name=record.issuer_name,
            summary=record.summary,
            source_note=record.source_note,
            sources=[parties[pk] for pk in data.get("sources", []) if pk in parties],
            target=parties.get(data["target"]) if data.get("target") else None,
            new_party=new_party,
            targets=[parties[pk] for pk in data.get("targets", []) if pk in parties],
            assignments={int(ob): parties[pk] for ob, pk in data.get("assignments", {}).items() if pk in parties},
            new_name=data.get("new_name", ""),
            new_short_name=data.get("new_short_name", ""),
            new_parent=parties.get(data["new_parent"]) if data.get("new_parent") else None,
        )


# --- the preview ------------------------------------------------------------------------------------


@dataclass
class TaskChange:
    task: Task
    to: Party | None  # None: excused, nobody succeeds
    excuse: bool = False
    reason: str = ""


@dataclass
class ObligationChange:
    obligation: Obligation
    role: str  # "responsible", "owed_to", "cooperating"
    party: Party
    to: Party | None

    @property
    def role_label(self) -> str:
        return {
            "responsible": _("chủ trì thực hiện"),
            "owed_to": _("nơi nhận báo cáo"),
            "cooperating": _("phối hợp"),
        }[self.role]


@dataclass
class Preview:
    plan: Plan
    tasks: list[TaskChange] = field(default_factory=list)
    staying: list[Task] = field(default_factory=list)  # submitted or finished after the date: they stay
    obligations: list[ObligationChange] = field(default_factory=list)
    memberships: list[tuple[Membership, Party]] = field(default_factory=list)
    reminders: list[tuple[Task, datetime.datetime]] = field(default_factory=list)
    unassigned: list[Obligation] = field(default_factory=list)  # split: obligations with no successor yet

    @property
    def successor_label(self) -> str:
        if self.plan.target is not None:
            return str(self.plan.target)
        if self.plan.new_party is not None:
            return _("%(name)s (cơ quan mới)") % {"name": self.plan.new_party.name}
        return ""

    @property
    def moved(self) -> list[TaskChange]:
        return [change for change in self.tasks if not change.excuse]

    @property
    def excused(self) -> list[TaskChange]:
        return [change for change in self.tasks if change.excuse]


# Pending reminders live in the reminders app, a layer above: it registers how to find them.
PendingReminders = Callable[[list[int]], dict[int, datetime.datetime]]
_pending_reminder_lookups: list[PendingReminders] = []


def register_pending_reminders(lookup: PendingReminders) -> PendingReminders:
    _pending_reminder_lookups.append(lookup)
    return lookup


class _Successor:
    """Stands for the body a merge will create, in a preview made before it exists."""

    def __init__(self, new: NewParty):
        self.pk = None
        self.name = new.name
        self.short_name = new.short_name

    def __str__(self):
        return self.name


def _successor_for(plan: Plan, obligation_id: int):
    if plan.kind == Kind.MERGE:
        return plan.target or (_Successor(plan.new_party) if plan.new_party else None)
    if plan.kind == Kind.SPLIT:
        return plan.assignments.get(obligation_id)
    return None


def _obligations_naming(parties: list[Party], effective_on: datetime.date) -> list[tuple[Obligation, str, Party]]:
    """The obligations in force on or after the date that name one of the parties (as responsible,
    recipient or co-operating party)."""
    ids = [p.pk for p in parties]
    by_id = {p.pk: p for p in parties}
    in_force = Obligation.objects.filter(is_active=True).filter(
        Q(applies_to__isnull=True) | Q(applies_to__gte=effective_on)
    )
    found: list[tuple[Obligation, str, Party]] = []
    for obligation in in_force.filter(owed_to_id__in=ids).order_by("pk"):
        found.append((obligation, "owed_to", by_id[obligation.owed_to_id or 0]))
    for role, relation in (("responsible", "responsible_parties"), ("cooperating", "cooperating_parties")):
        through = getattr(Obligation, relation).through
        column = "party_id"
        rows = through.objects.filter(**{f"{column}__in": ids}, obligation__in=in_force).select_related("obligation")
        for row in rows.order_by("obligation_id"):
            found.append((row.obligation, role, by_id[row.party_id]))
    # The rule "every organisation that signed the regulations the source implements" names them too.
    for obligation in in_force.filter(responsible_rule=Obligation.ResponsibleRule.SIGNATORY_ORGANISATIONS):
        for party in obligation.responsible_party_list():
            if party.pk in by_id:
                found.append((obligation, "responsible", by_id[party.pk]))
    return found


def reorganisation_preview(plan: Plan) -> Preview:
    """What the decision moves, and where to: computed from today's data (applying recomputes it)."""
    preview = Preview(plan=plan)
    if plan.kind in (Kind.RENAME, Kind.MOVE):
        return preview  # the party itself goes on: its tasks, members and reminders stay with it
    tasks = (
        Task.objects.filter(party__in=plan.sources, due_date__gte=plan.effective_on)
        .exclude(state=Task.State.EXCUSED)
        .select_related("obligation", "period", "party")
        .order_by("due_date", "pk")
    )
    taken: set[tuple[int | None, int, int]] = set()
    successor_ids = [p.pk for p in [plan.target, *plan.targets] if p is not None]
    held = set(Task.objects.filter(party_id__in=successor_ids).values_list("party_id", "obligation_id", "period_id"))
    for task in tasks:
        if task.state not in MOVING_STATES:
            preview.staying.append(task)
            continue
        to = _successor_for(plan, task.obligation_id)
        if plan.kind == Kind.END:
            reason = _("%(party)s chấm dứt hoạt động từ ngày %(day)s (%(number)s).") % {
                "party": task.party,
                "day": plan.effective_on.strftime("%d/%m/%Y"),
                "number": plan.number_symbol,
            }
            preview.tasks.append(TaskChange(task=task, to=None, excuse=True, reason=reason))
            continue
        if to is None:
            if task.obligation not in preview.unassigned:
                preview.unassigned.append(task.obligation)
            continue
        key = (to.pk, task.obligation_id, task.period_id)
        if key in held or key in taken:
            reason = _("Đã chuyển cho đơn vị kế thừa %(party)s, nơi đã có nhiệm vụ này.") % {"party": to}
            preview.tasks.append(TaskChange(task=task, to=to, excuse=True, reason=reason))
        else:
            taken.add(key)
            preview.tasks.append(TaskChange(task=task, to=to))
    for obligation, role, party in _obligations_naming(plan.sources, plan.effective_on):
        to = _successor_for(plan, obligation.pk)
        if plan.kind == Kind.SPLIT and to is None and role == "responsible":
            if obligation not in preview.unassigned:
                preview.unassigned.append(obligation)
        if plan.kind == Kind.SPLIT and to is None:
            to = plan.targets[0] if plan.targets else None
        preview.obligations.append(ObligationChange(obligation=obligation, role=role, party=party, to=to))
    members_to = plan.target or (plan.targets[0] if plan.targets else None)
    if plan.kind == Kind.MERGE and members_to is None and plan.new_party is not None:
        members_to = _Successor(plan.new_party)  # type: ignore[assignment]
    if members_to is not None:
        memberships = Membership.objects.filter(party__in=plan.sources).select_related("user", "party")
        preview.memberships = [(m, members_to) for m in memberships.order_by("party__path", "user__username")]
    moving = [change.task for change in preview.tasks if not change.excuse]  # an excused task's reminders stop
    pending: dict[int, datetime.datetime] = {}
    for lookup in _pending_reminder_lookups:
        pending.update(lookup([task.pk for task in moving]))
    preview.reminders = [(task, pending[task.pk]) for task in moving if task.pk in pending]
    return preview


# --- checks -----------------------------------------------------------------------------------------


def _day(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _chain_reaches(start: Party, targets: set[int]) -> list[Party] | None:
    """The successor chain from `start`, when it comes back to one of `targets` (a cycle)."""
    chain, party, seen = [start], start, set()
    while party.successor_id is not None and party.pk not in seen:
        seen.add(party.pk)
        party = Party.objects.get(pk=party.successor_id)
        chain.append(party)
        if party.pk in targets:
            return chain
    return None


def _check(plan: Plan, *, actor, exclude: Reorganisation | None = None) -> None:
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not plan.number_symbol.strip():
        refuse("number_symbol", _("Hãy nhập số, ký hiệu của văn bản quyết định."))
    if plan.effective_on < plan.decided_on:
        refuse("effective_on", _("Ngày có hiệu lực không được trước ngày ban hành văn bản."))
    if not plan.sources:
        refuse("sources", _("Hãy chọn cơ quan, tổ chức được sắp xếp."))
    if plan.kind not in (Kind.MERGE, Kind.END) and len(plan.sources) > 1:
        refuse("sources", _("Chỉ chọn một cơ quan, tổ chức cho loại thay đổi này."))
    source_ids = {p.pk for p in plan.sources}
    for party in plan.sources:
        if party.valid_from and plan.effective_on <= party.valid_from:
            refuse(
                "effective_on",
                _("Ngày có hiệu lực %(day)s không sau ngày %(party)s bắt đầu hoạt động (%(start)s).")
                % {"day": _day(plan.effective_on), "party": party, "start": _day(party.valid_from)},
            )
        if party.valid_to and party.valid_to < plan.effective_on:
            refuse(
                "sources",
                _("%(party)s đã chấm dứt hoạt động từ sau ngày %(end)s.")
                % {"party": party, "end": _day(party.valid_to)},
            )
    waiting = Reorganisation.objects.filter(state=Reorganisation.State.SCHEDULED, parties__in=plan.sources)
    if exclude is not None:
        waiting = waiting.exclude(pk=exclude.pk)
    for other in waiting.distinct():
        refuse(
            "sources",
            _("Đã có quyết định %(number)s chờ hiệu lực ngày %(day)s cho cơ quan này; hãy hủy quyết định đó trước.")
            % {"number": other.number_symbol, "day": _day(other.effective_on)},
        )

    successors: list[Party] = []
    if plan.kind == Kind.MERGE:
        if (plan.target is None) == (plan.new_party is None):
            refuse("target", _("Hãy chọn cơ quan nhận sáp nhập, hoặc nhập tên cơ quan mới."))
        if plan.target is not None:
            successors = [plan.target]
        if plan.new_party is not None:
            new = plan.new_party
            if not new.name.strip():
                refuse("new_name", _("Hãy nhập tên cơ quan mới."))
            if not new.code or Party.objects.filter(code=new.code).exists():
                refuse("new_code", _("Mã %(code)s đã có cơ quan khác dùng.") % {"code": new.code})
    if plan.kind == Kind.SPLIT:
        if len(plan.targets) < 2:
            refuse("targets", _("Chia tách cần ít nhất hai cơ quan kế thừa."))
        successors = list(plan.targets)
        for obligation_id, party in plan.assignments.items():
            if party.pk not in {p.pk for p in plan.targets}:
                refuse(
                    "assignments", _("Nhiệm vụ số %(id)s được giao cho cơ quan không kế thừa.") % {"id": obligation_id}
                )
    for successor in successors:
        if successor.pk in source_ids:
            refuse(
                "target",
                _("Không thể sáp nhập %(party)s vào chính nó.") % {"party": successor}
                if plan.kind == Kind.MERGE
                else _("%(party)s không thể kế thừa chính nó.") % {"party": successor},
            )
            continue
        if not successor.is_valid_on(plan.effective_on):
            refuse(
                "target",
                _("%(party)s không hoạt động vào ngày có hiệu lực %(day)s.")
                % {"party": successor, "day": _day(plan.effective_on)},
            )
        chain = _chain_reaches(successor, source_ids)
        if chain is not None:
            refuse(
                "target",
                _("Vòng kế thừa không hợp lệ: %(chain)s.")
                % {"chain": " → ".join(str(p) for p in [*plan.sources[:1], *chain])},
            )
    if plan.kind == Kind.RENAME:
        source = plan.sources[0] if plan.sources else None
        if not plan.new_name.strip():
            refuse("new_name", _("Hãy nhập tên mới."))
        elif source is not None and plan.new_name.strip() == source.name:
            refuse("new_name", _("Tên mới trùng với tên hiện nay."))
    if plan.kind == Kind.MOVE:
        source = plan.sources[0] if plan.sources else None
        parent = plan.new_parent
        if parent is None:
            refuse("new_parent", _("Hãy chọn địa bàn mới."))
        elif source is not None:
            if parent.pk == source.parent_id:
                refuse("new_parent", _("Cơ quan đã thuộc địa bàn này."))
            if parent.path.startswith(source.path):
                refuse("new_parent", _("Không thể chuyển một cơ quan vào địa bàn của chính cấp dưới của nó."))
            if not parent.is_jurisdiction:
                refuse("new_parent", _("Địa bàn mới phải là một cấp chính quyền (UBND)."))
    if errors:
        raise ReorganisationError(next(iter(errors.values()))[0], field_errors=errors)
    preview = reorganisation_preview(plan)
    if plan.kind == Kind.SPLIT and preview.unassigned:
        names = "; ".join(ob.title for ob in preview.unassigned)
        message = _("Còn %(n)s nhiệm vụ chưa giao cho cơ quan kế thừa: %(names)s.") % {
            "n": len(preview.unassigned),
            "names": names,
        }
        raise ReorganisationError(message, field_errors={"assignments": [message]})


def _require_rights(actor, plan: Plan) -> None:
    require_actor(actor, Right.REORGANISE)
    for party in plan.involved():
        require(can_edit_sources(actor, party), Right.REORGANISE)


def reorganisation_check(*, actor, plan: Plan) -> Preview:
    """Check a decision as recording it would (rights, then the rules) and return its preview; writes nothing."""
    _require_rights(actor, plan)
    _check(plan, actor=actor)
    return reorganisation_preview(plan)


def can_reorganise(user, reorganisation: Reorganisation | None = None) -> bool:
    """Whether the user may record decisions (the office or the administration of a jurisdiction), or
    undo this one (the rights on every party it involves)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if reorganisation is None:
        return can_edit_sources(user, None)
    return all(can_edit_sources(user, party) for party in reorganisation.parties.all())


def reorganisations_visible_to(user):
    """The decisions that involve a party the user sees."""
    visible = parties_visible_to(user).values("pk")
    ids = Reorganisation.objects.filter(parties__in=visible).values("pk")
    return Reorganisation.objects.filter(pk__in=ids)


# --- record, apply, undo ----------------------------------------------------------------------------


def reorganisation_record(*, actor, plan: Plan, today: datetime.date | None = None) -> Reorganisation:
    """Check and record a decision; apply it now when its effective date has come."""
    _require_rights(actor, plan)
    today = today or timezone.localdate()
    with transaction.atomic():
        # Lock the parties so two decisions on the same body cannot both pass the checks.
        list(Party.objects.select_for_update().filter(pk__in=[p.pk for p in plan.sources]))
        _check(plan, actor=actor)
        record = Reorganisation.objects.create(
            kind=plan.kind,
            number_symbol=plan.number_symbol.strip(),
            decided_on=plan.decided_on,
            effective_on=plan.effective_on,
            issuer_name=plan.issuer_name.strip(),
            summary=plan.summary.strip(),
            source_note=plan.source_note.strip(),
            jurisdiction=plan.sources[0].jurisdiction(),
            plan=plan.to_json(),
            created_by=actor,
        )
        record.parties.set([p for p in plan.involved() if p is not None])
        source_event_record(
            source=record,
            actor=actor,
            action=SourceEvent.Action.CREATED,
            changes={},
            message=_("Ghi nhận %(kind)s theo %(number)s, có hiệu lực từ ngày %(day)s.")
            % {
                "kind": record.get_kind_display().lower(),
                "number": record.number_symbol,
                "day": _day(record.effective_on),
            },
        )
        if plan.effective_on <= today:
            record = reorganisation_apply(reorganisation=record, today=today)
    return record


def _membership_copy(memberships: Iterable[Membership], to: Party) -> int:
    copied = 0
    for membership in memberships:
        _obj, created = Membership.objects.get_or_create(
            user_id=membership.user_id, party=to, role=membership.role, defaults={"is_head": membership.is_head}
        )
        copied += created
    return copied


def reorganisation_apply(*, reorganisation: Reorganisation, today: datetime.date | None = None) -> Reorganisation:
    """Make the change (on or after its effective date), once: a second call does nothing."""
    today = today or timezone.localdate()
    with transaction.atomic():
        record = Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)
        if record.state != Reorganisation.State.SCHEDULED or record.effective_on > today:
            return record
        plan = Plan.of(record)
        actor = record.created_by
        result: dict = {"tasks_moved": [], "tasks_excused": [], "memberships": 0}
        sources = list(Party.objects.select_for_update().filter(pk__in=[p.pk for p in plan.sources]))
        if plan.kind == Kind.MERGE and plan.new_party is not None:
            new = plan.new_party
            plan.target = _party_create(new, valid_from=record.effective_on)
            result["created"] = plan.target.pk
            record.parties.add(plan.target)
        preview = reorganisation_preview(plan)
        if plan.kind in (Kind.MERGE, Kind.SPLIT, Kind.END):
            main = plan.target or (plan.targets[0] if plan.targets else None)
            for party in sources:
                party.valid_to = record.ends_on
                party.successor = main
                party.save(update_fields=["valid_to", "successor"])
            if plan.kind == Kind.SPLIT:
                for obligation_id, successor in plan.assignments.items():
                    Handover.objects.update_or_create(
                        predecessor=sources[0],
                        obligation_id=obligation_id,
                        defaults={"successor": successor, "reorganisation": record},
                    )
        if plan.kind == Kind.RENAME:
            party = sources[0]
            PartyName.objects.create(
                party=party,
                name=party.name,
                short_name=party.short_name,
                used_until=record.ends_on,
                reorganisation=record,
            )
            result["old_name"], result["old_short_name"] = party.name, party.short_name
            party.name = plan.new_name.strip()
            party.short_name = plan.new_short_name.strip() or party.short_name
            party.save()
        if plan.kind == Kind.MOVE:
            party = sources[0]
            result["old_parent"] = party.parent_id
            party.parent = plan.new_parent
            party.save()
        for change in preview.tasks:
            task = Task.objects.select_for_update().get(pk=change.task.pk)
            if task.state not in MOVING_STATES:
                continue  # submitted meanwhile: it stays with the body that submitted it
            old = task.party
            if change.excuse:
                task.state = Task.State.EXCUSED
                task.excused_reason = change.reason
                task.save(update_fields=["state", "excused_reason", "updated_at"])
                TaskEvent.objects.create(
                    task=task,
                    actor=actor,
                    action=TaskEvent.Action.EXCUSED,
                    message=change.reason,
                    data={"reorganisation": record.pk},
                )
                result["tasks_excused"].append(task.pk)
                continue
            to = change.to if change.to is not None and change.to.pk is not None else plan.target
            assert isinstance(to, Party)  # a merge's new body exists once applying created it
            task.handed_over_from = task.handed_over_from or old
            task.party = to
            task.save(update_fields=["party", "handed_over_from", "updated_at"])
            TaskEvent.objects.create(
                task=task,
                actor=actor,
                action=TaskEvent.Action.HANDED_OVER,
                message=_("Chuyển từ %(old)s cho %(new)s theo %(number)s, từ ngày %(day)s.")
                % {"old": old, "new": to, "number": record.number_symbol, "day": _day(record.effective_on)},
                data={"reorganisation": record.pk, "from": old.pk, "to": to.pk},
            )
            result["tasks_moved"].append(task.pk)
        members_to = plan.target or (plan.targets[0] if plan.targets else None)
        if members_to is not None and plan.kind in (Kind.MERGE, Kind.SPLIT):
            result["memberships"] = _membership_copy(Membership.objects.filter(party__in=sources), members_to)
        record.state = Reorganisation.State.APPLIED
        record.applied_at = timezone.now()
        record.result = result
        record.save(update_fields=["state", "applied_at", "result"])
        source_event_record(
            source=record,
            actor=actor,
            action=SourceEvent.Action.APPLIED,
            changes={},
            message=_(
                "Đã thực hiện: chuyển %(moved)s nhiệm vụ, miễn %(excused)s nhiệm vụ trùng hoặc không còn người "
                "thực hiện."
            )
            % {"moved": len(result["tasks_moved"]), "excused": len(result["tasks_excused"])},
        )
    return record


def reorganisation_undo(*, actor, reorganisation: Reorganisation, today: datetime.date | None = None) -> Reorganisation:
    """Cancel a decision before its effective date: nothing of it had been applied, nothing moves."""
    today = today or timezone.localdate()
    with transaction.atomic():
        record = Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)
        _require_rights(actor, Plan.of(record))
        if record.state == Reorganisation.State.UNDONE:
            raise ReorganisationError(_("Quyết định này đã được hủy."))
        if record.state == Reorganisation.State.APPLIED or record.effective_on <= today:
            raise ReorganisationError(
                _(
                    "Quyết định đã có hiệu lực từ ngày %(day)s nên không thể hủy; hãy ghi nhận một quyết định sắp "
                    "xếp mới."
                )
                % {"day": _day(record.effective_on)}
            )
        record.state = Reorganisation.State.UNDONE
        record.undone_at = timezone.now()
        record.undone_by = actor
        record.save(update_fields=["state", "undone_at", "undone_by"])
        source_event_record(
            source=record, actor=actor, action=SourceEvent.Action.UNDONE, changes={}, message=_("Hủy quyết định.")
        )
    return record


def reorganisations_apply_due(*, today: datetime.date | None = None) -> int:
    """The daily job: apply every decision whose effective date has come. Returns how many."""
    today = today or timezone.localdate()
    due = Reorganisation.objects.filter(state=Reorganisation.State.SCHEDULED, effective_on__lte=today)
    applied = 0
    for record in due.order_by("effective_on", "pk"):
        reorganisation_apply(reorganisation=record, today=today)
        applied += 1
    return applied


def _party_create(new: NewParty, *, valid_from: datetime.date) -> Party:
    """The body a merge creates. Its code was free when the decision was recorded; if another body took it
    since (or takes it at this moment), the next free code of its name is used."""
    code = new.code
    for _attempt in range(5):
        try:
            with transaction.atomic():  # a savepoint: a clash on the code leaves the decision's work intact
                return Party.objects.create(
                    code=code,
                    name=new.name,
                    short_name=new.short_name or new.name,
                    kind=new.kind,
                    level=new.level,
                    parent=new.parent,
                    is_jurisdiction=new.is_jurisdiction,
                    valid_from=valid_from,
                )
        except IntegrityError:
            if not Party.objects.filter(code=code).exists():
                raise
            code = new_party_code(new.name)
    raise ReorganisationError(_("Không tìm được mã còn trống cho %(name)s.") % {"name": new.name})


def new_party_code(name: str) -> str:
    """A free code for a body a merge creates, from its name."""
    base = slugify(name.replace("đ", "d").replace("Đ", "D"))[:56] or "co-quan"
    code, n = base, 1
    while Party.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code
