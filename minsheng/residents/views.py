"""The residents' pages under /m/: file a request (/m/new/ what → where → who → receipt), then
find it again, follow it and rate the reply (/m/track/, /m/t/<number>/).

The filing steps' answers wait in the session (`m_new`); a photo waits, already cleaned, in
PendingPhoto. Text-only requests work without JavaScript; the map and the live category search
are extras. A resident has no account: they prove a ticket is theirs with its number and the
last four digits of their phone, and the session remembers the numbers proved (`m_tickets`).
"""

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.accounts.forms import client_address
from minsheng.citizens.masking import mask_phone
from minsheng.feedback.forms import RatingForm
from minsheng.feedback.links import read_token
from minsheng.feedback.visits import rate
from minsheng.residents import catalogue, filing, places, progress, queries, similarity
from minsheng.residents.forms import (
    UNKNOWN,
    FollowForm,
    TrackForm,
    WhatForm,
    WhereForm,
    WhoForm,
    ticket_number,
)
from minsheng.tickets import queries as ticket_queries
from minsheng.tickets.models import Satisfaction, Status, Ticket
from minsheng.tickets.transitions import WorkflowError

DRAFT = "m_new"
SESSION_TICKETS = "m_tickets"  # the numbers a resident proved
SESSION_FOLLOWING = "m_following"  # numbers followed without owning them: read-only
MAX_FAILURES = 5  # per session, and per address for one ticket
MAX_FAILURES_PER_TICKET = 20  # from anywhere: 10,000 last-four guesses take days
MAX_FAILURES_PER_ADDRESS = 100  # many tickets from one address: a scan, not a neighbour
WINDOW_SECONDS = 15 * 60
MISMATCH = gettext_lazy("工单编号或手机号后四位不正确")
TOO_MANY = gettext_lazy("尝试次数过多，请 15 分钟后再试")


def _draft(request: HttpRequest) -> dict[str, Any]:
    return dict(request.session.get(DRAFT) or {})


def _keep(request: HttpRequest, draft: dict[str, Any]) -> None:
    request.session[DRAFT] = draft


def _prove(request: HttpRequest, number: str) -> None:
    others = [n for n in request.session.get(SESSION_TICKETS, []) if n != number]
    request.session.cycle_key()  # the session now grants access to a ticket: renew its id
    request.session[SESSION_TICKETS] = [number, *others][:20]


@require_http_methods(["GET", "POST"])
def what(request: HttpRequest) -> HttpResponse:
    """Step 1: what happened — category, kind of request, description, photo."""
    draft, leaves = _draft(request), queries.leaves()
    if request.method == "POST":
        form = WhatForm(request.POST, request.FILES, leaves=leaves)
        if form.is_valid():
            data = form.cleaned_data
            token = draft.get("photo", "")
            if token and (data["remove_photo"] or data["photo"]):
                filing.discard_photo(token)
                token = ""
            if data["photo"]:
                token = filing.keep_photo(data["photo"]).token
            _keep(
                request,
                {
                    **draft,
                    "category": data["leaf"].pk,
                    "guessed": data["guessed"],
                    "request_type": data["request_type"],
                    "description": data["description"],
                    "photo": token,
                },
            )
            return redirect("residents:where")
    else:
        initial = {
            "category": UNKNOWN if draft.get("guessed") else str(draft.get("category", "")),
            "request_type": draft.get("request_type", ""),
            "description": draft.get("description", ""),
        }
        form = WhatForm(initial=initial, leaves=leaves)
    query = request.GET.get("q", "").strip()[:50]
    shown = catalogue.search(leaves, query) if query else leaves
    groups: dict[str, list[catalogue.Leaf]] = {}
    for leaf in shown:
        groups.setdefault(leaf.group, []).append(leaf)
    context = {
        "form": form,
        "step": 1,
        "query": query,
        "groups": groups,
        "selected": str(form["category"].value() or ""),
        "has_photo": bool(draft.get("photo")),
    }
    return render(request, "residents/what.html", context)


@require_http_methods(["GET", "POST"])
def where(request: HttpRequest) -> HttpResponse:
    """Step 2: where — an address, or a point on the map located to its street and community."""
    draft = _draft(request)
    if not draft.get("category"):
        return redirect("residents:what")
    streets, areas = queries.streets(), queries.areas()
    if request.method == "POST":
        form = WhereForm(request.POST, streets=streets, areas=areas)
        if form.is_valid():
            data = form.cleaned_data
            located = {"address": data["address"], "place": data["place_pk"]}
            _keep(request, {**draft, **located, "lon": data["lon"], "lat": data["lat"]})
            return redirect("residents:who")
    else:
        typed = "" if draft.get("address", "").endswith("（地图选点）") else draft.get("address")
        initial = {"address": typed, "lon": draft.get("lon"), "lat": draft.get("lat")}
        form = WhereForm(initial=initial, streets=streets, areas=areas)
    context = {
        "form": form,
        "step": 2,
        "has_map": bool(areas),
        "tile_url": settings.MINSHENG_TILE_URL,
    }
    return render(request, "residents/where.html", context)


@require_http_methods(["GET", "POST"])
def who(request: HttpRequest) -> HttpResponse:
    """Step 3: who — name and phone; similar open requests nearby are offered to follow first."""
    draft = _draft(request)
    if not draft.get("category"):
        return redirect("residents:what")
    if not draft.get("address"):
        return redirect("residents:where")
    request_draft = _request_draft(draft)
    if request_draft is None:
        messages.error(request, _("所选分类已停用，请重新选择。"))
        return redirect("residents:what")
    form, status = WhoForm(request.POST or None), 200
    if request.method == "POST" and form.is_valid():
        try:
            ticket = filing.file_request(
                request_draft, phone=form.cleaned_data["phone"], name=form.cleaned_data["name"]
            )
        except filing.RateLimited as error:
            form.add_error(None, str(error))
            status = 429
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            request.session.pop(DRAFT, None)
            _prove(request, ticket.number)
            return redirect("residents:receipt", number=ticket.number)
    similar = _similar(request_draft)
    _keep(request, {**draft, "suggested": [s["number"] for s in similar]})
    context = {
        "form": form,
        "step": 3,
        "draft": request_draft,
        "guessed": draft.get("guessed"),
        "similar": similar,
        "follow_form": FollowForm(),
    }
    return render(request, "residents/who.html", context, status=status)


@require_POST
def follow(request: HttpRequest, number: str) -> HttpResponse:
    """Follow a similar open request instead of filing the same one again: no new ticket."""
    draft = _draft(request)
    if number not in draft.get("suggested", []):
        messages.error(request, _("只能关注为您找到的相似诉求。"))
        return redirect("residents:who" if draft.get("category") else "residents:what")
    ticket = queries.open_ticket(number)
    if ticket is None:
        messages.error(request, _("该诉求已办结，无法关注，请继续提交您的诉求。"))
        return redirect("residents:who")
    form = FollowForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["phone"][0]))
        return redirect("residents:who")
    filing.follow(ticket, phone=form.cleaned_data["phone"])
    filing.discard_photo(draft.get("photo", ""))
    request.session.pop(DRAFT, None)
    # Following grants a read-only view: the follower is not the resident who filed it.
    following = [n for n in request.session.get(SESSION_FOLLOWING, []) if n != ticket.number]
    request.session[SESSION_FOLLOWING] = [ticket.number, *following][:20]
    messages.success(request, _("已关注该诉求，您可以在这里查看办理进度，无需重复反映。"))
    return redirect("resident_ticket", number=ticket.number)


@require_GET
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The receipt: the ticket number to quote, and where to follow it."""
    if number not in request.session.get(SESSION_TICKETS, []):
        return redirect("residents:track")
    return render(request, "residents/receipt.html", {"number": number, "step": 4})


@require_GET
def areas(request: HttpRequest) -> HttpResponse:
    """District and street outlines as GeoJSON, drawn under the map when there are no tiles."""
    response = JsonResponse(
        places.outline(queries.areas()), json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Type"] = "application/geo+json"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def locate(request: HttpRequest) -> HttpResponse:
    """The street and community of a tapped point, or why it cannot be used; with `address`,
    whether the address typed names another street."""
    try:
        lon, lat = float(request.GET.get("lon", "")), float(request.GET.get("lat", ""))
        found = places.locate(lon, lat, queries.areas())
    except ValueError as error:
        message = str(error) if isinstance(error, places.OutsideError) else ""
        message = message or _("坐标不正确，请在地图上重新选择位置。")
        return JsonResponse({"error": message}, status=400)
    answer = {"place": "".join(a.name for a in found)}
    address = places.normalise_address(request.GET.get("address", ""))[:200]
    conflict = queries.place_conflict(address, lon, lat) if address else ""
    if conflict:
        answer["conflict"] = _("%(conflict)s，两者不一致，请核对。") % {"conflict": conflict}
    return JsonResponse(answer)


# --- helpers -------------------------------------------------------------------------------


def _request_draft(draft: dict[str, Any]) -> filing.Draft | None:
    category = queries.leaf(draft.get("category"))
    if category is None:
        return None
    return filing.Draft(
        category=category,
        request_type=draft.get("request_type", ""),
        description=draft.get("description", ""),
        address=draft.get("address", ""),
        place=queries.unit(draft["place"]) if draft.get("place") else None,
        lon=draft.get("lon"),
        lat=draft.get("lat"),
        photo_token=draft.get("photo", ""),
    )


def _similar(draft: filing.Draft) -> list[dict[str, Any]]:
    tickets = queries.nearby_open(place=draft.place, address=draft.address, now=timezone.now())
    by_number = {t.number: t for t in tickets}
    ranked = similarity.most_similar(
        draft.description, ((t.number, f"{t.title} {t.description}") for t in tickets)
    )
    return [
        {
            "number": number,
            "title": similarity.mask_numbers(by_number[number].title),
            "category": by_number[number].category.name,
            "received_at": by_number[number].received_at,
            "score": score,
        }
        for number, score in ranked
    ]


# --- following one's ticket: /m/track/, /m/t/<number>/ -----------------------------


def _throttle_keys(request: HttpRequest, number: str) -> list[tuple[str, int]]:
    """What a failed try counts against, each with its own limit in the window.

    Guessing is bounded per session and per ticket; an address (a carrier's NAT, a community's
    Wi-Fi) is locked out only for the ticket it guessed at, or after many tries at many tickets,
    so one person's mistakes never lock out their neighbours.
    """
    token = request.session.setdefault("m_client", secrets.token_urlsafe(12))
    ip = client_address(request)
    number = ticket_number(number)[:24]
    return [
        (f"m-track:session:{token}", MAX_FAILURES),
        (f"m-track:ip-number:{ip}:{number}", MAX_FAILURES),
        (f"m-track:number:{number}", MAX_FAILURES_PER_TICKET),
        (f"m-track:ip:{ip}", MAX_FAILURES_PER_ADDRESS),
    ]


def _throttled(keys: list[tuple[str, int]]) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in keys)


def _record_failure(keys: list[tuple[str, int]]) -> None:
    for key, _limit in keys:
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)
        cache.touch(key, WINDOW_SECONDS)


def _proved(request: HttpRequest) -> list[str]:
    return list(request.session.get(SESSION_TICKETS, []))


def track(request: HttpRequest) -> HttpResponse:
    """Ticket number + last four digits of the phone: on a match the ticket opens."""
    form = TrackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        keys = _throttle_keys(request, request.POST.get("number", ""))
        if _throttled(keys):
            form, status = TrackForm(), 429
            messages.error(request, TOO_MANY)
        elif form.is_valid():
            ticket = form.matching_ticket()
            if ticket is None:
                _record_failure(keys)
                form.add_error(None, MISMATCH)
            else:
                numbers = [n for n in _proved(request) if n != ticket.number]
                request.session.cycle_key()  # the session now grants access: renew its id
                request.session[SESSION_TICKETS] = [ticket.number, *numbers][:20]
                return redirect("resident_ticket", number=ticket.number)
    return render(
        request, "residents/track.html", {"form": form, "proved": _proved(request)}, status=status
    )


def rating_link(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link of the return-visit SMS: opens the ticket without the last four digits.

    Valid once: only while the round it names still awaits its rating, and until it expires.
    """
    claim = read_token(token)
    ticket = (
        ticket_queries.awaiting_rating(claim.number, reply_round=claim.round) if claim else None
    )
    if ticket is None:
        messages.info(request, _("评价链接已使用或已失效，请输入工单编号和手机号后四位查询。"))
        return redirect("residents:track")
    numbers = [n for n in _proved(request) if n != ticket.number]
    request.session.cycle_key()
    request.session[SESSION_TICKETS] = [ticket.number, *numbers][:20]
    return redirect("resident_ticket", number=ticket.number)


def ticket_page(request: HttpRequest, number: str) -> HttpResponse:
    """A proved or followed ticket's progress, its public reply and timeline; the owner rates."""
    ticket = _resident_ticket(request, number)
    owner = ticket is not None
    if ticket is None:
        following = request.session.get(SESSION_FOLLOWING, [])
        ticket = ticket_queries.proved_by_resident(number, following)
    if ticket is None:
        messages.info(request, _("请先输入工单编号和手机号后四位，再查看工单。"))
        return redirect("residents:track")
    return _render_ticket(request, ticket, RatingForm(), owner=owner)


@require_POST
def rate_ticket(request: HttpRequest, number: str) -> HttpResponse:
    """The resident's own rating (回访评价); a satisfied rating closes the ticket."""
    ticket = _resident_ticket(request, number)
    if ticket is None:
        messages.info(request, _("请先输入工单编号和手机号后四位，再查看工单。"))
        return redirect("residents:track")
    if ticket.status != Status.REPLIED:
        messages.error(request, _not_ratable(ticket))
        return redirect("resident_ticket", number=ticket.number)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _render_ticket(request, ticket, form)
    try:
        rating = rate(
            ticket,
            satisfaction=form.cleaned_data["satisfaction"],
            resolved=form.cleaned_data["resolved"],
            comment=form.cleaned_data["comment"],
        )
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        if rating.satisfaction == Satisfaction.UNSATISFIED:
            messages.success(request, progress.UNSATISFIED_NOTE)
        else:
            messages.success(request, _("感谢您的评价！工单已办结。"))
    return redirect("resident_ticket", number=ticket.number)


def _resident_ticket(request: HttpRequest, number: str) -> Ticket | None:
    return ticket_queries.proved_by_resident(number, _proved(request))


def _not_ratable(ticket: Ticket) -> str:
    if ticket.ratings.filter(round=ticket.reopen_count + 1).exists():
        return _("您已经评价过这张工单，不能重复评价。")
    return _("这张工单当前为“%(status)s”，答复后才能评价。") % {
        "status": ticket.get_status_display()
    }


def _render_ticket(
    request: HttpRequest, ticket: Ticket, form: RatingForm, *, owner: bool = True
) -> HttpResponse:
    last_rating = ticket.ratings.order_by("-round", "-at").first()
    public_unit = ticket.status not in (
        Status.RECEIVED,
        Status.RETURNED,
        Status.MERGED,
        Status.DECLINED,
    )
    step = progress.STEP_OF.get(Status(ticket.status))
    # A return is the staff's business: the resident sees the ticket still being dispatched.
    shown_status = Status.DISPATCHED if ticket.status == Status.RETURNED else ticket.status
    context = {
        "ticket": ticket,
        "status_label": progress.STEPS[step] if step is not None else ticket.get_status_display(),
        "status_class": shown_status,
        "steps": progress.steps(ticket, last_rating),
        "timeline": queries.public_timeline(ticket),
        "unit_name": ticket.unit.name if ticket.unit and public_unit else "",
        "deadline": ticket.resolve_by
        if ticket.status in (Status.DISPATCHED, Status.ACCEPTED)
        else None,
        "phone": mask_phone(ticket.resident.phone) if owner else "",
        "can_rate": owner and ticket.status == Status.REPLIED,
        "form": form,
    }
    return render(request, "residents/ticket.html", context)
