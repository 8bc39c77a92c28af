"""The write module of bundled services: applications, their work items and proxies, each
change in one transaction and on the application's timeline (`Event`).

Every work item enters the loop through `minsheng.intake.door` as a ticket sent straight to
the item's department, and changes through `minsheng.tickets.workflow`. The department's reply
on that ticket — from the item page here, or from the ticket page itself — comes back through
`event_recorded` (`on_ticket_event`): the item is done and the items waiting for it start.
Video calls are written by `calls.py`, transfers by `transfers.py`.
"""

import hmac
import secrets
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.citizens import registry
from minsheng.citizens.masking import normalise_phone
from minsheng.citizens.models import Resident
from minsheng.intake import door
from minsheng.notifications import delivery
from minsheng.notifications.models import Notification
from minsheng.residents import photos
from minsheng.services import rules
from minsheng.services.apps import GENERAL_WORKDAYS, ITEM_CATEGORY, ITEM_LONG_CATEGORY
from minsheng.services.models import Application, Authorisation, Bundle, Event, Upload, Work
from minsheng.services.rules import RuleError
from minsheng.sla.deadlines import official_calendar
from minsheng.taxonomy.loading import ensure
from minsheng.tickets import workflow
from minsheng.tickets.models import Channel, Status, Ticket
from minsheng.tickets.names import Action
from minsheng.tickets.transitions import Actor, policy_of

SYSTEM = Actor(label="一件事一次办", kind="system")
BAD_PHONE = "请输入正确的手机号码。"
CODE_TRIES = 5


def _label(by: User | str) -> str:
    if isinstance(by, User):
        return (by.get_full_name() or by.username)[:80]
    return by[:80]


def record(
    app: Application,
    action: str,
    label: str,
    by: User | str,
    *,
    note: str = "",
    work: Work | None = None,
    at: datetime | None = None,
) -> Event:
    return Event.objects.create(
        application=app,
        work=work,
        action=action,
        label=label[:60],
        note=note[:500],
        actor=_label(by),
        at=at or timezone.now(),
    )


def _resident(phone: str, name: str) -> Resident:
    number = normalise_phone(phone or "")
    if not number:
        raise RuleError(BAD_PHONE)
    return registry.remember(phone=number, name=name.strip()[:40])


def _name(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleError(f"请填写{label}。")
    if len(value) > 40:
        raise RuleError(f"{label}不能超过 40 字。")
    return value


def questions(bundle: Bundle) -> list[rules.Question]:
    return [
        rules.Question(
            key=f.key,
            label=f.label,
            kind=f.kind,
            required=f.required,
            choices=tuple(c for c in f.choices.split("、") if c),
        )
        for f in bundle.fields.all()
    ]


def _number(now: datetime) -> str:
    prefix = f"YJS{timezone.localtime(now):%Y%m%d}"
    last = (
        Application.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{int(last[-4:]) + 1 if last else 1:04d}"


def numbered(now: datetime, **fields: Any) -> Application:
    """A new application with the day's next number; two at once: the loser draws again."""
    for _ in range(5):
        try:
            with transaction.atomic():  # a savepoint: a taken number leaves the caller's intact
                return Application.objects.create(number=_number(now), **fields)
        except IntegrityError:
            continue
    raise RuleError("申请编号繁忙，请稍后再试。")


# --- proxies (亲友代办) --------------------------------------------------------------------------


def _code_hash(auth_key: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{auth_key}:{code}".encode(), "sha256"
    ).hexdigest()


@transaction.atomic
def authorise(
    *,
    principal_phone: str,
    principal_name: str,
    proxy_phone: str,
    proxy_name: str,
    relation: str,
    bundles: list[Bundle],
    valid_until: date,
    evidence: str,
    photo: bytes = b"",
) -> Authorisation:
    """A relative asks to act for an elder: with the signed form's photo it holds at once;
    by SMS the elder receives a code and the authorisation holds once the code is entered."""
    principal = _resident(principal_phone, principal_name)
    proxy = _resident(proxy_phone, proxy_name)
    if principal.pk == proxy.pk:
        raise RuleError("委托人和代办人不能是同一个手机号。")
    if not bundles:
        raise RuleError("请选择可以代办的事项。")
    today = timezone.localdate()
    if valid_until <= today or (valid_until - today).days > 366 * 3:
        raise RuleError("有效期须在今天之后，最长三年。")
    now = timezone.now()
    auth = Authorisation(
        principal=principal,
        principal_name=_name(principal_name, "委托人姓名"),
        proxy=proxy,
        proxy_name=_name(proxy_name, "代办人姓名"),
        relation=_name(relation, "与委托人的关系")[:20],
        valid_until=valid_until,
        evidence=evidence,
        key=secrets.token_hex(4).upper(),
        created_at=now,
    )
    if evidence == Authorisation.Evidence.PHOTO:
        try:
            cleaned = photos.clean(photo)
        except photos.PhotoError as error:
            raise RuleError(str(error)) from error
        auth.photo, auth.photo_type, auth.confirmed_at = cleaned.data, cleaned.content_type, now
    elif evidence == Authorisation.Evidence.SMS:
        code = f"{secrets.randbelow(10**6):06d}"
        auth.code_hash, auth.code_sent_at = _code_hash(auth.key, code), now
        _sms(
            principal.phone,
            f"【一件事一次办】{auth.proxy_name}（{auth.relation}）申请代您办理政务服务事项，"
            f"有效期至{valid_until:%Y-%m-%d}。如您同意，请把验证码 {code} 告诉代办人；"
            "不同意请忽略本短信。",
            key=f"services-auth-{auth.key}",
            kind="services_proxy_code",
        )
    else:
        raise RuleError("请选择授权凭证。")
    auth.save()
    auth.bundles.set(bundles)
    return auth


def confirm(auth: Authorisation, code: str) -> None:
    """The elder's code, as the proxy types it: the authorisation now holds. A wrong code
    counts (committed, though the caller sees an error); five wrong codes end the request."""
    with transaction.atomic():
        locked = Authorisation.objects.select_for_update().get(pk=auth.pk)
        if locked.confirmed_at or locked.revoked_at:
            raise RuleError("该授权无需确认。")
        if locked.code_tries >= CODE_TRIES:
            raise RuleError("验证码错误次数过多，请重新申请授权。")
        right = hmac.compare_digest(locked.code_hash, _code_hash(locked.key, (code or "").strip()))
        if right:
            Authorisation.objects.filter(pk=locked.pk).update(confirmed_at=timezone.now())
        else:
            Authorisation.objects.filter(pk=locked.pk).update(code_tries=locked.code_tries + 1)
    auth.refresh_from_db()
    if not right:
        raise RuleError("验证码不正确。")


@transaction.atomic
def revoke(auth: Authorisation, *, by: User | str) -> None:
    if auth.revoked_at:
        raise RuleError("该授权已经撤销。")
    Authorisation.objects.filter(pk=auth.pk).update(
        revoked_at=timezone.now(), revoked_by=_label(by)
    )
    auth.refresh_from_db()


def check_proxy(auth: Authorisation, bundle: Bundle) -> None:
    """RuleError unless this authorisation lets its proxy act for this bundle today."""
    refusal = rules.proxy_refusal(
        today=timezone.localdate(),
        valid_until=auth.valid_until,
        confirmed=auth.confirmed_at is not None,
        revoked=auth.revoked_at is not None,
        covers_bundle=auth.bundles.filter(pk=bundle.pk).exists(),
    )
    if refusal:
        raise RuleError(refusal)


def proxy_by_code(code: str, proxy_phone: str) -> Authorisation:
    phone = normalise_phone(proxy_phone or "")
    auth = Authorisation.objects.filter(key=(code or "").strip().upper()).first()
    if auth is None or not phone or auth.proxy.phone != phone:
        raise RuleError("授权码与代办人手机号不符。")
    return auth


# --- applications ----------------------------------------------------------------------------


@transaction.atomic
def apply(
    bundle: Bundle,
    *,
    name: str,
    phone: str,
    answers: dict[str, str],
    clerk: User | None = None,
    proxy: Authorisation | None = None,
) -> Application:
    """One form, filled once: the application and one work item per item; the items with
    nothing to wait for go to their departments now, side by side."""
    if not bundle.is_active:
        raise RuleError("这件事暂停受理。")
    if proxy is not None:
        check_proxy(proxy, bundle)  # first: a refused proxy need not correct the form
    cleaned = rules.clean_answers(questions(bundle), answers)
    if proxy is not None:
        resident, applicant = proxy.principal, proxy.principal_name
        by = rules.both_names(proxy.proxy_name, proxy.principal_name)
    else:
        applicant = _name(name, "申请人姓名")
        resident = _resident(phone, applicant)
        by = applicant
    if clerk is not None:
        by = f"{_label(clerk)}（窗口代录：{by}）"
    items = list(bundle.items.prefetch_related("depends_on"))
    if not items:
        raise RuleError("这件事还没有配置事项。")
    rules.check_order({i.pk: [d.pk for d in i.depends_on.all()] for i in items})
    now = timezone.now()
    app = numbered(
        now,
        bundle=bundle,
        resident=resident,
        name=applicant,
        answers=cleaned,
        proxy=proxy,
        key=secrets.token_urlsafe(18),
        created_at=now,
    )
    Work.objects.bulk_create(Work(application=app, item=i) for i in items)
    record(app, "apply", "提交申请（一表申请）", by, note=f"{bundle.name}，{len(items)} 个事项")
    start_ready(app)
    return app


def start_ready(app: Application) -> list[Work]:
    """Send to their departments the items whose prerequisites are all done."""
    works = list(
        app.works.select_related("item", "item__unit").prefetch_related("item__depends_on")
    )
    deps = {w.item_id: [d.pk for d in w.item.depends_on.all()] for w in works}
    done = [w.item_id for w in works if w.state == Work.State.DONE]
    started = [w.item_id for w in works if w.state != Work.State.WAITING]
    starting = set(rules.ready(deps, done=done, started=started))
    sent = [w for w in works if w.item_id in starting]
    for work in sent:
        _send(app, work)
    return sent


def _send(app: Application, work: Work) -> None:
    item = work.item
    labels = {f.key: f.label for f in app.bundle.fields.all()}
    keys = [f.key for f in item.fields.all()]
    masked = {
        k: (rules.mask_id(v) if app.bundle.fields.filter(key=k, kind="id").exists() else v)
        for k, v in app.answers.items()
    }
    lines = rules.answers_for(keys, labels, masked)
    text = "；".join(f"{label}：{value}" for label, value in lines) or "（无）"
    materials = "、".join(item.materials) or "无"
    ticket = door.submit(
        door.Request(
            category=ensure(
                ITEM_CATEGORY if item.limit_workdays <= GENERAL_WORKDAYS else ITEM_LONG_CATEGORY
            ),
            channel=Channel.OFFLINE,
            request_type="help",
            phone="",  # the resident hears once, from the application, not from each ticket
            title=f"{app.bundle.name}·{item.name}"[:30],
            description=(
                f"一件事联办申请 {app.number}（{app.bundle.name}）中的“{item.name}”，"
                f"法定时限 {item.limit_workdays} 个工作日。申请人：{app.name}。"
                f"表单信息：{text}。所需材料：{materials}。请在一件事页面审核办结或退回补正。"
            ),
            chooser="programme",
            unit=item.unit,
            note=f"一件事联办：{item.name}",
        ),
        by=SYSTEM,
    )
    now = timezone.now()
    due, _ = official_calendar().add_workdays(timezone.localtime(now).date(), item.limit_workdays)
    Work.objects.filter(pk=work.pk).update(
        state=Work.State.RUNNING, ticket=ticket, started_at=now, due=due
    )
    work.refresh_from_db()
    record(
        app,
        "send",
        f"转{item.unit.name}办理",
        SYSTEM.label,
        work=work,
        note=f"{item.name}：工单 {ticket.number}，法定办结日 {due:%Y-%m-%d}",
    )


def _ticket_for(work: Work) -> Ticket:
    if work.ticket_id is None:
        raise RuleError("该事项尚未转到办理部门。")
    return Ticket.objects.get(pk=work.ticket_id)


@transaction.atomic
def approve(work: Work, *, by: User, note: str = "") -> None:
    """The department finishes its item: it answers the item's ticket (accepting it and
    restarting its clock first if needed); `on_ticket_event` does the rest."""
    if work.state != Work.State.RUNNING:
        raise RuleError("该事项当前不能办结（待补正的事项须等群众补正材料）。")
    ticket = _ticket_for(work)
    if ticket.status == Status.DISPATCHED:
        workflow.accept(ticket, by=by)
        ticket.refresh_from_db()
    if ticket.paused_since:
        workflow.resume(ticket, by=by, note="群众已补正材料")
        ticket.refresh_from_db()
    text = f"【一件事】{work.item.name}已办结。{(note or '').strip()[:200]}"
    workflow.reply(ticket, by=by, text=text)


@transaction.atomic
def reject(work: Work, *, by: User, material: str, reason: str) -> None:
    """Send one item back for one material; the other items go on. The ticket's clock stops
    while the resident fixes it (暂停计时 as the policy allows; where it wants the centre's
    approval, the pause is asked for)."""
    if work.state != Work.State.RUNNING:
        raise RuleError("只有办理中的事项可以退回补正。")
    if material not in work.item.materials:
        raise RuleError("请选择需要补正的材料。")
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        raise RuleError("请写明补正要求（不超过 300 字）。")
    ticket = _ticket_for(work)
    if ticket.status == Status.DISPATCHED:
        workflow.accept(ticket, by=by)
        ticket.refresh_from_db()
    if not ticket.paused_since and not ticket.pause_requested_at:
        wait = f"待群众补正材料：{material}"
        if policy_of(ticket).pause_needs_approval:  # the centre approves, the clock runs meanwhile
            workflow.request_pause(ticket, by=by, reason=wait)
        else:
            workflow.pause(ticket, by=by, reason=wait)
    Work.objects.filter(pk=work.pk).update(
        state=Work.State.REJECTED, material=material, reason=reason
    )
    app = work.application
    Application.objects.filter(pk=app.pk).update(state=Application.State.FIXING)
    record(
        app, "reject", f"退回补正：{work.item.name}", by, work=work, note=f"{material}：{reason}"
    )
    _sms(
        app.resident.phone,
        f"【一件事一次办】您的申请 {app.number} 中“{work.item.name}”需补正材料：{material}"
        f"（{reason}）。其他事项照常办理。请打开办理进度页补正。",
        key=f"services-reject-{work.pk}-{Event.objects.filter(work=work).count()}",
        kind="services_fix",
        url=reverse("services_m:progress", args=[app.key]),
    )


@transaction.atomic
def fix(work: Work, *, note: str, proxy_phone: str = "", photo: bytes = b"") -> None:
    """The resident (or their proxy, while the authorisation holds) supplies the material,
    with a photo of it if they have one."""
    if work.state != Work.State.REJECTED:
        raise RuleError("该事项不需要补正。")
    note = (note or "").strip()
    if not note or len(note) > 300:
        raise RuleError("请说明补正的情况（不超过 300 字）。")
    app = work.application
    by = app.name
    if app.proxy is not None:
        auth = proxy_by_code(app.proxy.key, proxy_phone) if proxy_phone else app.proxy
        check_proxy(auth, app.bundle)
        by = rules.both_names(auth.proxy_name, auth.principal_name)
    if photo:
        try:
            cleaned = photos.clean(photo)
        except photos.PhotoError as error:
            raise RuleError(str(error)) from error
        Upload.objects.create(
            work=work,
            material=work.material,
            data=cleaned.data,
            content_type=cleaned.content_type,
            at=timezone.now(),
        )
    Work.objects.filter(pk=work.pk).update(state=Work.State.RUNNING, material="", reason="")
    if not app.works.filter(state=Work.State.REJECTED).exclude(pk=work.pk).exists():
        Application.objects.filter(pk=app.pk).update(state=Application.State.RUNNING)
    record(
        app, "fix", f"补正材料：{work.item.name}", by, work=work, note=f"{work.material}：{note}"
    )
    delivery.enqueue(
        delivery.to_unit(
            work.item.unit,
            kind="services_fixed",
            body=f"一件事申请 {app.number} 的“{work.item.name}”已补正{work.material}，请审核。",
            key=f"services-fixed-{work.pk}-{Event.objects.filter(work=work).count()}",
            url=reverse("services:work", args=[work.pk]),
            number=work.ticket.number if work.ticket else "",
        )
    )


def _sms(phone: str, body: str, *, key: str, kind: str, url: str = "") -> None:
    delivery.enqueue(
        [
            delivery.Message(
                kind=kind,
                channel=Notification.Channel.SMS,
                body=body,
                dedupe_key=key,
                phone=phone,
                url=url,
            )
        ]
    )


def on_ticket_event(sender: Any, ticket: Ticket, event: Any, **kwargs: Any) -> None:
    """The loop's answer on an item's ticket: the item is done, the items waiting for it start,
    and when every item is done the resident gets one SMS. A request another region
    transferred here (Open311, with a transfer key) becomes an application of this side."""
    if ticket.channel == Channel.API:
        _inbound(ticket, event)
        return
    if ticket.channel != Channel.OFFLINE or event.action != Action.REPLY:
        return
    work = (
        Work.objects.select_related("application", "item", "item__unit")
        .filter(ticket=ticket, state=Work.State.RUNNING)
        .first()
    )
    if work is None:
        return
    Work.objects.filter(pk=work.pk).update(state=Work.State.DONE, done_at=event.at)
    app = work.application
    record(
        app,
        "done",
        f"{work.item.name}已办结",
        event.actor_label,
        work=work,
        note=ticket.reply[:300],
        at=event.at,
    )
    start_ready(app)
    if app.works.exclude(state=Work.State.DONE).exists():
        return
    Application.objects.filter(pk=app.pk).update(
        state=Application.State.DONE, done_at=event.at, notified_at=timezone.now()
    )
    record(app, "finish", "全部事项办结", SYSTEM.label, at=event.at)
    names = "、".join(w.item.name for w in app.works.select_related("item"))
    _sms(
        app.resident.phone,
        f"【一件事一次办】{app.name}，您的“{app.bundle.name}”（{app.number}）已全部办结：{names}。"
        f"请到{app.bundle.window_address or app.bundle.window.name}领取或查看办理进度页。",
        key=f"services-done-{app.pk}",
        kind="services_done",
        url=reverse("services_m:progress", args=[app.key]),
    )


def _inbound(ticket: Ticket, event: Any) -> None:
    """An application transferred from another region: recorded on receipt (once per key),
    followed as its ticket goes through this side's loop."""
    if event.action == Action.RECEIVE:
        key = rules.key_in(ticket.description)
        bundle_name, origin = rules.transfer_origin(ticket.description)
        bundle = Bundle.objects.filter(name=bundle_name).first() if bundle_name else None
        if key is None or bundle is None or Application.objects.filter(inbound_key=key).exists():
            return
        app = numbered(
            event.at,
            bundle=bundle,
            resident=ticket.resident,
            name=(ticket.resident.name or "外地申请人")[:40],
            answers={},
            key=secrets.token_urlsafe(18),
            created_at=event.at,
            origin=f"跨省通办：由{origin}转来"[:120],
            inbound_key=key,
            inbound_ticket=ticket,
        )
        record(
            app,
            "inbound",
            f"跨省通办转入（{origin}）"[:60],
            event.actor_label,
            note=f"对方转办编号 {key}，本地工单 {ticket.number}",
            at=event.at,
        )
        return
    if event.action not in (Action.REPLY, Action.CLOSE, Action.CLOSE_UNRATED):
        return
    inbound = Application.objects.filter(inbound_ticket=ticket).first()
    if inbound is None:
        return
    if event.action == Action.REPLY:
        record(inbound, "local_reply", "本地已答复", event.actor_label, note=ticket.reply[:300])
    else:
        Application.objects.filter(pk=inbound.pk).update(
            state=Application.State.DONE, done_at=event.at
        )
        record(inbound, "finish", "本地已办结", event.actor_label, at=event.at)
