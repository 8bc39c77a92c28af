from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from minsheng.ops.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("m/new/", include("minsheng.mobile.urls")),
    path("m/", include("minsheng.feedback.urls")),
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
    path("", include("minsheng.tickets.urls")),
]
