from django.urls import path

from minsheng.community import views

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    path("linkage/<int:pk>/", views.linkage_page, name="linkage"),
    path("heads/", views.heads, name="heads"),
    path("heads/<int:pk>/<str:action>/", views.head_action, name="head_action"),
    path("stations/", views.stations, name="stations"),
    path("stations/<int:pk>/", views.station, name="station"),
    path("map.json", views.map_json, name="map_json"),
    path("leaders/", views.leaders, name="leaders"),
    path("visit/", views.visit, name="visit"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
]
