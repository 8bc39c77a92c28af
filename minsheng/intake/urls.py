from django.urls import path

from minsheng.intake import views

app_name = "intake"
urlpatterns = [
    path("new/", views.new, name="new"),
    path("history/", views.history, name="history"),
]
