from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def panel(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
