from django.urls import path

from minsheng.sla import views

app_name = "sla"
urlpatterns = [
    path("", views.calendar, name="calendar"),
]
