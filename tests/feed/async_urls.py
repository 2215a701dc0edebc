"""The site's URLs plus an async view whose signal chain yields to other requests midway."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from tests.helpers import ping_slowly
from urls import urlpatterns as site_urlpatterns


async def ping_view(request: HttpRequest) -> HttpResponse:
    await ping_slowly(request.GET["who"])
    return HttpResponse("pinged")


urlpatterns = [path("ping/", ping_view), *site_urlpatterns]
