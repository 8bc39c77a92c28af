"""Staff's in-app notices: the list, and marking them read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from minsheng.accounts.http import AuthenticatedHttpRequest as Request
from minsheng.lib.forms import row_id
from minsheng.notifications import delivery, queries


@login_required
@require_GET
def notice_list(request: Request) -> HttpResponse:
    """The user's notices, newest first; unread ones are marked."""
    page = Paginator(queries.inbox(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": queries.unread_count(request.user)},
    )


@login_required
@require_POST
def mark_read(request: Request) -> HttpResponse:
    """Mark one notice (`id`) or all of them read."""
    raw = request.POST.get("id", "")
    found = row_id(raw)
    ids = [found] if found is not None else None
    delivery.mark_read(request.user, ids=ids)
    return redirect("notifications:list")
