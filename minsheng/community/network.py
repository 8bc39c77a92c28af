"""The community network's write module: heads' invitations, codes and sessions; their phone
reports; leaders' visits; slips at stations; consultation meetings. Every write is one
transaction; a refusal is a RuleError (or WorkflowError) with a Chinese message and no write.
The five-party linkage itself lives in `linkage.py`, sheets in `importing.py`."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.citizens.masking import normalise_phone
from minsheng.community import linkage as links
from minsheng.community import queries, rules
from minsheng.community.apps import BUILDING, MEETING, STATION, VISIT
from minsheng.community.models import (
    Building,
    Head,
    HeadSession,
    Invitation,
    Leader,
    Linkage,
    Meeting,
    Pairing,
    Participant,
    Problem,
    Resolution,
    Slip,
    Stairwell,
    Station,
    Visit,
)
from minsheng.community.rules import RuleError
from minsheng.intake import door
from minsheng.notifications import delivery
from minsheng.notifications.models import Notification
from minsheng.orgs.models import Unit
from minsheng.taxonomy import loading
from minsheng.tickets import files
from minsheng.tickets.transitions import Actor

INVITATION_DAYS = 7
CODE_MINUTES = 10
MAX_CODE_TRIES = 5
RESEND_SECONDS = 60  # one code a minute at most: no SMS bombing through the link


def _sms(phone: str, key: str, body: str, at: datetime) -> None:
    delivery.enqueue(
        [
            delivery.Message(
                kind="community",
                channel=Notification.Channel.SMS,
                body=body,
                dedupe_key=key,
                phone=phone,
            )
        ],
        at=at,
    )


# --- heads: invitation, one-time code, session ---------------------------------------------


def invite(head: Head, *, by: User, at: datetime | None = None) -> str:
    """Send the head an invitation link by SMS; returns the link's token (kept only hashed)."""
    now = at or timezone.now()
    if not head.is_active:
        raise RuleError("该人员已不在任，不能邀请。")
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        Invitation.objects.create(
            head=head,
            token_hash=rules.digest(token),
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_DAYS),
            created_by=by,
        )
        base = getattr(settings, "MINSHENG_PUBLIC_URL", "").rstrip("/")
        link = f"{base}{reverse('community_m:join', args=[token])}"
        body = (
            f"【基层治理】{head.name}您好，请用手机打开 {link} 登录"
            f"{head.get_role_display()}工作台（{INVITATION_DAYS} 天内有效）。"
        )
        _sms(head.phone, f"community-invite:{rules.digest(token)[:32]}", body, now)
    return token


def _invitation(token: str, now: datetime) -> Invitation:
    found = (
        Invitation.objects.select_for_update()
        .select_related("head")
        .filter(token_hash=rules.digest(token or ""))
        .first()
    )
    if found is None or found.used_at or found.expires_at < now or not found.head.is_active:
        raise RuleError("邀请链接无效或已过期，请联系社区重新发送。")
    if found.code_tries >= MAX_CODE_TRIES:
        raise RuleError("验证码错误次数过多，该邀请已失效，请联系社区重新发送。")
    return found


def send_code(token: str, *, at: datetime | None = None) -> str:
    """Text a one-time code to the invited head's phone; returns it (for the tests)."""
    now = at or timezone.now()
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        invitation = _invitation(token, now)
        sent = invitation.code_expires_at and invitation.code_expires_at - timedelta(
            minutes=CODE_MINUTES
        )
        if sent and (now - sent).total_seconds() < RESEND_SECONDS:
            raise RuleError("验证码已发送，请 1 分钟后再试。")
        invitation.code_hash = rules.digest(code)
        invitation.code_expires_at = now + timedelta(minutes=CODE_MINUTES)
        invitation.save(update_fields=["code_hash", "code_expires_at"])
        body = f"【基层治理】您的登录验证码是 {code}，{CODE_MINUTES} 分钟内有效，请勿告诉他人。"
        key = f"community-code:{invitation.pk}:{now.timestamp():.0f}"
        _sms(invitation.head.phone, key, body, now)
    return code


def verify(token: str, code: str, *, at: datetime | None = None) -> str:
    """Check the code; returns a new session key tied to the head's role and area. A wrong code
    counts (and is kept counted) before RuleError is raised."""
    now = at or timezone.now()
    with transaction.atomic():
        invitation = _invitation(token, now)
        good = (
            invitation.code_hash
            and invitation.code_expires_at
            and invitation.code_expires_at >= now
            and secrets.compare_digest(invitation.code_hash, rules.digest((code or "").strip()))
        )
        if not good:
            invitation.code_tries += 1
            invitation.save(update_fields=["code_tries"])
        else:
            key = secrets.token_urlsafe(32)
            head = invitation.head
            invitation.used_at = now
            invitation.save(update_fields=["used_at"])
            HeadSession.objects.create(
                head=head,
                key_hash=rules.digest(key),
                role=head.role,
                area=head.area_label[:120],
                created_at=now,
                last_seen_at=now,
            )
            return key
    raise RuleError("验证码不正确或已过期。")


def session_head(key: str | None, *, at: datetime | None = None) -> Head | None:
    """The head a session key stands for, if the session is live and still matches the head's
    role and area (a head moved to another building must be invited again)."""
    if not key:
        return None
    now = at or timezone.now()
    found = (
        HeadSession.objects.select_related("head")
        .filter(key_hash=rules.digest(key), revoked_at__isnull=True, head__is_active=True)
        .first()
    )
    if found is None:
        return None
    head = found.head
    if found.role != head.role or found.area != head.area_label[:120]:
        return None
    if (now - found.last_seen_at).total_seconds() > 300:
        HeadSession.objects.filter(pk=found.pk).update(last_seen_at=now)
    return head


def revoke(head: Head, *, by: User, at: datetime | None = None) -> int:
    """End every session of the head and void the open invitations; returns sessions ended."""
    now = at or timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(head=head, used_at__isnull=True).update(expires_at=now)
        return HeadSession.objects.filter(head=head, revoked_at__isnull=True).update(revoked_at=now)


def end_session(key: str) -> None:
    HeadSession.objects.filter(key_hash=rules.digest(key or "")).update(revoked_at=timezone.now())


# --- heads' reports ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    building: Building
    text: str
    stairwell: Stairwell | None = None
    room: str = ""


def report(head: Head, data: Report, *, at: datetime | None = None) -> Linkage:
    """A head's phone report: a ticket (channel grid) with the building and unit in it, offered
    by five-party linkage; only for a building in the head's area."""
    if not queries.buildings_of(head).filter(pk=data.building.pk).exists():
        raise RuleError("只能上报您负责范围内的楼栋。")
    if data.stairwell is not None and data.stairwell.building_id != data.building.pk:
        raise RuleError("所选单元不属于该楼栋。")
    text = rules.cell_text(data.text, "问题描述", 1000)
    if len(text) < 5:
        raise RuleError("请把问题说清楚（至少 5 个字）。")
    room = rules.cell_text(data.room, "房号", 20, required=False)
    b = data.building
    where = f"{b.name}{f'{data.stairwell.number}单元' if data.stairwell else ''}{room}"
    community = Unit.objects.get(pk=b.community_id)
    with transaction.atomic():
        return links.start(
            links.Origin(
                community=community,
                grid=Unit.objects.filter(pk=b.grid_id).first() if b.grid_id else None,
                building=b,
                stairwell=data.stairwell,
                room=room,
                reporter=head,
            ),
            category=loading.ensure(BUILDING),
            title=f"{community.name}{where}：{text[:30]}",
            text=f"{text}\n（{head.get_role_display()}{head.name}上报；位置：{where}）",
            by=Actor(label=f"{head.get_role_display()}{head.name}"[:60], kind="system"),
            address=f"{b.address or community.name}{where}",
            lon=b.lon,
            lat=b.lat,
            at=at,
        )


# --- leaders' visits (联点访户) ------------------------------------------------------------


@dataclass(frozen=True)
class VisitLog:
    pairing: Pairing
    visited_on: date
    people_met: str
    notes: str = ""
    problems: tuple[str, ...] = ()
    photo: UploadedFile | None = None


def log_visit(leader: Leader, data: VisitLog, *, at: datetime | None = None) -> Visit:
    """A visit from the leader's phone; every problem found becomes a ticket with the leader's
    name on it, to the street of the contact point."""
    now = at or timezone.now()
    if data.pairing.leader_id != leader.pk:
        raise RuleError("只能记录您自己结对的住户。")
    if data.visited_on > timezone.localdate(now):
        raise RuleError("走访日期不能晚于今天。")
    met = rules.cell_text(data.people_met, "见到的人", 200)
    notes = rules.cell_text(data.notes, "走访情况", 2000, required=False)
    problems = [p.strip() for p in data.problems if p.strip()]
    if any(len(p) > 500 for p in problems):
        raise RuleError("每个问题不能超过 500 个字。")
    if data.photo is not None:
        try:
            kind = files.check(data.photo)
        except ValueError as error:
            raise RuleError(str(error)) from error
        if not kind[0].startswith("image/"):
            raise RuleError("照片须是图片。")
    point = Unit.objects.get(pk=leader.contact_point_id)
    street = point.ancestor_of_kind(Unit.Kind.STREET, Unit.Kind.TOWNSHIP) or point
    category = loading.ensure(VISIT)
    by = Actor(label=f"联点领导{leader.name}"[:60], kind="system")
    with transaction.atomic():
        visit = Visit(
            pairing=data.pairing,
            visited_on=data.visited_on,
            people_met=met,
            notes=notes,
            logged_at=now,
        )
        if data.photo is not None:
            visit.photo.save(data.photo.name or "photo.jpg", data.photo, save=False)
        visit.save()
        for text in problems:
            ticket = door.submit(
                door.Request(
                    category=category,
                    title=f"联点访户（{leader}）：{text[:40]}"[:100],
                    description=(
                        f"{text}\n走访人：{leader}；住户：{data.pairing}；"
                        f"走访日期：{data.visited_on:%Y-%m-%d}。"
                    ),
                    channel="proactive",
                    address=data.pairing.address,
                    place=point,
                    unit=street,
                    chooser="programme",
                    note=f"{leader}联点访户发现的问题，请办理并答复。",
                ),
                by=by,
            )
            Problem.objects.create(visit=visit, text=text, ticket=ticket)
    return visit


# --- stations ----------------------------------------------------------------------------------


def take_slip(
    station: Station,
    *,
    text: str,
    is_request: bool,
    by: User,
    phone: str = "",
    name: str = "",
    at: datetime | None = None,
) -> Slip:
    """A visit or a slip at a station; a request becomes a ticket (channel offline) naming the
    station, offered by five-party linkage from the community's grid up."""
    now = at or timezone.now()
    if not station.is_active:
        raise RuleError("该驿站已停用。")
    text = rules.cell_text(text, "内容", 1000)
    if phone and not normalise_phone(phone):
        raise RuleError("请输入正确的电话号码。")
    taker = (by.get_full_name() or by.username)[:60]
    with transaction.atomic():
        slip = Slip(station=station, at=now, is_request=is_request, text=text, taken_by=taker)
        if is_request:
            kind = station.get_kind_display()
            linkage = links.start(
                links.Origin(
                    community=Unit.objects.get(pk=station.community_id),
                    source=Linkage.Source.STATION,
                ),
                category=loading.ensure(STATION),
                title=f"{station.name}：{text[:40]}",
                text=f"{text}\n（{kind}“{station.name}”登记，{station.address}；登记人：{taker}）",
                by=Actor(label=f"{station.name}（{taker}）"[:60], kind="system"),
                address=station.address,
                lon=station.lon,
                lat=station.lat,
                phone=phone,
                name=name,
                at=at,
            )
            slip.ticket = linkage.ticket
        slip.save()
    return slip


# --- consultation meetings (院坝协商会) ---------------------------------------------------


def plan_meeting(
    community: Unit,
    *,
    topic: str,
    place: str,
    held_at: datetime,
    convenor: str,
    participants: str = "",
    agenda: str = "",
    at: datetime | None = None,
) -> Meeting:
    if community.kind not in (Unit.Kind.COMMUNITY, Unit.Kind.VILLAGE):
        raise RuleError("协商会须在社区（村）召开。")
    return Meeting.objects.create(
        sign_code=f"{secrets.randbelow(1_000_000):06d}",
        community=community,
        topic=rules.cell_text(topic, "议题", 200),
        place=rules.cell_text(place, "地点", 200),
        held_at=held_at,
        convenor=rules.cell_text(convenor, "召集人", 60),
        participants=rules.cell_text(participants, "参会人员", 2000, required=False),
        agenda=rules.cell_text(agenda, "议程", 4000, required=False),
        created_at=at or timezone.now(),
    )


@dataclass(frozen=True)
class Decision:
    text: str
    owner: Unit
    deadline: date


def record_outcome(
    meeting: Meeting, *, minutes: str, decisions: list[Decision], at: datetime | None = None
) -> list[Resolution]:
    """The minutes and the resolutions, each a ticket to its owner with its deadline."""
    now = at or timezone.now()
    minutes = rules.cell_text(minutes, "会议纪要", 8000)
    if meeting.state != Meeting.State.PLANNED:
        raise RuleError("会议纪要已经记录过。")
    if meeting.held_at > now:
        raise RuleError("会议还没有召开。")
    for d in decisions:
        rules.cell_text(d.text, "议定事项", 500)
        if d.deadline < timezone.localdate(now):
            raise RuleError(f"议定事项“{d.text[:20]}”的完成时限已过。")
        if not d.owner.is_active or d.owner.kind == Unit.Kind.CENTRE:
            raise RuleError("责任单位须是在用的承办单位。")
    category = loading.ensure(MEETING)
    community = Unit.objects.get(pk=meeting.community_id)
    by = Actor(label=f"院坝协商会（{meeting.convenor}）"[:60], kind="system")
    made = []
    with transaction.atomic():
        caller, meeting = meeting, Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.state != Meeting.State.PLANNED:
            raise RuleError("会议纪要已经记录过。")
        meeting.minutes, meeting.state = minutes, Meeting.State.HELD
        meeting.save(update_fields=["minutes", "state"])
        for d in decisions:
            ticket = door.submit(
                door.Request(
                    category=category,
                    title=f"协商会议定：{d.text[:40]}",
                    description=(
                        f"{d.text.strip()}\n{community.name}院坝协商会"
                        f"（{timezone.localtime(meeting.held_at):%Y-%m-%d}，{meeting.place}）议定，"
                        f"请于 {d.deadline:%Y-%m-%d} 前完成。"
                    ),
                    channel="offline",
                    request_type="suggestion",
                    address=meeting.place,
                    place=community,
                    unit=d.owner,
                    chooser="programme",
                    note=f"院坝协商会议定事项，完成时限 {d.deadline:%Y-%m-%d}。",
                ),
                by=by,
            )
            made.append(
                Resolution.objects.create(
                    meeting=meeting,
                    text=d.text.strip(),
                    owner=d.owner,
                    deadline=d.deadline,
                    ticket=ticket,
                )
            )
        caller.minutes, caller.state = meeting.minutes, meeting.state
    return made


def publish(meeting: Meeting) -> None:
    """Show the outcome on the community's public page."""
    with transaction.atomic():
        fresh = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if fresh.state != Meeting.State.HELD:
            raise RuleError("会议记录纪要后才能公开。")
        fresh.state = meeting.state = Meeting.State.PUBLISHED
        fresh.save(update_fields=["state"])


MAX_SIGN_MISSES = 200


def invite_people(
    meeting: Meeting, people: list[tuple[str, str]], *, at: datetime | None = None
) -> int:
    """Invite residents (name, phone) by SMS; a phone invited before is not texted again."""
    now = at or timezone.now()
    if meeting.state != Meeting.State.PLANNED:
        raise RuleError("会议已召开，不能再邀请。")
    checked = []
    for name, raw in people:
        phone = normalise_phone(raw)
        if not phone or len(phone) != 11:
            raise RuleError(f"手机号“{raw}”不正确。")
        checked.append((rules.cell_text(name, "姓名", 60, required=False), phone))
    when = timezone.localtime(meeting.held_at)
    community = Unit.objects.get(pk=meeting.community_id)
    made = 0
    with transaction.atomic():
        for name, phone in checked:
            _, created = Participant.objects.get_or_create(
                meeting=meeting, phone=phone, defaults={"name": name, "invited_at": now}
            )
            if not created:
                continue
            made += 1
            body = (
                f"【基层治理】{name or '居民'}您好，{community.name}定于 {when:%m月%d日 %H:%M} 在"
                f"{meeting.place}召开院坝协商会，议题：{meeting.topic}。欢迎参加，到场后用手机签到。"
            )
            _sms(phone, f"community-meeting:{meeting.pk}:{phone}", body, now)
    return made


def sign_in(
    meeting: Meeting, *, phone: str, code: str, name: str = "", at: datetime | None = None
) -> Participant:
    """A resident signs in at the meeting with the code said aloud there (on its day only)."""
    now = at or timezone.now()
    phone = normalise_phone(phone)
    if not phone or len(phone) != 11:
        raise RuleError("请输入正确的手机号。")
    with transaction.atomic():
        fresh = Meeting.objects.select_for_update().get(pk=meeting.pk)
        day = timezone.localdate(fresh.held_at)
        if timezone.localdate(now) != day:
            raise RuleError(f"只能在会议当天（{day:%Y-%m-%d}）签到。")
        if fresh.sign_misses >= MAX_SIGN_MISSES:
            raise RuleError("签到码错误次数过多，请找会务人员登记。")
        if not fresh.sign_code or not secrets.compare_digest(fresh.sign_code, (code or "").strip()):
            Meeting.objects.filter(pk=fresh.pk).update(sign_misses=fresh.sign_misses + 1)
            bad = True
        else:
            bad = False
            person, _ = Participant.objects.get_or_create(
                meeting=fresh, phone=phone, defaults={"name": name.strip()[:60]}
            )
            if person.signed_in_at is None:
                person.signed_in_at = now
                person.save(update_fields=["signed_in_at"])
            return person
    assert bad
    raise RuleError("签到码不正确。")


def remind_visits(*, limit: int = 500, now: datetime | None = None) -> int:
    """The worker's step: an in-app reminder to each leader with an account, once per visit
    that is due within two weeks or overdue."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    leaders = Leader.objects.filter(user__isnull=False, user__is_active=True)
    due = [d for d in queries.visits_due(leaders, today) if d.state != "ok"][:limit]
    messages = [
        delivery.Message(
            kind="community",
            channel=Notification.Channel.INAPP,
            body=(
                f"联点访户提醒：{d.pairing} 应于 {d.due:%Y-%m-%d} 前走访"
                f"{'（已逾期）' if d.state == 'overdue' else ''}。"
            ),
            dedupe_key=f"community-visit:{d.pairing.pk}:{d.due.isoformat()}",
            user=d.leader.user,
            url=reverse("community:visit"),
        )
        for d in due
    ]
    return delivery.enqueue(messages, at=now) if messages else 0
