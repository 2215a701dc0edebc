from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from tests.host.members.models import Member


def rename(request: HttpRequest) -> HttpResponse:
    """A view that saves a model: its chain of signals is what the feed records."""
    member = Member.objects.get(username=request.GET["username"])
    member.first_name = "Renamed"
    member.save()
    return HttpResponse("renamed")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("feed/", include("feed.urls")),
    path("rename/", rename),
]
