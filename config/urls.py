from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from minsheng.accounts import views as accounts
from minsheng.accounts.forms import ThrottledLogin
from minsheng.desk import views as desk
from minsheng.lib.extensions import programmes
from minsheng.ops.views import healthz
from minsheng.residents import views as residents

# The admin in the platform's name, not "Django 管理" / "Django administration".
admin.site.site_header = _("民生 · 接诉即办 管理后台")
admin.site.site_title = _("民生管理后台")
admin.site.index_title = _("系统管理")


def _programme_urls() -> list[URLPattern | URLResolver]:
    """Each programme's staff pages and residents' pages (/m/…), as its apps.py declares."""
    found: list[URLPattern | URLResolver] = []
    for config in programmes():
        if config.resident_urls:
            prefix, module = config.resident_urls
            found.append(path(f"m/{prefix}", include(module)))
        if config.staff_urls:
            prefix, module = config.staff_urls
            found.append(path(prefix, include(module)))
    return found


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("login/", auth_views.LoginView.as_view(authentication_form=ThrottledLogin), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Project-level like login and logout: the layout links to it from every page.
    path("account/two-factor/", accounts.two_factor, name="two_factor"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    *_programme_urls(),
    # The resident's page of one ticket and the signed rating link, sent in every SMS:
    # published like the staff page.
    path("m/t/<str:number>/", residents.ticket_page, name="resident_ticket"),
    path("m/r/<str:token>/", residents.rating_link, name="rating_link"),
    path("m/", include("minsheng.residents.urls")),
    path("visits/", include("minsheng.feedback.urls")),
    path("api/v1/", include("minsheng.api.urls")),
    path("open311/v2/", include("minsheng.open311.urls")),
    path("intake/", include("minsheng.intake.urls")),
    path("knowledge/", include("minsheng.knowledge.urls")),
    path("calendar/", include("minsheng.sla.urls")),
    path("triage/", include("minsheng.triage.urls")),
    path("notifications/", include("minsheng.notifications.urls")),
    path("assessment/", include("minsheng.assessment.urls")),
    path("dispatch/", include("minsheng.dispatch.urls")),
    path("analytics/", include("minsheng.analytics.urls")),
    # The staff ticket page is the address the loop publishes (notices, other apps' links):
    # a project-level name, so that no app below the desk names the desk.
    path("t/<str:number>/", desk.detail, name="ticket"),
    path("", include("minsheng.desk.urls")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
