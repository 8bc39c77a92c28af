"""Staff pages of bundled services under /services/: thin — parse, call a write module, render."""

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.citizens import registry
from minsheng.citizens.masking import mask_phone
from minsheng.services import calls, forms, queries, rules, transfers, write
from minsheng.services.models import (
    Application,
    Authorisation,
    Bundle,
    Peer,
    Review,
    Upload,
    Work,
)
from minsheng.services.rules import RuleError
from minsheng.tickets.transitions import WorkflowError

FAILED = (RuleError, WorkflowError)


def run(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    """Call a write; a refusal becomes a message on the page, never a 500."""
    try:
        action()
    except FAILED as error:
        messages.error(request, str(error))
        return False
    messages.success(request, done)
    return True


@login_required
@require_GET
def index(request: Request) -> HttpResponse:
    apps = queries.applications_for(request.user)
    state = request.GET.get("state", "")
    if state:
        apps = apps.filter(state=state)
    return render(
        request,
        "services/index.html",
        {
            "apps": apps[:200],
            "state": state,
            "states": Application.State.choices,
            "bundles": [queries.bundle_figures(b) for b in Bundle.objects.all()],
            "today": timezone.localdate(),
            "mine": queries.works_for(request.user)
            .filter(state=Work.State.RUNNING)
            .order_by("due")[:50],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application(request: Request, pk: int) -> HttpResponse:
    app = get_object_or_404(queries.applications_for(request.user), pk=pk)
    if request.method == "POST":
        form = forms.TransferForm(request.POST)
        if form.is_valid():
            peer = get_object_or_404(Peer, pk=form.cleaned_data["peer"])
            run(
                request,
                lambda: transfers.send(app, peer, by=request.user),
                "已转出，对方系统的办理状态会定时取回。",
            )
        return redirect("services:application", pk=app.pk)
    return render(
        request,
        "services/application.html",
        {
            "app": app,
            "phone": mask_phone(app.resident.phone),
            "works": app.works.select_related("item", "item__unit", "ticket"),
            "today": timezone.localdate(),
            "events": app.events.all(),
            "peers": Peer.objects.all(),
            "transfers": app.transfers.select_related("peer"),
            "slot": getattr(app, "slot", None),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def work(request: Request, pk: int) -> HttpResponse:
    item_work = get_object_or_404(queries.works_for(request.user), pk=pk)
    acting = queries.may_act(request.user, item_work)
    approve = forms.ApproveForm(request.POST if "approve" in request.POST else None)
    reject = forms.RejectForm(
        request.POST if "reject" in request.POST else None, materials=item_work.item.materials
    )
    if request.method == "POST":
        if not acting:
            raise Http404
        if "approve" in request.POST and approve.is_valid():
            run(
                request,
                lambda: write.approve(
                    item_work, by=request.user, note=approve.cleaned_data["note"]
                ),
                "已办结。",
            )
        elif "reject" in request.POST and reject.is_valid():
            run(
                request,
                lambda: write.reject(item_work, by=request.user, **reject.cleaned_data),
                "已退回补正，群众会收到短信。",
            )
        else:
            messages.error(request, "请填写完整。")
        return redirect("services:work", pk=item_work.pk)
    app = item_work.application
    fields = {f.key: f for f in app.bundle.fields.all()}
    mine = {f.key for f in item_work.item.fields.all()}
    answers = []
    with transaction.atomic():
        for key, value in app.answers.items():
            field = fields.get(key)
            if field is None or key not in mine:
                continue
            if field.kind == "id" and acting:
                registry.record_reveal(
                    user=request.user,
                    kind="id_number",
                    subject=f"{app.number}·{field.label}",
                    reason=f"一件事 {app.number}：{item_work.item.name}",
                )
            elif field.kind == "id":
                value = rules.mask_id(value)
            answers.append((field.label, value))
    return render(
        request,
        "services/work.html",
        {
            "work": item_work,
            "app": app,
            "answers": answers,
            "acting": acting,
            "approve": approve,
            "reject": reject,
            "events": item_work.events.all(),
            "uploads": item_work.uploads.values("pk", "material", "at"),
        },
    )


@login_required
@require_GET
def upload(request: Request, pk: int) -> HttpResponse:
    """A material's photo, to the staff who may see its item."""
    found = get_object_or_404(Upload, pk=pk, work__in=queries.works_for(request.user))
    response = HttpResponse(bytes(found.data), content_type=found.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def slots(request: Request) -> HttpResponse:
    windows = queries.windows_for(request.user)
    form = forms.SlotsForm(request.POST or None, windows=windows)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            run(
                request,
                lambda: calls.add_slots(
                    d["window"], day=d["day"], times=d["times"], minutes=d["minutes"]
                ),
                "时段已开放。",
            )
            return redirect("services:slots")
        messages.error(request, "请检查填写的内容。")
    return render(
        request, "services/slots.html", {"form": form, "slots": queries.slots_for(request.user)}
    )


def _review_for_clerk(request: Request, room: str) -> Review:
    review = get_object_or_404(Review.objects.select_related("slot", "slot__window"), room=room)
    if not queries.may_run_call(request.user, review):
        raise Http404
    return review


@login_required
@require_http_methods(["GET", "POST"])
def call(request: Request, room: str) -> HttpResponse:
    review = _review_for_clerk(request, room)
    app = review.slot.application
    if app is None:
        raise Http404
    materials = calls.materials_of(app)
    if request.method == "POST":
        ticked = list(request.POST.getlist("material"))
        run(
            request,
            lambda: calls.finish(
                review, by=request.user, ticked=ticked, note=request.POST.get("note", "")
            ),
            "预审结果已发送给群众，并记入申请。",
        )
        return redirect("services:call", room=room)
    return render(
        request,
        "services/call.html",
        {
            "review": review,
            "app": app,
            "materials": materials,
            "signal_url": reverse("services:call_signal", args=[room]),
            "ice_servers": calls.ice_servers(),
        },
    )


def signal_exchange(request: HttpRequest, review: Review, sender: str) -> HttpResponse:
    """GET: the other side's messages after `after`; POST: one message of this side."""
    if request.method == "POST":
        try:
            body = json.loads(request.body or b"{}")
            calls.post_signal(
                review,
                sender=sender,
                kind=str(body.get("kind", "")),
                payload=json.dumps(body.get("data")),
            )
        except (ValueError, AttributeError):
            return JsonResponse({"error": "信令格式不正确。"}, status=400)
        except RuleError as error:
            return JsonResponse({"error": str(error)}, status=400)
        return JsonResponse({"ok": True})
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        after = 0
    found = review.signals.exclude(sender=sender).filter(pk__gt=after)
    return JsonResponse(
        {
            "finished": review.finished_at is not None,
            "messages": [
                {"id": s.pk, "kind": s.kind, "data": json.loads(s.payload)} for s in found[:50]
            ],
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_signal(request: Request, room: str) -> HttpResponse:
    return signal_exchange(request, _review_for_clerk(request, room), "clerk")


@login_required
@require_GET
def proxies(request: Request) -> HttpResponse:
    if not queries.sees_all(request.user) and not queries.windows_for(request.user).exists():
        raise Http404
    rows = Authorisation.objects.select_related("principal", "proxy").prefetch_related("bundles")
    return render(
        request,
        "services/proxies.html",
        {
            "rows": [
                (a, mask_phone(a.principal.phone), mask_phone(a.proxy.phone)) for a in rows[:200]
            ]
        },
    )


@login_required
@require_POST
def revoke(request: Request, pk: int) -> HttpResponse:
    if not queries.sees_all(request.user) and not queries.windows_for(request.user).exists():
        raise Http404
    auth = get_object_or_404(Authorisation, pk=pk)
    run(request, lambda: write.revoke(auth, by=request.user), "授权已撤销。")
    return redirect("services:proxies")
