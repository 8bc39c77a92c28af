from django.urls import path

from minsheng.households import resident_views

app_name = "households_m"

urlpatterns = [path("report/", resident_views.report, name="report")]
