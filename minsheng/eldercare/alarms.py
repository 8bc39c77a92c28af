"""The watch's write module: rules judged, alarms raised and their ladder climbed, silent
meters found, absences registered, visits' outcomes recorded (readings.py stores the readings).

Every function commits what it writes in one transaction. Ladder steps are claimed with SKIP
LOCKED and each notice has a dedupe key, so a worker killed mid-ladder loses no alarm and sends
no notice twice.
"""

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.citizens.masking import mask_phone
from minsheng.eldercare import ladder, rules
from minsheng.eldercare.apps import METER, WELFARE
from minsheng.eldercare.models import (
    Absence,
    Alarm,
    AlarmEvent,
    DailyUse,
    Household,
    Meter,
    Policy,
    Reading,
)
from minsheng.intake import door
from minsheng.notifications import delivery
from minsheng.notifications.models import Notification
from minsheng.orgs.models import Unit
from minsheng.taxonomy import loading
from minsheng.tickets import workflow
from minsheng.tickets.models import Channel, Ticket, Urgency
from minsheng.tickets.names import Action, Status
from minsheng.tickets.transitions import Actor, WorkflowError

logger = logging.getLogger("minsheng.eldercare")
TZ = ZoneInfo("Asia/Shanghai")
WATCH = Actor(label="独居老人水电表预警", kind="system")
WELFARE_RULES = frozenset({"low_use", "no_use_since", "no_switching", "morning_start_late"})
NOT_TAKEN = frozenset({Status.RECEIVED, Status.DISPATCHED, Status.RETURNED})


# --- judging ----------------------------------------------------------------------------------


def policy_for(unit: Unit, policies: list[Policy] | None = None) -> Policy:
    """The policy of the nearest unit above (or at) `unit`, else the city's default; a default
    on the 中山 preset is made if there is none."""
    found = policies if policies is not None else list(Policy.objects.select_related("unit"))
    best = None
    for p in found:
        if (p.unit is None and best is None) or (
            p.unit is not None
            and unit.path.startswith(p.unit.path)
            and (best is None or best.unit is None or len(p.unit.path) > len(best.unit.path))
        ):
            best = p
    if best is None:
        best, _ = Policy.objects.get_or_create(
            unit=None, defaults={"mode": Policy.Mode.FAMILY_FIRST}
        )
    return best


def judge_due(*, limit: int = 200, now: datetime | None = None, rounds: int = 10) -> int:
    """Judge the households whose meters have new readings, `limit` meters a transaction, for
    up to `rounds` transactions; returns the alarms raised."""
    raised = 0
    for _ in range(rounds):
        done, found = _judge_batch(limit, now or timezone.now())
        raised += found
        if done < limit:
            break
    return raised


def _judge_batch(limit: int, now: datetime) -> tuple[int, int]:
    """Lock households (never the meters, which the ingest keeps updating) whose meters have
    new readings, judge them, and clear each meter's mark unless more readings came meanwhile."""
    raised = 0
    with transaction.atomic():
        households = list(
            Household.objects.filter(
                pk__in=Meter.objects.filter(dirty_from__isnull=False).values("household_id")
            )
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("unit")[:limit]
        )
        if not households:
            return 0, 0
        marked = list(
            Meter.objects.filter(household__in=households, dirty_from__isnull=False).values_list(
                "pk", "household_id", "dirty_from", "version"
            )
        )
        since: dict[int, datetime] = {}
        for _pk, owner, dirty, _version in marked:
            if dirty is not None:
                since[owner] = min(since.get(owner, dirty), dirty)
        policies = list(Policy.objects.select_related("unit", "utility"))
        for household in households:
            if household.pk in since:
                raised += judge_household(
                    household, since=since[household.pk], now=now, policies=policies
                )
        for pk, _owner, _dirty, version in marked:
            Meter.objects.filter(pk=pk, version=version).update(dirty_from=None)
    return len(households), raised


def judge_household(
    household: Household, *, since: datetime, now: datetime, policies: list[Policy] | None = None
) -> int:
    """Run the rules over the household's readings from a window before `since`; raise what is
    new, downgrade what use has since answered, keep the daily totals."""
    policy = policy_for(household.unit, policies)
    params = rules.params_for(policy.preset, policy.params)
    meters = list(Meter.objects.filter(household=household))
    longest = max(params.low_window_h, params.no_use_h or 0, params.leak_h, params.switching_h or 0)
    start = (
        since
        - timedelta(hours=longest + 26)
        - max(timedelta(minutes=m.report_minutes) for m in meters)
    )
    points: dict[int, list[rules.Point]] = defaultdict(list)
    arrived: dict[tuple[int, datetime], datetime] = {}
    for meter_id, at, value, received in Reading.objects.filter(
        meter__in=meters, at__gte=start
    ).values_list("meter_id", "at", "value", "received_at"):
        points[meter_id].append(rules.Point(at, value))
        arrived[(meter_id, at)] = received
    water = next((m for m in meters if m.kind == Meter.Kind.WATER), None)
    power = next((m for m in meters if m.kind == Meter.Kind.ELECTRICITY), None)
    if water is None:
        return 0
    gap = _grace(water, params)
    water_steps = rules.steps(points[water.pk])
    power_steps = rules.steps(points[power.pk], scale=1.0) if power else []
    norm = rules.band(
        list(
            DailyUse.objects.filter(meter=water, day__lt=since.astimezone(TZ).date())
            .order_by("-day")
            .values_list("use", flat=True)[:28]
        )[::-1]
    )
    findings = rules.judge(
        water_steps,
        params,
        max_gap=gap,
        tz=TZ,
        norm=norm,
        power=power_steps,
        power_gap=_grace(power, params) if power else None,
    )
    away = list(Absence.objects.filter(household=household).values_list("starts", "ends"))
    raised = 0
    for finding in findings:
        if finding.end < since:
            continue  # judged before
        meter = power if finding.rule == "no_switching" else water
        received = arrived.get((meter.pk if meter else 0, finding.end), now)
        if _raise(household, meter, finding, policy, received, away, now) is not None:
            raised += 1
    _downgrade(household, water_steps, params, now)
    _keep_daily(water, water_steps, start)
    return raised


def _grace(meter: Meter, params: rules.Params) -> timedelta:
    return timedelta(minutes=meter.report_minutes) * params.silent_factor


def _raise(
    household: Household,
    meter: Meter | None,
    finding: rules.Finding,
    policy: Policy,
    received: datetime,
    away: list[tuple[datetime, datetime]],
    now: datetime,
) -> Alarm | None:
    same_spell = Alarm.objects.filter(
        household=household, meter=meter, rule=finding.rule, window_end__gte=finding.start
    )
    if same_spell.exists():
        return None
    suppressed = finding.kind == Alarm.Kind.WELFARE and rules.overlaps(
        finding.start, finding.end, away
    )
    alarm = Alarm.objects.create(
        household=household,
        meter=meter,
        kind=finding.kind,
        rule=finding.rule,
        window_start=finding.start,
        window_end=finding.end,
        raised_at=now,
        evidence_at=received,
        severity=finding.severity,
        state=Alarm.State.SUPPRESSED if suppressed else Alarm.State.OPEN,
        detail=finding.detail[:300],
    )
    record_event(alarm, "raised", now, note=finding.detail)
    if suppressed:
        record_event(alarm, "suppressed", now, note="期间已登记外出")
        return alarm
    _start_ladder(alarm, household, policy, now)
    return alarm


def _start_ladder(alarm: Alarm, household: Household, policy: Policy, now: datetime) -> None:
    if alarm.kind == Alarm.Kind.WELFARE:
        family = [c.order for c in household.contacts.all() if c.relation == "family"]
        rungs = ladder.plan(
            policy.mode, family=family, elder_phone=bool(household.phone), severity=alarm.severity
        )
    elif alarm.kind == Alarm.Kind.HIGH_USE:
        rungs = [ladder.Step("contact", contact=c.order) for c in household.contacts.all()[:1]]
    else:
        rungs = [ladder.Step("ticket")]
    alarm.plan = ladder.as_codes(rungs)
    alarm.save(update_fields=["plan"])
    _climb(alarm, policy, now)


def _downgrade(
    household: Household, water: list[rules.Step], params: rules.Params, now: datetime
) -> None:
    for alarm in Alarm.objects.filter(
        household=household, state=Alarm.State.OPEN, rule__in=WELFARE_RULES
    ):
        if rules.resumed(water, after=alarm.window_end, litres=params.low_litres):
            alarm.state, alarm.next_step_at = Alarm.State.DOWNGRADED, None
            alarm.save(update_fields=["state", "next_step_at"])
            record_event(alarm, "downgraded", now, note="预警后恢复用水")
            if alarm.ticket is not None:
                _note(
                    alarm.ticket,
                    "水表显示预警后已恢复用水，预警降级；请仍按时上门核实并答复结果。",
                    now,
                )


def _keep_daily(meter: Meter, series: list[rules.Step], start: datetime) -> None:
    """The totals of the days wholly inside the window read, written when they changed."""
    first_day = start.astimezone(TZ).date()
    counts: dict[date, int] = defaultdict(int)
    for s in series:
        counts[s.end.astimezone(TZ).date()] += 1
    totals = {d: u for d, u in rules.daily_use(series, tz=TZ).items() if d > first_day}
    known = {
        d: (u, n)
        for d, u, n in DailyUse.objects.filter(meter=meter, day__in=totals).values_list(
            "day", "use", "readings"
        )
    }
    for day, use in totals.items():
        if known.get(day) != (use, counts[day]):
            DailyUse.objects.update_or_create(
                meter=meter, day=day, defaults={"use": use, "readings": counts[day]}
            )


# --- the ladder -------------------------------------------------------------------------------


def climb_due(*, limit: int = 100, now: datetime | None = None) -> int:
    """Take the next step of every alarm whose wait has run out; returns the steps taken."""
    now = now or timezone.now()
    taken = 0
    policies = list(Policy.objects.select_related("unit", "utility"))
    while taken < limit:
        with transaction.atomic():
            alarm = (
                Alarm.objects.filter(state=Alarm.State.OPEN, next_step_at__lte=now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("household__unit", "ticket")
                .order_by("next_step_at")
                .first()
            )
            if alarm is None:
                break
            _climb(alarm, policy_for(alarm.household.unit, policies), now)
            taken += 1
    return taken


def _climb(alarm: Alarm, policy: Policy, now: datetime) -> None:
    """One rung: tell whom it names, file the ticket or escalate; then wait for the next."""
    rungs = [ladder.from_code(c) for c in alarm.plan]
    if alarm.step >= len(rungs):
        alarm.next_step_at = None
        alarm.save(update_fields=["next_step_at"])
        return
    rung = rungs[alarm.step]
    household = alarm.household
    key = f"eldercare:{alarm.pk}:{rung.code()}"
    contacts = {c.order: c for c in household.contacts.all()}
    note = ""
    if rung.what == "elder":
        _sms(key, household.phone, _text(alarm, "elder"))
        note = "已短信提醒老人本人"
    elif rung.what == "contact" and rung.contact in contacts:
        contact = contacts[rung.contact]
        _sms(key, contact.phone, _text(alarm, "family"))
        who = contact.relation_note or contact.get_relation_display()
        note = f"已短信通知联系人{rung.contact}（{who}）"
    elif rung.what == "ticket":
        alarm.ticket = alarm.ticket or _file(alarm, policy)
        note = f"已生成工单 {alarm.ticket.number}" if alarm.ticket else "工单未能生成"
        if rung.copy:
            for c in contacts.values():
                if c.relation == "family":
                    _sms(f"{key}:{c.order}", c.phone, _text(alarm, "copy"))
            note += "，已同时短信告知家属"
    elif rung.what == "escalate":
        note = _escalate(alarm, key)
    record_event(alarm, rung.code(), now, note=note)
    alarm.step += 1
    wait = ladder.wait(
        rung, step_minutes=policy.step_minutes, escalate_minutes=policy.escalate_minutes
    )
    alarm.next_step_at = now + wait if wait is not None and alarm.step < len(rungs) else None
    alarm.save(update_fields=["ticket", "step", "next_step_at"])


def _text(alarm: Alarm, whom: str) -> str:
    h = alarm.household
    if whom == "elder":
        return (
            f"【民生关爱】{h.name}您好，家中水电表显示{alarm.detail}，如一切平安请回电社区报平安。"
        )
    if whom == "copy":
        return f"【民生关爱】{h.name}家中{alarm.detail}，社区已派人上门查看。"
    return f"【民生关爱】您的家人{h.name}家中{alarm.detail}，请尽快联系确认平安，并告知社区。"


def _sms(key: str, phone: str, body: str) -> None:
    if phone:
        delivery.enqueue(
            [
                delivery.Message(
                    kind="eldercare",
                    channel=Notification.Channel.SMS,
                    body=body,
                    dedupe_key=key,
                    phone=phone,
                )
            ]
        )


def _file(alarm: Alarm, policy: Policy) -> Ticket | None:
    """The alarm as a ticket through the one door: an urgent welfare visit to the household's
    community, or a normal device or leak ticket to the utility."""
    h = alarm.household
    welfare = alarm.kind == Alarm.Kind.WELFARE
    contacts = "；".join(
        f"{c.order}. {c.name}（{c.relation_note or c.get_relation_display()}）{mask_phone(c.phone)}"
        for c in h.contacts.all()
    )
    kind_label = Alarm.Kind(alarm.kind).label
    description = (
        f"{kind_label}：{h.name}（{h.code}），{h.address}。{alarm.detail}"
        f"（{alarm.window_start.astimezone(TZ):%m-%d %H:%M} 至 "
        f"{alarm.window_end.astimezone(TZ):%m-%d %H:%M}）。"
        f"联系人：{contacts}。完整电话见关爱页面。"
        + (
            "请立即上门查看，并在答复中写明上门结果（外出、有客人、漏水、表具故障、身体不适、跌倒、死亡或其他）。"
            if welfare
            else ""
        )
    )
    request = door.Request(
        category=loading.ensure(WELFARE if welfare else METER),
        title=f"{kind_label}：{h.address}"[:100],
        description=description,
        channel=Channel.SENSOR,
        urgency=Urgency.URGENT if welfare else Urgency.NORMAL,
        address=h.address,
        place=h.unit,
        chooser="programme",
        unit=h.unit if welfare else policy.utility,
        note=f"独居老人预警 #{alarm.pk}",
    )
    try:
        return door.submit(request, by=WATCH)
    except WorkflowError as error:
        logger.error("alarm %s: the ticket was refused: %s", alarm.pk, error)
        return None


def _escalate(alarm: Alarm, key: str) -> str:
    ticket = alarm.ticket
    if ticket is not None:
        ticket.refresh_from_db()
        if ticket.status not in NOT_TAKEN:
            return "工单已按时签收，无需升级"
    unit = alarm.household.unit
    street = (
        unit
        if unit.kind == Unit.Kind.STREET
        else Unit.objects.filter(kind=Unit.Kind.STREET, path__in=_ancestors(unit.path)).first()
    )
    number = ticket.number if ticket else ""
    url = ticket.get_absolute_url() if ticket else ""
    body = f"独居老人预警未及时处置：{alarm.household.address}，{alarm.detail}"
    messages = delivery.to_centre(
        ["supervisor"], kind="eldercare", body=body, key=key, url=url, number=number
    )
    if street is not None:
        messages += delivery.to_unit(
            street, kind="eldercare", body=body, key=f"{key}:s", url=url, number=number
        )
    delivery.enqueue(messages)
    return "工单超时未签收，已通知街道和督办"


def _ancestors(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def record_event(
    alarm: Alarm, action: str, at: datetime, *, by: str = "系统", note: str = ""
) -> None:
    """Append one step to the alarm's history."""
    AlarmEvent.objects.create(alarm=alarm, at=at, action=action, by=by[:80], note=note[:300])


def _note(ticket: Ticket, text: str, at: datetime) -> None:
    try:
        workflow.add_note(ticket, by=WATCH, text=text, at=at)
    except WorkflowError:
        logger.info("ticket %s takes no note now", ticket.number)


# --- silent meters ----------------------------------------------------------------------------


def find_silent(*, limit: int = 500, now: datetime | None = None) -> int:
    """Meters not heard from for their grace: a device-fault ticket to the utility, never a
    welfare alarm (and the silent window is never judged: rules cut series at such gaps)."""
    now = now or timezone.now()
    policies = list(Policy.objects.select_related("unit", "utility"))
    found = 0
    with transaction.atomic():
        candidates = (
            Meter.objects.filter(
                silent_since__isnull=True,
                last_received_at__isnull=False,
                household__ended_at__isnull=True,
            )
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("household__unit")
        )
        for meter in candidates[: limit * 10]:
            policy = policy_for(meter.household.unit, policies)
            params = rules.params_for(policy.preset, policy.params)
            interval = timedelta(minutes=meter.report_minutes)
            if not rules.is_silent(
                meter.last_received_at, interval=interval, factor=params.silent_factor, now=now
            ):
                continue
            meter.silent_since = now
            meter.save(update_fields=["silent_since"])
            finding = rules.Finding(
                "meter_silent",
                "meter_silent",
                meter.last_received_at or now,
                now,
                0.0,
                1,
                f"{meter.get_kind_display()}{meter.code}超过{params.silent_factor:g}个上报周期未上报",
            )
            if _raise(meter.household, meter, finding, policy, now, [], now):
                found += 1
            if found >= limit:
                break
    return found


# --- absences, acknowledgements, outcomes -----------------------------------------------------


def register_absence(
    household: Household,
    *,
    starts: datetime,
    ends: datetime,
    reason: str,
    source: str,
    by: str,
    ticket: Ticket | None = None,
    now: datetime | None = None,
) -> Absence:
    """Record an absence; welfare alarms whose window meets it are stood down (kept, marked)."""
    now = now or timezone.now()
    if ends <= starts:
        raise WorkflowError("结束时间应晚于开始时间。")
    if ends - starts > timedelta(days=366):
        raise WorkflowError("一次登记的外出不能超过一年。")
    if reason not in Absence.Reason.values:
        raise WorkflowError("请选择外出原因。")
    with transaction.atomic():
        absence = Absence.objects.create(
            household=household,
            starts=starts,
            ends=ends,
            reason=reason,
            source=source,
            reported_by=by[:80],
            ticket=ticket,
            created_at=now,
        )
        for alarm in Alarm.objects.filter(
            household=household,
            kind=Alarm.Kind.WELFARE,
            state=Alarm.State.OPEN,
            window_start__lt=ends,
            window_end__gt=starts,
        ):
            alarm.state, alarm.next_step_at = Alarm.State.SUPPRESSED, None
            alarm.save(update_fields=["state", "next_step_at"])
            record_event(
                alarm, "suppressed", now, by=by, note=f"登记外出：{absence.get_reason_display()}"
            )
            if alarm.ticket is not None:
                _note(
                    alarm.ticket,
                    f"家属或社区登记老人外出（{absence.get_reason_display()}），预警解除前请电话核实。",
                    now,
                )
    return absence


def acknowledge(alarm: Alarm, *, by: str, note: str = "", now: datetime | None = None) -> None:
    """Someone confirmed the elder is safe: the ladder stops; a ticket already filed stays in
    the loop for its visit and reply."""
    now = now or timezone.now()
    with transaction.atomic():
        alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
        if alarm.state != Alarm.State.OPEN:
            raise WorkflowError("该预警已不在处理中。")
        alarm.state, alarm.next_step_at = Alarm.State.ACKNOWLEDGED, None
        alarm.save(update_fields=["state", "next_step_at"])
        record_event(alarm, "acknowledged", now, by=by, note=note or "已确认平安")
        if alarm.ticket is not None:
            _note(alarm.ticket, f"{by}确认老人平安：{note or '（无说明）'}", now)


def record_outcome(
    alarm: Alarm, *, outcome: str, note: str, by: User, now: datetime | None = None
) -> None:
    """The visit's outcome, as the ticket's reply (答复) through the workflow, and on the alarm."""
    now = now or timezone.now()
    if outcome not in rules.OUTCOMES:
        raise WorkflowError("请选择上门结果。")
    with transaction.atomic():
        alarm = (
            Alarm.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=alarm.pk)
        )
        if alarm.ticket is None:
            raise WorkflowError("该预警没有工单，无需填写上门结果。")
        text = f"上门结果：{rules.OUTCOMES[outcome]}。{note.strip()}"
        workflow.reply(alarm.ticket, by=by, text=text, at=now)  # on_ticket_event records it


def on_ticket_event(sender: Any, ticket: Ticket, event: Any, **kwargs: Any) -> None:
    """A reply on an alarm's ticket carries the visit's outcome; a closed ticket closes it."""
    if ticket.channel != Channel.SENSOR or event.action not in (Action.REPLY, Action.CLOSE):
        return
    alarm = Alarm.objects.filter(ticket=ticket).first()
    if alarm is None:
        return
    if event.action == Action.CLOSE:
        alarm.state, alarm.next_step_at = Alarm.State.CLOSED, None
        alarm.save(update_fields=["state", "next_step_at"])
        record_event(alarm, "closed", event.at, note=f"工单 {ticket.number} 已办结")
        return
    outcome = rules.outcome_of(ticket.reply)
    alarm.outcome, alarm.visited_at = outcome, event.at
    if alarm.state == Alarm.State.OPEN:
        alarm.state = Alarm.State.ACKNOWLEDGED
    alarm.next_step_at = None
    alarm.save(update_fields=["outcome", "visited_at", "state", "next_step_at"])
    record_event(alarm, "outcome", event.at, by=event.actor_label, note=rules.OUTCOMES[outcome])
