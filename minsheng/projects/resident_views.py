"""Residents' pages under /m/projects/: propose and support while a list is open (群众点单),
follow the projects of a published list, rate a finished one (群众评单).

A resident has no account: they give their phone number, which is stored once
(citizens.registry) and never shown on these pages.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.projects import forms, queries, records
from minsheng.projects.models import Photo, Project, ProjectList
from minsheng.projects.rules import RuleError


def _public_list(pk: int) -> ProjectList:
    plist = ProjectList.objects.select_related("unit").filter(pk=pk).first()
    if plist is None:
        raise Http404
    return plist


def _errors(request: HttpRequest, form: Any) -> None:
    for field, problems in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{'；'.join(problems)}")


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "projects/m_index.html",
        {
            "open": queries.drafting_lists(),
            "published": [
                {"plist": p, "summary": queries.list_summary(p, today)}
                for p in queries.published_lists()
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def plist(request: HttpRequest, pk: int) -> HttpResponse:
    """A list: while open, others' proposals with their supports and a form to propose; once
    published, its projects and the residents' evaluation."""
    plist = _public_list(pk)
    form = forms.ProposalForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                records.propose(
                    plist,
                    title=d["title"],
                    text=d["text"],
                    phone=d["phone"],
                    name=d["name"],
                    place=None,
                )
            except RuleError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "提议已提交，感谢参与！")
                return redirect("projects_m:list", plist.pk)
        else:
            _errors(request, form)
    published = plist.state == ProjectList.State.PUBLISHED
    projects = plist.projects.exclude(state=Project.State.CANCELLED).select_related("owner")
    return render(
        request,
        "projects/m_list.html",
        {
            "plist": plist,
            "form": form,
            "support_form": forms.SupportForm(),
            "proposals": queries.proposals(plist) if not published else [],
            "projects": projects if published else [],
            "summary": queries.list_summary(plist, timezone.localdate()) if published else None,
        },
    )


@require_POST
def support(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        queries.proposals(_public_list(pk)), pk=request.POST.get("proposal") or 0
    )
    form = forms.SupportForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
    else:
        try:
            made = records.support(proposal, phone=form.cleaned_data["phone"])
        except RuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "已附议。" if made else "您已经附议过这条提议。")
    return redirect("projects_m:list", pk)


def _public_project(pk: int) -> Project:
    project = (
        Project.objects.select_related("plist", "owner")
        .filter(pk=pk, plist__state=ProjectList.State.PUBLISHED)
        .first()
    )
    if project is None:
        raise Http404
    return project


@require_http_methods(["GET", "POST"])
def project(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's progress, photos and spending; a rating form once it is finished."""
    project = _public_project(pk)
    form = forms.EvaluationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                records.evaluate(project, phone=d["phone"], score=d["score"], comment=d["comment"])
            except RuleError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "感谢您的评价！")
                return redirect("projects_m:project", project.pk)
        else:
            _errors(request, form)
    return render(
        request,
        "projects/m_project.html",
        {
            "project": project,
            "form": form,
            "milestones": queries.milestones(project, timezone.localdate()),
            "spending": queries.spending(project),
            "kpis": project.kpis.all(),
            "reports": project.reports.select_related("photo")[:20],
            "evaluation": queries.evaluation(project),
            "comments": project.evaluations.exclude(comment="")[:20],
        },
    )


@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo of a progress report of a published list; no other photo is public."""
    photo = get_object_or_404(
        Photo,
        pk=pk,
        report__project__plist__state=ProjectList.State.PUBLISHED,
    )
    response = HttpResponse(bytes(photo.data), content_type=photo.content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
