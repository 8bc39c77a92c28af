from django.urls import path
from django.views.generic import RedirectView

from minsheng.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="feedback:track"), name="home"),
    path("track/", views.track, name="track"),
    path("t/<str:number>/", views.ticket_page, name="ticket"),
    path("t/<str:number>/rate/", views.rate_ticket, name="rate"),
    path("visit/<str:number>/", views.phone_visit, name="phone_visit"),
    path("visits/", views.visit_list, name="visits"),
    path("r/<str:token>/", views.rating_link, name="rating_link"),
]
