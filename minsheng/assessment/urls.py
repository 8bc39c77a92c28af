from django.urls import path

from minsheng.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("run/", views.run, name="run"),
    path("export.<str:fmt>", views.export, name="export"),
    path("unit/<str:code>/", views.unit_page, name="unit"),
    path("unit/<str:code>/<str:period>/<str:indicator>/", views.drill, name="drill"),
    path("exclusions/", views.exclusions, name="exclusions"),
    path("exclusions/new/<str:number>/", views.new_exclusion, name="new_exclusion"),
    path("exclusions/<int:pk>/decide/", views.decide_exclusion, name="decide_exclusion"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:pk>/decide/", views.decide_appeal, name="decide_appeal"),
    path("policy/", views.policy, name="policy"),
]
