from django.urls import path

from minsheng.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("screen/", views.screen, name="screen"),
    path("data.json", views.data, name="data"),
    path("map/", views.map_view, name="map"),
    path("map/areas.geojson", views.map_areas, name="map_areas"),
    path("map/points.json", views.map_points, name="map_points"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("hotspots/<str:key>/", views.hotspot, name="hotspot"),
    path("hotspots/<str:key>/proactive/", views.proactive, name="proactive"),
    path("topics/", views.topics, name="topics"),
    path("topics/adopt/", views.adopt, name="adopt"),
    path("topics/<str:month>/", views.topic, name="topic"),
    path("topics/<str:month>/actions/", views.save_action, name="add_action"),
    path("topics/<str:month>/actions/<int:pk>/", views.save_action, name="save_action"),
]
