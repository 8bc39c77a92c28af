"""The resident's phone pages for filing a request: /m/new/ what → where → who → receipt.

The steps' answers wait in the session (`m_new`); a photo waits, already cleaned, in PendingPhoto.
Text-only requests work without JavaScript; the map and the live category search are extras.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.mobile import catalogue, filing, places, queries, similarity
from minsheng.mobile.forms import UNKNOWN, FollowForm, WhatForm, WhereForm, WhoForm
from minsheng.tickets.workflow import WorkflowError

DRAFT = "m_new"
SESSION_TICKETS = "m_tickets"  # the numbers a resident proved; shared with the feedback pages
SESSION_FOLLOWING = "m_following"  # numbers followed, read-only (feedback.views reads it too)


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
            return redirect("mobile:where")
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
    return render(request, "mobile/what.html", context)


@require_http_methods(["GET", "POST"])
def where(request: HttpRequest) -> HttpResponse:
    """Step 2: where — an address, or a point on the map located to its street and community."""
    draft = _draft(request)
    if not draft.get("category"):
        return redirect("mobile:what")
    streets, areas = queries.streets(), queries.areas()
    if request.method == "POST":
        form = WhereForm(request.POST, streets=streets, areas=areas)
        if form.is_valid():
            data = form.cleaned_data
            located = {"address": data["address"], "place": data["place_pk"]}
            _keep(request, {**draft, **located, "lon": data["lon"], "lat": data["lat"]})
            return redirect("mobile:who")
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
    return render(request, "mobile/where.html", context)


@require_http_methods(["GET", "POST"])
def who(request: HttpRequest) -> HttpResponse:
    """Step 3: who — name and phone; similar open requests nearby are offered to follow first."""
    draft = _draft(request)
    if not draft.get("category"):
        return redirect("mobile:what")
    if not draft.get("address"):
        return redirect("mobile:where")
    request_draft = _request_draft(draft)
    if request_draft is None:
        messages.error(request, _("所选分类已停用，请重新选择。"))
        return redirect("mobile:what")
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
            return redirect("mobile:receipt", number=ticket.number)
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
    return render(request, "mobile/who.html", context, status=status)


@require_POST
def follow(request: HttpRequest, number: str) -> HttpResponse:
    """Follow a similar open request instead of filing the same one again: no new ticket."""
    draft = _draft(request)
    if number not in draft.get("suggested", []):
        messages.error(request, _("只能关注为您找到的相似诉求。"))
        return redirect("mobile:who" if draft.get("category") else "mobile:what")
    ticket = queries.open_ticket(number)
    if ticket is None:
        messages.error(request, _("该诉求已办结，无法关注，请继续提交您的诉求。"))
        return redirect("mobile:who")
    form = FollowForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["phone"][0])
        return redirect("mobile:who")
    filing.follow(ticket, phone=form.cleaned_data["phone"])
    filing.discard_photo(draft.get("photo", ""))
    request.session.pop(DRAFT, None)
    # Following grants a read-only view: the follower is not the resident who filed it.
    following = [n for n in request.session.get(SESSION_FOLLOWING, []) if n != ticket.number]
    request.session[SESSION_FOLLOWING] = [ticket.number, *following][:20]
    messages.success(request, _("已关注该诉求，您可以在这里查看办理进度，无需重复反映。"))
    return redirect("feedback:ticket", number=ticket.number)


@require_GET
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The receipt: the ticket number to quote, and where to follow it."""
    if number not in request.session.get(SESSION_TICKETS, []):
        return redirect("feedback:track")
    return render(request, "mobile/receipt.html", {"number": number, "step": 4})


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
    """The street and community of a tapped point, or why it cannot be used."""
    try:
        lon, lat = float(request.GET.get("lon", "")), float(request.GET.get("lat", ""))
        found = places.locate(lon, lat, queries.areas())
    except ValueError as error:
        message = str(error) if isinstance(error, places.OutsideError) else ""
        message = message or _("坐标不正确，请在地图上重新选择位置。")
        return JsonResponse({"error": message}, status=400)
    return JsonResponse({"place": "".join(a.name for a in found)})


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
