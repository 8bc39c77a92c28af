from django.urls import path

from minsheng.services import resident_views as views

app_name = "services_m"

urlpatterns = [
    path("", views.index, name="index"),
    path("apply/<slug:code>/", views.apply, name="apply"),
    path("p/<str:key>/", views.progress, name="progress"),
    path("call/<str:room>/", views.call, name="call"),
    path("call/<str:room>/signal", views.call_signal, name="call_signal"),
    path("proxy/", views.proxy_new, name="proxy_new"),
    path("proxy/<str:key>/", views.proxy, name="proxy"),
]
