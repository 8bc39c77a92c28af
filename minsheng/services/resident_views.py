"""Residents' pages under /m/services/: choose a bundle, fill its one form, follow one progress
page, fix a material sent back, book and join the video pre-review, authorise a relative.

There is no account: the progress page is reached by the unguessable link given after applying
(and in the SMS); a proxy proves themselves with the authorisation code and their own phone.
A window clerk signed in as staff fills the same form for a resident at the counter.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from minsheng.citizens.masking import mask_phone
from minsheng.orgs.access import standing_of
from minsheng.services import calls, forms, queries, write
from minsheng.services.models import Application, Authorisation, Bundle, Review, Slot, Work
from minsheng.services.rules import RuleError
from minsheng.services.views import run, signal_exchange
from minsheng.tickets.transitions import WorkflowError


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    bundles = [queries.bundle_figures(b) for b in Bundle.objects.filter(is_active=True)]
    return render(request, "services/m_index.html", {"bundles": bundles})


def _clerk(request: HttpRequest, bundle: Bundle) -> object | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return user if standing_of(user).roles_over([bundle.window]) else None


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    bundle = get_object_or_404(Bundle, code=code, is_active=True)
    form = forms.ApplyForm(request.POST or None, bundle=bundle)
    clerk = _clerk(request, bundle)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            proxy = (
                write.proxy_by_code(d["proxy_code"], d["proxy_phone"]) if d["proxy_code"] else None
            )
            app = write.apply(
                bundle,
                name=d["name"],
                phone=d["phone"],
                answers=form.answers(),
                clerk=clerk,  # type: ignore[arg-type]
                proxy=proxy,
            )
        except (RuleError, WorkflowError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"申请已提交，编号 {app.number}。请保存本页链接查看进度。")
            return redirect("services_m:progress", key=app.key)
    items = bundle.items.select_related("unit").prefetch_related("depends_on")
    return render(
        request,
        "services/m_apply.html",
        {"bundle": bundle, "form": form, "items": items, "clerk": clerk},
    )


@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest, key: str) -> HttpResponse:
    app = get_object_or_404(Application.objects.select_related("bundle", "proxy"), key=key)
    if request.method == "POST":
        if "book" in request.POST:
            form = forms.BookForm(request.POST)
            slot = (
                Slot.objects.filter(pk=form.cleaned_data["slot"]).first()
                if form.is_valid()
                else None
            )
            if slot is None:
                messages.error(request, "请选择时段。")
            else:
                chosen = slot
                run(request, lambda: calls.book(app, chosen), "已预约视频预审。")
        else:
            work = get_object_or_404(Work, application=app, pk=request.POST.get("work", 0))
            fix = forms.FixForm(request.POST, request.FILES)
            if fix.is_valid():
                upload = fix.cleaned_data["photo"]
                run(
                    request,
                    lambda: write.fix(
                        work,
                        note=fix.cleaned_data["note"],
                        proxy_phone=fix.cleaned_data["proxy_phone"],
                        photo=upload.read() if upload else b"",
                    ),
                    "已补正，办理部门会重新审核。",
                )
            else:
                messages.error(request, "请说明补正的情况。")
        return redirect("services_m:progress", key=app.key)
    slot = Slot.objects.filter(application=app).select_related("review").first()
    return render(
        request,
        "services/m_progress.html",
        {
            "app": app,
            "works": app.works.select_related("item", "item__unit"),
            "events": app.events.all(),
            "slot": slot,
            "review": getattr(slot, "review", None) if slot else None,
            "free": queries.free_slots(app) if slot is None else [],
            "fix": forms.FixForm(),
            "transfers": app.transfers.select_related("peer"),
        },
    )


def _review(room: str) -> Review:
    review = Review.objects.select_related("slot", "slot__application").filter(room=room).first()
    if review is None or review.slot.application is None:
        raise Http404
    return review


@require_GET
def call(request: HttpRequest, room: str) -> HttpResponse:
    review = _review(room)
    return render(
        request,
        "services/m_call.html",
        {
            "review": review,
            "app": review.slot.application,
            "signal_url": reverse("services_m:call_signal", args=[room]),
            "ice_servers": calls.ice_servers(),
        },
    )


@require_http_methods(["GET", "POST"])
def call_signal(request: HttpRequest, room: str) -> HttpResponse:
    return signal_exchange(request, _review(room), "resident")


@require_http_methods(["GET", "POST"])
def proxy_new(request: HttpRequest) -> HttpResponse:
    form = forms.AuthoriseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upload, chosen = d.pop("photo"), list(d.pop("bundles"))
        try:
            auth = write.authorise(**d, bundles=chosen, photo=upload.read() if upload else b"")
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            return redirect("services_m:proxy", key=auth.key)
    return render(request, "services/m_proxy_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def proxy(request: HttpRequest, key: str) -> HttpResponse:
    auth = get_object_or_404(Authorisation, key=key.upper())
    form = forms.ConfirmForm(request.POST if "code" in request.POST else None)
    if request.method == "POST":
        if "revoke" in request.POST:
            run(
                request, lambda: write.revoke(auth, by="授权页面（委托人或代办人）"), "授权已撤销。"
            )
        elif form.is_valid():
            run(request, lambda: write.confirm(auth, form.cleaned_data["code"]), "授权已生效。")
        return redirect("services_m:proxy", key=auth.key)
    return render(
        request,
        "services/m_proxy.html",
        {
            "auth": auth,
            "form": form,
            "principal_phone": mask_phone(auth.principal.phone),
            "proxy_phone": mask_phone(auth.proxy.phone),
            "today": timezone.localdate(),
        },
    )
