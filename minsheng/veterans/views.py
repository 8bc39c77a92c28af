"""The veterans' staff pages: records, families' requests and candidates, beneficiary checks."""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.accounts.models import User
from minsheng.citizens.masking import mask_phone
from minsheng.tickets import queries as ticket_queries
from minsheng.tickets.transitions import Actor, WorkflowError
from minsheng.veterans import casework, checks, queries
from minsheng.veterans.forms import (
    AttachForm,
    HotlineRequestForm,
    RecordForm,
    RequestForm,
    SettleForm,
    TextForm,
    UploadForm,
)
from minsheng.veterans.models import Candidate, FamilyRequest
from minsheng.veterans.queries import Access

PER_PAGE = 50


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _access(request: HttpRequest, *, bureau: bool = False) -> Access:
    access = queries.access_of(_user(request))
    if not access.any or (bureau and not access.bureau):
        raise Http404
    return access


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    return render(
        request,
        "veterans/index.html",
        {"access": access, "counts": queries.counts(), "upload": UploadForm()},
    )


# --- records -------------------------------------------------------------------------------


@login_required
def records(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    search = request.GET.get("q", "").strip()
    page = _page(request, queries.records(access, search))
    return render(
        request,
        "veterans/records.html",
        {"page": page, "q": search, "access": access, "upload": UploadForm()},
    )


@login_required
def record(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access = _access(request)
    instance = get_object_or_404(queries.records(access), pk=pk) if pk else None
    form = RecordForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if not access.bureau:
            raise Http404
        if form.is_valid():
            saved = casework.save_record(form.cleaned_data, record=instance)
            messages.success(request, _("烈士记录已保存。"))
            return redirect("veterans:record", pk=saved.pk)
    return render(
        request,
        "veterans/record.html",
        {"form": form, "record": instance, "access": access, "attach": AttachForm()},
    )


@login_required
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, bureau=True)
    record = get_object_or_404(queries.records(access), pk=pk)
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的照片或文件。"))
        return redirect("veterans:record", pk=pk)
    try:
        casework.attach_file(
            record,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            by=_user(request),
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已上传。"))
    return redirect("veterans:record", pk=pk)


@login_required
@require_POST
def import_records(request: HttpRequest) -> HttpResponse:
    _access(request, bureau=True)
    return _import(request, casework.import_records, "veterans:records", _("条烈士记录"))


def _import(
    request: HttpRequest, run: Callable[[str, bytes], tuple[int, list[str]]], back: str, what: str
) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要导入的文件。"))
        return redirect(back)
    upload = form.cleaned_data["file"]
    count, errors = run(upload.name, upload.read())
    if errors:
        return render(
            request,
            "veterans/import_errors.html",
            {"errors": errors[:200], "more": len(errors) - 200, "back": back},
        )
    messages.success(request, _("已导入 %(n)s %(what)s。") % {"n": count, "what": what})
    return redirect(back)


# --- families' requests --------------------------------------------------------------------


@login_required
def requests(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    found = queries.requests(access)
    stage = request.GET.get("stage", "")
    if stage:
        found = found.filter(stage=stage)
    return render(
        request,
        "veterans/requests.html",
        {
            "page": _page(request, found),
            "stage": stage,
            "access": access,
            "stages": FamilyRequest._meta.get_field("stage").choices,
        },
    )


@login_required
def new_request(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    form = HotlineRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ticket = None
        number = data.get("ticket_number", "").strip()
        if number:
            ticket = ticket_queries.visible_to(_user(request)).filter(number=number).first()
            if ticket is None:
                form.add_error("ticket_number", _("找不到该工单，或您无权查看。"))
        if not form.errors:
            channel = (
                FamilyRequest.Channel.HOTLINE if access.centre else FamilyRequest.Channel.STAFF
            )
            try:
                made = casework.register_request(
                    data, channel=channel, by=_user(request), ticket=ticket
                )
            except WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("寻亲登记已受理，系统已给出候选记录。"))
                return redirect("veterans:request", pk=made.pk)
    return render(request, "veterans/new_request.html", {"form": form, "access": access})


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    item = get_object_or_404(queries.requests(access), pk=pk)
    candidates = item.candidates.select_related("record", "ticket")
    return render(
        request,
        "veterans/request.html",
        {
            "item": item,
            "access": access,
            "candidates": candidates,
            "phone": item.resident.phone if access.centre else mask_phone(item.resident.phone),
            "events": item.events.select_related("ticket"),
            "text_form": TextForm(),
        },
    )


ACTIONS = {
    "verify": lambda c, text, user: casework.start_verification(c, by=user),
    "evidence": lambda c, text, user: casework.record_evidence(c, text=text, by=user),
    "confirm": lambda c, text, user: casework.confirm(c, note=text, by=user),
    "memorial": lambda c, text, user: casework.arrange_memorial(c, text=text, by=user),
    "reject": lambda c, text, user: casework.reject(c, reason=text, by=user),
}


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    access = _access(request, bureau=True)
    candidate = get_object_or_404(
        Candidate.objects.filter(request__in=queries.requests(access)), pk=pk
    )
    if action not in ACTIONS:
        raise Http404
    form = TextForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    try:
        ACTIONS[action](candidate, text, _user(request))
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已办理。"))
    return redirect("veterans:request", pk=candidate.request_id)


@login_required
@require_POST
def rematch(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, bureau=True)
    item = get_object_or_404(queries.requests(access), pk=pk)
    casework.propose(item)
    messages.success(request, _("已重新比对。"))
    return redirect("veterans:request", pk=item.pk)


# --- beneficiaries -------------------------------------------------------------------------


@login_required
def beneficiaries(request: HttpRequest) -> HttpResponse:
    access = _access(request, bureau=True)
    page = _page(request, queries.beneficiaries(access))
    for b in page:
        b.masked = checks.mask_id(b.id_number)
    return render(request, "veterans/beneficiaries.html", {"page": page, "upload": UploadForm()})


@login_required
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, bureau=True)
    person = get_object_or_404(queries.beneficiaries(access), pk=pk)
    number = casework.reveal_id(person, by=_user(request))
    return render(request, "veterans/reveal.html", {"person": person, "number": number})


@login_required
@require_POST
def import_beneficiaries(request: HttpRequest) -> HttpResponse:
    _access(request, bureau=True)
    return _import(
        request, casework.import_beneficiaries, "veterans:beneficiaries", _("名优抚对象")
    )


@login_required
@require_POST
def import_register(request: HttpRequest) -> HttpResponse:
    _access(request, bureau=True)
    return _import(request, casework.import_register, "veterans:beneficiaries", _("条登记记录"))


@login_required
@require_POST
def run_checks(request: HttpRequest) -> HttpResponse:
    _access(request, bureau=True)
    try:
        count = casework.run_checks()
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("核查完成，新发现 %(n)s 个问题，已派发各县区退役军人事务局。") % {"n": count}
        )
    return redirect("veterans:findings")


@login_required
def findings(request: HttpRequest) -> HttpResponse:
    access = _access(request, bureau=True)
    found = queries.findings(access)
    if request.GET.get("open"):
        found = found.filter(outcome="")
    page = _page(request, found)
    for f in page:
        f.label = checks.LABELS.get(f.kind, f.kind)
        f.masked = checks.mask_id(f.beneficiary.id_number)
    return render(request, "veterans/findings.html", {"page": page, "form": SettleForm()})


@login_required
@require_POST
def settle(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request, bureau=True)
    finding = get_object_or_404(queries.findings(access), pk=pk)
    form = SettleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择处理结果。"))
        return redirect("veterans:findings")
    try:
        casework.settle(
            finding,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            by=_user(request),
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("处理结果已记录。"))
    return redirect("veterans:findings")


@login_required
def report(request: HttpRequest) -> HttpResponse:
    access = _access(request, bureau=True)
    return render(request, "veterans/report.html", {"months": queries.monthly_report(access)})


# --- the residents' page (/m/veterans/) ----------------------------------------------------


def resident_new(request: HttpRequest) -> HttpResponse:
    """A family registers its request on the phone page; it is filed as a ticket to the bureau."""
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by = Actor(label=f"家属（尾号{data['phone'][-4:]}）", kind="resident")
        try:
            made = casework.register_request(data, channel=FamilyRequest.Channel.RESIDENT, by=by)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "veterans/resident_done.html", {"ticket": made.ticket})
    return render(request, "veterans/resident_new.html", {"form": form})
