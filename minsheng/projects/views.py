"""Staff pages of project lists under /projects/: thin — parse, call records, render."""

from collections.abc import Callable
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.orgs.access import standing_of, units_under
from minsheng.orgs.models import Unit
from minsheng.projects import exchange, forms, queries, records
from minsheng.projects.models import Photo, Project, ProjectList
from minsheng.projects.rules import RuleError
from minsheng.tickets import queries as ticket_queries
from minsheng.tickets.transitions import WorkflowError

FAILED = (RuleError, WorkflowError)


def run(request: Request, action: Callable[[], Any], done: str) -> bool:
    """Call a write; a refusal becomes a message on the page, never a 500."""
    try:
        action()
    except FAILED as error:
        messages.error(request, str(error))
        return False
    messages.success(request, done)
    return True


def errors(request: Request, form: Any) -> None:
    for field, problems in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{'；'.join(problems)}" if label else problems[0])


def managed_units(user: Any) -> Any:
    standing = standing_of(user)
    if standing.is_admin or standing.is_centre:
        return Unit.objects.filter(is_active=True)
    return units_under(standing).filter(is_active=True)


@login_required
@require_http_methods(["GET", "POST"])
def index(request: Request) -> HttpResponse:
    """Every list the user may see, newest year first, and a form to open one."""
    units = managed_units(request.user)
    form = forms.ListForm(request.POST or None, units=units)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if not queries.manages(request.user, data["unit"]):
                raise PermissionDenied
            holder: list[ProjectList] = []
            if run(
                request,
                lambda: holder.append(
                    records.open_list(
                        unit=data["unit"], year=data["year"], title=data["title"], by=request.user
                    )
                ),
                "清单已创建，群众可在手机页面提议。",
            ):
                return redirect("projects:list", holder[0].pk)
        else:
            errors(request, form)
    today = timezone.localdate()
    lists = [
        {"plist": p, "summary": queries.list_summary(p, today)}
        for p in queries.lists_for(request.user)
    ]
    return render(request, "projects/index.html", {"lists": lists, "form": form})


def _list(request: Request, pk: int) -> ProjectList:
    plist = queries.lists_for(request.user).filter(pk=pk).first()
    if plist is None:
        raise Http404
    return plist


@login_required
@require_http_methods(["GET", "POST"])
def plist(request: Request, pk: int) -> HttpResponse:
    """A list: proposals and candidates while drafting, its projects, review and publication."""
    plist = _list(request, pk)
    editable = queries.may_edit_list(request.user, plist)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        _list_post(request, plist)
        return redirect("projects:list", plist.pk)
    today = timezone.localdate()
    projects = queries.projects_for(request.user).filter(plist=plist).order_by("number")
    return render(
        request,
        "projects/list.html",
        {
            "plist": plist,
            "editable": editable,
            "may_publish": queries.may_publish(request.user, plist),
            "proposals": queries.proposals(plist),
            "candidates": queries.candidates(plist)
            if editable and plist.state != "published"
            else [],
            "projects": projects.prefetch_related("co_units"),
            "summary": queries.list_summary(plist, today),
            "project_form": forms.ProjectForm(),
        },
    )


def _list_post(request: Request, plist: ProjectList) -> None:
    kind = request.POST.get("form", "")
    if kind == "move":
        action = request.POST.get("action", "")
        if action == "publish" and not queries.may_publish(request.user, plist):
            messages.error(request, "只有本级单位负责人可以公布清单。")
            return
        run(request, lambda: records.move_list(plist, action, by=request.user), "已更新清单状态。")
    elif kind == "project":
        form = forms.ProjectForm(request.POST)
        if not form.is_valid():
            errors(request, form)
            return
        data = form.cleaned_data
        proposal = plist.proposals.filter(pk=data["proposal"]).first() if data["proposal"] else None
        run(
            request,
            lambda: records.add_project(
                plist,
                title=data["title"],
                summary=data["summary"],
                owner=data["owner"],
                co_units=data["co_units"],
                due=data["due"],
                proposal=proposal,
                by=request.user,
            ),
            "已立项。",
        )
    elif kind == "candidate":
        key = request.POST.get("key", "")
        found = next((c for c in queries.candidates(plist) if c["key"] == key), None)
        if found is None:
            messages.error(request, "候选已被提议或不存在。")
            return
        tickets = ticket_queries.visible_to(request.user).filter(number__in=found["numbers"])
        run(
            request,
            lambda: records.add_candidate(
                plist,
                source=found["source"],
                key=key,
                title=found["title"],
                text=found["text"],
                tickets=tickets,
            ),
            "已列为候选提议。",
        )
    elif kind == "decline":
        proposal = get_object_or_404(plist.proposals, pk=request.POST.get("proposal") or 0)
        decline: Any = forms.DeclineForm(request.POST)
        if decline.is_valid():
            answer = decline.cleaned_data["answer"]
            run(
                request,
                lambda: records.decide_proposal(
                    proposal, adopt=False, answer=answer, by=request.user
                ),
                "已答复提议。",
            )
        else:
            errors(request, decline)


@login_required
@require_GET
def list_export(request: Request, pk: int) -> HttpResponse:
    """The list as the XLSX sheet departments exchange."""
    plist = _list(request, pk)
    buffer = BytesIO()
    exchange.write_sheet(plist, buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="projects-{plist.year}-{plist.pk}.xlsx"'
    )
    return response


def _project(request: Request, pk: int) -> Project:
    project = queries.projects_for(request.user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


@login_required
@require_http_methods(["GET", "POST"])
def project(request: Request, pk: int) -> HttpResponse:
    """One project: money, KPIs, milestones, reports, tickets, residents' rating, history."""
    project = _project(request, pk)
    may_work = queries.may_work(request.user, project)
    if request.method == "POST":
        if not may_work:
            raise PermissionDenied
        _project_post(request, project)
        return redirect("projects:project", project.pk)
    today = timezone.localdate()
    links = project.links.select_related("ticket")
    visible = set(
        ticket_queries.visible_to(request.user)
        .filter(pk__in=[link.ticket_id for link in links])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "projects/project.html",
        {
            "project": project,
            "may_work": may_work,
            "milestones": queries.milestones(project, today),
            "spending": queries.spending(project),
            "kpis": project.kpis.all(),
            "reports": project.reports.select_related("photo")[:20],
            "links": [{"link": link, "visible": link.ticket_id in visible} for link in links],
            "evaluation": queries.evaluation(project),
            "comments": project.evaluations.exclude(comment="")[:20],
            "events": project.events.all()[:50],
            "forms": {
                "funding": forms.FundingForm(),
                "disbursement": forms.DisbursementForm(initial={"on": today}),
                "kpi": forms.KpiForm(),
                "milestone": forms.MilestoneForm(),
                "report": forms.ReportForm(),
                "link": forms.LinkForm(),
            },
        },
    )


def _project_post(request: Request, project: Project) -> None:
    kind, user = request.POST.get("form", ""), request.user
    if kind == "move":
        action, note = request.POST.get("action", ""), request.POST.get("note", "")
        run(request, lambda: records.move_project(project, action, by=user, note=note), "已更新。")
        return
    if kind == "milestone_done":
        milestone = get_object_or_404(project.milestones, pk=request.POST.get("milestone") or 0)
        run(request, lambda: records.finish_milestone(milestone, by=user), "节点已完成。")
        return
    if kind == "settle":
        settle = forms.SettleForm(request.POST)
        if settle.is_valid():
            link = get_object_or_404(project.links, pk=settle.cleaned_data["link"])
            text = settle.cleaned_data["text"]
            run(request, lambda: records.settle(link, by=user, text=text), "已答复工单。")
        return
    form_class = {
        "funding": forms.FundingForm,
        "disbursement": forms.DisbursementForm,
        "kpi": forms.KpiForm,
        "milestone": forms.MilestoneForm,
        "report": forms.ReportForm,
        "link": forms.LinkForm,
    }.get(kind)
    if form_class is None:
        messages.error(request, "未知的操作。")
        return
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        errors(request, form)
        return
    d = form.cleaned_data
    if kind == "funding":
        run(
            request,
            lambda: records.add_funding(project, source=d["source"], amount=d["amount"], by=user),
            "已登记资金。",
        )
    elif kind == "disbursement":
        funding = get_object_or_404(project.fundings, pk=d["funding"])
        run(
            request,
            lambda: records.disburse(
                funding, amount=d["amount"], on=d["on"], note=d["note"], by=user
            ),
            "已登记拨付。",
        )
    elif kind == "kpi":
        run(
            request,
            lambda: records.set_kpi(
                project,
                name=d["name"],
                target=d["target"],
                actual=d["actual"] or 0,
                measure=d["measure"],
                by=user,
            ),
            "已更新指标。",
        )
    elif kind == "milestone":
        run(
            request,
            lambda: records.add_milestone(project, title=d["title"], due=d["due"], by=user),
            "已增加节点。",
        )
    elif kind == "report":
        photo = d["photo"].read() if d["photo"] else None
        run(
            request,
            lambda: records.report(project, text=d["text"], by=user, photo=photo),
            "已发布进展。",
        )
    elif kind == "link":
        ticket = ticket_queries.visible_to(user).filter(number=d["number"].strip()).first()
        if ticket is None:
            messages.error(request, "找不到这张工单，或您无权查看。")
            return
        run(
            request,
            lambda: records.link_ticket(project, ticket, role=d["role"], by=user),
            "已关联工单。",
        )


@login_required
@require_GET
def photo(request: Request, pk: int) -> HttpResponse:
    """A photo of a project the user may see, or of a campaign's hazard."""
    photo = get_object_or_404(Photo, pk=pk)
    reachable = (
        queries.projects_for(request.user).filter(reports__photo=photo).exists()
        or queries.campaigns_for(request.user).filter(hazards__recheck_photo=photo).exists()
        or queries.campaigns_for(request.user)
        .filter(targets__visits__answers__photo=photo)
        .exists()
    )
    if not reachable:
        raise Http404
    return HttpResponse(bytes(photo.data), content_type=photo.content_type)


@login_required
@require_GET
def screen(request: Request) -> HttpResponse:
    """The county's big-screen view: every visible list of the year at a glance."""
    year = int(request.GET.get("year") or timezone.localdate().year)
    today = timezone.localdate()
    lists = queries.lists_for(request.user).filter(year=year)
    return render(
        request,
        "projects/screen.html",
        {
            "year": year,
            "lists": [{"plist": p, "summary": queries.list_summary(p, today)} for p in lists],
            "owners": queries.owners_on_time(
                queries.projects_for(request.user).filter(plist__year=year), today
            ),
            "campaigns": [
                {"campaign": c, "board": queries.campaign_board(c, today)}
                for c in queries.campaigns_for(request.user)[:6]
            ],
        },
    )
