"""Reads of the reports app: the dashboard's counts and rates, the consolidated report's content.

The dashboard's numbers come from one grouped query over the tasks the user may see, grouped by party,
reporting year and displayed status (Task.status_conditions): the same conditions the task list filters
on, so a number on the dashboard and the task list it links to count the same tasks.
"""

import calendar
import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from obligations.models import (
    FigureDefinition,
    Obligation,
    Period,
    SubmissionVersion,
    Task,
    TaskQuerySet,
)
from obligations.selectors import tasks_of_parties_seen
from regulations.models import Membership, Party, Regulation
from regulations.rights import Right, require
from regulations.selectors import (
    Holders,
    Structure,
    _get_or_404,
    current_holders,
    editing_paths,
    parties_visible_to,
    regulations_visible_to,
    user_scope,
)
from signatures.credentials import has_credential

from .models import ConsolidatedReport, GeneratedFile, ImportJob

S = Task.Status
COUNTED_STATUSES = (
    S.DONE_ON_TIME,
    S.DONE_LATE,
    S.PENDING,
    S.OVERDUE,
    S.SUBMITTED,
    S.RETURNED,
    S.EXCUSED,
)


@dataclass
class Counts:
    """Tasks by displayed status. Expected = every task except the excused ones (DHIS2's "expected reports")."""

    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED_STATUSES, 0))

    def add(self, status: str, n: int) -> None:
        self.by_status[status] = self.by_status.get(status, 0) + n

    def merge(self, other: "Counts") -> None:
        for status, n in other.by_status.items():
            self.add(status, n)

    def __getattr__(self, name):
        by_status = self.__dict__.get("by_status", {})
        if name in by_status:
            return by_status[name]
        raise AttributeError(name)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def expected(self) -> int:
        return self.total - self.by_status[S.EXCUSED]

    @property
    def done(self) -> int:
        return self.by_status[S.DONE_ON_TIME] + self.by_status[S.DONE_LATE]

    @property
    def not_done(self) -> int:
        return self.expected - self.done

    @property
    def reporting_rate(self) -> float | None:
        """Done ÷ expected, as DHIS2 defines the reporting rate; None when nothing was expected."""
        return self.done / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return self.by_status[S.DONE_ON_TIME] / self.expected if self.expected else None

    @property
    def rate_class(self) -> str:
        rate = self.reporting_rate
        if rate is None:
            return "rate-none"
        if rate >= 0.9:
            return "rate-good"
        if rate >= 0.6:
            return "rate-mid"
        return "rate-bad"


@dataclass
class PartyRow:
    party: Party
    depth: int
    own: Counts = field(default_factory=Counts)
    rolled: Counts = field(default_factory=Counts)
    own_by_year: dict[int, Counts] = field(default_factory=dict)
    rolled_by_year: dict[int, Counts] = field(default_factory=dict)
    has_children: bool = False
    # "Hiện nay": the predecessors whose tasks this row counts as its own (Kon Tum's under Quảng Ngãi's).
    merged: list[Party] = field(default_factory=list)

    def cells(self, years):
        return [(year, self.rolled_by_year.get(year) or Counts()) for year in years]


@dataclass
class DashboardFilters:
    jurisdiction: Party | None = None
    year: int | None = None
    level: str = ""
    kind: str = ""
    regulation: Regulation | None = None
    structure: str = Structure.NOW
    # Read once per request, on first use, and carried by dataclasses.replace.
    current: Holders | None = field(default=None, repr=False, compare=False)

    @property
    def narrows_scope(self) -> bool:
        """Whether the dashboard counts fewer tasks than the task list shows for the same year and status."""
        return bool(self.jurisdiction or self.level or self.kind or self.regulation)

    @property
    def as_now(self) -> bool:
        return self.structure == Structure.NOW

    @property
    def holders(self) -> Holders | None:
        """Who holds each party's duties today, in the "hiện nay" view (one query); None in "tại thời điểm"."""
        if not self.as_now:
            return None
        if self.current is None:
            self.current = current_holders()
        return self.current

    @property
    def structure_label(self) -> str:
        return str(Structure(self.structure).label)


@dataclass
class Dashboard:
    filters: DashboardFilters
    years: list[int]
    rows: list[PartyRow]
    total: Counts
    by_year: dict[int, Counts]
    now: datetime.datetime


def require_oversight(user) -> None:
    """Dashboards and exports of other parties are for the oversight roles and leaders only."""
    require(user_scope(user).is_oversight, Right.READ)


def jurisdictions_visible_to(user) -> QuerySet[Party]:
    return parties_visible_to(user).filter(is_jurisdiction=True).order_by("path")


def dashboard_tasks(user, filters: DashboardFilters) -> TaskQuerySet:
    """The tasks the dashboard counts: the tasks of the parties the user sees (not the leads' tasks they only
    co-operate on), narrowed by the filters. In "hiện nay" the jurisdiction, level and kind are those of the
    party holding the task's duties today: Quảng Ngãi's jurisdiction takes in Kon Tum's tasks."""
    tasks = tasks_of_parties_seen(user)
    holders = filters.holders
    if holders is not None:
        condition = holders.party_q("party", jurisdiction=filters.jurisdiction, level=filters.level, kind=filters.kind)
        tasks = tasks.filter(condition)
    else:
        if filters.jurisdiction is not None:
            tasks = tasks.filter(party__path__startswith=filters.jurisdiction.path)
        if filters.level:
            tasks = tasks.filter(party__level=filters.level)
        if filters.kind:
            tasks = tasks.filter(party__kind=filters.kind)
    if filters.year:
        tasks = tasks.filter(period__year=filters.year)
    if filters.regulation is not None:
        tasks = tasks.filter(obligation__in=obligations_of_regulation(filters.regulation))
    return tasks


def obligations_of_regulation(regulation: Regulation) -> QuerySet:
    """Obligations that come from a regulation: its clauses, or items of documents implementing it."""
    return Obligation.objects.filter(
        Q(source_regulation=regulation)
        | Q(source_item__document__regulations=regulation)
        | Q(source_conclusion__meeting__notice__regulations=regulation)
    ).values("pk")


def dashboard(user, filters: DashboardFilters, *, now: datetime.datetime | None = None) -> Dashboard:
    """Counts and rates per party and reporting year, rolled up the territory tree. Three queries, whatever the
    size (four in "hiện nay": who holds whose duties today).

    In "hiện nay" a task counts for the party holding its party's duties today, and a party sits under the
    holder of its territory: the predecessors have no row of their own, their counts are in their
    successor's, and Kon Tum's departments (which ended without a successor) sit under Quảng Ngãi."""
    now = now or timezone.now()
    holders = filters.holders
    grouped = (
        dashboard_tasks(user, filters)
        .with_status(now)
        .order_by()
        .values_list("party_id", "period__year", "status_code")
        .annotate(n=Count("pk"))
    )
    parties = parties_visible_to(user).only(
        "pk", "name", "short_name", "path", "level", "kind", "parent_id", "valid_to"
    )
    if filters.jurisdiction is not None:
        if holders is not None:
            parties = parties.filter(holders.party_q(jurisdiction=filters.jurisdiction))
        else:
            parties = parties.filter(path__startswith=filters.jurisdiction.path)
    by_id = {party.pk: party for party in parties.order_by("path")}

    def row_of(party_id: int) -> int:
        """The row a party's tasks count in: its holder's today (when the user sees the holder), else its own."""
        if holders is None:
            return party_id
        holder = holders.of(party_id)
        return holder if holder in by_id else party_id

    def parent_of(party_id: int) -> int | None:
        parent_id = by_id[party_id].parent_id
        return row_of(parent_id) if parent_id is not None and parent_id in by_id else None

    own: dict[int, dict[int, Counts]] = defaultdict(dict)
    counted: dict[int, set[int]] = defaultdict(set)
    years: set[int] = set()
    for party_id, year, status, n in grouped:
        if party_id not in by_id:
            continue
        key = row_of(party_id)
        own[key].setdefault(year, Counts()).add(status, n)
        counted[key].add(party_id)
        years.add(year)

    # The parties that have tasks, and the parties above them so the tree reads from the top (up to the
    # chosen jurisdiction: its parties are all there is in by_id).
    up: dict[int, int | None] = {}
    for key in own:
        node: int | None = key
        while node is not None and node not in up:
            up[node] = parent_of(node)
            node = up[node]
    _cut_cycles(up)
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, above in up.items():
        children[above].append(pk)
    rows: dict[int, PartyRow] = {}

    def order(pk: int) -> tuple[bool, str]:
        return (by_id[pk].valid_to is not None, by_id[pk].path)  # the parties of today first

    def place(pk: int, depth: int) -> None:
        rows[pk] = PartyRow(party=by_id[pk], depth=depth)
        for child in sorted(children.get(pk, []), key=order):
            place(child, depth + 1)

    for root in sorted(children.get(None, []), key=order):
        place(root, 0)

    total, by_year = Counts(), {year: Counts() for year in sorted(years)}
    for key, per_year in own.items():
        row = rows[key]
        row.merged = [by_id[pk] for pk in sorted(counted[key] - {key}, key=lambda pk: by_id[pk].path)]
        for year, counts in per_year.items():
            row.own.merge(counts)
            row.own_by_year[year] = counts
            total.merge(counts)
            by_year[year].merge(counts)
    # Roll up from the deepest parties to the top: each row adds its subtree's counts to its parent once.
    for row in sorted(rows.values(), key=lambda r: -r.depth):
        row.rolled.merge(row.own)
        for year, counts in row.own_by_year.items():
            row.rolled_by_year.setdefault(year, Counts()).merge(counts)
        parent_id = up[row.party.pk]
        parent = rows.get(parent_id) if parent_id is not None else None
        if parent is not None:
            parent.has_children = True
            parent.rolled.merge(row.rolled)
            for year, counts in row.rolled_by_year.items():
                parent.rolled_by_year.setdefault(year, Counts()).merge(counts)
    return Dashboard(
        filters=filters,
        years=sorted(years),
        rows=list(rows.values()),
        total=total,
        by_year=by_year,
        now=now,
    )


def _cut_cycles(up: dict[int, int | None]) -> None:
    """Make the parent links a tree: where following them comes round again (a party under the successor
    of a party under it), the party where it closes becomes a top of the tree."""
    done: set[int] = set()
    for start in up:
        trail: list[int] = []
        node: int | None = start
        while node is not None and node not in done:
            if node in trail:
                up[trail[-1]] = None
                break
            trail.append(node)
            node = up.get(node)
        done.update(trail)


def overdue_tasks(user, filters: DashboardFilters, *, now=None, limit: int = 50) -> list[Task]:
    """The overdue tasks, the oldest deadline first. In "hiện nay" each task of a party that has ended carries
    `holder_name`: who holds its duties today."""
    now = now or timezone.now()
    tasks = list(
        dashboard_tasks(user, filters)
        .with_status_code(S.OVERDUE, now)
        .with_related()
        .with_status(now)
        .order_by("deadline", "party__path", "pk")[:limit]
    )
    holders = filters.holders
    if holders is not None:
        for task in tasks:
            holder = holders.of(task.party_id)
            task.holder_name = holders.parties[holder].name if holder != task.party_id else ""
    return tasks


@dataclass
class CalendarMonth:
    first: datetime.date
    weeks: list[list[tuple[datetime.date, list[Task]]]]

    @property
    def previous(self) -> datetime.date:
        return (self.first - datetime.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> datetime.date:
        return (self.first + datetime.timedelta(days=32)).replace(day=1)


def deadline_calendar(user, filters: DashboardFilters, month: datetime.date, *, now=None) -> CalendarMonth:
    """The coming deadlines of a month (tasks not yet done or excused), laid out as weeks from Monday."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    month_filters = dataclasses.replace(filters, year=None)
    tasks = (
        dashboard_tasks(user, month_filters)
        .filter(due_date__gte=first, due_date__lte=last)
        .exclude(state__in=[Task.State.DONE, Task.State.EXCUSED])
        .select_related("party", "obligation")
        .with_status(now or timezone.now())
        .order_by("due_date", "party__path")
    )
    by_day: dict[datetime.date, list[Task]] = defaultdict(list)
    for task in tasks:
        by_day[task.due_date].append(task)
    weeks = [
        [(day, by_day.get(day, []) if day.month == first.month else []) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    return CalendarMonth(first=first, weeks=weeks)


# --- consolidated reports ---------------------------------------------------------------------------


def consolidated_reports_visible_to(user) -> QuerySet[ConsolidatedReport]:
    return ConsolidatedReport.objects.filter(user_scope(user).party_q("jurisdiction")).select_related(
        "jurisdiction", "period", "task__obligation", "created_by"
    )


def get_consolidated_for_user(user, pk, *, right: str = Right.READ) -> ConsolidatedReport:
    """A consolidated report the user sees (else 404), with the right on it (else 403)."""
    report = _get_or_404(consolidated_reports_visible_to(user), pk)
    require(consolidated_allows(user, report, right), right)
    return report


def consolidated_allows(user, report: ConsolidatedReport, right: str) -> bool:
    """The rule of each right on a consolidated report the user already sees. Read: the oversight roles
    (a reporting organisation sees its own tasks, not the roll-up). Compile (edit, finalise, reopen, send):
    the focal agency of the report's jurisdiction."""
    if not user_scope(user).is_oversight:
        return False
    if right == Right.READ:
        return True
    if right == Right.COMPILE:
        return can_compile(user, report.jurisdiction)
    return False


def import_paths(user) -> tuple[str, ...]:
    """The jurisdictions whose People's Committee office (or administration) the user works for: the same
    rule as writing the sources (regulations.selectors.editing_paths)."""
    return editing_paths(user)


def can_import(user, jurisdiction: Party) -> bool:
    """Spreadsheet imports are for the People's Committee office and the administrators, into their own
    jurisdiction and those below it (a province's office also keeps its districts' lists)."""
    if user is None or not user.is_authenticated or not user.is_active or not jurisdiction.is_jurisdiction:
        return False
    return user.is_superuser or any(jurisdiction.path.startswith(path) for path in import_paths(user))


def importable_jurisdictions(user) -> QuerySet[Party]:
    """The jurisdictions the user imports into, by the rule of can_import; the import page is a 403 for
    whoever imports into none."""
    jurisdictions = jurisdictions_visible_to(user)
    if not user.is_superuser:
        condition = Q(pk__in=[])
        for path in import_paths(user):
            condition |= Q(path__startswith=path)
        jurisdictions = jurisdictions.filter(condition)
    require(jurisdictions.exists(), Right.IMPORT)
    return jurisdictions


def can_compile(user, jurisdiction: Party) -> bool:
    """The focal agency of a jurisdiction (Sở Nội vụ / Phòng Nội vụ) writes its consolidated report."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if jurisdiction.focal_agency_id is None:
        return False
    return Membership.objects.filter(
        user=user, party_id=jurisdiction.focal_agency_id, role__in=[Membership.Role.FOCAL, Membership.Role.ADMIN]
    ).exists()


def compilable_jurisdictions(user):
    """The jurisdictions in the user's scope whose consolidated report the user writes (one query)."""
    jurisdictions = jurisdictions_visible_to(user).filter(focal_agency__isnull=False)
    if user.is_superuser:
        return jurisdictions
    return jurisdictions.filter(
        focal_agency__memberships__user=user,
        focal_agency__memberships__role__in=[Membership.Role.FOCAL, Membership.Role.ADMIN],
    ).distinct()


def rollup_task(jurisdiction: Party, period: Period) -> Task | None:
    """The focal agency's roll-up task of the period: its task whose obligation depends on others."""
    if jurisdiction.focal_agency_id is None:
        return None
    return (
        Task.objects.filter(party_id=jurisdiction.focal_agency_id, period=period, obligation__depends_on__isnull=False)
        .select_related("obligation", "party", "period")
        .distinct()
        .order_by("pk")
        .first()
    )


def source_tasks(report: ConsolidatedReport) -> TaskQuerySet:
    """The organisations' tasks the roll-up gathers: those its obligation depends on, in the jurisdiction."""
    tasks = Task.objects.filter(period=report.period, party__path__startswith=report.jurisdiction.path)
    if report.task is not None:
        tasks = tasks.filter(obligation__in=list(report.task.obligation.depends_on.values_list("pk", flat=True)))
    else:
        tasks = tasks.filter(obligation__deliverable=Obligation.Deliverable.REPORT)
    if report.jurisdiction.focal_agency_id:
        tasks = tasks.exclude(party_id=report.jurisdiction.focal_agency_id)
    return tasks


def _number(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        return None


def consolidated_content(report: ConsolidatedReport) -> dict:
    """What the report gathers, as plain data (JSON-safe): who submitted and when, their sections, the
    figures summed. A finalised report keeps what it had at finalisation."""
    if report.snapshot:
        return report.snapshot
    return compute_consolidated_content(report)


def compute_consolidated_content(report: ConsolidatedReport) -> dict:
    tasks = list(source_tasks(report).select_related("party", "obligation").order_by("party__path", "pk"))
    accepted: dict[int, SubmissionVersion] = {}
    for accepted_version in (
        SubmissionVersion.objects.filter(submission__task__in=[t.pk for t in tasks], review="accepted")
        .select_related("submission")
        .order_by("submission__task_id", "number")
    ):
        accepted[accepted_version.submission.task_id] = accepted_version  # the latest accepted version wins
    obligation_ids = {t.obligation_id for t in tasks}
    definitions = list(FigureDefinition.objects.filter(obligation_id__in=obligation_ids).order_by("order", "pk"))
    seen_codes: dict[str, FigureDefinition] = {}
    for definition in definitions:
        seen_codes.setdefault(definition.code, definition)
    sums: dict[str, Decimal] = dict.fromkeys(seen_codes, Decimal(0))
    counts: dict[str, int] = dict.fromkeys(seen_codes, 0)
    rows, sections = [], []
    for task in tasks:
        version: SubmissionVersion | None = accepted.get(task.pk)
        submitted_at = version.submitted_at if version else task.completed_at
        rows.append(
            {
                "party": task.party.name,
                "party_id": task.party_id,
                "task_id": task.pk,
                "state": task.state,
                "status": task.status_at(),
                "submitted_at": timezone.localtime(submitted_at).strftime("%d/%m/%Y %H:%M") if submitted_at else "",
                "on_time": task.on_time if task.state == Task.State.DONE else None,
                "due_date": task.due_date.strftime("%d/%m/%Y"),
                "has_content": version is not None,
            }
        )
        if version:
            sections.append(
                {
                    "party": task.party.name,
                    "sections": version.sections,
                    "illustrative": version.submission.is_illustrative,
                }
            )
            for code in seen_codes:
                number = _number(version.figures.get(code))
                if number is not None:
                    sums[code] += number
                    counts[code] += 1
    figures = [
        {
            "code": code,
            "label": definition.label,
            "unit": definition.unit,
            "total": _format_number(sums[code]),
            "reported_by": counts[code],
        }
        for code, definition in seen_codes.items()
    ]
    done = sum(1 for row in rows if row["state"] == Task.State.DONE)
    on_time = sum(1 for row in rows if row["on_time"] is True)
    expected = sum(1 for row in rows if row["state"] != Task.State.EXCUSED)
    # Done without an accepted version (completed by hand, or before reports were submitted here): counted
    # as done, and named, so that the count and the reports quoted below it never disagree.
    without_content = [row["party"] for row in rows if row["state"] == Task.State.DONE and not row["has_content"]]
    return {
        "rows": rows,
        "sections": sections,
        "figures": figures,
        "summary": {
            "expected": expected,
            "done": done,
            "on_time": on_time,
            "late": done - on_time,
            "received": len(sections),
            "without_content": len(without_content),
            "without_content_parties": without_content,
            "illustrative": sum(1 for entry in sections if entry["illustrative"]),
        },
    }


def _format_number(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


# --- generated files ----------------------------------------------------------------------------------


def signer_code(report: ConsolidatedReport) -> str:
    """Whose certificate signs the report: the focal agency's, which issues it."""
    return (report.jurisdiction.focal_agency or report.jurisdiction).code


def signing_expected(report: ConsolidatedReport) -> bool:
    """A focal agency with a configured certificate sends only a signed report."""
    return has_credential(signer_code(report))


def get_generated_file_for_user(user, pk) -> GeneratedFile:
    """A generated file is its requester's own (it holds only what they were allowed to see)."""
    files = GeneratedFile.objects.all()
    if not user.is_superuser:
        files = files.filter(requested_by=user)
    return _get_or_404(files, pk)


def get_import_job_for_user(user, pk) -> ImportJob:
    """An import job is its requester's alone (an administrator's included): it holds their file and their
    preview, and only they confirm it. A 404 for anyone else."""
    return _get_or_404(ImportJob.objects.select_related("jurisdiction").filter(requested_by=user.pk), pk)


def regulations_for_filter(user) -> QuerySet[Regulation]:
    return regulations_visible_to(user).only("pk", "number_symbol", "title").order_by("number_symbol")


def get_jurisdiction_for_user(user, pk, *, right: str = Right.READ) -> Party:
    """A jurisdiction (a People's Committee) the user sees (else 404), with the right on it (else 403)."""
    party = _get_or_404(parties_visible_to(user), pk)
    if not party.is_jurisdiction:
        raise Http404
    require(jurisdiction_allows(user, party, right), right)
    return party


def jurisdiction_allows(user, jurisdiction: Party, right: str) -> bool:
    """The rule of each right on a jurisdiction the user already sees: read; compile its consolidated
    report; import spreadsheets into it."""
    if right == Right.READ:
        return True
    if right == Right.COMPILE:
        return can_compile(user, jurisdiction)
    if right == Right.IMPORT:
        return can_import(user, jurisdiction)
    return False
