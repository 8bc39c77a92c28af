from django.urls import path

from minsheng.desk import lists, views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("queue/", views.queue, name="queue"),
    path("inbox/", views.inbox, name="inbox"),
    path("tickets/", views.all_tickets, name="all"),
    path("overdue/", views.overdue, name="overdue"),
    path("lists/", lists.index, name="worklists"),
    path("lists/<str:key>/", lists.worklist, name="worklist"),
    path("lists/<str:key>/bulk/", lists.bulk_action, name="bulk"),
    path("lists/<str:key>/export.xlsx", lists.export, name="export"),
    path("lists/<str:key>/filters/", lists.save_filter, name="save_filter"),
    path("lists/<str:key>/filters/<int:pk>/delete/", lists.delete_filter, name="delete_filter"),
    path("t/<str:number>/print/", lists.print_ticket, name="print_ticket"),
    path("t/<str:number>/print/supervision/", lists.print_supervision, name="print_supervision"),
    path("t/<str:number>/act/<str:action>/", views.act, name="act"),
    path("t/<str:number>/files/<int:pk>/", views.attachment, name="attachment"),
    path("t/<str:number>/phone/", views.reveal_phone, name="reveal_phone"),
]
