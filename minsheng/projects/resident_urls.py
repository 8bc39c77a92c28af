from django.urls import path

from minsheng.projects import resident_views as views

app_name = "projects_m"

urlpatterns = [
    path("", views.index, name="index"),
    path("lists/<int:pk>/", views.plist, name="list"),
    path("lists/<int:pk>/support/", views.support, name="support"),
    path("<int:pk>/", views.project, name="project"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
