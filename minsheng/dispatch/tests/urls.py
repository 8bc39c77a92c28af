"""The project's URLs with the dispatch pages mounted, until config/urls.py mounts them itself."""

from django.urls import include, path

from config.urls import urlpatterns as project

_mounted = any(getattr(p, "namespace", None) == "dispatch" for p in project)
urlpatterns = (
    project if _mounted else [path("dispatch/", include("minsheng.dispatch.urls")), *project]
)
