"""Reads of casework scoped to a user: tasks and what is overdue, caseloads, approvals waiting,
a case's records, and the coping report. Time comes in as `now`, so tests set the clock.

What is due on a case is answered twice, on purpose: `tasks_for_case` lists the tasks of one
case for a person (Python, readable), and `CaseQuerySet`-level `overdue_filter` counts overdue
cases across caseloads in SQL. Tests keep the two equivalent.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.models import Role, User
from kinlink.casework import conf
from kinlink.casework.access import (
    can_read_cases,
    cases_visible_to,
    groups_visible_to,
    is_supervisor,
    may_read_note,
    services_visible_to,
)
from kinlink.casework.models import (
    RISK_ORDER,
    Approval,
    ApprovalStatus,
    Case,
    CaseEvent,
    CaseNote,
    CasePlan,
    CaseSource,
    CaseStatus,
    Challenge,
    CopingStrategy,
    Goal,
    Group,
    GroupMember,
    GroupSession,
    IntakeReferral,
    IntakeStatus,
    PlanAction,
    PlanStatus,
    RiskLevel,
    ServiceOffer,
    Stage,
)
from kinlink.core.published import published
from kinlink.places.models import Place
from kinlink.registry.access import Group as FieldGroup
from kinlink.registry.access import can_read, children_visible_to
from kinlink.registry.hooks import ChildAction, TimelineEntry
from kinlink.registry.models import Child
from kinlink.registry.selectors import SMALL_CELL


def _day(now: dt.datetime) -> dt.date:
    return timezone.localdate(now)


# Tasks and what is overdue ---------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    case: Case
    kind: str  # first_contact, plan, review, visit, action
    label: str
    due: dt.date
    overdue: bool
    due_at: dt.datetime | None = None  # for first contact: the exact hour


def stage_of(case: Case) -> Stage:
    if case.status == CaseStatus.CLOSED:
        return Stage.CLOSURE
    if case.assessed_on is None:
        return Stage.ASSESSMENT
    if not any(p.status == PlanStatus.APPROVED for p in case.plans.all()):
        return Stage.PLANNING
    return Stage.IMPLEMENTATION


def tasks_for_case(case: Case, now: dt.datetime) -> list[Task]:
    """What the caseworker owes this case, with its due date and whether it is overdue."""
    if case.status != CaseStatus.OPEN:
        return []
    today = _day(now)
    tasks = []
    if case.first_contact_at is None:
        tasks.append(
            Task(
                case,
                "first_contact",
                _("First contact with the child"),
                _day(case.first_contact_due),
                now > case.first_contact_due,
                case.first_contact_due,
            )
        )
    plans = list(case.plans.all())
    planned = any(p.status in (PlanStatus.PENDING, PlanStatus.APPROVED) for p in plans)
    if case.plan_due is not None and not planned:
        label = _("Agree a case plan") if case.assessed_on else _("Assess and agree a case plan")
        tasks.append(Task(case, "plan", label, case.plan_due, today > case.plan_due))
    if case.review_due is not None:
        tasks.append(
            Task(case, "review", _("Review the plan"), case.review_due, today > case.review_due)
        )
    if case.visit_due is not None:
        tasks.append(
            Task(case, "visit", _("Follow-up visit"), case.visit_due, today > case.visit_due)
        )
    for plan in plans:
        if plan.status != PlanStatus.APPROVED:
            continue
        for goal in plan.goals.all():
            for action in goal.actions.all():
                if action.done_on is None:
                    tasks.append(
                        Task(
                            case, "action", action.description, action.due_on, today > action.due_on
                        )
                    )
    return tasks


def overdue_filter(now: dt.datetime) -> Q:
    """Open cases with anything overdue (the SQL twin of `tasks_for_case`)."""
    today = _day(now)
    planned = Exists(
        CasePlan.objects.filter(
            case=OuterRef("pk"), status__in=[PlanStatus.PENDING, PlanStatus.APPROVED]
        )
    )
    late_action = Exists(
        PlanAction.objects.filter(
            goal__plan__case=OuterRef("pk"),
            goal__plan__status=PlanStatus.APPROVED,
            done_on__isnull=True,
            due_on__lt=today,
        )
    )
    return Q(status=CaseStatus.OPEN) & (
        Q(first_contact_at__isnull=True, first_contact_due__lt=now)
        | (Q(plan_due__lt=today) & ~planned)
        | Q(review_due__lt=today)
        | Q(visit_due__lt=today)
        | late_action
    )


def _with_plans(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("child", "child__home_village", "caseworker").prefetch_related(
        "plans__goals__actions"
    )


def _case_sort_key(case: Case, tasks: list[Task]) -> tuple[Any, ...]:
    # An overdue high-risk case first; then by risk; then by the earliest date due.
    overdue = any(t.overdue for t in tasks)
    earliest = min((t.due for t in tasks), default=dt.date.max)
    return (not overdue, -RISK_ORDER[RiskLevel(case.risk_level)], earliest, case.pk)


@dataclass
class CaseRow:
    case: Case
    tasks: list[Task]
    stage: Stage

    @property
    def overdue(self) -> bool:
        return any(t.overdue for t in self.tasks)

    @property
    def overdue_count(self) -> int:
        return sum(t.overdue for t in self.tasks)


def _rows(cases: QuerySet[Case], now: dt.datetime) -> list[CaseRow]:
    rows = [CaseRow(c, tasks_for_case(c, now), stage_of(c)) for c in _with_plans(cases)]
    rows.sort(key=lambda r: _case_sort_key(r.case, r.tasks))
    return rows


@dataclass
class MyWork:
    tasks: list[Task]  # overdue or due soon, the most urgent first
    cases: list[CaseRow]
    intake: list[IntakeReferral]
    approvals: list[Approval] = field(default_factory=list)
    # (child, alert) from the connection app: no contact with a parent, remittances stopped...
    family_alerts: list[tuple[Child, Any]] = field(default_factory=list)


def family_alerts(children: list[Child], on: dt.date) -> list[tuple[Child, Any]]:
    """The connection app's alerts for these children, oldest first, through the function it
    publishes (`alerts_for_children`); none when the app is not installed."""
    if not children or not apps.is_installed("kinlink.connection"):
        return []
    from kinlink.connection.alerts import alerts_for_children

    by_id = {child.pk: child for child in children}
    found = alerts_for_children(list(by_id), on)
    pairs = [(by_id[pk], alert) for pk, alerts in found.items() for alert in alerts]
    return sorted(pairs, key=lambda pair: (pair[1].since, pair[0].pk))


def my_work(user: User, now: dt.datetime) -> MyWork:
    """A caseworker's home: her due and overdue tasks, her cases (an overdue high-risk case
    first) and new intake referrals for children she sees."""
    horizon = _day(now) + conf.due_soon()
    rows = _rows(cases_visible_to(user).filter(caseworker=user, status=CaseStatus.OPEN), now)
    tasks = [t for row in rows for t in row.tasks if t.overdue or t.due <= horizon]
    tasks.sort(
        key=lambda t: (not t.overdue, -RISK_ORDER[RiskLevel(t.case.risk_level)], t.due, t.case.pk)
    )
    children = [row.case.child for row in rows]
    if not can_read(user, FieldGroup.FAMILY):
        children = []  # the alerts speak of parents and money: family details
    return MyWork(
        tasks=tasks,
        cases=rows,
        intake=list(new_intake(user)),
        family_alerts=family_alerts(children, _day(now)),
    )


def new_intake(user: User) -> QuerySet[IntakeReferral]:
    if user.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        return IntakeReferral.objects.none()
    return (
        IntakeReferral.objects.filter(status=IntakeStatus.NEW, child__in=children_visible_to(user))
        .select_related("child", "child__home_village", "referred_by")
        .order_by("-urgent", "referred_at")
    )


@dataclass
class Caseload:
    caseworker: User
    open: int
    overdue: int
    high_risk: int


@dataclass
class Supervision:
    caseloads: list[Caseload]
    overdue_cases: list[CaseRow]
    approvals: list[Approval]
    intake: list[IntakeReferral]


def approvals_waiting(user: User) -> QuerySet[Approval]:
    if not is_supervisor(user):
        return Approval.objects.none()
    return (
        Approval.objects.filter(status=ApprovalStatus.PENDING, case__in=cases_visible_to(user))
        .select_related("case", "case__child", "case__caseworker", "requested_by", "plan")
        .order_by("requested_at", "pk")
    )


def supervision(user: User, now: dt.datetime) -> Supervision:
    """A supervisor's page: every caseload in her scope with overdue counts, the overdue cases
    (a high-risk one first) and the approvals waiting for her."""
    open_cases = cases_visible_to(user).filter(status=CaseStatus.OPEN)
    overdue_ids = set(open_cases.filter(overdue_filter(now)).values_list("pk", flat=True))
    # Every caseworker who works in her scope has a row, even with no open case.
    per_worker: dict[int, Caseload] = {
        worker.pk: Caseload(worker, 0, 0, 0) for worker in caseworkers_within(user)
    }
    rows = list(open_cases.values_list("pk", "caseworker_id", "risk_level"))
    others = {worker for _, worker, _ in rows} - set(per_worker)
    for worker in User.objects.filter(pk__in=others):  # e.g. a caseworker moved elsewhere
        per_worker[worker.pk] = Caseload(worker, 0, 0, 0)
    for pk, worker, risk in rows:
        load = per_worker[worker]
        load.open += 1
        load.overdue += pk in overdue_ids
        load.high_risk += risk == RiskLevel.HIGH
    caseloads = sorted(
        per_worker.values(), key=lambda c: (-c.overdue, -c.high_risk, c.caseworker.username)
    )
    return Supervision(
        caseloads=caseloads,
        overdue_cases=_rows(open_cases.filter(pk__in=overdue_ids), now),
        approvals=list(approvals_waiting(user)),
        intake=list(new_intake(user)),
    )


# One case --------------------------------------------------------------------------------------


@dataclass
class CaseRecords:
    case: Case
    stage: Stage
    tasks: list[Task]
    plan: Any  # the plan in force, or None
    plan_goals: list[Goal]  # its goals, with the findings they answer (`with_findings`)
    draft: Any  # a plan being prepared or waiting, or None
    plans: list[Any]
    contacts: list[Any]
    referrals: list[Any]
    notes: list[CaseNote]
    hidden_notes: int
    approvals: list[Approval]
    events: list[Any]


def case_records(user: User, case: Case, now: dt.datetime) -> CaseRecords:
    """Everything on a case page; confidential notes only for those who may read them."""
    case = _with_plans(Case.objects.filter(pk=case.pk)).get()
    plans = list(case.plans.all())
    notes = list(case.notes.select_related("author", "case"))
    readable = [n for n in notes if may_read_note(user, n)]
    plan = next((p for p in plans if p.status == PlanStatus.APPROVED), None)
    return CaseRecords(
        case=case,
        stage=stage_of(case),
        tasks=tasks_for_case(case, now),
        plan=plan,
        plan_goals=with_findings(case.child, plan.goals.all()) if plan else [],
        draft=next((p for p in plans if p.status in (PlanStatus.DRAFT, PlanStatus.PENDING)), None),
        plans=plans,
        contacts=list(case.contacts.select_related("by")),
        referrals=list(case.referrals.select_related("service", "service__provider")),
        notes=readable,
        hidden_notes=len(notes) - len(readable),
        approvals=list(case.approvals.select_related("requested_by", "decided_by")),
        events=list(case.events.select_related("actor")[:100]),
    )


def cases_of_child(user: User, child: Child) -> QuerySet[Case]:
    return cases_visible_to(user).filter(child=child).select_related("caseworker")


# The assessment's findings, for case-plan goals ------------------------------------------------

# The assessment app publishes `child_findings(child, references)`; casework looks it up at call
# time (never imports its models), so it runs without the assessment app (then no findings).
ASSESSMENT = ("kinlink.assessment", "kinlink.assessment.selectors", "child_findings")


def child_findings(child: Child, references: Iterable[str] | None = None) -> list[Any]:
    """The child's assessment findings (reference, domain_label, kind_label, text, assessed_on),
    all or those referenced."""
    find = published(*ASSESSMENT)
    return [] if find is None else find(child, references)


def with_findings(child: Child, goals: Iterable[Goal]) -> list[Goal]:
    """The goals, each with `linked_findings`: the findings it references, with their text (a
    reference to a finding that no longer exists is left out)."""
    goals = list(goals)
    references = {reference for goal in goals for reference in goal.findings}
    found = {f.reference: f for f in child_findings(child, references)} if references else {}
    for goal in goals:
        goal.linked_findings = [found[r] for r in goal.findings if r in found]
    return goals


def open_case_actions(
    user: User, children: Sequence[Child], context: Mapping[str, str]
) -> dict[int, ChildAction]:
    """For pages of other apps (a screening, a worklist): a link to open a case, preset with
    where it comes from and the risk level, or to the case already open. Only for those who
    open cases (caseworkers and supervisors); one query for the whole list."""
    if not can_read_cases(user):
        return {}
    ids = [child.pk for child in children]
    open_cases = dict(
        cases_visible_to(user)
        .filter(child_id__in=ids, status=CaseStatus.OPEN)
        .values_list("child_id", "pk")
    )
    source = context.get("source", "")
    query = {"source": source if source in CaseSource.values else CaseSource.CHILD}
    if context.get("risk") in RiskLevel.values:
        query["risk"] = context["risk"]
    actions = {}
    for child_id in ids:
        if child_id in open_cases:
            actions[child_id] = ChildAction(
                _("Case %(number)s is open") % {"number": open_cases[child_id]},
                reverse("casework:case", args=[open_cases[child_id]]),
            )
        else:
            url = reverse("casework:case_open", args=[child_id]) + "?" + urlencode(query)
            actions[child_id] = ChildAction(_("Open a case"), url, primary=True)
    return actions


def caseworkers_within(user: User) -> QuerySet[User]:
    """Active caseworkers whose scope lies within the user's scope."""
    if user.scope is None:
        return User.objects.none()
    return User.objects.filter(
        role=Role.CASEWORKER, is_active=True, scope__path__startswith=user.scope.path
    ).order_by("username")


def caseworkers_for(child: Child) -> list[User]:
    """Active caseworkers who work where the child lives (to assign or transfer a case): those
    whose scope is the child's village or a place above it."""
    return list(
        User.objects.filter(
            role=Role.CASEWORKER, is_active=True, scope__in=child.home_village.ancestors()
        ).order_by("username")
    )


# The coping report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    code: str
    label: str
    count: int
    percent: float | None  # None when the cell is suppressed
    suppressed: bool


@dataclass(frozen=True)
class CopingReport:
    children: int  # N: children with a tagged note in the period
    suppressed: bool  # N itself is small: nothing is shown
    strategies: list[ReportRow]
    challenges: list[ReportRow]


def _report_rows(choices: Any, counts: Counter[str], n: int) -> list[ReportRow]:
    rows = []
    for code, label in choices.choices:
        count = counts.get(code, 0)
        small = 0 < count < SMALL_CELL
        percent = None if small or n == 0 else round(100 * count / n, 1)
        rows.append(ReportRow(code, str(label), count, percent, small))
    return rows


def coping_report(
    user: User,
    *,
    place: Place | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> CopingReport:
    """Children by the coping strategies and challenges tagged in their case notes, in the shape
    of the Henan study's Table 1 (strategy, count of N, percentage). N is the number of children
    with at least one tagged note in the period; a child counts once per strategy however many
    notes mention it. Counts from 1 to 4 are suppressed as in the registry's overview."""
    children = children_visible_to(user)
    if place is not None:
        children = children.filter(home_village__path__startswith=place.path)
    notes = CaseNote.objects.filter(case__child__in=children)
    if start is not None:
        notes = notes.filter(written_on__gte=start)
    if end is not None:
        notes = notes.filter(written_on__lte=end)
    strategies: dict[int, set[str]] = {}
    challenges: dict[int, set[str]] = {}
    for child_id, coping, challenge in notes.values_list("case__child_id", "coping", "challenges"):
        if not coping and not challenge:
            continue
        strategies.setdefault(child_id, set()).update(coping or [])
        challenges.setdefault(child_id, set()).update(challenge or [])
    n = len(strategies)
    by_strategy: Counter[str] = Counter(code for codes in strategies.values() for code in codes)
    by_challenge: Counter[str] = Counter(code for codes in challenges.values() for code in codes)
    small_n = 0 < n < SMALL_CELL
    return CopingReport(
        children=n,
        suppressed=small_n,
        strategies=[] if small_n else _report_rows(CopingStrategy, by_strategy, n),
        challenges=[] if small_n else _report_rows(Challenge, by_challenge, n),
    )


def in_scope_place(user: User, place_id: int | None) -> Place | None:
    if place_id is None or user.scope is None:
        return None
    return Place.objects.within(user.scope).filter(pk=place_id).first()


# The directory of services ---------------------------------------------------------------------


def directory(
    user: User, *, domain: str = "", place: Place | None = None
) -> QuerySet[ServiceOffer]:
    """Services by domain and place: a provider in the place or below it, or in a place above it
    (a county clinic serves every village of the county)."""
    offers = services_visible_to(user)
    if domain:
        offers = offers.filter(domain=domain)
    if place is not None:
        offers = offers.filter(
            Q(provider__place__path__startswith=place.path)
            | Q(provider__place__in=place.ancestors())
        )
    return offers.order_by("domain", "name", "pk")


def casework_timeline(user: User, child: Child, limit: int = 200) -> list[TimelineEntry]:
    """The casework part of the child's timeline: every case event (across closed and reopened
    cases: case steps, contacts, referrals) and the group sessions the child attended, for
    users who read cases (scoped as the cases and groups they see)."""
    entries = [
        TimelineEntry(
            timezone.localdate(event.at),
            "casework",
            _("Case %(number)s: %(event)s") % {"number": event.case_id, "event": event.label},
            reverse("casework:case", args=[event.case_id]),
            event.actor.get_username() if event.actor else "",
            event.at,
        )
        for event in CaseEvent.objects.filter(case__in=cases_of_child(user, child))
        .select_related("actor")
        .order_by("-at", "-pk")[:limit]
    ]
    sessions = (
        GroupSession.objects.filter(attendees=child, group__in=groups_visible_to(user))
        .select_related("group", "recorded_by")
        .order_by("-held_on", "-pk")[:limit]
    )
    entries += [
        TimelineEntry(
            session.held_on,
            "casework",
            _("Attended %(group)s: %(topic)s")
            % {"group": session.group.name, "topic": session.topic},
            reverse("casework:group", args=[session.group_id]),
            session.recorded_by.get_username(),
        )
        for session in sessions
    ]
    return entries


# Groups ----------------------------------------------------------------------------------------


def groups_list(user: User, *, ended: bool = False) -> QuerySet[Group]:
    """The groups running in the user's area; with `ended`, those that have ended (still
    readable, newest ended first)."""
    return (
        groups_visible_to(user)
        .filter(ended_on__isnull=not ended)
        .select_related("place", "facilitator")
        .annotate(
            n_members=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
            n_sessions=Count("sessions", distinct=True),
        )
        .order_by("-ended_on", "name", "pk")
    )


@dataclass
class GroupRecords:
    members: list[GroupMember]  # current members the user sees
    hidden_members: int  # current members living outside her scope
    sessions: list[Any]
    attendance: dict[int, int]  # child id -> sessions attended


def group_records(user: User, group: Group) -> GroupRecords:
    current = list(
        group.members.filter(left_on__isnull=True).select_related("child", "child__home_village")
    )
    visible = set(
        children_visible_to(user)
        .filter(pk__in=[m.child_id for m in current])
        .values_list("pk", flat=True)
    )
    members = [m for m in current if m.child_id in visible]
    attendance: Counter[int] = Counter(
        GroupSession.attendees.through.objects.filter(
            groupsession__group=group, child_id__in=visible
        ).values_list("child_id", flat=True)
    )
    return GroupRecords(
        members=members,
        hidden_members=len(current) - len(members),
        sessions=list(group.sessions.prefetch_related("attendees")[:50]),
        attendance=dict(attendance),
    )


def groups_of_child(user: User, child: Child) -> QuerySet[GroupMember]:
    return GroupMember.objects.filter(
        child=child, group__in=groups_visible_to(user)
    ).select_related("group")
