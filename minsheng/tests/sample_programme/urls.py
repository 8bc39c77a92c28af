from django.http import HttpRequest, HttpResponse
from django.urls import path

app_name = "sample"


def index(request: HttpRequest) -> HttpResponse:
    return HttpResponse("样例项目首页")


urlpatterns = [path("", index, name="index")]
