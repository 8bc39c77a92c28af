"""Reads of bundled services, scoped to what the user may see.

The centre and administrators see every application; a department sees the applications with
an item of its own (and may act on those items); a window's staff see the applications of the
bundles their window receives, and run that window's video calls.
"""

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.orgs.access import standing_of
from minsheng.orgs.models import Unit
from minsheng.services import rules
from minsheng.services.models import Application, Bundle, Review, Slot, Work
from minsheng.sla.deadlines import official_calendar

ACTING = frozenset({"handler", "leader"})


def _paths_q(field: str, user: User) -> Q:
    q = Q(pk__in=[])
    for path in standing_of(user).unit_paths:
        q |= Q(**{f"{field}__path__startswith": path})
    return q


def sees_all(user: User) -> bool:
    standing = standing_of(user)
    return standing.is_admin or standing.is_centre


def applications_for(user: User) -> QuerySet[Application]:
    apps = Application.objects.select_related("bundle", "resident")
    if sees_all(user):
        return apps
    mine = _paths_q("bundle__window", user)
    items = Work.objects.filter(_paths_q("item__unit", user)).values("application_id")
    return apps.filter(mine | Q(pk__in=items)).distinct()


def works_for(user: User) -> QuerySet[Work]:
    works = Work.objects.select_related("application", "item", "item__unit", "ticket")
    if sees_all(user):
        return works
    return works.filter(
        _paths_q("item__unit", user) | _paths_q("application__bundle__window", user)
    )


def may_act(user: User, work: Work) -> bool:
    """Only the item's own department (its handlers and leaders) approves or sends it back."""
    return bool(standing_of(user).roles_over([work.item.unit]) & ACTING)


def windows_for(user: User) -> QuerySet[Unit]:
    windows = Unit.objects.filter(pk__in=Bundle.objects.values("window_id"))
    if sees_all(user):
        return windows
    return windows.filter(_window_q(user))


def _window_q(user: User) -> Q:
    q = Q(pk__in=[])
    for path in standing_of(user).unit_paths:
        q |= Q(path__startswith=path)
    return q


def may_run_call(user: User, review: Review) -> bool:
    return sees_all(user) or bool(standing_of(user).roles_over([review.slot.window]))


def open_count(user: User) -> int:
    """Items waiting for the user's own department."""
    if sees_all(user):
        return 0
    return (
        Work.objects.filter(_paths_q("item__unit", user), state=Work.State.RUNNING)
        .values("pk")
        .count()
    )


def free_slots(app: Application) -> QuerySet[Slot]:
    return Slot.objects.filter(
        window=app.bundle.window, application__isnull=True, starts_at__gte=timezone.now()
    ).order_by("starts_at")[:20]


def slots_for(user: User) -> QuerySet[Slot]:
    slots = Slot.objects.select_related("application", "window", "review").filter(
        starts_at__date__gte=timezone.localdate()
    )
    if not sees_all(user):
        slots = slots.filter(window__in=windows_for(user))
    return slots.order_by("starts_at")[:100]


def bundle_figures(bundle: Bundle) -> dict[str, Any]:
    """The promise of a bundle: its longest chain of legal limits against their sum, and
    how its finished applications did on the working-day calendar."""
    items = list(bundle.items.prefetch_related("depends_on"))
    limits = {i.pk: i.limit_workdays for i in items}
    deps = {i.pk: [d.pk for d in i.depends_on.all()] for i in items}
    try:
        critical: int | None = rules.critical_workdays(limits, deps)
        problem = ""
    except rules.RuleError as error:
        critical, problem = None, str(error)
    calendar = official_calendar()
    finished = bundle.applications.filter(done_at__isnull=False).values_list(
        "created_at", "done_at"
    )
    days = [
        rules.elapsed_workdays(calendar, timezone.localtime(a).date(), timezone.localtime(b).date())
        for a, b in finished
    ]
    return {
        "bundle": bundle,
        "items": items,
        "critical": critical,
        "sequential": rules.sequential_workdays(limits),
        "problem": problem,
        "finished": len(days),
        "average": round(sum(days) / len(days), 1) if days else None,
    }


def panel(user: User, start: date, end: date, area: Unit | None) -> dict[str, Any] | None:
    """The dashboard panel: applications in the period by state."""
    apps = applications_for(user).filter(created_at__date__gte=start, created_at__date__lte=end)
    if area is not None:
        apps = apps.filter(bundle__window__path__startswith=area.path)
    counts = dict(apps.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    total = sum(counts.values())
    if not total:
        return None
    return {
        "total": total,
        "states": [(label, counts.get(value, 0)) for value, label in Application.State.choices],
    }
