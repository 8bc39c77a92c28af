"""Build the demo: the city's units, the catalogue, the accounts, and 60 days of ticket history.

Reference data is matched by code or username, so building again changes nothing. The history is
written once, in one transaction, from a generator seeded with SEED; every step goes through
`tickets.workflow` (or `feedback.visits`) with `at=` in the past and `by=` the person whose job it
is, so timelines, deadlines and hash chains are what real use would have produced.
"""

import json
import math
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.analytics import refresh
from minsheng.assessment import scoring
from minsheng.citizens import registry
from minsheng.citizens.models import Resident
from minsheng.demo import accounts
from minsheng.dispatch import routing
from minsheng.dispatch.loading import load_demo_rules
from minsheng.dispatch.models import UnitStrategy
from minsheng.feedback import visits
from minsheng.open311.loading import load_attributes
from minsheng.orgs import loading as org_loading
from minsheng.orgs.models import Membership, Role, Unit
from minsheng.taxonomy import loading as catalogue_loading
from minsheng.taxonomy.models import Category, RequestType
from minsheng.tickets import receiving, transitions, workflow
from minsheng.tickets.models import Satisfaction, Status, Ticket
from minsheng.triage import training

SEED = 2611
DAYS = 60
BASE_TICKETS = 560
# Open work left at the end of the history, so the dispatcher's queue, the units' inboxes and the
# supervisor's overdue list have content: (target, how many, youngest and oldest age in days,
# share of them in the focus street 鼓东街道, whose people are the demo's handlers).
WORKLOAD = [
    ("received", 18, 0.02, 1.5, 0.3),
    ("dispatched", 14, 0.05, 2.0, 0.35),
    ("dispatched", 4, 2.5, 8.0, 0.5),  # never accepted: overdue
    ("accepted", 30, 0.3, 9.0, 0.35),
    ("accepted", 14, 10.0, 35.0, 0.5),  # past the resolution deadline
    ("returned", 12, 0.1, 3.0, 0.3),
    ("replied", 16, 0.3, 5.0, 0.35),
    ("visited", 12, 0.5, 8.0, 0.3),
    ("declined", 8, 0.2, 55.0, 0.0),
]
MERGED = 14
# What became of the other tickets, by age in days: the young are in early states, the old closed.
TARGETS = ("received", "dispatched", "accepted", "returned", "replied", "visited", "closed",
           "answered", "declined")  # fmt: skip
AGE_TARGETS = [  # (younger than, weights in the order of TARGETS)
    (0.5, (40, 25, 18, 4, 0, 0, 0, 6, 2)),
    (2.0, (6, 12, 30, 4, 16, 2, 20, 6, 2)),
    (7.0, (0, 2, 20, 1, 10, 3, 56, 6, 1.5)),
    (20.0, (0, 0, 5, 0, 2, 1, 84, 6, 1.5)),
    (math.inf, (0, 0, 1.5, 0, 0, 0, 91, 6, 1.5)),
]
CHANNELS = {"hotline": 70, "mobile": 12, "web": 8, "grid": 6, "offline": 4}
DISTRICT_WEIGHTS = {"350102": 3.0, "350103": 2.0, "350104": 2.0, "350111": 2.0, "350105": 1.0}
FOCUS_STREET = accounts.GUDONG[1]
FOCUS_UTILITY = "FZ-WATER"
# Common matters are called in more often; codes not listed weigh 1.
CATEGORY_WEIGHTS = (
    dict.fromkeys(("CG04", "ZF01", "GY01", "JT01"), 4)
    | dict.fromkeys(("CG01", "CG03", "CG05", "GY05", "SC02", "LD01", "ZX01"), 3)
    | dict.fromkeys(("CG06", "CG07", "CG11", "ZF02", "GY02", "JT05", "AQ02"), 2)
)
RESIDENTS = 460
PHONE_PREFIX = "1390000"  # 1390000xxxx: clearly not real numbers
DATA = Path(__file__).resolve().parent / "data"
TYPE_MARKERS: dict[str, tuple[str, ...]] = {  # words that make a template fit a request type better
    RequestType.PRAISE: ("表扬", "感谢"),
    RequestType.CONSULT: ("请问", "怎么", "？"),
    RequestType.SUGGESTION: ("建议", "希望"),
}
HANDLING_KINDS = ("district", "street", "township", "department", "enterprise")
SATISFIED, BASICALLY, UNSATISFIED = (s.value for s in Satisfaction)


# --- reference data ----------------------------------------------------------------------------


def load_reference() -> dict[str, Any]:
    """Units, catalogue and accounts; safe to run again."""
    units = org_loading.load_city()
    units["department"] = org_loading.load_departments()
    categories = catalogue_loading.load_categories()
    users = ensure_accounts()
    rules = load_demo_rules()
    # The demo street shows assignment inside a unit: its handlers take turns.
    routing.set_strategy(Unit.objects.get(code=FOCUS_STREET), UnitStrategy.Strategy.ROUND_ROBIN)
    attributes = load_attributes()
    return {
        "units": units,
        "categories": categories,
        "users": users,
        "rules": rules,
        "service_attributes": attributes,
    }


@transaction.atomic
def ensure_accounts() -> int:
    """The named demo accounts and a handler u_<code> for every unit that handles tickets.

    Existing users are left as they are (their passwords too).
    """
    # Hashing is slow by design; all demo accounts share one password, so hash it once.
    password = make_password(accounts.DEMO_PASSWORD)
    units = {u.code: u for u in Unit.objects.all()}
    wanted = [
        (a.username, a.name, a.superuser, [(units[a.unit_code], r) for r in a.roles])
        for a in accounts.ACCOUNTS
    ]
    handling = Unit.objects.filter(kind__in=HANDLING_KINDS).order_by("path")
    wanted += [
        (accounts.unit_username(u.code), f"{u.name}承办人", False, [(u, Role.HANDLER)])
        for u in handling
    ]
    for username, name, superuser, memberships in wanted:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"first_name": name, "password": password, "is_staff": superuser,
                      "is_superuser": superuser},
        )  # fmt: skip
        for unit, role in memberships:
            Membership.objects.get_or_create(user=user, unit=unit, role=role)
    return len(wanted)


# --- history -----------------------------------------------------------------------------------


@dataclass
class Plan:
    """One ticket to be: when it came in, about what and where, and how far it gets."""

    at: datetime
    target: str
    category: Category
    request_type: str
    place: Unit
    channel: str
    resident: int
    into: "Plan | None" = None
    ticket: Ticket | None = None


def history_exists() -> bool:
    """The history is there once any ticket was taken in by a demo centre account."""
    centre = [a.username for a in accounts.ACCOUNTS if {"agent", "dispatcher"} & set(a.roles)]
    return Ticket.objects.filter(created_by__username__in=centre).exists()


def build(
    *, history: bool = True, now: datetime | None = None, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Load the reference data, then the history unless it is there already."""
    summary = load_reference()
    log(f"参考数据：单位 {summary['units']}，目录 {summary['categories']}，账号 {summary['users']}")
    summary["history"] = history and not history_exists()
    if summary["history"]:
        now = now or timezone.now()
        History(now, log=log).run()
        refresh.refresh_all(now=now)  # the dashboards read aggregates, not tickets
        training.train(note="演示城市的历史工单")  # the classifier learns the demo's history
        month = timezone.localtime(now).date().replace(day=1)
        scoring.compute(f"{month - timedelta(days=1):%Y-%m}", publish=True, at=now)
        scoring.compute(f"{month:%Y-%m}", at=now)  # this month's scores stay a draft
    summary["statuses"] = status_counts()
    return summary


def status_counts() -> dict[str, int]:
    counts = dict(Ticket.objects.values_list("status").annotate(n=Count("id")))
    return {s.value: counts.get(s.value, 0) for s in Status}


def load_texts() -> dict[str, Any]:
    """data/texts.json: request and reply templates, names, roads, reasons."""
    with (DATA / "texts.json").open(encoding="utf-8") as fh:
        texts: dict[str, Any] = json.load(fh)
    return texts


class History:
    """Sixty days of requests carried through the loop, deterministically."""

    def __init__(self, now: datetime, *, log: Callable[[str], None] = print) -> None:
        self.now = timezone.localtime(now)
        self.rng = random.Random(SEED)
        self.log = log
        self.texts = load_texts()
        self.users = {u.username: u for u in User.objects.all()}
        self.agent = self.users["agent"]
        self.dispatcher = self.users["dispatcher"]
        self.supervisor = self.users["supervisor"]
        units = list(Unit.objects.all())
        self.by_code = {u.code: u for u in units}
        # Both are looked up by parent_id (typed int | None), of units that have a parent.
        self.by_id: dict[int | None, Unit] = {u.pk: u for u in units}
        self.children: dict[int | None, list[Unit]] = {}
        for u in units:
            if u.parent_id is not None:
                self.children.setdefault(u.parent_id, []).append(u)
        self.districts = [u for u in units if u.kind == Unit.Kind.DISTRICT]
        self.departments = [u for u in units if u.kind in HANDLING_KINDS[3:]]
        self.leaves = list(
            Category.objects.filter(parent__isnull=False, is_active=True).select_related("policy")
        )

    def run(self) -> None:
        plans = self.plan()
        with transaction.atomic():  # all or nothing: a half-written history would never be redone
            for done, plan in enumerate(plans, start=1):
                self.carry(plan)
                if done % 100 == 0 or done == len(plans):
                    self.log(f"历史工单 {done}/{len(plans)}")

    # -- planning --

    def plan(self) -> list[Plan]:
        rng = self.rng
        plans = []
        for _ in range(BASE_TICKETS):
            age = rng.uniform(0.003, DAYS)
            weights = next(w for limit, w in AGE_TARGETS if age < limit)
            plans.append(self.new_plan(rng.choices(TARGETS, weights=weights)[0], age))
        for target, count, youngest, oldest, focus in WORKLOAD:
            for _ in range(count):
                age, r = rng.uniform(youngest, oldest), rng.random()
                street, utility = r < focus, focus <= r < focus + 0.1
                plans.append(self.new_plan(target, age, street=street, utility=utility))
        settled, still_open = self.now - timedelta(hours=2), ("dispatched", "accepted", "replied")
        sources = [p for p in plans if p.target in still_open and p.at < settled]
        plans += [self.duplicate(source) for source in rng.sample(sources, MERGED)]
        plans.sort(key=lambda p: p.at)
        return plans

    def new_plan(
        self, target: str, age: float, *, street: bool = False, utility: bool = False
    ) -> Plan:
        rng = self.rng
        at = self.receipt_time(age)
        if target == "answered":
            leaves = [c for c in self.leaves if c.allows(RequestType.CONSULT)]
        elif street or utility:
            hint = "street" if street else FOCUS_UTILITY
            leaves = [c for c in self.leaves if c.handler_hint == hint]
        else:
            leaves = self.leaves
        weights = [CATEGORY_WEIGHTS.get(c.code, 1) for c in leaves]
        category = rng.choices(leaves, weights=weights)[0]
        types = category.request_types
        if target == "answered" or not types:
            request_type = RequestType.CONSULT.value
        else:  # the first type listed is the commonest
            request_type = rng.choices(types, weights=range(len(types) * 2, 0, -2))[0]
        channel = rng.choices(list(CHANNELS), weights=list(CHANNELS.values()))[0]
        place = self.place(FOCUS_STREET if street else None, grid=channel == "grid")
        return Plan(at, target, category, request_type, place, channel, rng.randrange(RESIDENTS))

    def duplicate(self, source: Plan) -> Plan:
        """Another resident calls about the same matter while the first ticket is still open."""
        age = (self.now - source.at).total_seconds() / 86400
        later = timedelta(days=self.rng.uniform(0.02, max(0.03, min(3.0, age * 0.8))))
        at = min(source.at + later, self.now - timedelta(minutes=20))
        resident = self.rng.randrange(RESIDENTS)
        return Plan(
            at,
            "merged",
            source.category,
            source.request_type,
            source.place,
            "hotline",
            resident,
            into=source,
        )

    def receipt_time(self, age: float) -> datetime:
        """`age` days ago, moved into 08:00–22:00 of the same day most of the time."""
        at = self.now - timedelta(days=age)
        if not 8 <= at.hour < 22 and self.rng.random() < 0.9:
            moved = at.replace(hour=self.rng.randrange(8, 22), minute=self.rng.randrange(60))
            if moved < self.now - timedelta(minutes=5):
                at = moved
        return at

    def place(self, street_code: str | None, *, grid: bool) -> Unit:
        rng = self.rng
        if street_code:
            street = self.by_code[street_code]
        else:
            weights = [DISTRICT_WEIGHTS.get(d.code, 1.0) for d in self.districts]
            streets = self.children[rng.choices(self.districts, weights=weights)[0].pk]
            # The focus street is busy all the time, not only in the open work.
            weights = [3.0 if s.code == FOCUS_STREET else 1.0 for s in streets]
            street = rng.choices(streets, weights=weights)[0]
        community = rng.choice(self.children[street.pk])
        grids = self.children.get(community.pk, [])
        if grids and (grid or rng.random() < 0.4):
            return rng.choice(grids)
        return community

    # -- people, places and words --

    def choose(self, key: str) -> str:
        return self.rng.choice(self.texts[key])

    def street_of(self, place: Unit) -> Unit:
        unit = place
        while unit.kind not in (Unit.Kind.STREET, Unit.Kind.TOWNSHIP):
            unit = self.by_id[unit.parent_id]
        return unit

    def community_of(self, place: Unit) -> Unit:
        return self.by_id[place.parent_id] if place.kind == Unit.Kind.GRID else place

    def request_text(self, plan: Plan, road: str) -> str:
        category, rng = plan.category, self.rng
        place = self.community_of(plan.place).name
        templates = (self.texts.get(category.code) or {}).get("texts")
        if not templates:
            words = [w for w in category.keywords.split("|") if w] or [category.name]
            return (
                f"{place}附近{road}一带{rng.choice(words)}，{category.name}问题已经持续"
                f"{rng.randint(2, 15)}天，希望有关部门尽快处理。"
            )
        markers = TYPE_MARKERS.get(plan.request_type, ())
        fitting = [t for t in templates if any(m in t for m in markers)]
        template = rng.choice(fitting or templates)
        days = str(rng.randint(2, 15))
        return template.replace("{place}", place).replace("{road}", road).replace("{days}", days)

    def reply_text(self, category: Category) -> str:
        replies = (self.texts.get(category.code) or {}).get("replies")
        if replies:
            return self.rng.choice(replies)
        return f"经核查，您反映的{category.name}问题已安排人员现场处置，后续将加强日常巡查。"

    def resident(self, k: int) -> Resident:
        surnames, given = self.texts["surnames"], self.texts["given_names"]
        surname = surnames[k % len(surnames)]
        if k % 3:
            name = surname + given[(k // len(surnames)) % len(given)]
        else:
            name = surname + ("先生" if k % 2 else "女士")
        return registry.remember(phone=f"{PHONE_PREFIX}{k:04d}", name=name)

    def handler(self, unit: Unit) -> User:
        """Who acts for the unit: its named demo person (now and then the leader), or u_<code>."""
        named = [
            a.username
            for a in accounts.ACCOUNTS
            if a.unit_code == unit.code and {"handler", "leader"} & set(a.roles)
        ]
        if not named:
            return self.users[accounts.unit_username(unit.code)]
        return self.users[named[-1] if self.rng.random() >= 0.85 else named[0]]

    def suggested(self, plan: Plan) -> Unit:
        """The unit the catalogue suggests, as `tickets.queries.suggested_unit` finds it."""
        street = self.street_of(plan.place)
        hint = plan.category.handler_hint
        if hint == "street":
            return street
        district = self.by_id[street.parent_id]
        return district if hint == "district" else self.by_code.get(hint, district)

    def misroute(self, right: Unit, plan: Plan) -> Unit:
        """A plausible wrong unit: a neighbouring street, the street below, another department."""
        if right.kind in (Unit.Kind.STREET, Unit.Kind.TOWNSHIP):
            pool = self.children[right.parent_id]
        elif right.kind == Unit.Kind.DISTRICT:
            pool = [self.street_of(plan.place)]
        else:
            pool = self.departments
        return self.rng.choice([u for u in pool if u.pk != right.pk] or self.departments)

    def cohandler(self, main: Unit, plan: Plan) -> Unit | None:
        """The street for a department's ticket; the district's city management for a street's."""
        street = self.street_of(plan.place)
        if main.kind in (Unit.Kind.DEPARTMENT, Unit.Kind.ENTERPRISE):
            return street
        district = self.by_id[street.parent_id]
        local = [d for d in self.departments if d.name.startswith(district.name)]
        return local[0] if local else None

    # -- time --

    def after(self, prev: datetime, low: float, high: float, *, office: bool = True) -> datetime:
        """`low`–`high` minutes after `prev`, in office hours if asked, and never in the future."""
        at = timezone.localtime(prev + timedelta(minutes=self.rng.uniform(low, high)))
        if office and not 8 <= at.hour < 21:
            day = at.date() + timedelta(days=1 if at.hour >= 21 else 0)
            at = datetime.combine(day, time(8), tzinfo=self.now.tzinfo)
            at += timedelta(minutes=self.rng.uniform(0, 90))
        return self.before_now(prev, at)

    def before_now(self, prev: datetime, at: datetime) -> datetime:
        """`at`, or if that is not yet past, a time between `prev` and now."""
        limit = self.now - timedelta(minutes=1)
        return at if at < limit else prev + (limit - prev) * self.rng.uniform(0.2, 0.6)

    # -- carrying a ticket through the loop --

    def carry(self, plan: Plan) -> None:
        rng, road = self.rng, self.choose("roads")
        resident = self.resident(plan.resident)
        place, street = plan.place, self.street_of(plan.place)
        district = self.by_id[street.parent_id]
        by: Any = self.agent
        if plan.channel in ("web", "mobile"):  # the resident's own submission
            by = transitions.resident_actor(resident)
        elif plan.channel == "grid":  # a grid worker's report, through the grid system
            by = transitions.SYSTEM
        community = self.community_of(place).name
        ticket = receiving.receive(
            channel=plan.channel, request_type=plan.request_type, category=plan.category,
            resident=resident, by=by, at=plan.at, place=place,
            title=f"{RequestType(plan.request_type).label}：{community}{plan.category.name}",
            description=self.request_text(plan, road),
            address=f"{district.name}{street.name}{road}{rng.randint(1, 300)}号",
            lon=round((place.lon or 119.3) + rng.uniform(-0.0015, 0.0015), 6),
            lat=round((place.lat or 26.08) + rng.uniform(-0.0015, 0.0015), 6),
        )  # fmt: skip
        plan.ticket = ticket
        at = plan.at
        if plan.target == "answered":
            text = self.reply_text(plan.category)
            workflow.answer(
                ticket, by=self.agent, text=text, at=self.after(at, 2, 12, office=False)
            )
        elif plan.target == "declined":
            referral = f"您好，经审核，您反映的事项{self.choose('decline_referrals')}"
            who = rng.choice([self.agent, self.dispatcher])
            workflow.decline(ticket, by=who, referral=referral, at=self.after(at, 5, 120))
        elif plan.target == "merged":
            into = plan.into.ticket if plan.into else None
            assert into is not None, "a duplicate is planned after the ticket it joins"
            note = f"与工单 {into.number} 反映同一事项，合并办理。"
            workflow.merge(
                ticket,
                into=into,
                by=self.dispatcher,
                note=note,
                at=self.after(at, 10, 180, office=False),
            )
        elif plan.target != "received":
            self.handle(plan, ticket, at)

    def handle(self, plan: Plan, ticket: Ticket, t: datetime) -> None:
        """Dispatch (perhaps to the wrong unit first), then the unit's work and the return visit."""
        rng, dispatcher = self.rng, self.dispatcher
        policy = plan.category.policy
        office = policy is None or policy.resolve_workdays is not None  # else round the clock
        right = first = self.suggested(plan)
        returned = plan.target == "returned" or rng.random() < 0.07
        if returned and rng.random() < (0.5 if plan.target == "returned" else 0.7):
            first = self.misroute(right, plan)
        if plan.target == "returned" and self.street_of(plan.place).code == FOCUS_STREET:
            first = right  # the focus street's inbox shows a return waiting for the centre
        t = self.after(t, 5, 150, office=office)
        helper = self.cohandler(first, plan) if not returned and rng.random() < 0.1 else None
        helpers = [helper] if helper else []
        workflow.dispatch(ticket, to=first, by=dispatcher, cohandlers=helpers, at=t)
        if returned:
            # Returned within the window, which an emergency's 2 hours shorten.
            window = Ticket.objects.values_list("return_by", flat=True).get(pk=ticket.pk)
            t = min(self.after(t, 20, 300, office=office), window - timedelta(minutes=5))  # type: ignore[operator,assignment]
            reason = self.choose("return_reasons")
            workflow.send_back(ticket, by=self.handler(first), reason=reason, at=t)
            if plan.target == "returned":
                return
            t = self.after(t, 10, 150, office=office)
            if first.pk != right.pk:
                note = "经核实，改派至职责单位办理。"
                workflow.dispatch(ticket, to=right, by=dispatcher, at=t, note=note)
            else:
                note = "经核实，该诉求属于贵单位职责范围，请按时限办理。"
                workflow.reject_return(ticket, by=dispatcher, at=t, note=note)
        if plan.target == "dispatched":
            return
        for round_ in (1, 2):
            t = self.work(plan, ticket, t, office=office, helper=helper, again=round_ > 1)
            if plan.target in ("accepted", "replied"):
                return
            t = self.after(t, 60, 60 * 40)
            weights = {SATISFIED: 74, BASICALLY: 18, UNSATISFIED: 8 if round_ == 1 else 4}
            if plan.target == "visited":
                weights = {UNSATISFIED: 1}
            satisfaction = rng.choices(list(weights), weights=list(weights.values()))[0]
            unhappy = satisfaction == UNSATISFIED
            comment = ""
            if unhappy or rng.random() < 0.6:
                comment = self.choose("unsatisfied_comments" if unhappy else "satisfied_comments")
            visits.rate(ticket, satisfaction=satisfaction, comment=comment, at=t,
                        resolved=not unhappy or rng.random() < 0.2,
                        agent=self.agent if rng.random() < 0.7 else None)  # fmt: skip
            if not unhappy or plan.target == "visited":
                return
            # The centre decides on the resident's dissatisfaction: handle again, or close.
            t = self.after(t, 30, 600)
            centre = rng.choice([self.supervisor, dispatcher])
            if round_ == 1 and rng.random() < 0.6:
                note = "群众反映问题未解决，请重新核实处理并答复。"
                workflow.reopen(ticket, by=centre, at=t, note=note)
                continue
            note = "经核实，承办单位已按政策答复到位，作办结处理。"
            workflow.close(ticket, by=centre, at=t, note=note)
            return

    def work(
        self,
        plan: Plan,
        ticket: Ticket,
        t: datetime,
        *,
        office: bool,
        helper: Unit | None,
        again: bool,
    ) -> datetime:
        """The unit accepts, perhaps asks for more time, and (unless it stops there) replies."""
        rng = self.rng
        assert ticket.unit is not None
        assert ticket.accept_by is not None
        person = self.handler(ticket.unit)
        window = max((ticket.accept_by - t).total_seconds() / 60, 30)
        late = rng.random() < 0.1
        t = self.after(t, 3, window * (1.4 if late else 0.8), office=office and not late)
        workflow.accept(ticket, by=person, at=t)
        if helper is not None and not again and rng.random() < 0.6:
            t = self.after(t, 30, 600, office=office)
            text = "协办单位已配合主办单位到现场核查，相关情况已反馈主办单位。"
            workflow.add_note(ticket, by=self.handler(helper), at=t, text=text)
        assert ticket.resolve_by is not None
        asks = rng.random() < (0.2 if plan.target == "accepted" else 0.1)
        if asks and ticket.resolve_by - t > timedelta(hours=2):
            pending = plan.target == "accepted" and rng.random() < 0.3
            t = self.extension(ticket, person, t, office=office, leave_pending=pending)
        if plan.target == "accepted":
            return t
        assert ticket.resolve_by is not None
        share = rng.uniform(0.15, 0.9) if rng.random() > 0.1 else rng.uniform(1.05, 1.5)
        t = self.before_now(t, t + max(ticket.resolve_by - t, timedelta(minutes=30)) * share)
        text = ("经重新核查，" if again else "") + self.reply_text(ticket.category)
        workflow.reply(ticket, by=person, text=text, at=t)
        return t

    def extension(
        self, ticket: Ticket, person: User, t: datetime, *, office: bool, leave_pending: bool
    ) -> datetime:
        """Ask for more time before the deadline; the centre mostly approves."""
        rng = self.rng
        assert ticket.resolve_by is not None
        at = self.before_now(t, t + (ticket.resolve_by - t) * rng.uniform(0.3, 0.8))
        more = timedelta(days=rng.randint(3, 7)) if office else timedelta(hours=rng.randint(12, 48))
        reason = self.choose("extension_reasons")
        until = ticket.resolve_by + more
        workflow.request_extension(ticket, by=person, until=until, reason=reason, at=at)
        if leave_pending:
            return at
        at = self.after(at, 60, 60 * 20)
        centre = rng.choice([self.dispatcher, self.supervisor])
        approve = rng.random() < 0.75
        note = "情况属实，同意延期。" if approve else "延期理由不充分，请按原时限办结。"
        workflow.decide_extension(ticket, by=centre, approve=approve, note=note, at=at)
        return at


def workload(now: datetime | None = None) -> dict[str, int]:
    """How much open work the demo people see, for the summary and the tests."""
    from minsheng.tickets import queries

    names = ["gudong", "water", "dispatcher", "supervisor"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    now = now or timezone.now()
    gudong = list(queries.inbox(users["gudong"]))
    states = Counter(t.due_state(now) for t in gudong)
    return {
        "dispatch_queue": queries.dispatch_queue(users["dispatcher"]).count(),
        "overdue": queries.overdue(users["supervisor"], now=now).count(),
        "gudong_inbox": len(gudong),
        "gudong_overdue": states["overdue"],
        "gudong_due_soon": states["due_soon"],
        "water_inbox": queries.inbox(users["water"]).count(),
    }
