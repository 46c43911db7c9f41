"""Reads of matters, always for one user. Anything outside what they may see is a 404."""

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.http import Http404

from obligations.selectors import get_obligation_for_user, get_task_for_user, memberships_of, obligations_visible_to
from regulations.models import Membership, Party
from regulations.rights import Right, require
from regulations.selectors import user_scope

from .models import Matter


def _membership_party_ids(user) -> frozenset[int]:
    return user_scope(user).own_party_ids  # computed once per request


def matters_visible_to(user) -> QuerySet[Matter]:
    """The raising party's users; the focal agency of its jurisdiction; the People's Committee once forwarded."""
    base = Matter.objects.select_related(
        "raised_by_party", "raised_by", "jurisdiction", "task__period", "task__obligation", "obligation"
    )
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if user_scope(user).everything:
        return base
    ids = _membership_party_ids(user)
    return base.filter(
        Q(raised_by_party_id__in=ids)
        | Q(jurisdiction__focal_agency_id__in=ids)
        | Q(jurisdiction_id__in=ids, forwarded_at__isnull=False)
    )


def get_matter_for_user(user, pk, *, right: str = Right.READ) -> Matter:
    """A matter the user sees (else 404), with the right to act on it (else 403)."""
    try:
        matter = matters_visible_to(user).filter(pk=pk).first()
    except (ValueError, TypeError):
        matter = None
    if matter is None:
        raise Http404
    require(matter_allows(user, matter, right), right)
    return matter


def matter_allows(user, matter: Matter, right: str) -> bool:
    """Read: whoever sees it. Answer: the focal agency while open, and the People's Committee (or the focal
    agency) once forwarded. Forward: the focal agency while open. Close: the raising party or the focal
    agency, until closed."""
    rules: dict[str, Callable[[], bool]] = {
        Right.READ: lambda: True,
        Right.ANSWER: lambda: can_answer(user, matter),
        Right.FORWARD: lambda: can_forward(user, matter),
        Right.CLOSE: lambda: can_close(user, matter),
    }
    return right in rules and rules[right]()


# Who acts on a matter: the working roles. Leaders read (they see what their party sees) but change nothing.
ACTING_OVERSIGHT = (Membership.Role.OFFICE, Membership.Role.FOCAL, Membership.Role.ADMIN)


def _oversees(user, party_id) -> bool:
    """An acting oversight role (office, focal, admin) in that party; a reporter or a leader does not count."""
    return any(m.party_id == party_id and m.role in ACTING_OVERSIGHT for m in memberships_of(user))


def _working_party_ids(user) -> set[int]:
    """The parties the user works for in a role that may act (every role but the read-only leader)."""
    return {m.party_id for m in memberships_of(user) if m.role != Membership.Role.LEADER}


def is_focal_for(user, matter: Matter) -> bool:
    return user_scope(user).everything or _oversees(user, matter.jurisdiction.focal_agency_id)


def is_committee_for(user, matter: Matter) -> bool:
    return _oversees(user, matter.jurisdiction_id)


def can_answer(user, matter: Matter) -> bool:
    if matter.status == Matter.Status.OPEN:
        return is_focal_for(user, matter)
    if matter.status == Matter.Status.FORWARDED:
        return is_committee_for(user, matter) or is_focal_for(user, matter)
    return False


def can_forward(user, matter: Matter) -> bool:
    return matter.status == Matter.Status.OPEN and is_focal_for(user, matter)


def can_close(user, matter: Matter) -> bool:
    if matter.status == Matter.Status.CLOSED:
        return False
    return matter.raised_by_party_id in _working_party_ids(user) or is_focal_for(user, matter)


def raising_parties(user, *, task=None) -> list[Party]:
    """The parties on whose behalf the user may raise a matter: their own (for a task: its party)."""
    ids = _working_party_ids(user)
    if task is not None:
        return [task.party] if task.party_id in ids or user_scope(user).everything else []
    return list(Party.objects.filter(pk__in=ids).order_by("path"))


def raises_for_anyone(user) -> bool:
    """Whether raising_parties(user) has any party, without fetching them (for the obligation page's button)."""
    return bool(_working_party_ids(user))


def can_raise(user, party: Party, *, task=None, obligation=None) -> bool:
    """On behalf of one of the user's working parties (for a task: the task's party, which makes the task
    one the user sees), about an obligation the user sees."""
    if party.pk not in {p.pk for p in raising_parties(user, task=task)}:
        return False
    if task is not None:
        return True
    return obligation is not None and obligations_visible_to(user).filter(pk=obligation.pk).exists()


def matter_target(user, *, task_pk=None, obligation_pk=None):
    """The task or obligation a new matter is about, fetched through the user's scope (404 otherwise), and
    the parties the user may raise it for (403 when there is none: a leader, another party's task)."""
    if task_pk:
        task, obligation = get_task_for_user(user, task_pk), None
    elif obligation_pk:
        task, obligation = None, get_obligation_for_user(user, obligation_pk)
    else:
        raise Http404
    parties = raising_parties(user, task=task)
    require(bool(parties), Right.RAISE)
    return task, obligation, parties
