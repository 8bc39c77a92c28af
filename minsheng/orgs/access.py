"""Who a user is in the organisation: their roles and the units whose work they may see."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from minsheng.accounts.models import User
from minsheng.orgs.models import CENTRE_ROLES, Membership, Role, Unit


@dataclass(frozen=True)
class Standing:
    """A user's roles: at the centre (over all tickets) and per unit (over that unit's subtree)."""

    centre_roles: frozenset[str] = frozenset()
    # unit path -> roles held in that unit; the roles reach every unit below it
    unit_roles: dict[str, frozenset[str]] = field(default_factory=dict)
    is_admin: bool = False

    @property
    def is_centre(self) -> bool:
        return bool(self.centre_roles) or self.is_admin

    @property
    def unit_paths(self) -> tuple[str, ...]:
        return tuple(self.unit_roles)

    @property
    def all_roles(self) -> frozenset[str]:
        """Every role held anywhere, with "admin" for administrators."""
        held = set(self.centre_roles).union(*self.unit_roles.values())
        return frozenset(held | ({"admin"} if self.is_admin else set()))

    def roles_over(self, units: Iterable[Unit]) -> frozenset[str]:
        """Roles held over any of `units`, through the unit itself or one above it."""
        units = list(units)
        roles: set[str] = set()
        for path, held in self.unit_roles.items():
            if any(u.path.startswith(path) for u in units):
                roles |= held
        return frozenset(roles)


def standing_of(user: User) -> Standing:
    """Read the user's memberships once; cached on the user object for the request."""
    cached: Standing | None = getattr(user, "_minsheng_standing", None)
    if cached is not None:
        return cached
    centre: set[str] = set()
    per_unit: dict[str, set[str]] = {}
    if user.is_authenticated and user.is_active:
        for m in Membership.objects.filter(user=user, unit__is_active=True).select_related("unit"):
            if m.role in CENTRE_ROLES:
                centre.add(m.role)
            else:
                per_unit.setdefault(m.unit.path, set()).add(m.role)
    standing = Standing(
        centre_roles=frozenset(centre),
        unit_roles={path: frozenset(roles) for path, roles in per_unit.items()},
        is_admin=bool(user.is_superuser),
    )
    user._minsheng_standing = standing  # type: ignore[attr-defined]
    return standing


def units_under(standing: Standing) -> QuerySet[Unit]:
    """The units in the subtrees of the user's own units."""
    condition = Q(pk__in=[])
    for path in standing.unit_paths:
        condition |= Q(path__startswith=path)
    return Unit.objects.filter(condition)


def role_label(user: User) -> str:
    """The user's roles in words, for the top bar."""
    standing = standing_of(user)
    names = [str(Role(r).label) for r in sorted(standing.centre_roles)]
    for roles in standing.unit_roles.values():
        names += [str(Role(r).label) for r in sorted(roles)]
    if standing.is_admin:
        names.append(_("系统管理员"))
    return pgettext("list separator", "、").join(dict.fromkeys(names))
