"""A URL configuration for the Cache-Control tests: one view that opts out of ``no-store``."""

from django.http import HttpResponse
from django.urls import path

from luotsi.common.middleware import cache_allowed


@cache_allowed
def public_figure(request):
    response = HttpResponse("42")
    response["Cache-Control"] = "private, max-age=60"
    return response


def plain(request):
    return HttpResponse("client data")


urlpatterns = [path("public/", public_figure), path("plain/", plain)]
