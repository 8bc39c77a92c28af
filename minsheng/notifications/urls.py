from django.urls import path

from minsheng.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("read/", views.mark_read, name="read"),
]
