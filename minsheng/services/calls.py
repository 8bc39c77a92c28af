"""The write module of remote video pre-review (远程视频预审): slots, bookings, the signalling
messages the two browsers exchange through the platform's own pages, and the clerk's result.

The media never passes through the server: the browsers connect to each other (WebRTC), with
a STUN/TURN server of the deployment's own (coturn, docs/services.md) where networks need one.
"""

import json
import os
import secrets
import time as clock
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.orgs.models import Unit
from minsheng.services import rules, write
from minsheng.services.models import Application, Review, Signal, Slot
from minsheng.services.rules import RuleError

TURN_URLS, TURN_SECRET = "MINSHENG_TURN_URLS", "MINSHENG_TURN_SECRET"
TURN_TTL_SECONDS = 2 * 3600
ICE_SETTING = "MINSHENG_ICE_SERVERS"  # JSON, e.g. [{"urls": "turn:turn.example.cn:3478", ...}]
MAX_SIGNALS = 200  # per call: a call needs a handful; more is a loop gone wrong


@transaction.atomic
def add_slots(window: Unit, *, day: date, times: list[time], minutes: int = 20) -> list[Slot]:
    """Open slots of a window for one day; a time already open is left as it is."""
    if not times:
        raise RuleError("请至少选择一个时段。")
    if day < timezone.localdate():
        raise RuleError("不能开放过去的时段。")
    made = []
    for moment in times:
        starts = timezone.make_aware(datetime.combine(day, moment))
        slot, created = Slot.objects.get_or_create(
            window=window, starts_at=starts, defaults={"minutes": minutes}
        )
        if created:
            made.append(slot)
    return made


@transaction.atomic
def book(app: Application, slot: Slot) -> Review:
    """The resident books a free slot of the bundle's window for their application."""
    locked = Slot.objects.select_for_update().get(pk=slot.pk)
    if locked.application_id is not None:
        raise RuleError("这个时段已被预约，请选择其他时段。")
    if locked.window_id != app.bundle.window_id:
        raise RuleError("请选择受理窗口的时段。")
    if locked.starts_at + timedelta(minutes=locked.minutes) < timezone.now():
        raise RuleError("这个时段已经过去。")
    if Slot.objects.filter(application=app).exists():
        raise RuleError("这份申请已经预约了视频预审。")
    Slot.objects.filter(pk=locked.pk).update(application=app, booked_at=timezone.now())
    review = Review.objects.create(slot=locked, room=secrets.token_urlsafe(12))
    when = timezone.localtime(locked.starts_at)
    by = app.name
    if app.proxy is not None:  # a proxy's act names both, and needs a valid authorisation
        write.check_proxy(app.proxy, app.bundle)
        by = rules.both_names(app.proxy.proxy_name, app.proxy.principal_name)
    write.record(app, "book", "预约视频预审", by, note=f"{when:%Y-%m-%d %H:%M}")
    return review


@transaction.atomic
def post_signal(review: Review, *, sender: str, kind: str, payload: str) -> Signal:
    """Store one signalling message until the other side polls it."""
    if sender not in rules.SIGNAL_SENDERS or kind not in rules.SIGNAL_KINDS:
        raise RuleError("信令类型不正确。")
    if not payload or len(payload) > rules.MAX_SIGNAL:
        raise RuleError("信令内容为空或过长。")
    try:
        json.loads(payload)
    except ValueError:
        raise RuleError("信令内容不是 JSON。") from None
    if review.finished_at is not None:
        raise RuleError("视频预审已经结束。")
    if review.signals.count() >= MAX_SIGNALS:
        raise RuleError("信令过多，请刷新页面重新连接。")
    if kind == "offer":  # a new offer starts the call over: forget the old exchange
        review.signals.all().delete()
    return Signal.objects.create(
        review=review, sender=sender, kind=kind, payload=payload, at=timezone.now()
    )


@transaction.atomic
def finish(review: Review, *, by: User, ticked: list[str], note: str = "") -> None:
    """The clerk's checklist becomes the result: attached to the application, sent by SMS."""
    if review.finished_at is not None:
        raise RuleError("视频预审已经结束。")
    app = review.slot.application
    if app is None:
        raise RuleError("这个时段没有预约。")
    materials = materials_of(app)
    unknown = set(ticked) - set(materials)
    if unknown:
        raise RuleError("勾选的材料不在清单中。")
    result, missing = rules.checklist(materials, ticked)
    Review.objects.filter(pk=review.pk).update(
        clerk=by,
        checked=[m for m in materials if m in set(ticked)],
        missing=missing,
        result=result,
        note=(note or "").strip()[:300],
        finished_at=timezone.now(),
    )
    review.signals.all().delete()
    label = "视频预审：材料齐全" if result == "complete" else "视频预审：材料不全"
    summary = "材料齐全" if not missing else "缺少：" + "、".join(missing)
    write.record(app, "review", label, by, note=f"{summary}。{note}".strip()[:500])
    write._sms(
        app.resident.phone,
        f"【一件事一次办】您的申请 {app.number} 已完成视频预审：{summary}。"
        + ("" if not missing else "请备齐后再办理。"),
        key=f"services-review-{review.pk}",
        kind="services_review",
        url=reverse("services_m:progress", args=[app.key]),
    )


def materials_of(app: Application) -> list[str]:
    """Every material the bundle's items ask for, each once, in item order."""
    seen: list[str] = []
    for item in app.bundle.items.all():
        for material in item.materials:
            if material not in seen:
                seen.append(material)
    return seen


def ice_servers() -> str:
    """The STUN/TURN servers the browsers use, as JSON: the deployment's own (coturn).

    `MINSHENG_TURN_URLS` (space-separated stun:/turn:/turns: URLs) with `MINSHENG_TURN_SECRET`
    (coturn's static-auth-secret): each page gets a credential valid for two hours. Or
    `MINSHENG_ICE_SERVERS`, a JSON list given to RTCPeerConnection as is. Neither: none
    (browsers that reach each other connect directly)."""
    urls = os.environ.get(TURN_URLS, "").split()
    secret = os.environ.get(TURN_SECRET, "")
    if urls and secret:
        username, credential = rules.turn_credential(
            secret, now=int(clock.time()), ttl=TURN_TTL_SECONDS
        )
        return json.dumps([{"urls": urls, "username": username, "credential": credential}])
    raw = os.environ.get(ICE_SETTING, "").strip()
    if not raw:
        return "[]"
    try:
        servers = json.loads(raw)
    except ValueError:
        return "[]"
    return json.dumps(servers if isinstance(servers, list) else [])
