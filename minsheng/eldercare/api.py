"""The meters' endpoints under /api/v1/, for a key with the scope `meters` (docs/eldercare.md).

POST /meter-readings stores readings (the same payloads as MQTT; a replay stores nothing new);
GET /eldercare/alarms lists alarms since a time; POST /eldercare/absences registers an absence.
A key bound to units sees and acts on the households of those units only.
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from minsheng.api.auth import ScopedKey
from minsheng.api.errors import ApiError
from minsheng.api.queries import Caller
from minsheng.api.schemas import ErrorOut
from minsheng.eldercare import alarms, queries, readings, rows
from minsheng.eldercare.models import Absence, Alarm, Meter
from minsheng.tickets.transitions import WorkflowError

router = Router(auth=ScopedKey("meters"), tags=["独居老人水电表预警"])
ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ReadingIn(Schema):
    at: datetime = Field(description="读数时间，ISO-8601，须带时区偏移")
    value: float = Field(ge=0, description="累计读数（m³ 或 kWh）")


class ReadingsIn(Schema):
    meter: str = Field(min_length=1, max_length=40, description="表号")
    readings: list[ReadingIn] = Field(min_length=1, max_length=2000)


class ReadingsOut(Schema):
    stored: int = Field(description="新存入的读数")
    duplicates: int = Field(description="已存在而未重复存入的读数")


class AlarmOut(Schema):
    household: str
    kind: str
    rule: str
    raised_at: datetime
    ticket: str | None
    state: str


class AlarmFilters(Schema):
    since: datetime = Field(description="不早于此时间产生的预警，ISO-8601")


class AbsenceIn(Schema):
    household: str = Field(min_length=1, max_length=40)
    from_: datetime = Field(alias="from")
    until: datetime
    reason: str = Field(description="family、hospital、travel 或 other")


class AbsenceOut(Schema):
    id: int
    household: str
    starts: datetime
    ends: datetime
    reason: str


def _caller(request: HttpRequest) -> Caller:
    return request.auth  # type: ignore[attr-defined]


@router.post(
    "/meter-readings",
    response={200: ReadingsOut, **ERRORS},
    summary="上报水电表读数",
    operation_id="post_meter_readings",
)
def post_readings(request: HttpRequest, payload: ReadingsIn) -> dict[str, Any]:
    caller = _caller(request)
    if not Meter.objects.filter(
        code=payload.meter, household__in=queries.households_in(caller.unit_paths)
    ).exists():
        raise ApiError(404, "unknown_meter", f"未登记的表号：{payload.meter}")
    for r in payload.readings:
        if r.at.tzinfo is None:
            raise ApiError(422, "invalid", "读数时间须带时区偏移，如 +08:00。")
    body = {"readings": [{"at": r.at.isoformat(), "value": r.value} for r in payload.readings]}
    try:
        rows.read_payload(body)
    except ValueError as error:
        raise ApiError(422, "invalid", str(error)) from None
    report = readings.ingest([(payload.meter, body)], source="api")
    return {"stored": report.stored, "duplicates": report.duplicates}


@router.get(
    "/eldercare/alarms",
    response={200: list[AlarmOut], **ERRORS},
    summary="查询关爱预警",
    operation_id="list_eldercare_alarms",
)
def list_alarms(request: HttpRequest, filters: Query[AlarmFilters]) -> list[dict[str, Any]]:
    households = queries.households_in(_caller(request).unit_paths)
    rows_ = (
        Alarm.objects.filter(household__in=households, raised_at__gte=filters.since)
        .select_related("household", "ticket")
        .order_by("raised_at", "pk")[:1000]
    )
    return [
        {
            "household": a.household.code,
            "kind": a.kind,
            "rule": a.rule,
            "raised_at": a.raised_at,
            "ticket": a.ticket.number if a.ticket else None,
            "state": a.state,
        }
        for a in rows_
    ]


@router.post(
    "/eldercare/absences",
    response={201: AbsenceOut, **ERRORS},
    summary="登记老人外出",
    operation_id="post_eldercare_absence",
)
def post_absence(request: HttpRequest, payload: AbsenceIn) -> Status:
    caller = _caller(request)
    household = (
        queries.households_in(caller.unit_paths)
        .filter(code=payload.household, ended_at__isnull=True)
        .first()
    )
    if household is None:
        raise ApiError(404, "not_found", f"找不到登记的户：{payload.household}")
    if payload.reason not in Absence.Reason.values:
        raise ApiError(422, "invalid", "reason 应为 family、hospital、travel 或 other。")
    if payload.from_.tzinfo is None or payload.until.tzinfo is None:
        raise ApiError(422, "invalid", "时间须带时区偏移，如 +08:00。")
    try:
        absence = alarms.register_absence(
            household,
            starts=payload.from_,
            ends=payload.until,
            reason=payload.reason,
            source="api",
            by=f"接口密钥 {caller.key.name}",
        )
    except WorkflowError as error:
        raise ApiError(422, "invalid", str(error)) from None
    return Status(
        201,
        {
            "id": absence.pk,
            "household": household.code,
            "starts": absence.starts,
            "ends": absence.ends,
            "reason": absence.reason,
        },
    )
