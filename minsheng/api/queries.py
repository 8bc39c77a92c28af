"""Read side of the API: who a key is, what it sees, and whom it may act for."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import caches
from django.db.models import Q, QuerySet

from minsheng.accounts import keys
from minsheng.accounts.models import ApiKey, User
from minsheng.api.errors import ApiError
from minsheng.api.models import KeyBinding
from minsheng.orgs.models import Membership, Unit
from minsheng.taxonomy.models import Category
from minsheng.tickets import queries
from minsheng.tickets.models import Ticket
from minsheng.tickets.transitions import Actor

# Every request checks its key and most name a category: both are read at most this often.
REMEMBER_SECONDS = 5


@dataclass(frozen=True)
class Caller:
    """An authenticated key with its binding: the system behind a request."""

    key: ApiKey
    unit_paths: tuple[str, ...] = ()
    sees_phone: bool = False

    @property
    def is_bound(self) -> bool:
        return bool(self.unit_paths)

    @property
    def actor(self) -> Actor:
        """The system itself, as the timeline names it."""
        return Actor(label=f"接口：{self.key.name}"[:60], kind="system")


def caller_for_token(token: str, *, scope: str = "api") -> Caller | None:
    """The caller a bearer token with this scope proves, or None; remembered for
    REMEMBER_SECONDS per process, so revoking a key or changing its binding takes effect
    within that time."""
    slot = f"api-caller:{scope}:{hashlib.sha256(token.encode()).hexdigest()}"
    caller = caches["process"].get(slot)
    if caller is None:
        key = keys.authenticate(token, scope=scope)
        if key is None:
            return None
        caller = caller_for(key)
        caches["process"].set(slot, caller, REMEMBER_SECONDS)
    return caller


def caller_for(key: ApiKey) -> Caller:
    """The key with its binding read once."""
    binding = KeyBinding.objects.filter(api_key=key).prefetch_related("units").first()
    if binding is None:
        return Caller(key=key)
    paths = tuple(sorted(u.path for u in binding.units.all() if u.is_active))
    return Caller(key=key, unit_paths=paths, sees_phone=binding.phone)


def tickets_for(caller: Caller) -> QuerySet[Ticket]:
    """The tickets this key may read and act on."""
    # Bound keys see what a handler of their units sees; the others, like the centre, all.
    paths = caller.unit_paths if caller.is_bound else None
    return queries.visible_in(paths).select_related("place", "merged_into")


def ticket_for(caller: Caller, number: str) -> Ticket:
    ticket = tickets_for(caller).filter(number=number).first()
    if ticket is None:
        raise ApiError(404, "not_found", f"找不到工单 {number}，或本密钥无权查看。")
    return ticket


def acting_member(caller: Caller, username: str) -> User:
    """The member named in `acting_user`, if this key may act for them (else 403)."""
    if not caller.key.allows("act"):
        raise ApiError(
            403,
            "acting_not_granted",
            "本密钥无权代工作人员操作：签发时须含 act 权限"
            "（minsheng issue_api_key … --scopes api,act）。",
        )
    user = User.objects.filter(username=username, is_active=True).first()
    paths = (
        list(
            Membership.objects.filter(user=user, unit__is_active=True).values_list(
                "unit__path", flat=True
            )
        )
        if user
        else []
    )
    allowed = bool(paths) and (
        not caller.is_bound or any(p.startswith(b) for p in paths for b in caller.unit_paths)
    )
    if user is None or not allowed:
        raise ApiError(
            403,
            "acting_user_not_allowed",
            f"本密钥不能代 {username} 操作：该账号不存在、未启用或不在本密钥授权的单位。",
        )
    return user


def unit_by_code(code: str, *, field: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ApiError(
            422,
            "unknown_unit",
            f"找不到编码为 {code} 的单位。",
            errors=[{"field": field, "message": "单位编码不存在"}],
        )
    return unit


def category_by_code(code: str, *, field: str = "category") -> Category:
    """The category with this code (remembered per process for REMEMBER_SECONDS), else 422."""
    slot = f"api-category:{code}"
    category = caches["process"].get(slot)
    if category is None:
        category = Category.objects.select_related("policy").filter(code=code).first()
        if category is not None:
            caches["process"].set(slot, category, REMEMBER_SECONDS)
    if category is None:
        raise ApiError(
            422,
            "unknown_category",
            f"找不到编码为 {code} 的分类。",
            errors=[{"field": field, "message": "分类编码不存在"}],
        )
    return category


def member_by_username(username: str, *, field: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ApiError(
            422,
            "unknown_user",
            f"找不到在用账号 {username}。",
            errors=[{"field": field, "message": "账号不存在或未启用"}],
        )
    return user


def filtered(
    caller: Caller,
    *,
    status: str | None = None,
    category: str | None = None,
    unit: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Ticket]:
    """The key's tickets narrowed by the list filters; unknown codes simply match nothing."""
    tickets = tickets_for(caller)
    if status:
        tickets = tickets.filter(status=status)
    if category:
        tickets = tickets.filter(Q(category__code=category) | Q(category__parent__code=category))
    if unit:
        path = Unit.objects.filter(code=unit).values_list("path", flat=True).first()
        tickets = tickets.filter(unit__path__startswith=path) if path else tickets.none()
    if since:
        tickets = tickets.filter(received_at__gte=since)
    if until:
        tickets = tickets.filter(received_at__lt=until)
    return tickets
