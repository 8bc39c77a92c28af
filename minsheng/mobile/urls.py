from django.urls import path

from minsheng.mobile import views

app_name = "mobile"
urlpatterns = [
    path("", views.what, name="what"),
    path("where/", views.where, name="where"),
    path("who/", views.who, name="who"),
    path("follow/<str:number>/", views.follow, name="follow"),
    path("done/<str:number>/", views.receipt, name="receipt"),
    path("areas.geojson", views.areas, name="areas"),
    path("locate/", views.locate, name="locate"),
]
