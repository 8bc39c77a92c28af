from django.urls import path

from minsheng.eldercare import views

app_name = "eldercare"
urlpatterns = [
    path("", views.index, name="index"),
    path("enrol/", views.enrol, name="enrol"),
    path("import/", views.import_sheet, name="import"),
    path("h/<int:pk>/", views.household, name="household"),
    path("h/<int:pk>/edit/", views.enrol, name="edit"),
    path("h/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("h/<int:pk>/end/", views.end, name="end"),
    path("h/<int:pk>/absence/", views.absence, name="absence"),
    path("a/<int:pk>/", views.alarm, name="alarm"),
    path("a/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("a/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
