from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from tests.host.members.models import Member


def rename(request: HttpRequest) -> HttpResponse:
    """A view that saves a model: its chain of signals is what the feed records."""
    member = Member.objects.get(email=request.GET["email"])
    member.email = f"renamed.{member.email}"
    member.save()
    return HttpResponse("renamed")


urlpatterns = [
    path("feed/", include("signal_lens.urls")),
    path("rename/", rename),
]
