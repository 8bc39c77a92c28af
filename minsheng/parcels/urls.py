from django.urls import path

from minsheng.parcels import views

app_name = "parcels"

urlpatterns = [
    path("", views.index, name="index"),
    path("network/<int:pk>/", views.network, name="network"),
    path("network/<int:pk>/edit/", views.edit, name="edit"),
    path("network/<int:pk>/plan/", views.plan_today, name="plan_today"),
    path("network/<int:pk>/instance.json", views.instance_json, name="instance_json"),
    path("network/<int:pk>/map.json", views.map_json, name="map_json"),
    path("network/<int:pk>/site/", views.site, name="site"),
    path("network/<int:pk>/produce/", views.produce, name="produce"),
    path("network/<int:pk>/loops/", views.regenerate, name="regenerate"),
    path("plan/<int:pk>/", views.plan, name="plan"),
    path("plan/<int:pk>/replan/", views.replan, name="replan"),
    path("plan/<int:pk>/not-loaded/", views.not_loaded, name="not_loaded"),
    path("plan/<int:pk>/plan.json", views.plan_json, name="plan_json"),
]
