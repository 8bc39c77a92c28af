"""Scoped reads: who may see and do what with lists, projects and campaigns.

The centre (dispatchers, supervisors, agents) and administrators see everything; a unit's
members see the lists and campaigns of their unit and the units below it, and the projects
their unit leads or helps with.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from minsheng.accounts.models import User
from minsheng.analytics.models import Hotspot, MonthlyTopic
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Unit
from minsheng.projects import rules
from minsheng.projects.models import (
    Campaign,
    Evaluation,
    Hazard,
    Milestone,
    Project,
    ProjectList,
    Proposal,
    Target,
)
from minsheng.sla.deadlines import official_calendar

MANAGERS = frozenset({"handler", "leader"})


def _under(field: str, paths: tuple[str, ...]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__path__startswith": path})
    return condition


def sees_all(user: User) -> bool:
    return standing_of(user).is_centre


def lists_for(user: User) -> QuerySet[ProjectList]:
    lists = ProjectList.objects.select_related("unit")
    if sees_all(user):
        return lists
    paths = standing_of(user).unit_paths
    mine = Project.objects.filter(_under("owner", paths) | _under("co_units", paths))
    return lists.filter(_under("unit", paths) | Q(pk__in=mine.values("plist"))).distinct()


def projects_for(user: User) -> QuerySet[Project]:
    return projects_in(None if sees_all(user) else standing_of(user).unit_paths)


def projects_in(paths: tuple[str, ...] | None) -> QuerySet[Project]:
    """Every project (None), or those of lists, owners or co-units in these subtrees."""
    projects = Project.objects.select_related("plist__unit", "owner")
    if paths is None:
        return projects
    return projects.filter(
        _under("plist__unit", paths) | _under("owner", paths) | _under("co_units", paths)
    ).distinct()


def campaigns_for(user: User) -> QuerySet[Campaign]:
    campaigns = Campaign.objects.select_related("unit", "responsible")
    if sees_all(user):
        return campaigns
    paths = standing_of(user).unit_paths
    return campaigns.filter(
        _under("unit", paths) | Q(inspectors__user=user) | _under("responsible", paths)
    ).distinct()


def campaigns_in(paths: tuple[str, ...] | None) -> QuerySet[Campaign]:
    campaigns = Campaign.objects.select_related("unit", "responsible")
    if paths is None:
        return campaigns
    return campaigns.filter(_under("unit", paths) | _under("responsible", paths)).distinct()


def manages(user: User, unit: Unit) -> bool:
    """Handler or leader of `unit` or a unit above it, or an administrator."""
    standing = standing_of(user)
    return standing.is_admin or bool(standing.roles_over([unit]) & MANAGERS)


def may_edit_list(user: User, plist: ProjectList) -> bool:
    return manages(user, plist.unit)


def may_publish(user: User, plist: ProjectList) -> bool:
    standing = standing_of(user)
    return standing.is_admin or "leader" in standing.roles_over([plist.unit])


def may_work(user: User, project: Project) -> bool:
    """The owner unit's staff (and the list's jurisdiction) report progress and settle tickets."""
    return manages(user, project.owner) or manages(user, project.plist.unit)


# --- pages -------------------------------------------------------------------------------------


def proposals(plist: ProjectList) -> QuerySet[Proposal]:
    return (
        plist.proposals.annotate(support_count=Count("supports", distinct=True))
        .annotate(ticket_count=Count("tickets", distinct=True))
        .order_by("-support_count", "-created_at")
    )


def candidates(plist: ProjectList) -> list[dict[str, Any]]:
    """Hotspots in the list's area and the year's 每月一题 not yet proposed: candidates."""
    taken = set(plist.proposals.exclude(source_key="").values_list("source_key", flat=True))
    found: list[dict[str, Any]] = []
    for topic in MonthlyTopic.objects.filter(month__year=plist.year).order_by("month"):
        key = f"topic:{topic.pk}"
        if key not in taken:
            found.append(
                {
                    "source": Proposal.Source.TOPIC,
                    "key": key,
                    "title": topic.title,
                    "text": topic.description,
                    "numbers": list(topic.ticket_numbers),
                }
            )
    hotspots = Hotspot.objects.filter(
        Q(area__path__startswith=plist.unit.path) | Q(area__isnull=True)
    ).order_by("-score")[:10]
    for spot in hotspots.prefetch_related("members__ticket"):
        key = f"hotspot:{spot.key}"
        if key not in taken:
            found.append(
                {
                    "source": Proposal.Source.HOTSPOT,
                    "key": key,
                    "title": spot.title,
                    "text": "",
                    "numbers": [m.ticket.number for m in spot.members.all()],
                }
            )
    return found


def milestones(project: Project, today: date) -> list[dict[str, Any]]:
    calendar = official_calendar()
    return [
        {"m": m, "state": rules.milestone_state(m.due, m.done_on, today, calendar)}
        for m in project.milestones.select_related("chase_ticket")
    ]


def spending(project: Project) -> dict[str, Any]:
    lines = list(project.fundings.prefetch_related("disbursements"))
    budget = sum((f.amount for f in lines), Decimal(0))
    paid = sum((d.amount for f in lines for d in f.disbursements.all()), Decimal(0))
    return {
        "lines": [
            {"funding": f, "paid": sum((d.amount for d in f.disbursements.all()), Decimal(0))}
            for f in lines
        ],
        "budget": budget,
        "paid": paid,
        "share": round(float(paid / budget), 4) if budget else None,
    }


def evaluation(project: Project) -> dict[str, Any]:
    return rules.satisfaction(project.evaluations.values_list("score", flat=True))


def list_summary(plist: ProjectList, today: date) -> dict[str, Any]:
    """Counts per state, on-time rate of milestones, and the list's 评单 result."""
    projects = list(plist.projects.all())
    states = dict.fromkeys(Project.State.values, 0)
    for p in projects:
        states[p.state] += 1
    dates = Milestone.objects.filter(project__plist=plist).values_list("due", "done_on")
    scores = Evaluation.objects.filter(project__plist=plist).values_list("score", flat=True)
    return {
        "states": [(Project.State(s).label, n) for s, n in states.items()],
        "total": len(projects),
        "on_time": rules.on_time_rate(dates, today),
        "evaluation": rules.satisfaction(scores),
    }


def owners_on_time(projects: QuerySet[Project], today: date) -> list[dict[str, Any]]:
    """Each owner unit's on-time rate of milestones due so far, worst first: what an
    assessment item on projects would score."""
    rows: dict[str, list[tuple[date, date | None]]] = {}
    for owner, due, done in Milestone.objects.filter(project__in=projects.values("pk")).values_list(
        "project__owner__name", "due", "done_on"
    ):
        rows.setdefault(owner, []).append((due, done))
    found = [
        {"owner": owner, "milestones": len(dates), "rate": rules.on_time_rate(dates, today)}
        for owner, dates in rows.items()
    ]
    return sorted(
        (r for r in found if r["rate"] is not None), key=lambda r: (r["rate"], r["owner"])
    )


def campaign_board(campaign: Campaign, today: date) -> rules.Board:
    outcomes = Target.objects.filter(campaign=campaign).values_list("outcome", flat=True)
    hazards = Hazard.objects.filter(campaign=campaign).values_list(
        "kind", "target__area__name", "state", "found_on", "fixed_on", "due"
    )
    return rules.board(outcomes=outcomes, hazards=hazards, today=today)


def targets_for_inspector(campaign: Campaign, user: User) -> QuerySet[Target]:
    """The targets in the user's areas (all of them for the campaign's managers)."""
    targets = campaign.targets.select_related("area")
    if manages(user, campaign.unit):
        return targets
    areas = campaign.inspectors.filter(user=user).values_list("area__path", flat=True)
    return targets.filter(_under("area", tuple(areas)))


def panel(user: User, start: date, end: date, area: Unit | None) -> dict[str, Any] | None:
    """The dashboard panel: this year's projects by state, overdue milestones, open hazards."""
    projects = projects_for(user)
    campaigns = campaigns_for(user)
    if area is not None:
        projects = projects.filter(plist__unit__path__startswith=area.path)
        campaigns = campaigns.filter(unit__path__startswith=area.path)
    projects = projects.filter(plist__year=end.year)
    if not projects.exists() and not campaigns.exists():
        return None
    by_state = dict(projects.values_list("state").annotate(n=Count("pk", distinct=True)))
    overdue = Milestone.objects.filter(
        project__in=projects.values("pk"), done_on__isnull=True, due__lt=end
    ).count()
    hazards = Hazard.objects.filter(campaign__in=campaigns.values("pk"))
    counts = hazards.aggregate(
        found=Count("pk"),
        fixed=Count("pk", filter=Q(state=Hazard.State.FIXED)),
        open=Count("pk", filter=Q(state=Hazard.State.OPEN)),
    )
    budget = projects.aggregate(total=Sum("fundings__amount"))["total"] or Decimal(0)
    return {
        "year": end.year,
        "states": [(Project.State(s).label, by_state.get(s, 0)) for s in Project.State.values],
        "overdue_milestones": overdue,
        "budget": budget,
        "hazards": counts,
        "campaigns": campaigns.count(),
    }


def published_lists() -> QuerySet[ProjectList]:
    return ProjectList.objects.filter(state=ProjectList.State.PUBLISHED).select_related("unit")


def drafting_lists() -> QuerySet[ProjectList]:
    return ProjectList.objects.filter(state=ProjectList.State.DRAFTING).select_related("unit")
