"""Staff sessions end after a spell without use (等保 2.0 asks for it); residents' do not."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

LAST_SEEN = "staff_last_seen"
# The session is written at most this often just to note activity.
NOTE_EVERY_SECONDS = 60


class StaffIdleTimeout:
    """Log a signed-in user out after MINSHENG_STAFF_IDLE_MINUTES without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN)
            idle = getattr(settings, "MINSHENG_STAFF_IDLE_MINUTES", 30) * 60
            if last is not None and now - last > idle:
                return _signed_out(request)
            if last is None or now - last > NOTE_EVERY_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="staff-last-seen")
def _signed_in(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """The idle time counts from signing in (and the first page writes no session)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = time.time()


def _signed_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("长时间未操作，已自动退出，请重新登录。"))
    target = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)
