from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

app_name = "sample_m"


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "sample_programme/resident.html")


urlpatterns = [path("", index, name="index")]
