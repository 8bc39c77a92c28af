from django.urls import path

from minsheng.projects import campaign_views, views

app_name = "projects"

urlpatterns = [
    path("projects/", views.index, name="index"),
    path("projects/screen/", views.screen, name="screen"),
    path("projects/lists/<int:pk>/", views.plist, name="list"),
    path("projects/lists/<int:pk>/export.xlsx", views.list_export, name="list_export"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/photos/<int:pk>/", views.photo, name="photo"),
    path("campaigns/", campaign_views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", campaign_views.campaign, name="campaign"),
    path("campaigns/<int:pk>/export.csv", campaign_views.export, name="campaign_export"),
    path("campaigns/<int:pk>/inspect/", campaign_views.inspect, name="inspect"),
    path("campaigns/<int:pk>/visits", campaign_views.visit, name="visit"),
    path("campaigns/hazards/<int:pk>/", campaign_views.hazard, name="hazard"),
]
