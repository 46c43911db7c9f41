"""Reads of obligations and tasks, always through the user's scope."""

from django.db.models import Max, Q, QuerySet
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

from .models import Attachment, Obligation, ObligationQuerySet, SubmissionVersion, Task, TaskEvent, TaskQuerySet


def tasks_visible_to(user) -> TaskQuerySet:
    return Task.objects.filter(user_scope(user).party_q("party"))


def obligations_visible_to(user) -> ObligationQuerySet:
    scope = user_scope(user)
    if scope.everything:
        return Obligation.objects.all()
    ids = Obligation.objects.filter(
        Q(source_regulation__in=regulations_visible_to(user))
        | Q(source_item__document__in=documents_visible_to(user))
        | Q(source_conclusion__meeting__in=meetings_visible_to(user))
        | scope.party_q("responsible_parties")
        | scope.party_q("tasks__party")
    ).values("pk")
    return Obligation.objects.filter(pk__in=ids)


def get_task_for_user(user, pk, *, right: str = Right.READ) -> Task:
    """The task if the user may see it (else 404) and holds the right on it (else 403)."""
    task = _get_or_404(tasks_visible_to(user).with_related().with_status(), pk)
    require(task_allows(user, task, right), right)
    return task


def task_allows(user, task: Task, right: str) -> bool:
    """The rule of each right on a task the user already sees: read; report (the party's own staff);
    review (the focal agency that follows the party up, never its own agency's report)."""
    if right == Right.READ:
        return True
    if right == Right.REPORT:
        return can_edit_report(user, task)
    if right == Right.REVIEW:
        return can_review(user, task)
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


def review_queue_for(user) -> TaskQuerySet:
    """The review queue of a reviewer (a 403 for anyone who reviews nothing)."""
    require(user.is_superuser or bool(review_paths(user)), Right.REVIEW)
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
    """ "Việc của tôi": the open tasks of the user's own parties, soonest first."""
    own = [m.party_id for m in memberships_of(user) if m.role in REPORTING_ROLES]
    return (
        Task.objects.filter(party_id__in=own)
        .exclude(state__in=[Task.State.DONE, Task.State.EXCUSED])
        .with_related()
        .with_status()
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
    versions = SubmissionVersion.objects.filter(submission__task=task).select_related("submitted_by", "reviewed_by")
    try:
        return versions.get(number=int(number))
    except (SubmissionVersion.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


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
