from django.urls import path

from minsheng.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.visit_list, name="visits"),
    path("<str:number>/", views.phone_visit, name="phone_visit"),
]
