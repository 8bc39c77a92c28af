from django.urls import path

from minsheng.services import views

app_name = "services"

urlpatterns = [
    path("", views.index, name="index"),
    path("a/<int:pk>/", views.application, name="application"),
    path("works/<int:pk>/", views.work, name="work"),
    path("uploads/<int:pk>/", views.upload, name="upload"),
    path("slots/", views.slots, name="slots"),
    path("calls/<str:room>/", views.call, name="call"),
    path("calls/<str:room>/signal", views.call_signal, name="call_signal"),
    path("proxies/", views.proxies, name="proxies"),
    path("proxies/<int:pk>/revoke", views.revoke, name="revoke"),
]
