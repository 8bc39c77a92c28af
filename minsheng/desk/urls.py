from django.urls import path

from minsheng.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("queue/", views.queue, name="queue"),
    path("inbox/", views.inbox, name="inbox"),
    path("tickets/", views.all_tickets, name="all"),
    path("overdue/", views.overdue, name="overdue"),
    path("t/<str:number>/act/<str:action>/", views.act, name="act"),
    path("t/<str:number>/files/<int:pk>/", views.attachment, name="attachment"),
]
