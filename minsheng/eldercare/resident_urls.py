from django.urls import path

from minsheng.eldercare import resident_views

app_name = "eldercare_m"
urlpatterns = [path("absence/", resident_views.absence, name="absence")]
