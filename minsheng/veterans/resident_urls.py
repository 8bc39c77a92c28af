from django.urls import path

from minsheng.veterans import views

app_name = "veterans_m"

urlpatterns = [path("", views.resident_new, name="new")]
