"""Who may see what. A user sees their own parties; an oversight role (office, focal agency, leader,
admin) also sees the whole subtree of the jurisdiction it works for. Everything else is a 404."""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import (
    Conclusion,
    Document,
    DocumentItem,
    Meeting,
    MeetingAttendee,
    Membership,
    Party,
    Regulation,
    SourceEvent,
)
from .rights import Right, require
from .text import search_key


@dataclass(frozen=True)
class Scope:
    everything: bool
    own_party_ids: frozenset[int]
    subtree_paths: tuple[str, ...]
    roles: frozenset[str]

    def party_q(self, field: str = "") -> Q:
        """A condition on a Party (or on the Party behind `field`) that keeps what the scope covers."""
        if self.everything:
            return Q()
        prefix = f"{field}__" if field else ""
        condition = Q(**{f"{prefix}pk__in": list(self.own_party_ids)})
        for path in self.subtree_paths:
            condition |= Q(**{f"{prefix}path__startswith": path})
        return condition

    def party_in(self, field: str) -> Q:
        """A condition on the Party foreign key `field` (e.g. "party_id") as one semi-join: `field IN (the
        scope's parties)`. On a big table (tasks) this is read once, as a hash or an index look-up, where
        party_q through a join would test the path of each row's party, once per row."""
        if self.everything:
            return Q()
        return Q(**{f"{field}__in": Party.objects.filter(self.party_q()).values("pk")})

    def covers(self, party: Party | None) -> bool:
        """party_q for one party already loaded: whether a link to its page would open."""
        if party is None:
            return False
        return (
            self.everything
            or party.pk in self.own_party_ids
            or any(party.path.startswith(path) for path in self.subtree_paths)
        )

    @property
    def is_oversight(self) -> bool:
        return self.everything or bool(self.subtree_paths)

    def has_role(self, *roles: str) -> bool:
        return self.everything or bool(self.roles.intersection(roles))


EMPTY_SCOPE = Scope(everything=False, own_party_ids=frozenset(), subtree_paths=(), roles=frozenset())


def user_scope(user) -> Scope:
    """The parties a user may see, computed once per request and kept on the user object."""
    if not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, "_phoihop_scope", None)
    if cached is not None:
        return cached
    memberships = list(Membership.objects.filter(user=user).select_related("party"))
    roles = frozenset(m.role for m in memberships)
    everything = user.is_superuser or Membership.Role.ADMIN in roles
    overseen = [m.party for m in memberships if m.is_oversight]
    paths = _jurisdiction_paths(overseen)
    scope = Scope(
        everything=everything,
        own_party_ids=frozenset(m.party_id for m in memberships),
        subtree_paths=tuple(sorted(set(paths))),
        roles=roles,
    )
    user._phoihop_scope = scope
    return scope


def _jurisdiction_paths(parties: list[Party]) -> list[str]:
    """Party.jurisdiction().path for each party, with one query for all of them."""
    ancestor_ids = {pk for party in parties if not party.is_jurisdiction for pk in party.ancestor_ids}
    jurisdictions = (
        dict(Party.objects.filter(pk__in=ancestor_ids, is_jurisdiction=True).values_list("pk", "path"))
        if ancestor_ids
        else {}
    )
    paths = []
    for party in parties:
        found = (
            None
            if party.is_jurisdiction
            else next((jurisdictions[pk] for pk in reversed(party.ancestor_ids) if pk in jurisdictions), None)
        )
        paths.append(found or party.path)
    return paths


def user_parties(user) -> list[Party]:
    """The parties a user works for (their memberships), for the header and for "my tasks"."""
    if not user.is_authenticated:
        return []
    return list(Party.objects.filter(memberships__user=user).distinct().order_by("path"))


def parties_visible_to(user) -> QuerySet[Party]:
    return Party.objects.filter(user_scope(user).party_q())


def regulations_visible_to(user) -> QuerySet[Regulation]:
    scope = user_scope(user)
    if scope.everything:
        return Regulation.objects.all()
    ids = Regulation.objects.filter(scope.party_q("issuer") | scope.party_q("signatories")).values("pk")
    return Regulation.objects.filter(pk__in=ids)


def documents_visible_to(user) -> QuerySet[Document]:
    scope = user_scope(user)
    if scope.everything:
        return Document.objects.all()
    ids = Document.objects.filter(scope.party_q("issuer") | Q(regulations__in=regulations_visible_to(user))).values(
        "pk"
    )
    return Document.objects.filter(pk__in=ids)


def meetings_visible_to(user) -> QuerySet[Meeting]:
    scope = user_scope(user)
    if scope.everything:
        return Meeting.objects.all()
    ids = Meeting.objects.filter(scope.party_q("host") | scope.party_q("attendees__party")).values("pk")
    return Meeting.objects.filter(pk__in=ids)


# --- who writes the sources ------------------------------------------------------------------------

EDITING_ROLES = (Membership.Role.OFFICE, Membership.Role.ADMIN)


def editing_paths(user) -> tuple[str, ...]:
    """The jurisdictions whose People's Committee office (or administration) the user works for: the
    office enters the regulations, documents, meetings and obligations of its own jurisdiction and of
    those below it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ()
    cached = getattr(user, "_phoihop_editing_paths", None)
    if cached is not None:
        return cached
    parties = [m.party for m in Membership.objects.filter(user=user, role__in=EDITING_ROLES).select_related("party")]
    paths = tuple(sorted(set(_jurisdiction_paths(parties))))
    user._phoihop_editing_paths = paths
    return paths


def can_edit_sources(user, party: Party | None) -> bool:
    """Whether the user may write a source issued or hosted by `party` (a regulation's issuer, a
    document's issuer, a meeting's host, an obligation's owner)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if party is None:
        return bool(editing_paths(user))
    return any(party.path.startswith(path) for path in editing_paths(user))


def editable_parties(user) -> QuerySet[Party]:
    """The parties the user may name as the issuer or host of a source (every party of the jurisdictions
    the user writes for)."""
    if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
        return Party.objects.all()
    condition = Q(pk__in=[])
    for path in editing_paths(user):
        condition |= Q(path__startswith=path)
    return Party.objects.filter(condition)


def editable_jurisdictions(user) -> QuerySet[Party]:
    return editable_parties(user).filter(is_jurisdiction=True).order_by("path")


def _get_or_404(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_party_for_user(user, pk) -> Party:
    return _get_or_404(parties_visible_to(user).select_related("parent", "superior", "successor", "focal_agency"), pk)


def party_list(user) -> QuerySet[Party]:
    """The parties a user sees, with what a row of the list shows: its territory, its superior, its
    successor, its predecessors and its former names (two more queries, whatever the rows)."""
    return (
        parties_visible_to(user)
        .select_related("parent", "superior", "successor")
        .prefetch_related(
            models.Prefetch("predecessors", queryset=Party.objects.order_by("path")),
            "former_names",
        )
    )


# --- Today's structure: who holds the duties of a party that has ended -------------------------------


class Structure(models.TextChoices):
    """Which structure of parties a count follows. "Hiện nay": a task counts for the party that holds its
    party's duties today (a province's rates run on across a merger); "tại thời điểm": for the party it was
    given to."""

    NOW = "hien_nay", _("Theo cơ cấu hiện nay")
    THEN = "tai_thoi_diem", _("Theo cơ cấu tại thời điểm")


@dataclass(frozen=True)
class HeldParty:
    """What the mapping needs to know of a party that ended, or of the party that took its duties over."""

    pk: int
    name: str
    short_name: str
    path: str
    level: str
    kind: str
    valid_to: datetime.date | None = None

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


@dataclass(frozen=True)
class Holders:
    """Who holds each party's duties today. Only the parties that passed them on are in `holder_of`; every
    other party holds its own. `parties` has the facts of those and of their holders."""

    holder_of: dict[int, int]
    parties: dict[int, HeldParty]
    _merged: dict[int, list[int]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        for pk, holder in sorted(self.holder_of.items(), key=lambda item: self.parties[item[0]].path):
            self._merged.setdefault(holder, []).append(pk)

    def of(self, party_id: int) -> int:
        return self.holder_of.get(party_id, party_id)

    def merged_into(self, party_id: int) -> list[int]:
        """The party and every party whose duties it holds today (its predecessors, however far back)."""
        return [party_id, *self._merged.get(party_id, [])]

    def predecessors(self, party_id: int) -> list[HeldParty]:
        return [self.parties[pk] for pk in self._merged.get(party_id, [])]

    def party_q(self, field: str = "", *, jurisdiction: Party | None = None, level: str = "", kind: str = "") -> Q:
        """A condition on a Party (or the Party behind `field`) that keeps those whose holder today is at or
        below `jurisdiction` in today's tree, of that level and kind. A handful of path prefixes and ids,
        however many parties merged: only the parties where the answer changes are named."""
        condition = Q()
        if jurisdiction is not None:
            condition &= self._subtree_q(field, jurisdiction)
        for name, value in (("level", level), ("kind", kind)):
            if value:
                condition &= self._attribute_q(field, name, value)
        return condition

    def _attribute_q(self, field: str, name: str, value: str) -> Q:
        prefix = f"{field}__" if field else ""
        ids = f"{field}__in" if field else "pk__in"
        gained, lost = [], []
        for pk, holder in self.holder_of.items():
            own, held = getattr(self.parties[pk], name) == value, getattr(self.parties[holder], name) == value
            if held and not own:
                gained.append(pk)
            elif own and not held:
                lost.append(pk)
        condition = Q(**{f"{prefix}{name}": value})
        if lost:
            condition &= ~Q(**{ids: lost})
        if gained:
            condition |= Q(**{ids: gained})
        return condition

    def _subtree_q(self, field: str, jurisdiction: Party) -> Q:
        top = self.of(jurisdiction.pk)
        top_path = self.parties[top].path if top in self.parties else jurisdiction.path
        decided: dict[int, bool] = {}

        def inside(ancestor_ids: list[int]) -> bool:
            # Today's parent of a party is the holder of its parent: walk up, jumping to the holder of the
            # first ancestor that passed its duties on.
            for pk in reversed(ancestor_ids):
                if pk == top:
                    return True
                if pk in self.holder_of:
                    return decide(pk)
            return False

        def decide(pk: int) -> bool:
            if pk not in decided:
                decided[pk] = False  # while deciding: a cycle of successors leads nowhere
                decided[pk] = inside(self.parties[self.holder_of[pk]].ancestor_ids)
            return decided[pk]

        nodes = {top: top_path} | {pk: self.parties[pk].path for pk in self.holder_of}
        # Keep the nodes where the answer changes from their nearest node above: inside one, outside the next.
        included: list[str] = []
        excluded: list[str] = []
        for path in nodes.values():
            ancestors = [int(part) for part in path.strip("/").split("/") if part]
            value = inside(ancestors)
            if value != inside(ancestors[:-1]):
                (included if value else excluded).append(path)
        prefix = f"{field}__path" if field else "path"
        condition = Q(pk__in=[])
        for path in included:
            term = Q(**{f"{prefix}__startswith": path})
            for other in excluded:
                if other.startswith(path):
                    term &= ~Q(**{f"{prefix}__startswith": other})
            condition |= term
        return condition


def current_holders(today: datetime.date | None = None) -> Holders:
    """For every party that ended before today and has a successor, the party that holds its duties today,
    following the successors on (Kon Tum's Hội Nông dân → Quảng Ngãi's). One query; a cycle of successors
    stops where it would come round again."""
    today = today or timezone.localdate()
    rows = Party.objects.filter(successor__isnull=False).values_list(
        "pk",
        "name",
        "short_name",
        "path",
        "level",
        "kind",
        "valid_to",
        "successor_id",
        "successor__name",
        "successor__short_name",
        "successor__path",
        "successor__level",
        "successor__kind",
        "successor__valid_to",
    )
    parties: dict[int, HeldParty] = {}
    successor_of: dict[int, int] = {}
    for pk, name, short, path, level, kind, valid_to, successor, *held in rows:
        parties[pk] = HeldParty(pk, name, short, path, level, kind, valid_to)
        parties.setdefault(successor, HeldParty(successor, *held))  # type: ignore[arg-type]
        if valid_to is not None and valid_to < today:
            successor_of[pk] = successor
    holder_of: dict[int, int] = {}
    for pk in successor_of:
        chain = [pk]
        holder = successor_of[pk]
        while holder in successor_of and holder not in chain:
            chain.append(holder)
            holder = successor_of[holder]
        if holder == pk:
            continue  # on a cycle of successors: nobody else holds its duties
        if holder in chain:
            holder = chain[-1]  # into a cycle: stop at the last party before it comes round
        holder_of[pk] = holder
    return Holders(holder_of=holder_of, parties={pk: parties[pk] for pk in {*holder_of, *holder_of.values()}})


def _require_right(user, party: Party, right: str) -> None:
    """Seeing a source is reading it; writing it needs the right on its issuer or host (a 403)."""
    if right == Right.EDIT:
        require(can_edit_sources(user, party), right)
    elif right != Right.READ:
        require(False, right)


def get_regulation_for_user(user, pk, *, right: str = Right.READ) -> Regulation:
    regulation = _get_or_404(regulations_visible_to(user).select_related("issuer", "replaces"), pk)
    _require_right(user, regulation.issuer, right)
    return regulation


def get_document_for_user(user, pk, *, right: str = Right.READ) -> Document:
    document = _get_or_404(documents_visible_to(user).select_related("issuer"), pk)
    _require_right(user, document.issuer, right)
    return document


def get_meeting_for_user(user, pk, *, right: str = Right.READ) -> Meeting:
    meeting = _get_or_404(meetings_visible_to(user).select_related("host", "notice"), pk)
    _require_right(user, meeting.host, right)
    return meeting


# --- what a source's change touches, and its trail -----------------------------------------------------


def has_dependent_tasks(source: Regulation | Document | Meeting) -> bool:
    """Whether tasks were generated from an obligation sourced from it: from then on a change is an
    amendment, recorded with its reason. (The obligations sit above this app: reached by name only.)"""
    if source.pk is None:
        return False
    if isinstance(source, Regulation):
        return Regulation.objects.filter(pk=source.pk, obligations__tasks__isnull=False).exists()
    if isinstance(source, Document):
        return DocumentItem.objects.filter(document=source, obligations__tasks__isnull=False).exists()
    return Conclusion.objects.filter(meeting=source, obligations__tasks__isnull=False).exists()


def rows_with_obligations(source: Document | Meeting) -> set[int]:
    """The items (of a document) or conclusions (of a meeting) that obligations name as their source."""
    if source.pk is None:
        return set()
    model = DocumentItem if isinstance(source, Document) else Conclusion
    parent = "document" if isinstance(source, Document) else "meeting"
    return set(model.objects.filter(**{parent: source}, obligations__isnull=False).values_list("pk", flat=True))


# The inline rows' keys in SourceEvent.changes ("items:12") and what a reader calls them.
ROW_MODELS = {"items": DocumentItem, "attendees": MeetingAttendee, "conclusions": Conclusion}


@dataclass(frozen=True)
class TrailLine:
    event: SourceEvent
    changes: list[tuple[str, str, str]]  # (what, old, new)


def source_trail(source: models.Model) -> list[TrailLine]:
    """The source's trail, oldest first, each change under the name a reader knows it by: one query."""
    events = SourceEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(source), object_id=source.pk
    ).select_related("actor")
    return [TrailLine(event, _change_rows(type(source), event.changes)) for event in events]


def _change_rows(model, changes: dict) -> list[tuple[str, str, str]]:
    rows = []
    for key, values in changes.items():
        old, new = [*values, "", ""][:2]
        name = key.split(":", 1)[0]
        if name in ROW_MODELS:
            label = capfirst(ROW_MODELS[name]._meta.verbose_name)
        else:
            try:
                label = capfirst(model._meta.get_field(key).verbose_name)
            except FieldDoesNotExist:  # a field since removed: the trail still reads
                label = key
        rows.append((str(label), str(old or ""), str(new or "")))
    return rows


def search_filter(queryset: QuerySet, query: str) -> QuerySet:
    """Every word of the query must appear in the folded text ("hoi nong dan" finds "Hội Nông dân")."""
    for word in search_key(query).split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset


# --- Who works where: the people a notice or a reminder goes to ---------------------------------------


def _users():
    from django.contrib.auth import get_user_model

    return get_user_model().objects


def users_of_party(party) -> list:
    """Active users who work for the party (any role)."""
    return list(_users().filter(is_active=True, memberships__party=party).distinct().order_by("username"))


def oversight_users_of(party) -> list:
    """Active users with an oversight role (office, focal, leader, admin) in the party itself."""
    return list(
        _users()
        .filter(is_active=True, memberships__party=party, memberships__role__in=Membership.OVERSIGHT_ROLES)
        .distinct()
        .order_by("username")
    )


def focal_users_for(party) -> list:
    """The users of the focal agency that follows the party up (Sở Nội vụ, Phòng Nội vụ huyện)."""
    return focal_users_for_parties([party]).get(party.pk, [])


def jurisdictions_of(parties) -> dict[int, Party]:
    """The nearest People's Committee at or above each party, with one query for all of them."""
    parties = list(parties)
    ancestor_ids = {pk for party in parties if not party.is_jurisdiction for pk in party.ancestor_ids}
    found = {p.pk: p for p in Party.objects.filter(pk__in=ancestor_ids, is_jurisdiction=True)} if ancestor_ids else {}
    result = {}
    for party in parties:
        if party.is_jurisdiction:
            result[party.pk] = party
            continue
        result[party.pk] = next((found[pk] for pk in reversed(party.ancestor_ids) if pk in found), party)
    return result


def focal_users_for_parties(parties) -> dict[int, list]:
    """For each party, the active oversight users of its jurisdiction's focal agency: two queries in all."""
    jurisdictions = jurisdictions_of(parties)
    focal_of = {pk: j.focal_agency_id for pk, j in jurisdictions.items() if j.focal_agency_id}
    by_focal: dict[int, dict[int, object]] = {pk: {} for pk in set(focal_of.values())}
    if by_focal:
        memberships = Membership.objects.filter(
            party_id__in=list(by_focal), role__in=Membership.OVERSIGHT_ROLES, user__is_active=True
        ).select_related("user")
        for membership in memberships:
            by_focal[membership.party_id].setdefault(membership.user_id, membership.user)
    return {
        pk: sorted(by_focal.get(focal_of.get(pk, 0), {}).values(), key=lambda user: user.username)
        for pk in jurisdictions
    }


def heads_of_parties(party_ids) -> dict[int, list]:
    """For each party, its active heads (thủ trưởng): one query."""
    found: dict[int, dict[int, object]] = {pk: {} for pk in party_ids}
    if found:
        memberships = Membership.objects.filter(
            party_id__in=list(found), is_head=True, user__is_active=True
        ).select_related("user")
        for membership in memberships:
            found[membership.party_id].setdefault(membership.user_id, membership.user)
    return {pk: sorted(users.values(), key=lambda user: user.username) for pk, users in found.items()}


def members_of_parties(party_ids) -> dict[int, list]:
    """For each party, every user who works there, inactive ones included (a reminder records them as
    skipped rather than forgetting them): one query."""
    found: dict[int, dict[int, object]] = {pk: {} for pk in party_ids}
    if found:
        for membership in Membership.objects.filter(party_id__in=list(found)).select_related("user"):
            found[membership.party_id].setdefault(membership.user_id, membership.user)
    return {pk: sorted(users.values(), key=lambda user: user.username) for pk, users in found.items()}
