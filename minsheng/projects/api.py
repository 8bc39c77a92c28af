"""The native API of project lists and campaigns (key scope `projects`).

A key bound to units sees what those units see; an unbound key sees everything.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from minsheng.api.auth import ScopedKey
from minsheng.api.errors import ApiError
from minsheng.api.schemas import ErrorOut
from minsheng.projects import queries

router = Router(auth=ScopedKey("projects"), tags=["民生实事与排查整治"])


class MilestoneOut(Schema):
    title: str
    due: str
    done_on: str | None
    state: str = Field(description="done / late / overdue / soon / ok")


class KpiOut(Schema):
    name: str
    measure: str
    target: float
    actual: float


class ProjectOut(Schema):
    id: int
    year: int
    list_title: str
    list_state: str
    number: int
    title: str
    owner: str
    co_units: list[str]
    state: str
    due: str | None
    budget: float = Field(description="资金合计（元）")
    disbursed: float = Field(description="已拨付（元）")
    kpis: list[KpiOut]
    milestones: list[MilestoneOut]
    satisfaction_rate: float | None


class SummaryOut(Schema):
    id: int
    title: str
    state: str
    targets: int
    inspected: int
    nobody: int
    hazards: int
    fixed: int
    refused: int
    overdue: int
    coverage: float | None
    median_days_to_fix: float | None


def _paths(request: HttpRequest) -> tuple[str, ...] | None:
    caller = request.auth  # type: ignore[attr-defined]
    return caller.unit_paths if caller.is_bound else None


@router.get(
    "/projects",
    response={200: list[ProjectOut], 401: ErrorOut, 422: ErrorOut},
    operation_id="projects_list",
    summary="某年度的民生实事项目",
)
def projects(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    year = year or timezone.localdate().year
    today = timezone.localdate()
    found = (
        queries.projects_in(_paths(request))
        .filter(plist__year=year)
        .prefetch_related("co_units", "kpis")
        .order_by("plist__unit__path", "number")
    )
    out = []
    for p in found:
        money = queries.spending(p)
        out.append(
            {
                "id": p.pk,
                "year": p.plist.year,
                "list_title": p.plist.title,
                "list_state": p.plist.state,
                "number": p.number,
                "title": p.title,
                "owner": p.owner.name,
                "co_units": [u.name for u in p.co_units.all()],
                "state": p.state,
                "due": p.due.isoformat() if p.due else None,
                "budget": float(money["budget"]),
                "disbursed": float(money["paid"]),
                "kpis": [
                    {
                        "name": k.name,
                        "measure": k.measure,
                        "target": float(k.target),
                        "actual": float(k.actual),
                    }
                    for k in p.kpis.all()
                ],
                "milestones": [
                    {
                        "title": row["m"].title,
                        "due": row["m"].due.isoformat(),
                        "done_on": row["m"].done_on.isoformat() if row["m"].done_on else None,
                        "state": row["state"],
                    }
                    for row in queries.milestones(p, today)
                ],
                "satisfaction_rate": queries.evaluation(p)["rate"],
            }
        )
    return out


@router.get(
    "/campaigns/{campaign_id}/summary",
    response={200: SummaryOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="campaign_summary",
    summary="排查整治行动进度",
)
def summary(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    campaign = queries.campaigns_in(_paths(request)).filter(pk=campaign_id).first()
    if campaign is None:
        raise ApiError(404, "not_found", "没有这个行动，或无权查看。")
    board = queries.campaign_board(campaign, timezone.localdate())
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "state": campaign.state,
        "targets": board.targets,
        "inspected": board.inspected,
        "nobody": board.nobody,
        "hazards": board.hazards,
        "fixed": board.fixed,
        "refused": board.refused,
        "overdue": board.overdue,
        "coverage": board.coverage,
        "median_days_to_fix": board.median_days_to_fix,
    }
