from django.urls import path
from django.views.generic import RedirectView

from minsheng.residents import views

app_name = "residents"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="residents:track"), name="home"),
    path("track/", views.track, name="track"),
    path("t/<str:number>/rate/", views.rate_ticket, name="rate"),
    path("new/", views.what, name="what"),
    path("new/where/", views.where, name="where"),
    path("new/who/", views.who, name="who"),
    path("new/follow/<str:number>/", views.follow, name="follow"),
    path("new/done/<str:number>/", views.receipt, name="receipt"),
    path("new/areas.geojson", views.areas, name="areas"),
    path("new/locate/", views.locate, name="locate"),
]
