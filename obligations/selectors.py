"""Reads of obligations and tasks, always through the user's scope."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Max, Q, QuerySet
from django.http import Http404

from regulations.models import Conclusion, DocumentItem, Membership, Party
from regulations.rights import Right, require
from regulations.selectors import (
    _get_or_404,
    can_edit_sources,
    documents_visible_to,
    get_regulation_for_user,
    meetings_visible_to,
    parties_visible_to,
    regulations_visible_to,
    user_scope,
)

from .models import (
    Attachment,
    Contribution,
    ContributionFile,
    Obligation,
    ObligationQuerySet,
    SubmissionVersion,
    Task,
    TaskEvent,
    TaskQuerySet,
)

CooperatingParty = Obligation.cooperating_parties.through


def tasks_of_parties_seen(user) -> TaskQuerySet:
    """The tasks of the parties the user sees: what dashboards, rates and exports count. A lead's task the
    user only co-operates on is readable (`tasks_visible_to`) but is not theirs to count."""
    return Task.objects.filter(user_scope(user).party_q("party"))


def tasks_visible_to(user) -> TaskQuerySet:
    """The tasks of the parties the user sees, and the lead's tasks of every obligation one of the user's
    own parties co-operates on (in a subquery: no join, no duplicate rows, no extra query). The parties are
    one semi-join (`party_id IN (…)`), never a test of each task's party path: tests/test_list_plans.py."""
    scope = user_scope(user)
    condition = scope.party_in("party_id")
    cooperated = cooperated_obligation_ids(user)
    if cooperated:
        condition |= Q(obligation_id__in=cooperated)
    return Task.objects.filter(condition)


def cooperated_obligation_ids(user) -> list[int]:
    """The obligations one of the user's own parties co-operates on, read once per request (one query,
    none for an admin or a user of no party). A list, not a subquery: an `OR obligation_id IN (subquery)`
    next to the parties' semi-join makes PostgreSQL scan every task; with no co-operation (the common case)
    the condition is not there at all."""
    cached = getattr(user, "_phoihop_cooperated", None)
    if cached is None:
        scope = user_scope(user)
        cached = []
        if not scope.everything and scope.own_party_ids:
            cached = sorted(
                set(
                    CooperatingParty.objects.filter(party_id__in=list(scope.own_party_ids)).values_list(
                        "obligation_id", flat=True
                    )
                )
            )
        user._phoihop_cooperated = cached
    return cached


def obligations_visible_to(user) -> ObligationQuerySet:
    """The obligations of a source the user sees, or that one of the user's parties is responsible for,
    has a task of or co-operates on. Each way in is a subquery read once (a hashed semi-join over the
    obligations), never a join of every task with its party tested once per task."""
    scope = user_scope(user)
    if scope.everything:
        return Obligation.objects.all()
    Responsible = Obligation.responsible_parties.through
    ids = Obligation.objects.filter(
        Q(source_regulation__in=regulations_visible_to(user))
        | Q(source_item__document__in=documents_visible_to(user))
        | Q(source_conclusion__meeting__in=meetings_visible_to(user))
        | Q(pk__in=Responsible.objects.filter(scope.party_in("party_id")).values("obligation_id"))
        | Q(pk__in=Task.objects.filter(scope.party_in("party_id")).values("obligation_id"))
        | Q(pk__in=cooperated_obligation_ids(user))
    ).values("pk")
    return Obligation.objects.filter(pk__in=ids)


def task_counts(obligation_ids: list[int]) -> dict[int, int]:
    """The number of tasks of each obligation, in one grouped query over these ids (a list page's)."""
    if not obligation_ids:
        return {}
    return dict(
        Task.objects.filter(obligation_id__in=obligation_ids)
        .order_by()
        .values_list("obligation_id")
        .annotate(n=Count("pk"))
        .values_list("obligation_id", "n")
    )


def get_task_for_user(user, pk, *, right: str = Right.READ) -> Task:
    """The task if the user may see it (else 404) and holds the right on it (else 403)."""
    task = _get_or_404(tasks_visible_to(user).with_related().with_status(), pk)
    require(task_allows(user, task, right), right)
    return task


def task_allows(user, task: Task, right: str) -> bool:
    """The rule of each right on a task the user already sees: read; report (the party's own staff);
    review (the focal agency that follows the party up, never its own agency's report); contribute (the
    staff of a co-operating party of its obligation, who only read the lead's report)."""
    if right == Right.READ:
        return True
    if right == Right.REPORT:
        return can_edit_report(user, task)
    if right == Right.REVIEW:
        return can_review(user, task)
    if right == Right.CONTRIBUTE:
        return bool(contributing_parties(user, task))
    return False


def get_obligation_for_user(user, pk) -> Obligation:
    return _get_or_404(obligations_visible_to(user).with_sources(), pk)


def task_list(*, user, filters: dict | None = None) -> TaskQuerySet:
    """The task list with everything a row shows joined in: its query count does not grow with rows."""
    return tasks_visible_to(user).with_related().with_status()


# --- who may act on a task --------------------------------------------------------------------------

REPORTING_ROLES = (Membership.Role.REPORTER, Membership.Role.OFFICE, Membership.Role.FOCAL)


def memberships_of(user) -> list[Membership]:
    cached = getattr(user, "_phoihop_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("party"))
        user._phoihop_memberships = cached
    return cached


def can_edit_report(user, task: Task) -> bool:
    """The party's own staff write its report (leaders only read)."""
    return any(m.party_id == task.party_id and m.role in REPORTING_ROLES for m in memberships_of(user))


def cooperating_parties_of(task: Task) -> list[Party]:
    """The co-operating parties of the task's obligation, read once per task object."""
    cached = getattr(task, "_phoihop_cooperating", None)
    if cached is None:
        cached = list(task.obligation.cooperating_parties.order_by("path"))
        setattr(task, "_phoihop_cooperating", cached)  # noqa: B010  (a per-object cache, not a model field)
    return cached


def contributing_parties(user, task: Task) -> list[Party]:
    """The co-operating parties the user may give input for on this task: those whose staff they are
    (a leader of the party reads, as everywhere, and does not write)."""
    cooperating = {party.pk: party for party in cooperating_parties_of(task)}
    found: dict[int, Party] = {}
    for membership in memberships_of(user):
        if membership.role in REPORTING_ROLES and membership.party_id in cooperating:
            found.setdefault(membership.party_id, cooperating[membership.party_id])
    return sorted(found.values(), key=lambda party: party.path)


def review_paths(user) -> tuple[str, ...]:
    """Jurisdictions whose reports this user reviews: those whose focal agency the user works for."""
    cached = getattr(user, "_phoihop_review_paths", None)
    if cached is not None:
        return cached
    focal_party_ids = [m.party_id for m in memberships_of(user) if m.role == Membership.Role.FOCAL]
    paths = tuple(
        Party.objects.filter(is_jurisdiction=True, focal_agency_id__in=focal_party_ids).values_list("path", flat=True)
    )
    user._phoihop_review_paths = paths
    return paths


def can_review(user, task: Task) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if task.party_id in {m.party_id for m in memberships_of(user) if m.role == Membership.Role.FOCAL}:
        return False  # nobody accepts their own agency's report
    return any(task.party.path.startswith(path) for path in review_paths(user))


def reviews_anything(user, scope) -> bool:
    """Whether the user has a review queue at all: a superuser, or the staff of a focal agency (the queue
    holds its jurisdictions' reports). The menu asks this too, so it never links to a refusal."""
    return user.is_superuser or Membership.Role.FOCAL in scope.roles


def review_queue_for(user) -> TaskQuerySet:
    """The review queue of a reviewer (a 403 for anyone who reviews nothing)."""
    require(reviews_anything(user, user_scope(user)), Right.REVIEW)
    return tasks_for_review(user)


def tasks_for_review(user) -> TaskQuerySet:
    """Submissions waiting for this user's review, oldest first."""
    queryset = Task.objects.filter(state=Task.State.SUBMITTED)
    if not user.is_superuser:
        paths = review_paths(user)
        if not paths:
            return queryset.none()
        condition = Q()
        for path in paths:
            condition |= Q(party__path__startswith=path)
        own_focal = [m.party_id for m in memberships_of(user) if m.role == Membership.Role.FOCAL]
        queryset = queryset.filter(condition).exclude(party_id__in=own_focal)
    return (
        queryset.with_related()
        .with_status()
        .annotate(submitted_at=Max("submission__versions__submitted_at"))
        .order_by("submitted_at", "pk")
    )


def my_open_tasks(user) -> TaskQuerySet:
    """ "Nhiệm vụ của tôi": the open tasks of the user's own parties, soonest first, each with when its
    report was last saved (`draft_saved_at`, None when nothing was written yet: the page says a draft exists)."""
    own = [m.party_id for m in memberships_of(user) if m.role in REPORTING_ROLES]
    return (
        Task.objects.filter(party_id__in=own)
        .exclude(state__in=[Task.State.DONE, Task.State.EXCUSED])
        .with_related()
        .with_status()
        .annotate(draft_saved_at=F("submission__updated_at"))
        .order_by("due_date", "pk")
    )


def get_attachment_for_user(user, pk, *, right: str = Right.READ) -> Attachment:
    """An attachment is visible to whoever may see its task, and follows its task's rights."""
    attachment = _get_or_404(
        Attachment.objects.filter(submission__task__in=tasks_visible_to(user)).select_related(
            "submission__task__party"
        ),
        pk,
    )
    require(task_allows(user, attachment.submission.task, right), right)
    return attachment


def get_version_of_task(task: Task, number) -> SubmissionVersion:
    """A version of a task the caller has already fetched through a permission-checked getter."""
    versions = SubmissionVersion.objects.filter(submission__task=task).select_related(
        "submission", "submitted_by", "reviewed_by"
    )
    try:
        return versions.get(number=int(number))
    except (SubmissionVersion.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def pending_version_of(task: Task) -> SubmissionVersion | None:
    """The version awaiting review (at most one, a constraint says), with its files, for a task the caller
    has already fetched through a permission-checked getter."""
    return (
        SubmissionVersion.objects.filter(submission__task=task, review=SubmissionVersion.Review.PENDING)
        .select_related("submission", "submitted_by", "reviewed_by")
        .prefetch_related("attachments")
        .first()
    )


def task_trail(task: Task) -> QuerySet[TaskEvent]:
    return task.events.select_related("actor").order_by("at", "pk")


def task_versions(task: Task) -> QuerySet[SubmissionVersion]:
    return (
        SubmissionVersion.objects.filter(submission__task=task)
        .select_related("submitted_by", "reviewed_by")
        .prefetch_related("attachments")
        .order_by("number")
    )


# --- who writes obligations -------------------------------------------------------------------------


def get_editable_jurisdiction_for_user(user, pk) -> Party:
    """A jurisdiction the user sees (else 404) and writes the sources of (else 403)."""
    party = _get_or_404(parties_visible_to(user).filter(is_jurisdiction=True), pk)
    require(can_edit_sources(user, party), Right.EDIT)
    return party


def get_source_for_editing(user, *, item=None, regulation=None, conclusion=None):
    """The source a new obligation is attached to: a document item, a regulation or a meeting's conclusion
    the user sees (else 404) and may write (else 403)."""
    if item is not None:
        source = _get_or_404(
            DocumentItem.objects.filter(document__in=documents_visible_to(user)).select_related("document__issuer"),
            item,
        )
        owner = source.document.issuer
    elif regulation is not None:
        source = get_regulation_for_user(user, regulation)
        owner = source.issuer
    elif conclusion is not None:
        source = _get_or_404(
            Conclusion.objects.filter(meeting__in=meetings_visible_to(user)).select_related("meeting__host"),
            conclusion,
        )
        owner = source.meeting.host
    else:
        raise Http404
    require(can_edit_sources(user, owner), Right.EDIT)
    return source


def get_obligation_for_editing(user, pk) -> Obligation:
    """An obligation the user sees (else 404) whose source the user may write (else 403)."""
    obligation = _get_or_404(
        obligations_visible_to(user).select_related(
            "source_regulation__issuer", "source_item__document__issuer", "source_conclusion__meeting__host", "owed_to"
        ),
        pk,
    )
    require(can_edit_sources(user, obligation_owner(obligation)), Right.EDIT)
    return obligation


def obligation_owner(obligation: Obligation) -> Party:
    """Whose source it is: the issuer of its regulation or document, the host of its meeting."""
    if obligation.source_regulation is not None:
        return obligation.source_regulation.issuer
    if obligation.source_item is not None:
        return obligation.source_item.document.issuer
    if obligation.source_conclusion is None:  # the check constraint gives every obligation a source
        raise Http404
    return obligation.source_conclusion.meeting.host


# --- co-operating parties' input ---------------------------------------------------------------------


def task_contributions(task: Task) -> list[Contribution]:
    """Every co-operating party's input on the task, with its files: three queries whatever their number."""
    return list(
        Contribution.objects.filter(task=task)
        .select_related("party", "author")
        .prefetch_related("files")
        .order_by("party__path", "pk")
    )


@dataclass(frozen=True)
class CooperationRow:
    """One co-operating party on a task's page: what it gave as it stands (or stood at a moment)."""

    party: Party
    text: str = ""
    author: object = None
    at: datetime.datetime | None = None
    files: tuple = ()


def task_cooperation(task: Task) -> list[CooperationRow]:
    """Each co-operating party of the task's obligation with its current input (empty when none yet), and
    any party that gave input but no longer co-operates (its input stays on record)."""
    contributions = {c.party_id: c for c in task_contributions(task)}
    parties = cooperating_parties_of(task)
    parties = parties + [c.party for pk, c in contributions.items() if pk not in {p.pk for p in parties}]
    rows = []
    for party in parties:
        contribution = contributions.get(party.pk)
        if contribution is None:
            rows.append(CooperationRow(party=party))
            continue
        rows.append(
            CooperationRow(
                party=party,
                text=contribution.text,
                author=contribution.author,
                at=contribution.updated_at,
                files=tuple(contribution.files.all()),
            )
        )
    return rows


def task_cooperation_as_of(task: Task, moment: datetime.datetime) -> list[CooperationRow]:
    """The input the lead had when it submitted at `moment`: each party's text as the trail recorded its
    last save before then (the text is rewritten later, the trail is not), and the files sent before then."""
    latest: dict[int, TaskEvent] = {}
    events = task.events.filter(action=TaskEvent.Action.CONTRIBUTED, at__lte=moment).select_related("actor")
    for event in events.order_by("at", "pk"):
        latest[event.data.get("party")] = event
    files: dict[int, list[ContributionFile]] = {}
    for upload in ContributionFile.objects.filter(contribution__task=task, uploaded_at__lte=moment).select_related(
        "contribution"
    ):
        files.setdefault(upload.contribution.party_id, []).append(upload)
    parties = Party.objects.in_bulk(list(latest)) if latest else {}
    rows = [
        CooperationRow(
            party=parties[pk],
            text=event.data.get("text", ""),
            author=event.actor,
            at=event.at,
            files=tuple(files.get(pk, ())),
        )
        for pk, event in latest.items()
        if pk in parties
    ]
    return sorted(rows, key=lambda row: row.party.path)


def get_contribution_file_for_user(user, pk, *, right: str = Right.READ) -> ContributionFile:
    """A co-operating party's file is visible to whoever may see the lead's task, and follows its rights."""
    upload = _get_or_404(
        ContributionFile.objects.filter(contribution__task__in=tasks_visible_to(user)).select_related(
            "contribution__task__party", "contribution__task__obligation"
        ),
        pk,
    )
    require(task_allows(user, upload.contribution.task, right), right)
    return upload


def cooperating_members_of_obligations(obligation_ids) -> dict[int, list]:
    """For each obligation, every user of its co-operating parties, inactive ones included (a reminder
    records them as skipped, as it does the lead's own): one query for all the obligations."""
    found: dict[int, dict[int, object]] = {pk: {} for pk in obligation_ids}
    if found:
        memberships = (
            Membership.objects.filter(party__cooperating_obligations__in=list(found))
            .annotate(obligation_pk=F("party__cooperating_obligations"))
            .select_related("user")
            .order_by("pk")
        )
        for membership in memberships:
            found[membership.obligation_pk].setdefault(membership.user_id, membership.user)
    return {pk: sorted(users.values(), key=lambda user: user.username) for pk, users in found.items()}
