"""The native API of the community network (key scope `community`): the nearest stations and
the leaders' visits due. A key bound to units sees what lies under them."""

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from minsheng.api.auth import ScopedKey
from minsheng.api.errors import ApiError
from minsheng.api.schemas import ErrorOut
from minsheng.community import queries, rules
from minsheng.community.models import Leader, Station

router = Router(auth=ScopedKey("community"), tags=["基层治理网络"])


class StationOut(Schema):
    code: str
    name: str
    kind: str = Field(description="red 红色驿站 / talk 说事站 / point 说事点 / box 说事箱")
    community: str
    address: str
    lat: float
    lon: float
    services: str
    hours: str
    distance_m: int


class VisitDueOut(Schema):
    leader: str
    level: str
    contact_point: str
    household: str
    last_visit: str | None
    due: str
    state: str = Field(description="overdue / soon / ok")


def _under(request: HttpRequest, field: str) -> Q:
    caller = request.auth  # type: ignore[attr-defined]
    if not caller.is_bound:
        return Q()
    condition = Q(pk__in=[])
    for path in caller.unit_paths:
        condition |= Q(**{f"{field}__path__startswith": path})
    return condition


@router.get(
    "/community/stations",
    response={200: list[StationOut], 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    operation_id="community_stations",
    summary="附近的服务驿站（近者在前）",
)
def stations(request: HttpRequest, near: str, limit: int = 10) -> list[dict[str, Any]]:
    try:
        lat, lon = rules.parse_near(near)
    except rules.RuleError as error:
        raise ApiError(422, "invalid", str(error)) from error
    if not 1 <= limit <= 100:
        raise ApiError(422, "invalid", "limit 须在 1 到 100 之间。")
    found: QuerySet[Station] = Station.objects.filter(_under(request, "community"))
    return [
        {
            "code": s.code, "name": s.name, "kind": s.kind, "community": s.community.name,
            "address": s.address, "lat": s.lat, "lon": s.lon, "services": s.services,
            "hours": s.hours, "distance_m": round(d),
        }
        for s, d in queries.nearest_stations(
            lat, lon, limit=limit, found=found.select_related("community")
        )
    ]  # fmt: skip


@router.get(
    "/community/visits",
    response={200: list[VisitDueOut], 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    operation_id="community_visits_due",
    summary="联点访户：到某日应走访的住户",
)
def visits(request: HttpRequest, due: date | None = None) -> list[dict[str, Any]]:
    today = timezone.localdate()
    until = due or today
    leaders = Leader.objects.filter(_under(request, "contact_point"))
    return [
        {
            "leader": str(row.leader),
            "level": row.leader.level,
            "contact_point": row.leader.contact_point.name,
            "household": str(row.pairing),
            "last_visit": row.last.isoformat() if row.last else None,
            "due": row.due.isoformat(),
            "state": row.state,
        }
        for row in queries.visits_due(leaders, today)
        if row.due <= until
    ]
