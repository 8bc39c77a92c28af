from django.urls import path

from minsheng.community import resident_views as views

app_name = "community_m"

urlpatterns = [
    path("", views.index, name="index"),
    path("stations.json", views.stations_json, name="stations_json"),
    path("c/<str:code>/", views.community, name="community"),
    path("meetings/<int:pk>/sign/", views.sign, name="sign"),
    path("join/<str:token>/", views.join, name="join"),
    path("head/", views.head, name="head"),
    path("head/r/<int:pk>/", views.head_linkage, name="head_linkage"),
    path("head/logout/", views.logout, name="logout"),
]
