"""The phone pages' write module: file a request (channel mobile), follow an open one instead,
and keep a cleaned photo while the resident finishes the steps."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from minsheng.citizens import registry
from minsheng.citizens.masking import normalise_phone
from minsheng.citizens.models import Resident
from minsheng.intake import door
from minsheng.orgs.models import Unit
from minsheng.residents import photos, queries
from minsheng.residents.models import Follower, PendingPhoto
from minsheng.taxonomy.models import Category
from minsheng.tickets import transitions, workflow
from minsheng.tickets.models import Channel, Ticket
from minsheng.tickets.transitions import WorkflowError

PHOTO_KEPT = timedelta(days=1)
BAD_PHONE = "请输入正确的手机号码。"


class RateLimited(WorkflowError):
    """Too many requests from one phone or for one address today (恶意重复诉求的限制)."""


@dataclass(frozen=True)
class Draft:
    """What the resident gave on the first two steps."""

    category: Category
    request_type: str
    description: str
    address: str = ""
    place: Unit | None = None
    lon: float | None = None
    lat: float | None = None
    photo_token: str = ""


def per_phone_limit() -> int:
    return int(getattr(settings, "MINSHENG_MOBILE_PER_PHONE_PER_DAY", 5))


def per_address_limit() -> int:
    return int(getattr(settings, "MINSHENG_MOBILE_PER_ADDRESS_PER_DAY", 10))


@transaction.atomic
def file_request(draft: Draft, *, phone: str, name: str = "", at: datetime | None = None) -> Ticket:
    """File the resident's request as one ticket with its photo; refuse past the daily limits.

    Raises WorkflowError (RateLimited for the limits) and writes nothing when it is refused.
    """
    now = at or timezone.now()
    number = normalise_phone(phone)
    if not number:
        raise WorkflowError(BAD_PHONE)
    resident = registry.remember(phone=number, name=(name or "").strip()[:50])
    # Lock the resident so two requests sent at once from one phone count each other.
    Resident.objects.select_for_update().filter(pk=resident.pk).first()
    since = now - timedelta(hours=24)
    limit = per_phone_limit()
    if queries.filed_by_phone(number, since=since) >= limit:
        raise RateLimited(f"同一号码今天已提交 {limit} 次，如情况紧急请直接拨打 12345。")
    limit = per_address_limit()
    if draft.address and queries.filed_at_address(draft.address, since=since) >= limit:
        raise RateLimited(
            f"该地址今天已提交 {limit} 次，相关诉求正在办理中；如情况紧急请直接拨打 12345。"
        )
    request = door.Request(
        channel=Channel.MOBILE,
        phone=number,
        name=resident.name,
        request_type=draft.request_type,
        category=draft.category,
        description=draft.description,
        address=draft.address,
        place=draft.place,
        lon=draft.lon,
        lat=draft.lat,
        chooser="resident",
    )
    ticket = door.submit(request, by=transitions.resident_actor(resident))
    photo = queries.pending_photo(draft.photo_token)
    if photo is not None:
        upload = SimpleUploadedFile(photo.name, bytes(photo.data), photo.content_type)
        workflow.attach(ticket, by=transitions.resident_actor(resident), upload=upload)
        photo.delete()
    return ticket


@transaction.atomic
def keep_photo(photo: photos.Photo, *, at: datetime | None = None) -> PendingPhoto:
    """Hold a cleaned photo until the request is filed; forget photos left for over a day."""
    now = at or timezone.now()
    PendingPhoto.objects.filter(created_at__lt=now - PHOTO_KEPT).delete()
    return PendingPhoto.objects.create(
        token=secrets.token_hex(16),
        name=f"现场照片.{photo.extension}",
        content_type=photo.content_type,
        data=photo.data,
        created_at=now,
    )


@transaction.atomic
def discard_photo(token: str) -> None:
    """Forget a photo the resident removed or will not file."""
    if token:
        PendingPhoto.objects.filter(token=token).delete()


@transaction.atomic
def follow(ticket: Ticket, *, phone: str = "", at: datetime | None = None) -> Follower | None:
    """Follow an open request instead of filing it again; remembered only when a phone is given."""
    if not phone:
        return None
    number = normalise_phone(phone)
    if not number:
        raise WorkflowError(BAD_PHONE)
    resident = registry.remember(phone=number)
    follower, _ = Follower.objects.get_or_create(
        ticket=ticket, resident=resident, defaults={"followed_at": at or timezone.now()}
    )
    return follower
